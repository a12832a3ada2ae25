//! Helpers shared by the coverage tests.
#![allow(dead_code)]

use super::common as base;

use std::path::{Path, PathBuf};
use std::process::Command;

use panelprep::coverage::{self, CoverageOptions, CoverageReport};

/// The shared public test data, if present.
pub fn shared() -> Option<PathBuf> {
    base::shared_data()
}

/// Stored expected files.
pub fn expected(name: &str) -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/expected/coverage"
    ))
    .join(name)
}

/// True when `tool --version` runs; otherwise skips (fails under `PANELPREP_REQUIRE_PEERS=1`).
pub fn have_peer(tool: &str) -> bool {
    base::have_tool(tool)
}

/// The bundled demo panel: (BAM, BED).
pub fn demo_panel() -> (PathBuf, PathBuf) {
    let d = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data"));
    (d.join("demo_panel.bam"), d.join("demo_panel.bed"))
}

/// True when `tool` is on PATH.
pub fn have(tool: &str) -> bool {
    let ok = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool} >/dev/null 2>&1"))
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !ok {
        base::skip(&format!("(live part) {tool} is not installed"));
    }
    ok
}

/// Decompresses a (BGZF) gzip file to text.
pub fn gunzip(path: &Path) -> String {
    use std::io::Read;
    let f = std::fs::File::open(path).expect("open gz");
    let mut s = String::new();
    flate2::read::MultiGzDecoder::new(f)
        .read_to_string(&mut s)
        .expect("gunzip");
    s
}

/// Runs coverage and writes the outputs under `dir/name`.
pub fn run_to(
    opts: &CoverageOptions,
    bam: &Path,
    bed: &Path,
    dir: &Path,
    name: &str,
) -> (CoverageReport, PathBuf) {
    let report = coverage::run(opts, bam, bed).expect("coverage run");
    let prefix = dir.join(name);
    coverage::write_outputs(&report, &prefix).expect("write outputs");
    (report, prefix)
}

/// Appends `suffix` to a prefix path.
pub fn with(prefix: &Path, suffix: &str) -> PathBuf {
    let mut s = prefix.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Runs live mosdepth 0.3 (`-n --by BED [-T ..] [-x] [extra]`) into `dir/name`.
pub fn mosdepth(
    bam: &Path,
    bed: &Path,
    dir: &Path,
    name: &str,
    thresholds: &str,
    extra: &[&str],
) -> PathBuf {
    let prefix = dir.join(name);
    let mut cmd = Command::new("mosdepth");
    cmd.arg("-n").arg("--by").arg(bed);
    if !thresholds.is_empty() {
        cmd.arg("-T").arg(thresholds);
    }
    cmd.args(extra).arg(&prefix).arg(bam);
    let out = cmd.output().expect("run mosdepth");
    assert!(
        out.status.success(),
        "mosdepth failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    prefix
}

/// Asserts that our mosdepth-compatible region/threshold files and region.dist and the
/// `_region` summary lines equal mosdepth's.
pub fn assert_same_as_mosdepth(ours: &Path, theirs: &Path, thresholds: bool) {
    assert_eq!(
        gunzip(&with(ours, ".regions.bed.gz")),
        gunzip(&with(theirs, ".regions.bed.gz")),
        "regions.bed.gz differs"
    );
    if thresholds {
        assert_eq!(
            gunzip(&with(ours, ".thresholds.bed.gz")),
            gunzip(&with(theirs, ".thresholds.bed.gz")),
            "thresholds.bed.gz differs"
        );
    }
    let read =
        |p: PathBuf| std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    assert_eq!(
        read(with(ours, ".mosdepth.region.dist.txt")),
        read(with(theirs, ".mosdepth.region.dist.txt")),
        "region.dist differs"
    );
    let region_lines = |s: String| -> Vec<String> {
        s.lines()
            .filter(|l| l.split('\t').next().is_some_and(|c| c.ends_with("_region")))
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(
        region_lines(read(with(ours, ".mosdepth.summary.txt"))),
        region_lines(read(with(theirs, ".mosdepth.summary.txt"))),
        "summary _region lines differ"
    );
}
