//! The pipeline's after-filtering statistics (derived from the before-filtering ones as a
//! difference) equal statistics counted directly on the reads it wrote, for single-end and
//! paired runs with adapter, quality, poly-G, UMI (5') trimming and dropped reads, at several
//! thread counts.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::util::common;

use std::fs;

use panelprep::fastq::{Chunker, ChunkerOptions};
use panelprep::pipeline::{self, Control, Inputs, Outputs, PipelineOptions};
use panelprep::simulate::{SimOptions, write_pairs};
use panelprep::stats::ReadStats;
use panelprep::trim::{TrimOptions, UmiLoc, UmiOptions};

fn direct(path: &std::path::Path) -> ReadStats {
    let bytes = common::gunzip(&fs::read(path).unwrap());
    let mut st = ReadStats::new();
    let mut ch = Chunker::new(&bytes[..], ChunkerOptions::default());
    while let Some(c) = ch.next_chunk(None).unwrap() {
        for r in c.records() {
            st.add(r.seq, r.qual);
        }
    }
    st
}

fn check(opts: PipelineOptions, paired: bool, label: &str) {
    let dir = tempfile::tempdir().unwrap();
    let (p1, p2) = (dir.path().join("r1.fq"), dir.path().join("r2.fq"));
    let (mut a, mut b) = (Vec::new(), Vec::new());
    let sim = SimOptions {
        pairs: 3000,
        seed: 11,
        two_colour: true,
        error_end: 0.05,
        ..SimOptions::default()
    };
    write_pairs(&sim, &mut a, &mut b).unwrap();
    fs::write(&p1, a).unwrap();
    fs::write(&p2, b).unwrap();
    for threads in [1, 3] {
        let (o1, o2) = (dir.path().join("o1.fq.gz"), dir.path().join("o2.fq.gz"));
        let (inputs, outputs) = if paired {
            (
                Inputs::paired(p1.clone(), p2.clone()),
                Outputs::new(&o1, Some(o2.clone())),
            )
        } else {
            (Inputs::single(p1.clone()), Outputs::new(&o1, None))
        };
        let opts = PipelineOptions {
            threads,
            batch_bytes: 50_000,
            ..opts.clone()
        };
        let summary = pipeline::run(&opts, &inputs, &outputs, &Control::new()).unwrap();
        let stats = summary.stats.expect("stats on");
        let written = summary.outputs[0].records;
        assert!(
            written < 3000,
            "{label}: some reads must be dropped to test the difference path"
        );
        assert_eq!(
            stats.after[0],
            direct(&o1),
            "{label} threads={threads}: read 1 after-filtering stats"
        );
        if paired {
            assert_eq!(
                stats.after[1],
                direct(&o2),
                "{label} threads={threads}: read 2"
            );
        }
    }
}

#[test]
fn derived_after_stats_equal_direct_counts() {
    let mut tail = TrimOptions {
        cut_tail: true,
        poly_x: true,
        ..TrimOptions::default()
    };
    tail.adapter_r1 = Some(panelprep::simulate::TRUSEQ_R1.to_vec());
    let base = PipelineOptions {
        trim: Some(tail),
        ..PipelineOptions::default()
    };
    check(base.clone(), false, "single-end 3' trims");
    check(base.clone(), true, "paired 3' trims");
    let umi = TrimOptions {
        umi: Some(UmiOptions {
            loc: UmiLoc::Read1,
            len: 6,
            prefix: "UMI".into(),
            skip: 0,
        }),
        cut_front: true,
        correction: true,
        ..TrimOptions::default()
    };
    check(
        PipelineOptions {
            trim: Some(umi),
            ..PipelineOptions::default()
        },
        true,
        "paired 5' trims",
    );
}
