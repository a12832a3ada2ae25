//! Cuts a FASTQ byte stream into owned blocks of whole records.
//!
//! The chunker frames records serially (line ends found forward from a known record start,
//! never searching backwards for `\n@`), so it knows every record's number and line. A plain
//! four-line record wholly in the buffer takes a fast path (its line ends from one 64-byte mask);
//! anything else is framed line by line, with the same result. Where a chunk ends depends only
//! on the bytes, never on how the reader delivered them: the first record boundary at or after
//! `target_bytes`. Wrapped (multi-line) records are accepted and joined into the chunk's side
//! buffer so that every record is three plain slices.

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
    /// Tests turn the fast path off to frame with the per-line path alone.
    #[cfg(test)]
    simple: bool,
    /// Records framed by the fast path (tests check that it is taken).
    #[cfg(test)]
    simple_hits: usize,
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
            #[cfg(test)]
            simple: true,
            #[cfg(test)]
            simple_hits: 0,
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
        let mut newlines = Newlines::NONE;
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
            if let Some((span, next)) = self.simple_record(pos, &mut newlines) {
                spans.push(span);
                pos = next;
                continue;
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
        let piece = READ_SIZE.max((self.opts.target_bytes / 4).min(4 << 20));
        let want = self.len + piece;
        if self.buf.len() < want {
            // Room for a whole chunk at once (the target, a piece read past it and the tail
            // before it): growing by doubling would copy the buffer into fresh pages. Pages
            // past `want` stay untouched.
            let room = want.max(self.opts.target_bytes.saturating_add(2 * piece));
            if self.buf.capacity() < room {
                self.buf.reserve_exact(room - self.buf.len());
            }
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
                return Ok(Some(Line {
                    start: from,
                    end: strip_cr(&self.buf, from, nl),
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

    /// Frames the record starting at `pos` when it is wholly buffered (its four lines end in
    /// `\n` before `len`) and plainly simple: the title starts with `@`, the third line with `+`,
    /// and the quality line is at least as long as the sequence line. These are exactly the
    /// records that [`Chunker::frame_record`] takes from the first four lines without reading
    /// more input, and the spans, record count and line count come out the same (`\r` before
    /// `\n` included). Anything else is `None`, left to `frame_record` and its result
    /// or error. `newlines` stands right after the last record framed here, if any.
    #[inline]
    fn simple_record(&mut self, pos: usize, newlines: &mut Newlines) -> Option<(Spans, usize)> {
        #[cfg(test)]
        if !self.simple {
            return None;
        }
        let buf = &self.buf[..self.len];
        if buf.get(pos) != Some(&b'@') {
            newlines.at = usize::MAX;
            return None;
        }
        if newlines.at != pos {
            *newlines = Newlines::new(buf, pos);
        }
        newlines.at = usize::MAX;
        let n0 = newlines.next(buf)?;
        let n1 = newlines.next(buf)?;
        let n2 = newlines.next(buf)?;
        let n3 = newlines.next(buf)?;
        if buf.get(n1 + 1) != Some(&b'+') {
            return None;
        }
        let seq_end = strip_cr(buf, n0 + 1, n1);
        let qual_end = strip_cr(buf, n2 + 1, n3);
        if qual_end - (n2 + 1) < seq_end - (n0 + 1) {
            return None;
        }
        newlines.at = n3 + 1;
        let spans = Spans {
            head: span(pos + 1, strip_cr(buf, pos, n0)),
            seq: span(n0 + 1, seq_end),
            plus: span(n1 + 2, strip_cr(buf, n1 + 1, n2)),
            qual: span(n2 + 1, qual_end),
            plus_line: 2,
            line: self.next_line,
        };
        self.next_record += 1;
        self.next_line += 4;
        #[cfg(test)]
        {
            self.simple_hits += 1;
        }
        Some((spans, n3 + 1))
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

/// End of the line from `start` to the `\n` at `nl`, without a `\r` before the `\n` (both
/// framing paths).
#[inline]
fn strip_cr(buf: &[u8], start: usize, nl: usize) -> usize {
    if nl > start && buf[nl - 1] == b'\r' {
        nl - 1
    } else {
        nl
    }
}

/// A cursor over the `\n`s of the buffered bytes, found 64 bytes at a time, for
/// [`Chunker::simple_record`].
#[derive(Debug, Clone, Copy)]
struct Newlines {
    /// Offset of the current block of 64 bytes.
    base: usize,
    /// The block's `\n`s not handed out yet (bit `i`: byte `base + i`).
    mask: u64,
    /// The block reaches the end of the buffered bytes (more input may follow).
    last: bool,
    /// Where the next record starts when the cursor stands right before it, else `usize::MAX`.
    at: usize,
}

impl Newlines {
    const NONE: Self = Self {
        base: 0,
        mask: 0,
        last: true,
        at: usize::MAX,
    };

    /// A cursor at `pos` of the buffered bytes `buf`.
    fn new(buf: &[u8], pos: usize) -> Self {
        let mut n = Self {
            base: pos,
            mask: 0,
            last: false,
            at: pos,
        };
        n.load(buf);
        n
    }

    #[inline]
    fn load(&mut self, buf: &[u8]) {
        match buf.get(self.base..).and_then(<[u8]>::first_chunk::<64>) {
            Some(block) => self.mask = newline_mask(block),
            None => self.load_last(buf),
        }
    }

    /// Loads the block that reaches the end of the buffered bytes.
    #[cold]
    fn load_last(&mut self, buf: &[u8]) {
        let rest = buf.get(self.base..).unwrap_or_default();
        let mut block = [0u8; 64];
        block[..rest.len()].copy_from_slice(rest);
        self.mask = newline_mask(&block);
        self.last = true;
    }

    /// The offset of the next `\n`; `None` past the buffered bytes.
    #[inline]
    fn next(&mut self, buf: &[u8]) -> Option<usize> {
        while self.mask == 0 {
            if self.last {
                return None;
            }
            self.base += 64;
            self.load(buf);
        }
        let i = self.mask.trailing_zeros() as usize;
        self.mask &= self.mask - 1;
        Some(self.base + i)
    }
}

/// Bit `i` set where `block[i]` is `\n`.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
#[allow(unsafe_code)] // measured hot spot: the framer's fast path (see the SAFETY note)
fn newline_mask(block: &[u8; 64]) -> u64 {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8,
    };
    let mut mask = 0u64;
    // SAFETY: SSE2 is part of the x86_64 baseline; each unaligned load reads sixteen bytes of
    // the 64-byte block (at offsets 0, 16, 32 and 48).
    unsafe {
        let nl = _mm_set1_epi8(b'\n' as i8);
        for k in 0..4 {
            let v = _mm_loadu_si128(block.as_ptr().add(16 * k).cast::<__m128i>());
            let bits = _mm_movemask_epi8(_mm_cmpeq_epi8(v, nl)) as u32 as u64;
            mask |= bits << (16 * k);
        }
    }
    mask
}

/// Bit `i` set where `block[i]` is `\n`.
#[cfg(not(target_arch = "x86_64"))]
#[inline]
fn newline_mask(block: &[u8; 64]) -> u64 {
    newline_mask_swar(block)
}

/// [`newline_mask`] eight bytes at a time in plain integers.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
#[inline]
fn newline_mask_swar(block: &[u8; 64]) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let mut mask = 0u64;
    for (k, word) in block.as_chunks::<8>().0.iter().enumerate() {
        let x = u64::from_le_bytes(*word) ^ 0x0a0a_0a0a_0a0a_0a0a;
        // The high bit of each byte that is zero in `x` (exact: no carries between bytes).
        let zero = !(((x & LOW7) + LOW7) | x | LOW7);
        // Gathers the eight high bits into the top byte (the products do not overlap).
        let bits = (zero >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56;
        mask |= bits << (8 * k);
    }
    mask
}

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

    /// Delivers `data` in pieces whose sizes cycle through `sizes`.
    struct Drip<'a> {
        data: &'a [u8],
        sizes: Vec<usize>,
        i: usize,
    }

    impl Read for Drip<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let want = self.sizes[self.i % self.sizes.len()];
            self.i += 1;
            let n = want.min(out.len()).min(self.data.len());
            out[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    /// How a framing run asks for its chunks.
    #[derive(Debug, Clone, Copy)]
    enum Ask {
        Bytes(usize),
        Records(usize),
        /// Agreed cuts: the cap, and how many of the framed records to give back each time
        /// (cycling through 0, 1, 2...).
        Agreed(usize, usize),
    }

    /// Everything observable of one framing run: per chunk its first record, bytes, spans,
    /// side buffer, records and locations, and the chunker's counters after it; then the error.
    fn observe(
        data: &[u8],
        opts: &ChunkerOptions,
        sizes: &[usize],
        ask: Ask,
        simple: bool,
    ) -> (Vec<String>, Option<String>, usize) {
        let drip = Drip {
            data,
            sizes: sizes.to_vec(),
            i: 0,
        };
        let mut c = Chunker::new(drip, opts.clone());
        c.simple = simple;
        let mut out = Vec::new();
        let mut calls = 0usize;
        for _ in 0..data.len() + 3 {
            let got = match ask {
                Ask::Bytes(multiple) => c.next_chunk_multiple(None, multiple),
                Ask::Records(n) => c.next_chunk(Some(n)),
                Ask::Agreed(cap, back) => c.next_chunk_agreed(cap, &mut |k| {
                    calls += 1;
                    k.saturating_sub(calls % (back + 1))
                }),
            };
            match got {
                Ok(Some(ch)) => {
                    let mut s = format!(
                        "first {} bytes {} data {:?} extra {:?} spans {:?}\n",
                        ch.first_record(),
                        ch.byte_len(),
                        &ch.data[..ch.byte_len()],
                        ch.extra,
                        ch.spans
                    );
                    for (i, r) in ch.records().enumerate() {
                        let locs: Vec<_> = (0..4).map(|p| ch.location(i, p)).collect();
                        s.push_str(&format!("{r:?} {locs:?}\n"));
                    }
                    s.push_str(&format!("read {} line {}", c.records_read(), c.next_line()));
                    out.push(s);
                    // Hand buffers back now and then, as the pipeline does.
                    if ch.first_record() % 2 == 0 {
                        c.recycle(ch.into_buffer());
                    }
                }
                Ok(None) => return (out, None, c.simple_hits),
                Err(e) => {
                    // After an error the chunker gives nothing more.
                    let after = format!("{:?}", c.next_chunk(None).map(|o| o.map(|ch| ch.len())));
                    return (out, Some(format!("{e:?} then {after}")), c.simple_hits);
                }
            }
        }
        panic!("the chunker does not end");
    }

    /// A random FASTQ text: mostly plain records, with CRLF, wrapped lines, blank lines,
    /// odd separators and qualities, binary bytes, truncation and random byte edits mixed in.
    fn random_fastq(rng: &mut rand_pcg::Pcg64) -> Vec<u8> {
        use rand::RngExt;
        let mut out = Vec::new();
        let records = rng.random_range(0..20);
        let odd = rng.random_range(0..4) == 0; // most inputs are mostly well-formed
        let crlf_all = rng.random_range(0..6) == 0;
        let chance = |rng: &mut rand_pcg::Pcg64, n: u32| rng.random_range(0..n) == 0;
        for _ in 0..records {
            let eol = |rng: &mut rand_pcg::Pcg64| -> &'static [u8] {
                if crlf_all || chance(rng, 20) {
                    b"\r\n"
                } else {
                    b"\n"
                }
            };
            let len: usize = match rng.random_range(0..10) {
                0 => 0,
                1 => rng.random_range(60..200),
                2 if chance(rng, 8) => rng.random_range(300..3000),
                _ => rng.random_range(1..40),
            };
            out.push(b'@');
            let name_len = rng.random_range(0..30);
            for _ in 0..name_len {
                out.push(b"ABCxyz09:_ /"[rng.random_range(0..12)]);
            }
            if odd && chance(rng, 10) {
                out.push([0u8, 1, 0x1b, 0x7f, 0xff][rng.random_range(0..5)]);
            }
            out.extend_from_slice(eol(rng));
            let seq: Vec<u8> = (0..len).map(|_| b"ACGTN"[rng.random_range(0..5)]).collect();
            let seq_lines = if chance(rng, 8) {
                rng.random_range(2..5)
            } else {
                1
            };
            let end = eol(rng);
            push_lines(&mut out, &seq, seq_lines, rng, end);
            match rng.random_range(0..30) {
                0 if odd => {}
                1 if odd => out.push(b'-'),
                2 => out.extend_from_slice(b"+name"),
                _ => out.push(b'+'),
            }
            out.extend_from_slice(eol(rng));
            let qual_len = match rng.random_range(0..20) {
                0 if odd => len.saturating_sub(rng.random_range(1..4)),
                1 if odd => len + rng.random_range(1..4),
                _ => len,
            };
            let qual: Vec<u8> = (0..qual_len)
                .map(|_| [b'I', b'#', b'F', b'@', b'+'][rng.random_range(0..5)])
                .collect();
            let qual_lines = if seq_lines > 1 || chance(rng, 10) {
                rng.random_range(1..4)
            } else {
                1
            };
            let end = eol(rng);
            push_lines(&mut out, &qual, qual_lines, rng, end);
            if chance(rng, 25) {
                out.extend_from_slice(eol(rng)); // a blank line between records
            }
        }
        if chance(rng, 4) {
            for _ in 0..rng.random_range(1..4) {
                out.extend_from_slice([&b"\n"[..], b"\r\n", b" \n", b"\t"][rng.random_range(0..4)]);
            }
        }
        if odd && !out.is_empty() {
            for _ in 0..rng.random_range(0..3) {
                let i = rng.random_range(0..out.len());
                out[i] = b"\n\r@+A\0\x01 I"[rng.random_range(0..9)];
            }
        }
        if chance(rng, 3) && !out.is_empty() {
            let cut = rng.random_range(0..out.len());
            out.truncate(out.len() - cut.min(rng.random_range(1..20)));
        }
        out
    }

    /// Pushes `text` as `lines` lines (the last may be empty when `text` is short).
    fn push_lines(
        out: &mut Vec<u8>,
        text: &[u8],
        lines: usize,
        rng: &mut rand_pcg::Pcg64,
        eol: &[u8],
    ) {
        use rand::RngExt;
        let mut cuts: Vec<usize> = (1..lines)
            .map(|_| rng.random_range(0..=text.len()))
            .collect();
        cuts.sort_unstable();
        let mut from = 0;
        for cut in cuts.into_iter().chain([text.len()]) {
            out.extend_from_slice(&text[from..cut]);
            out.extend_from_slice(eol);
            from = cut;
        }
    }

    #[test]
    fn fast_path_frames_exactly_as_the_line_path() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_pcg::Pcg64::seed_from_u64(0xF7A3_E0C4);
        let (mut hits, mut total) = (0, 0);
        for case in 0..8000 {
            let data = random_fastq(&mut rng);
            let target = match rng.random_range(0..4) {
                0 => rng.random_range(1..64),
                1 => rng.random_range(64..4096),
                2 => 1 << 20,
                _ => rng.random_range(1..=data.len() + 1),
            };
            let max_record = if rng.random_range(0..6) == 0 {
                rng.random_range(1..400)
            } else {
                256 << 20
            };
            let opts = ChunkerOptions::new(PathBuf::from("x.fq"), target, max_record);
            let sizes: Vec<usize> = (0..rng.random_range(1..4))
                .map(|_| [1, 3, 7, 64, 100, 1000, 1 << 20, 1 << 20][rng.random_range(0..8)])
                .collect();
            let ask = match rng.random_range(0..4) {
                0 => Ask::Records(rng.random_range(1..6)),
                1 => Ask::Agreed(rng.random_range(1..8), rng.random_range(0..3)),
                2 => Ask::Agreed(usize::MAX, rng.random_range(0..3)),
                _ => Ask::Bytes(rng.random_range(1..3)),
            };
            let (fast, fast_err, n) = observe(&data, &opts, &sizes, ask, true);
            let (slow, slow_err, _) = observe(&data, &opts, &sizes, ask, false);
            let show = String::from_utf8_lossy(&data);
            let what = format!("case {case}: {target} {max_record} {sizes:?} {ask:?}\n{show}");
            assert_eq!(fast, slow, "{what}");
            assert_eq!(fast_err, slow_err, "{what}");
            hits += n;
            total += fast.iter().map(|c| c.lines().count() - 2).sum::<usize>();
        }
        eprintln!("fast path records: {hits} of {total}");
        assert!(
            hits > 10_000 && hits * 2 > total,
            "the fast path framed only {hits} records of {total}"
        );
    }

    #[test]
    fn fast_path_with_lines_longer_than_a_read() {
        // Lines longer than the first read (`READ_SIZE`), so the fast path meets records that
        // are partly buffered; plain and CRLF; then one record too large for the limit.
        let long = READ_SIZE + 1000;
        let seq = vec![b'A'; long];
        let qual = vec![b'I'; long];
        for eol in [&b"\n"[..], b"\r\n"] {
            let mut data = Vec::new();
            for i in 0..5 {
                for line in [&b"@r"[..], &seq[..i * 1000], b"+", &qual[..i * 1000]] {
                    data.extend_from_slice(line);
                    data.extend_from_slice(eol);
                }
                for line in [&b"@s"[..], b"ACGT", b"+", b"IIII"] {
                    data.extend_from_slice(line);
                    data.extend_from_slice(eol);
                }
                for line in [&b"@long"[..], &seq, b"+", &qual] {
                    data.extend_from_slice(line);
                    data.extend_from_slice(eol);
                }
            }
            for (target, max_record) in [(1, 256 << 20), (100_000, 256 << 20), (1 << 20, 5000)] {
                let opts = ChunkerOptions::new(PathBuf::from("x.fq"), target, max_record);
                for sizes in [vec![1 << 20], vec![1000, 70_000]] {
                    let ask = Ask::Bytes(1);
                    let (fast, fast_err, n) = observe(&data, &opts, &sizes, ask, true);
                    let (slow, slow_err, _) = observe(&data, &opts, &sizes, ask, false);
                    assert_eq!(fast, slow, "{target} {max_record} {sizes:?}");
                    assert_eq!(fast_err, slow_err, "{target} {max_record} {sizes:?}");
                    assert!(n > 0);
                }
            }
        }
    }

    #[test]
    fn newline_mask_matches_a_byte_loop() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_pcg::Pcg64::seed_from_u64(0x0A0A);
        let naive = |b: &[u8; 64]| (0..64).fold(0u64, |m, i| m | (u64::from(b[i] == b'\n') << i));
        let mut blocks = Vec::new();
        for v in 0..=255u8 {
            for i in 0..64 {
                let mut b = [b'\n'; 64];
                b[i] = v;
                blocks.push(b);
                let mut b = [v; 64];
                b[i] = b'\n';
                blocks.push(b);
            }
        }
        for _ in 0..10_000 {
            let pool = [b'\n', 0x0b, 0x09, 0x8a, 0x0a ^ 0x80, 0, 0xff, b'A', 0x7f];
            let mut b = [0u8; 64];
            for x in &mut b {
                *x = if rng.random_range(0..2) == 0 {
                    pool[rng.random_range(0..pool.len())]
                } else {
                    rng.random_range(0..=255)
                };
            }
            blocks.push(b);
        }
        for b in &blocks {
            assert_eq!(newline_mask(b), naive(b), "{b:?}");
            assert_eq!(newline_mask_swar(b), naive(b), "{b:?}");
        }
    }
}
