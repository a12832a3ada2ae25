//! `panelprep demo`: runs the main job on the small paired-end dataset bundled in the binary
//! (5,000 simulated 2x150 pairs made by `panelprep simulate --pairs 5000 --seed 2026`).

use std::path::PathBuf;

use panelprep::pipeline::{self, Control, Inputs, Outputs, PipelineOptions};

static DEMO_R1: &[u8] = include_bytes!("../../../tests/data/demo_R1.fq.gz");
static DEMO_R2: &[u8] = include_bytes!("../../../tests/data/demo_R2.fq.gz");

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
    let inputs = Inputs::Paired(in1, in2);
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
    Ok(())
}
