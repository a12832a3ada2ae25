//! The units that travel through the pipeline.

use super::umi_index::IndexRecords;
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

/// Per-input counts for one batch (index 0 = R1 or single, 1 = R2, 2 = UMI index file).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InputCounts {
    /// Records read.
    pub records: u64,
    /// Bases read.
    pub bases: u64,
}

/// What a worker returns for one batch.
#[derive(Debug)]
pub struct Done {
    /// Statistics of this batch (merged exactly by the writer side).
    pub stats: Option<Box<RunStats>>,
    /// Serialized records for each output stream (reads, R2, unpaired R1, unpaired R2,
    /// failed reads, merged reads).
    pub out: [Vec<u8>; super::worker::STREAMS],
    /// Records written to each output stream.
    pub written: [u64; super::worker::STREAMS],
    /// With splitting: per passing read (pair) written to the read outputs, its number in the
    /// input and the end of its bytes in `out[0]` and `out[1]`.
    pub cuts: Vec<(u64, [usize; 2])>,
    /// Input counts per mate, then of the UMI index file.
    pub input: [InputCounts; 3],
    /// Input bytes the batch covered.
    pub bytes: u64,
    /// Range of quality characters seen (for Phred+64 detection).
    pub qual_range: QualRange,
    /// What happened to each read, in input order (when `read_results` is on; `record` not
    /// yet numbered).
    pub results: Vec<super::ReadResult>,
}
