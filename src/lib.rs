//! panelprep: sequencer-side preprocessing for gene-panel sequencing data.
//!
//! Data flow (FASTQ side): `io` sniffs and decompresses the input, `fastq::chunk` cuts it into
//! blocks at record boundaries, `pipeline` hands numbered batches to its own worker pool (parse,
//! validate, trim, filter, count, serialize, compress) and an ordered writer puts the bytes back
//! in input order into an atomic output file. The coverage side (`coverage`) reads a BAM and a
//! panel BED and reports depth over the targets.
//!
//! ```
//! use panelprep::fastq::{Chunker, ChunkerOptions};
//! let data = &b"@r1\nACGT\n+\nIIII\n@r2\nGG\n+\nII\n"[..];
//! let mut chunker = Chunker::new(data, ChunkerOptions::default());
//! let chunk = chunker.next_chunk(None).unwrap().unwrap();
//! assert_eq!(chunk.len(), 2);
//! assert_eq!(chunk.record(1).seq, b"GG");
//! ```
#![deny(unsafe_code)]

pub mod coverage;
pub mod error;
pub mod fastq;
pub mod ffi;
pub mod filter;
pub mod io;
pub mod log;
pub mod pipeline;
pub mod report;
pub mod settings;
pub mod simulate;
pub mod stats;
pub mod trim;

pub use error::{Error, Location};

/// The crate version, as in `Cargo.toml`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
