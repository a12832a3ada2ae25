//! Progress reporting of the C API: the progress and statistics callback types, the counters
//! they get (`pp_run_stats`) and [`Progress`], a registered callback with its context and
//! interval. Options hold one (`pp_options_set_progress`), runs and sessions call it; it
//! depends on no other ffi file, so options and streams can both use it without a cycle.

use std::ffi::{c_int, c_void};
use std::time::Duration;

use crate::pipeline::Control;

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

/// Counters of a run so far (`pp_stream_stats`, `pp_stats_callback`). Fields may be added at
/// the end in later versions; the library only writes the fields it knows.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct pp_run_stats {
    /// Records read and processed (mates count one each).
    pub records_in: u64,
    /// Bases of those records.
    pub bases_in: u64,
    /// Uncompressed input bytes of those records.
    pub bytes_in: u64,
    /// Records written to the read outputs (mates count one each).
    pub records_out: u64,
    /// Raw bytes read from input files as stored (compressed; 0 for streams and descriptors).
    pub input_read: u64,
}

impl pp_run_stats {
    /// The counters of `control`.
    pub(crate) fn of(control: &Control) -> Self {
        Self {
            records_in: control.records(),
            bases_in: control.bases(),
            bytes_in: control.bytes(),
            records_out: control.records_out(),
            input_read: control.input_read(),
        }
    }
}

/// Statistics callback: the run's counters so far (`stats` is valid during the call only).
/// Called when and where a `pp_progress_callback` is; return 0 to continue, non-zero to
/// cancel the run.
pub type pp_stats_callback =
    Option<unsafe extern "C" fn(userdata: *mut c_void, stats: *const pp_run_stats) -> c_int>;

/// The two kinds of progress callback.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ProgressFn {
    /// `pp_progress_callback`: records and bytes.
    Counts(unsafe extern "C" fn(*mut c_void, u64, u64) -> c_int),
    /// `pp_stats_callback`: every counter.
    Stats(unsafe extern "C" fn(*mut c_void, *const pp_run_stats) -> c_int),
}

/// A progress callback with its context.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Progress {
    callback: ProgressFn,
    userdata: *mut c_void,
    pub(crate) interval: Duration,
}

impl Progress {
    /// A progress callback called every `interval_ms` milliseconds (0: every 100 ms).
    pub(crate) fn new(callback: ProgressFn, userdata: *mut c_void, interval_ms: u32) -> Self {
        let ms = if interval_ms == 0 { 100 } else { interval_ms };
        Progress {
            callback,
            userdata,
            interval: Duration::from_millis(u64::from(ms)),
        }
    }

    /// Reports `control`'s counters; `false` when the callback asks to cancel.
    pub(crate) fn report(&self, control: &Control) -> bool {
        let rc = match self.callback {
            // SAFETY: the caller registered a valid function and promises `userdata` stays
            // valid while the options are used; we call it on the caller's thread only.
            ProgressFn::Counts(f) => unsafe {
                f(self.userdata, control.records(), control.bytes())
            },
            ProgressFn::Stats(f) => {
                let stats = pp_run_stats::of(control);
                // SAFETY: as above; `stats` lives for the call.
                unsafe { f(self.userdata, &stats) }
            }
        };
        rc == 0
    }
}
