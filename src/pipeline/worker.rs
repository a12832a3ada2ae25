//! Per-batch work on the pool: validate, check pairs, count, (trim, filter), serialize.

use crate::error::Error;
use crate::fastq::parse::{QualRange, validate};
use crate::fastq::{Chunk, FastqError, FastqErrorKind, ReadBuf, RecordRef, pair};
use crate::filter::{Filter, Reason};
use crate::stats::RunStats;
use crate::trim::{TrimOutcome, Trimmer};

use super::batch::{Batch, Done, InputCounts};
use super::umi_index::IndexRecords;

/// Settings a worker needs, shared read-only by all workers.
#[derive(Debug)]
pub(crate) struct WorkConfig {
    pub phred_offset: u8,
    /// For paired input: write both mates to stream 0 (interleaved output).
    pub interleave_out: bool,
    /// Collect statistics.
    pub stats: bool,
    pub trimmer: Option<Trimmer>,
    pub filter: Option<Filter>,
    /// Output stream of the lone surviving mate of a failed pair (read 1, read 2), if any.
    pub unpaired: [Option<usize>; 2],
    /// Output stream of the reads that fail a filter (fastp `--failed_out`), if any.
    pub failed: Option<usize>,
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

/// Output streams: reads (R1 / single), R2, the unpaired mates, the failed reads, the merged
/// reads.
pub(crate) const STREAMS: usize = 6;

/// Reusable per-batch scratch.
#[derive(Default)]
struct Scratch {
    r1: ReadBuf,
    r2: ReadBuf,
    merged: ReadBuf,
    outcome: [TrimOutcome; 2],
    /// The input number of the read (pair) in hand.
    frag: u64,
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
        out: Default::default(),
        written: [0; STREAMS],
        cuts: Vec::new(),
        input: [InputCounts::default(); 3],
        bytes: index.map_or(0, |ix| ix.byte_len() as u64),
        qual_range: QualRange::default(),
        results: Vec::new(),
    };
    // Output is at most about the input's size: room for it once, in a reused buffer.
    match batch {
        Batch::Single(c) | Batch::Interleaved(c) => reserve(cfg, &mut done.out[0], c),
        Batch::Paired(a, b) => {
            reserve(cfg, &mut done.out[0], a);
            reserve(
                cfg,
                &mut done.out[if cfg.interleave_out { 0 } else { 1 }],
                b,
            );
        }
    }
    let mut s = Scratch::default();
    match batch {
        Batch::Single(c) => {
            done.bytes += c.byte_len() as u64;
            for i in 0..c.len() {
                validate(c, i, cfg.phred_offset, &mut done.qual_range)?;
                let umi = index_umi(&mut done, index, i, &c.record(i), cfg)?;
                s.r1.load(&c.record(i), cfg.phred_offset);
                let dup = is_dup(dups, i);
                s.frag = c.first_record() + i as u64;
                single_step(&mut done, cfg, &mut s, c.record(i), umi, dup);
            }
        }
        Batch::Paired(a, b) => {
            done.bytes += (a.byte_len() + b.byte_len()) as u64;
            for i in 0..a.len() {
                validate(a, i, cfg.phred_offset, &mut done.qual_range)?;
                validate(b, i, cfg.phred_offset, &mut done.qual_range)?;
                check_names(a, i, b, i)?;
                let umi = index_umi(&mut done, index, i, &a.record(i), cfg)?;
                s.r1.load(&a.record(i), cfg.phred_offset);
                s.r2.load(&b.record(i), cfg.phred_offset);
                let dup = is_dup(dups, i);
                s.frag = a.first_record() + i as u64;
                pair_step(&mut done, cfg, &mut s, [a.record(i), b.record(i)], umi, dup);
            }
        }
        Batch::Interleaved(c) => {
            done.bytes += c.byte_len() as u64;
            for i in (0..c.len()).step_by(2) {
                validate(c, i, cfg.phred_offset, &mut done.qual_range)?;
                validate(c, i + 1, cfg.phred_offset, &mut done.qual_range)?;
                check_names(c, i, c, i + 1)?;
                let umi = index_umi(&mut done, index, i / 2, &c.record(i), cfg)?;
                s.r1.load(&c.record(i), cfg.phred_offset);
                s.r2.load(&c.record(i + 1), cfg.phred_offset);
                let dup = is_dup(dups, i / 2);
                s.frag = (c.first_record() + i as u64) / 2;
                let pair = [c.record(i), c.record(i + 1)];
                pair_step(&mut done, cfg, &mut s, pair, umi, dup);
            }
        }
    }
    if let Some(st) = done.stats.as_deref_mut() {
        count_before(st, batch, cfg.phred_offset == 33);
    }
    if let Some(st) = done.stats.take() {
        ACC.with(|a| *a.borrow_mut() = Some(st));
    }
    if first && cfg.phred_offset == 33 {
        check_phred(done.qual_range, batch)?;
    }
    Ok(done)
}

/// Before-filtering statistics of a whole batch, in a pass of their own: the count tables stay
/// in cache for the batch instead of competing record by record with trimming and compression,
/// and each mate's reads are counted together ([`RunStats::add_before_batch`]). Per-mate
/// counts only when `mates` (Phred+33 input; other reads are counted as converted).
fn count_before(st: &mut RunStats, batch: &Batch, mates: bool) {
    fn reads(c: &Chunk, range: impl Iterator<Item = usize>) -> Vec<(&[u8], &[u8])> {
        range
            .map(|i| c.record(i))
            .map(|r| (r.seq, r.qual))
            .collect()
    }
    match batch {
        Batch::Single(c) => {
            if mates {
                st.add_before_batch(0, &reads(c, 0..c.len()));
            }
            for i in 0..c.len() {
                st.add_sequences(&c.record(i), None, sampled(c.first_record() + i as u64));
            }
        }
        Batch::Paired(a, b) => {
            if mates {
                st.add_before_batch(0, &reads(a, 0..a.len()));
                st.add_before_batch(1, &reads(b, 0..b.len()));
            }
            for i in 0..a.len() {
                let number = a.first_record() + i as u64;
                st.add_sequences(&a.record(i), Some(&b.record(i)), sampled(number));
            }
        }
        Batch::Interleaved(c) => {
            if mates {
                st.add_before_batch(0, &reads(c, (0..c.len()).step_by(2)));
                st.add_before_batch(1, &reads(c, (1..c.len()).step_by(2)));
            }
            for i in (0..c.len()).step_by(2) {
                let pair = (c.first_record() + i as u64) / 2;
                st.add_sequences(&c.record(i), Some(&c.record(i + 1)), sampled(pair));
            }
        }
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
    done.input[2].records += 1;
    done.input[2].bases += umi.len() as u64;
    Ok(Some(umi))
}

fn single_step(
    done: &mut Done,
    cfg: &WorkConfig,
    s: &mut Scratch,
    orig: RecordRef<'_>,
    umi: Option<&[u8]>,
    dup: bool,
) {
    count(done, 0, &s.r1);
    if let Some(st) = done.stats.as_deref_mut()
        && cfg.phred_offset != 33
    {
        st.add_before_mate(0, &s.r1.as_ref());
    }
    if name_steps(done, cfg, s, &[orig]) {
        return;
    }
    if let Some(t) = &cfg.trimmer {
        t.trim_se_indexed(&mut s.r1, umi, &mut s.outcome[0]);
        if let Some(st) = done.stats.as_deref_mut() {
            tally(st, 0, &s.outcome[0]);
        }
    }
    let reason = cfg
        .filter
        .as_ref()
        .map_or(Reason::Passed, |f| f.verdict(&s.r1));
    if let Some(st) = done.stats.as_deref_mut() {
        st.add_filter(reason, 1);
        if dup {
            st.add_duplicate();
        }
        let pass = reason == Reason::Passed && !dup;
        after_stats(st, cfg, 0, pass, &orig, &s.r1, &s.outcome[0]);
    }
    if cfg.read_results {
        done.results.push(result(
            0,
            &s.r1,
            &s.outcome[0],
            reason,
            reason == Reason::Passed && !dup,
        ));
    }
    if dup {
        // fastp writes a duplicate nowhere, not even with the failed reads.
    } else if reason == Reason::Passed {
        emit(done, 0, &s.r1);
        cut(done, cfg, s.frag);
    } else if let Some(k) = cfg.failed {
        let read = super::failed::as_written(&s.r1, &orig);
        emit_failed(done, k, &read, super::failed::fastp_tag(reason));
    }
}

fn pair_step(
    done: &mut Done,
    cfg: &WorkConfig,
    s: &mut Scratch,
    orig: [RecordRef<'_>; 2],
    umi: Option<&[u8]>,
    dup: bool,
) {
    count(done, 0, &s.r1);
    count(done, 1, &s.r2);
    if let Some(st) = done.stats.as_deref_mut()
        && cfg.phred_offset != 33
    {
        st.add_before_mate(0, &s.r1.as_ref());
        st.add_before_mate(1, &s.r2.as_ref());
    }
    if name_steps(done, cfg, s, &orig) {
        return;
    }
    if let Some(t) = &cfg.trimmer {
        let insert = t.trim_pe_indexed(&mut s.r1, &mut s.r2, umi, &mut s.outcome);
        if let Some(st) = done.stats.as_deref_mut() {
            st.add_insert(insert);
            tally(st, 0, &s.outcome[0]);
            tally(st, 1, &s.outcome[1]);
        }
        if dup && let Some(st) = done.stats.as_deref_mut() {
            st.add_duplicate();
        }
        if let Some(m) = cfg.merge
            && merge_step(done, cfg, s, &orig, insert, m, dup)
        {
            return;
        }
    } else if dup && let Some(st) = done.stats.as_deref_mut() {
        st.add_duplicate();
    }
    let (a, b) = cfg
        .filter
        .as_ref()
        .map_or((Reason::Passed, Reason::Passed), |f| {
            f.verdict_pair(&s.r1, &s.r2)
        });
    let reason = a.max(b);
    if cfg.read_results {
        let kept = reason == Reason::Passed && !dup;
        done.results.push(result(0, &s.r1, &s.outcome[0], a, kept));
        done.results.push(result(1, &s.r2, &s.outcome[1], b, kept));
    }
    if let Some(st) = done.stats.as_deref_mut() {
        st.add_filter(reason, 2);
        let pass = reason == Reason::Passed && !dup;
        after_stats(st, cfg, 0, pass, &orig[0], &s.r1, &s.outcome[0]);
        after_stats(st, cfg, 1, pass, &orig[1], &s.r2, &s.outcome[1]);
    }
    if dup {
        // fastp writes a duplicate pair nowhere, not even with the failed reads.
        return;
    }
    if reason == Reason::Passed {
        emit(done, 0, &s.r1);
        emit(done, if cfg.interleave_out { 0 } else { 1 }, &s.r2);
        cut(done, cfg, s.frag);
    } else if a == Reason::Passed {
        if let Some(k) = cfg.unpaired[0] {
            emit(done, k, &s.r1);
        }
    } else if b == Reason::Passed
        && let Some(k) = cfg.unpaired[1]
    {
        emit(done, k, &s.r2);
    }
    if let Some(k) = cfg.failed {
        let unpaired = cfg.unpaired.map(|u| u.is_some());
        let tags = super::failed::pair_tags((a, b), unpaired);
        let reads = [(&s.r1, &orig[0]), (&s.r2, &orig[1])];
        for ((read, orig), tag) in reads.into_iter().zip(tags) {
            if let Some(tag) = tag {
                emit_failed(done, k, &super::failed::as_written(read, orig), tag);
            }
        }
    }
}

/// fastp's name steps on the reads as read: `--filter_by_index1/2` (true: the read or pair is
/// dropped, written nowhere) and `--fix_mgi_id`.
fn name_steps(done: &mut Done, cfg: &WorkConfig, s: &mut Scratch, orig: &[RecordRef<'_>]) -> bool {
    let pair = orig.len() == 2;
    if let Some(f) = &cfg.index_filter
        && f.drops(&s.r1.head, pair.then_some(&s.r2.head[..]))
    {
        if let Some(st) = done.stats.as_deref_mut() {
            st.add_index_filtered(orig.len() as u64);
            if cfg.phred_offset == 33 {
                for (mate, o) in orig.iter().enumerate() {
                    st.after_dropped(mate, o);
                }
            }
        }
        return true;
    }
    if cfg.fix_mgi {
        super::names::fix_mgi(&mut s.r1.head);
        if pair {
            super::names::fix_mgi(&mut s.r2.head);
        }
    }
    false
}

/// With `--split`: the passing read (pair) `frag` ends here in the read outputs.
fn cut(done: &mut Done, cfg: &WorkConfig, frag: u64) {
    if cfg.split {
        done.cuts
            .push((frag, [done.out[0].len(), done.out[1].len()]));
    }
}

fn is_dup(dups: Option<&[bool]>, k: usize) -> bool {
    dups.and_then(|d| d.get(k).copied()).unwrap_or(false)
}

/// `--merge` for a trimmed pair with insert call `insert`: the merged read (or, with
/// `--include_unmerged`, each passing mate of a pair that does not merge) to the merged
/// stream. Returns false when the pair takes the usual way (not merged, unmerged pairs to the
/// read outputs).
fn merge_step(
    done: &mut Done,
    cfg: &WorkConfig,
    s: &mut Scratch,
    orig: &[RecordRef<'_>; 2],
    insert: Option<usize>,
    m: super::merge::MergeConfig,
    dup: bool,
) -> bool {
    let fronts = [s.outcome[0].front_bases, s.outcome[1].front_bases];
    let merged = insert.is_some_and(|k| {
        super::merge::merge_into(&mut s.merged, (&s.r1, &s.r2), fronts, k, m.overlap_require)
    });
    let verdict = |r: &ReadBuf| cfg.filter.as_ref().map_or(Reason::Passed, |f| f.verdict(r));
    if merged {
        let reason = verdict(&s.merged);
        let pass = reason == Reason::Passed && !dup;
        if let Some(st) = done.stats.as_deref_mut() {
            st.add_filter(reason, 2);
            st.add_merged();
            after_merged(st, cfg, pass, orig, &s.merged);
        }
        if dup {
            return true;
        }
        if pass {
            emit(done, m.stream, &s.merged);
        } else if let Some(k) = cfg.failed {
            let tag = super::failed::fastp_tag(reason);
            emit_failed(done, k, &s.merged.as_ref(), tag);
        }
        return true;
    }
    if !m.include_unmerged {
        return false;
    }
    let reasons = [verdict(&s.r1), verdict(&s.r2)];
    if let Some(st) = done.stats.as_deref_mut() {
        for (mate, reason) in reasons.iter().enumerate() {
            st.add_filter(*reason, 1);
            let (read, o) = if mate == 0 {
                (&s.r1, &s.outcome[0])
            } else {
                (&s.r2, &s.outcome[1])
            };
            let pass = *reason == Reason::Passed && !dup;
            after_stats(st, cfg, mate, pass, &orig[mate], read, o);
        }
    }
    if dup {
        return true;
    }
    for (mate, reason) in reasons.into_iter().enumerate() {
        let read = if mate == 0 { &s.r1 } else { &s.r2 };
        if reason == Reason::Passed {
            emit(done, m.stream, read);
        } else if let Some(k) = cfg.failed {
            let tag = super::failed::fastp_tag(reason);
            emit_failed(done, k, &super::failed::as_written(read, &orig[mate]), tag);
        }
    }
    true
}

/// After-filtering statistics of a merged pair: both mates leave, the merged read (when it
/// passes) counts as a read 1.
fn after_merged(
    st: &mut RunStats,
    cfg: &WorkConfig,
    pass: bool,
    orig: &[RecordRef<'_>; 2],
    merged: &ReadBuf,
) {
    if cfg.phred_offset != 33 {
        if pass {
            st.after[0].add(&merged.seq, &merged.qual);
        }
        return;
    }
    if pass {
        st.after_replaced(0, &orig[0], &merged.as_ref());
    } else {
        st.after_dropped(0, &orig[0]);
    }
    st.after_dropped(1, &orig[1]);
}

/// The result of one read (its number is given later, in input order).
fn result(
    mate: u8,
    read: &ReadBuf,
    o: &TrimOutcome,
    reason: Reason,
    kept: bool,
) -> super::ReadResult {
    super::ReadResult {
        record: 0,
        mate,
        trimmed_front: o.front_bases,
        adapter_bases: o.adapter_bases,
        length: read.seq.len(),
        reason,
        kept,
    }
}

/// After-filtering statistics as a difference from the before-filtering ones: nothing for an
/// unchanged passing read, the removed tail for a 3'-trimmed one (see `RunStats::finish_after`).
fn after_stats(
    st: &mut RunStats,
    cfg: &WorkConfig,
    mate: usize,
    pass: bool,
    orig: &RecordRef<'_>,
    read: &ReadBuf,
    o: &TrimOutcome,
) {
    if cfg.phred_offset != 33 {
        // The chunk holds Phred+64 qualities: count the converted read directly.
        if pass {
            st.after[mate].add(&read.seq, &read.qual);
        }
        return;
    }
    if !pass {
        st.after_dropped(mate, orig);
    } else if o.front_bases > 0 || o.corrected_bases > 0 {
        st.after_replaced(mate, orig, &read.as_ref());
    } else if read.len() < orig.seq.len() {
        st.after_tail_trimmed(mate, orig, read.len());
    }
}

fn tally(st: &mut RunStats, mate: usize, o: &TrimOutcome) {
    st.add_trimmed(
        mate,
        o.adapter_bases,
        o.poly_x_bases + o.poly_g_bases,
        o.quality_bases,
    );
    if o.adapter_bases > 0 {
        st.add_adapter(mate, &o.adapter_seq);
    }
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

fn count(done: &mut Done, mate: usize, r: &ReadBuf) {
    done.input[mate].records += 1;
    done.input[mate].bases += r.len() as u64;
}

fn emit(done: &mut Done, stream: usize, r: &ReadBuf) {
    r.write_to(&mut done.out[stream]);
    done.written[stream] += 1;
}

/// A failed read as it was read, the reason in its title (fastp `--failed_out`).
fn emit_failed(done: &mut Done, stream: usize, r: &RecordRef<'_>, tag: &str) {
    super::failed::write_tagged(&mut done.out[stream], r, tag);
    done.written[stream] += 1;
}

fn check_names(a: &Chunk, i: usize, b: &Chunk, j: usize) -> Result<(), FastqError> {
    let (r1, r2) = (a.record(i), b.record(j));
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
