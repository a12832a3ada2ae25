//! Logging of the C API: the message levels (`pp_log_level`), the callback type and
//! [`Logger`], a registered callback with its context. Options hold one
//! (`pp_options_set_log_callback`, `pp_coverage_options_set_log_callback`), runs and sessions
//! call it; it depends on no other ffi file, so options, their setters and streams can all use
//! it without a cycle.

use std::ffi::{CString, c_char, c_void};

use crate::log::{Level, Log};

/// How much a log message matters.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum pp_log_level {
    /// Something failed (the call also returns an error status).
    PP_LOG_ERROR = 1,
    /// The output may not be what you expect (targets skipped, a header's doubtful claims).
    PP_LOG_WARNING = 2,
    /// What the run decided by itself (the adapter it detected...).
    PP_LOG_INFO = 3,
}

/// Log callback: one message of the library (UTF-8, NUL-terminated, valid during the call
/// only; no trailing newline). The library never prints to standard error itself.
///
/// Called on the thread that made the `pp_` call (`pp_run_*`, `pp_stream_*`,
/// `pp_coverage_run_with_options`), inside that call, never concurrently, in the order the
/// messages were made. It must not call `pp_` functions on the run it reports on, nor throw or
/// longjmp.
pub type pp_log_callback = Option<
    unsafe extern "C" fn(userdata: *mut c_void, level: pp_log_level, message: *const c_char),
>;

/// A log callback with its context.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Logger {
    callback: unsafe extern "C" fn(*mut c_void, pp_log_level, *const c_char),
    userdata: *mut c_void,
}

impl Logger {
    /// Hands every queued message of `log` to the callback (call on the caller's thread).
    pub(crate) fn drain(&self, log: &Log) {
        log.drain(|level, message| {
            let level = match level {
                Level::Error => pp_log_level::PP_LOG_ERROR,
                Level::Warning => pp_log_level::PP_LOG_WARNING,
                Level::Info => pp_log_level::PP_LOG_INFO,
            };
            let text = CString::new(message.replace('\0', "\\0")).unwrap_or_default();
            // SAFETY: the caller registered a valid function and promises `userdata` stays
            // valid while the options are used; `text` lives for the call, which is made on
            // the caller's thread.
            unsafe { (self.callback)(self.userdata, level, text.as_ptr()) }
        });
    }

    /// A logger from the C arguments; `None` for a NULL callback.
    pub(crate) fn new(callback: pp_log_callback, userdata: *mut c_void) -> Option<Self> {
        callback.map(|callback| Self { callback, userdata })
    }
}
