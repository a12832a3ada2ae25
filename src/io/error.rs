//! Errors of the byte layer: opening, decompressing and writing files.

use std::path::PathBuf;

/// An I/O or (de)compression failure, naming the file and, where known, the byte offset.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IoError {
    /// The file could not be opened, read or written.
    #[error("{path}: {action} failed")]
    File {
        /// The file concerned.
        path: PathBuf,
        /// What was being done (open, read, write, rename...).
        action: &'static str,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The compressed stream is corrupt (bad header, CRC32 or ISIZE mismatch, bad deflate data).
    #[error("{path}: corrupt {format} data at compressed offset {offset}: {detail}")]
    Corrupt {
        /// The file concerned.
        path: PathBuf,
        /// `gzip` or `BGZF`.
        format: &'static str,
        /// Byte offset of the member or block in the compressed file.
        offset: u64,
        /// What is wrong.
        detail: String,
    },
    /// The compressed stream ends before its end marker.
    #[error("{path}: truncated {format} stream: {detail}")]
    Truncated {
        /// The file concerned.
        path: PathBuf,
        /// `gzip` or `BGZF`.
        format: &'static str,
        /// What was missing.
        detail: String,
    },
    /// Two files of a run are the same file (two inputs, or two outputs).
    #[error("{first} {first_path} and {second} {second_path} are the same file")]
    SameFile {
        /// The first file's role (`-i`, `-o`, `--json`...).
        first: String,
        /// Its path as given.
        first_path: PathBuf,
        /// The second file's role.
        second: String,
        /// Its path as given.
        second_path: PathBuf,
    },
    /// An output path names one of the inputs.
    #[error("output {output} is the same file as input {input}: refusing to overwrite an input")]
    OutputIsInput {
        /// The output path.
        output: PathBuf,
        /// The input it equals.
        input: PathBuf,
    },
}
