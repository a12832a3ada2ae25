//! The real MultiQC reads our JSON report as fastp output, and parses the values we wrote.
//! Skips (with a printed reason) when `multiqc` is not installed.

use crate::util::report as report_common;

use std::process::Command;

use report_common::*;

use panelprep::report::{RunInfo, build};

#[test]
#[cfg_attr(
    not(all(pp_public_data, pp_have_multiqc)),
    ignore = "live: needs multiqc (pip install multiqc) and ../shared/data/public"
)]
fn multiqc_reads_our_json_as_fastp() {
    let Some(d) = data_dir() else { return };
    match Command::new("multiqc").arg("--version").output() {
        Ok(o) if o.status.success() => eprintln!("{}", String::from_utf8_lossy(&o.stdout).trim()),
        _ => {
            report_common::base::skip("multiqc is not installed (pip install multiqc)");
            return;
        }
    }
    let (r1, r2) = deinterleave(read_fastq(&d.join("needletail/PRJNA271013_head.fq")));
    let mut s = stats_before(&r1, Some(&r2));
    // 100 pairs seen twice: a known duplication rate of 100 / 1100.
    for (a, b) in r1.iter().zip(&r2).take(100) {
        s.add_before(&rec(a), Some(&rec(b)));
    }
    // After filtering: pretend the pairs with an N-free, >=100 bp mate 1 passed, trimmed by 5.
    for (a, b) in r1.iter().zip(&r2) {
        if a.1.len() >= 100 && !a.1.contains(&b'N') {
            let (x, y) = (rec(a), rec(b));
            let k = a.1.len() - 5;
            let x = panelprep::fastq::RecordRef {
                seq: &x.seq[..k],
                qual: &x.qual[..k],
                ..x
            };
            s.add_after(&x, Some(&y));
            s.add_filter(panelprep::filter::Reason::Passed, 2);
            s.add_adapter(0, b"AGATC");
        } else {
            s.add_filter(panelprep::filter::Reason::LowQuality, 2);
        }
        s.add_insert(Some(a.1.len() + 20));
    }
    let info = RunInfo {
        command: String::from(
            "panelprep --in1 sampleA_R1.fq --in2 sampleA_R2.fq --json sampleA.json",
        ),
        ..RunInfo::default()
    };
    let report = build(&s, &info);
    let t = tempfile::tempdir().expect("tempdir");
    let input = t.path().join("in");
    std::fs::create_dir(&input).expect("mkdir");
    report
        .write(&input.join("sampleA.json"))
        .expect("write report");
    let out = t.path().join("out");
    let o = Command::new("multiqc")
        .args(["--no-version-check", "--no-ansi", "-f", "-o"])
        .arg(&out)
        .arg(&input)
        .output()
        .expect("run multiqc");
    let log = String::from_utf8_lossy(&o.stderr).into_owned() + &String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "multiqc failed:\n{log}");
    let data: serde_json::Value = serde_json::from_slice(
        &std::fs::read(out.join("multiqc_data/multiqc_data.json")).expect("multiqc_data.json"),
    )
    .expect("parse multiqc_data.json");
    // The values MultiQC's fastp module parsed, by sample.
    let parsed = data["report_general_stats_data"]["fastp"]
        .as_object()
        .unwrap_or_else(|| panic!("MultiQC did not recognise the file as fastp output:\n{log}"));
    assert_eq!(parsed.len(), 1, "one sample expected: {parsed:?}");
    let (sample, row) = parsed.iter().next().expect("one sample");
    eprintln!("MultiQC sample name: {sample}");
    assert!(
        sample.contains("sampleA"),
        "sample name from the command: {sample}"
    );
    let get = |k: &str| -> f64 {
        row.get(k)
            .and_then(serde_json::Value::as_f64)
            .unwrap_or_else(|| panic!("MultiQC value {k} missing: {row}"))
    };
    let sb = &report.summary.before_filtering;
    let sa = &report.summary.after_filtering;
    let checks = [
        ("before_filtering_total_reads", sb.total_reads as f64),
        ("after_filtering_total_reads", sa.total_reads as f64),
        ("before_filtering_total_bases", sb.total_bases as f64),
        ("after_filtering_total_bases", sa.total_bases as f64),
        ("before_filtering_q30_rate", sb.q30_rate),
        ("after_filtering_q30_rate", sa.q30_rate),
        ("before_filtering_q20_bases", sb.q20_bases as f64),
        ("after_filtering_gc_content", sa.gc_content),
        ("pct_duplication", report.duplication.rate * 100.0),
        (
            "filtering_result_passed_filter_reads",
            report.filtering_result.passed_filter_reads as f64,
        ),
        (
            "filtering_result_low_quality_reads",
            report.filtering_result.low_quality_reads as f64,
        ),
        (
            "adapter_cutting_adapter_trimmed_reads",
            report.adapter_cutting.adapter_trimmed_reads as f64,
        ),
        (
            "pct_surviving_reads",
            100.0 * report.filtering_result.passed_filter_reads as f64 / sb.total_reads as f64,
        ),
    ];
    for (k, want) in checks {
        let got = get(k);
        assert!(
            (got - want).abs() <= 1e-6 * want.abs().max(1.0),
            "{k}: MultiQC {got}, ours {want}"
        );
        eprintln!("{k}: MultiQC {got} = ours {want}");
    }
    assert!(sa.total_reads > 0 && sa.total_reads < sb.total_reads);
    assert_eq!(
        report.duplication.rate, 0.090909,
        "100 of 1100 pairs are copies"
    );
    // The fastp module also built its plots from our curves and histograms.
    let html = std::fs::read_to_string(out.join("multiqc_report.html")).expect("multiqc report");
    for id in [
        "fastp_filtered_reads_plot",
        "fastp-seq-quality-plot",
        "fastp-insert-size-plot",
    ] {
        assert!(html.contains(id), "MultiQC report lacks {id}");
    }
}
