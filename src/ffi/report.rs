//! `pp_report`: the result of a run, as JSON and as numbers.

use std::ffi::c_char;

use super::boundary::{boundary, boundary_void, string_to_c};
use super::handle::{self, ArcHandle, try_arc_ref, try_out};
use super::pp_status;
use crate::Error;
use crate::pipeline::Summary;

/// The result of a successful run (file mode or streaming): what was read and written.
///
/// Ownership: returned by `pp_run_se`, `pp_run_pe` and `pp_stream_finish`; the caller frees it
/// with `pp_report_free`. Immutable: may be read from several threads at once.
pub struct pp_report {
    _private: [u8; 0],
}

/// The Rust side of `pp_report`.
#[derive(Debug)]
pub(crate) struct Report {
    summary: Summary,
}

impl ArcHandle for pp_report {
    type Target = Report;
}

impl Report {
    /// Hands C a new report.
    pub(crate) fn into_c(summary: Summary) -> *const pp_report {
        handle::arc_into(std::sync::Arc::new(Report { summary }))
    }
}

fn getter(
    report: *const pp_report,
    value_out: *mut u64,
    get: impl FnOnce(&Summary) -> u64,
) -> pp_status {
    boundary(|| {
        let r = try_arc_ref!(report);
        let out = try_out!(value_out);
        *out = get(&r.summary);
        Ok(())
    })
}

/// Writes the report as a JSON object to `*json_out`: `inputs` (path, detected `format`,
/// `records`, `bases` per input), `outputs` (path, `records`, uncompressed `raw_bytes`, written
/// `disk_bytes`, `compressed` per output; streaming outputs are named `<output 1>`,
/// `<output 2>`) and `paired`.
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
        let text = serde_json::to_string(&r.summary)
            .map_err(|e| Error::Internal(format!("report JSON: {e}")))?;
        *out = string_to_c(text)?;
        Ok(())
    })
}

/// Records read, over all inputs (each mate of a pair counts as one record).
#[unsafe(no_mangle)]
pub extern "C" fn pp_report_reads_in(report: *const pp_report, value_out: *mut u64) -> pp_status {
    getter(report, value_out, |s| {
        s.inputs.iter().map(|i| i.records).sum()
    })
}

/// Bases read, over all inputs.
#[unsafe(no_mangle)]
pub extern "C" fn pp_report_bases_in(report: *const pp_report, value_out: *mut u64) -> pp_status {
    getter(report, value_out, |s| {
        s.inputs.iter().map(|i| i.bases).sum()
    })
}

/// Records written, over all outputs (0 when the output was discarded).
#[unsafe(no_mangle)]
pub extern "C" fn pp_report_reads_out(report: *const pp_report, value_out: *mut u64) -> pp_status {
    getter(report, value_out, |s| {
        s.outputs.iter().map(|o| o.records).sum()
    })
}

/// Bytes written, over all outputs, as stored (compressed size for BGZF output).
#[unsafe(no_mangle)]
pub extern "C" fn pp_report_bytes_out(report: *const pp_report, value_out: *mut u64) -> pp_status {
    getter(report, value_out, |s| {
        s.outputs.iter().map(|o| o.disk_bytes).sum()
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
