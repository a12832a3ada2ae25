//! The C ABI (`pp_` prefix): opaque handles, status codes, a panic boundary; no logic of its own.
//!
//! Every entry point runs inside `boundary`, which turns a panic into `PP_STATUS_PANIC`, and
//! stores the error text for [`pp_last_error_message`] on the calling thread. Handles map to
//! Rust objects through `handle` (Box for mutable objects, Arc for immutable ones); NULL
//! pointers give `PP_STATUS_NULL_ARGUMENT`. `include/panelprep.h` is generated from this module
//! by cbindgen (`tests/it/header.rs` fails when it is stale).
#![allow(unsafe_code)]
#![allow(non_camel_case_types)]
// Entry points are called from C, where `unsafe` has no meaning; each checks its pointers for
// NULL and documents what the caller must guarantee.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

mod boundary;
mod coverage;
mod handle;
mod last_error;
mod logger;
mod options;
mod options_control;
mod progress;
mod read_results;
mod report;
mod run;
mod status;
mod stream;
mod symver;
mod validate;
mod version;

// The module is private: its `pp_` functions reach C through their exported symbols
// (`#[unsafe(no_mangle)]`), and `include/panelprep.h` is generated from these files.
use status::pp_status;
