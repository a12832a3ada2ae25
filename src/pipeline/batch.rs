//! The units that travel through the pipeline.

use super::route::{PerInput, PerOutput, WriterId};
use super::umi_index::IndexRecords;
use crate::error::Error;
use crate::fastq::Chunk;
use crate::fastq::parse::QualRange;
use crate::stats::RunStats;

/// Records handed to a worker: one chunk, or two chunks holding the same number of records.
#[derive(Debug)]
pub enum Batch {
    /// Single-end records.
    Single(Chunk),
    /// Mates from two files: `r1.record(i)` pairs with `r2.record(i)`.
    Paired(Chunk, Chunk),
    /// Mates alternating in one chunk (an even number of records).
    Interleaved(Chunk),
}

impl Batch {
    /// Reads (single-end) or pairs in the batch: one UMI index record each.
    pub fn fragments(&self) -> usize {
        match self {
            Batch::Single(c) | Batch::Paired(c, _) => c.len(),
            Batch::Interleaved(c) => c.len() / 2,
        }
    }

    /// Keeps the first `n` reads (single-end) or pairs.
    pub(crate) fn truncate(&mut self, n: usize) {
        match self {
            Batch::Single(c) => c.truncate(n),
            Batch::Paired(a, b) => {
                a.truncate(n);
                b.truncate(n);
            }
            Batch::Interleaved(c) => c.truncate(2 * n),
        }
    }
}

/// What the reader hands to a worker: a batch and, with a UMI index file, its index records.
#[derive(Debug)]
pub(crate) struct Job {
    /// The reads.
    pub batch: Batch,
    /// Record `k` belongs to read (pair) `k` of `batch`.
    pub index: Option<IndexRecords>,
    /// With `--dedup`: per read (pair) of `batch`, true for a repeat of an earlier one.
    pub dups: Option<Vec<bool>>,
}

/// Records and bases read from one input (of one batch, or of the run).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InputCounts {
    /// Records read.
    pub records: u64,
    /// Bases read.
    pub bases: u64,
}

/// What a worker returns for one batch.
#[derive(Debug)]
pub(crate) struct Done {
    /// Statistics of this batch (merged exactly by the writer side).
    pub stats: Option<Box<RunStats>>,
    /// Serialized records for each output.
    pub(crate) out: PerOutput<Vec<u8>>,
    /// Records written to each output.
    pub(crate) written: PerOutput<u64>,
    /// With splitting: per passing read (pair) written to the read outputs, its number in the
    /// input and the end of its bytes in the [`super::route::Output::Reads`] and
    /// [`super::route::Output::Mate2`] outputs.
    pub cuts: Vec<(u64, [usize; 2])>,
    /// Records and bases read per input.
    pub(crate) input: PerInput<InputCounts>,
    /// Input bytes the batch covered.
    pub bytes: u64,
    /// Range of quality characters seen (for Phred+64 detection).
    pub qual_range: QualRange,
    /// What happened to each read, in input order (when `read_results` is on; `record` not
    /// yet numbered).
    pub results: Vec<super::ReadResult>,
}

/// What the reader, the workers and the compression tasks tell the coordinator.
pub(crate) enum Msg {
    /// Batch `seq` (numbered by the reader in input order) is done, or failed.
    Batch {
        seq: u64,
        result: Result<Box<Done>, Error>,
    },
    /// Compressed blocks of one writer, with their numbers.
    Blocks {
        writer: WriterId,
        blocks: Vec<(u64, Vec<u8>)>,
    },
    /// The reader handed out `batches` batches in all.
    End { batches: u64 },
    /// A thread of the run failed outside any batch.
    Failed(Error),
}
