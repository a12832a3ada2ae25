//! Reports: fastp-compatible JSON, self-contained HTML, upload manifest.

pub mod html;
pub mod json;
pub mod manifest;
mod sample;
pub(crate) mod svg;
pub mod verdict;

pub use json::{FastpReport, RunInfo, build};
pub use manifest::{FileEntry, FileRole, Manifest, rfc3339_utc};
pub use sample::sample_name;

use std::io::Write;
use std::path::Path;

use crate::io::{AtomicFile, IoError};

/// Writes `bytes` to `path` through a temporary file renamed on success.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), IoError> {
    let mut f = AtomicFile::create(path)?;
    f.write_all(bytes).map_err(|source| IoError::File {
        path: path.to_path_buf(),
        action: "write",
        source,
    })?;
    f.commit()
}
