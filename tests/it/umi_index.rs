//! UMIs from an index-read file (`--umi_loc index_file --umi_index_file PATH`): the expected
//! names for single-end, paired and interleaved input, `--umi_len` 0 and N, prefixes, any
//! container format, identical output for every thread count and batch size, the C API's JSON
//! key, and the CLI.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::util::common;
use crate::util::umi as umi_common;

use std::fs;
use std::process::Command;

use common::*;
use panelprep::pipeline::{self, Control, Inputs, Layout, Outputs, PushSession, ReadFiles};
use panelprep::settings::RunSettings;
use umi_common::{expected, index_for, options};

const SE: &[u8] = b"@a 1:N:0:ACGT\nACGTAC\n+\nIIIIII\n@b 1:N:0:ACGT\nGGGG\n+\nIIII\n";
const I1: &[u8] = b"@a 3:N:0:ACGT\nAACCGGTT\n+\nFFFFFFFF\n@b 3:N:0:ACGT\nTTGGCCAA\n+\nFFFFFFFF\n";

fn run_one(opts: &panelprep::pipeline::PipelineOptions, inputs: &Inputs, outputs: &Outputs) {
    pipeline::run(opts, inputs, outputs, &Control::new()).unwrap();
}

#[test]
fn hand_made_single_end_names() {
    let dir = tempfile::tempdir().unwrap();
    let (reads, index, out) = (
        dir.path().join("r.fq"),
        dir.path().join("i1.fq"),
        dir.path().join("o.fq"),
    );
    fs::write(&reads, SE).unwrap();
    fs::write(&index, I1).unwrap();
    let cases: [(usize, &str, &[u8]); 3] = [
        (
            0,
            "",
            b"@a:AACCGGTT 1:N:0:ACGT\nACGTAC\n+\nIIIIII\n@b:TTGGCCAA 1:N:0:ACGT\nGGGG\n+\nIIII\n",
        ),
        (
            4,
            "UMI",
            b"@a:UMI_AACC 1:N:0:ACGT\nACGTAC\n+\nIIIIII\n@b:UMI_TTGG 1:N:0:ACGT\nGGGG\n+\nIIII\n",
        ),
        // Longer than the index read: the whole index read.
        (
            20,
            "",
            b"@a:AACCGGTT 1:N:0:ACGT\nACGTAC\n+\nIIIIII\n@b:TTGGCCAA 1:N:0:ACGT\nGGGG\n+\nIIII\n",
        ),
    ];
    for (len, prefix, want) in cases {
        let opts = options(len, prefix);
        let s = pipeline::run(
            &opts,
            &Inputs::single(reads.clone()).with_umi_index(&index),
            &Outputs::new(&out, None),
            &Control::new(),
        )
        .unwrap();
        assert_eq!(fs::read(&out).unwrap(), want, "len {len} prefix {prefix:?}");
        let ix = s.umi_index.expect("index summary");
        assert_eq!((ix.records, ix.bases, ix.format), (2, 16, "plain"));
        assert_eq!(s.inputs.len(), 1);
        assert_eq!(s.inputs[0].records, 2);
    }
}

#[test]
fn hand_made_pairs_get_the_umi_in_both_names() {
    let dir = tempfile::tempdir().unwrap();
    let r1 = b"@a/1\nACGT\n+\nIIII\n@b/1\nCCCC\n+\nIIII\n";
    let r2 = b"@a/2\nTTTT\n+\nIIII\n@b/2\nGGGG\n+\nIIII\n";
    // Index names follow read 1's (the mate rule: equal, or /1 against /2).
    let ix = b"@a/1\nGATTACA\n+\nFFFFFFF\n@b/2\nCATTAG\n+\nFFFFFF\n";
    let p = |n: &str| dir.path().join(n);
    fs::write(p("r1.fq"), r1).unwrap();
    fs::write(p("r2.fq"), r2).unwrap();
    fs::write(p("i1.fq.gz"), gzip(ix)).unwrap();
    let opts = options(5, "UMI");
    let inputs = Inputs::paired(p("r1.fq"), p("r2.fq")).with_umi_index(p("i1.fq.gz"));
    let s = pipeline::run(
        &opts,
        &inputs,
        &Outputs::new(p("o1.fq"), Some(p("o2.fq"))),
        &Control::new(),
    )
    .unwrap();
    assert_eq!(
        fs::read(p("o1.fq")).unwrap(),
        b"@a/1:UMI_GATTA\nACGT\n+\nIIII\n@b/1:UMI_CATTA\nCCCC\n+\nIIII\n"
    );
    assert_eq!(
        fs::read(p("o2.fq")).unwrap(),
        b"@a/2:UMI_GATTA\nTTTT\n+\nIIII\n@b/2:UMI_CATTA\nGGGG\n+\nIIII\n"
    );
    assert_eq!(
        s.umi_index.map(|i| (i.records, i.format)),
        Some((2, "gzip"))
    );
    // The same pairs interleaved in one file: one index record per pair.
    let h = r1.len() / 2; // two records of the same size
    let inter: Vec<u8> = [&r1[..h], &r2[..h], &r1[h..], &r2[h..]].concat();
    fs::write(p("inter.fq"), &inter).unwrap();
    let opts = options(0, "");
    run_one(
        &opts,
        &Inputs::interleaved(p("inter.fq")).with_umi_index(p("i1.fq.gz")),
        &Outputs::new(p("o.fq"), None),
    );
    assert_eq!(fs::read(p("o.fq")).unwrap(), expected(&inter, ix, 0, "", 2));
}

/// Record i of the index file gives read (pair) i its UMI, whatever the threads, the batch size
/// (down to one byte, so one record per batch) and the containers of reads and index.
#[test]
fn identical_output_for_every_thread_count_batch_size_and_codec() {
    let dir = tempfile::tempdir().unwrap();
    let reads = fastq(3000, 21, "");
    let index = index_for(&reads, 12, 5);
    let want = expected(&reads, &index, 8, "UMI", 1);
    let p = |n: &str| dir.path().join(n);
    fs::write(p("r.fq.gz"), bgzf(&reads)).unwrap();
    let codecs: [(&str, Vec<u8>); 4] = [
        ("plain", index.clone()),
        ("gzip", gzip(&index)),
        ("multi-member gzip", gzip_members(&index, 7)),
        ("bgzf", bgzf(&index)),
    ];
    let mut reference: Option<Vec<u8>> = None;
    for (codec, bytes) in &codecs {
        let ip = p(&format!("i-{}.fq", codec.replace(' ', "-")));
        fs::write(&ip, bytes).unwrap();
        for threads in [1, 2, 3, 4, 8] {
            for batch in [1usize, 7_777, 1 << 20] {
                let out = p(&format!("o-{threads}-{batch}.fq.gz"));
                let mut opts = options(8, "UMI");
                (opts.threads, opts.batch_bytes) = (threads, batch);
                let label = format!("{codec} threads={threads} batch={batch}");
                let s = pipeline::run(
                    &opts,
                    &Inputs::single(p("r.fq.gz")).with_umi_index(&ip),
                    &Outputs::new(&out, None),
                    &Control::new(),
                )
                .unwrap_or_else(|e| panic!("{label}: {e}"));
                assert_eq!(s.umi_index.map(|i| i.records), Some(3000), "{label}");
                let got = fs::read(&out).unwrap();
                match &reference {
                    None => {
                        assert!(gunzip(&got) == want, "{label}: names differ from the model");
                        reference = Some(got);
                    }
                    Some(r) => assert!(r == &got, "{label}: output differs"),
                }
            }
        }
    }
}

#[test]
fn paired_output_matches_the_model_across_threads() {
    let dir = tempfile::tempdir().unwrap();
    let r1 = fastq(1500, 31, "");
    let r2 = fastq(1500, 32, "");
    let index = index_for(&r1, 10, 9);
    let p = |n: &str| dir.path().join(n);
    fs::write(p("r1.fq"), &r1).unwrap();
    fs::write(p("r2.fq.gz"), gzip(&r2)).unwrap();
    fs::write(p("i1.fq.gz"), bgzf(&index)).unwrap();
    let want = (
        expected(&r1, &index, 0, "", 1),
        expected(&r2, &index, 0, "", 1),
    );
    for threads in [1, 2, 3, 8] {
        for batch in [1usize, 5_000, 1 << 20] {
            let mut opts = options(0, "");
            (opts.threads, opts.batch_bytes) = (threads, batch);
            run_one(
                &opts,
                &Inputs::paired(p("r1.fq"), p("r2.fq.gz")).with_umi_index(p("i1.fq.gz")),
                &Outputs::new(p("o1.fq"), Some(p("o2.fq"))),
            );
            let got = (fs::read(p("o1.fq")).unwrap(), fs::read(p("o2.fq")).unwrap());
            assert!(got == want, "threads={threads} batch={batch}");
        }
    }
}

/// What `pp_run_pe` does with `pp_options_set_json`: the JSON keys reach the engine.
#[test]
fn c_api_json_keys_drive_a_paired_run() {
    let dir = tempfile::tempdir().unwrap();
    let r1 = fastq(200, 41, "");
    let r2 = fastq(200, 42, "");
    let index = index_for(&r1, 9, 3);
    let p = |n: &str| dir.path().join(n);
    fs::write(p("r1.fq"), &r1).unwrap();
    fs::write(p("r2.fq"), &r2).unwrap();
    fs::write(p("i1.fq"), &index).unwrap();
    let mut s = RunSettings::default();
    let json = serde_json::json!({
        "umi": true, "umi_loc": "index_file", "umi_len": 6, "umi_prefix": "UMI",
        "umi_index_file": p("i1.fq"), "disable_adapter_trimming": true,
        "disable_trim_poly_g": true, "disable_quality_filtering": true,
        "disable_length_filtering": true, "thread": 3,
    });
    s.set_json(&json.to_string()).unwrap();
    let opts = s.pipeline_options(Layout::Paired).unwrap();
    run_one(
        &opts,
        &s.inputs(ReadFiles::Paired(p("r1.fq"), p("r2.fq"))),
        &Outputs::new(p("o1.fq"), Some(p("o2.fq"))),
    );
    assert!(fs::read(p("o1.fq")).unwrap() == expected(&r1, &index, 6, "UMI", 1));
    assert!(fs::read(p("o2.fq")).unwrap() == expected(&r2, &index, 6, "UMI", 1));
}

/// Streaming sessions have no third input: a clear error at the start, for engine options
/// and for the C API's JSON keys alike.
#[test]
fn push_mode_refuses_an_index_file() {
    let opts = options(0, "");
    let e = PushSession::start(&opts, Layout::Paired, 2, Control::new()).unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("index_file") && msg.contains("pp_stream"),
        "{msg}"
    );
    let mut s = RunSettings::default();
    let json = r#"{"umi": true, "umi_loc": "index_file", "umi_index_file": "I1.fq.gz"}"#;
    s.set_json(json).unwrap();
    let opts = s.pipeline_options(Layout::Paired).unwrap();
    let e = PushSession::start(&opts, Layout::Paired, 2, Control::new()).unwrap_err();
    assert_eq!(e.to_string(), msg);
}

#[test]
fn cli_single_end_with_a_gzip_index_file_and_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    fs::write(p("r.fq"), SE).unwrap();
    fs::write(p("I1.fastq.gz"), gzip(I1)).unwrap();
    let s = |q: &std::path::Path| q.to_str().unwrap().to_string();
    let out = Command::new(bin())
        .args([
            "trim",
            "-A",
            "-G",
            "-Q",
            "-L",
            "-U",
            "--umi_loc",
            "index_file",
        ])
        .args(["--umi_len", "3", "--umi_prefix", "U", "--umi_index_file"])
        .args([s(&p("I1.fastq.gz")), "-i".into(), s(&p("r.fq"))])
        .args([
            "-o".into(),
            s(&p("o.fq")),
            "--manifest".into(),
            s(&p("m.json")),
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert_eq!(
        fs::read(p("o.fq")).unwrap(),
        b"@a:U_AAC 1:N:0:ACGT\nACGTAC\n+\nIIIIII\n@b:U_TTG 1:N:0:ACGT\nGGGG\n+\nIIII\n"
    );
    assert!(
        err.contains("UMI index") && err.contains("I1.fastq.gz"),
        "{err}"
    );
    let manifest = fs::read_to_string(p("m.json")).unwrap();
    assert!(manifest.contains("I1.fastq.gz"), "{manifest}");
}

#[test]
fn cli_refuses_one_option_without_the_other() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    fs::write(p("r.fq"), SE).unwrap();
    fs::write(p("i.fq"), I1).unwrap();
    let (r, i, o) = (p("r.fq"), p("i.fq"), p("o.fq"));
    let (r, i, o) = (
        r.to_str().unwrap(),
        i.to_str().unwrap(),
        o.to_str().unwrap(),
    );
    let cases: [(&[&str], &str); 3] = [
        (
            &["--umi_index_file", i],
            "--umi_index_file needs -U --umi_loc index_file",
        ),
        (
            &["-U", "--umi_loc", "index_file"],
            "--umi_loc index_file needs --umi_index_file",
        ),
        (
            &[
                "-U",
                "--umi_loc",
                "read1",
                "--umi_len",
                "4",
                "--umi_index_file",
                i,
            ],
            "--umi_index_file needs --umi_loc index_file",
        ),
    ];
    for (args, msg) in cases {
        let out = Command::new(bin())
            .args(["trim", "-i", r, "-o", o])
            .args(args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains(msg), "{args:?}: {err}");
        assert_eq!(dir_names(dir.path()), ["i.fq", "r.fq"], "{args:?}");
    }
}
