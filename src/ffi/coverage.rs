//! `pp_coverage_*`: panel coverage of a BAM over a target BED, through the C ABI.

use std::ffi::c_char;
use std::path::PathBuf;

use super::boundary::{Failed, arg_opt_str, arg_str, boundary, boundary_void, string_to_c};
use super::handle::{self, ArcHandle, BoxHandle, try_arc_ref, try_box_mut, try_box_ref, try_out};
use super::logger::{Logger, pp_log_callback};
use super::options_control::pp_cancel_token;
use super::pp_status;
use crate::Error;
use crate::coverage::{self, CoverageFiles, CoverageOptions, CoverageReport};
use crate::pipeline::Control;
use crate::settings::CoverageSettings;

/// Options of a coverage run: the options of `panelprep coverage` besides its paths. Create
/// with `pp_coverage_options_new`, set with `pp_coverage_options_set_json`, read back with
/// `pp_coverage_options_to_json`, pass to any number of `pp_coverage_run_with_options` calls,
/// free with `pp_coverage_options_free`.
///
/// Threading: may be read by several runs on several threads at once, but must not be
/// changed (set, free) while any call uses it.
pub struct pp_coverage_options {
    _private: [u8; 0],
}

/// The Rust side of `pp_coverage_options`: the settings and the cancel token.
#[derive(Default)]
pub(crate) struct CoverageOptionsC {
    settings: CoverageSettings,
    cancel: Option<Control>,
    log: Option<Logger>,
}

impl BoxHandle for pp_coverage_options {
    type Target = CoverageOptionsC;
}

/// The result of `pp_coverage_run` and `pp_coverage_run_with_options`: per-target, per-gene
/// and panel metrics.
///
/// Ownership: the caller frees it with `pp_coverage_report_free`. Immutable: may be read from
/// several threads at once.
pub struct pp_coverage_report {
    _private: [u8; 0],
}

impl ArcHandle for pp_coverage_report {
    type Target = CoverageReport;
}

/// Creates coverage options with the defaults of `panelprep coverage` (the `mosdepth`
/// preset, 2 threads, thresholds 20,50,100,250,500,1000, low coverage below 100x, scan
/// `auto`, no gate) and stores them in `*options_out`.
///
/// Ownership: the caller owns the new options and frees them with `pp_coverage_options_free`.
#[unsafe(no_mangle)]
pub extern "C" fn pp_coverage_options_new(options_out: *mut *mut pp_coverage_options) -> pp_status {
    boundary(|| {
        let out = try_out!(options_out);
        *out = handle::box_into(CoverageOptionsC::default());
        Ok(())
    })
}

/// Frees coverage options. `pp_coverage_options_free(NULL)` does nothing.
#[unsafe(no_mangle)]
pub extern "C" fn pp_coverage_options_free(options: *mut pp_coverage_options) {
    boundary_void(|| handle::box_free(options));
}

/// Sets coverage options from a JSON object whose keys are the long option names of
/// `panelprep coverage` (`-` and `_` alike); keys not given keep their current value. Keys:
/// `preset` (`"mosdepth"`, `"mosdepth-fast"`, `"picard-hs"`), `threads`, `fast_mode`,
/// `fragment_mode`, `mate_overlap` (`"count-both"`, `"mosdepth"`, `"picard-clip"`),
/// `thresholds` (array of depths), `flag`, `include_flag`, `mapq`, `base_quality`,
/// `low_coverage`, `scan` (`"auto"`, `"full"`, `"index"`), `gate` (array of
/// `"METRIC>=VALUE"` / `"METRIC<=VALUE"`); `null` means "from the preset" for `mate_overlap`,
/// `thresholds`, `flag`, `include_flag`, `mapq` and `base_quality`. Example:
/// `{"preset": "picard-hs", "thresholds": [50, 100], "gate": ["median_target_coverage>=100"]}`.
///
/// An unknown key, a value of the wrong type or an invalid value gives
/// `PP_STATUS_INVALID_OPTION` with a `pp_last_error_message()` naming the key, and leaves the
/// options unchanged. `json` is borrowed for the call only.
#[unsafe(no_mangle)]
pub extern "C" fn pp_coverage_options_set_json(
    options: *mut pp_coverage_options,
    json: *const c_char,
) -> pp_status {
    boundary(|| {
        let text = arg_str(json, "json")?;
        try_box_mut!(options).settings.set_json(text)?;
        Ok(())
    })
}

/// Writes the current coverage options as a JSON object (every key of
/// `pp_coverage_options_set_json` with its value) to `*json_out`.
///
/// Ownership: the caller owns the string and frees it with `pp_string_free`.
#[unsafe(no_mangle)]
pub extern "C" fn pp_coverage_options_to_json(
    options: *const pp_coverage_options,
    json_out: *mut *mut c_char,
) -> pp_status {
    boundary(|| {
        let o = try_box_ref!(options);
        let out = try_out!(json_out);
        *out = string_to_c(o.settings.to_json()?)?;
        Ok(())
    })
}

/// Attaches a cancel token to the coverage options (NULL detaches it): runs using these
/// options (`pp_coverage_run_with_options`) stop with `PP_STATUS_CANCELLED` soon after the
/// token is cancelled (it is looked at every 4,096 BAM records and between the steps of the
/// run), write no file under `prefix` and store no report. A token cancelled before the run
/// starts stops it at once.
///
/// Ownership: the options take their own reference to the token; the caller keeps its handle
/// and frees it independently (`pp_cancel_token_free`).
#[unsafe(no_mangle)]
pub extern "C" fn pp_coverage_options_set_cancel_token(
    options: *mut pp_coverage_options,
    token: *const pp_cancel_token,
) -> pp_status {
    boundary(|| {
        let token = handle::arc_ref(token).cloned();
        try_box_mut!(options).cancel = token;
        Ok(())
    })
}

/// Sets (or with a NULL `callback`, removes) the log callback of coverage runs using these
/// options: the report's warnings (`PP_LOG_WARNING`: BED contigs missing from the BAM,
/// targets clipped at a contig's end, a header's sort order) as soon as they are known, on
/// the calling thread inside `pp_coverage_run_with_options` (see `pp_log_callback`).
/// Ownership: `userdata` is passed back untouched; keep it valid while runs use the options.
#[unsafe(no_mangle)]
pub extern "C" fn pp_coverage_options_set_log_callback(
    options: *mut pp_coverage_options,
    callback: pp_log_callback,
    userdata: *mut std::ffi::c_void,
) -> pp_status {
    boundary(|| {
        try_box_mut!(options).log = Logger::new(callback, userdata);
        Ok(())
    })
}

/// Converts the arguments, runs [`coverage::run_on_files`] (as `panelprep coverage` does) and
/// stores the report: the body of both entry points. `cancel` stops the run (nothing written,
/// no report); the log's messages go to `logger` on this thread while the run goes on.
fn run(
    opts: &CoverageOptions,
    cancel: Option<&Control>,
    logger: Option<&Logger>,
    bam: *const c_char,
    bed: *const c_char,
    prefix: *const c_char,
    report_out: *mut *const pp_coverage_report,
) -> Result<(), Failed> {
    let files = CoverageFiles {
        bam: PathBuf::from(arg_str(bam, "bam")?),
        targets: PathBuf::from(arg_str(bed, "bed")?),
        prefix: arg_opt_str(prefix, "prefix")?.map(PathBuf::from),
    };
    let out = try_out!(report_out);
    let log = crate::log::Log::new();
    // Asked on this thread while the run goes on: the place to hand over its messages too.
    let cancelled = || {
        if let Some(l) = logger {
            l.drain(&log);
        }
        cancel.is_some_and(Control::is_cancelled)
    };
    let result = coverage::run_on_files(opts, &files, &cancelled, &log);
    if let Some(l) = logger {
        l.drain(&log);
    }
    let report = result.map_err(Error::from)?;
    *out = handle::arc_into(std::sync::Arc::new(report));
    Ok(())
}

/// The settings' library options; an invalid setting is `PP_STATUS_INVALID_OPTION`.
fn options_of(s: &CoverageSettings) -> Result<CoverageOptions, Failed> {
    s.to_options()
        .map_err(|e| Failed::with(pp_status::PP_STATUS_INVALID_OPTION, &e.to_string()))
}

/// Computes depth over the targets of `bed` from the coordinate-sorted `bam` (its `.bai` is
/// used when present) with the named `preset` (`"mosdepth"`, `"mosdepth-fast"` or
/// `"picard-hs"`; NULL = `"mosdepth"`) and `threads` inflate threads (0 = 2). When `prefix` is
/// not NULL the files of `panelprep coverage --prefix` are written too (all or none).
/// Stores a new report in `*report_out`. `pp_coverage_run_with_options` takes every option.
///
/// Ownership: every string is borrowed for the call; the caller frees the report with
/// `pp_coverage_report_free`. Errors: `PP_STATUS_COVERAGE_ERROR` (bad BAM or BED, with file
/// and record or line in `pp_last_error_message()`), `PP_STATUS_INVALID_OPTION`.
/// As in `panelprep coverage`, a `prefix` whose files would replace an input (the BAM, the BED
/// or an index) is refused before anything is read (`PP_STATUS_IO_ERROR`).
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
        let mut settings = CoverageSettings::default();
        if let Some(p) = arg_opt_str(preset, "preset")? {
            settings.preset = p.parse()?;
        }
        if threads > 0 {
            settings.threads = threads as usize;
        }
        run(
            &options_of(&settings)?,
            None,
            None,
            bam,
            bed,
            prefix,
            report_out,
        )
    })
}

/// Computes depth over the targets of `bed` from the coordinate-sorted `bam` (its `.bai` is
/// used when present) with `options` (see `pp_coverage_options_set_json`), as
/// `panelprep coverage` does with the same options. When `prefix` is not NULL the files of
/// `panelprep coverage --prefix` are written too (all or none). Stores a new report in
/// `*report_out`. A failed QC gate is not an error: see `pp_coverage_report_gate`.
///
/// Ownership: `options` and every string are borrowed for the call; the caller frees the
/// report with `pp_coverage_report_free`. Errors: `PP_STATUS_NULL_ARGUMENT` (`bam`, `bed`,
/// `options` or `report_out` NULL), `PP_STATUS_COVERAGE_ERROR` (bad BAM or BED, with file and
/// record or line in `pp_last_error_message()`; an index scan without a BAI),
/// `PP_STATUS_INVALID_OPTION`, `PP_STATUS_CANCELLED` (the options' cancel token, see
/// `pp_coverage_options_set_cancel_token`: no file written, `*report_out` unchanged).
/// As in `panelprep coverage`, a `prefix` whose files would replace an input (the BAM, the BED
/// or an index) is refused before anything is read (`PP_STATUS_IO_ERROR`).
#[unsafe(no_mangle)]
pub extern "C" fn pp_coverage_run_with_options(
    bam: *const c_char,
    bed: *const c_char,
    options: *const pp_coverage_options,
    prefix: *const c_char,
    report_out: *mut *const pp_coverage_report,
) -> pp_status {
    boundary(|| {
        let o = try_box_ref!(options);
        let opts = options_of(&o.settings)?;
        run(
            &opts,
            o.cancel.as_ref(),
            o.log.as_ref(),
            bam,
            bed,
            prefix,
            report_out,
        )
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
        r.pct_bases_at_least(threshold).ok_or_else(|| {
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

/// The QC gate's verdict: 1 when every `gate` limit of the options passed, 0 when one
/// failed (the report JSON's `gate.rows` says which), -1 when the run had no gate limits.
#[unsafe(no_mangle)]
pub extern "C" fn pp_coverage_report_gate(
    report: *const pp_coverage_report,
    value_out: *mut i32,
) -> pp_status {
    handle::get(report, value_out, |r| {
        Ok(r.gate.as_ref().map_or(-1, |g| i32::from(g.pass)))
    })
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

super::symver::versions!("coverage.rs");
