//! Streaming gzip inflate (single or multi-member) on a thread of its own.
//!
//! flate2's multi-member decoder with the zlib-rs backend checks every member's CRC32 and
//! ISIZE; a stream that ends inside a member is reported as truncated, never as a quiet end.

use std::io::{self, BufRead, BufReader, Read};
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread;

use flate2::bufread::GzDecoder;

use super::IoError;

/// Size of the decompressed blocks handed from the inflater thread to the reader.
const BLOCK: usize = 1 << 20;

/// A [`Read`] of decompressed bytes produced by an inflater thread.
pub struct ThreadedReader {
    rx: Receiver<Result<Vec<u8>, IoError>>,
    ret: SyncSender<Vec<u8>>,
    cur: Vec<u8>,
    pos: usize,
    done: bool,
}

impl ThreadedReader {
    /// Spawns `produce` on its own thread; it sends filled buffers until it returns.
    pub(crate) fn spawn<F>(name: &str, produce: F) -> io::Result<Self>
    where
        F: FnOnce(SyncSender<Result<Vec<u8>, IoError>>, Receiver<Vec<u8>>) + Send + 'static,
    {
        let (tx, rx) = sync_channel(4);
        let (ret, ret_rx) = sync_channel(8);
        thread::Builder::new()
            .name(name.to_string())
            .spawn(move || produce(tx, ret_rx))?;
        Ok(Self {
            rx,
            ret,
            cur: Vec::new(),
            pos: 0,
            done: false,
        })
    }
}

impl Read for ThreadedReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.cur.len() {
            if self.done {
                return Ok(0);
            }
            match self.rx.recv() {
                Ok(Ok(block)) => {
                    let old = std::mem::replace(&mut self.cur, block);
                    let _ = self.ret.try_send(old);
                    self.pos = 0;
                }
                Ok(Err(e)) => {
                    self.done = true;
                    return Err(io::Error::other(e));
                }
                Err(_) => {
                    self.done = true;
                    return Ok(0);
                }
            }
        }
        let n = out.len().min(self.cur.len() - self.pos);
        out[..n].copy_from_slice(&self.cur[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Counts the compressed bytes consumed, to name the offset of a fault.
struct Counted<R> {
    inner: R,
    consumed: u64,
}

impl<R: BufRead> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.consumed += n as u64;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counted<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, amt: usize) {
        self.consumed += amt as u64;
        self.inner.consume(amt);
    }
}

/// A gzip stream (single or multi-member) inflated on the calling thread; errors name the
/// file and the compressed offset of the fault.
///
/// Members are decoded one at a time so that what follows the last one is told apart: nothing
/// (the end), another member, a member cut short (truncated), or bytes that are not gzip at all
/// (trailing garbage, reported as such and not as truncation).
pub(crate) struct GzipReader<R: Read> {
    /// The current member's decoder; `None` once the input is finished.
    dec: Option<GzDecoder<Counted<BufReader<R>>>>,
    path: PathBuf,
}

impl<R: Read> GzipReader<R> {
    pub(crate) fn new(input: R, path: PathBuf) -> Self {
        let counted = Counted {
            inner: BufReader::with_capacity(1 << 20, input),
            consumed: 0,
        };
        Self {
            dec: Some(GzDecoder::new(counted)),
            path,
        }
    }

    /// Like [`Read::read`], with the error classified (interruptions are retried).
    fn read_classified(&mut self, buf: &mut [u8]) -> Result<usize, IoError> {
        loop {
            let Some(dec) = self.dec.as_mut() else {
                return Ok(0);
            };
            match dec.read(buf) {
                Ok(0) if !buf.is_empty() => self.next_member()?,
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(classify(e, &self.path, dec.get_ref().consumed)),
            }
        }
    }

    /// After a member's end: starts the next member, or ends the input, or names what follows.
    fn next_member(&mut self) -> Result<(), IoError> {
        let Some(dec) = self.dec.take() else {
            return Ok(());
        };
        let mut rest = dec.into_inner();
        let offset = rest.consumed;
        let head = loop {
            match rest.fill_buf() {
                Ok(h) => break h,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(classify(e, &self.path, offset)),
            }
        };
        if head.is_empty() {
            return Ok(()); // the end: no more members
        }
        let magic = [0x1f, 0x8b];
        let is_member = head.len() >= 2 && head[..2] == magic || head == &magic[..1];
        if !is_member {
            let first: Vec<String> = head.iter().take(4).map(|b| format!("{b:02x}")).collect();
            return Err(IoError::Corrupt {
                path: self.path.clone(),
                format: "gzip",
                offset,
                detail: format!(
                    "trailing data after the last gzip member (not a gzip member: starts with \
                     bytes {})",
                    first.join(" ")
                ),
            });
        }
        self.dec = Some(GzDecoder::new(rest));
        Ok(())
    }
}

impl<R: Read> Read for GzipReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.read_classified(buf).map_err(io::Error::other)
    }
}

/// Inflates a gzip stream on its own thread.
pub fn spawn_gzip<R: Read + Send + 'static>(input: R, path: PathBuf) -> io::Result<ThreadedReader> {
    ThreadedReader::spawn("panelprep-gunzip", move |tx, spare| {
        let mut dec = GzipReader::new(input, path);
        loop {
            let mut buf = spare.try_recv().unwrap_or_default();
            buf.resize(BLOCK, 0);
            let mut filled = 0;
            let mut eof = false;
            while filled < BLOCK {
                match dec.read_classified(&mut buf[filled..]) {
                    Ok(0) => {
                        eof = true;
                        break;
                    }
                    Ok(n) => filled += n,
                    Err(e) => {
                        let _ = tx.send(Err(e));
                        return;
                    }
                }
            }
            buf.truncate(filled);
            if filled > 0 && tx.send(Ok(buf)).is_err() {
                return;
            }
            if eof {
                return;
            }
        }
    })
}

fn classify(e: io::Error, path: &std::path::Path, offset: u64) -> IoError {
    let path = path.to_path_buf();
    match e.kind() {
        io::ErrorKind::UnexpectedEof => IoError::Truncated {
            path,
            format: "gzip",
            detail: format!("stream ends inside a member (after {offset} compressed bytes)"),
        },
        io::ErrorKind::InvalidInput | io::ErrorKind::InvalidData => IoError::Corrupt {
            path,
            format: "gzip",
            offset,
            detail: e.to_string(),
        },
        _ => IoError::File {
            path,
            action: "read",
            source: e,
        },
    }
}
