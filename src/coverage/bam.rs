//! BAM reading: BGZF blocks read by one thread, inflated in parallel on a rayon pool owned by
//! the run, and cut into raw records for the depth engine. The BAI (read with noodles) limits
//! reading to the chunks that hold target records.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use rayon::prelude::*;

use super::CoverageError;
use crate::Location;
use crate::io::bgzf;

/// The 28-byte empty BGZF block that ends every complete BGZF file.
pub const EOF_BLOCK: [u8; 28] = [
    0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 0xff, 6, 0, 0x42, 0x43, 2, 0, 0x1b, 0, 3, 0, 0, 0, 0, 0, 0, 0,
    0, 0,
];

/// Inflated bytes handed to the pool in one batch (a batch ends at the first block that
/// reaches it). Counted in inflated bytes, not compressed ones: memory then follows this
/// figure whatever the compression ratio (a redundant BAM inflates 15x).
const BATCH_INFLATED: usize = 1 << 20;

/// Batches queued for the consumer beyond the ones being inflated and handled.
fn queue_depth(pool: &rayon::ThreadPool) -> usize {
    pool.current_num_threads() + 1
}

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

/// A raw BAM record (the bytes after `block_size`), validated for internal lengths.
#[derive(Debug, Clone, Copy)]
pub struct RawRecord<'a> {
    data: &'a [u8],
    lrn: usize,
    n_cigar: usize,
    l_seq: usize,
}

fn le_i32(b: &[u8], at: usize) -> i32 {
    i32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}
fn le_u32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}
fn le_u16(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

impl<'a> RawRecord<'a> {
    /// Checks the fixed fields and that the variable-length parts fit in `data`.
    pub fn new(data: &'a [u8]) -> Result<Self, String> {
        if data.len() < 32 {
            return Err(format!("record of {} bytes is shorter than 32", data.len()));
        }
        let lrn = data[8] as usize;
        let n_cigar = le_u16(data, 12) as usize;
        let l_seq = le_u32(data, 16) as usize;
        let need = 32 + lrn + 4 * n_cigar + l_seq.div_ceil(2) + l_seq;
        if need > data.len() {
            return Err(format!(
                "record fields need {need} bytes but the record has {}",
                data.len()
            ));
        }
        if lrn == 0 {
            return Err("read name length is 0".into());
        }
        let rec = Self {
            data,
            lrn,
            n_cigar,
            l_seq,
        };
        for op in rec.cigar_raw() {
            if op & 0xf > 8 {
                return Err(format!("invalid CIGAR operation code {}", op & 0xf));
            }
        }
        Ok(rec)
    }

    /// Reference id (-1 for none).
    pub fn ref_id(&self) -> i32 {
        le_i32(self.data, 0)
    }
    /// 0-based leftmost position (-1 for none).
    pub fn pos(&self) -> i32 {
        le_i32(self.data, 4)
    }
    /// Mapping quality.
    pub fn mapq(&self) -> u8 {
        self.data[9]
    }
    /// Number of CIGAR operations.
    pub fn n_cigar(&self) -> usize {
        self.n_cigar
    }
    /// SAM flag.
    pub fn flag(&self) -> u16 {
        le_u16(self.data, 14)
    }
    /// Mate reference id.
    pub fn mate_ref_id(&self) -> i32 {
        le_i32(self.data, 20)
    }
    /// Mate 0-based position.
    pub fn mate_pos(&self) -> i32 {
        le_i32(self.data, 24)
    }
    /// Template length.
    pub fn tlen(&self) -> i32 {
        le_i32(self.data, 28)
    }
    /// Read name without the trailing NUL.
    pub fn name(&self) -> &'a [u8] {
        let n = &self.data[32..32 + self.lrn];
        n.strip_suffix(&[0]).unwrap_or(n)
    }
    /// Raw CIGAR words (`len << 4 | op`).
    pub fn cigar_raw(&self) -> impl Iterator<Item = u32> + 'a {
        let at = 32 + self.lrn;
        self.data[at..at + 4 * self.n_cigar]
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
    }
    /// Base qualities (all 0xFF when the record has none).
    pub fn qual(&self) -> &'a [u8] {
        let at = 32 + self.lrn + 4 * self.n_cigar + self.l_seq.div_ceil(2);
        &self.data[at..at + self.l_seq]
    }
    /// Number of bases (SEQ length).
    pub fn l_seq(&self) -> usize {
        self.l_seq
    }
    /// The 4-bit code of base `i` (`=ACMGRSVTWYHKDBN`: A=1, C=2, G=4, T=8, N=15); `i` must
    /// be below [`RawRecord::l_seq`].
    pub fn base(&self, i: usize) -> u8 {
        let b = self.data[32 + self.lrn + 4 * self.n_cigar + i / 2];
        if i.is_multiple_of(2) { b >> 4 } else { b & 0xf }
    }
    /// Reference bases covered by the CIGAR (M, D, N, =, X).
    pub fn ref_len(&self) -> u64 {
        self.cigar_raw()
            .filter(|op| matches!(op & 0xf, 0 | 2 | 3 | 7 | 8))
            .map(|op| u64::from(op >> 4))
            .sum()
    }
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

/// One whole compressed block as read from the file.
struct RawBlock {
    offset: u64,
    bytes: Vec<u8>,
    /// Offset of the deflate payload inside `bytes`.
    payload: usize,
}

impl RawBlock {
    fn isize(&self) -> usize {
        le_u32(&self.bytes, self.bytes.len() - 4) as usize
    }
    fn crc(&self) -> u32 {
        le_u32(&self.bytes, self.bytes.len() - 8)
    }
}

/// Reads the next block at `offset`; `Ok(None)` at a clean end of file.
fn read_block<R: Read>(
    r: &mut R,
    offset: u64,
    path: &Path,
) -> Result<Option<RawBlock>, CoverageError> {
    let mut head = [0u8; 12];
    let mut got = 0;
    while got < 12 {
        let n = r.read(&mut head[got..]).map_err(io_err(path, "read BAM"))?;
        if n == 0 {
            break;
        }
        got += n;
    }
    if got == 0 {
        return Ok(None);
    }
    let corrupt = |detail: &str| CoverageError::BamCorrupt {
        path: path.to_path_buf(),
        offset,
        detail: detail.to_string(),
    };
    let header_err =
        |e: bgzf::HeaderError, offset: u64| super::bam_check::not_bgzf(path, offset, e, &head);
    let truncated = || CoverageError::BamTruncated {
        path: path.to_path_buf(),
        detail: format!("the BGZF block at byte {offset} is cut short"),
    };
    if got < 12 {
        return Err(truncated());
    }
    // One BGZF header parser for FASTQ and BAM (`io::bgzf`): `BC` among any other subfields.
    let xlen = bgzf::extra_len(&head).map_err(|e| header_err(e, offset))?;
    let mut extra = vec![0u8; xlen];
    r.read_exact(&mut extra).map_err(|_| truncated())?;
    let total = bgzf::bsize_from_extra(&extra).map_err(|e| header_err(e, offset))?;
    if total < 12 + xlen + 8 {
        return Err(corrupt("BGZF block size is too small"));
    }
    let mut bytes = Vec::with_capacity(total);
    bytes.extend_from_slice(&head);
    bytes.extend_from_slice(&extra);
    bytes.resize(total, 0);
    r.read_exact(&mut bytes[12 + xlen..])
        .map_err(|_| truncated())?;
    let block = RawBlock {
        offset,
        bytes,
        payload: 12 + xlen,
    };
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

fn inflate(
    d: &mut libdeflater::Decompressor,
    b: &RawBlock,
    out: &mut [u8],
    path: &Path,
) -> Result<(), CoverageError> {
    let corrupt = |detail: String| CoverageError::BamCorrupt {
        path: path.to_path_buf(),
        offset: b.offset,
        detail,
    };
    let payload = &b.bytes[b.payload..b.bytes.len() - 8];
    let n = d
        .deflate_decompress(payload, out)
        .map_err(|e| corrupt(format!("inflate failed: {e:?}")))?;
    if n != out.len() {
        return Err(corrupt(format!(
            "inflated {n} bytes, header says {}",
            out.len()
        )));
    }
    if libdeflater::crc32(out) != b.crc() {
        return Err(corrupt("CRC32 mismatch".into()));
    }
    Ok(())
}

/// Reads the header from the start of the file; returns it and the position of the first record.
pub fn read_header(path: &Path) -> Result<(BamHeader, VPos), CoverageError> {
    let f = File::open(path).map_err(io_err(path, "open BAM"))?;
    let mut r = BufReader::with_capacity(1 << 16, f);
    let mut d = libdeflater::Decompressor::new();
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
        inflate(&mut d, &b, &mut data[start..], path)?;
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

/// Inflated bytes of one batch; `data[skip..valid]` holds record bytes of the current range.
struct Batch {
    data: Vec<u8>,
    skip: usize,
    valid: usize,
    range_start: bool,
}

type BatchMsg = Result<Batch, CoverageError>;
type BatchTx = SyncSender<Receiver<BatchMsg>>;

/// Inflates every block of a batch in parallel into one contiguous buffer.
fn inflate_batch(
    path: &Path,
    blocks: &[RawBlock],
    sizes: &[usize],
    total: usize,
) -> Result<Vec<u8>, CoverageError> {
    let mut data = vec![0u8; total];
    let mut slices: Vec<&mut [u8]> = Vec::with_capacity(blocks.len());
    let mut rest: &mut [u8] = &mut data;
    for &s in sizes {
        let (a, b) = rest.split_at_mut(s);
        slices.push(a);
        rest = b;
    }
    blocks
        .par_iter()
        .zip(slices.into_par_iter())
        .map_init(libdeflater::Decompressor::new, |d, (b, out)| {
            inflate(d, b, out, path)
        })
        .collect::<Vec<Result<(), CoverageError>>>()
        .into_iter()
        // The first failing block in file order, whatever the thread count (rayon's
        // `collect::<Result<_>>` would return whichever failure finished first).
        .collect::<Result<Vec<()>, CoverageError>>()?;
    Ok(data)
}

fn produce(
    path: &Path,
    ranges: &[ReadRange],
    pool: &rayon::ThreadPool,
    tx: &BatchTx,
) -> Result<(), CoverageError> {
    let f = File::open(path).map_err(io_err(path, "open BAM"))?;
    let mut r = BufReader::with_capacity(1 << 20, f);
    for range in ranges {
        r.seek(SeekFrom::Start(range.start.block))
            .map_err(io_err(path, "seek BAM"))?;
        let mut offset = range.start.block;
        let mut first = true;
        let mut done = false;
        while !done {
            let mut blocks = Vec::new();
            let mut inflated = 0;
            let mut end_trim = None;
            while inflated < BATCH_INFLATED {
                if let Some(end) = range.end
                    && (offset > end.block || (offset == end.block && end.within == 0))
                {
                    done = true;
                    break;
                }
                let Some(b) = read_block(&mut r, offset, path)? else {
                    done = true;
                    break;
                };
                offset += b.bytes.len() as u64;
                inflated += b.isize();
                let is_end = range.end.is_some_and(|e| e.block == b.offset);
                if is_end {
                    end_trim = range.end.map(|e| usize::from(e.within));
                }
                blocks.push(b);
                if is_end {
                    done = true;
                    break;
                }
            }
            if blocks.is_empty() {
                break;
            }
            let sizes: Vec<usize> = blocks.iter().map(RawBlock::isize).collect();
            let total: usize = sizes.iter().sum();
            let valid = match end_trim {
                Some(w) => total - sizes.last().copied().unwrap_or(0) + w.min(total),
                None => total,
            };
            let skip = if first {
                usize::from(range.start.within)
            } else {
                0
            };
            let range_start = first;
            first = false;
            // Inflate on the pool while this thread reads the next batch; the consumer takes
            // the results in order through the per-batch channels.
            let (rtx, rrx) = sync_channel::<BatchMsg>(1);
            let owned = path.to_path_buf();
            pool.spawn(move || {
                let res = inflate_batch(&owned, &blocks, &sizes, total).map(|data| Batch {
                    data,
                    skip: skip.min(valid),
                    valid,
                    range_start,
                });
                let _ = rtx.send(res);
            });
            if tx.send(rrx).is_err() {
                return Ok(()); // the consumer stopped (it has its own error)
            }
        }
    }
    Ok(())
}

/// Streams the records of `ranges` to `on_record(record, record_number)`, inflating blocks on
/// `pool` while the calling thread handles records.
pub fn scan<F>(
    path: &Path,
    ranges: &[ReadRange],
    pool: &rayon::ThreadPool,
    mut on_record: F,
) -> Result<u64, CoverageError>
where
    F: FnMut(&RawRecord<'_>, u64) -> Result<(), CoverageError>,
{
    let (tx, rx): (BatchTx, Receiver<Receiver<BatchMsg>>) = sync_channel(queue_depth(pool));
    std::thread::scope(|s| {
        let producer = s.spawn(move || {
            let res = produce(path, ranges, pool, &tx);
            if let Err(e) = res {
                let (etx, erx) = sync_channel(1);
                let _ = etx.send(Err(e));
                let _ = tx.send(erx);
            }
        });
        let mut carry: Vec<u8> = Vec::new();
        let mut n: u64 = 0;
        let mut result = Ok(());
        for pending in rx.iter() {
            let msg = pending.recv().unwrap_or_else(|_| {
                Err(CoverageError::Other("a BGZF inflate worker stopped".into()))
            });
            let batch = match msg {
                Ok(b) => b,
                Err(e) => {
                    result = Err(e);
                    break;
                }
            };
            if batch.range_start {
                if !carry.is_empty() {
                    result = Err(format_err(
                        path,
                        n + 1,
                        "an index chunk ends inside a record (index does not match the BAM?)"
                            .into(),
                    ));
                    break;
                }
                carry.clear();
            }
            if let Err(e) = feed(
                &batch.data[batch.skip..batch.valid],
                &mut carry,
                &mut n,
                path,
                &mut on_record,
            ) {
                result = Err(e);
                break;
            }
        }
        drop(rx);
        let _ = producer.join();
        result?;
        if !carry.is_empty() {
            return Err(CoverageError::BamTruncated {
                path: path.to_path_buf(),
                detail: format!(
                    "the data ends inside record {} ({} bytes left over)",
                    n + 1,
                    carry.len()
                ),
            });
        }
        Ok(n)
    })
}

fn feed<F>(
    data: &[u8],
    carry: &mut Vec<u8>,
    n: &mut u64,
    path: &Path,
    on_record: &mut F,
) -> Result<(), CoverageError>
where
    F: FnMut(&RawRecord<'_>, u64) -> Result<(), CoverageError>,
{
    let block_size = |b: &[u8], n: u64| -> Result<usize, CoverageError> {
        let bs = le_i32(b, 0);
        if !(32..=(1 << 28)).contains(&bs) {
            return Err(format_err(path, n, format!("invalid record size {bs}")));
        }
        Ok(bs as usize)
    };
    let mut i = 0;
    if !carry.is_empty() {
        if carry.len() < 4 {
            let take = (4 - carry.len()).min(data.len());
            carry.extend_from_slice(&data[..take]);
            i = take;
            if carry.len() < 4 {
                return Ok(());
            }
        }
        let need = 4 + block_size(carry, *n + 1)?;
        let take = (need - carry.len()).min(data.len() - i);
        carry.extend_from_slice(&data[i..i + take]);
        i += take;
        if carry.len() < need {
            return Ok(());
        }
        *n += 1;
        let rec = RawRecord::new(&carry[4..need]).map_err(|m| format_err(path, *n, m))?;
        on_record(&rec, *n)?;
        carry.clear();
    }
    while data.len() - i >= 4 {
        let bs = block_size(&data[i..], *n + 1)?;
        if data.len() - i - 4 < bs {
            break;
        }
        *n += 1;
        let rec = RawRecord::new(&data[i + 4..i + 4 + bs]).map_err(|m| format_err(path, *n, m))?;
        on_record(&rec, *n)?;
        i += 4 + bs;
    }
    carry.extend_from_slice(&data[i..]);
    Ok(())
}

/// Index-guided ranges: the BAI chunks of every target region, merged per reference.
pub fn index_ranges(
    bai: &Path,
    regions: &[(usize, u64, u64)],
) -> Result<(Vec<ReadRange>, IndexCounts), CoverageError> {
    use noodles::core::Position;
    use noodles::core::region::Interval;
    use noodles::csi::BinningIndex;
    use noodles::csi::binning_index::ReferenceSequence as _;
    let index = noodles::bam::bai::fs::read(bai).map_err(|e| CoverageError::Index {
        path: bai.to_path_buf(),
        detail: e.to_string(),
    })?;
    let mut chunks = Vec::new();
    for &(rid, start, end) in regions {
        if end <= start {
            continue;
        }
        let s = Position::try_from(start as usize + 1).map_err(|e| CoverageError::Index {
            path: bai.to_path_buf(),
            detail: e.to_string(),
        })?;
        let e = Position::try_from(end as usize).map_err(|e| CoverageError::Index {
            path: bai.to_path_buf(),
            detail: e.to_string(),
        })?;
        let q = index
            .query(rid, Interval::from(s..=e))
            .map_err(|e| CoverageError::Index {
                path: bai.to_path_buf(),
                detail: format!("query of reference {rid}: {e}"),
            })?;
        chunks.extend(q);
    }
    let merged = noodles::csi::binning_index::merge_chunks(&chunks);
    let ranges = merged
        .iter()
        .map(|c| ReadRange {
            start: VPos {
                block: c.start().compressed(),
                within: c.start().uncompressed(),
            },
            end: Some(VPos {
                block: c.end().compressed(),
                within: c.end().uncompressed(),
            }),
        })
        .collect();
    let mut counts = IndexCounts {
        references: index.reference_sequences().len(),
        ..IndexCounts::default()
    };
    for (i, rs) in index.reference_sequences().iter().enumerate() {
        if let Some(m) = rs.metadata() {
            counts.mapped += m.mapped_record_count();
            counts
                .per_reference
                .push((i, m.mapped_record_count() + m.unmapped_record_count()));
        }
    }
    counts.unplaced_unmapped = index.unplaced_unmapped_record_count().unwrap_or(0);
    Ok((ranges, counts))
}

/// Record counts stored in the BAI's metadata pseudo-bins.
#[derive(Debug, Clone, Default)]
pub struct IndexCounts {
    /// Mapped records over all references.
    pub mapped: u64,
    /// (reference id, records placed on it) for references with metadata.
    pub per_reference: Vec<(usize, u64)>,
    /// Unmapped records without a position.
    pub unplaced_unmapped: u64,
    /// Reference sequences the index lists.
    pub references: usize,
}
