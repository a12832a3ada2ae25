//! The panic boundary, the per-thread last error, and the version string.

use std::cell::RefCell;
use std::ffi::{CStr, CString, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};

use super::pp_status;

thread_local! {
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
}

/// Records `msg` as this thread's last error.
pub(crate) fn set_last_error(msg: &str) {
    let text = CString::new(msg.replace('\0', "\\0")).unwrap_or_default();
    LAST_ERROR.with(|e| *e.borrow_mut() = text);
}

/// Runs `f`, turning an error into its status (message kept) and a panic into `PP_STATUS_PANIC`.
pub(crate) fn boundary(f: impl FnOnce() -> Result<(), crate::Error>) -> pp_status {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => {
            set_last_error("");
            pp_status::PP_STATUS_OK
        }
        Ok(Err(e)) => {
            let mut msg = e.to_string();
            let mut src = std::error::Error::source(&e);
            while let Some(s) = src {
                msg.push_str(": ");
                msg.push_str(&s.to_string());
                src = s.source();
            }
            set_last_error(&msg);
            pp_status::from(&e)
        }
        Err(_) => {
            set_last_error("panic inside panelprep (a bug; please report it)");
            pp_status::PP_STATUS_PANIC
        }
    }
}

/// Reads a C string argument; NULL and invalid UTF-8 become errors with their status.
pub(crate) fn arg_str<'a>(p: *const c_char, name: &str) -> Result<&'a str, pp_status> {
    if p.is_null() {
        set_last_error(&format!("argument {name} is NULL"));
        return Err(pp_status::PP_STATUS_NULL_ARGUMENT);
    }
    // SAFETY: the caller passes a NUL-terminated string that lives for the duration of the call.
    let s = unsafe { CStr::from_ptr(p) };
    s.to_str().map_err(|_| {
        set_last_error(&format!("argument {name} is not valid UTF-8"));
        pp_status::PP_STATUS_INVALID_UTF8
    })
}

/// The text of the last error on the calling thread ("" after a success).
///
/// The pointer stays valid until the next `pp_` call on the same thread; do not free it.
#[unsafe(no_mangle)]
pub extern "C" fn pp_last_error_message() -> *const c_char {
    catch_unwind(|| LAST_ERROR.with(|e| e.borrow().as_ptr())).unwrap_or(c"panic".as_ptr())
}

/// The library version, e.g. "0.1.0". A static string: do not free it.
#[unsafe(no_mangle)]
pub extern "C" fn pp_version() -> *const c_char {
    static VERSION: &CStr =
        match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
            Ok(v) => v,
            Err(_) => c"unknown",
        };
    VERSION.as_ptr()
}
