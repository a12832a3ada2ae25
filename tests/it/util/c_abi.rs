//! The few `pp_` functions Rust tests call directly, declared as a C program declares them
//! (`include/panelprep.h`): the `ffi` module is private, its functions are reached through
//! their exported symbols only. Statuses are plain integers here, as in C.
#![allow(unsafe_code, non_camel_case_types, dead_code)]

use std::ffi::c_char;

/// `pp_status`: a C `int`.
#[repr(transparent)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct pp_status(pub i32);

impl pp_status {
    pub const PP_STATUS_OK: Self = Self(0);
    pub const PP_STATUS_FORMAT_ERROR: Self = Self(200);
    pub const PP_STATUS_IO_ERROR: Self = Self(300);
    pub const PP_STATUS_CANCELLED: Self = Self(400);
}

/// Opaque handles.
pub enum pp_options {}
pub enum pp_cancel_token {}
pub enum pp_report {}

// SAFETY: the signatures are those of `include/panelprep.h` (checked against the source by
// tests/header.rs); every function is null-safe and catches panics, so calling it with any
// pointer the tests pass (valid or NULL) is sound, and they are declared `safe`.
unsafe extern "C" {
    pub safe fn pp_validate_file(path: *const c_char, threads: u32, records: *mut u64)
    -> pp_status;
    pub safe fn pp_options_new(options_out: *mut *mut pp_options) -> pp_status;
    pub safe fn pp_options_free(options: *mut pp_options);
    pub safe fn pp_options_set_cancel_token(
        options: *mut pp_options,
        token: *const pp_cancel_token,
    ) -> pp_status;
    pub safe fn pp_cancel_token_new(token_out: *mut *const pp_cancel_token) -> pp_status;
    pub safe fn pp_cancel_token_cancel(token: *const pp_cancel_token) -> pp_status;
    pub safe fn pp_cancel_token_free(token: *const pp_cancel_token);
    pub safe fn pp_run_se(
        options: *const pp_options,
        in1: *const c_char,
        out1: *const c_char,
        report_out: *mut *const pp_report,
    ) -> pp_status;
}
