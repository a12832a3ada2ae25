//! MultiQC's mosdepth module reads our mosdepth-compatible files, and MultiQC's custom content
//! finds our `*_mqc.tsv` tables without any config: runs real `multiqc` when installed (skips
//! with a printed reason otherwise, fails under `PANELPREP_REQUIRE_PEERS=1`) and checks that it
//! found our samples, sections and values.

use crate::util::coverage as common;

use std::process::Command;

use common::*;
use panelprep::coverage::{CoverageOptions, Preset};

#[test]
#[cfg_attr(
    not(pp_public_data),
    ignore = "needs the public test data (shared/data/public)"
)]
#[cfg_attr(not(pp_have_multiqc), ignore = "live: needs multiqc")]
fn multiqc_parses_our_mosdepth_files() {
    let Some(d) = shared() else { return };
    if !have("multiqc") {
        return;
    }
    let tmp = tempfile::tempdir().expect("tmp");
    let work = tmp.path().join("in");
    std::fs::create_dir(&work).expect("mkdir");
    let mut o: CoverageOptions = Preset::Mosdepth.options();
    o.thresholds = vec![1, 10, 20, 50, 100];
    let (r, _) = run_to(
        &o,
        &d.join("cnvkit/na12878-chrM-Y-trunc.from_cram.bam"),
        &d.join("cnvkit/my-targets.bed"),
        &work,
        "NA12878_panel",
    );
    let out = tmp.path().join("mqc");
    let res = Command::new("multiqc")
        .arg(&work)
        .args([
            "-m",
            "mosdepth",
            "--no-ansi",
            "-f",
            "--data-format",
            "json",
            "-o",
        ])
        .arg(&out)
        .output()
        .expect("run multiqc");
    assert!(
        res.status.success(),
        "multiqc failed: {}",
        String::from_utf8_lossy(&res.stderr)
    );
    let data = out.join("multiqc_data");
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(data.join("multiqc_data.json")).expect("multiqc_data.json"),
    )
    .expect("json");
    let gs = &json["report_general_stats_data"];
    let sample = gs
        .as_array()
        .and_then(|v| v.iter().find_map(|m| m.get("NA12878_panel")))
        .or_else(|| gs.get("mosdepth").and_then(|m| m.get("NA12878_panel")))
        .unwrap_or_else(|| panic!("sample NA12878_panel not parsed: {gs}"));
    // MultiQC takes these from our total_region line: region bases, depth sum, mean, max
    let region_len: u64 = r.tables.contigs.iter().map(|c| c.region_stat.length).sum();
    let region_sum: i64 = r.tables.contigs.iter().map(|c| c.region_stat.sum).sum();
    assert_eq!(
        sample["length"].as_f64(),
        Some(region_len as f64),
        "{sample}"
    );
    assert_eq!(
        sample["coverage_bases"].as_f64(),
        Some(region_sum as f64),
        "{sample}"
    );
    let mean: f64 = format!("{:.2}", region_sum as f64 / region_len as f64)
        .parse()
        .expect("mean");
    assert_eq!(sample["mean_coverage"].as_f64(), Some(mean), "{sample}");
    assert_eq!(
        sample["max_coverage"].as_f64(),
        Some(r.panel.max_target_coverage as f64),
        "{sample}"
    );
    // and the >= 10x share from our region.dist `total` line
    let dist = std::fs::read_to_string(with(
        &work.join("NA12878_panel"),
        ".mosdepth.region.dist.txt",
    ))
    .expect("dist");
    let pct10: f64 = dist
        .lines()
        .find_map(|l| l.strip_prefix("total\t10\t"))
        .and_then(|v| v.parse::<f64>().ok())
        .expect("total 10x line");
    assert_eq!(sample["10_x_pc"].as_f64(), Some(pct10 * 100.0), "{sample}");
}

#[test]
#[cfg_attr(
    not(pp_have_multiqc),
    ignore = "live: needs multiqc (pip install multiqc)"
)]
fn multiqc_finds_panelprep_sections_without_config() {
    if !have_peer("multiqc") {
        return;
    }
    let (bam, bed) = demo_panel();
    let tmp = tempfile::tempdir().expect("tmp");
    let work = tmp.path().join("in");
    std::fs::create_dir(&work).expect("mkdir");
    // two samples through the CLI: one passes the gate, one fails it (kept with exit 0)
    for (s, gate) in [
        ("S1", "median_target_coverage>=20"),
        ("S2", "median_target_coverage>=100"),
    ] {
        let o = Command::new(env!("CARGO_BIN_EXE_panelprep"))
            .arg("coverage")
            .arg("--bam")
            .arg(&bam)
            .arg("--targets")
            .arg(&bed)
            .arg("--prefix")
            .arg(work.join(s))
            .args(["--low-coverage", "20", "--gate", gate, "--gate-exit-zero"])
            .output()
            .expect("run panelprep");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let out = tmp.path().join("mqc");
    let res = Command::new("multiqc")
        .args([
            "--no-version-check",
            "--no-ansi",
            "-f",
            "--data-format",
            "json",
            "-o",
        ])
        .arg(&out)
        .arg(&work)
        .output()
        .expect("run multiqc");
    let log = String::from_utf8_lossy(&res.stderr).into_owned();
    assert!(res.status.success(), "multiqc failed: {log}");
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("multiqc_data/multiqc_data.json"))
            .expect("multiqc_data.json"),
    )
    .expect("json");
    let raw = &json["report_saved_raw_data"];
    let table = |id: &str| {
        raw[format!("multiqc_{id}_table")]
            .as_object()
            .unwrap_or_else(|| panic!("no {id} table in multiqc_data.json:\n{log}"))
            .clone()
    };
    let gate = table("panelprep_coverage_gate");
    assert_eq!(gate["S1"]["QC gate"], "PASS", "{gate:?}");
    assert_eq!(gate["S2"]["QC gate"], "FAIL", "{gate:?}");
    assert_eq!(gate["S2"]["failed"], "median_target_coverage", "{gate:?}");
    assert_eq!(gate["S1"]["sample (BAM SM)"], "panel", "{gate:?}");
    let genes = table("panelprep_coverage_genes");
    assert_eq!(
        genes.len(),
        2 * 12,
        "12 genes per sample: {:?}",
        genes.keys()
    );
    assert!(genes.contains_key("S1: PTEN") && genes.contains_key("S2: BRCA1"));
    let low = table("panelprep_coverage_low_coverage");
    assert!(
        low.keys().any(|k| k.starts_with("S1: chr")) && low.keys().any(|k| k.starts_with("S2: ")),
        "{:?}",
        low.keys()
    );
    assert!(low.values().all(|v| v["genes"].is_string()), "{low:?}");
    let report = std::fs::read_to_string(out.join("multiqc_report.html")).expect("report");
    for name in [
        "panelprep coverage: QC gate",
        "panelprep coverage: genes",
        "panelprep coverage: low-coverage regions",
    ] {
        assert!(
            report.contains(name),
            "section {name:?} missing from the MultiQC report"
        );
    }
}
