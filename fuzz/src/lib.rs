//! Helpers shared by the fuzz targets: an owned record, framing a whole input, a reader that
//! hands out bytes in fuzzer-chosen pieces, an in-memory writer, and a naive 4-line oracle.

use std::io::{self, Read, Write};
use std::sync::{Arc, Mutex};

use panelprep::fastq::{Chunker, ChunkerOptions, write_record};

/// A record as four owned byte strings: title (without `@`), bases, separator text, qualities.
pub type Owned = (Vec<u8>, Vec<u8>, Vec<u8>, Vec<u8>);

/// Frames every record of `reader` with chunks of `target` bytes; the error as text.
pub fn frame_all<R: Read>(reader: R, target: usize) -> Result<Vec<Owned>, String> {
    let opts = ChunkerOptions {
        target_bytes: target.max(1),
        ..ChunkerOptions::default()
    };
    let mut c = Chunker::new(reader, opts);
    let mut out = Vec::new();
    while let Some(ch) = c.next_chunk(None).map_err(|e| e.to_string())? {
        assert!(!ch.is_empty(), "the chunker handed out an empty chunk");
        assert_eq!(
            ch.first_record(),
            out.len() as u64,
            "chunk numbering skipped or repeated records"
        );
        for r in ch.records() {
            out.push((
                r.head.to_vec(),
                r.seq.to_vec(),
                r.plus.to_vec(),
                r.qual.to_vec(),
            ));
        }
    }
    // After the end, the chunker keeps saying so.
    assert!(c.next_chunk(None).map_err(|e| e.to_string())?.is_none());
    Ok(out)
}

/// Serializes records in 4-line form.
pub fn write_all(records: &[Owned]) -> Vec<u8> {
    let mut out = Vec::new();
    for (h, s, p, q) in records {
        write_record(&mut out, h, s, p, q);
    }
    out
}

/// A reader that returns at most `sizes[i % len]` bytes per call (never 0 before the end).
pub struct Trickle<'a> {
    data: &'a [u8],
    sizes: Vec<usize>,
    i: usize,
}

impl<'a> Trickle<'a> {
    /// `sizes` are cycled; zeros become ones.
    pub fn new(data: &'a [u8], sizes: &[u8]) -> Self {
        let sizes = if sizes.is_empty() {
            vec![1]
        } else {
            sizes.iter().map(|&s| usize::from(s).max(1)).collect()
        };
        Self { data, sizes, i: 0 }
    }
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.sizes[self.i % self.sizes.len()]
            .min(buf.len())
            .min(self.data.len());
        self.i += 1;
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// A `Write + Send + 'static` whose bytes the caller can read back.
#[derive(Clone, Default)]
pub struct SharedBuf(pub Arc<Mutex<Vec<u8>>>);

impl SharedBuf {
    /// The bytes written so far.
    pub fn bytes(&self) -> Vec<u8> {
        self.0.lock().map(|v| v.clone()).unwrap_or_default()
    }
}

impl Write for SharedBuf {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| io::Error::other("poisoned"))?
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The obvious parser for strict 4-line FASTQ: `None` unless every record is 4 lines with `@`,
/// IUPAC bases, `+` and as many qualities as bases. LF or CRLF line ends, final newline optional.
pub fn naive_four_line(data: &[u8]) -> Option<Vec<Owned>> {
    let body = data.strip_suffix(b"\n").unwrap_or(data);
    if body.is_empty() {
        return Some(Vec::new());
    }
    let lines: Vec<&[u8]> = body
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .collect();
    if lines.len() % 4 != 0 {
        return None;
    }
    let mut out = Vec::new();
    for g in lines.chunks(4) {
        let head = g[0].strip_prefix(b"@")?;
        let plus = g[2].strip_prefix(b"+")?;
        let iupac = |b: &u8| b"ACGTUNRYSWKMBDHVacgtunryswkmbdhv.".contains(b);
        if !g[1].iter().all(iupac) || g[1].len() != g[3].len() {
            return None;
        }
        out.push((head.to_vec(), g[1].to_vec(), plus.to_vec(), g[3].to_vec()));
    }
    Some(out)
}
