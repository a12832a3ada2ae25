//! Our statistics against fastp's on the same reads: stored fastp 0.23.2 JSON reports (shared
//! data) and a live `fastp` run when the program is installed.
//!
//! Before-filtering statistics come from the input FASTQ; after-filtering statistics are fed
//! with the reads fastp wrote (our trimming/filtering is not compared here, only counting).

use crate::util::report as report_common;

use std::path::Path;
use std::process::Command;

use report_common::*;
use serde_json::Value;

use panelprep::report::{RunInfo, build};

fn close(a: f64, b: f64, what: &str) {
    // fastp prints 6 significant digits.
    let tol = 1e-5 * b.abs().max(1.0);
    assert!((a - b).abs() <= tol, "{what}: ours {a} vs fastp {b}");
}

fn num(v: &Value, what: &str) -> f64 {
    v.as_f64()
        .unwrap_or_else(|| panic!("{what}: not a number: {v}"))
}

/// Compares every statistic both tools compute; returns how many values were compared.
fn compare(ours: &Value, fastp: &Value, paired: bool) -> usize {
    let mut n = 0;
    for stage in ["before_filtering", "after_filtering"] {
        let f = &fastp["summary"][stage];
        let o = &ours["summary"][stage];
        for k in [
            "total_reads",
            "total_bases",
            "q20_bases",
            "q30_bases",
            "read1_mean_length",
        ] {
            assert_eq!(o[k], f[k], "summary.{stage}.{k}");
            n += 1;
        }
        if paired {
            assert_eq!(
                o["read2_mean_length"], f["read2_mean_length"],
                "summary.{stage}.read2_mean_length"
            );
            n += 1;
        }
        for k in ["q20_rate", "q30_rate", "gc_content"] {
            close(
                num(&o[k], k),
                num(&f[k], k),
                &format!("summary.{stage}.{k}"),
            );
            n += 1;
        }
    }
    let mates: &[&str] = if paired {
        &["read1", "read2"]
    } else {
        &["read1"]
    };
    for mate in mates {
        for stage in ["before_filtering", "after_filtering"] {
            let key = format!("{mate}_{stage}");
            let (o, f) = (&ours[&key], &fastp[&key]);
            assert!(f.is_object(), "fastp has no {key}");
            for k in [
                "total_reads",
                "total_bases",
                "q20_bases",
                "q30_bases",
                "total_cycles",
            ] {
                assert_eq!(o[k], f[k], "{key}.{k}");
                n += 1;
            }
            for (curves, bases) in [
                ("quality_curves", &["A", "T", "C", "G", "mean"][..]),
                ("content_curves", &["A", "T", "C", "G", "N", "GC"][..]),
            ] {
                for b in bases {
                    let oa = o[curves][b].as_array().expect("our curve");
                    let fa = f[curves][b].as_array().expect("fastp curve");
                    assert_eq!(oa.len(), fa.len(), "{key}.{curves}.{b} length");
                    for (i, (x, y)) in oa.iter().zip(fa).enumerate() {
                        close(
                            num(x, "ours"),
                            num(y, "fastp"),
                            &format!("{key}.{curves}.{b}[{i}]"),
                        );
                        n += 1;
                    }
                }
            }
        }
    }
    n
}

fn ours(r1: &[Rec], r2: Option<&[Rec]>, o1: &[Rec], o2: Option<&[Rec]>) -> Value {
    let mut s = stats_before(r1, r2);
    add_after(&mut s, o1, o2);
    serde_json::to_value(build(&s, &RunInfo::default())).expect("report to JSON")
}

fn load_json(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).expect("read fastp JSON")).expect("parse fastp JSON")
}

fn gunzip(p: &Path) -> Vec<Rec> {
    use std::io::Read;
    let mut text = Vec::new();
    flate2::read::MultiGzDecoder::new(std::fs::File::open(p).expect("open"))
        .read_to_end(&mut text)
        .expect("gunzip");
    parse_fastq(&text)
}

#[test]
#[cfg_attr(
    not(pp_public_data),
    ignore = "needs ../shared/data/public (absent on this machine)"
)]
fn stored_fastp_paired_and_single() {
    let Some(d) = data_dir() else { return };
    let r1 = read_fastq(&d.join("fastp/R1.fq"));
    let r2 = read_fastq(&d.join("fastp/R2.fq"));
    let g = d.join("generated/fastp-testdata");
    let o1 = read_fastq(&g.join("out.R1.fq"));
    let o2 = read_fastq(&g.join("out.R2.fq"));
    let pe = ours(&r1, Some(&r2), &o1, Some(&o2));
    let n = compare(&pe, &load_json(&g.join("fastp.json")), true);
    eprintln!("fastp-testdata PE: {n} values equal");
    assert_eq!(pe["summary"]["before_filtering"]["total_reads"], 18);
    assert_eq!(pe["summary"]["before_filtering"]["q30_bases"], 1964);

    let so = read_fastq(&g.join("se.out.R1.fq"));
    let se = ours(&r1, None, &so, None);
    let n = compare(&se, &load_json(&g.join("se.fastp.json")), false);
    eprintln!("fastp-testdata SE: {n} values equal");
    assert!(se.get("read2_before_filtering").is_none());
}

#[test]
#[cfg_attr(
    not(pp_public_data),
    ignore = "needs ../shared/data/public (absent on this machine)"
)]
fn stored_fastp_interleaved_needletail() {
    let Some(d) = data_dir() else { return };
    let (r1, r2) = deinterleave(read_fastq(&d.join("needletail/PRJNA271013_head.fq")));
    let g = d.join("generated/needletail-prjna271013");
    let o1 = gunzip(&g.join("fastp_R1.fq.gz"));
    let o2 = gunzip(&g.join("fastp_R2.fq.gz"));
    let pe = ours(&r1, Some(&r2), &o1, Some(&o2));
    let n = compare(&pe, &load_json(&g.join("fastp.json")), true);
    eprintln!("PRJNA271013: {n} values equal");
    assert_eq!(pe["summary"]["before_filtering"]["total_bases"], 250_000);
}

#[test]
#[cfg_attr(
    not(all(pp_public_data, pp_have_fastp)),
    ignore = "live: needs fastp and ../shared/data/public"
)]
fn live_fastp_run() {
    let Some(d) = data_dir() else { return };
    if !report_common::base::have_tool("fastp") {
        return;
    }
    let t = tempfile::tempdir().expect("tempdir");
    let (i1, i2) = (d.join("fastp/R1.fq"), d.join("fastp/R2.fq"));
    let st = Command::new("fastp")
        .arg("-i")
        .arg(&i1)
        .arg("-I")
        .arg(&i2)
        .arg("-o")
        .arg(t.path().join("o1.fq"))
        .arg("-O")
        .arg(t.path().join("o2.fq"))
        .arg("-j")
        .arg(t.path().join("f.json"))
        .arg("-h")
        .arg(t.path().join("f.html"))
        .args(["-w", "1"])
        .output()
        .expect("run fastp");
    assert!(
        st.status.success(),
        "fastp failed: {}",
        String::from_utf8_lossy(&st.stderr)
    );
    let fj = load_json(&t.path().join("f.json"));
    eprintln!("live fastp: {}", fj["summary"]["fastp_version"]);
    let (r1, r2) = (read_fastq(&i1), read_fastq(&i2));
    let (o1, o2) = (
        read_fastq(&t.path().join("o1.fq")),
        read_fastq(&t.path().join("o2.fq")),
    );
    let n = compare(&ours(&r1, Some(&r2), &o1, Some(&o2)), &fj, true);
    eprintln!("live fastp: {n} values equal");
}
