//! Run control attached to `pp_options`: the progress, statistics, log and read results
//! callbacks (their types are in `progress.rs`, `logger.rs`, `read_results.rs`), the cancel
//! token and the worker pool.

use std::ffi::c_void;

use super::boundary::Failed;
use crate::pipeline::WorkerPool;

use super::boundary::{boundary, boundary_void};
use super::handle::{self, ArcHandle, try_arc_ref, try_box_mut, try_out};
use super::logger::{Logger, pp_log_callback};
use super::options::pp_options;
use super::pp_status;
use super::progress::{Progress, ProgressFn, pp_progress_callback, pp_stats_callback};
use super::read_results::{ReadResults, pp_read_results_callback};
use crate::pipeline::Control;

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

/// Sets (or with a NULL `callback`, removes) the read results callback of runs using these
/// options: for every read, its number, bases trimmed at the 5' end and as adapter, length
/// after trimming, filter verdict and whether it was written (see `pp_read_result`). Off by
/// default: with it, results wait in memory (about 50 bytes a read) until the next callback.
/// Ownership: `userdata` is passed back untouched; keep it valid while runs use the options.
#[unsafe(no_mangle)]
pub extern "C" fn pp_options_set_read_results_callback(
    options: *mut pp_options,
    callback: pp_read_results_callback,
    userdata: *mut c_void,
) -> pp_status {
    boundary(|| {
        try_box_mut!(options).read_results = ReadResults::new(callback, userdata);
        Ok(())
    })
}

impl ArcHandle for pp_cancel_token {
    type Target = Control;
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
    boundary(|| {
        try_box_mut!(options).progress =
            callback.map(|f| Progress::new(ProgressFn::Counts(f), userdata, interval_ms));
        Ok(())
    })
}

/// Sets (or with a NULL `callback`, removes) a statistics callback: a progress callback that
/// gets every counter of `pp_run_stats` (records and bases in, records out...). It replaces a
/// `pp_options_set_progress` callback and vice versa; `interval_ms` as there.
#[unsafe(no_mangle)]
pub extern "C" fn pp_options_set_stats_callback(
    options: *mut pp_options,
    callback: pp_stats_callback,
    userdata: *mut c_void,
    interval_ms: u32,
) -> pp_status {
    boundary(|| {
        try_box_mut!(options).progress =
            callback.map(|f| Progress::new(ProgressFn::Stats(f), userdata, interval_ms));
        Ok(())
    })
}

/// Sets (or with a NULL `callback`, removes) the log callback of runs using these options
/// (file mode and streaming): messages the library would otherwise keep to itself, such as
/// the adapter detected for each mate (`PP_LOG_INFO`). See `pp_log_callback` for when and
/// where it is called. Ownership: `userdata` is passed back untouched; keep it valid while
/// runs use these options.
#[unsafe(no_mangle)]
pub extern "C" fn pp_options_set_log_callback(
    options: *mut pp_options,
    callback: pp_log_callback,
    userdata: *mut c_void,
) -> pp_status {
    boundary(|| {
        try_box_mut!(options).log = Logger::new(callback, userdata);
        Ok(())
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
        try_box_mut!(options).cancel = token;
        Ok(())
    })
}

/// Caps the memory a streaming session (`pp_stream_open`, `pp_stream_open_pull`) queues: each
/// input's pushed bytes not yet read by the engine, and the output not yet handed over, hold
/// at most about `bytes` each (at least 64 KiB; 0 restores the default, 4 MiB each). A push
/// into an empty queue is always taken whole, so pieces larger than the limit still work. In
/// pull mode a push is refused sooner. Not capped by it: the engine's own working memory
/// (about threads x batch size), and one input of a pair pushed ahead of the other (up to
/// 64 MiB, see `pp_stream_push`; the engine reads up to 16 MiB of one input for adapter
/// detection before the other). File mode ignores it.
#[unsafe(no_mangle)]
pub extern "C" fn pp_options_set_memory_limit(options: *mut pp_options, bytes: usize) -> pp_status {
    boundary(|| {
        try_box_mut!(options).memory_limit = (bytes > 0).then_some(bytes);
        Ok(())
    })
}

/// A pool of worker threads that runs (file mode and streaming sessions) can share, so that
/// several sessions at once do not each start their own workers. Attach it to options with
/// `pp_options_set_pool`.
///
/// Ownership: reference-counted; options and running sessions hold their own references, so
/// the caller may free its handle with `pp_pool_free` at any time; the threads exit when the
/// last reference is gone. Threading: may be used by runs on any threads at once.
pub struct pp_pool {
    _private: [u8; 0],
}

impl ArcHandle for pp_pool {
    type Target = WorkerPool;
}

/// Starts a pool of `threads` worker threads (1-256) and stores it in `*pool_out`. Runs on
/// the pool interleave their batches on its threads; each run or session still has a few
/// light threads of its own (input reader, output ordering). Output bytes do not depend on
/// the pool.
///
/// Ownership: the caller owns one reference and releases it with `pp_pool_free`.
#[unsafe(no_mangle)]
pub extern "C" fn pp_pool_new(threads: u32, pool_out: *mut *const pp_pool) -> pp_status {
    boundary(|| {
        let out = try_out!(pool_out);
        let pool = WorkerPool::new(threads as usize)
            .map_err(|e| Failed::with(pp_status::PP_STATUS_INVALID_ARGUMENT, &e.to_string()))?;
        *out = handle::arc_into(std::sync::Arc::new(pool));
        Ok(())
    })
}

/// Releases the caller's reference to a pool. `pp_pool_free(NULL)` does nothing. Options and
/// sessions using the pool keep it alive.
#[unsafe(no_mangle)]
pub extern "C" fn pp_pool_free(pool: *const pp_pool) {
    boundary_void(|| handle::arc_free(pool));
}

/// Runs using these options run on `pool` instead of starting `threads` workers of their own
/// (NULL detaches it: runs start their own again). The options' thread count then only sets
/// how many batches a run keeps in flight.
///
/// Ownership: the options take their own reference to the pool.
#[unsafe(no_mangle)]
pub extern "C" fn pp_options_set_pool(options: *mut pp_options, pool: *const pp_pool) -> pp_status {
    boundary(|| {
        let pool = handle::arc_ref(pool).cloned();
        try_box_mut!(options).pool = pool;
        Ok(())
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

super::symver::versions!("options_control.rs");
