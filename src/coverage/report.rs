//! The coverage report (serde) and the files written from it.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::depth::RecordCounts;
use super::gate::GateReport;
use super::lowcov::LowCoverage;
use super::metrics::{Computed, GeneMetrics, MosdepthTables, PanelMetrics, TargetMetrics};
use super::options::{CoverageOptions, ScanMode};
use super::{CoverageError, gate, lowcov, mosdepth};
use crate::io::AtomicFile;

/// Everything a coverage run found; serialised as `PREFIX.coverage.json`.
#[derive(Debug, Clone, Serialize)]
pub struct CoverageReport {
    /// Producer and version.
    pub tool: String,
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

/// Writes every output for `prefix` and returns the paths. Files are built under temporary
/// names and renamed only when all of them were written.
///
/// `PREFIX.coverage.json`, `PREFIX.targets.tsv`, `PREFIX.genes.tsv`, `PREFIX.lowcov.bed`,
/// `PREFIX.gate.tsv` (with limits), and the mosdepth set: `PREFIX.mosdepth.summary.txt`,
/// `PREFIX.mosdepth.global.dist.txt`, `PREFIX.mosdepth.region.dist.txt`,
/// `PREFIX.regions.bed.gz`, `PREFIX.thresholds.bed.gz`.
pub fn write_outputs(
    report: &CoverageReport,
    prefix: &Path,
) -> Result<Vec<PathBuf>, CoverageError> {
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
    if let Some(g) = &report.gate {
        files.push((name(".gate.tsv"), gate::to_tsv(g).into_bytes(), false));
    }
    files.extend(super::extra_outputs(report, &name));
    let mut pending = Vec::with_capacity(files.len());
    for (path, bytes, bgzf) in files {
        let io = |action: &'static str| {
            let p = path.clone();
            move |source: std::io::Error| CoverageError::Io {
                path: p,
                action,
                source,
            }
        };
        let mut f = AtomicFile::create(&path).map_err(|e| CoverageError::Io {
            path: path.clone(),
            action: "create",
            source: std::io::Error::other(e.to_string()),
        })?;
        if bgzf {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            f = mosdepth::write_bgzf(f, &text).map_err(io("write"))?;
        } else {
            f.write_all(&bytes).map_err(io("write"))?;
        }
        pending.push((path, f));
    }
    let mut written = Vec::with_capacity(pending.len());
    for (path, f) in pending {
        f.commit().map_err(|e| CoverageError::Io {
            path: path.clone(),
            action: "commit",
            source: std::io::Error::other(e.to_string()),
        })?;
        written.push(path);
    }
    Ok(written)
}
