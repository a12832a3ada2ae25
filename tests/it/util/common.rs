//! Shared test helpers: the public data path, a deterministic FASTQ maker, encoders, a runner.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::{Path, PathBuf};

use panelprep::pipeline::{self, Control, Inputs, Outputs, PipelineOptions, Summary};

/// True in the full suite as CI runs it (`PANELPREP_REQUIRE_PEERS=1`): a test whose peer or
/// data is missing must fail there, not skip.
pub fn peers_required() -> bool {
    std::env::var_os("PANELPREP_REQUIRE_PEERS").is_some_and(|v| v == "1")
}

/// Reports a skipped test: prints why, or fails it when [`peers_required`].
pub fn skip(reason: &str) {
    assert!(!peers_required(), "PANELPREP_REQUIRE_PEERS=1 but {reason}");
    eprintln!("SKIP: {reason}");
}

/// True when `tool --version` runs; otherwise [`skip`]s.
pub fn have_tool(tool: &str) -> bool {
    let ok = std::process::Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        skip(&format!("{tool} is not installed"));
    }
    ok
}

/// `../shared/data/public`, or `None` (with a printed SKIP reason) when it is absent.
pub fn shared_data() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/public");
    if p.is_dir() {
        Some(p)
    } else {
        // Absent data is a skip even in the full suite: CI may run without it.
        eprintln!(
            "SKIP: {} is absent; this test needs the shared public data",
            p.display()
        );
        None
    }
}

/// Deterministic FASTQ text: `n` records of varying length (0..=300), names `r{i}{suffix}`.
pub fn fastq(n: usize, seed: u64, suffix: &str) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9e3779b97f4a7c15) | 1;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut out = Vec::new();
    for i in 0..n {
        let len = (next() % 301) as usize;
        writeln!(out, "@r{i}{suffix} c:{}", next() % 1000).unwrap();
        for _ in 0..len {
            out.push(b"ACGTN"[(next() % 5) as usize]);
        }
        out.extend_from_slice(b"\n+\n");
        for _ in 0..len {
            out.push(b'#' + (next() % 40) as u8);
        }
        out.push(b'\n');
    }
    out
}

/// Single-member gzip.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// Multi-member gzip: `parts` members concatenated, cut at arbitrary bytes.
pub fn gzip_members(data: &[u8], parts: usize) -> Vec<u8> {
    let step = data.len() / parts.max(1) + 1;
    data.chunks(step).flat_map(gzip).collect()
}

/// BGZF written by noodles (an encoder independent of ours).
pub fn bgzf(data: &[u8]) -> Vec<u8> {
    let mut w = noodles::bgzf::io::Writer::new(Vec::new());
    w.write_all(data).unwrap();
    w.finish().unwrap()
}

/// Decompresses any gzip/BGZF bytes with flate2 (multi-member aware).
pub fn gunzip(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::MultiGzDecoder::new(data), &mut out).unwrap();
    out
}

/// Runs the pipeline on files already written; returns the result.
pub fn run(
    inputs: &Inputs,
    outputs: &Outputs,
    threads: usize,
    batch_bytes: usize,
) -> Result<Summary, panelprep::Error> {
    let opts = PipelineOptions {
        threads,
        batch_bytes,
        ..PipelineOptions::passthrough()
    };
    pipeline::run(&opts, inputs, outputs, &Control::new())
}

/// Path of the built CLI binary.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_panelprep"))
}

/// Lists the names in `dir`, sorted.
pub fn dir_names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}
