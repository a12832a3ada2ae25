//! panelprep's integration tests, in one test binary (as ripgrep's `tests/integration`): each
//! module below was its own `tests/*.rs` binary, and each of those linked the crate and its
//! dependencies again. Test names are `MODULE::TEST`: run one file's tests with
//! `cargo test --test it MODULE::` (e.g. `cargo test --test it c_api::readme_example`).
//!
//! Shared helpers live in [`util`]. The build script's cfgs (`pp_have_<tool>`,
//! `pp_public_data`) apply here as to every target of the package. No test changes
//! process-wide state (environment, current directory, signal handlers, limits): the signal
//! tests signal a child `panelprep`, and `memory_bounds` measures a child process, so every
//! test can share this process.

// Helpers: public data, FASTQ makers, encoders, peers (`util::common`); coverage, report and
// UMI helpers on top of it.
mod util;

// The command line end to end.
mod cli;
mod cli_fastp_compat;
mod newcomer;

// The C ABI (compiles and runs `tests/c/*.c`, `*.cpp`) and the committed header.
mod c_api;
mod header;

// The source tree: no import cycle among the top-level modules.
mod module_graph;

// Bad input, faults and resource bounds.
mod corpus;
mod fail_closed;
mod fastq_errors;
mod faults;
mod memory_bounds;

// The FASTQ engine: determinism, invariants, real data.
mod determinism;
mod properties;
mod public_data;

// Trimming against peers and modes.
mod trim_cutadapt;
#[cfg(feature = "simulate")] // uses panelprep::simulate
mod trim_detect_modes;
mod trim_fastp;
mod umi_index;
mod umi_index_errors;

// Statistics and reports.
#[cfg(feature = "simulate")] // uses panelprep::simulate
mod pipeline_stats;
mod report_fastp;
mod report_golden;
mod report_html;
mod report_manifest;
mod report_multiqc;
mod stats_merge;

// Panel coverage.
mod coverage_cram;
mod coverage_errors;
mod coverage_gate_exit;
mod coverage_handmade;
mod coverage_html;
mod coverage_mosdepth_mate;
mod coverage_multiqc;
mod coverage_panel;
mod coverage_panelgen;
mod coverage_peers;
mod coverage_picard;
