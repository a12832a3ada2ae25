//! A generated panel BAM (GRCh38 contigs, ~60 genes, overlapping tiles, duplicates, MAPQ 0,
//! soft clips, deletions, insertions, spliced reads, overlapping mates): equal to mosdepth's
//! stored outputs (made with PANELPREP_BLESS=1 and mosdepth 0.3.3 installed) and to live
//! mosdepth; gene/panel metrics agree with the per-target numbers; thread count and scan mode
//! do not change any output.

use crate::coverage_panelgen as panelgen;
use crate::util::coverage as common;

use std::process::Command;

use common::*;
use panelprep::coverage::{CoverageOptions, Preset, ScanMode};

const TH: &[u32] = &[1, 5, 10, 20, 30, 50];

fn opts(p: Preset, scan: ScanMode, threads: usize) -> CoverageOptions {
    let mut o = p.options();
    o.thresholds = TH.to_vec();
    o.scan = scan;
    o.threads = threads;
    o
}

#[test]
fn generated_panel_matches_mosdepth() {
    let tmp = tempfile::tempdir().expect("tmp");
    panelgen::write_panel(tmp.path(), 11, 20_000, 60, 0.7).expect("generate");
    let bam = tmp.path().join("panel.bam");
    let bed = tmp.path().join("panel.bed");
    let indexed = have("samtools")
        && Command::new("samtools")
            .arg("index")
            .arg(&bam)
            .status()
            .is_ok_and(|s| s.success());
    let live = indexed && have("mosdepth");
    let bless = std::env::var_os("PANELPREP_BLESS").is_some();
    for (tag, preset, extra) in [
        ("default", Preset::Mosdepth, vec![]),
        ("fast", Preset::MosdepthFast, vec!["-x"]),
    ] {
        let (r1, ours) = run_to(
            &opts(preset, ScanMode::Full, 1),
            &bam,
            &bed,
            tmp.path(),
            &format!("full{tag}"),
        );
        assert!(r1.targets.len() > 400, "{} targets", r1.targets.len());
        let theirs = live.then(|| {
            mosdepth(
                &bam,
                &bed,
                tmp.path(),
                &format!("m{tag}"),
                "1,5,10,20,30,50",
                &extra,
            )
        });
        if let Some(theirs) = &theirs {
            assert_same_as_mosdepth(&ours, theirs, true);
        }
        for suffix in [".regions.bed.gz", ".thresholds.bed.gz"] {
            let want_path = expected(&format!("panel.{tag}{}", suffix.trim_end_matches(".gz")));
            if let (Some(theirs), true) = (&theirs, bless) {
                std::fs::write(&want_path, gunzip(&with(theirs, suffix))).expect("bless");
            }
            let want = std::fs::read_to_string(&want_path)
                .unwrap_or_else(|e| panic!("{}: {e}", want_path.display()));
            assert_eq!(
                gunzip(&with(&ours, suffix)),
                want,
                "{tag}{suffix} vs stored mosdepth output"
            );
        }
        // threads and index-guided reading give identical files
        let scans: &[ScanMode] = if indexed {
            &[ScanMode::Full, ScanMode::Index]
        } else {
            &[ScanMode::Full]
        };
        for &scan in scans {
            let (r2, other) = run_to(
                &opts(preset, scan, 3),
                &bam,
                &bed,
                tmp.path(),
                &format!("o{tag}"),
            );
            for suffix in [
                ".regions.bed.gz",
                ".thresholds.bed.gz",
                ".mosdepth.region.dist.txt",
                ".lowcov.bed",
                ".targets.tsv",
            ] {
                let read = |p: std::path::PathBuf| {
                    if suffix.ends_with(".gz") {
                        gunzip(&p)
                    } else {
                        std::fs::read_to_string(&p).expect("read")
                    }
                };
                assert_eq!(
                    read(with(&ours, suffix)),
                    read(with(&other, suffix)),
                    "{suffix} with {scan:?}"
                );
            }
            assert_eq!(r1.panel.mean_target_coverage, r2.panel.mean_target_coverage);
        }
        // panel metrics are consistent with the per-target numbers and the histogram
        let p = &r1.panel;
        assert!(p.mean_target_coverage > 5.0);
        assert!(
            p.pct_reads_on_target.is_some_and(|x| x > 0.6 && x < 0.8),
            "{:?}",
            p.pct_reads_on_target
        );
        let worst = r1
            .targets
            .iter()
            .map(|t| t.mean)
            .fold(f64::INFINITY, f64::min);
        assert_eq!(p.min_target_mean, worst);
        let zero = r1.targets.iter().filter(|t| t.max == 0).count();
        assert_eq!(p.zero_cvg_targets, zero);
        // low-coverage BED covers exactly the target bases below the threshold
        let below: u64 = r1.low_coverage.iter().map(|l| l.end - l.start).sum();
        assert_eq!(below, p.low_coverage_bases);
    }
}
