//! `panelprep coverage` exit statuses: 2 when every output was written but the QC gate
//! failed, 0 with `--gate-exit-zero` (verdict only in the files), 1 for an error.

use crate::util::coverage as common;

use std::path::Path;
use std::process::Command;

use common::*;

fn make_bam(dir: &Path) -> std::path::PathBuf {
    use noodles::{bam, sam};
    let sam_path = expected("picard").join("rules/input.sam");
    let text = std::fs::read(sam_path).expect("read sam");
    let mut reader = sam::io::Reader::new(&text[..]);
    let header = reader.read_header().expect("header");
    let path = dir.join("rules.bam");
    let mut w = bam::io::Writer::new(std::fs::File::create(&path).expect("create"));
    w.write_header(&header).expect("header");
    for rec in reader.records() {
        let rec = rec.expect("record");
        sam::alignment::io::Write::write_alignment_record(&mut w, &header, &rec).expect("write");
    }
    w.try_finish().expect("finish");
    path
}

fn coverage(bam: &Path, prefix: &Path, extra: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_panelprep"))
        .arg("coverage")
        .arg("--bam")
        .arg(bam)
        .arg("--targets")
        .arg(expected("picard").join("rules/targets.bed"))
        .arg("--prefix")
        .arg(prefix)
        .args(extra)
        .output()
        .expect("run panelprep")
}

#[test]
fn gate_failure_has_its_own_exit_status_and_keeps_the_outputs() {
    let tmp = tempfile::tempdir().expect("tmp");
    let bam = make_bam(tmp.path());
    let gate = ["--gate", "median_target_coverage>=1000"];

    let fail = tmp.path().join("fail");
    let out = coverage(&bam, &fail, &gate);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tsv = std::fs::read_to_string(with(&fail, ".gate.tsv")).expect("gate.tsv written");
    assert!(tsv.contains("FAIL"), "{tsv}");
    assert!(with(&fail, ".coverage.json").exists());

    let soft = tmp.path().join("soft");
    let mut args = gate.to_vec();
    args.push("--gate-exit-zero");
    let out = coverage(&bam, &soft, &args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(with(&soft, ".gate.tsv")).expect("gate.tsv"),
        tsv,
        "same verdict in the files"
    );

    let pass = tmp.path().join("pass");
    let out = coverage(&bam, &pass, &["--gate", "median_target_coverage>=1"]);
    assert_eq!(out.status.code(), Some(0));

    // an error (missing BAM) stays 1 and writes nothing
    let err = tmp.path().join("err");
    let out = coverage(&tmp.path().join("missing.bam"), &err, &gate);
    assert_eq!(out.status.code(), Some(1));
    assert!(!with(&err, ".gate.tsv").exists());
}
