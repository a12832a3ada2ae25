//! Bytes in and out: format sniffing, decompression, BGZF compression, atomic output files.

mod error;

pub use error::IoError;
