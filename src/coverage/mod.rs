//! Panel coverage from a coordinate-sorted BAM or CRAM and a target BED.
//!
//! [`run`] reads the BED (`targets`), the BAM header and, when a BAI exists, only the chunks
//! that hold target records (`bam`), or a CRAM decoded against `--reference` (`cram`); the
//! depth engine ([`Engine`]: record filter, CIGAR walk, mate overlap, spans) keeps one
//! difference array per merged target span, so memory follows the panel, not the genome.
//! `metrics` turns the depths into per-target, per-gene and panel numbers, `lowcov` finds
//! low-coverage runs, `gate` checks QC limits, and [`write_outputs`] writes JSON, TSV,
//! mosdepth-compatible files, the HTML report ([`render_html`]) and MultiQC tables, all through
//! [`crate::io::AtomicFile`] in one all-or-nothing output set. [`run_on_files`] is the whole
//! run of `panelprep coverage` and of the C API's `pp_coverage_run*`: the files checked
//! ([`check_paths`]), the report computed, the outputs written.
//!
//! The submodules are private; this file re-exports what the CLI, the C API, the tests and the
//! benches use. Over 400 lines because [`run_logged`] is the run's one sequence of steps (BED,
//! header, index, scan, metrics, Picard, gate) next to the layer's error enum: split, the order
//! of the steps would no longer read in one place.

mod bam;
mod bam_check;
mod cigar;
mod cram;
mod depth;
mod files;
mod gate;
mod html;
mod lowcov;
mod metrics;
mod mosdepth;
mod multiqc;
// crate-visible: `settings::coverage` names `coverage::options::DEFAULT_COVERAGE_CAP`
pub(crate) mod options;
mod picard;
mod rank;
mod reference;
mod report;
mod targets;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

// The public surface: what the CLI, the C API, the tests and the benches use, and the types
// that appear in it. Everything else stays inside the coverage layer.
pub use bam::{BamHeader, RawRecord, Reference};
pub use depth::{ContigDepth, Engine, Excluded, FilterCounts, RecordCounts, SpanDepth};
pub use files::{CoverageFiles, check_paths, run_on_files};
pub use gate::{GateReport, GateRow, to_tsv as gate_tsv};
pub use html::render as render_html;
pub use lowcov::LowCoverage;
pub use metrics::{
    ContigTables, DepthStat, GeneMetrics, Hist, MosdepthTables, PanelMetrics, TargetMetrics,
};
pub use options::{
    Cmp, CountMode, CoverageOptions, DEFAULT_COVERAGE_CAP, DEFAULT_THRESHOLDS, GateLimit, METRICS,
    MateOverlap, Preset, ScanMode,
};
pub use picard::hs::{HsMetrics, MergedTarget};
pub use picard::{HsCounts, PicardReport};
pub use rank::{genes_worst_first, low_share};
pub use report::{CoverageReport, stage_outputs, write_outputs};
pub use targets::{Span, merge_intervals};

use crate::Location;
use crate::io::IoError;

/// Stack of the decoding threads: room for noodles-cram's rANS Nx16 tables (reserved address
/// space; only the pages a decoder touches are used).
const CODEC_STACK: usize = 16 << 20;

/// Errors of the coverage layer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CoverageError {
    /// Placeholder kept for callers that build their own messages.
    #[error("coverage: {0}")]
    Other(String),
    /// Opening, reading or writing a file failed.
    #[error("{path}: {action} failed: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What was being done.
        action: &'static str,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// A BED line is malformed.
    #[error("{at}: bad BED line: {message}")]
    Bed {
        /// File and line.
        at: Location,
        /// What is wrong.
        message: String,
    },
    /// A BAM record or the BAM header is malformed, or records are out of order.
    #[error("{at}: {message}")]
    Bam {
        /// File and 1-based record number (0 for the header).
        at: Location,
        /// What is wrong.
        message: String,
    },
    /// The BAM ends early (no BGZF end-of-file block, or a cut block or record).
    #[error("{path}: truncated BAM: {detail}")]
    BamTruncated {
        /// The BAM.
        path: PathBuf,
        /// Where it ends.
        detail: String,
    },
    /// A BGZF block cannot be decoded.
    #[error("{path}: corrupt BGZF block at byte {offset}: {detail}")]
    BamCorrupt {
        /// The BAM.
        path: PathBuf,
        /// Compressed offset of the block.
        offset: u64,
        /// What is wrong.
        detail: String,
    },
    /// The BAI cannot be read or queried.
    #[error("{path}: BAM index: {detail}")]
    Index {
        /// The index.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },
    /// Options are invalid or contradict each other.
    #[error("coverage options: {0}")]
    Options(String),
    /// The run was cancelled (signal, C API cancel token); nothing was written.
    #[error("cancelled")]
    Cancelled,
    /// The reference FASTA cannot be read or lacks a region.
    #[error("{path}: reference: {detail}")]
    Reference {
        /// The FASTA.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },
    /// The QC gate failed (every output was written).
    #[error("QC gate failed: {0}")]
    GateFailed(String),
    /// The run's files collide (two inputs are one file, an output would replace an input),
    /// or the outputs could not be put in place.
    #[error(transparent)]
    Files(IoError),
    /// The output prefix has no file name to put before the outputs' suffixes (`/`, `..`).
    #[error("invalid option: --prefix {} does not end in a file name", .0.display())]
    PrefixNotAFileName(PathBuf),
}

/// Computes panel coverage of `bam` over the targets in `bed`.
///
/// Errors (bad BED line, truncated or unsorted BAM, ...) abort before anything is written.
/// BED contigs missing from the BAM header are skipped and listed in
/// [`CoverageReport::missing_contigs`] and [`CoverageReport::warnings`].
pub fn run(
    opts: &CoverageOptions,
    bam: &Path,
    bed: &Path,
) -> Result<CoverageReport, CoverageError> {
    run_cancellable(opts, bam, bed, &|| false)
}

/// Like [`run`], stopping with [`CoverageError::Cancelled`] soon after `cancelled` returns
/// true (it is asked every 4,096 records and between the steps of the run).
pub fn run_cancellable(
    opts: &CoverageOptions,
    bam: &Path,
    bed: &Path,
    cancelled: &dyn Fn() -> bool,
) -> Result<CoverageReport, CoverageError> {
    run_logged(opts, bam, bed, cancelled, &crate::log::Log::new())
}

/// Like [`run_cancellable`], adding every warning of the report to `log` as soon as it is
/// known (before the depth pass), for callers that show messages while the run goes on.
pub fn run_logged(
    opts: &CoverageOptions,
    bam: &Path,
    bed: &Path,
    cancelled: &dyn Fn() -> bool,
    log: &crate::log::Log,
) -> Result<CoverageReport, CoverageError> {
    let mut opts = opts.clone();
    opts.validate()?;
    for g in &opts.gate {
        g.check_known(&opts.thresholds)?;
    }
    let mut panel = targets::read_bed(bed)?;
    // A CRAM (magic `CRAM`) is decoded with noodles against `--reference`; a BAM is read here.
    let cram_input = if cram::is_cram(bam)? {
        Some(cram::CramInput::open(bam, opts.reference.as_deref())?)
    } else {
        None
    };
    let (header, first) = match &cram_input {
        Some(c) => (
            c.header.clone(),
            bam::VPos {
                block: 0,
                within: 0,
            },
        ),
        None => {
            bam_check::check_format(bam)?;
            bam::check_eof(bam)?;
            bam::read_header(bam)?
        }
    };
    let ref_names: Vec<String> = header.references.iter().map(|r| r.name.clone()).collect();
    let rid_of: HashMap<&str, usize> = ref_names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    let mut warnings = Vec::new();
    if let Some(so) = &header.sort_order
        && so != "coordinate"
    {
        warnings.push(format!(
            "{}: header says SO:{so}; records are checked for coordinate order",
            bam.display()
        ));
    }
    let rids: Vec<Option<usize>> = panel
        .targets
        .iter()
        .map(|t| rid_of.get(t.contig.as_str()).copied())
        .collect();
    let lengths: Vec<u64> = header.references.iter().map(|r| r.length).collect();
    warnings.extend(targets::check_against_bam(
        &mut panel, &rids, &lengths, bam,
    )?);
    let mut missing: Vec<(String, usize)> = Vec::new();
    for (t, r) in panel.targets.iter().zip(&rids) {
        if r.is_none() {
            match missing.iter_mut().find(|m| m.0 == t.contig) {
                Some(m) => m.1 += 1,
                None => missing.push((t.contig.clone(), 1)),
            }
        }
    }
    if !missing.is_empty() {
        warnings.push(format!(
            "{}: {} BED contig(s) not in the BAM header, their targets are skipped: {}",
            bed.display(),
            missing.len(),
            missing
                .iter()
                .map(|(c, n)| format!("{c} ({n} targets)"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    for w in &warnings {
        log.push(crate::log::Level::Warning, w.clone());
    }
    let mut per_ref: Vec<Vec<(u64, u64)>> = vec![Vec::new(); ref_names.len()];
    for (t, r) in panel.targets.iter().zip(&rids) {
        if let Some(r) = r {
            per_ref[*r].push((t.start, t.end));
        }
    }
    let spans: Vec<Vec<targets::Span>> =
        per_ref.into_iter().map(targets::merge_intervals).collect();

    // The index: a BAM's .bai, a CRAM's .crai.
    let bai = if cram_input.is_some() {
        cram::find_crai(bam)
    } else {
        bam::find_bai(bam)
    };
    let scan = match (opts.scan, &bai) {
        (ScanMode::Full, _) | (ScanMode::Auto, None) => ScanMode::Full,
        (ScanMode::Index | ScanMode::Auto, Some(_)) => ScanMode::Index,
        (ScanMode::Index, None) => {
            return Err(CoverageError::Options(format!(
                "index scan requested but {} has no {}",
                bam.display(),
                if cram_input.is_some() {
                    ".crai"
                } else {
                    ".bai"
                }
            )));
        }
    };
    let mut index_counts = None;
    let mut containers = None;
    let regions: Vec<(usize, u64, u64)> = spans
        .iter()
        .enumerate()
        .flat_map(|(r, v)| v.iter().map(move |s| (r, s.start, s.end)))
        .collect();
    let ranges = match (scan, &bai) {
        (ScanMode::Index, Some(crai)) if cram_input.is_some() => {
            let (offsets, counts) = cram::index_containers(bam, crai, &regions)?;
            containers = Some(offsets);
            index_counts = Some(counts);
            Vec::new()
        }
        (ScanMode::Index, Some(bai)) => {
            let (ranges, counts) = bam::index_ranges(bai, &regions)?;
            bam_check::check_index(
                bam,
                bai,
                header.references.len(),
                counts.references,
                &ranges,
            )?;
            index_counts = Some(counts);
            ranges
        }
        _ => vec![bam::ReadRange {
            start: first,
            end: None,
        }],
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads)
        .thread_name(|i| format!("panelprep-bgzf-{i}"))
        // noodles-cram's rANS Nx16 decoder keeps its order-1 tables on the stack, beyond the
        // 2 MiB of a default thread in release builds (a CRAM 3.1 file overflowed it).
        .stack_size(CODEC_STACK)
        .build()
        .map_err(|e| CoverageError::Other(format!("cannot start the thread pool: {e}")))?;
    let mut engine = depth::Engine::new(&opts, bam, &header, spans);
    let stop = |at: u64| -> Result<(), CoverageError> {
        if at.is_multiple_of(4096) && cancelled() {
            Err(CoverageError::Cancelled)
        } else {
            Ok(())
        }
    };
    stop(0)?;
    match &cram_input {
        Some(c) => cram::scan(
            c,
            &pool,
            cram::Fields::for_options(&opts),
            containers.as_deref(),
            |rec, n| {
                stop(n)?;
                engine.process(rec, n)
            },
        )?,
        None => bam::scan(bam, &ranges, &pool, |rec, n| {
            stop(n)?;
            engine.process(rec, n)
        })?,
    };
    stop(0)?;
    engine.finish();
    if let Some(ic) = &index_counts {
        for &(r, n) in &ic.per_reference {
            if n > 0
                && let Some(h) = engine.has_records.get_mut(r)
            {
                *h = true;
            }
        }
    }
    let mut computed = metrics::compute(
        &panel.targets,
        &rids,
        &engine.contigs,
        &ref_names,
        &engine.has_records,
        &opts.thresholds,
        opts.low_coverage,
    );
    let counts = engine.counts.clone();
    {
        let p = &mut computed.panel;
        match &index_counts {
            None => {
                p.pct_mapped_reads_on_target =
                    Some(metrics::ratio(counts.mapped_on_target, counts.mapped));
                p.pct_reads_on_target =
                    Some(metrics::ratio(counts.passing_on_target, counts.passing));
                p.pct_bases_on_target = Some(metrics::ratio(
                    counts.passing_bases_on_target,
                    counts.passing_bases,
                ));
            }
            Some(ic) => {
                p.pct_mapped_reads_on_target =
                    (ic.mapped > 0).then(|| metrics::ratio(counts.mapped_on_target, ic.mapped));
            }
        }
    }
    let lookup = |c: &str| rid_of.get(c).copied();
    let low = lowcov::low_coverage(
        &computed.targets,
        &lookup,
        &engine.contigs,
        opts.low_coverage,
    );
    let gc = match (&opts.reference, &engine.picard) {
        (Some(r), Some(_)) => Some(reference::gc_per_span(r, &ref_names, &engine.contigs)?),
        _ => None,
    };
    let picard = engine.picard.take().map(|c| {
        let references: Vec<(String, u64)> = header
            .references
            .iter()
            .map(|r| (r.name.clone(), r.length))
            .collect();
        let parts = picard::RunParts {
            contigs: &engine.contigs,
            targets: &panel.targets,
            rids: &rids,
            references: &references,
            bed,
            gc,
        };
        picard::report(c, &parts, &opts)
    });
    if let Some(pr) = &picard {
        // the panel summary takes Picard's definitions under its preset
        let m = &pr.metrics;
        let p = &mut computed.panel;
        p.mean_target_coverage = m.MEAN_TARGET_COVERAGE;
        p.median_target_coverage = m.MEDIAN_TARGET_COVERAGE;
        p.fold_80_base_penalty = m
            .FOLD_80_BASE_PENALTY
            .is_finite()
            .then_some(m.FOLD_80_BASE_PENALTY);
        p.zero_cvg_targets_pct = m.ZERO_CVG_TARGETS_PCT;
        p.zero_cvg_targets = pr
            .merged_targets
            .iter()
            .filter(|t| {
                engine.contigs[t.rid].spans[t.span]
                    .depth
                    .iter()
                    .all(|&d| d <= 0)
            })
            .count();
    }
    let gate = (!opts.gate.is_empty()).then(|| gate::evaluate(&opts.gate, &computed.panel));
    Ok(CoverageReport {
        tool: format!("panelprep {}", crate::VERSION),
        sample: sample_name(&header.samples, bam),
        bam: bam.to_path_buf(),
        targets_bed: bed.to_path_buf(),
        scan,
        index: bai.filter(|_| scan == ScanMode::Index),
        options: opts,
        records: counts,
        panel: computed.panel,
        genes: computed.genes,
        targets: computed.targets,
        low_coverage: low,
        gate,
        missing_contigs: missing.into_iter().map(|m| m.0).collect(),
        warnings,
        tables: computed.mosdepth,
        picard,
    })
}

/// The sample: the BAM's distinct read-group `SM` values joined by `,`, else the file stem.
fn sample_name(samples: &[String], bam: &Path) -> String {
    if samples.is_empty() {
        bam.file_stem()
            .map_or_else(|| "sample".to_owned(), |s| s.to_string_lossy().into_owned())
    } else {
        samples.join(",")
    }
}

/// Outputs beyond the base set (the one place where new files join `write_outputs`):
/// `PREFIX.hs_metrics.txt` and `PREFIX.per_target_coverage.txt` under `picard-hs`.
/// Each entry: (path, bytes, BGZF-compressed).
pub(crate) fn extra_outputs(
    report: &CoverageReport,
    name: &dyn Fn(&str) -> PathBuf,
) -> Vec<(PathBuf, Vec<u8>, bool)> {
    let mut files = Vec::new();
    if let Some(p) = &report.picard {
        files.push((
            name(".hs_metrics.txt"),
            p.metrics_file.clone().into_bytes(),
            false,
        ));
        files.push((
            name(".per_target_coverage.txt"),
            p.per_target_file.clone().into_bytes(),
            false,
        ));
    }
    files
}
