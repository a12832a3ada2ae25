//! The C API against the CLI: the programs' runs with every option given as JSON write the
//! same reads and coverage files as `panelprep trim` / `panelprep coverage` given the same flags.

use std::path::Path;
use std::process::Command;

use super::{Lang, check_output};

/// Pairs in tests/data/demo_R{1,2}.fq.gz.
pub const DEMO_PAIRS: u64 = 5000;

/// The `panelprep trim` flags that `TRIM_JSON` (tests/c/api_test.c) and `kTrimJson`
/// (api_test.cpp) stand for.
const TRIM_FLAGS: &[&str] = &[
    "--adapter_sequence",
    "AGATCGGAAGAGC",
    "--cut_tail",
    "--trim_poly_x",
    "--length_required",
    "30",
    "--umi",
    "--umi_loc",
    "read1",
    "--umi_len",
    "8",
    "--no-report",
];

/// The `panelprep coverage` flags that `COVERAGE_JSON` / `kCoverageJson` stand for.
const COVERAGE_FLAGS: &[&str] = &[
    "--preset",
    "picard-hs",
    "-T",
    "10,30",
    "-Q",
    "10",
    "--low-coverage",
    "50",
    "-t",
    "1",
    "--gate",
    "mean_target_coverage<=1000000",
];

/// Runs the CLI in `dir`.
fn cli(dir: &Path, args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_panelprep"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    check_output(&format!("panelprep {}", args.join(" ")), &out);
}

fn gunzip(path: &Path) -> Vec<u8> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut plain = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::MultiGzDecoder::new(&bytes[..]),
        &mut plain,
    )
    .unwrap();
    plain
}

/// The C API's trimmed reads `ours` equal the CLI's `theirs`, and carry the UMI in every name
/// (the options took effect).
fn same_reads(dir: &Path, ours: &str, theirs: &str) {
    let (a, b) = (gunzip(&dir.join(ours)), gunzip(&dir.join(theirs)));
    assert!(!a.is_empty(), "{ours} is empty");
    if a != b {
        let (la, lb): (Vec<&[u8]>, Vec<&[u8]>) = (
            a.split(|&c| c == b'\n').collect(),
            b.split(|&c| c == b'\n').collect(),
        );
        let i = la
            .iter()
            .zip(&lb)
            .position(|(x, y)| x != y)
            .unwrap_or(la.len().min(lb.len()));
        let line = |l: &[&[u8]]| l.get(i).map(|x| String::from_utf8_lossy(x).into_owned());
        panic!(
            "{ours} ({} lines) differs from the CLI's {theirs} ({} lines) at line {}: {:?} vs {:?}",
            la.len(),
            lb.len(),
            i + 1,
            line(&la),
            line(&lb)
        );
    }
    for title in a
        .split(|&c| c == b'\n')
        .step_by(4)
        .filter(|l| !l.is_empty())
    {
        let name = title.split(|&c| c == b' ').next().unwrap();
        assert!(
            name.contains(&b':'),
            "{ours}: no UMI in {:?}",
            String::from_utf8_lossy(title)
        );
    }
}

/// The JSON-option runs of the program in `dir` wrote what the CLI writes with the same flags.
pub fn compare_with_cli(lang: Lang, dir: &Path) {
    let (r1, r2) = match lang {
        Lang::C => {
            let se = [
                &["trim", "-i", "demo_R1.fq.gz", "-o", "cli_se.fq.gz"],
                TRIM_FLAGS,
            ]
            .concat();
            cli(dir, &se);
            same_reads(dir, "json_se.fq.gz", "cli_se.fq.gz");
            ("json_r1.fq.gz", "json_r2.fq.gz")
        }
        Lang::Cpp => ("cpp_json_r1.fq.gz", "cpp_json_r2.fq.gz"),
    };
    let pe = [
        &[
            "trim",
            "-i",
            "demo_R1.fq.gz",
            "-I",
            "demo_R2.fq.gz",
            "-o",
            "cli_r1.fq.gz",
            "-O",
            "cli_r2.fq.gz",
        ],
        TRIM_FLAGS,
    ]
    .concat();
    cli(dir, &pe);
    same_reads(dir, r1, "cli_r1.fq.gz");
    same_reads(dir, r2, "cli_r2.fq.gz");
    if !dir.join("panel.bam").exists() {
        return;
    }
    let cov = [
        &[
            "coverage",
            "--bam",
            "panel.bam",
            "--targets",
            "panel.bed",
            "--prefix",
            "cli_cov",
        ],
        COVERAGE_FLAGS,
    ]
    .concat();
    cli(dir, &cov);
    let ours = if lang == Lang::C {
        "cov_opts"
    } else {
        "cpp_cov"
    };
    for f in ["regions.bed.gz", "thresholds.bed.gz"] {
        let (a, b) = (
            gunzip(&dir.join(format!("{ours}.{f}"))),
            gunzip(&dir.join(format!("cli_cov.{f}"))),
        );
        assert!(!a.is_empty() && a == b, "{ours}.{f} differs from the CLI's");
    }
    for f in [
        "targets.tsv",
        "genes.tsv",
        "lowcov.bed",
        "gate.tsv",
        "mosdepth.region.dist.txt",
        "mosdepth.summary.txt",
    ] {
        let a = std::fs::read(dir.join(format!("{ours}.{f}"))).unwrap();
        let b = std::fs::read(dir.join(format!("cli_cov.{f}"))).unwrap();
        assert!(a == b, "{ours}.{f} differs from the CLI's");
    }
}
