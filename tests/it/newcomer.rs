//! What a newcomer and a workflow engine meet first: `panelprep demo` (trimming and coverage on
//! bundled data), the generated shell completions and man page, and the Snakemake workflow in
//! `workflow/` run by real Snakemake on three small samples.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_panelprep"))
}

fn ok(o: &Output, what: &str) -> String {
    assert!(
        o.status.success(),
        "{what} failed ({}):\n{}\n{}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn demo_trims_and_checks_coverage_with_a_gate() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("demo");
    let o = bin().arg("demo").arg("--out").arg(&out).output().unwrap();
    let text = ok(&o, "panelprep demo");
    assert!(text.contains("5000 read pairs processed"), "{text}");
    assert!(
        text.contains("coverage of 117 targets in 12 genes"),
        "{text}"
    );
    assert!(text.contains("QC gate") && text.contains("PASS"), "{text}");
    for f in [
        "demo_R1.out.fq.gz",
        "demo_R2.out.fq.gz",
        "demo_R1.out.panelprep.json",
        "demo_R1.out.panelprep.html",
        "demo_panel.coverage.json",
        "demo_panel.targets.tsv",
        "demo_panel.gate.tsv",
        "demo_panel.regions.bed.gz",
    ] {
        let p = out.join(f);
        assert!(
            p.metadata().map(|m| m.len() > 0).unwrap_or(false),
            "{} missing or empty",
            p.display()
        );
    }
    let gate = std::fs::read_to_string(out.join("demo_panel.gate.tsv")).unwrap();
    assert!(
        gate.lines()
            .any(|l| l.starts_with("overall") && l.ends_with("PASS")),
        "{gate}"
    );
}

#[test]
fn completions_and_man_page_cover_every_subcommand() {
    let bash = ok(
        &bin().args(["completions", "bash"]).output().unwrap(),
        "completions",
    );
    let man = ok(&bin().arg("manpage").output().unwrap(), "manpage");
    assert!(
        man.starts_with(".ie") || man.contains(".TH panelprep"),
        "{}",
        &man[..200.min(man.len())]
    );
    for sub in ["trim", "validate", "coverage", "demo", "bench", "simulate"] {
        assert!(bash.contains(sub), "bash completion lacks {sub}");
        assert!(
            man.contains(&format!("PANELPREP {}", sub.to_uppercase())),
            "man page lacks a section for {sub}"
        );
    }
    // Options of the subcommands are in both (a long option of trim and of coverage).
    assert!(bash.contains("--adapter_sequence") && bash.contains("--targets"));
    assert!(man.contains("adapter_sequence") && man.contains("targets"));
    let fish = ok(
        &bin().args(["completions", "fish"]).output().unwrap(),
        "fish",
    );
    assert!(fish.contains("complete -c panelprep"), "{fish}");
}

/// True when `tool` runs; with `PANELPREP_REQUIRE_PEERS=1` a missing tool fails the test.
fn require(tool: &str) -> bool {
    let found = Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("PANELPREP_REQUIRE_PEERS").is_none_or(|v| v != "1"),
            "{tool} is required (PANELPREP_REQUIRE_PEERS=1) but not installed"
        );
        eprintln!("SKIP: {tool} is not installed");
    }
    found
}

/// Three samples: simulated pairs (different seeds) and the demo panel BAM.
fn samples(dir: &Path) -> PathBuf {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut sheet = String::from("sample\tr1\tr2\tbam\n");
    for (i, s) in ["S1", "S2", "S3"].iter().enumerate() {
        let (r1, r2) = (
            dir.join(format!("{s}_R1.fq.gz")),
            dir.join(format!("{s}_R2.fq.gz")),
        );
        let o = bin()
            .args(["simulate", "--pairs", "2000", "--seed"])
            .arg((i + 1).to_string())
            .arg("-o")
            .arg(&r1)
            .arg("-O")
            .arg(&r2)
            .output()
            .unwrap();
        ok(&o, "panelprep simulate");
        let bam = dir.join(format!("{s}.bam"));
        std::fs::copy(data.join("demo_panel.bam"), &bam).unwrap();
        sheet += &format!(
            "{s}\t{}\t{}\t{}\n",
            r1.display(),
            r2.display(),
            bam.display()
        );
    }
    let path = dir.join("samples.tsv");
    std::fs::write(&path, sheet).unwrap();
    path
}

fn run_workflow(dir: &Path, gates: &[&str]) -> Output {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sheet = samples(dir);
    let gates: String = gates.iter().map(|g| format!("  - \"{g}\"\n")).collect();
    let config = format!(
        "samples: {}\ntargets: {}\noutdir: {}\npanelprep: {}\ntrim_threads: 1\ncoverage_threads: 1\ntrim_extra: \"\"\ngates:\n{gates}",
        sheet.display(),
        root.join("tests/data/demo_panel.bed").display(),
        dir.join("results").display(),
        env!("CARGO_BIN_EXE_panelprep"),
    );
    std::fs::write(dir.join("config.yaml"), config).unwrap();
    Command::new("snakemake")
        .arg("-s")
        .arg(root.join("workflow/Snakefile"))
        .arg("--configfile")
        .arg(dir.join("config.yaml"))
        .args(["--cores", "2", "--quiet", "--directory"])
        .arg(dir)
        .output()
        .unwrap()
}

#[test]
#[cfg_attr(
    not(all(pp_have_snakemake, pp_have_multiqc)),
    ignore = "snakemake or multiqc is not installed (pip install snakemake multiqc)"
)]
fn snakemake_workflow_runs_three_samples_and_keeps_failed_gates() {
    if !(require("snakemake") && require("multiqc")) {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    // A gate no sample can pass: the workflow still succeeds and keeps the evidence.
    let o = run_workflow(t.path(), &["median_target_coverage>=100000"]);
    ok(&o, "snakemake");
    let res = t.path().join("results");
    for s in ["S1", "S2", "S3"] {
        let json = std::fs::read_to_string(res.join(format!("{s}/{s}.panelprep.json"))).unwrap();
        assert!(json.contains("\"before_filtering\""), "{s}: {json:.200}");
        let gate = std::fs::read_to_string(res.join(format!("{s}/{s}.gate.tsv"))).unwrap();
        assert!(
            gate.lines()
                .any(|l| l.starts_with("overall") && l.ends_with("FAIL")),
            "{gate}"
        );
        assert!(res.join(format!("{s}/{s}.coverage.json")).is_file());
        assert!(res.join(format!("{s}/{s}.manifest.json")).is_file());
    }
    let mqc = std::fs::read_to_string(res.join("multiqc/multiqc_report.html")).unwrap();
    for s in ["S1", "S2", "S3"] {
        assert!(mqc.contains(s), "MultiQC report lacks sample {s}");
        assert!(res.join(format!("{s}/{s}.coverage.html")).is_file());
    }
    for section in [
        "panelprep coverage: QC gate",
        "panelprep coverage: genes",
        "panelprep coverage: low-coverage regions",
    ] {
        assert!(mqc.contains(section), "MultiQC report lacks {section:?}");
    }
}
