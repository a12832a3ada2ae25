//! `panelprep demo`: runs the main jobs on small data bundled in the binary: trimming of 5,000
//! simulated 2x150 pairs (`panelprep simulate --pairs 5000 --seed 2026`), then the coverage of a
//! synthetic 12-gene panel BAM (`cargo run --release --example make_panel_bam -- DIR 20000 12
//! 2026`; GRCh38 contig names) with a QC gate.

use std::path::PathBuf;

use panelprep::pipeline::{self, Control, Inputs, Outputs, PipelineOptions};

static DEMO_R1: &[u8] = include_bytes!("../../../tests/data/demo_R1.fq.gz");
static DEMO_R2: &[u8] = include_bytes!("../../../tests/data/demo_R2.fq.gz");
static DEMO_BAM: &[u8] = include_bytes!("../../../tests/data/demo_panel.bam");
static DEMO_BED: &[u8] = include_bytes!("../../../tests/data/demo_panel.bed");
/// The demo's QC gate: what a lab might require of a panel sample.
const DEMO_GATES: &[&str] = &["median_target_coverage>=20", "pct_target_bases_20x>=0.5"];

/// Options of `panelprep demo`.
#[derive(clap::Args)]
pub struct DemoArgs {
    /// Directory for the demo inputs and outputs.
    #[arg(long, default_value = "panelprep-demo")]
    out: PathBuf,
    /// Worker threads.
    #[arg(short = 'w', long = "thread", default_value_t = 2)]
    threads: usize,
}

/// Writes the bundled inputs, runs the pipeline on them and prints where everything is.
pub fn run(a: &DemoArgs, control: &Control) -> Result<(), panelprep::Error> {
    let err =
        |e: std::io::Error| panelprep::Error::Internal(format!("demo: {}: {e}", a.out.display()));
    std::fs::create_dir_all(&a.out).map_err(err)?;
    let (in1, in2) = (a.out.join("demo_R1.fq.gz"), a.out.join("demo_R2.fq.gz"));
    std::fs::write(&in1, DEMO_R1).map_err(err)?;
    std::fs::write(&in2, DEMO_R2).map_err(err)?;
    let outputs = Outputs {
        out1: Some(a.out.join("demo_R1.out.fq.gz")),
        out2: Some(a.out.join("demo_R2.out.fq.gz")),
        ..Default::default()
    };
    let opts = PipelineOptions {
        threads: a.threads,
        checksums: true,
        ..PipelineOptions::default()
    };
    let start = std::time::SystemTime::now();
    let inputs = Inputs::paired(in1, in2);
    let (summary, mut set) = pipeline::run_staged(&opts, &inputs, &outputs, control)?;
    let paths =
        crate::reports::ReportPaths::resolve(outputs.out1.as_deref(), None, None, None, false);
    let names = inputs.paths();
    let info = panelprep::report::RunInfo {
        command: format!(
            "panelprep trim -i {} -I {}",
            names[0].display(),
            names[1].display()
        ),
        ..Default::default()
    };
    let params = serde_json::json!({ "demo": true, "threads": a.threads });
    crate::reports::write(&mut set, &paths, &summary, &info, start, a.threads, params)?;
    set.commit()?;
    outln!(
        "panelprep demo: {} read pairs processed",
        summary.inputs[0].records
    )?;
    for line in crate::reports::describe(&summary, &paths) {
        outln!("{line}")?;
    }
    coverage(a, &err)
}

/// Writes the bundled panel BAM and BED, computes their coverage with a QC gate and prints the
/// verdict and where the files are. A failed gate is reported, not an error, in the demo.
fn coverage(
    a: &DemoArgs,
    err: &dyn Fn(std::io::Error) -> panelprep::Error,
) -> Result<(), panelprep::Error> {
    let (bam, bed) = (a.out.join("demo_panel.bam"), a.out.join("demo_panel.bed"));
    std::fs::write(&bam, DEMO_BAM).map_err(err)?;
    std::fs::write(&bed, DEMO_BED).map_err(err)?;
    let settings = panelprep::settings::CoverageSettings {
        threads: a.threads,
        gate: DEMO_GATES.iter().map(ToString::to_string).collect(),
        // the demo panel is sequenced to ~25x: flag what is below its 20x gate threshold
        low_coverage: 20,
        ..Default::default()
    };
    let report = panelprep::coverage::run(&settings.to_options()?, &bam, &bed)?;
    let prefix = a.out.join("demo_panel");
    let written = panelprep::coverage::write_outputs(&report, &prefix)?;
    let p = &report.panel;
    println!(
        "panelprep demo: coverage of {} targets in {} genes: mean {:.1}x, median {}x",
        p.targets, p.genes, p.mean_target_coverage, p.median_target_coverage
    );
    if let Some(g) = &report.gate {
        println!(
            "  QC gate ({}): {}",
            DEMO_GATES.join(", "),
            if g.pass { "PASS" } else { "FAIL" }
        );
    }
    for f in written {
        println!("  {}", f.display());
    }
    Ok(())
}
