//! File mode: `pp_run_se` and `pp_run_pe` run the engine on paths and return a report.

use std::ffi::c_char;
use std::path::PathBuf;

use super::boundary::{Failed, arg_opt_str, arg_str, boundary};
use super::handle::{try_box_ref, try_out};
use super::options::{Options, pp_options};
use super::pp_status;
use super::report::{Report, pp_report};
use crate::pipeline::{self, Control, Inputs, Outputs, run_watched};

/// Runs the engine with `o`'s settings, progress callback and cancel token, on this thread's
/// behalf (callbacks on this thread).
fn run(o: &Options, inputs: &Inputs, outputs: &Outputs) -> Result<*const pp_report, Failed> {
    let command = match inputs {
        Inputs::Single(p) => format!("panelprep trim -i {}", p.display()),
        Inputs::Interleaved(p) => format!("panelprep trim --interleaved_in -i {}", p.display()),
        Inputs::Paired(a, b) => format!("panelprep trim -i {} -I {}", a.display(), b.display()),
    };
    let control = Control::new();
    let p = &o.pipeline(inputs.layout())?;
    let summary = if o.watched() {
        run_watched(&control, o.interval(), &mut |c| o.watch(c), |c| {
            pipeline::run(p, inputs, outputs, c)
        })?
    } else {
        pipeline::run(p, inputs, outputs, &control)?
    };
    Ok(Report::into_c(summary, command))
}

fn out_path(p: Option<&str>) -> Option<PathBuf> {
    p.map(PathBuf::from)
}

/// Runs on one input file: single-end reads, or pairs when the options set `interleaved_in`.
///
/// - `in1`: the input path (plain, gzip or BGZF FASTQ, detected from the bytes; "-" = stdin).
/// - `out1`: the output path, or NULL to only validate and count ("-" = stdout). Written
///   under a temporary name and renamed when the whole run succeeded: after any failure or
///   cancellation no file exists under this name. Compressed (BGZF) when its name ends in
///   `.gz`, unless the options force a format. Interleaved pairs are written interleaved.
/// - `report_out`: receives the report on success (unchanged on failure).
///
/// Ownership: strings are borrowed for the call; the caller frees the report with
/// `pp_report_free`. Blocks until the run is done; worker threads are the run's own and are
/// stopped when it returns. The progress callback, if any, is called on the calling thread.
#[unsafe(no_mangle)]
pub extern "C" fn pp_run_se(
    options: *const pp_options,
    in1: *const c_char,
    out1: *const c_char,
    report_out: *mut *const pp_report,
) -> pp_status {
    boundary(|| {
        let o = try_box_ref!(options);
        let out = try_out!(report_out);
        let input = PathBuf::from(arg_str(in1, "in1")?);
        let inputs = if o.interleaved_in() {
            Inputs::Interleaved(input)
        } else {
            Inputs::Single(input)
        };
        let outputs = Outputs {
            out1: out_path(arg_opt_str(out1, "out1")?),
            ..Outputs::default()
        };
        *out = run(o, &inputs, &outputs)?;
        Ok(())
    })
}

/// Runs on paired-end reads in two files, `in1` (R1) and `in2` (R2), as `pp_run_se` does.
///
/// - `out1`, `out2`: R1 and R2 outputs. With `out2` NULL both mates go interleaved to `out1`;
///   with both NULL the run only validates and counts (`out2` without `out1` is an error).
///
/// Ownership, outputs on failure, threading: as for `pp_run_se`.
#[unsafe(no_mangle)]
pub extern "C" fn pp_run_pe(
    options: *const pp_options,
    in1: *const c_char,
    in2: *const c_char,
    out1: *const c_char,
    out2: *const c_char,
    report_out: *mut *const pp_report,
) -> pp_status {
    boundary(|| {
        let o = try_box_ref!(options);
        let out = try_out!(report_out);
        let inputs = Inputs::Paired(
            PathBuf::from(arg_str(in1, "in1")?),
            PathBuf::from(arg_str(in2, "in2")?),
        );
        let outputs = Outputs {
            out1: out_path(arg_opt_str(out1, "out1")?),
            out2: out_path(arg_opt_str(out2, "out2")?),
            ..Outputs::default()
        };
        *out = run(o, &inputs, &outputs)?;
        Ok(())
    })
}

super::symver::versions!("run.rs");
