//! Helpers shared by the stats/report integration tests: a tiny 4-line FASTQ reader (the
//! pipeline's parser is not merged yet) and the shared public data location.
#![allow(dead_code)]

pub use super::common as base;

use std::path::{Path, PathBuf};

use panelprep::fastq::RecordRef;
use panelprep::stats::RunStats;

/// One record: title, sequence, qualities.
pub type Rec = (Vec<u8>, Vec<u8>, Vec<u8>);

/// The shared public data directory, or `None` (with a printed reason) when it is absent.
pub fn data_dir() -> Option<PathBuf> {
    base::shared_data()
}

/// Parses plain 4-line FASTQ (no validation beyond the line structure).
pub fn parse_fastq(text: &[u8]) -> Vec<Rec> {
    let mut lines: Vec<&[u8]> = text.split(|&b| b == b'\n').collect();
    if lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    let strip = |l: &[u8]| l.strip_suffix(b"\r").unwrap_or(l).to_vec();
    assert_eq!(lines.len() % 4, 0, "not 4-line FASTQ");
    lines
        .chunks(4)
        .map(|c| {
            assert_eq!(c[0].first(), Some(&b'@'));
            (strip(&c[0][1..]), strip(c[1]), strip(c[3]))
        })
        .collect()
}

/// Reads a plain 4-line FASTQ file.
pub fn read_fastq(path: &Path) -> Vec<Rec> {
    parse_fastq(&std::fs::read(path).expect("read FASTQ"))
}

/// Borrows a record.
pub fn rec(r: &Rec) -> RecordRef<'_> {
    RecordRef {
        head: &r.0,
        seq: &r.1,
        plus: b"",
        qual: &r.2,
    }
}

/// Input statistics of single-end reads or pairs (before filtering only).
pub fn stats_before(r1: &[Rec], r2: Option<&[Rec]>) -> RunStats {
    let mut s = RunStats::new(r2.is_some());
    for (i, a) in r1.iter().enumerate() {
        let b = r2.map(|r2| rec(&r2[i]));
        s.add_before(&rec(a), b.as_ref());
    }
    s
}

/// Adds reads that passed (e.g. another tool's output) as after-filtering statistics.
pub fn add_after(s: &mut RunStats, r1: &[Rec], r2: Option<&[Rec]>) {
    for (i, a) in r1.iter().enumerate() {
        let b = r2.map(|r2| rec(&r2[i]));
        s.add_after(&rec(a), b.as_ref());
    }
}

/// Splits interleaved records into mate 1 and mate 2.
pub fn deinterleave(v: Vec<Rec>) -> (Vec<Rec>, Vec<Rec>) {
    let mut a = Vec::new();
    let mut b = Vec::new();
    for (i, r) in v.into_iter().enumerate() {
        if i % 2 == 0 { a.push(r) } else { b.push(r) }
    }
    (a, b)
}

/// Removes run-dependent values (timings) from a report's JSON.
pub fn strip_timings(v: &mut serde_json::Value) {
    if let Some(p) = v.get_mut("panelprep").and_then(|p| p.as_object_mut()) {
        p.remove("elapsed_seconds");
    }
}
