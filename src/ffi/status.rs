//! Status codes with numbers that never move: 0 ok, 1xx usage, 2xx input format, 3xx I/O,
//! 4xx cancelled/internal.

use crate::Error;

/// The result of every `pp_` call. Values are stable across versions.
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
    /// Malformed FASTQ (or FASTQ pairs that do not agree).
    PP_STATUS_FORMAT_ERROR = 200,
    /// Coverage input (BAM/BED) is malformed.
    PP_STATUS_COVERAGE_ERROR = 201,
    /// A file could not be read or written, or compressed data is corrupt or truncated.
    PP_STATUS_IO_ERROR = 300,
    /// The run was cancelled.
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
            Error::Coverage(_) => pp_status::PP_STATUS_COVERAGE_ERROR,
            Error::Options(_) => pp_status::PP_STATUS_INVALID_OPTION,
            Error::Cancelled => pp_status::PP_STATUS_CANCELLED,
            Error::Internal(_) => pp_status::PP_STATUS_INTERNAL,
        }
    }
}
