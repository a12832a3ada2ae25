//! `pp_options`: every setting of a run, set by typed setters or by a JSON object with the
//! CLI's option names; plus the cancel token.

use std::ffi::{c_char, c_int, c_void};
use std::time::Duration;

use serde::Deserialize;

use super::boundary::{Failed, arg_str, boundary, boundary_void, string_to_c};
use super::handle::{self, ArcHandle, BoxHandle, try_arc_ref, try_box_mut, try_box_ref, try_out};
use super::pp_status;
use crate::Error;
use crate::pipeline::{Control, PipelineOptions};

/// Options for a run (file mode or streaming). Create with `pp_options_new`, change with the
/// `pp_options_set_*` functions, pass to any number of runs, free with `pp_options_free`.
///
/// Threading: a `pp_options` may be read by several runs on several threads at once, but must
/// not be changed (setters, free) while any call uses it. Runs copy what they need at their
/// start, so changing options affects later runs only.
pub struct pp_options {
    _private: [u8; 0],
}

/// A cancellation flag that can be set from any thread. Attach it to options with
/// `pp_options_set_cancel_token`; every run using those options (file mode or streaming)
/// stops with `PP_STATUS_CANCELLED` soon after `pp_cancel_token_cancel`, including runs that
/// start later: use a new token for each run you may want to cancel.
///
/// Ownership: reference-counted; options hold their own reference, so the caller may free its
/// handle at any time with `pp_cancel_token_free`.
/// Threading: all functions taking a `const pp_cancel_token *` may be called from any thread.
pub struct pp_cancel_token {
    _private: [u8; 0],
}

/// Progress callback: `records` (mates count as one each) and uncompressed input `bytes`
/// processed so far. Return 0 to continue, non-zero to cancel the run (it then returns
/// `PP_STATUS_CANCELLED`).
///
/// Called on the thread that made the `pp_` call (`pp_run_*`, `pp_stream_push`,
/// `pp_stream_finish`), never concurrently, never after that call returned: once at the start,
/// then about every interval, and once after a successful run with the final numbers. It must
/// not call `pp_` functions on the session it reports on, nor throw or longjmp.
pub type pp_progress_callback =
    Option<unsafe extern "C" fn(userdata: *mut c_void, records: u64, bytes: u64) -> c_int>;

/// A progress callback with its context.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Progress {
    callback: unsafe extern "C" fn(*mut c_void, u64, u64) -> c_int,
    userdata: *mut c_void,
    pub(crate) interval: Duration,
}

impl Progress {
    /// Reports `control`'s counters; `false` when the callback asks to cancel.
    pub(crate) fn report(&self, control: &Control) -> bool {
        // SAFETY: the caller registered a valid function and promises `userdata` stays valid
        // while the options are used; we call it on the caller's thread only.
        unsafe { (self.callback)(self.userdata, control.records(), control.bytes()) == 0 }
    }
}

/// The Rust side of `pp_options`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Options {
    pub(crate) pipeline: PipelineOptions,
    pub(crate) interleaved_in: bool,
    pub(crate) progress: Option<Progress>,
    pub(crate) cancel: Option<Control>,
}

impl BoxHandle for pp_options {
    type Target = Options;
}

impl ArcHandle for pp_cancel_token {
    type Target = Control;
}

impl Options {
    /// Polls the cancel token and reports progress; `false` means cancel.
    pub(crate) fn watch(&self, control: &Control) -> bool {
        if self.cancel.as_ref().is_some_and(Control::is_cancelled) {
            return false;
        }
        self.progress.is_none_or(|p| p.report(control))
    }

    /// True when runs need a watcher (a progress callback or a cancel token).
    pub(crate) fn watched(&self) -> bool {
        self.progress.is_some() || self.cancel.is_some()
    }

    pub(crate) fn interval(&self) -> Duration {
        self.progress
            .map_or(Duration::from_millis(20), |p| p.interval)
    }
}

/// The JSON form of the options: keys are the CLI's long option names (`-` or `_`), every key
/// optional. `compress` takes `true`, `false` or `null` (decide by output name).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonOptions {
    #[serde(alias = "threads")]
    thread: Option<usize>,
    #[serde(alias = "compression_level")]
    compression: Option<u32>,
    phred64: Option<bool>,
    #[serde(alias = "allow-empty")]
    allow_empty: Option<bool>,
    #[serde(alias = "interleaved-in", alias = "interleaved")]
    interleaved_in: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    compress: Option<Option<bool>>,
    #[serde(alias = "batch-bytes")]
    batch_bytes: Option<usize>,
    #[serde(alias = "max-record-bytes")]
    max_record_bytes: Option<usize>,
    stats: Option<bool>,
    checksums: Option<bool>,
    /// Validate and copy only: no trimming, no filtering.
    passthrough: Option<bool>,
    /// Read 1 adapter (fastp `--adapter_sequence`).
    adapter_sequence: Option<String>,
    /// Read 2 adapter (fastp `--adapter_sequence_r2`).
    adapter_sequence_r2: Option<String>,
    /// fastp `-A`.
    disable_adapter_trimming: Option<bool>,
    /// fastp `-q` (default 15).
    qualified_quality_phred: Option<u8>,
    /// fastp `-l` (default 15).
    length_required: Option<usize>,
    /// fastp `-n` (default 5).
    n_base_limit: Option<usize>,
}

/// A key that is present: `Some(value)`, where `null` is `Some(None)`.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<bool>>, D::Error> {
    Option::<bool>::deserialize(d).map(Some)
}

impl JsonOptions {
    fn apply(self, o: &mut Options) {
        let p = &mut o.pipeline;
        let JsonOptions {
            thread,
            compression,
            phred64,
            allow_empty,
            interleaved_in,
            compress,
            batch_bytes,
            max_record_bytes,
            stats,
            checksums,
            passthrough,
            adapter_sequence,
            adapter_sequence_r2,
            disable_adapter_trimming,
            qualified_quality_phred,
            length_required,
            n_base_limit,
        } = self;
        match passthrough {
            Some(true) => {
                p.trim = None;
                p.filter = None;
                p.detect_adapter = [false; 2];
            }
            Some(false) if p.trim.is_none() => {
                let d = PipelineOptions::default();
                (p.trim, p.filter, p.detect_adapter) = (d.trim, d.filter, d.detect_adapter);
            }
            _ => {}
        }
        if let Some(t) = p.trim.as_mut() {
            let seq = |s: String| {
                Some(s.into_bytes().to_ascii_uppercase()).filter(|s| !s.is_empty() && s != b"AUTO")
            };
            if let Some(a) = adapter_sequence {
                t.adapter_r1 = seq(a);
            }
            if let Some(a) = adapter_sequence_r2 {
                t.adapter_r2 = seq(a);
            }
            if let Some(d) = disable_adapter_trimming {
                t.adapter_trimming = !d;
            }
        }
        if let Some(f) = p.filter.as_mut() {
            f.qualified_quality_phred =
                qualified_quality_phred.unwrap_or(f.qualified_quality_phred);
            f.length_required = length_required.unwrap_or(f.length_required);
            f.n_base_limit = n_base_limit.unwrap_or(f.n_base_limit);
        }
        p.threads = thread.unwrap_or(p.threads);
        p.compression_level = compression.unwrap_or(p.compression_level);
        p.phred64 = phred64.unwrap_or(p.phred64);
        p.allow_empty = allow_empty.unwrap_or(p.allow_empty);
        p.compress = compress.unwrap_or(p.compress);
        p.batch_bytes = batch_bytes.unwrap_or(p.batch_bytes);
        p.max_record_bytes = max_record_bytes.unwrap_or(p.max_record_bytes);
        p.stats = stats.unwrap_or(p.stats);
        p.checksums = checksums.unwrap_or(p.checksums);
        o.interleaved_in = interleaved_in.unwrap_or(o.interleaved_in);
    }
}

fn to_json(o: &Options) -> String {
    let p = &o.pipeline;
    serde_json::json!({
        "thread": p.threads,
        "compression": p.compression_level,
        "phred64": p.phred64,
        "allow_empty": p.allow_empty,
        "interleaved_in": o.interleaved_in,
        "compress": p.compress,
        "batch_bytes": p.batch_bytes,
        "max_record_bytes": p.max_record_bytes,
        "stats": p.stats,
        "checksums": p.checksums,
        "passthrough": p.trim.is_none() && p.filter.is_none(),
        "adapter_sequence": p.trim.as_ref().and_then(|t| t.adapter_r1.as_ref()).map(|a| String::from_utf8_lossy(a).into_owned()),
        "adapter_sequence_r2": p.trim.as_ref().and_then(|t| t.adapter_r2.as_ref()).map(|a| String::from_utf8_lossy(a).into_owned()),
        "disable_adapter_trimming": p.trim.as_ref().is_some_and(|t| !t.adapter_trimming),
        "qualified_quality_phred": p.filter.as_ref().map(|f| f.qualified_quality_phred),
        "length_required": p.filter.as_ref().map(|f| f.length_required),
        "n_base_limit": p.filter.as_ref().map(|f| f.n_base_limit),
    })
    .to_string()
}

/// Applies `change` to a copy of the options, validates it and only then stores it: a failed
/// setter leaves the options unchanged.
fn update(options: *mut pp_options, change: impl FnOnce(&mut Options)) -> Result<(), Failed> {
    let o = try_box_mut!(options);
    let mut next = o.clone();
    change(&mut next);
    next.pipeline.validate()?;
    *o = next;
    Ok(())
}

/// Creates options with the defaults (those of the CLI: 2 threads, compression level 4,
/// Phred+33, output compressed when its name ends in `.gz`, empty input is an error) and
/// stores them in `*options_out`.
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

/// Sets options from a JSON object whose keys are the CLI's long option names; keys not given
/// keep their current value. Keys: `thread` (1-256), `compression` (0-12), `phred64`,
/// `allow_empty`, `interleaved_in`, `compress` (`true`: always BGZF, `false`: always plain,
/// `null`: by output name in file mode, plain in streaming mode), `batch_bytes`,
/// `max_record_bytes`, `stats` (collect the QC statistics of the report; default true),
/// `checksums` (MD5 and SHA-256 of every input and output; default false). Example:
/// `{"thread": 4, "compression": 6}`.
///
/// An unknown key, a value of the wrong type or out of range gives `PP_STATUS_INVALID_OPTION`
/// and leaves the options unchanged. `json` is borrowed for the call only.
#[unsafe(no_mangle)]
pub extern "C" fn pp_options_set_json(options: *mut pp_options, json: *const c_char) -> pp_status {
    boundary(|| {
        let text = arg_str(json, "json")?;
        let parsed: JsonOptions =
            serde_json::from_str(text).map_err(|e| Error::Options(format!("options JSON: {e}")))?;
        update(options, |o| parsed.apply(o))
    })
}

/// Writes the current options as a JSON object (the keys of `pp_options_set_json`, every key
/// present) to `*json_out`.
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
        *out = string_to_c(to_json(o))?;
        Ok(())
    })
}

/// Sets the number of worker threads (1-256; default 2) of each run using these options. Each
/// run starts its own threads, which exit when it is over (streaming: when the session is
/// finished or freed).
#[unsafe(no_mangle)]
pub extern "C" fn pp_options_set_threads(options: *mut pp_options, threads: u32) -> pp_status {
    boundary(|| update(options, |o| o.pipeline.threads = threads as usize))
}

/// Sets the BGZF compression level of compressed output (0-12, libdeflate levels; 1-9 as
/// gzip; default 4).
#[unsafe(no_mangle)]
pub extern "C" fn pp_options_set_compression_level(
    options: *mut pp_options,
    level: u32,
) -> pp_status {
    boundary(|| update(options, |o| o.pipeline.compression_level = level))
}

/// Forces compressed (BGZF, readable by any gzip reader) output when `compress` is true, plain
/// output when false. Without this call, file mode compresses outputs whose names end in
/// `.gz` and streaming mode writes plain FASTQ (JSON `"compress": null` restores that).
#[unsafe(no_mangle)]
pub extern "C" fn pp_options_set_compress(options: *mut pp_options, compress: bool) -> pp_status {
    boundary(|| update(options, |o| o.pipeline.compress = Some(compress)))
}

/// Declares the input qualities Phred+64 (they are written as Phred+33). Default false.
#[unsafe(no_mangle)]
pub extern "C" fn pp_options_set_phred64(options: *mut pp_options, phred64: bool) -> pp_status {
    boundary(|| update(options, |o| o.pipeline.phred64 = phred64))
}

/// Accepts an input without any record (an error by default). Default false.
#[unsafe(no_mangle)]
pub extern "C" fn pp_options_set_allow_empty(options: *mut pp_options, allow: bool) -> pp_status {
    boundary(|| update(options, |o| o.pipeline.allow_empty = allow))
}

/// Declares that a single input holds pairs, R1 and R2 alternating (`pp_run_se` and one-input
/// streams then run paired). Default false.
#[unsafe(no_mangle)]
pub extern "C" fn pp_options_set_interleaved_in(
    options: *mut pp_options,
    interleaved: bool,
) -> pp_status {
    boundary(|| update(options, |o| o.interleaved_in = interleaved))
}

/// Collects the QC statistics behind `pp_report_json` and the `pp_report_*_out` numbers
/// (default true; false is faster and leaves only the counts of `pp_report_summary_json`).
#[unsafe(no_mangle)]
pub extern "C" fn pp_options_set_stats(options: *mut pp_options, stats: bool) -> pp_status {
    boundary(|| update(options, |o| o.pipeline.stats = stats))
}

/// Computes MD5 and SHA-256 of every input (as stored) and output (as written) while the bytes
/// stream through; they appear in `pp_report_summary_json`. Default false.
#[unsafe(no_mangle)]
pub extern "C" fn pp_options_set_checksums(options: *mut pp_options, checksums: bool) -> pp_status {
    boundary(|| update(options, |o| o.pipeline.checksums = checksums))
}

/// Sets (or with a NULL `callback`, removes) the progress callback of runs using these
/// options, called about every `interval_ms` milliseconds (0 = 100 ms); see
/// `pp_progress_callback` for when and where it is called.
///
/// Ownership: `userdata` is passed back to the callback untouched; the caller keeps it valid
/// while runs use these options.
#[unsafe(no_mangle)]
pub extern "C" fn pp_options_set_progress(
    options: *mut pp_options,
    callback: pp_progress_callback,
    userdata: *mut c_void,
    interval_ms: u32,
) -> pp_status {
    let interval = Duration::from_millis(if interval_ms == 0 {
        100
    } else {
        u64::from(interval_ms)
    });
    boundary(|| {
        update(options, |o| {
            o.progress = callback.map(|callback| Progress {
                callback,
                userdata,
                interval,
            });
        })
    })
}

/// Attaches a cancel token to the options (NULL detaches it): runs using these options stop
/// with `PP_STATUS_CANCELLED` once the token is cancelled.
///
/// Ownership: the options take their own reference to the token; the caller keeps its handle
/// and frees it independently.
#[unsafe(no_mangle)]
pub extern "C" fn pp_options_set_cancel_token(
    options: *mut pp_options,
    token: *const pp_cancel_token,
) -> pp_status {
    boundary(|| {
        let token = handle::arc_ref(token).cloned();
        update(options, |o| o.cancel = token)
    })
}

/// Creates a cancel token (not cancelled) in `*token_out`.
///
/// Ownership: the caller owns one reference and releases it with `pp_cancel_token_free`.
#[unsafe(no_mangle)]
pub extern "C" fn pp_cancel_token_new(token_out: *mut *const pp_cancel_token) -> pp_status {
    boundary(|| {
        let out = try_out!(token_out);
        *out = handle::arc_into(std::sync::Arc::new(Control::new()));
        Ok(())
    })
}

/// Cancels every run using the token, now or later. May be called from any thread, also while
/// a run using it is going on in another thread.
#[unsafe(no_mangle)]
pub extern "C" fn pp_cancel_token_cancel(token: *const pp_cancel_token) -> pp_status {
    boundary(|| {
        try_arc_ref!(token).cancel();
        Ok(())
    })
}

/// Releases the caller's reference to a token. `pp_cancel_token_free(NULL)` does nothing.
/// Options holding the token keep it alive.
#[unsafe(no_mangle)]
pub extern "C" fn pp_cancel_token_free(token: *const pp_cancel_token) {
    boundary_void(|| handle::arc_free(token));
}
