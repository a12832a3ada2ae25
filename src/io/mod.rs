//! Bytes in and out: format sniffing, decompression, BGZF compression, atomic output files.

mod error;
mod hash;
mod sink;

pub use error::IoError;
pub use hash::{Checksums, Hasher, HashingWriter};
pub use sink::{AtomicFile, check_not_input};
