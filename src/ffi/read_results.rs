//! Per-read results of the C API: what happened to each read (`pp_read_result`, with its
//! `pp_filter_reason`), the callback type that gets them and [`ReadResults`], a registered
//! callback with its context. Options hold one (`pp_options_set_read_results_callback`), runs
//! and sessions call it; it depends on no other ffi file, so options, their setters and
//! streams can all use it without a cycle.

use std::ffi::{c_int, c_void};

/// Why a read was dropped (`pp_read_result`); the numbers never change.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum pp_filter_reason {
    /// Passed every filter.
    PP_FILTER_PASSED = 0,
    /// Too many bases below the qualified quality (fastp `low_quality_reads`).
    PP_FILTER_LOW_QUALITY = 1,
    /// Mean quality below the limit.
    PP_FILTER_LOW_MEAN_QUALITY = 2,
    /// Too many N bases (fastp `too_many_N_reads`).
    PP_FILTER_TOO_MANY_N = 3,
    /// Low sequence complexity (fastp `low_complexity_reads`).
    PP_FILTER_LOW_COMPLEXITY = 4,
    /// Shorter than the required length after trimming (fastp `too_short_reads`).
    PP_FILTER_TOO_SHORT = 5,
    /// Longer than the maximum length (fastp `too_long_reads`).
    PP_FILTER_TOO_LONG = 6,
}

/// What happened to one read (`pp_read_results_callback`).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct pp_read_result {
    /// The read's number in the input, from 0; both mates of a pair share it.
    pub record: u64,
    /// 0 = read 1 (or single-end), 1 = read 2.
    pub mate: u32,
    /// Bases removed from the 5' end (UMI, fixed and quality cuts).
    pub trimmed_front: u32,
    /// Bases removed as adapter (with anything after it).
    pub adapter_bases: u32,
    /// Length after trimming.
    pub length: u32,
    /// This read's own filter verdict.
    pub reason: pp_filter_reason,
    /// 1 when written to the read output (for a pair: both mates passed), else 0.
    pub kept: u32,
}

impl pp_read_result {
    fn of(r: &crate::pipeline::ReadResult) -> Self {
        use crate::filter::Reason;
        let small = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Self {
            record: r.record,
            mate: u32::from(r.mate),
            trimmed_front: small(r.trimmed_front),
            adapter_bases: small(r.adapter_bases),
            length: small(r.length),
            reason: match r.reason {
                Reason::Passed => pp_filter_reason::PP_FILTER_PASSED,
                Reason::LowQuality => pp_filter_reason::PP_FILTER_LOW_QUALITY,
                Reason::LowMeanQuality => pp_filter_reason::PP_FILTER_LOW_MEAN_QUALITY,
                Reason::TooManyN => pp_filter_reason::PP_FILTER_TOO_MANY_N,
                Reason::LowComplexity => pp_filter_reason::PP_FILTER_LOW_COMPLEXITY,
                Reason::TooShort => pp_filter_reason::PP_FILTER_TOO_SHORT,
                Reason::TooLong => pp_filter_reason::PP_FILTER_TOO_LONG,
            },
            kept: u32::from(r.kept),
        }
    }
}

/// Read results callback: `n` results (`n` > 0) of consecutive reads in input order, valid
/// during the call only. Called where and when the progress callback is (the calling thread,
/// inside `pp_run_*` / `pp_stream_*`), with the reads processed since the last call. Return 0
/// to continue, non-zero to cancel the run (ignored when the results are the last ones of a run
/// that already succeeded).
pub type pp_read_results_callback = Option<
    unsafe extern "C" fn(userdata: *mut c_void, results: *const pp_read_result, n: usize) -> c_int,
>;

/// A read results callback with its context.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReadResults {
    callback: unsafe extern "C" fn(*mut c_void, *const pp_read_result, usize) -> c_int,
    userdata: *mut c_void,
}

impl ReadResults {
    /// Read results delivery from the C arguments; `None` for a NULL callback.
    pub(crate) fn new(callback: pp_read_results_callback, userdata: *mut c_void) -> Option<Self> {
        callback.map(|callback| Self { callback, userdata })
    }

    /// Hands `results` over; `false` when the callback asks to cancel.
    pub(crate) fn deliver(&self, results: &[crate::pipeline::ReadResult]) -> bool {
        if results.is_empty() {
            return true;
        }
        let c: Vec<pp_read_result> = results.iter().map(pp_read_result::of).collect();
        // SAFETY: the caller registered a valid function and promises `userdata` stays valid
        // while the options are used; `c` lives for the call, made on the caller's thread.
        unsafe { (self.callback)(self.userdata, c.as_ptr(), c.len()) == 0 }
    }
}
