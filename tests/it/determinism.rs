//! Output bytes (compressed too) are identical for any thread count, batch size and input
//! container, and records survive a round trip unchanged.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::util::common;

use std::fs;

use common::*;
use panelprep::pipeline::{Inputs, Outputs};

#[test]
fn identical_output_for_every_thread_count_batch_size_and_codec() {
    let plain = fastq(3000, 7, "");
    let dir = tempfile::tempdir().unwrap();
    let codecs: [(&str, Vec<u8>); 4] = [
        ("plain", plain.clone()),
        ("gzip", gzip(&plain)),
        ("multi-member gzip", gzip_members(&plain, 5)),
        ("bgzf", bgzf(&plain)),
    ];
    let mut reference: Option<Vec<u8>> = None;
    for (codec, bytes) in &codecs {
        let input = dir
            .path()
            .join(format!("in-{}.fq", codec.replace(' ', "-")));
        fs::write(&input, bytes).unwrap();
        for threads in [1, 2, 3, 4, 8] {
            for batch in [1usize, 7_777, 1 << 20] {
                let out = dir.path().join(format!("out-{threads}-{batch}.fq.gz"));
                let summary = run(
                    &Inputs::single(input.clone()),
                    &Outputs {
                        out1: Some(out.clone()),
                        out2: None,
                        ..Default::default()
                    },
                    threads,
                    batch,
                )
                .unwrap_or_else(|e| panic!("{codec} threads={threads} batch={batch}: {e}"));
                assert_eq!(summary.inputs[0].records, 3000, "{codec}");
                let got = fs::read(&out).unwrap();
                match &reference {
                    None => {
                        assert_eq!(gunzip(&got), plain, "round trip through {codec}");
                        reference = Some(got);
                    }
                    Some(r) => assert!(
                        r == &got,
                        "compressed output differs: {codec} threads={threads} batch={batch}"
                    ),
                }
            }
        }
    }
}

#[test]
fn paired_and_interleaved_outputs_match_across_threads() {
    let r1 = fastq(1500, 11, "/1");
    let r2 = fastq(1500, 12, "/2");
    let dir = tempfile::tempdir().unwrap();
    let (p1, p2) = (dir.path().join("r1.fq.gz"), dir.path().join("r2.fq"));
    fs::write(&p1, bgzf(&r1)).unwrap();
    fs::write(&p2, &r2).unwrap();
    let mut first: Option<(Vec<u8>, Vec<u8>)> = None;
    for threads in [1, 2, 3, 4, 8] {
        let (o1, o2) = (
            dir.path().join(format!("o1-{threads}.fq")),
            dir.path().join(format!("o2-{threads}.fq")),
        );
        let outs = Outputs {
            out1: Some(o1.clone()),
            out2: Some(o2.clone()),
            ..Default::default()
        };
        run(
            &Inputs::paired(p1.clone(), p2.clone()),
            &outs,
            threads,
            10_000,
        )
        .unwrap();
        let got = (fs::read(&o1).unwrap(), fs::read(&o2).unwrap());
        assert_eq!(got.0, r1);
        assert_eq!(got.1, r2);
        if let Some(f) = &first {
            assert!(f == &got, "threads={threads}");
        }
        first = Some(got);
    }
    // The same pairs interleaved in one file come back out as two files, and vice versa.
    let inter = dir.path().join("inter.fq");
    let o = Outputs {
        out1: Some(inter.clone()),
        out2: None,
        ..Default::default()
    };
    run(&Inputs::paired(p1.clone(), p2.clone()), &o, 2, 5000).unwrap();
    let (s1, s2) = (dir.path().join("s1.fq"), dir.path().join("s2.fq"));
    let o = Outputs {
        out1: Some(s1.clone()),
        out2: Some(s2.clone()),
        ..Default::default()
    };
    let summary = run(&Inputs::interleaved(inter), &o, 3, 3333).unwrap();
    assert_eq!(summary.inputs[0].records, 3000);
    assert_eq!(fs::read(s1).unwrap(), r1);
    assert_eq!(fs::read(s2).unwrap(), r2);
}

#[test]
fn crlf_and_missing_final_newline_are_normalised() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("dos.fq");
    fs::write(&input, b"@a\r\nACGT\r\n+\r\nIIII\r\n@b\r\nGG\r\n+\r\nII").unwrap();
    let out = dir.path().join("out.fq");
    run(
        &Inputs::single(input),
        &Outputs {
            out1: Some(out.clone()),
            out2: None,
            ..Default::default()
        },
        2,
        1,
    )
    .unwrap();
    assert_eq!(
        fs::read(out).unwrap(),
        b"@a\nACGT\n+\nIIII\n@b\nGG\n+\nII\n"
    );
}
