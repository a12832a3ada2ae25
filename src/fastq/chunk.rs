//! Cuts a FASTQ byte stream into owned blocks of whole records.
//!
//! The chunker frames records serially (memchr over line ends, counting lines forward from a
//! known record start, never searching backwards for `\n@`), so it knows every record's number
//! and line. Where a chunk ends depends only on the bytes, never on how the reader delivered
//! them: the first record boundary at or after `target_bytes`. Wrapped (multi-line) records are
//! accepted and joined into the chunk's side buffer so that every record is three plain slices.

use std::io::Read;
use std::path::PathBuf;

use memchr::memchr;

use super::{FastqError, FastqErrorKind, ReadError, RecordRef};
use crate::Location;
use crate::io::IoError;

/// How the chunker cuts and what it tolerates.
#[derive(Debug, Clone)]
pub struct ChunkerOptions {
    /// A chunk ends at the first record boundary at or after this many bytes (default 1 MiB).
    pub target_bytes: usize,
    /// A record larger than this is an error rather than unbounded growth (default 256 MiB).
    pub max_record_bytes: usize,
    /// The name used in error locations.
    pub path: PathBuf,
}

impl Default for ChunkerOptions {
    fn default() -> Self {
        Self {
            target_bytes: 1 << 20,
            max_record_bytes: 256 << 20,
            path: PathBuf::from("-"),
        }
    }
}

impl ChunkerOptions {
    /// Chunks of about `target_bytes` from the input named `path`, records of at most
    /// `max_record_bytes`.
    pub fn new(path: PathBuf, target_bytes: usize, max_record_bytes: usize) -> Self {
        Self {
            target_bytes,
            max_record_bytes,
            path,
        }
    }
}

/// Byte ranges of one record inside its chunk (offsets past `data.len()` point into `extra`).
#[derive(Debug, Clone, Copy, Default)]
struct Spans {
    head: (u32, u32),
    seq: (u32, u32),
    plus: (u32, u32),
    qual: (u32, u32),
    /// Line of the `+` separator, relative to the record's title line.
    plus_line: u32,
    /// Absolute 1-based line of the title.
    line: u64,
}

/// A block of whole records: one owned buffer plus the records' spans.
#[derive(Debug, Default)]
pub struct Chunk {
    /// The framed bytes are `data[..bytes]`; the rest is initialised buffer space kept so that
    /// a reused buffer need not be zeroed again.
    data: Vec<u8>,
    bytes: usize,
    extra: Vec<u8>,
    spans: Vec<Spans>,
    first_record: u64,
    path: PathBuf,
}

impl Chunk {
    /// Number of records.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// True when the chunk holds no record.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// 0-based number of the first record in the whole input.
    pub fn first_record(&self) -> u64 {
        self.first_record
    }

    /// Input bytes the chunk covers (line ends included).
    pub fn byte_len(&self) -> usize {
        self.bytes
    }

    /// The `i`-th record as slices into the chunk.
    #[inline]
    pub fn record(&self, i: usize) -> RecordRef<'_> {
        let s = &self.spans[i];
        RecordRef {
            head: self.slice(s.head),
            seq: self.slice(s.seq),
            plus: self.slice(s.plus),
            qual: self.slice(s.qual),
        }
    }

    /// Iterates over the records in order.
    pub fn records(&self) -> impl ExactSizeIterator<Item = RecordRef<'_>> + '_ {
        (0..self.len()).map(|i| self.record(i))
    }

    /// Location of line `offset` of record `i`: 0 = title, 1 = sequence, 2 = separator, 3 = quality.
    pub fn location(&self, i: usize, part: usize) -> Location {
        let s = &self.spans[i];
        let line = match part {
            0 => s.line,
            1 => s.line + 1,
            2 => s.line + u64::from(s.plus_line),
            _ => s.line + u64::from(s.plus_line) + 1,
        };
        Location {
            path: self.path.clone(),
            record: self.first_record + i as u64 + 1,
            line,
        }
    }

    /// Keeps the first `n` records only (a run limited to its first reads stops mid-chunk).
    pub fn truncate(&mut self, n: usize) {
        self.spans.truncate(n);
    }

    /// Gives the buffer back so that the chunker can reuse its allocation.
    pub fn into_buffer(self) -> Vec<u8> {
        self.data
    }

    #[inline]
    fn slice(&self, (a, b): (u32, u32)) -> &[u8] {
        let (a, b) = (a as usize, b as usize);
        if a >= EXTRA_BIAS {
            &self.extra[a - EXTRA_BIAS..b - EXTRA_BIAS]
        } else {
            &self.data[a..b]
        }
    }
}

/// Reads FASTQ from any [`Read`] and hands out [`Chunk`]s of whole records.
#[derive(Debug)]
pub struct Chunker<R> {
    reader: R,
    opts: ChunkerOptions,
    buf: Vec<u8>,
    /// Bytes in `buf` that hold data.
    len: usize,
    eof: bool,
    failed: bool,
    next_record: u64,
    next_line: u64,
    spare: Vec<Vec<u8>>,
}

/// Where `frame` ends a chunk.
struct Cut<'a> {
    /// Exactly this many records (fewer at end of input); `None` = by bytes.
    records: Option<usize>,
    /// By bytes: a multiple of this many records.
    multiple: usize,
    /// By bytes: at most this many records.
    cap: usize,
    /// Keeps the first `agree(k)` of the `k` records framed.
    agree: Option<&'a mut dyn FnMut(usize) -> usize>,
}

/// One line found by the framer: content range (without `\r\n`) and the offset after it.
#[derive(Clone, Copy)]
struct Line {
    start: usize,
    end: usize,
    next: usize,
}

const READ_SIZE: usize = 256 << 10;

impl<R: Read> Chunker<R> {
    /// Wraps a reader of decompressed FASTQ bytes.
    pub fn new(reader: R, mut opts: ChunkerOptions) -> Self {
        opts.max_record_bytes = opts.max_record_bytes.min(MAX_RECORD_LIMIT);
        opts.target_bytes = opts.target_bytes.min(MAX_RECORD_LIMIT);
        Self {
            reader,
            opts,
            buf: Vec::new(),
            len: 0,
            eof: false,
            failed: false,
            next_record: 0,
            next_line: 1,
            spare: Vec::new(),
        }
    }

    /// Records framed so far.
    pub fn records_read(&self) -> u64 {
        self.next_record
    }

    /// The 1-based line number the next record starts on.
    pub fn next_line(&self) -> u64 {
        self.next_line
    }

    /// Returns a chunk buffer for reuse.
    pub fn recycle(&mut self, buf: Vec<u8>) {
        if self.spare.len() < 4 {
            // Keep the initialized bytes: the next fill overwrites them without zeroing.
            self.spare.push(buf);
        }
    }

    /// The next chunk: up to the first record boundary at or after `target_bytes`, or exactly
    /// `records` records when given (fewer only at end of input). `Ok(None)` at end of input.
    /// After an error the chunker returns nothing more.
    pub fn next_chunk(&mut self, records: Option<usize>) -> Result<Option<Chunk>, ReadError> {
        self.next_chunk_multiple(records, 1)
    }

    /// Like [`Chunker::next_chunk`], but with a byte target the record count is rounded up to a
    /// multiple of `multiple` (2 for interleaved pairs).
    pub fn next_chunk_multiple(
        &mut self,
        records: Option<usize>,
        multiple: usize,
    ) -> Result<Option<Chunk>, ReadError> {
        self.guarded(Cut {
            records,
            multiple: multiple.max(1),
            cap: usize::MAX,
            agree: None,
        })
    }

    /// Frames ahead up to the first record boundary at or after `target_bytes` (at most `cap`
    /// records; fewer at end of input), calls `agree` with the number of records framed (0 at
    /// end of input) and cuts the chunk after the first `agree(k)` of them: the others stay in
    /// the chunker, unframed, for the next chunk. With the two mates of a pair agreeing on the
    /// smaller count, both chunks stay within the byte target whatever the read lengths.
    /// `agree` is not called when framing fails.
    pub fn next_chunk_agreed(
        &mut self,
        cap: usize,
        agree: &mut dyn FnMut(usize) -> usize,
    ) -> Result<Option<Chunk>, ReadError> {
        self.guarded(Cut {
            records: None,
            multiple: 1,
            cap: cap.max(1),
            agree: Some(agree),
        })
    }

    fn guarded(&mut self, cut: Cut<'_>) -> Result<Option<Chunk>, ReadError> {
        if self.failed {
            return Ok(None);
        }
        let result = self.frame(cut);
        if result.is_err() {
            self.failed = true;
        }
        result
    }

    fn frame(&mut self, cut: Cut<'_>) -> Result<Option<Chunk>, ReadError> {
        let Cut {
            records,
            multiple,
            cap,
            agree,
        } = cut;
        let mut spans: Vec<Spans> = Vec::with_capacity(records.unwrap_or(1024).min(cap));
        let mut extra = Vec::new();
        let mut pos = 0usize;
        let first_record = self.next_record;
        loop {
            let done = match records {
                Some(n) => spans.len() >= n,
                None => {
                    (pos >= self.opts.target_bytes && spans.len().is_multiple_of(multiple))
                        || spans.len() >= cap
                }
            };
            if done {
                break;
            }
            match self.frame_record(pos, &mut extra)? {
                Some((span, next)) => {
                    spans.push(span);
                    pos = next;
                }
                None => break,
            }
        }
        if let Some(agree) = agree {
            let n = agree(spans.len()).min(spans.len());
            if let Some(first) = spans.get(n).copied() {
                // Give the records after the first `n` back: they start at `first`'s title.
                pos = first.head.0 as usize - 1;
                self.next_record -= (spans.len() - n) as u64;
                self.next_line = first.line;
                if let Some(s) = spans[n..].iter().find(|s| s.seq.0 as usize >= EXTRA_BIAS) {
                    extra.truncate(s.seq.0 as usize - EXTRA_BIAS);
                }
                spans.truncate(n);
            }
        }
        if spans.is_empty() {
            return Ok(None);
        }
        // Move the unframed tail into a fresh buffer; the chunk keeps the framed bytes.
        // Recycled buffers keep their length, so `fill` does not zero them again.
        let mut rest = self.spare.pop().unwrap_or_default();
        let tail = self.len - pos;
        if rest.len() < tail {
            rest.resize(tail, 0);
        }
        rest[..tail].copy_from_slice(&self.buf[pos..self.len]);
        // The chunk keeps the whole buffer (its bytes past `pos` are stale but initialised),
        // so that `fill` can reuse it without zeroing it again.
        let data = std::mem::replace(&mut self.buf, rest);
        self.len -= pos;
        Ok(Some(Chunk {
            data,
            bytes: pos,
            extra,
            spans,
            first_record,
            path: self.opts.path.clone(),
        }))
    }

    /// Reads more bytes; returns false at end of input.
    fn fill(&mut self) -> Result<bool, ReadError> {
        if self.eof {
            return Ok(false);
        }
        // Read in pieces of at most 4 MiB whatever the target, so memory follows the data.
        let want = self.len + READ_SIZE.max((self.opts.target_bytes / 4).min(4 << 20));
        if self.buf.len() < want {
            self.buf.resize(want, 0);
        }
        loop {
            match self.reader.read(&mut self.buf[self.len..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.len += n;
                    return Ok(true);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(io_error(e, &self.opts.path).into()),
            }
        }
    }

    /// Finds the line starting at `from`, reading more input as needed. `None` at end of input.
    fn line(&mut self, from: usize, record_start: usize) -> Result<Option<Line>, ReadError> {
        let mut scanned = from;
        loop {
            if let Some(i) = memchr(b'\n', &self.buf[scanned..self.len]) {
                let nl = scanned + i;
                let end = if nl > from && self.buf[nl - 1] == b'\r' {
                    nl - 1
                } else {
                    nl
                };
                return Ok(Some(Line {
                    start: from,
                    end,
                    next: nl + 1,
                }));
            }
            scanned = self.len;
            if self.len - record_start > self.opts.max_record_bytes {
                let limit = self.opts.max_record_bytes;
                return Err(self.error(0, FastqErrorKind::RecordTooLarge { limit }));
            }
            if !self.fill()? {
                if from >= self.len {
                    return Ok(None);
                }
                let mut end = self.len;
                if self.buf[end - 1] == b'\r' {
                    end -= 1;
                }
                return Ok(Some(Line {
                    start: from,
                    end,
                    next: self.len,
                }));
            }
        }
    }

    fn error(&self, line_offset: u64, kind: FastqErrorKind) -> ReadError {
        ReadError::Fastq(FastqError {
            location: Location {
                path: self.opts.path.clone(),
                record: self.next_record + 1,
                line: self.next_line + line_offset,
            },
            kind,
        })
    }

    fn preview(&self, l: Line) -> String {
        let end = l.end.min(l.start + 40);
        String::from_utf8_lossy(&self.buf[l.start..end]).into_owned()
    }

    /// Frames the record starting at `pos`. `None` at a clean end of input.
    fn frame_record(
        &mut self,
        pos: usize,
        extra: &mut Vec<u8>,
    ) -> Result<Option<(Spans, usize)>, ReadError> {
        let Some(head) = self.line(pos, pos)? else {
            return Ok(None);
        };
        if self.buf[head.start..head.end].first() != Some(&b'@') {
            if head.start == head.end && self.rest_is_blank(head.next)? {
                self.len = pos; // trailing blank lines at the end of the file
                return Ok(None);
            }
            if let Some(&code) = self.buf[head.start..head.end]
                .iter()
                .find(|&&b| is_binary(b))
            {
                return Err(self.error(0, FastqErrorKind::Binary { code }));
            }
            let found = self.preview(head);
            return Err(self.error(0, FastqErrorKind::BadHeader { found }));
        }
        let Some(seq) = self.line(head.next, pos)? else {
            return Err(self.error(
                1,
                FastqErrorKind::Truncated {
                    what: "sequence line",
                },
            ));
        };
        let Some(mut plus) = self.line(seq.next, pos)? else {
            return Err(self.error(
                2,
                FastqErrorKind::Truncated {
                    what: "separator line",
                },
            ));
        };
        let mut seq_lines = 1u32;
        let mut wrapped: Option<Vec<u8>> = None;
        while self.buf.get(plus.start) != Some(&b'+') {
            // A wrapped sequence continues only with IUPAC letters; anything else is a bad separator.
            let text = &self.buf[plus.start..plus.end];
            if text.is_empty() || !text.iter().all(|&b| super::parse::is_iupac(b)) {
                let found = self.preview(plus);
                let off = u64::from(seq_lines) + 1;
                return Err(self.error(off, FastqErrorKind::BadSeparator { found }));
            }
            let joined = wrapped.get_or_insert_with(|| self.buf[seq.start..seq.end].to_vec());
            joined.extend_from_slice(&self.buf[plus.start..plus.end]);
            seq_lines += 1;
            let next = plus.next;
            plus = match self.line(next, pos)? {
                Some(l) => l,
                None => {
                    let off = u64::from(seq_lines) + 1;
                    return Err(self.error(
                        off,
                        FastqErrorKind::Truncated {
                            what: "separator line",
                        },
                    ));
                }
            };
        }
        let plus_line = seq_lines + 1;
        let Some(qual) = self.line(plus.next, pos)? else {
            let off = u64::from(plus_line) + 1;
            return Err(self.error(
                off,
                FastqErrorKind::Truncated {
                    what: "quality line",
                },
            ));
        };
        let mut lines = u64::from(plus_line) + 2;
        let seq_len = wrapped.as_ref().map_or(seq.end - seq.start, Vec::len);
        let first_qual = qual.end - qual.start;
        let (seq_span, qual_span, next) = if wrapped.is_none() && first_qual >= seq_len {
            (
                span(seq.start, seq.end),
                span(qual.start, qual.end),
                qual.next,
            )
        } else {
            // Wrapped quality: lines follow until they reach the sequence's length. Overshooting
            // means a plain short quality line (the next title was read as quality).
            let mut q = self.buf[qual.start..qual.end].to_vec();
            let mut next = qual.next;
            while q.len() < seq_len {
                let Some(l) = self.line(next, pos)? else {
                    if wrapped.is_none() && q.len() == first_qual {
                        // One short quality line at the end of the input.
                        let kind = FastqErrorKind::LengthMismatch {
                            seq: seq_len,
                            qual: first_qual,
                        };
                        return Err(self.error(u64::from(plus_line) + 1, kind));
                    }
                    let kind = FastqErrorKind::Truncated {
                        what: "quality line",
                    };
                    return Err(self.error(lines, kind));
                };
                q.extend_from_slice(&self.buf[l.start..l.end]);
                next = l.next;
                lines += 1;
            }
            if q.len() > seq_len {
                let kind = FastqErrorKind::LengthMismatch {
                    seq: seq_len,
                    qual: first_qual,
                };
                return Err(self.error(u64::from(plus_line) + 1, kind));
            }
            let s0 = EXTRA_BIAS + extra.len();
            match &wrapped {
                Some(joined) => extra.extend_from_slice(joined),
                None => extra.extend_from_slice(&self.buf[seq.start..seq.end]),
            }
            let q0 = EXTRA_BIAS + extra.len();
            extra.extend_from_slice(&q);
            (span(s0, s0 + seq_len), span(q0, q0 + q.len()), next)
        };
        let spans = Spans {
            head: span(head.start + 1, head.end),
            seq: seq_span,
            plus: span(plus.start + 1, plus.end),
            qual: qual_span,
            plus_line,
            line: self.next_line,
        };
        self.next_record += 1;
        self.next_line += lines;
        Ok(Some((spans, next)))
    }

    /// True when nothing but whitespace follows `from` up to the end of the input.
    ///
    /// Each byte is looked at once, and whitespace already seen is dropped from the buffer
    /// before reading more: 64 MiB of trailing blank lines take linear time and no memory.
    fn rest_is_blank(&mut self, from: usize) -> Result<bool, ReadError> {
        let from = from.min(self.len);
        loop {
            if self.buf[from..self.len]
                .iter()
                .any(|b| !b.is_ascii_whitespace())
            {
                return Ok(false);
            }
            self.len = from;
            if !self.fill()? {
                return Ok(true);
            }
        }
    }
}

/// Spans at or above this offset point into the side buffer of joined wrapped records
/// (chunks are far smaller: records are limited to [`MAX_RECORD_LIMIT`]).
const EXTRA_BIAS: usize = 1 << 31;

/// The largest `max_record_bytes` accepted (1 GiB).
pub const MAX_RECORD_LIMIT: usize = 1 << 30;

fn span(a: usize, b: usize) -> (u32, u32) {
    (a as u32, b as u32)
}

fn is_binary(b: u8) -> bool {
    b < 0x20 && b != b'\t'
}

/// Keeps an [`IoError`] raised by a decompressing reader; wraps any other I/O error.
pub(crate) fn io_error(e: std::io::Error, path: &std::path::Path) -> IoError {
    if e.get_ref().is_some_and(|inner| inner.is::<IoError>()) {
        if let Some(inner) = e.into_inner()
            && let Ok(io) = inner.downcast::<IoError>()
        {
            return *io;
        }
        return IoError::File {
            path: path.to_path_buf(),
            action: "read",
            source: std::io::Error::other("decompression failed"),
        };
    }
    IoError::File {
        path: path.to_path_buf(),
        action: "read",
        source: e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Owned = (Vec<u8>, Vec<u8>, Vec<u8>, Vec<u8>);

    fn all(data: &[u8], target: usize) -> Result<Vec<Owned>, ReadError> {
        let opts = ChunkerOptions {
            target_bytes: target,
            ..Default::default()
        };
        let mut c = Chunker::new(data, opts);
        let mut out = Vec::new();
        while let Some(ch) = c.next_chunk(None)? {
            for r in ch.records() {
                out.push((
                    r.head.to_vec(),
                    r.seq.to_vec(),
                    r.plus.to_vec(),
                    r.qual.to_vec(),
                ));
            }
        }
        Ok(out)
    }

    #[test]
    fn frames_records_for_every_target_size() {
        let data = b"@a x\nACGT\n+\nIIII\n@b\nGG\n+b\nII\n@c\n\n+\n\n@d\nT\n+\nI";
        for target in 1..data.len() + 2 {
            let recs = all(data, target).expect("valid");
            assert_eq!(recs.len(), 4, "target {target}");
            assert_eq!(recs[0].0, b"a x");
            assert_eq!(recs[1].2, b"b");
            assert_eq!(recs[2].1, b"");
            assert_eq!(recs[3].3, b"I");
        }
    }

    #[test]
    fn crlf_and_wrapped_records() {
        let data = b"@a\r\nACGT\r\n+\r\nIIII\r\n@w\nACG\nTT\n+\n@II\n+I\n";
        let recs = all(data, 1).expect("valid");
        assert_eq!(recs[0].1, b"ACGT");
        assert_eq!(recs[0].3, b"IIII");
        assert_eq!(recs[1].1, b"ACGTT");
        assert_eq!(recs[1].3, b"@II+I");
    }

    #[test]
    fn truncation_and_bad_lines_are_located() {
        let cases: [(&[u8], u64, u64); 4] = [
            (b"@a\nAC\n+\nII\n@b\nAC\n", 2, 7),
            (b"@a\nAC\n+\nII\nb\nAC\n+\nII\n", 2, 5),
            (b"@a\nAC\n-\nII\n", 1, 3),
            (b"@a\n", 1, 2),
        ];
        for (data, record, line) in cases {
            let Err(ReadError::Fastq(e)) = all(data, 1) else {
                panic!("expected error")
            };
            assert_eq!((e.location.record, e.location.line), (record, line), "{e}");
        }
    }

    #[test]
    fn agreed_cuts_give_the_rest_back() {
        let data = b"@a\nAC\n+\nII\n@w\nAC\nGT\n+\nII\nII\n@c\nG\n+\nI\n@d\nT\n+\nI\n";
        let opts = ChunkerOptions {
            target_bytes: usize::MAX,
            ..Default::default()
        };
        let mut c = Chunker::new(&data[..], opts);
        let mut seen = Vec::new();
        // Frames all four, keeps one; then frames three (capped at 2), keeps both...
        let mut keep = [1usize, 2, 5, 0].into_iter();
        let mut caps = [usize::MAX, 2, usize::MAX, usize::MAX].into_iter();
        let mut got = Vec::new();
        loop {
            let cap = caps.next().unwrap_or(usize::MAX);
            let want = keep.next().unwrap_or(0);
            let ch = c
                .next_chunk_agreed(cap, &mut |k| {
                    seen.push(k);
                    want
                })
                .expect("valid");
            let Some(ch) = ch else { break };
            for (i, r) in ch.records().enumerate() {
                let loc = ch.location(i, 0);
                got.push((
                    r.head.to_vec(),
                    r.seq.to_vec(),
                    r.qual.to_vec(),
                    loc.record,
                    loc.line,
                ));
            }
        }
        assert_eq!(seen, [4, 2, 1, 0]);
        let heads: Vec<_> = got.iter().map(|g| g.0.clone()).collect();
        assert_eq!(
            heads,
            [b"a".to_vec(), b"w".to_vec(), b"c".to_vec(), b"d".to_vec()]
        );
        assert_eq!(got[1].1, b"ACGT");
        assert_eq!(got[1].2, b"IIII");
        assert_eq!((got[2].3, got[2].4), (3, 11));
        assert_eq!((got[3].3, got[3].4), (4, 15));
        assert_eq!(c.records_read(), 4);
    }

    #[test]
    fn exact_record_counts_and_trailing_blank_lines() {
        let data = b"@a\nA\n+\nI\n@b\nC\n+\nI\n@c\nG\n+\nI\n\n\n";
        let mut c = Chunker::new(&data[..], ChunkerOptions::default());
        assert_eq!(c.next_chunk(Some(2)).expect("ok").map(|c| c.len()), Some(2));
        let last = c.next_chunk(Some(2)).expect("ok").expect("one left");
        assert_eq!(last.len(), 1);
        assert_eq!(last.first_record(), 2);
        assert!(c.next_chunk(None).expect("ok").is_none());
    }
}
