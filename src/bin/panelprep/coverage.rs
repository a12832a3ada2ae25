//! `panelprep coverage`: panel coverage from a BAM or CRAM and a target BED.

use std::path::PathBuf;

use panelprep::coverage::{self, CoverageError, CoverageFiles};
use panelprep::log::Log;
use panelprep::pipeline::Control;
use panelprep::settings::CoverageSettings;

/// Command-line options of `panelprep coverage`.
#[derive(Debug, clap::Args)]
pub struct CoverageArgs {
    /// Coordinate-sorted BAM (its .bai is used when present), or CRAM (3.0/3.1, read whole;
    /// needs -f/--reference, the FASTA it was written against).
    #[arg(long)]
    pub bam: PathBuf,
    /// Panel BED (3-6+ columns; column 4 = target/gene name).
    #[arg(long)]
    pub targets: PathBuf,
    /// Output prefix (PREFIX.coverage.json, PREFIX.coverage.html, PREFIX.genes_mqc.tsv for
    /// MultiQC, PREFIX.regions.bed.gz, ...).
    #[arg(long)]
    pub prefix: PathBuf,
    /// When the QC gate fails, exit 0 instead of GATE_FAILED_EXIT (2): the verdict is then
    /// only in PREFIX.gate.tsv and PREFIX.coverage.json (for workflow engines that must keep
    /// the outputs of a failed sample).
    #[arg(long)]
    pub gate_exit_zero: bool,
    #[command(flatten)]
    pub settings: CoverageSettings,
}

/// Exit status of `panelprep coverage` when every output was written but the QC gate failed
/// (1 is kept for errors: bad input, I/O).
pub const GATE_FAILED_EXIT: u8 = 2;

/// Runs the coverage command: computes, writes every output, prints warnings and the QC sheet.
pub fn run(args: &CoverageArgs, control: &Control) -> Result<(), panelprep::Error> {
    let opts = args.settings.to_options()?;
    let files = CoverageFiles {
        bam: args.bam.clone(),
        targets: args.targets.clone(),
        prefix: Some(args.prefix.clone()),
    };
    // SIGINT/SIGTERM (through `control`): exit 130, nothing written.
    let cancelled = || control.is_cancelled();
    // The warnings are printed from the report, once the run has succeeded.
    let report =
        coverage::run_on_files(&opts, &files, &cancelled, &Log::new()).map_err(|e| match e {
            CoverageError::Cancelled => panelprep::Error::Cancelled,
            e => e.into(),
        })?;
    for w in &report.warnings {
        note!("[panelprep coverage] warning: {w}");
    }
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
        note_raw!("{}", coverage::gate_tsv(g));
        if !g.pass && args.gate_exit_zero {
            note!("[panelprep coverage] QC gate failed (exit 0: --gate-exit-zero)");
        } else if !g.pass {
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
