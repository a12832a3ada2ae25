//! panelprep: sequencer-side preprocessing for gene-panel sequencing data.
//!
//! Data flow (FASTQ side): `io` sniffs and decompresses the input, `fastq::chunk` cuts it into
//! blocks at record boundaries, `pipeline` hands numbered batches to its own worker pool (parse,
//! validate, trim, filter, count, serialize, compress) and an ordered writer puts the bytes back
//! in input order into an atomic output file. The coverage side (`coverage`) reads a BAM and a
//! panel BED and reports depth over the targets.
//!
//! The main entry points, re-exported here:
//! - [`RunSettings`] (the options of `panelprep trim`, also as JSON) and [`run`] /
//!   [`run_staged`] with [`Inputs`] and [`Outputs`]: a FASTQ run on files, returning a
//!   [`Summary`];
//! - [`PushSession`]: the same engine fed from memory, in pushes of any size;
//! - [`CoverageSettings`] (the options of `panelprep coverage`) and [`coverage::run`]: panel
//!   coverage of a BAM or CRAM, returning a [`CoverageReport`];
//! - with the `simulate` feature, `simulate`: simulated paired-end reads with known inserts.
//!
//! The C API (`include/panelprep.h`) is built from the private `ffi` module: its `pp_`
//! functions are exported from the `staticlib` and `cdylib`, not part of the Rust API. Build
//! the C library without the CLI and the simulator:
//! `cargo build --release --lib --no-default-features`.
//!
//! # Examples
//!
//! Cut FASTQ bytes into a chunk of records:
//!
//! ```
//! use panelprep::fastq::{Chunker, ChunkerOptions};
//! let data = &b"@r1\nACGT\n+\nIIII\n@r2\nGG\n+\nII\n"[..];
//! let mut chunker = Chunker::new(data, ChunkerOptions::default());
//! let chunk = chunker.next_chunk(None).unwrap().unwrap();
//! assert_eq!(chunk.len(), 2);
//! assert_eq!(chunk.record(1).seq, b"GG");
//! ```
//!
//! Trim a file as `panelprep trim -i in.fq -o out.fq --cut_tail` does:
//!
//! ```
//! use panelprep::{Control, Inputs, Outputs, RunSettings};
//! let dir = tempfile::tempdir()?;
//! let (input, output) = (dir.path().join("in.fq"), dir.path().join("out.fq"));
//! std::fs::write(&input, "@r1\nACGTACGTACGTACGTACGT\n+\nIIIIIIIIIIIIIIII####\n")?;
//! let mut settings = RunSettings::default();
//! settings.set_json(r#"{"cut_tail": true, "adapter_sequence": "AGATCGGAAGAGC"}"#)?;
//! let inputs = Inputs::single(input);
//! let options = settings.pipeline_options(inputs.layout())?;
//! let outputs = Outputs { out1: Some(output.clone()), ..Outputs::default() };
//! let summary = panelprep::run(&options, &inputs, &outputs, &Control::new())?;
//! assert_eq!(summary.inputs[0].records, 1);
//! let written = std::fs::read_to_string(&output)?;
//! let seq = written.lines().nth(1).ok_or("no record written")?;
//! assert!(seq.len() < 20 && "ACGTACGTACGTACGTACGT".starts_with(seq), "{seq}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(unsafe_code)]

pub mod coverage;
mod error;
pub mod fastq;
mod ffi;
pub mod filter;
pub mod io;
mod location;
pub mod log;
pub mod pipeline;
pub mod report;
pub mod settings;
#[cfg(any(test, feature = "simulate"))]
pub mod simulate;
pub mod stats;
pub mod trim;

pub use coverage::CoverageReport;
pub use error::{Error, Result};
pub use location::Location;
pub use pipeline::{
    Control, Inputs, Layout, Outputs, PipelineOptions, PushSession, ReadFiles, Summary, run,
    run_staged,
};
pub use settings::{CoverageSettings, EngineSettings, RunSettings, TrimSettings};

/// The crate version, as in `Cargo.toml`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
