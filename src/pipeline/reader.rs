//! The reader thread: decompressed inputs -> chunker(s) -> numbered batches onto the pool.

use std::io::Read;
use std::path::PathBuf;

use crate::error::{Error, Location};
use crate::fastq::{Chunker, ChunkerOptions, FastqError, FastqErrorKind};

use super::batch::{Batch, Job};
use super::umi_index::IndexSource;

/// Frames input into jobs: batches of reads, with their UMI index records when there is an
/// index file.
pub(crate) struct BatchSource {
    reads: Framing,
    index: Option<IndexSource>,
}

/// How the reads are framed; for two files, R2 chunks hold as many records as R1's.
pub(crate) enum Framing {
    Single(Chunker<Box<dyn Read + Send>>),
    Paired(
        Chunker<Box<dyn Read + Send>>,
        Chunker<Box<dyn Read + Send>>,
        [PathBuf; 2],
    ),
    Interleaved(Chunker<Box<dyn Read + Send>>, PathBuf),
}

impl BatchSource {
    /// Reads framed as `reads`, with the UMI index file `index` in step.
    pub(crate) fn new(reads: Framing, index: Option<IndexSource>) -> Self {
        Self { reads, index }
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
        let Some(batch) = self.reads.next()? else {
            if let Some(ix) = self.index.as_mut() {
                ix.finish()?;
            }
            return Ok(None);
        };
        let index = match self.index.as_mut() {
            Some(ix) => Some(ix.next(batch.fragments())?),
            None => None,
        };
        Ok(Some(Job { batch, index }))
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
            Framing::Single(c) => Ok(c.next_chunk(None)?.map(Batch::Single)),
            Framing::Interleaved(c, path) => match c.next_chunk_multiple(None, 2)? {
                Some(ch) if ch.len() % 2 == 1 => Err(Error::Fastq(FastqError {
                    location: Location {
                        path: path.clone(),
                        record: c.records_read(),
                        line: 0,
                    },
                    kind: FastqErrorKind::OddInterleaved {
                        records: c.records_read(),
                    },
                })),
                other => Ok(other.map(Batch::Interleaved)),
            },
            Framing::Paired(c1, c2, paths) => {
                let Some(a) = c1.next_chunk(None)? else {
                    return match c2.next_chunk(Some(1))? {
                        None => Ok(None),
                        Some(_) => Err(count_mismatch(paths, 0, c1.records_read(), c1.next_line())),
                    };
                };
                let b = c2.next_chunk(Some(a.len()))?;
                match b {
                    Some(b) if b.len() == a.len() => Ok(Some(Batch::Paired(a, b))),
                    _ => Err(count_mismatch(paths, 1, c2.records_read(), c2.next_line())),
                }
            }
        }
    }

    fn recycle(&mut self, mate: usize, buf: Vec<u8>) {
        match (self, mate) {
            (Framing::Single(c) | Framing::Interleaved(c, _), _) => c.recycle(buf),
            (Framing::Paired(c, _, _), 0) => c.recycle(buf),
            (Framing::Paired(_, c, _), _) => c.recycle(buf),
        }
    }
}

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
