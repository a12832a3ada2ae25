//! Feeds: each read input decompressed and framed into chunks on a thread of its own.
//!
//! The decoder writes straight into the chunker's buffer (no copy between a decoder thread and
//! the framer), and the inputs of a pair are inflated side by side. The two feeds of a pair
//! frame ahead by bytes, each on its own, tell each other how many records reach the byte
//! target, and both cut their chunk after the smaller count: a batch ends when either mate's
//! chunk reaches the target, so memory stays bounded by the batch size whatever the read
//! lengths (a 1 bp read 1 with a 20 kb read 2 included). Where chunks end depends only on the
//! bytes of both inputs. Both feeds run ahead of the reader thread by a few chunks. Errors
//! arrive in input order, each on its own feed.

use std::io::Read;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, sync_channel};

use crate::Location;
use crate::error::Error;
use crate::fastq::{Chunk, Chunker, FastqError, FastqErrorKind};

/// Chunks a feed may frame ahead of the reader thread.
const AHEAD: usize = 2;

type Framer = Chunker<Box<dyn Read + Send>>;
type Framed = Result<Option<Chunk>, Error>;

/// One input's chunks, framed on a thread of its own.
pub(crate) struct Feed {
    chunks: Receiver<Framed>,
    spare: SyncSender<Vec<u8>>,
}

/// What each feed of a pair tells the other once it framed ahead: how many records reach the
/// byte target (fewer at end of input, 0 there), or `None` when its framing failed.
type Probe = Option<usize>;

/// Records a pair's feed frames ahead at most: twice the last agreed count, and at least this
/// many (so that a mate of short reads does not frame a whole target of records for a batch
/// that the other mate's long reads end after a few).
const MIN_CAP: usize = 1024;

impl Feed {
    /// Frames one input by bytes; `interleaved` (its path, for messages) keeps an even number
    /// of records per chunk, the mates of a pair alternating.
    pub(crate) fn start(chunker: Framer, interleaved: Option<PathBuf>) -> std::io::Result<Self> {
        spawn("panelprep-feed", move |out, spare| {
            by_bytes(chunker, interleaved.as_deref(), out, spare)
        })
    }

    /// Frames read 1 and read 2 in step: chunks of the same number of records, each within
    /// the byte target (see the module documentation).
    pub(crate) fn pair(
        r1: Framer,
        r2: Framer,
        paths: [PathBuf; 2],
    ) -> std::io::Result<(Self, Self)> {
        let (to2, from1) = sync_channel(1);
        let (to1, from2) = sync_channel(1);
        let paths2 = paths.clone();
        let f1 = spawn("panelprep-feed", move |out, spare| {
            in_step(r1, 0, &paths, (to2, from2), out, spare)
        })?;
        let f2 = spawn("panelprep-feed-r2", move |out, spare| {
            in_step(r2, 1, &paths2, (to1, from1), out, spare)
        })?;
        Ok((f1, f2))
    }

    /// The next chunk, `None` at the end of the input.
    pub(crate) fn next(&mut self) -> Framed {
        self.chunks
            .recv()
            .unwrap_or_else(|_| Err(Error::Internal("an input thread stopped".into())))
    }

    /// Hands a used chunk buffer back for reuse (dropped when the feed has enough).
    pub(crate) fn recycle(&self, buf: Vec<u8>) {
        let _ = self.spare.try_send(buf);
    }
}

fn spawn<F>(name: &str, body: F) -> std::io::Result<Feed>
where
    F: FnOnce(&SyncSender<Framed>, &Receiver<Vec<u8>>) + Send + 'static,
{
    let (tx, chunks) = sync_channel(AHEAD);
    let (spare, spare_rx) = sync_channel(AHEAD + 2);
    std::thread::Builder::new()
        .name(name.to_string())
        .spawn(move || {
            if catch_unwind(AssertUnwindSafe(|| body(&tx, &spare_rx))).is_err() {
                let _ = tx.send(Err(Error::Internal("input thread panicked".into())));
            }
        })?;
    Ok(Feed { chunks, spare })
}

fn take_spares(chunker: &mut Framer, spare: &Receiver<Vec<u8>>) {
    loop {
        match spare.try_recv() {
            Ok(buf) => chunker.recycle(buf),
            Err(TryRecvError::Empty | TryRecvError::Disconnected) => return,
        }
    }
}

fn by_bytes(
    mut c: Framer,
    interleaved: Option<&Path>,
    out: &SyncSender<Framed>,
    spare: &Receiver<Vec<u8>>,
) {
    let multiple = if interleaved.is_some() { 2 } else { 1 };
    loop {
        take_spares(&mut c, spare);
        let framed = match c.next_chunk_multiple(None, multiple) {
            Ok(Some(ch)) if ch.len() % multiple != 0 => Err(odd_interleaved(&c, interleaved)),
            other => other.map_err(Error::from),
        };
        let last = !matches!(framed, Ok(Some(_)));
        if out.send(framed).is_err() || last {
            return;
        }
    }
}

/// What the other feed of a pair said in the last exchange.
enum Heard {
    /// It framed this many records ahead (0: its input ended).
    Records(usize),
    /// Its framing failed: it sends that error itself.
    Failed,
    /// It is gone (the run is over, or it panicked and says so itself).
    Gone,
}

/// One feed of a pair (`mate` 0 = R1, 1 = R2): frames ahead, exchanges counts with the other
/// feed through `link`, and hands out chunks of the agreed (smaller) count.
fn in_step(
    mut c: Framer,
    mate: usize,
    paths: &[PathBuf; 2],
    link: (SyncSender<Probe>, Receiver<Probe>),
    out: &SyncSender<Framed>,
    spare: &Receiver<Vec<u8>>,
) {
    let (tx, rx) = link;
    let mut cap = usize::MAX;
    loop {
        take_spares(&mut c, spare);
        let mut mine = 0;
        let mut heard = Heard::Gone;
        let framed = c.next_chunk_agreed(cap, &mut |k| {
            mine = k;
            if tx.send(Some(k)).is_err() {
                return k;
            }
            heard = match rx.recv() {
                Ok(Some(j)) => Heard::Records(j),
                Ok(None) => Heard::Failed,
                Err(_) => Heard::Gone,
            };
            match heard {
                Heard::Records(j) => k.min(j),
                Heard::Failed | Heard::Gone => k,
            }
        });
        if framed.is_err() {
            // The other feed waits for a count: tell it this one failed.
            let _ = tx.send(None);
        }
        let (framed, more) = match (framed, heard) {
            (Err(e), _) => (Err(e.into()), false),
            (Ok(ch), Heard::Failed | Heard::Gone) => (Ok(ch), false),
            // This input ended first: the pair counts differ.
            (Ok(_), Heard::Records(j)) if mine == 0 && j > 0 => {
                let e = count_mismatch(paths, mate, c.records_read(), c.next_line());
                (Err(e), false)
            }
            (Ok(Some(ch)), Heard::Records(_)) => {
                cap = ch.len().saturating_mul(2).max(MIN_CAP);
                (Ok(Some(ch)), true)
            }
            // Both ended, or the other ended first (it reports the mismatch).
            (Ok(None), Heard::Records(_)) => (Ok(None), false),
        };
        if out.send(framed).is_err() || !more {
            return;
        }
    }
}

fn odd_interleaved(c: &Framer, path: Option<&Path>) -> Error {
    let path = path.map(Path::to_path_buf).unwrap_or_default();
    Error::Fastq(FastqError {
        location: Location {
            path,
            record: c.records_read(),
            line: 0,
        },
        kind: FastqErrorKind::OddInterleaved {
            records: c.records_read(),
        },
    })
}

/// Read `shorter` ran out of records first, after `records` records.
fn count_mismatch(paths: &[PathBuf; 2], shorter: usize, records: u64, line: u64) -> Error {
    let names = ["R1", "R2"];
    Error::Fastq(FastqError {
        location: Location {
            path: paths[shorter].clone(),
            record: records + 1,
            line,
        },
        kind: FastqErrorKind::PairCountMismatch {
            shorter: names[shorter],
            longer: names[1 - shorter],
            records,
        },
    })
}
