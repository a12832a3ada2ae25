//! The C ABI (`pp_` prefix): opaque handles, status codes, a panic boundary; no logic of its own.
//!
//! Every entry point runs inside [`boundary`], which turns a panic into `PP_STATUS_PANIC`, and
//! stores the error text for [`pp_last_error_message`] on the calling thread.
#![allow(unsafe_code)]
#![allow(non_camel_case_types)]
// Entry points are called from C, where `unsafe` has no meaning; each checks its pointers for
// NULL and documents what the caller must guarantee.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

mod boundary;
mod status;
mod validate;

pub use boundary::{pp_last_error_message, pp_version};
pub use status::pp_status;
pub use validate::pp_validate_file;
