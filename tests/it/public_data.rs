//! The real data in `../shared/data/public` parses with the record counts stated in its
//! SOURCES.md and EXPECTED.tsv; the malformed files there are rejected.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::util::common;

use std::path::Path;

use common::*;
use panelprep::pipeline::{self, Control, Inputs, Outputs, PipelineOptions};

fn validate(path: &Path, phred64: bool, interleaved: bool) -> Result<u64, String> {
    let opts = PipelineOptions {
        phred64,
        allow_empty: true,
        ..PipelineOptions::passthrough()
    };
    let inputs = if interleaved {
        Inputs::interleaved(path)
    } else {
        Inputs::single(path)
    };
    pipeline::run(&opts, &inputs, &Outputs::default(), &Control::new())
        .map(|s| s.inputs[0].records)
        .map_err(|e| e.to_string())
}

#[test]
#[cfg_attr(
    not(pp_public_data),
    ignore = "needs ../shared/data/public (absent on this machine)"
)]
fn biopython_suite_matches_expected_tsv() {
    let Some(data) = shared_data() else { return };
    let dir = data.join("biopython-fastq");
    let tsv = std::fs::read_to_string(dir.join("EXPECTED.tsv")).unwrap();
    let mut checked = 0;
    for line in tsv.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        let (file, class, records, range) = (f[0], f[1], f[2], f[4]);
        let path = dir.join(file);
        if class == "invalid" {
            let e = validate(&path, false, false).expect_err(file);
            assert!(e.contains(file) && e.contains("record"), "{file}: {e}");
        } else {
            let min: u32 = range.split('-').next().unwrap().parse().unwrap();
            let expected: u64 = records.parse().unwrap();
            if (59..64).contains(&min) {
                // Solexa scores (negative values) are not supported: rejected with a message.
                assert!(
                    validate(&path, true, false).is_err(),
                    "{file}: Solexa must be refused"
                );
                assert!(
                    validate(&path, false, false)
                        .unwrap_err()
                        .contains("Phred+64"),
                    "{file}"
                );
            } else {
                let got =
                    validate(&path, min >= 64, false).unwrap_or_else(|e| panic!("{file}: {e}"));
                assert_eq!(got, expected, "{file}");
            }
        }
        checked += 1;
    }
    assert!(checked >= 59, "EXPECTED.tsv rows checked: {checked}");
}

#[test]
#[cfg_attr(
    not(pp_public_data),
    ignore = "needs ../shared/data/public (absent on this machine)"
)]
fn real_datasets_have_their_stated_record_counts() {
    let Some(data) = shared_data() else { return };
    let cases: [(&str, u64, bool); 16] = [
        ("bowtie2-lambda/reads_1.fq.gz", 10000, false),
        ("bowtie2-lambda/reads_2.fq.gz", 10000, false),
        ("artfastqgenerator/test1.fastq.gz", 10000, false),
        ("artfastqgenerator/test2.fastq.gz", 10000, false),
        ("afterqc/R1.fq.gz", 250, false),
        ("afterqc/R2.fq.gz", 250, false),
        ("needletail/PRJNA271013_head.fq", 2000, true),
        ("fastp/R1.fq", 9, false),
        ("fastp/R2.fq", 9, false),
        ("cutadapt/data/multiblock.fastq.gz", 3, false),
        ("cutadapt/data/dos.fastq", 3, false),
        ("cutadapt/data/empty.fastq", 0, false),
        ("bio-data-zoo/fastq/good/multiline.fastq", 3, false),
        ("bio-data-zoo/fastq/good/interleaved.fastq", 6, true),
        ("bio-data-zoo/fastq/good/compressed.fastq.gz", 3, false),
        ("biopython-fastq/example_dos.fastq.bgz", 3, false),
    ];
    for (file, n, interleaved) in cases {
        let got = validate(&data.join(file), false, interleaved)
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(got, n, "{file}");
    }
    for file in [
        "bio-data-zoo/fastq/good/duplicate_+.fastq",
        "bio-data-zoo/fastq/good/quality_@.fastq",
    ] {
        assert!(validate(&data.join(file), false, false).is_ok(), "{file}");
    }
    for (r1, r2) in [
        ("fastp/R1.fq", "fastp/R2.fq"),
        ("afterqc/R1.fq.gz", "afterqc/R2.fq.gz"),
        ("genefuse/R1.fq", "genefuse/R2.fq"),
    ] {
        let inputs = Inputs::paired(data.join(r1), data.join(r2));
        let s = pipeline::run(
            &PipelineOptions::passthrough(),
            &inputs,
            &Outputs::default(),
            &Control::new(),
        )
        .unwrap_or_else(|e| panic!("{r1}: {e}"));
        assert_eq!(s.inputs[0].records, s.inputs[1].records);
    }
}

#[test]
#[cfg_attr(
    not(pp_public_data),
    ignore = "needs ../shared/data/public (absent on this machine)"
)]
fn malformed_public_files_are_rejected_at_the_right_record() {
    let Some(data) = shared_data() else { return };
    let cases = [
        ("nf-core/test_quality_mismatch.fastq", "record 2"),
        ("bio-data-zoo/fastq/bad/quality_mismatch.fastq", "record 2"),
        ("bio-data-zoo/fastq/bad/truncated_clean.fastq", "record 3"),
        ("bio-data-zoo/fastq/bad/truncated_halfway.fastq", "record 2"),
        ("cutadapt/data/format-error.fastq", "record 1"),
        ("cutadapt/data/withplus.fastq", "record 1"),
        ("needletail/bad_header.fastq", "record 2"),
        ("needletail/random_tsv.fq", "record 2"),
        ("needletail/bad_test.fa", "record 1"),
    ];
    for (file, at) in cases {
        let e = validate(&data.join(file), false, false).expect_err(file);
        assert!(e.contains(at), "{file}: {e}");
    }
}
