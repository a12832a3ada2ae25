//! BGZF blocks of a BAM (read and inflated through [`crate::io::bgzf`], errors in coverage
//! terms) and the BAM header.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use super::super::CoverageError;
use super::record::le_u32;
use super::{BamHeader, Reference, VPos, format_err, io_err};
use crate::io::bgzf::{self, ReadError};

/// One whole compressed block as read from the file.
pub(super) struct RawBlock {
    pub(super) offset: u64,
    pub(super) bytes: Vec<u8>,
}

impl RawBlock {
    pub(super) fn isize(&self) -> usize {
        bgzf::isize_of(&self.bytes)
    }
}

/// Reads the next block at `offset` (through [`bgzf::read_block`], the one BGZF block reader
/// of FASTQ and BAM); `Ok(None)` at a clean end of file.
pub(super) fn read_block<R: Read>(
    r: &mut R,
    offset: u64,
    path: &Path,
) -> Result<Option<RawBlock>, CoverageError> {
    let corrupt = |detail: &str| CoverageError::BamCorrupt {
        path: path.to_path_buf(),
        offset,
        detail: detail.to_string(),
    };
    let mut bytes = Vec::new();
    match bgzf::read_block(r, &mut bytes) {
        Ok(true) => {}
        Ok(false) => return Ok(None),
        Err(ReadError::Io(source)) => return Err(io_err(path, "read BAM")(source)),
        Err(ReadError::CutHeader | ReadError::CutBody) => {
            return Err(CoverageError::BamTruncated {
                path: path.to_path_buf(),
                detail: format!("the BGZF block at byte {offset} is cut short"),
            });
        }
        Err(ReadError::Header(e)) => {
            let head = &bytes[..bytes.len().min(bgzf::FIXED_HEADER)];
            return Err(super::super::bam_check::not_bgzf(path, offset, e, head));
        }
        Err(ReadError::TooSmall(_)) => return Err(corrupt("BGZF block size is too small")),
    }
    let block = RawBlock { offset, bytes };
    // Buffers are sized from ISIZE before inflating: a corrupt trailer must not allocate GiBs.
    if block.isize() > 1 << 16 {
        let detail = format!(
            "ISIZE {} is larger than a BGZF block can hold",
            block.isize()
        );
        return Err(corrupt(&detail));
    }
    Ok(Some(block))
}

/// Inflates `b` into `out` (exactly its ISIZE long).
pub(super) fn inflate(b: &RawBlock, out: &mut [u8], path: &Path) -> Result<(), CoverageError> {
    bgzf::inflate_into(&b.bytes, out).map_err(|detail| CoverageError::BamCorrupt {
        path: path.to_path_buf(),
        offset: b.offset,
        detail,
    })
}

/// Reads the header from the start of the file; returns it and the position of the first record.
pub fn read_header(path: &Path) -> Result<(BamHeader, VPos), CoverageError> {
    let f = File::open(path).map_err(io_err(path, "open BAM"))?;
    let mut r = BufReader::with_capacity(1 << 16, f);
    let mut data: Vec<u8> = Vec::new();
    // (start in `data`, block offset, inflated size) for each inflated block
    let mut blocks: Vec<(usize, u64, usize)> = Vec::new();
    let mut offset = 0u64;
    loop {
        if let Some((h, used)) = parse_header(&data, path)? {
            let vpos = blocks
                .iter()
                .find(|&&(start, _, size)| start <= used && used < start + size)
                .map(|&(start, block, _)| VPos {
                    block,
                    within: u16::try_from(used - start).unwrap_or(u16::MAX),
                })
                .unwrap_or(VPos {
                    block: offset,
                    within: 0,
                });
            return Ok((h, vpos));
        }
        let b = read_block(&mut r, offset, path)?.ok_or_else(|| CoverageError::BamTruncated {
            path: path.to_path_buf(),
            detail: "the file ends inside the BAM header".into(),
        })?;
        let start = data.len();
        data.resize(start + b.isize(), 0);
        inflate(&b, &mut data[start..], path)?;
        blocks.push((start, offset, b.isize()));
        offset += b.bytes.len() as u64;
    }
}

/// Parses a BAM header from inflated bytes; `Ok(None)` when more bytes are needed.
fn parse_header(d: &[u8], path: &Path) -> Result<Option<(BamHeader, usize)>, CoverageError> {
    let bad = |m: &str| format_err(path, 0, format!("BAM header: {m}"));
    if d.len() < 8 {
        return Ok(None);
    }
    if &d[..4] != b"BAM\x01" {
        return Err(bad("missing BAM magic (not a BAM file?)"));
    }
    let l_text = le_u32(d, 4) as usize;
    let mut at = 8 + l_text;
    if d.len() < at + 4 {
        return Ok(None);
    }
    let text = String::from_utf8_lossy(&d[8..8 + l_text]);
    let sort_order = text
        .lines()
        .find(|l| l.starts_with("@HD"))
        .and_then(|l| l.split('\t').find_map(|f| f.strip_prefix("SO:")))
        .map(str::to_owned);
    let mut samples: Vec<String> = Vec::new();
    for sm in text
        .lines()
        .filter(|l| l.starts_with("@RG\t"))
        .filter_map(|l| l.split('\t').find_map(|f| f.strip_prefix("SM:")))
    {
        let sm = sm.trim();
        if !sm.is_empty() && !samples.iter().any(|s| s == sm) {
            samples.push(sm.to_owned());
        }
    }
    let n_ref = le_u32(d, at) as usize;
    at += 4;
    let mut references = Vec::with_capacity(n_ref.min(1 << 16));
    for _ in 0..n_ref {
        if d.len() < at + 4 {
            return Ok(None);
        }
        let l_name = le_u32(d, at) as usize;
        at += 4;
        if d.len() < at + l_name + 4 {
            return Ok(None);
        }
        let raw = &d[at..at + l_name];
        let raw = raw.strip_suffix(&[0]).unwrap_or(raw);
        let name = std::str::from_utf8(raw)
            .map_err(|_| bad("reference name is not UTF-8"))?
            .to_owned();
        at += l_name;
        let length = u64::from(le_u32(d, at));
        at += 4;
        references.push(Reference { name, length });
    }
    Ok(Some((
        BamHeader {
            references,
            sort_order,
            samples,
        },
        at,
    )))
}
