//! Helpers of the UMI index-file tests: an index-read maker, a naive model of the expected
//! names, and the engine options that change nothing but the names.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::{Path, PathBuf};

use panelprep::filter::FilterOptions;
use panelprep::pipeline::PipelineOptions;
use panelprep::trim::{PolyG, TrimOptions, UmiLoc, UmiOptions};

/// Titles (without `@`) of the 4-line records in `fastq`.
pub fn titles(fastq: &[u8]) -> Vec<Vec<u8>> {
    fastq
        .split(|&b| b == b'\n')
        .step_by(4)
        .filter(|l| !l.is_empty())
        .map(|l| l[1..].to_vec())
        .collect()
}

/// An index-read FASTQ with one record per title of `reads` (same name, an index-read comment)
/// of `len` deterministic bases each.
pub fn index_for(reads: &[u8], len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9e3779b97f4a7c15) | 1;
    let mut out = Vec::new();
    for t in titles(reads) {
        let name = t.split(|&b| b == b' ').next().unwrap();
        out.push(b'@');
        out.extend_from_slice(name);
        out.extend_from_slice(b" 3:N:0:1\n");
        for _ in 0..len {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            out.push(b"ACGTN"[(x % 5) as usize]);
        }
        out.extend_from_slice(b"\n+\n");
        out.extend(std::iter::repeat_n(b'F', len));
        out.push(b'\n');
    }
    out
}

/// The model: every title of `reads` gets `:PREFIX_UMI` (`:UMI` without a prefix) before its
/// first space, UMI = the first `len` bases (all if 0) of the index record of the same rank
/// (`per` reads share one index record: 2 for interleaved pairs). Nothing else changes.
pub fn expected(reads: &[u8], index: &[u8], len: usize, prefix: &str, per: usize) -> Vec<u8> {
    let seqs: Vec<&[u8]> = index.split(|&b| b == b'\n').skip(1).step_by(4).collect();
    let mut out = Vec::new();
    for (i, line) in reads.split(|&b| b == b'\n').enumerate() {
        if i % 4 == 0 && !line.is_empty() {
            let seq = seqs[i / 4 / per];
            let umi = if len == 0 {
                seq
            } else {
                &seq[..len.min(seq.len())]
            };
            let at = line.iter().position(|&b| b == b' ').unwrap_or(line.len());
            out.extend_from_slice(&line[..at]);
            out.push(b':');
            if !prefix.is_empty() {
                write!(out, "{prefix}_").unwrap();
            }
            out.extend_from_slice(umi);
            out.extend_from_slice(&line[at..]);
        } else {
            out.extend_from_slice(line);
        }
        out.push(b'\n');
    }
    out.pop(); // the split gave one piece after the last newline
    out
}

/// Engine options that only move the index UMI (of the inputs' UMI index file) into the names:
/// no adapter, poly-G or quality trimming, no filter.
pub fn options(len: usize, prefix: &str) -> PipelineOptions {
    PipelineOptions {
        trim: Some(TrimOptions {
            adapter_trimming: false,
            poly_g: PolyG::Off,
            umi: Some(UmiOptions {
                loc: UmiLoc::IndexFile,
                len,
                prefix: prefix.into(),
                skip: 0,
            }),
            ..TrimOptions::default()
        }),
        filter: None::<FilterOptions>,
        detect_adapter: [false; 2],
        ..PipelineOptions::default()
    }
}

/// A fresh directory for outputs (checked to be empty after a failed run).
pub fn out_dir(root: &Path) -> PathBuf {
    let d = root.join("out");
    std::fs::create_dir_all(&d).unwrap();
    d
}
