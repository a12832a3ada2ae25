//! The bad-input corpus: every file in `tests/corpus` gives exactly the outcome listed in
//! `tests/corpus/EXPECTED.tsv` (exit code, message, C API status), leaves no output behind on
//! failure, writes complete outputs on success, and is never modified.
//!
//! The files are made by `tests/corpus/make_corpus.py` (deterministic, a few hundred bytes
//! each). Large inputs (the 10 MB read) are generated here instead of committed.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::util::c_abi as ffi;
use crate::util::common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use ffi::{pp_status, pp_validate_file};

/// Committed corpus files stay small.
const MAX_CORPUS_FILE: u64 = 8 * 1024;

#[derive(Debug)]
struct Row {
    file: String,
    mode: String,
    exit: i32,
    class: String,
    message: String,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

fn rows() -> Vec<Row> {
    let text = fs::read_to_string(corpus_dir().join("EXPECTED.tsv")).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(
                f.len(),
                5,
                "EXPECTED.tsv row needs 5 tab-separated fields: {l:?}"
            );
            Row {
                file: f[0].into(),
                mode: f[1].into(),
                exit: f[2].parse().unwrap(),
                class: f[3].into(),
                message: f[4].into(),
            }
        })
        .collect()
}

/// Runs one row's command; returns (exit code, stdout, stderr, output paths).
fn run_row(row: &Row, out_dir: &Path) -> (Option<i32>, String, String, Vec<PathBuf>) {
    let input = corpus_dir().join(&row.file);
    let s = |p: &Path| p.to_str().unwrap().to_string();
    let (args, outs): (Vec<String>, Vec<PathBuf>) = match row.mode.as_str() {
        "validate" => (vec!["validate".into(), s(&input)], vec![]),
        "trim" => {
            let o = out_dir.join("out.fq.gz");
            let a = vec!["trim".into(), "-i".into(), s(&input), "-o".into(), s(&o)];
            (a, vec![o])
        }
        "interleaved" => {
            let (o1, o2) = (out_dir.join("o1.fq"), out_dir.join("o2.fq"));
            let a = [
                "trim",
                "--interleaved_in",
                "-i",
                &s(&input),
                "-o",
                &s(&o1),
                "-O",
            ]
            .iter()
            .map(|x| x.to_string())
            .chain([s(&o2)])
            .collect();
            (a, vec![o1, o2])
        }
        m if m.starts_with("pair:") => {
            let r2 = corpus_dir().join(&m[5..]);
            let (o1, o2) = (out_dir.join("o1.fq.gz"), out_dir.join("o2.fq.gz"));
            let a = ["trim", "-i", &s(&input), "-I", &s(&r2), "-o", &s(&o1), "-O"]
                .iter()
                .map(|x| x.to_string())
                .chain([s(&o2)])
                .collect();
            (a, vec![o1, o2])
        }
        m if m.starts_with("cov_bam:") || m.starts_with("cov_bed:") => {
            let other = corpus_dir().join(&m[8..]);
            let (bam, bed) = if m.starts_with("cov_bam:") {
                (input.clone(), other)
            } else {
                (other, input.clone())
            };
            let prefix = out_dir.join("cov");
            let a = vec![
                "coverage".into(),
                "--bam".into(),
                s(&bam),
                "--targets".into(),
                s(&bed),
                "--prefix".into(),
                s(&prefix),
            ];
            (a, vec![out_dir.join("cov.coverage.json")])
        }
        m => panic!("unknown mode {m:?} in EXPECTED.tsv"),
    };
    let out = Command::new(bin()).args(&args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        outs,
    )
}

fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    dir_names(dir)
        .into_iter()
        .map(|n| {
            let bytes = fs::read(dir.join(&n)).unwrap();
            (n, bytes)
        })
        .collect()
}

#[test]
fn every_corpus_file_gives_its_expected_outcome() {
    let before = snapshot(&corpus_dir());
    let mut failures = Vec::new();
    for row in rows() {
        let dir = tempfile::tempdir().unwrap();
        let (code, stdout, stderr, outs) = run_row(&row, dir.path());
        let label = format!("{} [{}]", row.file, row.mode);
        if code != Some(row.exit) {
            failures.push(format!(
                "{label}: exit {code:?}, expected {}; stderr: {stderr}",
                row.exit
            ));
            continue;
        }
        let text = if row.exit == 0 {
            format!("{stdout}{stderr}")
        } else {
            stderr.clone()
        };
        if !text.contains(&row.message) {
            failures.push(format!("{label}: {:?} not in output: {text}", row.message));
        }
        if row.exit != 0 {
            // The message names the file it is about, and nothing is left behind.
            let named = stderr.contains(&row.file)
                || row
                    .mode
                    .strip_prefix("pair:")
                    .is_some_and(|r2| stderr.contains(r2));
            if !named {
                failures.push(format!("{label}: message does not name the file: {stderr}"));
            }
            let left = dir_names(dir.path());
            if !left.is_empty() {
                failures.push(format!("{label}: files left behind: {left:?}"));
            }
        } else {
            for o in &outs {
                let bytes = fs::read(o).unwrap_or_default();
                let text = if bytes.starts_with(&[0x1f, 0x8b]) {
                    gunzip(&bytes)
                } else {
                    bytes
                };
                let complete = if row.mode.starts_with("cov_") {
                    serde_json::from_slice::<serde_json::Value>(&text).is_ok()
                } else {
                    text.starts_with(b"@") && text.ends_with(b"\n")
                };
                if !complete {
                    failures.push(format!("{label}: output {} incomplete", o.display()));
                }
            }
        }
    }
    assert_eq!(
        snapshot(&corpus_dir()),
        before,
        "the corpus (the inputs) must never be modified"
    );
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn c_api_status_matches_the_corpus() {
    for row in rows().iter().filter(|r| r.class != "-") {
        let path = corpus_dir().join(&row.file);
        let c_path = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
        let mut records = u64::MAX;
        let status = pp_validate_file(c_path.as_ptr(), 1, &mut records);
        let expected = match row.class.as_str() {
            "ok" => pp_status::PP_STATUS_OK,
            "format" => pp_status::PP_STATUS_FORMAT_ERROR,
            "io" => pp_status::PP_STATUS_IO_ERROR,
            c => panic!("unknown class {c:?}"),
        };
        assert_eq!(status, expected, "{}", row.file);
        if status == pp_status::PP_STATUS_OK {
            assert_eq!(records, 12, "{}", row.file);
        } else {
            assert_eq!(records, u64::MAX, "{}: output written on error", row.file);
        }
    }
}

#[test]
fn corpus_files_are_small_and_all_listed() {
    let rows = rows();
    let mut listed: Vec<String> = rows.iter().map(|r| r.file.clone()).collect();
    listed.extend(
        rows.iter()
            .filter_map(|r| r.mode.split_once(':').map(|(_, other)| other.to_string())),
    );
    for name in dir_names(&corpus_dir()) {
        if name == "EXPECTED.tsv" || name == "make_corpus.py" {
            continue;
        }
        let len = fs::metadata(corpus_dir().join(&name)).unwrap().len();
        assert!(len <= MAX_CORPUS_FILE, "{name} is {len} bytes");
        assert!(listed.contains(&name), "{name} has no row in EXPECTED.tsv");
    }
    for name in &listed {
        assert!(
            corpus_dir().join(name).is_file(),
            "{name} is listed but missing"
        );
    }
}

/// Peak RSS in KiB of `cmd` run under GNU time, or `None` (with the reason) without it.
fn peak_rss_kib(args: &[&str]) -> Option<(bool, u64)> {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        eprintln!("SKIP memory bound: /usr/bin/time (GNU time) is not installed");
        return None;
    }
    let out = Command::new(time)
        .arg("-f")
        .arg("PEAK_KIB=%M")
        .arg(bin())
        .args(args)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    let kib = err
        .lines()
        .find_map(|l| l.strip_prefix("PEAK_KIB="))
        .and_then(|v| v.trim().parse().ok())?;
    Some((out.status.success(), kib))
}

#[test]
fn ten_megabyte_read_is_accepted_with_bounded_memory() {
    const LEN: usize = 10 << 20;
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("big.fq");
    let mut data = Vec::with_capacity(2 * LEN + 64);
    data.extend_from_slice(b"@big single read\n");
    data.extend((0..LEN).map(|i| b"ACGT"[(i * 7 + i / 5) % 4]));
    data.extend_from_slice(b"\n+\n");
    data.extend((0..LEN).map(|i| b'#' + (i % 40) as u8));
    data.extend_from_slice(b"\n@small\nACGT\n+\nIIII\n");
    fs::write(&input, &data).unwrap();
    let out = dir.path().join("out.fq.gz");
    // Passthrough: the read must come out unchanged. Default trimming and filtering: it must
    // go through (trimmed or filtered) within the same memory bound.
    for mode in ["--passthrough", "--no-report"] {
        let args = [
            "trim",
            mode,
            "-i",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ];
        match peak_rss_kib(&args) {
            Some((ok, kib)) => {
                assert!(ok, "{mode}: the 10 MB read was refused");
                // A 20 MB record (bases + qualities) is held a bounded number of times.
                assert!(
                    kib < 160 * 1024,
                    "{mode}: peak RSS {kib} KiB for a 10 MB read"
                );
                eprintln!("10 MB read, {mode}: peak RSS {} MiB", kib / 1024);
            }
            None => {
                let o = Command::new(bin()).args(args).output().unwrap();
                assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            }
        }
        let written = gunzip(&fs::read(&out).unwrap());
        if mode == "--passthrough" {
            assert!(
                written == data,
                "the read changed ({} bytes written)",
                written.len()
            );
        } else {
            assert!(written.len() <= data.len() && written.starts_with(b"@big"));
        }
    }
    assert!(fs::read(&input).unwrap() == data, "the input changed");
}

#[test]
fn bgzf_block_claiming_a_huge_size_is_refused_without_allocating_it() {
    let c = corpus_dir();
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("cov");
    let args = [
        "coverage",
        "--bam",
        c.join("cov_huge_isize.bam").to_str().unwrap(),
        "--targets",
        c.join("cov_panel.bed").to_str().unwrap(),
        "--prefix",
        prefix.to_str().unwrap(),
    ]
    .map(String::from);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    if let Some((ok, kib)) = peak_rss_kib(&args) {
        assert!(!ok, "a 60-byte BAM claiming 2 GiB was accepted");
        assert!(kib < 256 * 1024, "peak RSS {kib} KiB for a 60-byte input");
    }
    assert_eq!(dir_names(dir.path()), Vec::<String>::new());
}

#[test]
fn first_corrupt_bam_block_is_reported_whatever_the_thread_count() {
    // 40 corrupt blocks inflated in parallel: the error must be the first block's, in file
    // order, for every thread count (the bam fuzz target found a run reporting a later one).
    use panelprep::coverage::{self, CoverageOptions, ScanMode};
    let c = corpus_dir();
    for threads in [1, 2, 4, 8] {
        for _ in 0..10 {
            let opts = CoverageOptions {
                threads,
                scan: ScanMode::Full,
                ..CoverageOptions::default()
            };
            let e = coverage::run(
                &opts,
                &c.join("cov_many_bad_blocks.bam"),
                &c.join("cov_panel.bed"),
            )
            .map(|_| ())
            .expect_err("corrupt blocks");
            let msg = e.to_string();
            assert!(
                msg.contains("corrupt BGZF block at byte 92: CRC32 mismatch"),
                "threads {threads}: {msg}"
            );
        }
    }
}
