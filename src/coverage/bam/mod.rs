//! BAM reading: BGZF blocks read by one thread, inflated in parallel on a rayon pool owned by
//! the run, and cut into raw records for the depth engine. The BAI (read with noodles) limits
//! reading to the chunks that hold target records.
//!
//! [`record`]: the raw record view; [`header`]: blocks, inflate and the BAM header;
//! [`scan`]: the parallel record stream; [`index`]: BAI chunks and counts.

mod header;
mod index;
mod record;
mod scan;

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use super::CoverageError;
use crate::Location;
use crate::io::bgzf::EOF_BLOCK;

pub use header::read_header;
pub use index::{IndexCounts, index_ranges};
pub use record::RawRecord;
pub use scan::scan;

/// A reference sequence from the BAM header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// Name (`@SQ SN`).
    pub name: String,
    /// Length (`@SQ LN`).
    pub length: u64,
}

/// The parts of the BAM header the coverage engine needs.
#[derive(Debug, Clone, Default)]
pub struct BamHeader {
    /// Reference sequences in header order (index = reference id).
    pub references: Vec<Reference>,
    /// `@HD SO` if present.
    pub sort_order: Option<String>,
    /// Distinct `@RG SM` values in header order.
    pub samples: Vec<String>,
}

/// A BGZF virtual position: compressed block offset and offset inside the inflated block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct VPos {
    /// Offset of the block in the file.
    pub block: u64,
    /// Offset inside the inflated block.
    pub within: u16,
}

/// A range of the file to read: records from `start` up to (not including) `end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadRange {
    /// First record's virtual position.
    pub start: VPos,
    /// Virtual position after the last record; `None` reads to the end of the file.
    pub end: Option<VPos>,
}

/// Path of the BAI for `bam`: `BAM.bai`, then `BAM` with `.bam` replaced by `.bai`.
pub fn find_bai(bam: &Path) -> Option<PathBuf> {
    find_index(bam, "bai")
}

/// The index of `data` with extension `ext`: `DATA.ext`, then `DATA` with its extension
/// replaced by `.ext` (as samtools looks for `.bai` and `.crai`).
pub(crate) fn find_index(data: &Path, ext: &str) -> Option<PathBuf> {
    let mut a = data.as_os_str().to_owned();
    a.push(".");
    a.push(ext);
    let a = PathBuf::from(a);
    if a.is_file() {
        return Some(a);
    }
    let b = data.with_extension(ext);
    (b.is_file() && b != data).then_some(b)
}

fn io_err<'a>(
    path: &'a Path,
    action: &'static str,
) -> impl Fn(std::io::Error) -> CoverageError + 'a {
    move |source| CoverageError::Io {
        path: path.to_path_buf(),
        action,
        source,
    }
}

fn format_err(path: &Path, record: u64, message: String) -> CoverageError {
    CoverageError::Bam {
        at: Location {
            path: path.to_path_buf(),
            record,
            line: 0,
        },
        message,
    }
}

/// Fails unless the file ends with the BGZF EOF block (a cut-short BAM lacks it).
pub fn check_eof(path: &Path) -> Result<(), CoverageError> {
    let mut f = File::open(path).map_err(io_err(path, "open BAM"))?;
    let len = f.metadata().map_err(io_err(path, "stat BAM"))?.len();
    let truncated = |detail: String| CoverageError::BamTruncated {
        path: path.to_path_buf(),
        detail,
    };
    if len < EOF_BLOCK.len() as u64 {
        return Err(truncated(format!("file is only {len} bytes long")));
    }
    f.seek(SeekFrom::Start(len - EOF_BLOCK.len() as u64))
        .map_err(io_err(path, "seek BAM"))?;
    let mut tail = [0u8; 28];
    f.read_exact(&mut tail).map_err(io_err(path, "read BAM"))?;
    if tail != EOF_BLOCK {
        return Err(truncated(format!(
            "the last 28 bytes of its {len} are not the BGZF end-of-file block"
        )));
    }
    Ok(())
}
