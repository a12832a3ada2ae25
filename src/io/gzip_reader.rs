//! Streaming gzip inflate (single or multi-member) on a thread of its own.
//!
//! Each member is inflated by ISA-L's igzip (default `isal` feature) or by flate2 with the
//! zlib-rs backend; both check every member's CRC32 and ISIZE. A stream that ends inside a
//! member is reported as truncated, never as a quiet end.

use std::io::{self, BufRead, BufReader, Read};
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread;

use super::IoError;

/// The decoder of one gzip member.
#[cfg(feature = "isal")]
type Member<R> = super::isal_member::IsalMember<R>;
#[cfg(not(feature = "isal"))]
type Member<R> = flate2::bufread::GzDecoder<R>;

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
    dec: Option<Member<Counted<BufReader<R>>>>,
    path: PathBuf,
}

impl<R: Read> GzipReader<R> {
    pub(crate) fn new(input: R, path: PathBuf) -> Self {
        let counted = Counted {
            inner: BufReader::with_capacity(1 << 20, input),
            consumed: 0,
        };
        Self {
            dec: Some(Member::new(counted)),
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
        self.dec = Some(Member::new(rest));
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

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::path::PathBuf;

    use flate2::{Compression, GzBuilder};
    use rand::{RngExt, SeedableRng};

    use super::{GzipReader, IoError};

    /// `n` simulated reads (read 1 of `n` pairs) from `seed`.
    fn fastq_like(n: usize, seed: u32) -> Vec<u8> {
        let opts = crate::simulate::SimOptions {
            pairs: n as u64,
            seed: u64::from(seed),
            ..Default::default()
        };
        let (mut r1, mut r2) = (Vec::new(), Vec::new());
        crate::simulate::write_pairs(&opts, &mut r1, &mut r2).unwrap();
        r1
    }

    /// One member; the header carries a name, a comment and an extra field when `rich`.
    fn member(data: &[u8], rich: bool) -> Vec<u8> {
        let b = if rich {
            GzBuilder::new()
                .filename("reads.fq")
                .comment("a comment")
                .extra(vec![b'X', b'Y', 2, 0, 1, 2])
        } else {
            GzBuilder::new()
        };
        let mut enc = b.write(Vec::new(), Compression::new(1));
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    /// A reader handing out at most `max` bytes a call, so members straddle its reads.
    struct Dribble<'a> {
        data: &'a [u8],
        max: usize,
    }

    impl Read for Dribble<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min(self.max).min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    fn inflate(gz: &[u8], step: usize) -> Result<Vec<u8>, IoError> {
        inflate_from(gz, step, usize::MAX)
    }

    fn inflate_from(gz: &[u8], step: usize, max: usize) -> Result<Vec<u8>, IoError> {
        let mut r = GzipReader::new(Dribble { data: gz, max }, PathBuf::from("t.fq.gz"));
        let mut out = Vec::new();
        let mut buf = vec![0u8; step];
        loop {
            match r.read_classified(&mut buf)? {
                0 => return Ok(out),
                n => out.extend_from_slice(&buf[..n]),
            }
        }
    }

    #[test]
    fn members_with_any_header_give_the_same_bytes_for_any_read_size() {
        let parts = [
            fastq_like(700, 1),
            Vec::new(),
            fastq_like(3, 2),
            fastq_like(900, 3),
        ];
        let gz: Vec<u8> = parts
            .iter()
            .enumerate()
            .flat_map(|(i, p)| member(p, i % 2 == 0))
            .collect();
        let want = parts.concat();
        for step in [1, 7, 4096, 1 << 20] {
            assert!(inflate(&gz, step).unwrap() == want, "read size {step}");
        }
        for max in [1, 3, 8, 13, 1000] {
            assert!(
                inflate_from(&gz, 4096, max).unwrap() == want,
                "input by {max}"
            );
        }
    }

    #[test]
    fn every_cut_is_truncation_unless_it_falls_between_members() {
        let (a, b) = (fastq_like(4, 4), fastq_like(5, 5));
        let (ma, mb) = (member(&a, true), member(&b, false));
        let gz = [ma.clone(), mb].concat();
        for cut in 1..gz.len() {
            match inflate_from(&gz[..cut], 4096, 1 + cut % 11) {
                Ok(out) => assert!(cut == ma.len() && out == a, "cut {cut} read as complete"),
                Err(IoError::Truncated { .. }) => {}
                Err(e) => panic!("cut {cut}: {e}"),
            }
        }
    }

    #[test]
    fn every_flipped_byte_is_an_error_or_changes_nothing() {
        let data = fastq_like(6, 6);
        let gz = member(&data, true);
        for i in 0..gz.len() {
            let mut bad = gz.clone();
            bad[i] ^= 0x24;
            if let Ok(out) = inflate_from(&bad, 4096, 1 + i % 9) {
                assert!(out == data, "byte {i} flipped: wrong bytes accepted");
            }
        }
    }

    /// What flate2's multi-member decoder makes of `gz`: the bytes, and whether it succeeded.
    fn oracle(gz: &[u8]) -> (Vec<u8>, bool) {
        let mut out = Vec::new();
        let ok = flate2::read::MultiGzDecoder::new(gz)
            .read_to_end(&mut out)
            .is_ok();
        (out, ok)
    }

    #[test]
    fn randomly_damaged_streams_decode_as_flate2_decodes_them() {
        let parts = [fastq_like(40, 8), fastq_like(1, 9), fastq_like(25, 10)];
        let good: Vec<u8> = parts
            .iter()
            .enumerate()
            .flat_map(|(i, p)| member(p, i != 1))
            .collect();
        let mut rng = rand_pcg::Pcg64::seed_from_u64(0x9e37_79b9);
        let mut next = |n: usize| rng.random_range(0..n);
        for case in 0..600 {
            let mut bad = good.clone();
            for _ in 0..1 + next(3) {
                let i = next(bad.len());
                bad[i] = next(256) as u8;
            }
            match case % 3 {
                0 => bad.truncate(1 + next(bad.len())),
                1 => bad.extend_from_slice(&good[..next(good.len())]),
                _ => {}
            }
            let (want, want_ok) = oracle(&bad);
            let got = inflate_from(&bad, 4096, 1 + next(4000));
            match &got {
                Ok(out) => assert!(
                    want_ok && *out == want,
                    "case {case}: accepted, flate2 did not"
                ),
                Err(_) => assert!(!want_ok, "case {case}: rejected what flate2 accepts"),
            }
        }
    }

    #[test]
    fn bytes_after_the_last_member_are_named_as_trailing_data() {
        let data = fastq_like(3, 7);
        let gz = [member(&data, false), b"PK\x03\x04 not gzip".to_vec()].concat();
        let err = inflate(&gz, 4096).unwrap_err().to_string();
        assert!(
            err.contains("trailing data after the last gzip member"),
            "{err}"
        );
        let one = member(&data, false);
        let mut r = GzipReader::new(&one[..], PathBuf::from("x"));
        let mut all = Vec::new();
        r.read_to_end(&mut all).unwrap();
        assert_eq!(all, data);
    }
}
