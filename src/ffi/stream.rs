//! Streaming mode: `pp_stream_open`, `pp_stream_push`, `pp_stream_finish`, `pp_stream_free`
//! over `pipeline::PushSession`.

use std::cell::RefCell;
use std::ffi::{c_int, c_void};
use std::path::PathBuf;

use super::boundary::{Failed, boundary, boundary_void};
use super::handle::{self, BoxHandle, try_box_ref, try_out, try_slice, try_slice_mut};
use super::logger::Logger;
use super::options::{Options, pp_options};
use super::pp_status;
use super::progress::{Progress, pp_run_stats};
use super::read_results::ReadResults;
use super::report::{Report, pp_report};
use crate::Error;
use crate::io::IoError;
use crate::pipeline::{Control, Layout, PushError, PushOutput, PushSession};

/// A streaming session: raw FASTQ bytes go in by `pp_stream_push`, output comes out through
/// write callbacks, `pp_stream_finish` ends the input and returns the report.
///
/// Ownership: created by `pp_stream_open`, freed by `pp_stream_free` (always, also after
/// finish or a failure).
/// Threading: a session may move between threads but must be used by one thread at a time.
/// The engine runs on threads of its own; every callback (write, progress) is called on the
/// thread inside `pp_stream_push` or `pp_stream_finish`, in output order, never concurrently,
/// never after that call returned. A callback must not call `pp_stream_*` on its own session
/// (such a call returns `PP_STATUS_INVALID_STATE`).
pub struct pp_stream {
    _private: [u8; 0],
}

/// Write callback: the next `len` bytes (`len` > 0) of one output, in order. `data` is valid
/// only during the call. Return 0 on success; any other value fails the session with
/// `PP_STATUS_IO_ERROR` (the message names the output and the value). Must not throw or
/// longjmp.
pub type pp_write_callback =
    Option<unsafe extern "C" fn(userdata: *mut c_void, data: *const u8, len: usize) -> c_int>;

type WriteFn = unsafe extern "C" fn(*mut c_void, *const u8, usize) -> c_int;

/// The caller's side of a session: its callbacks.
struct Callbacks {
    writers: Vec<(WriteFn, *mut c_void)>,
    progress: Option<Progress>,
    cancel: Option<Control>,
    log: Option<Logger>,
    results: Option<ReadResults>,
    /// One message at a time: the logger drains a `Log`.
    pending: crate::log::Log,
}

impl PushOutput for Callbacks {
    fn write(&mut self, output: usize, bytes: &[u8]) -> Result<(), Error> {
        let Some(&(write, userdata)) = self.writers.get(output) else {
            return Err(Error::Internal(format!("no callback for output {output}")));
        };
        // SAFETY: `write` is the caller's callback and `userdata` its context, valid until the
        // session is freed (the caller's promise); `bytes` is alive for the call.
        let rc = unsafe { write(userdata, bytes.as_ptr(), bytes.len()) };
        if rc == 0 {
            return Ok(());
        }
        Err(IoError::File {
            path: PathBuf::from(format!("<output {}>", output + 1)),
            action: "write callback",
            source: std::io::Error::other(format!("the callback returned {rc}")),
        }
        .into())
    }

    fn progress(&mut self, control: &Control) -> bool {
        self.progress.is_none_or(|p| p.report(control))
    }

    fn log(&mut self, level: crate::log::Level, message: &str) {
        if let Some(l) = &self.log {
            self.pending.push(level, message);
            l.drain(&self.pending);
        }
    }

    fn read_results(&mut self, results: &[crate::pipeline::ReadResult]) -> bool {
        self.results.is_none_or(|r| r.deliver(results))
    }

    fn cancel_requested(&self) -> bool {
        self.cancel.as_ref().is_some_and(Control::is_cancelled)
    }
}

/// The Rust side of `pp_stream`. The `RefCell` turns a re-entrant call from a callback into
/// `PP_STATUS_INVALID_STATE` instead of two mutable borrows.
pub(crate) struct Stream {
    inner: RefCell<(PushSession, Callbacks)>,
}

impl BoxHandle for pp_stream {
    type Target = Stream;
}

fn with_session(
    stream: *mut pp_stream,
    f: impl FnOnce(&mut PushSession, &mut Callbacks) -> Result<(), Failed>,
) -> Result<(), Failed> {
    let s = try_box_ref!(stream);
    let mut inner = s.inner.try_borrow_mut().map_err(|_| {
        Failed::with(
            pp_status::PP_STATUS_INVALID_STATE,
            "the stream is busy: a callback called pp_stream_* on its own session",
        )
    })?;
    let (session, callbacks) = &mut *inner;
    f(session, callbacks)
}

fn push_failed(e: PushError<'_>) -> Failed {
    match e {
        PushError::Run(e) => Failed::from_error(e),
        PushError::Argument(m) => Failed::with(pp_status::PP_STATUS_INVALID_ARGUMENT, &m),
        PushError::State(m) => Failed::with(pp_status::PP_STATUS_INVALID_STATE, &m),
        PushError::WouldBlock(m) => Failed::with(pp_status::PP_STATUS_WOULD_BLOCK, &m),
    }
}

/// Opens a streaming session with `options` (copied: later changes do not affect it) and
/// stores it in `*stream_out`.
///
/// - `inputs`: 1 (single-end, or interleaved pairs when the options set `interleaved_in`) or 2
///   (R1 and R2, pushed separately as input 0 and 1).
/// - `write1`/`userdata1`: receives the first output (single-end reads; R1; or for paired input
///   without `write2`, both mates interleaved). NULL discards the output (validate and count
///   only); `write2` then must be NULL too.
/// - `write2`/`userdata2`: receives R2 of paired input, or NULL.
///
/// Output is plain FASTQ unless the options force compression (`pp_options_set_compress`),
/// then BGZF. The bytes equal those a file-mode run writes for the same input and options,
/// however the input is split into pushes. On failure or cancellation the bytes already given
/// to a callback are not taken back: discard them when a call returns an error.
///
/// Ownership: `userdata1`/`userdata2` are passed back untouched and must stay valid until the
/// session is freed; the caller frees the session with `pp_stream_free`.
#[unsafe(no_mangle)]
pub extern "C" fn pp_stream_open(
    options: *const pp_options,
    inputs: u32,
    write1: pp_write_callback,
    userdata1: *mut c_void,
    write2: pp_write_callback,
    userdata2: *mut c_void,
    stream_out: *mut *mut pp_stream,
) -> pp_status {
    boundary(|| {
        let o: &Options = try_box_ref!(options);
        let out = try_out!(stream_out);
        let layout =
            PushSession::layout_of(inputs as usize, o.interleaved_in()).map_err(push_failed)?;
        let writers: Vec<(WriteFn, *mut c_void)> = match (write1, write2) {
            (None, Some(_)) => {
                return Err(Failed::with(
                    pp_status::PP_STATUS_INVALID_ARGUMENT,
                    "write2 is set but write1 is NULL",
                ));
            }
            (w1, w2) => [(w1, userdata1), (w2, userdata2)]
                .into_iter()
                .filter_map(|(w, u)| w.map(|w| (w, u)))
                .collect(),
        };
        PushSession::check_writers(layout, writers.len()).map_err(push_failed)?;
        *out = open(o, layout, writers, None)?;
        Ok(())
    })
}

/// Starts a session with `writers` (callback mode) or, with `pull_outputs`, that many pulled
/// outputs.
fn open(
    o: &Options,
    layout: Layout,
    writers: Vec<(WriteFn, *mut c_void)>,
    pull_outputs: Option<usize>,
) -> Result<*mut pp_stream, Failed> {
    let outputs = pull_outputs.unwrap_or(writers.len());
    let mut session = PushSession::start(&o.pipeline(layout)?, layout, outputs, Control::new())?;
    if let Some(p) = &o.progress {
        session.set_progress_interval(p.interval);
    }
    if let Some(limit) = o.memory_limit {
        session.set_memory_limit(limit);
    }
    if pull_outputs.is_some() {
        session.set_pull_mode();
    }
    let callbacks = Callbacks {
        writers,
        progress: o.progress,
        cancel: o.cancel.clone(),
        log: o.log,
        results: o.read_results,
        pending: crate::log::Log::new(),
    };
    Ok(handle::box_into(Stream {
        inner: RefCell::new((session, callbacks)),
    }))
}

/// Opens a streaming session in pull mode (zlib style, for event loops that take no
/// callbacks) with `options` (copied) and stores it in `*stream_out`. Input goes in by
/// `pp_stream_push` as in `pp_stream_open`; output is taken with `pp_stream_pull` into the
/// caller's buffers; no write callback is ever called (a progress callback of the options
/// still is, inside `pp_stream_*` calls).
///
/// - `inputs`: 1 or 2, as for `pp_stream_open`.
/// - `outputs`: 0 (validate and count only), 1 (single-end reads; or both mates
///   interleaved) or 2 (R1 and R2 of paired input).
///
/// The contract (memory stays bounded by the options' memory limit, no call waits for the
/// caller to take output):
/// - `pp_stream_push` queues the bytes and returns `PP_STATUS_OK`, or returns
///   `PP_STATUS_WOULD_BLOCK` without taking any byte when the engine waits for the caller:
///   pull every output (and, for pairs, push the other input), then repeat the push. It
///   waits only while the engine is busy reading earlier input.
/// - `pp_stream_pull` copies ready output bytes; `*written` = 0 means nothing is ready now.
/// - `pp_stream_finish` ends the input. It returns `PP_STATUS_WOULD_BLOCK` (input still
///   ended, nothing lost) while output waits to be pulled: pull every output until
///   `*written` is 0, then call it again. It waits while the engine works and no output is
///   ready, and returns `PP_STATUS_OK` with the report once every output byte was pulled.
///
/// A loop that pushes, pulls every output until it gives 0 bytes, and at the end calls
/// finish and pulls until finish returns `PP_STATUS_OK` gets output byte-identical to
/// `pp_stream_open`'s callbacks and to file mode. Errors are as in `pp_stream_open`.
///
/// Ownership: the caller frees the session with `pp_stream_free`.
#[unsafe(no_mangle)]
pub extern "C" fn pp_stream_open_pull(
    options: *const pp_options,
    inputs: u32,
    outputs: u32,
    stream_out: *mut *mut pp_stream,
) -> pp_status {
    boundary(|| {
        let o: &Options = try_box_ref!(options);
        let out = try_out!(stream_out);
        let layout =
            PushSession::layout_of(inputs as usize, o.interleaved_in()).map_err(push_failed)?;
        PushSession::check_pull_outputs(layout, outputs as usize).map_err(push_failed)?;
        *out = open(o, layout, Vec::new(), Some(outputs as usize))?;
        Ok(())
    })
}

/// Pull mode: copies up to `cap` ready bytes of output `output` (0 = the first output, 1 = R2)
/// into `buf` and stores their number in `*written` (0 when none is ready now; more may come
/// later). Never waits for the engine. `buf` may be NULL only when `cap` is 0.
///
/// Returns `PP_STATUS_INVALID_STATE` on a session opened with `pp_stream_open`,
/// `PP_STATUS_INVALID_ARGUMENT` for an output the session does not have, and the session's
/// error once it failed (then `*written` is 0). After a successful finish it returns
/// `PP_STATUS_OK` with `*written` = 0.
#[unsafe(no_mangle)]
pub extern "C" fn pp_stream_pull(
    stream: *mut pp_stream,
    output: u32,
    buf: *mut u8,
    cap: usize,
    written: *mut usize,
) -> pp_status {
    boundary(|| {
        let written = try_out!(written);
        *written = 0;
        let buf = try_slice_mut!(buf, cap);
        with_session(stream, |s, cb| {
            *written = s.pull(output as usize, buf, cb).map_err(push_failed)?;
            Ok(())
        })
    })
}

/// Pushes the next `len` bytes of input `input` (0 = R1 or the only input, 1 = R2): raw FASTQ
/// exactly as stored, plain, gzip or BGZF (detected from the first bytes), in pieces of any
/// size (`len` may be 0; `data` may then be NULL). The bytes are copied; output that is ready
/// is handed to the write callbacks before the call returns.
///
/// Blocks only to bound memory: while more than a few MiB of this input wait for the engine
/// (the call then keeps delivering output). It cannot block while the engine waits for the
/// *other* input of a pair (the caller's thread would wait for itself): then the push is taken
/// while this input holds at most 64 MiB not yet read (a push into an empty queue is always
/// taken), and beyond that it returns `PP_STATUS_WOULD_BLOCK` without taking any byte and
/// without failing the session: push the other input, then repeat the push. So paired input
/// may be pushed in any interleaving of pieces that keeps one input at most about 64 MiB
/// ahead; pushing all of R1 before any of R2 works only for inputs that small, and larger ones
/// get `PP_STATUS_WOULD_BLOCK` instead of unbounded memory.
///
/// Returns the session's error once it failed (malformed input, a write callback's non-zero
/// value, cancellation), and the same error on every later push or finish.
///
/// Pull mode (`pp_stream_open_pull`): never waits for output to be taken; returns
/// `PP_STATUS_WOULD_BLOCK` (nothing taken) when the engine waits for output to be pulled
/// (or for the other input of a pair): pull every output, then repeat the push. A push after
/// `pp_stream_finish` returns `PP_STATUS_INVALID_STATE`.
#[unsafe(no_mangle)]
pub extern "C" fn pp_stream_push(
    stream: *mut pp_stream,
    input: u32,
    data: *const u8,
    len: usize,
) -> pp_status {
    boundary(|| {
        let bytes = try_slice!(data, len);
        with_session(stream, |s, cb| {
            s.push(input as usize, bytes, cb).map_err(push_failed)
        })
    })
}

/// Ends the input, hands the rest of the output to the write callbacks and, on success, stores
/// the report in `*report_out`. On failure returns the session's error (`*report_out`
/// unchanged). Calling it again returns the same outcome (a new report on success).
///
/// Ownership: the caller frees the report with `pp_report_free` and still frees the session
/// with `pp_stream_free`.
#[unsafe(no_mangle)]
pub extern "C" fn pp_stream_finish(
    stream: *mut pp_stream,
    report_out: *mut *const pp_report,
) -> pp_status {
    boundary(|| {
        let out = try_out!(report_out);
        with_session(stream, |s, cb| {
            let summary = s.finish(cb).map_err(push_failed)?;
            *out = Report::into_c(summary);
            Ok(())
        })
    })
}

/// Stores the session's counters so far in `*stats_out` (records and bases read, records
/// written...: see `pp_run_stats`), for a caller that polls instead of taking a statistics
/// callback. Cheap; may be called at any time between other calls on the session.
#[unsafe(no_mangle)]
pub extern "C" fn pp_stream_stats(
    stream: *mut pp_stream,
    stats_out: *mut pp_run_stats,
) -> pp_status {
    boundary(|| {
        let out = try_out!(stats_out);
        with_session(stream, |s, _| {
            *out = pp_run_stats::of(s.control());
            Ok(())
        })
    })
}

/// Frees a session. A session not finished is aborted: its engine is stopped before this
/// returns and no callback is called any more (worker threads exit on their own right after). `pp_stream_free(NULL)` does nothing; calling it
/// from one of the session's own callbacks does nothing either (the session stays allocated).
#[unsafe(no_mangle)]
pub extern "C" fn pp_stream_free(stream: *mut pp_stream) {
    boundary_void(|| {
        let busy =
            handle::box_ref(stream).is_some_and(|s: &Stream| s.inner.try_borrow_mut().is_err());
        if !busy {
            handle::box_free(stream);
        }
    });
}

super::symver::versions!("stream.rs");
