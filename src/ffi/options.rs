//! `pp_options`: every setting of a FASTQ run, set by a JSON object with the CLI's option
//! names (parsed by [`crate::settings::RunSettings`]) or by typed setters for the common ones.

use std::ffi::c_char;
use std::time::Duration;

use super::boundary::{Failed, arg_opt_str, arg_str, boundary, boundary_void, string_to_c};
use super::handle::{self, BoxHandle, try_box_mut, try_box_ref, try_out};
use super::logger::Logger;
use super::pp_status;
use super::progress::Progress;
use super::read_results::ReadResults;
use crate::Error;
use crate::pipeline::{Control, Inputs, Layout, PipelineOptions, ReadFiles, WorkerPool};
use crate::settings::RunSettings;

/// Options for a run (file mode or streaming). Create with `pp_options_new`, change with
/// `pp_options_set_json` or the typed `pp_options_set_*` functions, read back with
/// `pp_options_to_json`, pass to any number of runs, free with `pp_options_free`.
///
/// Threading: a `pp_options` may be read by several runs on several threads at once, but must
/// not be changed (setters, free) while any call uses it. Runs copy what they need at their
/// start, so changing options affects later runs only.
pub struct pp_options {
    _private: [u8; 0],
}

/// The Rust side of `pp_options`: the settings (every key of the JSON form) and the run
/// control attached to them.
#[derive(Debug, Clone, Default)]
pub(crate) struct Options {
    pub(crate) settings: RunSettings,
    pub(crate) progress: Option<Progress>,
    pub(crate) cancel: Option<Control>,
    /// Cap on the bytes a streaming session queues (`pp_options_set_memory_limit`).
    pub(crate) memory_limit: Option<usize>,
    /// Where the run's messages go (`pp_options_set_log_callback`).
    pub(crate) log: Option<Logger>,
    /// The shared worker pool (`pp_options_set_pool`).
    pub(crate) pool: Option<WorkerPool>,
    /// Where per-read results go (`pp_options_set_read_results_callback`).
    pub(crate) read_results: Option<ReadResults>,
}

impl BoxHandle for pp_options {
    type Target = Options;
}

impl Options {
    /// Polls the cancel token and reports progress; `false` means cancel.
    pub(crate) fn watch(&self, control: &Control) -> bool {
        if !self.flush_log(control) {
            return false;
        }
        if self.cancel.as_ref().is_some_and(Control::is_cancelled) {
            return false;
        }
        self.progress.is_none_or(|p| p.report(control))
    }

    /// Hands the run's queued messages and read results to their callbacks, if any (caller's
    /// thread); `false` when the read results callback asks to cancel.
    pub(crate) fn flush_log(&self, control: &Control) -> bool {
        if let Some(l) = &self.log {
            l.drain(control.log());
        }
        match &self.read_results {
            Some(r) => r.deliver(&control.take_read_results()),
            None => true,
        }
    }

    /// True when runs need a watcher (a progress callback, a cancel token, a log callback).
    pub(crate) fn watched(&self) -> bool {
        self.progress.is_some()
            || self.cancel.is_some()
            || self.log.is_some()
            || self.read_results.is_some()
    }

    pub(crate) fn interval(&self) -> Duration {
        self.progress
            .map_or(Duration::from_millis(20), |p| p.interval)
    }

    /// True when one input holds interleaved pairs.
    pub(crate) fn interleaved_in(&self) -> bool {
        self.settings.engine.interleaved_in
    }

    /// The inputs of a file run on `reads`: with the settings' UMI index file.
    pub(crate) fn inputs(&self, reads: ReadFiles) -> Inputs {
        self.settings.inputs(reads)
    }

    /// The engine options of a run on input laid out as `layout`.
    pub(crate) fn pipeline(&self, layout: Layout) -> Result<PipelineOptions, Error> {
        let mut p = self.settings.pipeline_options(layout)?;
        p.pool = self.pool.clone();
        p.read_results = self.read_results.is_some();
        Ok(p)
    }
}

/// Applies `change` to a copy of the settings, checks them and only then stores them: a
/// failed setter leaves the options unchanged.
fn update(options: *mut pp_options, change: impl FnOnce(&mut RunSettings)) -> Result<(), Failed> {
    let o = try_box_mut!(options);
    let mut next = o.settings.clone();
    change(&mut next);
    next.check()?;
    o.settings = next;
    Ok(())
}

/// Creates options with the defaults (those of `panelprep trim`: fastp's trimming and
/// filtering, 2 threads, compression level 4, Phred+33, output compressed when its name ends
/// in `.gz`, empty input is an error) and stores them in `*options_out`.
///
/// Ownership: the caller owns the new options and frees them with `pp_options_free`.
#[unsafe(no_mangle)]
pub extern "C" fn pp_options_new(options_out: *mut *mut pp_options) -> pp_status {
    boundary(|| {
        let out = try_out!(options_out);
        *out = handle::box_into(Options::default());
        Ok(())
    })
}

/// Frees options. `pp_options_free(NULL)` does nothing. Runs that already started are not
/// affected.
#[unsafe(no_mangle)]
pub extern "C" fn pp_options_free(options: *mut pp_options) {
    boundary_void(|| handle::box_free(options));
}

/// Sets options from a JSON object whose keys are the long option names of `panelprep trim`
/// (`-` and `_` alike); keys not given keep their current value. Example:
/// `{"thread": 4, "adapter_sequence": "AGATCGGAAGAGC", "cut_tail": true, "length_required": 30}`.
///
/// Keys: every trimming, filtering and UMI option of the CLI, with its values and defaults
/// (fastp's; the README's options table, `panelprep trim --help`), e.g. `adapter_sequence`,
/// `adapter_fasta`, `adapter_preset`, `cut_front`, `cut_tail_window_size`, `trim_poly_g`,
/// `trim_poly_x`, `quality_cutoff` (`"FRONT,BACK"` or a number), `length_required`, `umi`,
/// `umi_loc`, `umi_len`; and the engine keys `thread` (1-256), `compression` (0-12),
/// `phred64`, `allow_empty`, `interleaved_in`, `passthrough` (no trimming, no filtering),
/// `compress` (`true`: always BGZF, `false`: always plain, `null`: by output name in file
/// mode, plain in streaming mode), `batch_bytes`, `max_record_bytes`, `stats` (collect the QC
/// statistics of the report; default true), `checksums` (MD5 and SHA-256 of every input and
/// output; default false). `pp_options_to_json` lists every key with its value. Options with
/// a value (`"cut_tail_window_size"`) take `null` for "not given".
///
/// An unknown key, a value of the wrong type, out of range or contradicting another gives
/// `PP_STATUS_INVALID_OPTION` with a `pp_last_error_message()` naming the key, and leaves
/// the options unchanged. `json` is borrowed for the call only.
#[unsafe(no_mangle)]
pub extern "C" fn pp_options_set_json(options: *mut pp_options, json: *const c_char) -> pp_status {
    boundary(|| {
        let text = arg_str(json, "json")?;
        try_box_mut!(options).settings.set_json(text)?;
        Ok(())
    })
}

/// Writes the current options as a JSON object (every key of `pp_options_set_json` with its
/// value; passing it back to `pp_options_set_json` changes nothing) to `*json_out`.
///
/// Ownership: the caller owns the string and frees it with `pp_string_free`.
#[unsafe(no_mangle)]
pub extern "C" fn pp_options_to_json(
    options: *const pp_options,
    json_out: *mut *mut c_char,
) -> pp_status {
    boundary(|| {
        let o = try_box_ref!(options);
        let out = try_out!(json_out);
        *out = string_to_c(o.settings.to_json()?)?;
        Ok(())
    })
}

/// Sets the number of worker threads (1-256; default 2) of each run using these options. Each
/// run starts its own threads, which exit when it is over (streaming: when the session is
/// finished or freed).
#[unsafe(no_mangle)]
pub extern "C" fn pp_options_set_threads(options: *mut pp_options, threads: u32) -> pp_status {
    boundary(|| update(options, |s| s.engine.thread = threads as usize))
}

/// Sets the BGZF compression level of compressed output (0-12, libdeflate levels; 1-9 as
/// gzip; default 4).
#[unsafe(no_mangle)]
pub extern "C" fn pp_options_set_compression_level(
    options: *mut pp_options,
    level: u32,
) -> pp_status {
    boundary(|| update(options, |s| s.engine.compression = level))
}

/// Forces compressed (BGZF, readable by any gzip reader) output when `compress` is true, plain
/// output when false. Without this call, file mode compresses outputs whose names end in
/// `.gz` and streaming mode writes plain FASTQ (JSON `"compress": null` restores that).
#[unsafe(no_mangle)]
pub extern "C" fn pp_options_set_compress(options: *mut pp_options, compress: bool) -> pp_status {
    boundary(|| update(options, |s| s.engine.compress = Some(compress)))
}

/// Declares the input qualities Phred+64 (they are written as Phred+33). Default false.
#[unsafe(no_mangle)]
pub extern "C" fn pp_options_set_phred64(options: *mut pp_options, phred64: bool) -> pp_status {
    boundary(|| update(options, |s| s.engine.phred64 = phred64))
}

/// Accepts an input without any record (an error by default). Default false.
#[unsafe(no_mangle)]
pub extern "C" fn pp_options_set_allow_empty(options: *mut pp_options, allow: bool) -> pp_status {
    boundary(|| update(options, |s| s.engine.allow_empty = allow))
}

/// Declares that a single input holds pairs, R1 and R2 alternating (`pp_run_se` and one-input
/// streams then run paired). Default false.
#[unsafe(no_mangle)]
pub extern "C" fn pp_options_set_interleaved_in(
    options: *mut pp_options,
    interleaved: bool,
) -> pp_status {
    boundary(|| update(options, |s| s.engine.interleaved_in = interleaved))
}

/// Collects the QC statistics behind `pp_report_json` and the `pp_report_*_out` numbers
/// (default true; false is faster and leaves only the counts of `pp_report_summary_json`).
#[unsafe(no_mangle)]
pub extern "C" fn pp_options_set_stats(options: *mut pp_options, stats: bool) -> pp_status {
    boundary(|| update(options, |s| s.engine.stats = stats))
}

/// Computes MD5 and SHA-256 of every input (as stored) and output (as written) while the bytes
/// stream through; they appear in `pp_report_summary_json`. Default false.
#[unsafe(no_mangle)]
pub extern "C" fn pp_options_set_checksums(options: *mut pp_options, checksums: bool) -> pp_status {
    boundary(|| update(options, |s| s.engine.checksums = checksums))
}

/// Validates and copies reads only, without trimming or filtering, when `passthrough` is
/// true (JSON `passthrough`). Default false.
#[unsafe(no_mangle)]
pub extern "C" fn pp_options_set_passthrough(
    options: *mut pp_options,
    passthrough: bool,
) -> pp_status {
    boundary(|| update(options, |s| s.engine.passthrough = passthrough))
}

/// Sets the read 1 adapter (JSON `adapter_sequence`, fastp `-a`); NULL or `"auto"` restores
/// the default: detected from the first reads of single-end files. `adapter` is borrowed for
/// the call only.
#[unsafe(no_mangle)]
pub extern "C" fn pp_options_set_adapter_sequence(
    options: *mut pp_options,
    adapter: *const c_char,
) -> pp_status {
    boundary(|| {
        let a = arg_opt_str(adapter, "adapter")?
            .unwrap_or("auto")
            .to_string();
        update(options, |s| s.trim.adapter_sequence = a)
    })
}

/// Sets the read 2 adapter (JSON `adapter_sequence_r2`); NULL or `"auto"` restores the
/// default (none, unless `detect_adapter_for_pe`). `adapter` is borrowed for the call only.
#[unsafe(no_mangle)]
pub extern "C" fn pp_options_set_adapter_sequence_r2(
    options: *mut pp_options,
    adapter: *const c_char,
) -> pp_status {
    boundary(|| {
        let a = arg_opt_str(adapter, "adapter")?
            .unwrap_or("auto")
            .to_string();
        update(options, |s| s.trim.adapter_sequence_r2 = a)
    })
}

/// Sets the minimum read length after trimming (JSON `length_required`, fastp `-l`; shorter
/// reads are dropped). Default 15.
#[unsafe(no_mangle)]
pub extern "C" fn pp_options_set_length_required(
    options: *mut pp_options,
    length: u32,
) -> pp_status {
    boundary(|| update(options, |s| s.trim.length_required = length as usize))
}

/// Forces poly-G trimming on when `trim_poly_g` is true (JSON `trim_poly_g`, fastp `-g`);
/// false restores the default: on for two-colour instruments (NextSeq, NovaSeq...), detected
/// from the read names. JSON `disable_trim_poly_g` turns it off.
#[unsafe(no_mangle)]
pub extern "C" fn pp_options_set_trim_poly_g(
    options: *mut pp_options,
    trim_poly_g: bool,
) -> pp_status {
    boundary(|| update(options, |s| s.trim.trim_poly_g = trim_poly_g))
}

super::symver::versions!("options.rs");
