//! `pp_report`: the result of a run, as JSON (fastp-compatible QC report, and a summary of
//! files) and as numbers.

use std::ffi::c_char;

use super::boundary::{Failed, boundary, boundary_void, string_to_c};
use super::handle::{self, ArcHandle, try_arc_ref, try_out};
use super::pp_status;
use crate::Error;
use crate::pipeline::Summary;
use crate::report::{self, FastpReport};

/// The result of a successful run (file mode or streaming): what was read, filtered and
/// written, with the QC statistics when they were collected (the default).
///
/// Ownership: returned by `pp_run_se`, `pp_run_pe` and `pp_stream_finish`; the caller frees it
/// with `pp_report_free`. Immutable: may be read from several threads at once.
pub struct pp_report {
    _private: [u8; 0],
}

/// The Rust side of `pp_report`: the engine's summary and the report built from its statistics.
#[derive(Debug)]
pub(crate) struct Report {
    summary: Summary,
    fastp: Option<FastpReport>,
}

impl ArcHandle for pp_report {
    type Target = Report;
}

impl Report {
    /// Hands C a new report (its JSON names the equivalent `panelprep trim` command).
    pub(crate) fn into_c(summary: Summary) -> *const pp_report {
        let info = summary.run_info();
        let fastp = summary.stats.as_deref().map(|s| report::build(s, &info));
        handle::arc_into(std::sync::Arc::new(Report { summary, fastp }))
    }

    fn fastp(&self) -> Result<&FastpReport, Failed> {
        self.fastp.as_ref().ok_or_else(|| {
            Failed::with(
                pp_status::PP_STATUS_INVALID_STATE,
                "the run collected no statistics (option stats was false)",
            )
        })
    }
}

fn getter(
    report: *const pp_report,
    value_out: *mut u64,
    get: impl FnOnce(&Report) -> Result<u64, Failed>,
) -> pp_status {
    handle::get(report, value_out, get)
}

/// Writes the QC report as JSON to `*json_out`: fastp's schema and key names (`summary`
/// with `before_filtering`/`after_filtering`, `filtering_result`, `duplication`,
/// `insert_size`, `adapter_cutting`, `read1_before_filtering`...; readable by MultiQC's fastp
/// module) plus panelprep's own statistics under `panelprep`. Needs statistics (option
/// `stats`, on by default): otherwise `PP_STATUS_INVALID_STATE`.
///
/// Ownership: the caller owns the string and frees it with `pp_string_free`.
#[unsafe(no_mangle)]
pub extern "C" fn pp_report_json(
    report: *const pp_report,
    json_out: *mut *mut c_char,
) -> pp_status {
    boundary(|| {
        let r = try_arc_ref!(report);
        let out = try_out!(json_out);
        *out = string_to_c(r.fastp()?.to_json_string())?;
        Ok(())
    })
}

/// Writes a summary of the files as JSON to `*json_out`: `inputs` (`path`, detected `format`,
/// `records`, `bases`, `checksums` per input), `outputs` (`path`, `records`, uncompressed
/// `raw_bytes`, written `disk_bytes`, `compressed`, `checksums` per output; streaming inputs
/// are named `<stream>`, `<stream R1>`, `<stream R2>`, outputs `<output 1>`, `<output 2>`) and
/// `paired`. `checksums` is null unless the option `checksums` was set.
///
/// Ownership: the caller owns the string and frees it with `pp_string_free`.
#[unsafe(no_mangle)]
pub extern "C" fn pp_report_summary_json(
    report: *const pp_report,
    json_out: *mut *mut c_char,
) -> pp_status {
    boundary(|| {
        let r = try_arc_ref!(report);
        let out = try_out!(json_out);
        let text = serde_json::to_string(&r.summary)
            .map_err(|e| Error::Internal(format!("summary JSON: {e}")))?;
        *out = string_to_c(text)?;
        Ok(())
    })
}

/// Records read, over all inputs (each mate of a pair counts as one record).
#[unsafe(no_mangle)]
pub extern "C" fn pp_report_reads_in(report: *const pp_report, value_out: *mut u64) -> pp_status {
    getter(report, value_out, |r| {
        Ok(r.summary.inputs.iter().map(|i| i.records).sum())
    })
}

/// Bases read, over all inputs.
#[unsafe(no_mangle)]
pub extern "C" fn pp_report_bases_in(report: *const pp_report, value_out: *mut u64) -> pp_status {
    getter(report, value_out, |r| {
        Ok(r.summary.inputs.iter().map(|i| i.bases).sum())
    })
}

/// Reads that passed filtering (both mates count), as written to the outputs (or as they
/// would have been when the output was discarded): fastp's `summary.after_filtering.
/// total_reads`. Needs statistics (option `stats`): otherwise `PP_STATUS_INVALID_STATE`.
#[unsafe(no_mangle)]
pub extern "C" fn pp_report_reads_out(report: *const pp_report, value_out: *mut u64) -> pp_status {
    getter(report, value_out, |r| {
        Ok(r.fastp()?.summary.after_filtering.total_reads)
    })
}

/// Bases of the reads that passed filtering, after trimming: fastp's
/// `summary.after_filtering.total_bases`. Needs statistics, as `pp_report_reads_out`.
#[unsafe(no_mangle)]
pub extern "C" fn pp_report_bases_out(report: *const pp_report, value_out: *mut u64) -> pp_status {
    getter(report, value_out, |r| {
        Ok(r.fastp()?.summary.after_filtering.total_bases)
    })
}

/// Bases of quality 30 or more among the bases that passed filtering:
/// `summary.after_filtering.q30_bases`. Needs statistics, as `pp_report_reads_out`.
#[unsafe(no_mangle)]
pub extern "C" fn pp_report_q30_bases_out(
    report: *const pp_report,
    value_out: *mut u64,
) -> pp_status {
    getter(report, value_out, |r| {
        Ok(r.fastp()?.summary.after_filtering.q30_bases)
    })
}

/// Bytes written, over all outputs, as stored (compressed size for BGZF output; 0 when the
/// output was discarded). Always available.
#[unsafe(no_mangle)]
pub extern "C" fn pp_report_bytes_out(report: *const pp_report, value_out: *mut u64) -> pp_status {
    getter(report, value_out, |r| {
        Ok(r.summary.outputs.iter().map(|o| o.disk_bytes).sum())
    })
}

/// Writes whether the run was paired-end (two inputs, or interleaved input) to `*paired_out`.
#[unsafe(no_mangle)]
pub extern "C" fn pp_report_paired(report: *const pp_report, paired_out: *mut bool) -> pp_status {
    boundary(|| {
        let r = try_arc_ref!(report);
        let out = try_out!(paired_out);
        *out = r.summary.paired;
        Ok(())
    })
}

/// Frees a report. `pp_report_free(NULL)` does nothing.
#[unsafe(no_mangle)]
pub extern "C" fn pp_report_free(report: *const pp_report) {
    boundary_void(|| handle::arc_free(report));
}

super::symver::versions!("report.rs");
