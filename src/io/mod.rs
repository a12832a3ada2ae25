//! Bytes in and out: format sniffing, decompression, BGZF compression, atomic output files.

mod error;
mod sink;

pub use error::IoError;
pub use sink::{AtomicFile, check_not_input};
