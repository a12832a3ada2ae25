//! The C ABI (`pp_` prefix): opaque handles, status codes, a panic boundary; no logic of its own.
//!
//! Every entry point runs inside `boundary`, which turns a panic into `PP_STATUS_PANIC`, and
//! stores the error text for [`pp_last_error_message`] on the calling thread. Handles map to
//! Rust objects through `handle` (Box for mutable objects, Arc for immutable ones); NULL
//! pointers give `PP_STATUS_NULL_ARGUMENT`. `include/panelprep.h` is generated from this module
//! by cbindgen (`tests/header.rs` fails when it is stale).
#![allow(unsafe_code)]
#![allow(non_camel_case_types)]
// Entry points are called from C, where `unsafe` has no meaning; each checks its pointers for
// NULL and documents what the caller must guarantee.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

mod boundary;
mod coverage;
mod handle;
mod last_error;
mod options;
mod options_control;
mod progress;
mod report;
mod run;
mod status;
mod stream;
mod symver;
mod validate;
mod version;

pub use boundary::pp_string_free;
pub use coverage::{
    pp_coverage_options, pp_coverage_options_free, pp_coverage_options_new,
    pp_coverage_options_set_json, pp_coverage_options_set_log_callback,
    pp_coverage_options_to_json, pp_coverage_report, pp_coverage_report_free,
    pp_coverage_report_gate, pp_coverage_report_json, pp_coverage_report_mean,
    pp_coverage_report_median, pp_coverage_report_pct_bases_at_least,
    pp_coverage_report_zero_coverage_targets, pp_coverage_run, pp_coverage_run_with_options,
};
pub use last_error::{
    PP_OFFSET_UNKNOWN, pp_error_location, pp_last_error_location, pp_last_error_message,
};
pub use options::{
    pp_options, pp_options_free, pp_options_new, pp_options_set_adapter_sequence,
    pp_options_set_adapter_sequence_r2, pp_options_set_allow_empty, pp_options_set_checksums,
    pp_options_set_compress, pp_options_set_compression_level, pp_options_set_interleaved_in,
    pp_options_set_json, pp_options_set_length_required, pp_options_set_passthrough,
    pp_options_set_phred64, pp_options_set_stats, pp_options_set_threads,
    pp_options_set_trim_poly_g, pp_options_to_json,
};
pub use options_control::{
    pp_cancel_token, pp_cancel_token_cancel, pp_cancel_token_free, pp_cancel_token_new,
    pp_filter_reason, pp_log_callback, pp_log_level, pp_options_set_cancel_token,
    pp_options_set_log_callback, pp_options_set_memory_limit, pp_options_set_pool,
    pp_options_set_progress, pp_options_set_read_results_callback, pp_options_set_stats_callback,
    pp_pool, pp_pool_free, pp_pool_new, pp_read_result, pp_read_results_callback,
};
pub use progress::{pp_progress_callback, pp_run_stats, pp_stats_callback};
pub use report::{
    pp_report, pp_report_bases_in, pp_report_bases_out, pp_report_bytes_out, pp_report_free,
    pp_report_json, pp_report_paired, pp_report_q30_bases_out, pp_report_reads_in,
    pp_report_reads_out, pp_report_summary_json,
};
pub use run::{pp_run_pe, pp_run_pe_bytes, pp_run_pe_fd, pp_run_se, pp_run_se_bytes, pp_run_se_fd};
pub use status::{pp_status, pp_status_str};
pub use stream::{
    pp_stream, pp_stream_finish, pp_stream_free, pp_stream_open, pp_stream_open_pull,
    pp_stream_pull, pp_stream_push, pp_stream_stats, pp_write_callback,
};
pub use validate::pp_validate_file;
pub use version::{pp_version, pp_version_number};
