//! Feeds: each read input decompressed and framed into chunks on a thread of its own.
//!
//! The decoder writes straight into the chunker's buffer (no copy between a decoder thread and
//! the framer), and the inputs of a pair are inflated side by side. Read 1's feed frames by
//! bytes and tells read 2's feed how many records each chunk holds; both run ahead of the
//! reader thread by a few chunks. Errors arrive in input order, each on its own feed.

use std::io::Read;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, sync_channel};

use crate::error::{Error, Location};
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

/// What read 1's feed tells read 2's: the records of its next chunk, or where it ended.
enum Count {
    Records(usize),
    End { records: u64, line: u64 },
}

impl Feed {
    /// Frames one input by bytes; `interleaved` (its path, for messages) keeps an even number
    /// of records per chunk, the mates of a pair alternating.
    pub(crate) fn start(chunker: Framer, interleaved: Option<PathBuf>) -> std::io::Result<Self> {
        spawn("panelprep-feed", move |out, spare| {
            by_bytes(chunker, interleaved.as_deref(), None, out, spare)
        })
    }

    /// Frames read 1 by bytes and read 2 in step with it (as many records per chunk).
    pub(crate) fn pair(
        r1: Framer,
        r2: Framer,
        paths: [PathBuf; 2],
    ) -> std::io::Result<(Self, Self)> {
        let (counts_tx, counts_rx) = sync_channel(AHEAD + 2);
        let f1 = spawn("panelprep-feed", move |out, spare| {
            by_bytes(r1, None, Some(counts_tx), out, spare)
        })?;
        let f2 = spawn("panelprep-feed-r2", move |out, spare| {
            by_counts(r2, counts_rx, &paths, out, spare)
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
    counts: Option<SyncSender<Count>>,
    out: &SyncSender<Framed>,
    spare: &Receiver<Vec<u8>>,
) {
    let multiple = if interleaved.is_some() { 2 } else { 1 };
    loop {
        take_spares(&mut c, spare);
        let framed = match c.next_chunk_multiple(None, multiple) {
            Ok(Some(ch)) if ch.len() % multiple != 0 => Err(odd_interleaved(&c, interleaved)),
            other => other,
        };
        if let Some(tx) = &counts {
            let told = match &framed {
                Ok(Some(ch)) => tx.send(Count::Records(ch.len())).is_ok(),
                Ok(None) => {
                    let end = Count::End {
                        records: c.records_read(),
                        line: c.next_line(),
                    };
                    tx.send(end).is_ok()
                }
                // Read 2's feed stops when this sender goes.
                Err(_) => true,
            };
            if !told {
                return;
            }
        }
        let last = !matches!(framed, Ok(Some(_)));
        if out.send(framed).is_err() || last {
            return;
        }
    }
}

fn by_counts(
    mut c: Framer,
    counts: Receiver<Count>,
    paths: &[PathBuf; 2],
    out: &SyncSender<Framed>,
    spare: &Receiver<Vec<u8>>,
) {
    // Read 1's feed stopped without an end (an error there, or the run is over): stop too.
    while let Ok(count) = counts.recv() {
        take_spares(&mut c, spare);
        let framed = match count {
            Count::Records(n) => match c.next_chunk(Some(n)) {
                Ok(Some(b)) if b.len() == n => Ok(Some(b)),
                Ok(_) => Err(count_mismatch(paths, 1, c.records_read(), c.next_line())),
                Err(e) => Err(e),
            },
            // Read 1 ended: so must read 2.
            Count::End { records, line } => match c.next_chunk(Some(1)) {
                Ok(None) => Ok(None),
                Ok(Some(_)) => Err(count_mismatch(paths, 0, records, line)),
                Err(e) => Err(e),
            },
        };
        let last = !matches!(framed, Ok(Some(_)));
        if out.send(framed).is_err() || last {
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
