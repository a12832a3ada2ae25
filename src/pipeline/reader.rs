//! The reader thread: chunks from the feeds (one thread per input) -> numbered batches onto
//! the pool.

use std::path::PathBuf;

use crate::error::Error;
use crate::fastq::ChunkerOptions;

use super::batch::{Batch, Job};
use super::feed::Feed;
use super::umi_index::IndexSource;

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

    pub(crate) fn chunker_options(
        path: PathBuf,
        target: usize,
        max_record: usize,
    ) -> ChunkerOptions {
        ChunkerOptions {
            target_bytes: target,
            max_record_bytes: max_record,
            path,
        }
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

    /// Hands a used chunk buffer back to the chunker it came from (2 = the UMI index file).
    pub(crate) fn recycle(&mut self, input: usize, buf: Vec<u8>) {
        match (input, self.index.as_mut()) {
            (2, Some(ix)) => ix.recycle(buf),
            (2, None) => {}
            _ => self.reads.recycle(input, buf),
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

    fn recycle(&mut self, mate: usize, buf: Vec<u8>) {
        match (self, mate) {
            (Framing::Single(f) | Framing::Interleaved(f), _) => f.recycle(buf),
            (Framing::Paired(f, _), 0) => f.recycle(buf),
            (Framing::Paired(_, f), _) => f.recycle(buf),
        }
    }
}
