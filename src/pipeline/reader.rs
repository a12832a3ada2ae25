//! The reader thread: chunks from the feeds (one thread per input) -> numbered batches onto
//! the pool, one per token the coordinator hands back (its window of batches in flight).
//! Duplicates (`--dedup`) are marked here, in input order; used chunk buffers come back here
//! for reuse.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, SyncSender};

use crate::error::Error;

use super::Control;
use super::batch::{Batch, Job, Msg};
use super::dedup;
use super::feed::Feed;
use super::route::Input;
use super::umi_index::IndexSource;
use super::worker::{self, WorkConfig};

/// Frames input into jobs: batches of reads, with their UMI index records when there is an
/// index file.
pub(crate) struct BatchSource {
    reads: Framing,
    index: Option<IndexSource>,
    /// Reads (pairs) still to hand out with `--reads_to_process`; `None` = all.
    left: Option<u64>,
}

/// How the reads are framed: one feed, or two in step (chunks of the same record count, cut
/// where either mate reaches the byte target).
pub(crate) enum Framing {
    Single(Feed),
    Paired(Feed, Feed),
    Interleaved(Feed),
}

impl BatchSource {
    /// Reads framed as `reads`, with the UMI index file `index` in step.
    pub(crate) fn new(reads: Framing, index: Option<IndexSource>) -> Self {
        Self {
            reads,
            index,
            left: None,
        }
    }

    /// Hands out only the first `n` reads (pairs) of the input, as fastp's
    /// `--reads_to_process` (0 = all); the rest is neither read nor checked.
    pub(crate) fn limit(mut self, n: u64) -> Self {
        self.left = (n > 0).then_some(n);
        self
    }

    /// The next job, `None` at the end of all inputs (an index file with records left is an
    /// error then).
    pub(crate) fn next(&mut self) -> Result<Option<Job>, Error> {
        if self.left == Some(0) {
            return Ok(None);
        }
        let Some(mut batch) = self.reads.next()? else {
            if let Some(ix) = self.index.as_mut() {
                ix.finish()?;
            }
            return Ok(None);
        };
        if let Some(left) = self.left.as_mut() {
            let n = (batch.fragments() as u64).min(*left);
            batch.truncate(n as usize);
            *left -= n;
        }
        let index = match self.index.as_mut() {
            Some(ix) => Some(ix.next(batch.fragments())?),
            None => None,
        };
        Ok(Some(Job {
            batch,
            index,
            dups: None,
        }))
    }

    /// Hands a used chunk buffer back to the chunker of `input`.
    pub(crate) fn recycle(&mut self, input: Input, buf: Vec<u8>) {
        match (input, self.index.as_mut()) {
            (Input::UmiIndex, Some(ix)) => ix.recycle(buf),
            (Input::UmiIndex, None) => {}
            (mate, _) => self.reads.recycle(mate, buf),
        }
    }
}

impl Framing {
    /// The next batch, `None` at the end of the reads.
    fn next(&mut self) -> Result<Option<Batch>, Error> {
        match self {
            Framing::Single(f) => Ok(f.next()?.map(Batch::Single)),
            Framing::Interleaved(f) => Ok(f.next()?.map(Batch::Interleaved)),
            Framing::Paired(f1, f2) => {
                // The feeds agree on each count; both end (or one fails) together.
                let a = f1.next()?;
                let b = f2.next()?;
                match (a, b) {
                    (Some(a), Some(b)) => Ok(Some(Batch::Paired(a, b))),
                    (None, None) => Ok(None),
                    _ => Err(Error::Internal("paired inputs out of step".into())),
                }
            }
        }
    }

    /// Hands a used buffer back to the feed of read input `mate`.
    fn recycle(&mut self, mate: Input, buf: Vec<u8>) {
        match (self, mate) {
            (Framing::Single(f) | Framing::Interleaved(f), _) => f.recycle(buf),
            (Framing::Paired(f, _), Input::Reads) => f.recycle(buf),
            (Framing::Paired(_, f), _) => f.recycle(buf),
        }
    }
}

/// What the reader thread shares with the run.
pub(super) struct ReaderCtx {
    /// The run's pool: batches go there.
    pub pool: Arc<rayon::ThreadPool>,
    /// The workers' settings.
    pub cfg: Arc<WorkConfig>,
    /// To the coordinator.
    pub tx: Sender<Msg>,
    /// Workers hand used chunk buffers back on this.
    pub recycle_tx: SyncSender<(Input, Vec<u8>)>,
    /// The cancel flag.
    pub control: Control,
}

/// Starts the reader thread: it hands out batches of `source` (marked by `seen` with
/// `--dedup`), one per token received on `tokens`, and reports each batch's result, the end
/// or a failure to the coordinator.
pub(super) fn spawn(
    source: BatchSource,
    seen: Option<dedup::Seen>,
    ctx: ReaderCtx,
    tokens: Receiver<()>,
    recycled: Receiver<(Input, Vec<u8>)>,
) -> Result<(), Error> {
    std::thread::Builder::new()
        .name("panelprep-reader".into())
        .spawn(move || {
            let run = catch_unwind(AssertUnwindSafe(|| {
                reader_loop(source, seen, &ctx, tokens, recycled)
            }));
            if run.is_err() {
                let _ = ctx.tx.send(Msg::Failed(Error::Internal(
                    "reader thread panicked".into(),
                )));
            }
        })
        .map(drop)
        .map_err(|e| Error::Internal(format!("cannot start reader thread: {e}")))
}

fn reader_loop(
    mut source: BatchSource,
    mut seen: Option<dedup::Seen>,
    ctx: &ReaderCtx,
    tokens: Receiver<()>,
    recycled: Receiver<(Input, Vec<u8>)>,
) {
    let mut seq = 0u64;
    loop {
        if tokens.recv().is_err() {
            return; // the coordinator stopped
        }
        while let Ok((input, buf)) = recycled.try_recv() {
            source.recycle(input, buf);
        }
        if ctx.control.is_cancelled() {
            let _ = ctx.tx.send(Msg::Failed(Error::Cancelled));
            return;
        }
        match source.next() {
            Ok(Some(mut job)) => {
                // Duplicates are decided here, batch after batch in input order.
                if let Some(seen) = seen.as_mut() {
                    job.dups = Some(seen.mark(&job.batch));
                }
                let (tx, cfg, recycle) = (ctx.tx.clone(), ctx.cfg.clone(), ctx.recycle_tx.clone());
                let first = seq == 0;
                ctx.pool.spawn(move || {
                    let result = catch_unwind(AssertUnwindSafe(|| {
                        worker::process(
                            &job.batch,
                            job.index.as_ref(),
                            job.dups.as_deref(),
                            &cfg,
                            first,
                        )
                    }))
                    .unwrap_or_else(|_| Err(Error::Internal("worker panicked".into())))
                    .map(Box::new);
                    let _ = tx.send(Msg::Batch { seq, result });
                    let bufs = match job.batch {
                        Batch::Single(c) | Batch::Interleaved(c) => [Some(c), None],
                        Batch::Paired(a, b) => [Some(a), Some(b)],
                    };
                    for (mate, c) in Input::MATES.into_iter().zip(bufs) {
                        if let Some(c) = c {
                            let _ = recycle.try_send((mate, c.into_buffer()));
                        }
                    }
                    if let Some(buf) = job.index.and_then(|ix| ix.into_buffer()) {
                        let _ = recycle.try_send((Input::UmiIndex, buf));
                    }
                });
                seq += 1;
            }
            Ok(None) => {
                let _ = ctx.tx.send(Msg::End { batches: seq });
                return;
            }
            Err(e) => {
                let _ = ctx.tx.send(Msg::Batch {
                    seq,
                    result: Err(e),
                });
                let _ = ctx.tx.send(Msg::End { batches: seq + 1 });
                return;
            }
        }
    }
}
