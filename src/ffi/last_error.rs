//! The calling thread's last error: `pp_last_error_message` and `pp_last_error_location`.
//! Neither goes through the boundary's bookkeeping, so reading the last error never clears it.

use std::ffi::c_char;
use std::panic::catch_unwind;

use super::boundary::LAST_ERROR;

/// `pp_error_location.byte_offset` when the offset is not known.
pub const PP_OFFSET_UNKNOWN: u64 = u64::MAX;

/// Where the last error on a thread is (see `pp_last_error_location`).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct pp_error_location {
    /// The file (as given, or `"<stream>"` / `"<output N>"` for pushed input and callbacks);
    /// "" when the error concerns no file. Lifetime: as the last error message's.
    pub file: *const c_char,
    /// 1-based record number (FASTQ record, BAM record), 0 when not known.
    pub record: u64,
    /// 1-based line number (FASTQ, BED), 0 when not known.
    pub line: u64,
    /// Byte offset in the file as stored, for corrupt compressed data: where decoding failed
    /// (gzip) or the start of the bad block (BGZF, BAM). `PP_OFFSET_UNKNOWN` when not known.
    pub byte_offset: u64,
}

/// The text of the last error on the calling thread: "" after a successful call, otherwise
/// the full message of the last failed `pp_` call made by this thread (file, record and line
/// where known, followed by the chain of causes).
///
/// Lifetime of the returned pointer (and of `pp_error_location.file`): the text is kept in
/// storage of the calling thread. It stays valid until that thread calls a function that
/// returns a `pp_status` (which replaces it: with "" on success, with its own message on
/// failure, and this includes calls made from inside a callback), or until the thread exits.
/// Functions that return no status (`pp_last_error_message`, `pp_last_error_location`,
/// `pp_status_str`, `pp_version`, `pp_version_number`, every `_free` function) leave it as it
/// is, except that a `_free` that hit a bug (a caught panic) records that instead. Copy the
/// text to keep it longer. Never NULL. Do not free it.
/// Threading: each thread has its own last error.
#[unsafe(no_mangle)]
pub extern "C" fn pp_last_error_message() -> *const c_char {
    catch_unwind(|| LAST_ERROR.with(|e| e.borrow().message.as_ptr())).unwrap_or(c"panic".as_ptr())
}

/// Fills `*location_out` with where the calling thread's last error is and returns true when
/// the error concerns a file (malformed FASTQ: file, record and line; malformed BED/BAM: file
/// and line or record; I/O and corrupt data: the file, and for corrupt compressed data the
/// compressed byte offset). Returns false, with `file` "", `record` and `line` 0 and `byte_offset`
/// `PP_OFFSET_UNKNOWN`, when it does not (no error, a bad option, cancellation...).
/// `location_out` NULL: returns false.
///
/// Lifetime: `file` points into the same storage as `pp_last_error_message()` and stays valid
/// exactly as long (see there). Does not change the last error.
#[unsafe(no_mangle)]
pub extern "C" fn pp_last_error_location(location_out: *mut pp_error_location) -> bool {
    catch_unwind(|| {
        let Some(out) = super::handle::out(location_out) else {
            return false;
        };
        LAST_ERROR.with(|e| {
            let e = e.borrow();
            let loc = e.location.as_ref();
            *out = pp_error_location {
                file: e.file.as_ptr(),
                record: loc.map_or(0, |l| l.record),
                line: loc.map_or(0, |l| l.line),
                byte_offset: e.byte_offset.unwrap_or(PP_OFFSET_UNKNOWN),
            };
            loc.is_some()
        })
    })
    .unwrap_or(false)
}

super::symver::versions!("last_error.rs");
