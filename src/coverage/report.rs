//! The coverage report (serde) and the files written from it.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::depth::RecordCounts;
use super::gate::GateReport;
use super::lowcov::LowCoverage;
use super::metrics::{Computed, GeneMetrics, MosdepthTables, PanelMetrics, TargetMetrics};
use super::options::{CoverageOptions, ScanMode};
use super::{CoverageError, gate, html, lowcov, mosdepth, multiqc};
use crate::io::{AtomicFile, IoError, OutputSet};

/// Everything a coverage run found; serialised as `PREFIX.coverage.json`.
#[derive(Debug, Clone, Serialize)]
pub struct CoverageReport {
    /// Producer and version.
    pub tool: String,
    /// Sample name: the read groups' `SM` (distinct values joined by `,`), else the BAM's
    /// file stem.
    pub sample: String,
    /// The BAM.
    pub bam: PathBuf,
    /// The target BED.
    pub targets_bed: PathBuf,
    /// Whether the whole BAM or only the BAI chunks of the targets were read.
    pub scan: ScanMode,
    /// The BAI used, if any.
    pub index: Option<PathBuf>,
    /// The options after validation.
    pub options: CoverageOptions,
    /// Record counts and what each filter removed.
    pub records: RecordCounts,
    /// Panel summary.
    pub panel: PanelMetrics,
    /// Per gene.
    pub genes: Vec<GeneMetrics>,
    /// Per target (BED order).
    pub targets: Vec<TargetMetrics>,
    /// Merged runs of target bases below the low-coverage threshold.
    pub low_coverage: Vec<LowCoverage>,
    /// QC sheet, when limits were given.
    pub gate: Option<GateReport>,
    /// BED contigs absent from the BAM header (their targets are skipped).
    pub missing_contigs: Vec<String>,
    /// Warnings (also printed by the CLI).
    pub warnings: Vec<String>,
    /// Distributions for the mosdepth files (not serialised).
    #[serde(skip)]
    pub tables: MosdepthTables,
    /// Picard CollectHsMetrics' metrics and files (`picard-hs` preset only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub picard: Option<super::picard::PicardReport>,
}

impl CoverageReport {
    /// The panel's share (0-1) of target bases with depth of at least `threshold`; `None` when
    /// `threshold` is not one of the run's thresholds (`CoverageOptions::thresholds`).
    pub fn pct_bases_at_least(&self, threshold: u32) -> Option<f64> {
        self.panel.pct_target_bases_at(threshold)
    }

    fn computed(&self) -> Computed {
        Computed {
            targets: self.targets.clone(),
            genes: self.genes.clone(),
            panel: self.panel.clone(),
            mosdepth: self.tables.clone(),
        }
    }

    /// Per-target TSV.
    pub fn targets_tsv(&self) -> String {
        let th = &self.options.thresholds;
        let mut s = String::from("chrom\tstart\tend\tname\tgene\tlength\tmean\tmedian\tmin\tmax");
        for t in th {
            s.push_str(&format!("\tpct_{t}x"));
        }
        s.push_str(&format!("\tbases_below_{}x\n", self.options.low_coverage));
        for t in &self.targets {
            s.push_str(&format!(
                "{}\t{}\t{}\t{}\t{}\t{}\t{:.2}\t{}\t{}\t{}",
                t.contig,
                t.start,
                t.end,
                t.name.as_deref().unwrap_or("."),
                t.gene,
                t.length,
                t.mean,
                t.median,
                t.min,
                t.max
            ));
            for p in &t.pct_at_threshold {
                s.push_str(&format!("\t{p:.4}"));
            }
            s.push_str(&format!("\t{}\n", t.low_coverage_bases));
        }
        s
    }

    /// Per-gene TSV.
    pub fn genes_tsv(&self) -> String {
        let th = &self.options.thresholds;
        let mut s = String::from("gene\ttargets\tlength\tmean\tmedian\tmin\tmax");
        for t in th {
            s.push_str(&format!("\tpct_{t}x"));
        }
        s.push_str(&format!(
            "\tbases_below_{}x\tzero_coverage_targets\n",
            self.options.low_coverage
        ));
        for g in &self.genes {
            s.push_str(&format!(
                "{}\t{}\t{}\t{:.2}\t{}\t{}\t{}",
                g.gene, g.targets, g.length, g.mean, g.median, g.min, g.max
            ));
            for p in &g.pct_at_threshold {
                s.push_str(&format!("\t{p:.4}"));
            }
            s.push_str(&format!(
                "\t{}\t{}\n",
                g.low_coverage_bases, g.zero_coverage_targets
            ));
        }
        s
    }
}

/// Writes every output for `prefix` and returns the paths. Files are built and synced under
/// temporary names and renamed only when all of them were written; if a rename fails, those
/// already renamed are removed (an [`crate::io::OutputSet`]): all files or none.
///
/// `PREFIX.coverage.json`, `PREFIX.targets.tsv`, `PREFIX.genes.tsv`, `PREFIX.lowcov.bed`,
/// `PREFIX.gate.tsv` (with limits), the report a lab reads `PREFIX.coverage.html`, the MultiQC
/// custom-content tables `PREFIX.genes_mqc.tsv`, `PREFIX.low_coverage_mqc.tsv` and
/// `PREFIX.gate_mqc.tsv` (with limits), and the mosdepth set: `PREFIX.mosdepth.summary.txt`,
/// `PREFIX.mosdepth.global.dist.txt`, `PREFIX.mosdepth.region.dist.txt`,
/// `PREFIX.regions.bed.gz`, `PREFIX.thresholds.bed.gz`.
pub fn write_outputs(
    report: &CoverageReport,
    prefix: &Path,
) -> Result<Vec<PathBuf>, CoverageError> {
    let set = stage_outputs(report, prefix)?;
    let written: Vec<PathBuf> = set.paths().map(Path::to_path_buf).collect();
    set.commit().map_err(io_error)?;
    Ok(written)
}

/// Writes every output of [`write_outputs`] under temporary names, complete and synced, into
/// a set the caller commits (or drops, removing them all: a run cancelled at the last moment).
pub fn stage_outputs(report: &CoverageReport, prefix: &Path) -> Result<OutputSet, CoverageError> {
    let c = report.computed();
    let name = |suffix: &str| {
        let mut s = prefix.as_os_str().to_owned();
        s.push(suffix);
        PathBuf::from(s)
    };
    let json = serde_json::to_string_pretty(report)
        .map_err(|e| CoverageError::Other(format!("JSON: {e}")))?;
    let mut files: Vec<(PathBuf, Vec<u8>, bool)> = vec![
        (name(".coverage.json"), (json + "\n").into_bytes(), false),
        (
            name(".targets.tsv"),
            report.targets_tsv().into_bytes(),
            false,
        ),
        (name(".genes.tsv"), report.genes_tsv().into_bytes(), false),
        (
            name(".lowcov.bed"),
            lowcov::to_bed(&report.low_coverage).into_bytes(),
            false,
        ),
        (
            name(".mosdepth.summary.txt"),
            mosdepth::summary(&c).into_bytes(),
            false,
        ),
        (
            name(".mosdepth.global.dist.txt"),
            mosdepth::global_dist(&c).into_bytes(),
            false,
        ),
        (
            name(".mosdepth.region.dist.txt"),
            mosdepth::region_dist(&c).into_bytes(),
            false,
        ),
        (
            name(".regions.bed.gz"),
            mosdepth::regions(&c).into_bytes(),
            true,
        ),
        (
            name(".thresholds.bed.gz"),
            mosdepth::thresholds(&c, &report.options.thresholds).into_bytes(),
            true,
        ),
    ];
    // MultiQC rows are keyed by the prefix's file name, as its mosdepth module names the run
    let mqc_name = prefix.file_name().map_or_else(
        || report.sample.clone(),
        |n| n.to_string_lossy().into_owned(),
    );
    if let Some(g) = &report.gate {
        files.push((name(".gate.tsv"), gate::to_tsv(g).into_bytes(), false));
        files.push((
            name(".gate_mqc.tsv"),
            multiqc::gate_tsv(&mqc_name, report, g).into_bytes(),
            false,
        ));
    }
    let date = crate::report::rfc3339_utc(std::time::SystemTime::now());
    files.push((
        name(".coverage.html"),
        html::render(report, &date).into_bytes(),
        false,
    ));
    files.push((
        name(".genes_mqc.tsv"),
        multiqc::genes_tsv(&mqc_name, report).into_bytes(),
        false,
    ));
    files.push((
        name(".low_coverage_mqc.tsv"),
        multiqc::low_coverage_tsv(&mqc_name, report).into_bytes(),
        false,
    ));
    files.extend(super::extra_outputs(report, &name));
    stage(files)
}

/// Writes `(path, bytes, as BGZF)` files under temporary names into one output set.
fn stage(files: Vec<(PathBuf, Vec<u8>, bool)>) -> Result<OutputSet, CoverageError> {
    let mut set = OutputSet::new();
    for (path, bytes, bgzf) in files {
        let write_err = |source| CoverageError::Io {
            path: path.clone(),
            action: "write",
            source,
        };
        let mut f = AtomicFile::create(&path).map_err(io_error)?;
        if bgzf {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            f = mosdepth::write_bgzf(f, &text).map_err(write_err)?;
        } else {
            f.write_all(&bytes).map_err(write_err)?;
        }
        set.add(f).map_err(io_error)?;
    }
    Ok(set)
}

/// An output file error as a coverage error, keeping the OS cause (`No space left on device`).
fn io_error(e: IoError) -> CoverageError {
    match e {
        IoError::File {
            path,
            action,
            source,
        } => CoverageError::Io {
            path,
            action,
            source,
        },
        other => CoverageError::Other(other.to_string()),
    }
}
