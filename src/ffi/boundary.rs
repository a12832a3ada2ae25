//! The panic boundary, the per-thread last error (message and location), argument and string
//! conversions.

use std::cell::RefCell;
use std::ffi::{CStr, CString, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};

use super::pp_status;
use crate::{Error, Location};

/// The last failure of a `pp_` call on one thread: what `pp_last_error_message` and
/// `pp_last_error_location` hand out.
#[derive(Default)]
pub(crate) struct LastError {
    pub(crate) message: CString,
    pub(crate) location: Option<Location>,
    pub(crate) file: CString,
    pub(crate) byte_offset: Option<u64>,
}

thread_local! {
    pub(crate) static LAST_ERROR: RefCell<LastError> = RefCell::new(LastError::default());
}

fn c_text(s: &str) -> CString {
    CString::new(s.replace('\0', "\\0")).unwrap_or_default()
}

/// Records `msg` (with no location) as this thread's last error.
pub(crate) fn set_last_error(msg: &str) {
    set_last_error_at(msg, None, None);
}

/// Records `msg` with its location and byte offset as this thread's last error.
fn set_last_error_at(msg: &str, location: Option<Location>, byte_offset: Option<u64>) {
    let file = location
        .as_ref()
        .map(|l| c_text(&l.path.to_string_lossy()))
        .unwrap_or_default();
    let last = LastError {
        message: c_text(msg),
        location,
        file,
        byte_offset,
    };
    LAST_ERROR.with(|e| *e.borrow_mut() = last);
}

/// A failed call: its status, with the message already stored for `pp_last_error_message`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Failed(pub(crate) pp_status);

impl Failed {
    /// Fails with `status` and `msg`.
    pub(crate) fn with(status: pp_status, msg: &str) -> Self {
        set_last_error(msg);
        Failed(status)
    }

    /// Fails with the status of `e` and its full chain of causes as the message.
    pub(crate) fn from_error(e: &Error) -> Self {
        let mut msg = e.to_string();
        let mut src = std::error::Error::source(e);
        while let Some(s) = src {
            msg.push_str(": ");
            msg.push_str(&s.to_string());
            src = s.source();
        }
        set_last_error_at(&msg, e.location(), e.byte_offset());
        Failed(pp_status::from(e))
    }
}

impl From<Error> for Failed {
    fn from(e: Error) -> Self {
        Failed::from_error(&e)
    }
}

/// Runs `f`, turning a failure into its status (message kept) and a panic into
/// `PP_STATUS_PANIC`; a success clears the last error.
pub(crate) fn boundary(f: impl FnOnce() -> Result<(), Failed>) -> pp_status {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => {
            set_last_error("");
            pp_status::PP_STATUS_OK
        }
        Ok(Err(Failed(status))) => status,
        Err(_) => {
            set_last_error("panic inside panelprep (a bug; please report it)");
            pp_status::PP_STATUS_PANIC
        }
    }
}

/// Runs `f` for a function without a status (`_free`): a panic is swallowed (and recorded).
pub(crate) fn boundary_void(f: impl FnOnce()) {
    if catch_unwind(AssertUnwindSafe(f)).is_err() {
        set_last_error("panic inside panelprep (a bug; please report it)");
    }
}

/// Reads a C string argument; NULL and invalid UTF-8 fail with their status.
pub(crate) fn arg_str<'a>(p: *const c_char, name: &str) -> Result<&'a str, Failed> {
    if p.is_null() {
        return Err(Failed::with(
            pp_status::PP_STATUS_NULL_ARGUMENT,
            &format!("argument {name} is NULL"),
        ));
    }
    // SAFETY: `p` is non-NULL and the caller promises a NUL-terminated string that lives for
    // the duration of the call.
    let s = unsafe { CStr::from_ptr(p) };
    s.to_str().map_err(|_| {
        Failed::with(
            pp_status::PP_STATUS_INVALID_UTF8,
            &format!("argument {name} is not valid UTF-8"),
        )
    })
}

/// Like [`arg_str`], but NULL is allowed and gives `None`.
pub(crate) fn arg_opt_str<'a>(p: *const c_char, name: &str) -> Result<Option<&'a str>, Failed> {
    if p.is_null() {
        Ok(None)
    } else {
        arg_str(p, name).map(Some)
    }
}

/// Hands a Rust string to C as a `char *` the caller frees with `pp_string_free`.
pub(crate) fn string_to_c(s: String) -> Result<*mut c_char, Failed> {
    CString::new(s).map(CString::into_raw).map_err(|_| {
        Failed::with(
            pp_status::PP_STATUS_INTERNAL,
            "string holds a NUL byte and cannot be returned to C",
        )
    })
}

/// Frees a string returned by this library (`pp_report_json`, `pp_options_to_json`...).
/// `pp_string_free(NULL)` does nothing. Passing any other pointer, or freeing twice, is
/// undefined behaviour.
#[unsafe(no_mangle)]
pub extern "C" fn pp_string_free(s: *mut c_char) {
    boundary_void(|| {
        if !s.is_null() {
            // SAFETY: non-NULL `s` came from `CString::into_raw` in `string_to_c` and is freed
            // once (the caller's promise).
            drop(unsafe { CString::from_raw(s) });
        }
    });
}

super::symver::versions!("boundary.rs");
