//! `pp_coverage_*`: panel coverage of a BAM over a target BED, through the C ABI.

use std::ffi::c_char;
use std::path::{Path, PathBuf};

use super::boundary::{Failed, arg_opt_str, arg_str, boundary, boundary_void, string_to_c};
use super::handle::{self, ArcHandle, try_arc_ref, try_out};
use super::pp_status;
use crate::Error;
use crate::coverage::{self, CoverageReport, Preset};

/// The result of `pp_coverage_run`: per-target, per-gene and panel metrics.
///
/// Ownership: the caller frees it with `pp_coverage_report_free`. Immutable: may be read from
/// several threads at once.
pub struct pp_coverage_report {
    _private: [u8; 0],
}

impl ArcHandle for pp_coverage_report {
    type Target = CoverageReport;
}

/// Computes depth over the targets of `bed` from the coordinate-sorted `bam` (its `.bai` is
/// used when present) with the named `preset` (`"mosdepth"`, `"mosdepth-fast"` or
/// `"picard-hs"`; NULL = `"mosdepth"`) and `threads` inflate threads (0 = 2). When `prefix` is
/// not NULL the files of `panelprep coverage --prefix` are written too (all or none).
/// Stores a new report in `*report_out`.
///
/// Ownership: every string is borrowed for the call; the caller frees the report with
/// `pp_coverage_report_free`. Errors: `PP_STATUS_COVERAGE_ERROR` (bad BAM or BED, with file
/// and record or line in `pp_last_error_message()`), `PP_STATUS_INVALID_OPTION`.
#[unsafe(no_mangle)]
pub extern "C" fn pp_coverage_run(
    bam: *const c_char,
    bed: *const c_char,
    preset: *const c_char,
    threads: u32,
    prefix: *const c_char,
    report_out: *mut *const pp_coverage_report,
) -> pp_status {
    boundary(|| {
        let bam = PathBuf::from(arg_str(bam, "bam")?);
        let bed = PathBuf::from(arg_str(bed, "bed")?);
        let preset = Preset::parse(arg_opt_str(preset, "preset")?.unwrap_or("mosdepth"))
            .map_err(|e| Failed::with(pp_status::PP_STATUS_INVALID_OPTION, &e.to_string()))?;
        let prefix = arg_opt_str(prefix, "prefix")?.map(PathBuf::from);
        let out = try_out!(report_out);
        let mut opts = preset.options();
        opts.threads = if threads == 0 { 2 } else { threads as usize };
        let report = coverage::run(&opts, &bam, &bed).map_err(Error::from)?;
        if let Some(p) = prefix {
            coverage::write_outputs(&report, Path::new(&p)).map_err(Error::from)?;
        }
        *out = handle::arc_into(std::sync::Arc::new(report));
        Ok(())
    })
}

/// Writes the whole coverage report as JSON (the `PREFIX.coverage.json` of the CLI) to
/// `*json_out`. Ownership: the caller frees the string with `pp_string_free`.
#[unsafe(no_mangle)]
pub extern "C" fn pp_coverage_report_json(
    report: *const pp_coverage_report,
    json_out: *mut *mut c_char,
) -> pp_status {
    boundary(|| {
        let r = try_arc_ref!(report);
        let out = try_out!(json_out);
        let text = serde_json::to_string_pretty(r)
            .map_err(|e| Error::Internal(format!("coverage JSON: {e}")))?;
        *out = string_to_c(text)?;
        Ok(())
    })
}

/// Panel MEAN_TARGET_COVERAGE (mean depth over the unique target territory).
#[unsafe(no_mangle)]
pub extern "C" fn pp_coverage_report_mean(
    report: *const pp_coverage_report,
    value_out: *mut f64,
) -> pp_status {
    number(report, value_out, |r| Ok(r.panel.mean_target_coverage))
}

/// Panel MEDIAN_TARGET_COVERAGE.
#[unsafe(no_mangle)]
pub extern "C" fn pp_coverage_report_median(
    report: *const pp_coverage_report,
    value_out: *mut f64,
) -> pp_status {
    number(report, value_out, |r| Ok(r.panel.median_target_coverage))
}

/// Share (0-1) of target bases with depth of at least `threshold`; the threshold must be one
/// of the run's (default 20, 50, 100, 250, 500, 1000), else `PP_STATUS_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
pub extern "C" fn pp_coverage_report_pct_bases_at_least(
    report: *const pp_coverage_report,
    threshold: u32,
    value_out: *mut f64,
) -> pp_status {
    number(report, value_out, |r| {
        r.panel
            .pct_target_bases
            .iter()
            .find(|(k, _)| k.trim_end_matches(['x', 'X']).parse::<u32>() == Ok(threshold))
            .map(|(_, v)| *v)
            .ok_or_else(|| {
                Failed::with(
                    pp_status::PP_STATUS_INVALID_ARGUMENT,
                    &format!("threshold {threshold}x was not computed in this run"),
                )
            })
    })
}

/// Number of targets with no coverage at all.
#[unsafe(no_mangle)]
pub extern "C" fn pp_coverage_report_zero_coverage_targets(
    report: *const pp_coverage_report,
    value_out: *mut u64,
) -> pp_status {
    handle::get(report, value_out, |r| Ok(r.panel.zero_cvg_targets as u64))
}

/// Frees a coverage report; NULL is a no-op.
#[unsafe(no_mangle)]
pub extern "C" fn pp_coverage_report_free(report: *const pp_coverage_report) {
    boundary_void(|| handle::arc_free(report));
}

fn number(
    report: *const pp_coverage_report,
    value_out: *mut f64,
    get: impl FnOnce(&CoverageReport) -> Result<f64, Failed>,
) -> pp_status {
    handle::get(report, value_out, get)
}
