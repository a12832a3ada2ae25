//! The top-level error type: it wraps the errors of the layers below it (`IoError`,
//! `FastqError` and `fastq::ReadError`, `CoverageError`), which never name it; the top-level
//! API (`pipeline`, `settings`, the C API, the CLI) returns it. `trim` names it only for the
//! option errors of `Trimmer::new`.

use crate::Location;

/// Any error of the library: one variant per layer, each keeping its source.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading, decompressing or writing bytes failed.
    #[error(transparent)]
    Io(#[from] crate::io::IoError),
    /// The FASTQ input is malformed or the pairs do not agree.
    #[error(transparent)]
    Fastq(#[from] crate::fastq::FastqError),
    /// The panel coverage computation failed.
    #[error(transparent)]
    Coverage(#[from] crate::coverage::CoverageError),
    /// An option value is out of range or options contradict each other.
    #[error("invalid option: {0}")]
    Options(String),
    /// A bug or resource failure inside the library (a worker panicked, a thread could not start).
    #[error("internal error: {0}")]
    Internal(String),
    /// The run was cancelled by the caller (signal, C API or progress callback).
    #[error("cancelled")]
    Cancelled,
}

impl From<crate::fastq::ReadError> for Error {
    fn from(e: crate::fastq::ReadError) -> Self {
        match e {
            crate::fastq::ReadError::Fastq(e) => Error::Fastq(e),
            crate::fastq::ReadError::Io(e) => Error::Io(e),
        }
    }
}

/// Result with the crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Where the error is, as far as the layer that found it knows: the file with record and
    /// line for malformed FASTQ, BED lines and BAM records; the file alone for I/O, corrupt or
    /// truncated data. `None` for errors of no input (options, cancellation, internal).
    pub fn location(&self) -> Option<Location> {
        use crate::coverage::CoverageError as C;
        use crate::io::IoError as I;
        let file = |path: &std::path::Path| Location {
            path: path.to_path_buf(),
            ..Location::default()
        };
        let io = |e: &I| match e {
            I::File { path, .. } | I::Corrupt { path, .. } | I::Truncated { path, .. } => {
                Some(file(path))
            }
            I::OutputIsInput { output, .. } => Some(file(output)),
            _ => None,
        };
        match self {
            Error::Fastq(e) => Some(e.location.clone()),
            Error::Io(e) | Error::Coverage(C::Files(e)) => io(e),
            Error::Coverage(C::Bed { at, .. } | C::Bam { at, .. }) => Some(at.clone()),
            Error::Coverage(
                C::Io { path, .. }
                | C::BamTruncated { path, .. }
                | C::BamCorrupt { path, .. }
                | C::Index { path, .. },
            ) => Some(file(path)),
            _ => None,
        }
    }

    /// The byte offset of the error in its file as stored, where known: for corrupt compressed
    /// data, where decoding failed (gzip) or the start of the bad block (BGZF, BAM).
    pub fn byte_offset(&self) -> Option<u64> {
        use crate::coverage::CoverageError as C;
        use crate::io::IoError as I;
        match self {
            Error::Io(I::Corrupt { offset, .. })
            | Error::Coverage(C::Files(I::Corrupt { offset, .. }) | C::BamCorrupt { offset, .. }) => {
                Some(*offset)
            }
            _ => None,
        }
    }
}
