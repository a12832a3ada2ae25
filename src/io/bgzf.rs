//! BGZF blocks: one gzip member of at most 64 KiB carrying its size in the `BC` extra field.
//! The one place that parses block headers, reads whole blocks from a stream, inflates and
//! deflates them, for the FASTQ side (`io::bgzf_reader`, the pipeline's writer) and the
//! BAM side (`coverage::bam`); each side words the errors in its own layer's terms.

use std::cell::RefCell;
use std::io::Read;

use libdeflater::{CompressionLvl, Compressor, Crc, Decompressor};

/// Uncompressed bytes per written block (htslib's choice: leaves room for incompressible data).
pub const BLOCK_DATA: usize = 0xff00;
/// Largest block on disk.
pub const MAX_BLOCK: usize = 0x10000;
/// The 28-byte empty block that marks the end of a BGZF file.
pub const EOF_BLOCK: [u8; 28] = [
    0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 0xff, 6, 0, b'B', b'C', 2, 0, 0x1b, 0, 3, 0, 0, 0, 0, 0, 0, 0,
    0, 0,
];

thread_local! {
    static INFLATER: RefCell<Decompressor> = RefCell::new(Decompressor::new());
    static DEFLATER: RefCell<Option<(i32, Compressor)>> = const { RefCell::new(None) };
    /// Room for one compressed block, zeroed once per thread (so blocks need no fresh buffer).
    static SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Bytes of a gzip member header before its extra field (magic .. XLEN).
pub const FIXED_HEADER: usize = 12;

/// Why bytes are not a BGZF block header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderError {
    /// Not gzip at all (no `1f 8b 08` magic).
    NotGzip,
    /// A gzip member without the FEXTRA flag: plain gzip, not BGZF.
    NoExtraField,
    /// The extra field holds no `BC` subfield of 2 bytes.
    NoBlockSize,
    /// A subfield's length runs past the end of the extra field.
    BadExtraField,
}

impl std::fmt::Display for HeaderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            HeaderError::NotGzip => "not a gzip member (no 1f 8b 08 magic bytes)",
            HeaderError::NoExtraField => "a gzip member without an extra field, not a BGZF block",
            HeaderError::NoBlockSize => "gzip extra field without a BC (block size) subfield",
            HeaderError::BadExtraField => "gzip extra field with a subfield running past its end",
        })
    }
}

/// Checks the fixed part of a member header (`h` holds at least [`FIXED_HEADER`] bytes) and
/// returns XLEN, the length of the extra field that follows it.
pub fn extra_len(h: &[u8]) -> Result<usize, HeaderError> {
    if h.len() < FIXED_HEADER || h[0] != 0x1f || h[1] != 0x8b || h[2] != 8 {
        return Err(HeaderError::NotGzip);
    }
    if h[3] & 4 == 0 {
        return Err(HeaderError::NoExtraField);
    }
    Ok(u16::from_le_bytes([h[10], h[11]]) as usize)
}

/// Walks the subfields of an extra field (RFC 1952 2.3.1.1: SI1 SI2 LEN data, in any number
/// and order) and returns the total block size (BSIZE + 1) from the `BC` subfield.
pub fn bsize_from_extra(extra: &[u8]) -> Result<usize, HeaderError> {
    let mut found = None;
    let mut i = 0;
    while i < extra.len() {
        if i + 4 > extra.len() {
            return Err(HeaderError::BadExtraField);
        }
        let len = u16::from_le_bytes([extra[i + 2], extra[i + 3]]) as usize;
        let end = i + 4 + len;
        if end > extra.len() {
            return Err(HeaderError::BadExtraField);
        }
        if extra[i] == b'B' && extra[i + 1] == b'C' && len == 2 && found.is_none() {
            found = Some(u16::from_le_bytes([extra[i + 4], extra[i + 5]]) as usize + 1);
        }
        i = end;
    }
    found.ok_or(HeaderError::NoBlockSize)
}

/// The block header at the start of `h`: `(header length = 12 + XLEN, total block size)`.
/// `h` must hold the whole header; fewer bytes give [`HeaderError::BadExtraField`].
pub fn parse_header(h: &[u8]) -> Result<(usize, usize), HeaderError> {
    let xlen = extra_len(h)?;
    let extra = h
        .get(FIXED_HEADER..FIXED_HEADER + xlen)
        .ok_or(HeaderError::BadExtraField)?;
    Ok((FIXED_HEADER + xlen, bsize_from_extra(extra)?))
}

/// Total size of the block whose header starts `h` (BSIZE + 1), or `None` if not BGZF.
pub fn block_size(h: &[u8]) -> Option<usize> {
    parse_header(h).ok().map(|(_, size)| size)
}

/// Why a block could not be read whole from a stream.
#[derive(Debug)]
pub enum ReadError {
    /// The reader failed.
    Io(std::io::Error),
    /// The stream ends inside the block's header.
    CutHeader,
    /// The stream ends inside the block's body.
    CutBody,
    /// The bytes are not a BGZF block header.
    Header(HeaderError),
    /// BSIZE is smaller than the header and trailer.
    TooSmall(usize),
}

/// Reads one whole block into `block` (cleared first): `Ok(false)` at a clean end of input
/// (no byte before the next block). On error `block` holds what was read of the header.
pub fn read_block<R: Read>(r: &mut R, block: &mut Vec<u8>) -> Result<bool, ReadError> {
    block.clear();
    block.resize(FIXED_HEADER, 0);
    let got = read_full(r, block)?;
    if got == 0 {
        block.clear();
        return Ok(false);
    }
    if got < FIXED_HEADER {
        block.truncate(got);
        return Err(ReadError::CutHeader);
    }
    let xlen = extra_len(block).map_err(ReadError::Header)?;
    block.resize(FIXED_HEADER + xlen, 0);
    if read_full(r, &mut block[FIXED_HEADER..])? < xlen {
        return Err(ReadError::CutHeader);
    }
    let size = bsize_from_extra(&block[FIXED_HEADER..]).map_err(ReadError::Header)?;
    if size < FIXED_HEADER + xlen + 8 {
        return Err(ReadError::TooSmall(size));
    }
    let head = block.len();
    block.resize(size, 0);
    if read_full(r, &mut block[head..])? < size - head {
        return Err(ReadError::CutBody);
    }
    Ok(true)
}

/// Fills `buf` as far as the reader goes; the number of bytes read.
fn read_full<R: Read>(r: &mut R, buf: &mut [u8]) -> Result<usize, ReadError> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(ReadError::Io(e)),
        }
    }
    Ok(n)
}

/// ISIZE, the inflated size a whole block declares in its trailer (0 for fewer than 4 bytes).
pub fn isize_of(block: &[u8]) -> usize {
    match block.len().checked_sub(4).and_then(|at| block.get(at..)) {
        Some(&[a, b, c, d]) => u32::from_le_bytes([a, b, c, d]) as usize,
        _ => 0,
    }
}

/// Inflates one whole block into `out` (cleared first), checking CRC32 and ISIZE.
pub fn inflate_block(block: &[u8], out: &mut Vec<u8>) -> Result<(), String> {
    let (head, _) = parse_header(block).map_err(|e| e.to_string())?;
    if block.len() < head + 8 {
        return Err("block shorter than its header and trailer".into());
    }
    let isize = isize_of(block);
    if isize > MAX_BLOCK {
        return Err(format!("ISIZE {isize} larger than a BGZF block can hold"));
    }
    out.clear();
    out.resize(isize, 0);
    inflate_into(block, out)
}

/// Inflates one whole block into `out`, which must be exactly ISIZE bytes long (sized by the
/// caller, e.g. as one slice of a batch buffer), checking the deflate data and CRC32.
pub fn inflate_into(block: &[u8], out: &mut [u8]) -> Result<(), String> {
    let (head, _) = parse_header(block).map_err(|e| e.to_string())?;
    if block.len() < head + 8 {
        return Err("block shorter than its header and trailer".into());
    }
    let n = block.len();
    let crc = u32::from_le_bytes([block[n - 8], block[n - 7], block[n - 6], block[n - 5]]);
    let isize = isize_of(block);
    if isize != out.len() {
        return Err(format!(
            "ISIZE {isize} is not the {} bytes expected",
            out.len()
        ));
    }
    let got = INFLATER
        .with(|d| d.borrow_mut().deflate_decompress(&block[head..n - 8], out))
        .map_err(|e| format!("bad deflate data ({e})"))?;
    if got != isize {
        return Err(format!("inflated {got} bytes but ISIZE says {isize}"));
    }
    let mut c = Crc::new();
    c.update(out);
    if c.sum() != crc {
        return Err(format!(
            "CRC32 mismatch (stored {crc:08x}, computed {:08x})",
            c.sum()
        ));
    }
    Ok(())
}

/// Appends `data` (at most [`BLOCK_DATA`] bytes) to `out` as one BGZF block at `level` (0-12).
pub fn deflate_block(data: &[u8], level: u32, out: &mut Vec<u8>) {
    debug_assert!(data.len() <= BLOCK_DATA);
    let start = out.len();
    out.extend_from_slice(&EOF_BLOCK[..18]);
    let level = level.min(12) as i32;
    SCRATCH.with(|scratch| {
        let mut scratch = scratch.borrow_mut();
        if scratch.len() < MAX_BLOCK - 26 {
            scratch.resize(MAX_BLOCK - 26, 0);
        }
        let written = DEFLATER.with(|cell| {
            let mut slot = cell.borrow_mut();
            if slot.as_ref().map(|(l, _)| *l) != Some(level) {
                let lvl = CompressionLvl::new(level).unwrap_or_default();
                *slot = Some((level, Compressor::new(lvl)));
            }
            let (_, comp) = slot.as_mut()?;
            comp.deflate_compress(data, &mut scratch[..]).ok()
        });
        let written = match written {
            Some(n) => n,
            None => {
                // Incompressible: level 0 (stored blocks) always fits in 64 KiB for BLOCK_DATA
                // bytes.
                let mut stored = Compressor::new(CompressionLvl::new(0).unwrap_or_default());
                stored.deflate_compress(data, &mut scratch[..]).unwrap_or(0)
            }
        };
        out.extend_from_slice(&scratch[..written]);
    });
    let mut c = Crc::new();
    c.update(data);
    out.extend_from_slice(&c.sum().to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    let bsize = (out.len() - start - 1) as u16;
    out[start + 16..start + 18].copy_from_slice(&bsize.to_le_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_round_trip_and_corruption() {
        let data: Vec<u8> = (0..BLOCK_DATA).map(|i| (i * 7 % 251) as u8).collect();
        for level in [0, 1, 6, 12] {
            let mut block = Vec::new();
            deflate_block(&data, level, &mut block);
            assert_eq!(block_size(&block), Some(block.len()));
            let mut out = Vec::new();
            inflate_block(&block, &mut out).expect("valid block");
            assert_eq!(out, data);
            let n = block.len();
            block[n - 8] ^= 1;
            assert!(
                inflate_block(&block, &mut out)
                    .unwrap_err()
                    .contains("CRC32")
            );
        }
        let mut out = vec![1];
        inflate_block(&EOF_BLOCK, &mut out).expect("EOF block");
        assert!(out.is_empty());
    }

    #[test]
    fn random_bytes_fit_one_block() {
        let mut x = 0x9e3779b97f4a7c15u64;
        let data: Vec<u8> = (0..BLOCK_DATA)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        let mut block = Vec::new();
        deflate_block(&data, 9, &mut block);
        assert!(block.len() <= MAX_BLOCK);
        let mut out = Vec::new();
        inflate_block(&block, &mut out).expect("valid");
        assert_eq!(out, data);
    }
}
