//! `panelprep coverage`: panel coverage from a BAM and a target BED.

use std::path::PathBuf;

use panelprep::coverage::{self, CoverageError};
use panelprep::pipeline::Control;
use panelprep::settings::CoverageSettings;

/// Command-line options of `panelprep coverage`.
#[derive(Debug, clap::Args)]
pub struct CoverageArgs {
    /// Coordinate-sorted BAM (its .bai is used when present).
    #[arg(long)]
    pub bam: PathBuf,
    /// Panel BED (3-6+ columns; column 4 = target/gene name).
    #[arg(long)]
    pub targets: PathBuf,
    /// Output prefix (PREFIX.coverage.json, PREFIX.regions.bed.gz, ...).
    #[arg(long)]
    pub prefix: PathBuf,
    #[command(flatten)]
    pub settings: CoverageSettings,
}

/// Runs the coverage command: computes, writes every output, prints warnings and the QC sheet.
pub fn run(args: &CoverageArgs, control: &Control) -> Result<(), panelprep::Error> {
    let opts = args.settings.to_options()?;
    coverage::check_paths(&args.bam, &args.targets, &args.prefix)?;
    // SIGINT/SIGTERM (through `control`): exit 130, nothing written.
    let cancelled = || control.is_cancelled();
    let report = coverage::run_cancellable(&opts, &args.bam, &args.targets, &cancelled).map_err(
        |e| match e {
            CoverageError::Cancelled => panelprep::Error::Cancelled,
            e => e.into(),
        },
    )?;
    for w in &report.warnings {
        note!("[panelprep coverage] warning: {w}");
    }
    let set = coverage::stage_outputs(&report, &args.prefix)?;
    if control.is_cancelled() {
        return Err(panelprep::Error::Cancelled);
    }
    set.commit()?;
    let p = &report.panel;
    note!(
        "[panelprep coverage] {} targets, {} genes, {} bases: mean {:.2}x, median {}x",
        p.targets,
        p.genes,
        p.target_territory,
        p.mean_target_coverage,
        p.median_target_coverage
    );
    if let Some(g) = &report.gate {
        note_raw!("{}", coverage::gate::to_tsv(g));
        if !g.pass {
            let failed: Vec<String> = g
                .rows
                .iter()
                .filter(|r| !r.pass)
                .map(|r| r.metric.clone())
                .collect();
            return Err(CoverageError::GateFailed(failed.join(", ")).into());
        }
    }
    Ok(())
}
