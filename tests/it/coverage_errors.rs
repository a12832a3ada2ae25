//! Bad input: each case gives a clear error naming the file and line/record, and leaves no
//! output behind; a BED contig missing from the BAM is a warning.

use crate::util::coverage as common;

use std::path::Path;

use common::*;
use panelprep::coverage::{self, CoverageOptions};

fn expect_err(bam: &Path, bed: &Path, want: &[&str]) {
    let e = coverage::run(&CoverageOptions::default(), bam, bed)
        .map(|_| ())
        .expect_err("should fail");
    let msg = e.to_string();
    for w in want {
        assert!(msg.contains(w), "error {msg:?} should contain {w:?}");
    }
}

#[test]
#[cfg_attr(
    not(pp_public_data),
    ignore = "needs the public test data (shared/data/public)"
)]
fn truncated_bam_is_rejected() {
    let Some(d) = shared() else { return };
    let bam = d.join("bio-data-zoo/bam/bad/truncated.bam");
    expect_err(
        &bam,
        &d.join("cnvkit/my-targets.bed"),
        &["truncated.bam", "truncated BAM"],
    );
}

#[test]
#[cfg_attr(
    not(pp_public_data),
    ignore = "needs the public test data (shared/data/public)"
)]
fn bam_cut_inside_a_block_is_rejected_before_any_output() {
    let Some(d) = shared() else { return };
    let tmp = tempfile::tempdir().expect("tmp");
    let src = std::fs::read(d.join("cnvkit/na12878-chrM-Y-trunc.from_cram.bam")).expect("read");
    // keep the EOF marker but drop bytes in the middle: a corrupt/cut block
    let mut cut = src[..src.len() / 2].to_vec();
    cut.extend_from_slice(&src[src.len() - 28..]);
    let bam = tmp.path().join("cut.bam");
    std::fs::write(&bam, &cut).expect("write");
    let e = coverage::run(
        &CoverageOptions::default(),
        &bam,
        &d.join("cnvkit/my-targets.bed"),
    )
    .map(|_| ())
    .expect_err("cut BAM");
    let msg = e.to_string();
    assert!(
        msg.contains("cut.bam") && (msg.contains("BGZF") || msg.contains("truncated")),
        "{msg}"
    );
    // plain truncation (no EOF block)
    let bam2 = tmp.path().join("half.bam");
    std::fs::write(&bam2, &src[..src.len() / 3]).expect("write");
    expect_err(
        &bam2,
        &d.join("cnvkit/my-targets.bed"),
        &["half.bam", "truncated"],
    );
    assert_eq!(
        std::fs::read_dir(tmp.path()).expect("dir").count(),
        2,
        "no outputs were written"
    );
}

#[test]
#[cfg_attr(
    not(pp_public_data),
    ignore = "needs the public test data (shared/data/public)"
)]
fn unsorted_bam_is_rejected_with_record_number() {
    let Some(d) = shared() else { return };
    let tmp = tempfile::tempdir().expect("tmp");
    let bed = tmp.path().join("t.bed");
    std::fs::write(&bed, "11\t0\t1000000000\tALL\n").expect("write");
    let bam = d.join("bio-data-zoo/bam/good/basic_unsorted.bam");
    expect_err(
        &bam,
        &bed,
        &["basic_unsorted.bam", "record ", "not coordinate-sorted"],
    );
}

#[test]
#[cfg_attr(
    not(pp_public_data),
    ignore = "needs the public test data (shared/data/public)"
)]
fn bad_bed_lines_are_rejected_with_line_numbers() {
    let Some(d) = shared() else { return };
    let bam = d.join("mosdepth/ovl.bam");
    let z = d.join("bio-data-zoo/bed/bad");
    expect_err(
        &bam,
        &z.join("negative_coords.bed"),
        &["negative_coords.bed", "line ", "negative"],
    );
    expect_err(
        &bam,
        &z.join("non_integer_coords.bed"),
        &["non_integer_coords.bed", "line ", "not a whole number"],
    );
    expect_err(
        &bam,
        &z.join("start_greater_than_end_coords.bed"),
        &[
            "start_greater_than_end_coords.bed",
            "line ",
            "less than start",
        ],
    );
    expect_err(
        &bam,
        &z.join("spaces.bed"),
        &["spaces.bed", "line 1", "TAB"],
    );
    // mosdepth's bad.bed: the 2-column first line is reported
    expect_err(
        &bam,
        &d.join("mosdepth/bad.bed"),
        &["bad.bed", "line 1", "at least 3"],
    );
}

#[test]
#[cfg_attr(
    not(pp_public_data),
    ignore = "needs the public test data (shared/data/public)"
)]
fn missing_contig_is_a_warning_listing_it() {
    let Some(d) = shared() else { return };
    let tmp = tempfile::tempdir().expect("tmp");
    let bed = tmp.path().join("t.bed");
    std::fs::write(
        &bed,
        "MT\t2\t80\tA\nchrNope\t1\t10\tB\nchrNope\t20\t30\tB\nchrZ\t1\t2\n",
    )
    .expect("write");
    let r = coverage::run(
        &CoverageOptions::default(),
        &d.join("mosdepth/ovl.bam"),
        &bed,
    )
    .expect("runs");
    assert_eq!(
        r.missing_contigs,
        vec!["chrNope".to_string(), "chrZ".to_string()]
    );
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("chrNope (2 targets)") && w.contains("t.bed")),
        "{:?}",
        r.warnings
    );
    assert_eq!(r.targets.len(), 1);
}

#[test]
#[cfg_attr(
    not(pp_public_data),
    ignore = "needs the public test data (shared/data/public)"
)]
fn not_a_bam_and_missing_files_are_clear_errors() {
    let Some(d) = shared() else { return };
    let bed = d.join("cnvkit/my-targets.bed");
    expect_err(&d.join("cnvkit/my-targets.bed"), &bed, &["my-targets.bed"]);
    expect_err(
        Path::new("/nonexistent/x.bam"),
        &bed,
        &["/nonexistent/x.bam"],
    );
    expect_err(
        &d.join("mosdepth/ovl.bam"),
        Path::new("/nonexistent/t.bed"),
        &["/nonexistent/t.bed"],
    );
}

#[test]
#[cfg_attr(
    not(pp_public_data),
    ignore = "needs the public test data (shared/data/public)"
)]
fn cli_failure_leaves_no_output_and_exits_nonzero() {
    let Some(d) = shared() else { return };
    let tmp = tempfile::tempdir().expect("tmp");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_panelprep"))
        .args(["coverage", "--bam"])
        .arg(d.join("bio-data-zoo/bam/bad/truncated.bam"))
        .arg("--targets")
        .arg(d.join("cnvkit/my-targets.bed"))
        .arg("--prefix")
        .arg(tmp.path().join("p"))
        .output()
        .expect("run cli");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("truncated.bam"), "{err}");
    assert_eq!(std::fs::read_dir(tmp.path()).expect("dir").count(), 0);
}

/// Regression (found by the `bam` fuzz target): with two corrupt BGZF blocks the error named
/// the block that failed first in time, so it changed with the thread count. It must name the
/// first corrupt block in file order.
#[test]
fn two_corrupt_blocks_give_the_same_error_for_any_thread_count() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let bam = dir.path().join("two_bad.bam");
    let bed = dir.path().join("t.bed");
    std::fs::write(&bed, "chr1\t0\t100\n").unwrap();
    // Three BGZF blocks of arbitrary data, then the EOF block; corrupt blocks 1 and 2 differently.
    let mut blocks = Vec::new();
    // Block 0: a valid BAM header with one reference (chr1, 1000 bp).
    let mut header = b"BAM\x01".to_vec();
    for v in [0u32, 1, 5] {
        header.extend_from_slice(&v.to_le_bytes());
    }
    header.extend_from_slice(b"chr1\0");
    header.extend_from_slice(&1000u32.to_le_bytes());
    for i in 0..3u8 {
        let mut w = noodles::bgzf::io::Writer::new(Vec::new());
        w.write_all(&if i == 0 {
            header.clone()
        } else {
            vec![i; 1000]
        })
        .unwrap();
        let mut b = w.finish().unwrap();
        b.truncate(b.len() - 28); // drop this writer's EOF block
        blocks.push(b);
    }
    let n = blocks[1].len();
    blocks[1][n - 8] ^= 0xff; // CRC32 of block 1
    blocks[2][20] ^= 0xff; // deflate data of block 2
    let mut bytes: Vec<u8> = blocks.concat();
    bytes.extend_from_slice(&panelprep::io::bgzf::EOF_BLOCK);
    std::fs::write(&bam, &bytes).unwrap();
    let msg = |threads| {
        let opts = panelprep::coverage::CoverageOptions {
            threads,
            ..Default::default()
        };
        panelprep::coverage::run(&opts, &bam, &bed)
            .unwrap_err()
            .to_string()
    };
    let first = msg(1);
    assert!(
        first.contains("BGZF"),
        "the corrupt blocks must be reached: {first}"
    );
    for threads in [2, 3, 4] {
        assert_eq!(msg(threads), first, "threads={threads}");
    }
}
