//! MultiQC's mosdepth module reads our mosdepth-compatible files: runs real `multiqc` when
//! installed (skips with a printed reason otherwise) and checks that it found our sample and
//! the values of our files.

#[path = "coverage_common.rs"]
mod common;

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
