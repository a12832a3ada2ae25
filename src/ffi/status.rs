//! Status codes with numbers that never move: 0 ok, 1xx usage, 2xx input format, 3xx I/O,
//! 4xx cancelled/internal.

use std::ffi::{CStr, c_char, c_int};

use crate::Error;
use crate::coverage::CoverageError;

/// The result of every `pp_` call that can fail. Values are stable across versions: new codes
/// may be added to a family (0 ok, 1xx usage, 2xx input format, 3xx I/O, 4xx cancelled and
/// internal), existing ones never change or get reused. `pp_last_error_message()` gives the
/// details of the last failure on the calling thread.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum pp_status {
    /// Success.
    PP_STATUS_OK = 0,
    /// A required pointer argument was NULL.
    PP_STATUS_NULL_ARGUMENT = 100,
    /// An option value is invalid or options contradict each other.
    PP_STATUS_INVALID_OPTION = 101,
    /// A string argument is not valid UTF-8.
    PP_STATUS_INVALID_UTF8 = 102,
    /// An argument is out of range (an input index the session does not have, an output
    /// callback without the first one...).
    PP_STATUS_INVALID_ARGUMENT = 103,
    /// The call does not fit the handle's state (a push after finish, a call from inside one
    /// of the handle's own callbacks).
    PP_STATUS_INVALID_STATE = 104,
    /// `pp_stream_push` refused the bytes (nothing taken, the session goes on): this input of a
    /// pair is too far ahead of the other, which the engine waits for. Push the other input,
    /// then repeat the push.
    PP_STATUS_WOULD_BLOCK = 105,
    /// Malformed FASTQ (or FASTQ pairs that do not agree).
    PP_STATUS_FORMAT_ERROR = 200,
    /// Coverage input (BAM/BED) is malformed.
    PP_STATUS_COVERAGE_ERROR = 201,
    /// A file could not be read or written, compressed data is corrupt or truncated, or a write
    /// callback returned non-zero.
    PP_STATUS_IO_ERROR = 300,
    /// The run was cancelled (cancel token, or a progress callback returned non-zero). File
    /// mode leaves no output file behind.
    PP_STATUS_CANCELLED = 400,
    /// A panic was caught at the boundary (a bug: please report it).
    PP_STATUS_PANIC = 401,
    /// Another internal failure (a thread could not start...).
    PP_STATUS_INTERNAL = 402,
}

impl From<&Error> for pp_status {
    fn from(e: &Error) -> Self {
        match e {
            Error::Io(_) => pp_status::PP_STATUS_IO_ERROR,
            Error::Fastq(_) => pp_status::PP_STATUS_FORMAT_ERROR,
            // A file that cannot be opened or written is an I/O error, as in file-mode trim.
            Error::Coverage(CoverageError::Io { .. } | CoverageError::Files(_)) => {
                pp_status::PP_STATUS_IO_ERROR
            }
            Error::Coverage(CoverageError::PrefixNotAFileName(_)) => {
                pp_status::PP_STATUS_INVALID_OPTION
            }
            Error::Coverage(CoverageError::Cancelled) => pp_status::PP_STATUS_CANCELLED,
            Error::Coverage(_) => pp_status::PP_STATUS_COVERAGE_ERROR,
            Error::Options(_) => pp_status::PP_STATUS_INVALID_OPTION,
            Error::Cancelled => pp_status::PP_STATUS_CANCELLED,
            Error::Internal(_) => pp_status::PP_STATUS_INTERNAL,
        }
    }
}

impl pp_status {
    /// Every status, for tests and for [`pp_status_str`].
    pub(crate) const ALL: [pp_status; 13] = [
        pp_status::PP_STATUS_OK,
        pp_status::PP_STATUS_NULL_ARGUMENT,
        pp_status::PP_STATUS_INVALID_OPTION,
        pp_status::PP_STATUS_INVALID_UTF8,
        pp_status::PP_STATUS_INVALID_ARGUMENT,
        pp_status::PP_STATUS_INVALID_STATE,
        pp_status::PP_STATUS_WOULD_BLOCK,
        pp_status::PP_STATUS_FORMAT_ERROR,
        pp_status::PP_STATUS_COVERAGE_ERROR,
        pp_status::PP_STATUS_IO_ERROR,
        pp_status::PP_STATUS_CANCELLED,
        pp_status::PP_STATUS_PANIC,
        pp_status::PP_STATUS_INTERNAL,
    ];

    /// A short, fixed English text for the code (no details: those are in the last error).
    pub(crate) fn text(self) -> &'static CStr {
        match self {
            pp_status::PP_STATUS_OK => c"ok",
            pp_status::PP_STATUS_NULL_ARGUMENT => c"a required pointer argument is NULL",
            pp_status::PP_STATUS_INVALID_OPTION => c"invalid option",
            pp_status::PP_STATUS_INVALID_UTF8 => c"string argument is not valid UTF-8",
            pp_status::PP_STATUS_INVALID_ARGUMENT => c"argument out of range",
            pp_status::PP_STATUS_INVALID_STATE => c"call does not fit the object's state",
            pp_status::PP_STATUS_WOULD_BLOCK => {
                c"input pushed too far ahead of the other: push the other input first"
            }
            pp_status::PP_STATUS_FORMAT_ERROR => c"malformed FASTQ input",
            pp_status::PP_STATUS_COVERAGE_ERROR => c"malformed coverage input (BAM/BED)",
            pp_status::PP_STATUS_IO_ERROR => c"I/O error or corrupt compressed data",
            pp_status::PP_STATUS_CANCELLED => c"cancelled",
            pp_status::PP_STATUS_PANIC => c"internal panic (a bug)",
            pp_status::PP_STATUS_INTERNAL => c"internal error",
        }
    }
}

/// A short, fixed English text for a status code, such as "malformed FASTQ input" for
/// `PP_STATUS_FORMAT_ERROR` (200); "unknown status" for a value that is no `pp_status` (a code
/// added by a later version, say). The details of a failure are in `pp_last_error_message()`.
///
/// Ownership: a static string; do not free it. Never NULL. Does not change the last error.
#[unsafe(no_mangle)]
pub extern "C" fn pp_status_str(status: c_int) -> *const c_char {
    pp_status::ALL
        .iter()
        .find(|s| **s as c_int == status)
        .map_or(c"unknown status", |s| s.text())
        .as_ptr()
}

super::symver::versions!("status.rs");
