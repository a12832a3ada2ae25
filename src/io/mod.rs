//! Bytes in and out: format sniffing, decompression, BGZF compression, atomic output files.

pub mod bgzf;
mod bgzf_reader;
mod error;
mod gzip_reader;
mod sink;
mod sniff;
mod source;

pub use error::IoError;
pub use gzip_reader::ThreadedReader;
pub use sink::{AtomicFile, check_not_input};
pub use sniff::{Format, sniff};
pub use source::{Source, from_reader, open};
