//! Equality with mosdepth 0.3.3 on the shared public data: stored outputs (made by mosdepth
//! 0.3.3 on this machine) and, when mosdepth is installed, a live run.

use crate::util::coverage as common;

use common::*;
use panelprep::coverage::{CoverageOptions, Preset, ScanMode};

fn opts(preset: Preset, thresholds: &[u32], scan: ScanMode) -> CoverageOptions {
    let mut o = preset.options();
    o.thresholds = thresholds.to_vec();
    o.scan = scan;
    o
}

#[test]
#[cfg_attr(
    not(pp_public_data),
    ignore = "needs the public test data (shared/data/public)"
)]
fn cnvkit_na12878_matches_stored_mosdepth_outputs() {
    let Some(d) = shared() else { return };
    let bam = d.join("cnvkit/na12878-chrM-Y-trunc.from_cram.bam");
    let bed = d.join("cnvkit/my-targets.bed");
    let gdir = d.join("generated/cnvkit-na12878-targets");
    let tmp = tempfile::tempdir().expect("tmp");
    for scan in [ScanMode::Full, ScanMode::Index] {
        // default mode: regions equal mosdepth -n --by
        let (_, p) = run_to(
            &opts(Preset::Mosdepth, &[1, 10, 20, 50, 100], scan),
            &bam,
            &bed,
            tmp.path(),
            "def",
        );
        assert_eq!(
            gunzip(&with(&p, ".regions.bed.gz")),
            std::fs::read_to_string(gdir.join("mosdepth_regions.bed")).expect("read")
        );
        // fast mode: regions and thresholds equal mosdepth -n -x --by -T 1,10,20,50,100
        let (r, p) = run_to(
            &opts(Preset::MosdepthFast, &[1, 10, 20, 50, 100], scan),
            &bam,
            &bed,
            tmp.path(),
            "fast",
        );
        assert_eq!(
            gunzip(&with(&p, ".regions.bed.gz")),
            std::fs::read_to_string(gdir.join("mosdepth_fastmode_regions.bed")).expect("read")
        );
        assert_eq!(
            gunzip(&with(&p, ".thresholds.bed.gz")),
            std::fs::read_to_string(gdir.join("mosdepth_fastmode_thresholds.bed")).expect("read")
        );
        // samtools bedcov (same filters as fast mode) gives the summed depth of each target
        let bedcov = std::fs::read_to_string(gdir.join("samtools_bedcov.txt")).expect("read");
        for (line, t) in bedcov.lines().zip(&r.targets) {
            let sum: i64 = line
                .split('\t')
                .next_back()
                .and_then(|s| s.parse().ok())
                .expect("sum");
            assert_eq!(sum, t.sum_depth, "{line}");
        }
    }
    // the summary's _region lines equal mosdepth's stored summary
    let (_, p) = run_to(
        &opts(Preset::Mosdepth, &[1], ScanMode::Full),
        &bam,
        &bed,
        tmp.path(),
        "sum",
    );
    let ours = std::fs::read_to_string(with(&p, ".mosdepth.summary.txt")).expect("read");
    let theirs = std::fs::read_to_string(gdir.join("mosdepth_summary.txt")).expect("read");
    let pick = |s: &str| {
        s.lines()
            .filter(|l| l.contains("_region"))
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(pick(&ours), pick(&theirs));
    assert_eq!(pick(&ours).len(), 3);
}

#[test]
#[cfg_attr(
    not(pp_public_data),
    ignore = "needs the public test data (shared/data/public)"
)]
#[cfg_attr(not(pp_have_mosdepth), ignore = "live: needs mosdepth")]
fn cnvkit_na12878_matches_live_mosdepth() {
    let Some(d) = shared() else { return };
    if !have("mosdepth") {
        return;
    }
    let bam = d.join("cnvkit/na12878-chrM-Y-trunc.from_cram.bam");
    let bed = d.join("cnvkit/my-targets.bed");
    let tmp = tempfile::tempdir().expect("tmp");
    let th = [1, 10, 20, 50, 75, 80, 100];
    for (preset, extra) in [
        (Preset::Mosdepth, vec![]),
        (Preset::MosdepthFast, vec!["-x"]),
    ] {
        let theirs = mosdepth(&bam, &bed, tmp.path(), "m", "1,10,20,50,75,80,100", &extra);
        let (_, ours) = run_to(
            &opts(preset, &th, ScanMode::Auto),
            &bam,
            &bed,
            tmp.path(),
            "o",
        );
        assert_same_as_mosdepth(&ours, &theirs, true);
    }
}

/// mosdepth's own fixtures, compared with the expected values of its test suite
/// (restated in mosdepth/EXPECTED.md) and with live mosdepth.
#[test]
#[cfg_attr(
    not(pp_public_data),
    ignore = "needs the public test data (shared/data/public)"
)]
fn mosdepth_fixtures() {
    let Some(d) = shared() else { return };
    let m = d.join("mosdepth");
    let tmp = tempfile::tempdir().expect("tmp");
    // track header skipped, name kept: `MT 2 80 aregion 1.00`, thresholds 0,1,2 -> 78 78 0
    let (_, p) = run_to(
        &opts(Preset::Mosdepth, &[0, 1, 2], ScanMode::Auto),
        &m.join("ovl.bam"),
        &m.join("track.bed"),
        tmp.path(),
        "track",
    );
    assert_eq!(
        gunzip(&with(&p, ".regions.bed.gz")),
        "MT\t2\t80\taregion\t1.00\n"
    );
    assert_eq!(
        gunzip(&with(&p, ".thresholds.bed.gz")),
        "#chrom\tstart\tend\tregion\t0X\t1X\t2X\nMT\t2\t80\taregion\t78\t78\t0\n"
    );
    // fast mode: both mates count where they overlap (6-42 has depth 2)
    let (r, _) = run_to(
        &opts(Preset::MosdepthFast, &[2], ScanMode::Auto),
        &m.join("ovl.bam"),
        &m.join("track.bed"),
        tmp.path(),
        "fast",
    );
    assert_eq!(r.targets[0].bases_at_threshold, vec![42 - 6]);
    // unordered BED: output sorted by start
    let (_, p) = run_to(
        &opts(Preset::Mosdepth, &[1], ScanMode::Auto),
        &m.join("ovl.bam"),
        &m.join("unordered.bed"),
        tmp.path(),
        "unord",
    );
    assert_eq!(
        gunzip(&with(&p, ".regions.bed.gz")),
        "MT\t1\t10\t1.00\nMT\t2\t11\t1.00\n"
    );
    // empty BED accepted
    let (r, p) = run_to(
        &opts(Preset::Mosdepth, &[1], ScanMode::Auto),
        &m.join("ovl.bam"),
        &m.join("missing.bed"),
        tmp.path(),
        "empty",
    );
    assert_eq!(r.targets.len(), 0);
    assert_eq!(gunzip(&with(&p, ".regions.bed.gz")), "");
    // identical mates count once: 1:565173-565253 has depth 1
    let bed = tmp.path().join("op.bed");
    std::fs::write(&bed, "1\t565100\t565300\tX\n").expect("write");
    let (r, _) = run_to(
        &opts(Preset::Mosdepth, &[1, 2], ScanMode::Auto),
        &m.join("overlapping-pairs.bam"),
        &bed,
        tmp.path(),
        "op",
    );
    assert_eq!(r.targets[0].bases_at_threshold, vec![80, 0]);
    assert_eq!(r.targets[0].max, 1);
    let (r, _) = run_to(
        &opts(Preset::MosdepthFast, &[1, 2], ScanMode::Auto),
        &m.join("overlapping-pairs.bam"),
        &bed,
        tmp.path(),
        "op2",
    );
    assert_eq!(r.targets[0].bases_at_threshold, vec![80, 80]);
    // empty tids: no HPV26 in region.dist
    let (_, p) = run_to(
        &opts(Preset::Mosdepth, &[1, 5], ScanMode::Auto),
        &m.join("empty-tids.bam"),
        &m.join("empty-tids.bed"),
        tmp.path(),
        "et",
    );
    let rd = std::fs::read_to_string(with(&p, ".mosdepth.region.dist.txt")).expect("read");
    assert!(!rd.contains("HPV26"));
    assert!(rd.contains("total\t0\t1.00"));
}

/// Fragment mode against mosdepth's expected per-base output (block A of EXPECTED.md, a
/// contig name containing a colon).
#[test]
#[cfg_attr(
    not(pp_public_data),
    ignore = "needs the public test data (shared/data/public)"
)]
fn fragment_mode_matches_mosdepth_expected_blocks() {
    let Some(d) = shared() else { return };
    let m = d.join("mosdepth");
    let tmp = tempfile::tempdir().expect("tmp");
    let c = "chr22:20000000-23000000";
    let blocks = [
        (17300u64, 17318u64, 0i64),
        (17318, 17320, 1),
        (17320, 17420, 2),
        (17420, 17756, 1),
        (17756, 52130, 0),
        (52130, 52135, 1),
        (52135, 52235, 2),
        (52235, 52546, 1),
        (52546, 60000, 0),
    ];
    let bed = tmp.path().join("blocks.bed");
    let text: String = blocks
        .iter()
        .map(|(s, e, _)| format!("{c}\t{s}\t{e}\n"))
        .collect();
    std::fs::write(&bed, text).expect("write");
    let mut o = opts(Preset::Mosdepth, &[1], ScanMode::Full);
    o.count = panelprep::coverage::CountMode::Fragment;
    let (r, _) = run_to(
        &o,
        &m.join("full-fragment-pairs.bam"),
        &bed,
        tmp.path(),
        "frag",
    );
    for (t, (s, e, depth)) in r.targets.iter().zip(blocks) {
        assert_eq!((t.min, t.max), (depth, depth), "{c}:{s}-{e}");
    }
}

/// Every fixture BAM with a BED: live mosdepth and us agree on all compared files, in both
/// modes and both scan modes.
#[test]
#[cfg_attr(
    not(pp_public_data),
    ignore = "needs the public test data (shared/data/public)"
)]
#[cfg_attr(not(pp_have_mosdepth), ignore = "live: needs mosdepth")]
fn fixtures_match_live_mosdepth() {
    let Some(d) = shared() else { return };
    if !have("mosdepth") {
        return;
    }
    let m = d.join("mosdepth");
    let tmp = tempfile::tempdir().expect("tmp");
    let cases = [
        (m.join("ovl.bam"), m.join("track.bed")),
        (m.join("ovl.bam"), m.join("unordered.bed")),
        (m.join("empty-tids.bam"), m.join("empty-tids.bed")),
        (
            d.join("samtools/bedcov/bedcov.bam"),
            d.join("samtools/bedcov/bedcov.bed"),
        ),
        (
            d.join("bedtools2-coverage/three_blocks_match.bam"),
            d.join("bedtools2-coverage/chr_0-100.bed"),
        ),
    ];
    for (bam, bed) in cases {
        if !bam.with_extension("bam.bai").exists()
            && !std::path::Path::new(&format!("{}.bai", bam.display())).exists()
        {
            eprintln!("SKIP {}: no index for mosdepth", bam.display());
            continue;
        }
        for (preset, extra) in [
            (Preset::Mosdepth, vec![]),
            (Preset::MosdepthFast, vec!["-x"]),
        ] {
            let theirs = mosdepth(&bam, &bed, tmp.path(), "m", "0,1,2,5,10", &extra);
            for scan in [ScanMode::Full, ScanMode::Index] {
                let (_, ours) = run_to(
                    &opts(preset, &[0, 1, 2, 5, 10], scan),
                    &bam,
                    &bed,
                    tmp.path(),
                    "o",
                );
                assert_same_as_mosdepth(&ours, &theirs, true);
            }
        }
    }
}
