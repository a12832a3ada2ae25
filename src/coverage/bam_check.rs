//! What the BAM input really is, and whether its index belongs to it, checked before any depth
//! is counted (a CRAM is recognised earlier and read by [`super::cram`]): a SAM, plain gzip or
//! bgzipped text file is named as such (not as a "truncated BAM"), and a BAI older than its BAM
//! or built for another BAM is refused (reading chunks of another file gives wrong depths
//! without any error).

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use super::CoverageError;
use super::bam::ReadRange;
use crate::Location;
use crate::io::bgzf::{self, HeaderError};

fn not_bam(path: &Path, what: String) -> CoverageError {
    CoverageError::Bam {
        at: Location {
            path: path.to_path_buf(),
            record: 0,
            line: 0,
        },
        message: format!("not a BAM file: {what}"),
    }
}

/// What the first bytes of a file that is not BGZF look like, in words.
fn describe(head: &[u8]) -> String {
    if head.is_empty() {
        return "the file is empty".into();
    }
    if head.starts_with(b"CRAM") {
        return "it is a CRAM file".into();
    }
    if head[0] == b'@'
        || head
            .iter()
            .all(|&b| b == b'\t' || (b' '..=b'~').contains(&b))
    {
        let text = String::from_utf8_lossy(&head[..head.len().min(12)]).into_owned();
        return format!(
            "it is text (SAM?), starting {text:?} (convert it with `samtools view -b`)"
        );
    }
    if head.len() >= 4 && head[..3] == [0x1f, 0x8b, 8] && head[3] & 4 == 0 {
        return "it is plain gzip, not BGZF (BAM files are BGZF: `samtools view -b`)".into();
    }
    let hex: Vec<String> = head.iter().take(4).map(|b| format!("{b:02x}")).collect();
    format!("unknown format starting with bytes {}", hex.join(" "))
}

/// The error for a block header that does not parse: at byte 0 the file is named for what it
/// is; further on, the block is corrupt.
pub(super) fn not_bgzf(path: &Path, offset: u64, e: HeaderError, head: &[u8]) -> CoverageError {
    if offset == 0 {
        return not_bam(path, describe(head));
    }
    CoverageError::BamCorrupt {
        path: path.to_path_buf(),
        offset,
        detail: format!("not a BGZF block header: {e}"),
    }
}

/// Fails with what the file is when `path` does not start with a BGZF block (CRAM, SAM, plain
/// gzip, empty...). Runs before the end-of-file check, whose "truncated" would mislead.
pub fn check_format(path: &Path) -> Result<(), CoverageError> {
    let mut f = File::open(path).map_err(|source| CoverageError::Io {
        path: path.to_path_buf(),
        action: "open BAM",
        source,
    })?;
    let mut head = Vec::with_capacity(64);
    (&mut f)
        .take(bgzf::FIXED_HEADER as u64)
        .read_to_end(&mut head)
        .map_err(|source| CoverageError::Io {
            path: path.to_path_buf(),
            action: "read BAM",
            source,
        })?;
    match bgzf::extra_len(&head) {
        Ok(_) => Ok(()),
        Err(_) => Err(not_bam(path, describe(&head))),
    }
}

/// The error for an index that does not belong to its BAM.
fn foreign(bai: &Path, bam: &Path, why: String) -> CoverageError {
    CoverageError::Index {
        path: bai.to_path_buf(),
        detail: format!(
            "does not belong to {}: {why}; rebuild it with `samtools index`, or run with \
             --scan full",
            bam.display()
        ),
    }
}

/// Refuses a BAI that is older than its BAM (htslib warns "The index file is older than the
/// data file"; we refuse, since its chunks may point anywhere), that lists another number of
/// reference sequences than the BAM header (`listed` against `references`), or whose chunks to
/// read do not start at a BGZF block of the BAM.
pub fn check_index(
    bam: &Path,
    bai: &Path,
    references: usize,
    listed: usize,
    ranges: &[ReadRange],
) -> Result<(), CoverageError> {
    let io = |path: &Path, action| {
        let path = path.to_path_buf();
        move |source| CoverageError::Io {
            path,
            action,
            source,
        }
    };
    let secs = |m: std::fs::Metadata| {
        m.modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_secs())
    };
    let bam_meta = std::fs::metadata(bam).map_err(io(bam, "stat BAM"))?;
    let bam_len = bam_meta.len();
    let (bam_time, bai_time) = (
        secs(bam_meta),
        secs(std::fs::metadata(bai).map_err(io(bai, "stat BAM index"))?),
    );
    if let (Some(a), Some(i)) = (bam_time, bai_time) {
        // Whole seconds, as htslib compares them: copies made in the same second pass.
        if i < a {
            return Err(foreign(
                bai,
                bam,
                format!("the index is older than the BAM ({} s)", a - i),
            ));
        }
    }
    if listed != references {
        return Err(foreign(
            bai,
            bam,
            format!("it lists {listed} reference sequences, the BAM header has {references}"),
        ));
    }
    let mut f = File::open(bam).map_err(io(bam, "open BAM"))?;
    for r in ranges {
        let at = r.start.block;
        if at >= bam_len {
            return Err(foreign(
                bai,
                bam,
                format!("a chunk starts at byte {at}, past the end of the {bam_len}-byte BAM"),
            ));
        }
        f.seek(SeekFrom::Start(at)).map_err(io(bam, "seek BAM"))?;
        let mut head = Vec::with_capacity(64);
        (&mut f)
            .take(bgzf::FIXED_HEADER as u64)
            .read_to_end(&mut head)
            .map_err(io(bam, "read BAM"))?;
        let xlen = bgzf::extra_len(&head).unwrap_or(0);
        (&mut f)
            .take(xlen as u64)
            .read_to_end(&mut head)
            .map_err(io(bam, "read BAM"))?;
        if bgzf::parse_header(&head).is_err() {
            return Err(foreign(
                bai,
                bam,
                format!("a chunk starts at byte {at}, which is not the start of a BGZF block"),
            ));
        }
    }
    Ok(())
}
