//! Per-batch work on the pool: validate, check pairs, count, (trim, filter), serialize. This
//! file takes a batch apart and checks it; [`steps`] decides each read's (pair's) fate.

mod steps;

use crate::error::Error;
use crate::fastq::parse::{QualRange, check};
use crate::fastq::{Chunk, FastqError, FastqErrorKind, RecordRef, pair};
use crate::filter::Filter;
use crate::stats::RunStats;
use crate::trim::Trimmer;

use super::batch::{Batch, Done};
use super::route::{Input, Output, PerInput, PerOutput};
use super::umi_index::IndexRecords;
use steps::{Scratch, is_dup, pair_step, single_step};

/// Settings a worker needs, shared read-only by all workers.
#[derive(Debug)]
pub(crate) struct WorkConfig {
    pub phred_offset: u8,
    /// For paired input: write both mates to [`Output::Reads`] (interleaved output).
    pub interleave_out: bool,
    /// Collect statistics.
    pub stats: bool,
    pub trimmer: Option<Trimmer>,
    pub filter: Option<Filter>,
    /// Output of the lone surviving mate of a failed pair (read 1, read 2), if any.
    pub unpaired: [Option<Output>; 2],
    /// Output of the reads that fail a filter (fastp `--failed_out`), if any.
    pub failed: Option<Output>,
    /// fastp `--fix_mgi_id`.
    pub fix_mgi: bool,
    /// Record where each passing read (pair) ends in the read outputs (`--split`).
    pub split: bool,
    /// fastp `--filter_by_index1/2`, if on.
    pub index_filter: Option<super::names::IndexFilter>,
    /// Merging of overlapping pairs (fastp `--merge`), if on.
    pub merge: Option<super::merge::MergeConfig>,
    /// Spare output buffers (batch outputs come from here and go back after compression).
    pub buffers: std::sync::Arc<super::buffers::Buffers>,
    /// Record a [`super::ReadResult`] per read.
    pub read_results: bool,
}

impl WorkConfig {
    /// Where read 2 of a passing pair goes.
    fn mate2_output(&self) -> Output {
        if self.interleave_out {
            Output::Reads
        } else {
            Output::Mate2
        }
    }
}

thread_local! {
    /// This worker thread's statistics: accumulated over every batch it processes and merged
    /// once at the end of the run (merging is exact, so which thread saw which batch does not
    /// matter). Pool threads belong to one run, so the accumulator does too.
    static ACC: std::cell::RefCell<Option<Box<RunStats>>> = const { std::cell::RefCell::new(None) };
}

/// Takes the calling worker thread's accumulated statistics (run on every pool thread at the end).
pub(crate) fn take_stats() -> Option<Box<RunStats>> {
    ACC.with(|a| a.borrow_mut().take())
}

/// One record (pair) in [`crate::stats::OVERREP_SAMPLING`] by its number in the input, so the
/// sample does not depend on threads or batches.
fn sampled(record: u64) -> bool {
    record.is_multiple_of(crate::stats::OVERREP_SAMPLING)
}

/// Processes one batch (with its UMI index records and its duplicate flags, if any); returns
/// the serialized output and counts, or the first error in it.
pub(crate) fn process(
    batch: &Batch,
    index: Option<&IndexRecords>,
    dups: Option<&[bool]>,
    cfg: &WorkConfig,
    first: bool,
) -> Result<Done, Error> {
    let paired = !matches!(batch, Batch::Single(_));
    let acc = if cfg.stats {
        ACC.with(|a| a.borrow_mut().take())
    } else {
        None
    };
    let mut done = Done {
        stats: acc.or_else(|| {
            cfg.stats.then(|| {
                let mut st = Box::new(RunStats::new(paired));
                if cfg.phred_offset == 33 {
                    st.use_after_delta();
                }
                st
            })
        }),
        out: PerOutput::default(),
        written: PerOutput::default(),
        cuts: Vec::new(),
        input: PerInput::default(),
        bytes: index.map_or(0, |ix| ix.byte_len() as u64),
        qual_range: QualRange::default(),
        results: Vec::new(),
    };
    // Output is at most about the input's size: room for it once, in a reused buffer.
    match batch {
        Batch::Single(c) | Batch::Interleaved(c) => reserve(cfg, &mut done.out[Output::Reads], c),
        Batch::Paired(a, b) => {
            reserve(cfg, &mut done.out[Output::Reads], a);
            reserve(cfg, &mut done.out[cfg.mate2_output()], b);
        }
    }
    let mut s = Scratch::default();
    // Each record is sliced out of its chunk once and passed on; with statistics, its bases
    // and qualities are kept for the batch's before-filtering counts too.
    let mut seen = Seen::new(done.stats.is_some(), batch);
    match batch {
        Batch::Single(c) => {
            done.bytes += c.byte_len() as u64;
            for i in 0..c.len() {
                let r = c.record(i);
                seen.push(0, &r);
                checked(c, i, &r, cfg.phred_offset, &mut done.qual_range)?;
                let umi = index_umi(&mut done, index, i, &r, cfg)?;
                s.r1.load(&r, cfg.phred_offset);
                let dup = is_dup(dups, i);
                s.frag = c.first_record() + i as u64;
                single_step(&mut done, cfg, &mut s, r, umi, dup);
            }
        }
        Batch::Paired(a, b) => {
            done.bytes += (a.byte_len() + b.byte_len()) as u64;
            for i in 0..a.len() {
                let pair = [a.record(i), b.record(i)];
                seen.push(0, &pair[0]);
                seen.push(1, &pair[1]);
                checked(a, i, &pair[0], cfg.phred_offset, &mut done.qual_range)?;
                checked(b, i, &pair[1], cfg.phred_offset, &mut done.qual_range)?;
                check_names((a, i, &pair[0]), (b, i, &pair[1]))?;
                let umi = index_umi(&mut done, index, i, &pair[0], cfg)?;
                s.r1.load(&pair[0], cfg.phred_offset);
                s.r2.load(&pair[1], cfg.phred_offset);
                let dup = is_dup(dups, i);
                s.frag = a.first_record() + i as u64;
                pair_step(&mut done, cfg, &mut s, pair, umi, dup);
            }
        }
        Batch::Interleaved(c) => {
            done.bytes += c.byte_len() as u64;
            for i in (0..c.len()).step_by(2) {
                let pair = [c.record(i), c.record(i + 1)];
                seen.push(0, &pair[0]);
                seen.push(1, &pair[1]);
                checked(c, i, &pair[0], cfg.phred_offset, &mut done.qual_range)?;
                checked(c, i + 1, &pair[1], cfg.phred_offset, &mut done.qual_range)?;
                check_names((c, i, &pair[0]), (c, i + 1, &pair[1]))?;
                let umi = index_umi(&mut done, index, i / 2, &pair[0], cfg)?;
                s.r1.load(&pair[0], cfg.phred_offset);
                s.r2.load(&pair[1], cfg.phred_offset);
                let dup = is_dup(dups, i / 2);
                s.frag = (c.first_record() + i as u64) / 2;
                pair_step(&mut done, cfg, &mut s, pair, umi, dup);
            }
        }
    }
    if let Some(st) = done.stats.as_deref_mut() {
        count_before(st, &seen, cfg.phred_offset == 33);
    }
    if let Some(st) = done.stats.take() {
        ACC.with(|a| *a.borrow_mut() = Some(st));
    }
    if first && cfg.phred_offset == 33 {
        check_phred(done.qual_range, batch)?;
    }
    Ok(done)
}

/// The bases and qualities of a batch's reads, per mate, as the worker slices them (empty
/// without statistics), with what numbers them in the input.
struct Seen<'a> {
    reads: [Vec<(&'a [u8], &'a [u8])>; 2],
    /// Number of the batch's first record in the input.
    first: u64,
    /// Records per read (pair): 2 when interleaved.
    stride: u64,
    keep: bool,
}

impl<'a> Seen<'a> {
    fn new(keep: bool, batch: &Batch) -> Self {
        let (c, stride) = match batch {
            Batch::Single(c) | Batch::Paired(c, _) => (c, 1),
            Batch::Interleaved(c) => (c, 2),
        };
        // Reads per mate: half the records of an interleaved chunk.
        let n = if keep {
            c.len().div_ceil(stride as usize)
        } else {
            0
        };
        let n2 = if matches!(batch, Batch::Single(_)) {
            0
        } else {
            n
        };
        Self {
            reads: [Vec::with_capacity(n), Vec::with_capacity(n2)],
            first: c.first_record(),
            stride,
            keep,
        }
    }

    #[inline]
    fn push(&mut self, mate: usize, r: &RecordRef<'a>) {
        if self.keep {
            self.reads[mate].push((r.seq, r.qual));
        }
    }
}

/// Before-filtering statistics of a whole batch, in a pass of their own: the count tables stay
/// in cache for the batch instead of competing record by record with trimming and compression,
/// and each mate's reads are counted together ([`RunStats::add_before_batch`]). Per-mate
/// counts only when `mates` (Phred+33 input; other reads are counted as converted).
fn count_before(st: &mut RunStats, seen: &Seen<'_>, mates: bool) {
    let [r1, r2] = &seen.reads;
    if mates {
        st.add_before_batch(0, r1);
        if !r2.is_empty() {
            st.add_before_batch(1, r2);
        }
    }
    // The read (pair) number of the `i`-th read (pair): `(first + stride * i) / stride`.
    for (i, a) in r1.iter().enumerate() {
        let b = r2.get(i).map(|b| b.0);
        let k = (seen.first + seen.stride * i as u64) / seen.stride;
        st.add_sequence_bases(a.0, b, sampled(k));
    }
}

/// The UMI index record of read (pair) `k` of the batch, checked against `read` and counted;
/// `None` without an index file.
fn index_umi<'a>(
    done: &mut Done,
    index: Option<&'a IndexRecords>,
    k: usize,
    read: &RecordRef<'_>,
    cfg: &WorkConfig,
) -> Result<Option<&'a [u8]>, Error> {
    let Some(ix) = index else {
        return Ok(None);
    };
    let umi = ix.umi(k, read, cfg.phred_offset)?;
    done.input[Input::UmiIndex].records += 1;
    done.input[Input::UmiIndex].bases += umi.len() as u64;
    Ok(Some(umi))
}

fn reserve(cfg: &WorkConfig, out: &mut Vec<u8>, c: &Chunk) {
    // UMIs lengthen headers a little; the slack covers them for usual UMI lengths.
    let want = c.byte_len() + c.byte_len() / 16;
    if out.capacity() == 0 {
        *out = cfg.buffers.batches.take(want);
    } else {
        out.reserve(want);
    }
}

/// Checks record `i` of chunk `c`, already sliced out as `rec` (see [`parse::check`]).
///
/// [`parse::check`]: crate::fastq::parse::check
fn checked(
    c: &Chunk,
    i: usize,
    rec: &RecordRef<'_>,
    offset: u8,
    range: &mut QualRange,
) -> Result<(), FastqError> {
    check(rec, offset, range).map_err(|(part, kind)| FastqError {
        location: c.location(i, part),
        kind,
    })
}

/// Checks that two mates, each given as (chunk, index, record), carry the same name.
fn check_names(
    (a, i, r1): (&Chunk, usize, &RecordRef<'_>),
    (b, j, r2): (&Chunk, usize, &RecordRef<'_>),
) -> Result<(), FastqError> {
    if pair::quick_mates(r1.head, r2.head) {
        return Ok(());
    }
    if pair::names_match(r1.head, r2.head) {
        // Casava comments carry the mate number: `1:N:0` in read 2's file means swapped files
        // (names with a `/1` `/2` suffix already told the mates apart).
        if pair::same_name(r1.head, r2.head) {
            for (mate, chunk, k, head) in [(1, a, i, r1.head), (2, b, j, r2.head)] {
                match pair::casava_mate(head) {
                    Some(found) if found != mate => {
                        let end = head.len().min(60);
                        let name = String::from_utf8_lossy(&head[..end]).into_owned();
                        return Err(FastqError {
                            location: chunk.location(k, 0),
                            kind: FastqErrorKind::MateNumber { mate, found, name },
                        });
                    }
                    _ => {}
                }
            }
        }
        return Ok(());
    }
    let lossy = |n: &[u8]| String::from_utf8_lossy(n).into_owned();
    Err(FastqError {
        location: a.location(i, 0),
        kind: FastqErrorKind::PairNameMismatch {
            r1: lossy(r1.name()),
            r2: lossy(r2.name()),
        },
    })
}

/// Qualities of the first batch that can only be Phred+64 are an error while Phred+33 is in use.
fn check_phred(range: QualRange, batch_first: &Batch) -> Result<(), FastqError> {
    if !range.looks_phred64() {
        return Ok(());
    }
    let chunk = match batch_first {
        Batch::Single(c) | Batch::Paired(c, _) | Batch::Interleaved(c) => c,
    };
    Err(FastqError {
        location: chunk.location(0, 3),
        kind: FastqErrorKind::LooksPhred64 {
            min: range.min as char,
            max: range.max as char,
        },
    })
}
