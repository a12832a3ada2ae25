//! mosdepth's mate-overlap correction when the true mate is filtered out and a later record
//! of the same name (here a secondary alignment, counted with `-F 0`) takes its place: the
//! correction lands behind the current record (issue 19). Oracle: mosdepth 0.3.3's output,
//! stored with its command in tests/expected/coverage/mosdepth_mate/README.md, and a live run.

use crate::util::coverage as common;

use std::path::{Path, PathBuf};

use common::*;
use panelprep::coverage::{CoverageOptions, Preset, ScanMode};

fn case_dir() -> PathBuf {
    expected("mosdepth_mate")
}

fn make_bam(dir: &Path) -> PathBuf {
    use noodles::{bam, sam};
    let text = std::fs::read(case_dir().join("mate.sam")).expect("read sam");
    let mut reader = sam::io::Reader::new(&text[..]);
    let header = reader.read_header().expect("header");
    let path = dir.join("mate.bam");
    let mut w = bam::io::Writer::new(std::fs::File::create(&path).expect("create"));
    w.write_header(&header).expect("header");
    for rec in reader.records() {
        let rec = rec.expect("record");
        sam::alignment::io::Write::write_alignment_record(&mut w, &header, &rec).expect("write");
    }
    w.try_finish().expect("finish");
    path
}

fn opts() -> CoverageOptions {
    let mut o = Preset::Mosdepth.options();
    o.exclude_flags = 0;
    o.min_mapq = 30;
    o.scan = ScanMode::Full;
    o
}

#[test]
fn filtered_mate_with_secondary_matches_stored_mosdepth() {
    let tmp = tempfile::tempdir().expect("tmp");
    let bam = make_bam(tmp.path());
    let (r, prefix) = run_to(
        &opts(),
        &bam,
        &case_dir().join("mate.bed"),
        tmp.path(),
        "pp",
    );
    assert_eq!(
        gunzip(&with(&prefix, ".regions.bed.gz")),
        std::fs::read_to_string(case_dir().join("md.regions.bed")).expect("stored")
    );
    assert_eq!(
        std::fs::read_to_string(with(&prefix, ".mosdepth.region.dist.txt")).expect("ours"),
        std::fs::read_to_string(case_dir().join("md.mosdepth.region.dist.txt")).expect("stored")
    );
    // the second target lies wholly behind the secondary record's start
    assert_eq!(r.targets[1].sum_depth, 100);
}

#[test]
#[ignore = "live: needs mosdepth and samtools (full suite: cargo test -- --include-ignored)"]
fn filtered_mate_with_secondary_matches_live_mosdepth() {
    if !(have("mosdepth") && have("samtools")) {
        assert!(
            std::env::var("PANELPREP_REQUIRE_PEERS").as_deref() != Ok("1"),
            "PANELPREP_REQUIRE_PEERS=1 but mosdepth or samtools is missing"
        );
        eprintln!("SKIP: mosdepth or samtools is not installed");
        return;
    }
    let tmp = tempfile::tempdir().expect("tmp");
    let bam = make_bam(tmp.path());
    let st = std::process::Command::new("samtools")
        .arg("index")
        .arg(&bam)
        .status()
        .expect("samtools");
    assert!(st.success());
    let bed = case_dir().join("mate.bed");
    let theirs = mosdepth(&bam, &bed, tmp.path(), "md", "", &["-F", "0", "-Q", "30"]);
    let (_, ours) = run_to(&opts(), &bam, &bed, tmp.path(), "pp");
    assert_eq!(
        gunzip(&with(&ours, ".regions.bed.gz")),
        gunzip(&with(&theirs, ".regions.bed.gz"))
    );
}
