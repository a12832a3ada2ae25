//! Bytes in and out: format sniffing, decompression, BGZF compression, atomic output files.

pub mod bgzf;
mod bgzf_reader;
mod error;
mod gzip_reader;
mod hash;
#[cfg(feature = "isal")]
mod isal_member;
mod output_set;
mod paths;
mod sink;
mod sniff;
mod source;
mod writeback;

pub use error::IoError;
pub use gzip_reader::ThreadedReader;
pub use hash::{Checksums, Hasher, HashingWriter};
pub use output_set::{OutputSet, Staged};
pub use paths::{FileId, RunFile, check_distinct, identity, same_file};
pub use sink::{AtomicFile, check_not_input};
pub use sniff::{Format, sniff};
pub use source::{
    ChecksumSlot, GzipOn, Source, from_reader, from_reader_on, open, open_counted, open_on, tee,
    tee_with,
};
