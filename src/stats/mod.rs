//! Mergeable statistics accumulators (integers only; floats appear at render time).
//!
//! Each worker owns a [`RunStats`] and feeds it record by record; the pipeline merges the
//! workers' accumulators at the end with [`RunStats::merge`]. Every field is an integer count
//! or a hash-sampled structure whose result depends only on the multiset of records, so the
//! merged statistics (and the report built from them) are the same for any thread count and
//! any partition of the records into batches.

mod adapters;
mod overrep;
mod read;
mod sample;

pub use adapters::{ADAPTER_SEQ_CAPACITY, AdapterCounts};
pub use overrep::{OVERREP_BUCKETS, OVERREP_KEY_LEN, OverrepCounter};
pub use read::{Cycle, MAX_CYCLES, QUAL_BINS, ReadStats, Totals, base_index};
pub use sample::{DUP_CAPACITY, DupEstimator, DupSummary, SampledCounter, hash_bytes};

use crate::fastq::RecordRef;
use crate::filter::Reason;

/// Reads counted per filtering outcome, indexed by [`Reason::index`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReasonCounts {
    counts: [u64; Reason::ALL.len()],
}

impl ReasonCounts {
    /// Counts `reads` reads with outcome `reason`.
    pub fn add(&mut self, reason: Reason, reads: u64) {
        self.counts[reason.index()] += reads;
    }

    /// Reads with outcome `reason`.
    pub fn get(&self, reason: Reason) -> u64 {
        self.counts[reason.index()]
    }

    /// Adds `other`.
    pub fn merge(&mut self, other: &Self) {
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
    }

    /// Reads under fastp's `filtering_result` key `key` (several reasons may share a key).
    pub fn fastp_count(&self, key: &str) -> u64 {
        Reason::ALL
            .iter()
            .filter(|r| r.fastp_key() == key)
            .map(|&r| self.get(r))
            .sum()
    }
}

/// Bases removed by each trimming step, per mate.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TrimCounts {
    /// Reads that lost at least one base, per mate.
    pub reads: [u64; 2],
    /// Adapter bases removed, per mate.
    pub adapter_bases: [u64; 2],
    /// Poly-X tail bases removed, per mate.
    pub polyx_bases: [u64; 2],
    /// Low-quality bases removed, per mate.
    pub quality_bases: [u64; 2],
}

impl TrimCounts {
    /// Adds `other`.
    pub fn merge(&mut self, o: &Self) {
        for m in 0..2 {
            self.reads[m] += o.reads[m];
            self.adapter_bases[m] += o.adapter_bases[m];
            self.polyx_bases[m] += o.polyx_bases[m];
            self.quality_bases[m] += o.quality_bases[m];
        }
    }
}

/// Length of fastp's insert-size histogram; larger inserts are counted in the last bin.
pub const INSERT_HIST_LEN: usize = 512;

/// Insert sizes from the pair overlap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InsertHist {
    /// `histogram[i]`: pairs with insert size `i` (the last bin: that size or more).
    pub histogram: Vec<u64>,
    /// Pairs whose mates did not overlap (insert unknown).
    pub unknown: u64,
}

impl Default for InsertHist {
    fn default() -> Self {
        Self {
            histogram: vec![0; INSERT_HIST_LEN],
            unknown: 0,
        }
    }
}

impl InsertHist {
    /// Counts one pair.
    pub fn add(&mut self, insert: Option<usize>) {
        match insert {
            Some(i) => self.histogram[i.min(INSERT_HIST_LEN - 1)] += 1,
            None => self.unknown += 1,
        }
    }

    /// Adds `other`.
    pub fn merge(&mut self, o: &Self) {
        for (a, b) in self.histogram.iter_mut().zip(&o.histogram) {
            *a += b;
        }
        self.unknown += o.unknown;
    }

    /// Pairs with a known insert size.
    pub fn known(&self) -> u64 {
        self.histogram.iter().sum()
    }

    /// The most frequent insert size (the smallest on ties; 0 when none is known).
    pub fn peak(&self) -> usize {
        let mut best = 0;
        for (i, &c) in self.histogram.iter().enumerate() {
            if c > self.histogram[best] {
                best = i;
            }
        }
        best
    }
}

/// One record (pair) in this many is counted for overrepresented sequences (fastp's default
/// `--overrepresentation_sampling 20`).
pub const OVERREP_SAMPLING: u64 = 20;

/// Everything counted during one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunStats {
    /// Paired-end run (two mates per record).
    pub paired: bool,
    /// Per mate, before trimming and filtering.
    pub before: [ReadStats; 2],
    /// Per mate, reads that passed filtering (after trimming).
    pub after: [ReadStats; 2],
    /// Filtering outcome counts (reads; a pair counts 2).
    pub filter: ReasonCounts,
    /// Adapter sequences cut.
    pub adapters: AdapterCounts,
    /// Bases removed by each trimming step.
    pub trimmed: TrimCounts,
    /// Insert sizes of pairs.
    pub insert_sizes: InsertHist,
    /// Duplication-rate estimate (input reads or pairs).
    pub duplication: DupEstimator,
    /// Overrepresented sequences among input reads, per mate.
    pub overrep: OverrepCounter,
    /// Reads (pairs) dropped as repeats of an earlier one (`--dedup`); `None` without it.
    pub dedup_removed: Option<u64>,
    /// Pairs merged into one read (`--merge`); `None` without it.
    pub merged_pairs: Option<u64>,
    /// Reads dropped by their index (`--filter_by_index1/2`); `None` without it.
    pub index_filtered: Option<u64>,
    /// After-filtering statistics kept as a difference from `before` (see
    /// [`RunStats::after_tail_trimmed`]): counts added and removed, folded in by
    /// [`RunStats::finish_after`].
    after_delta: [[ReadStats; 2]; 2],
    /// `after` is derived from `before` at [`RunStats::finish_after`].
    delta_mode: bool,
}

impl RunStats {
    /// Switches to derived after-filtering statistics: from now on every read counted before
    /// reaches `after` unless reported through `after_dropped`, `after_tail_trimmed` or
    /// `after_replaced`.
    pub fn use_after_delta(&mut self) {
        self.delta_mode = true;
    }

    /// A read (mate `mate`) that did not reach the output: its before-filtering counts leave
    /// the after-filtering statistics.
    pub fn after_dropped(&mut self, mate: usize, before: &RecordRef<'_>) {
        self.after_delta[1][mate.min(1)].add(before.seq, before.qual);
    }

    /// A passing read trimmed at its 3' end only: it is `before.seq[..new_len]`, so only the
    /// removed tail is counted (cost proportional to the bases removed, not to the read).
    pub fn after_tail_trimmed(&mut self, mate: usize, before: &RecordRef<'_>, new_len: usize) {
        let m = mate.min(1);
        self.after_delta[1][m].count_length(before.seq.len());
        self.after_delta[1][m].add_positions(before.seq, before.qual, new_len);
        self.after_delta[0][m].count_length(new_len);
    }

    /// A passing read changed otherwise (5' trim, UMI, correction): replaced as a whole.
    pub fn after_replaced(&mut self, mate: usize, before: &RecordRef<'_>, after: &RecordRef<'_>) {
        let m = mate.min(1);
        self.after_delta[1][m].add(before.seq, before.qual);
        self.after_delta[0][m].add(after.seq, after.qual);
    }

    /// Folds the recorded differences into `after` (`after += before + added - removed`). Call
    /// once, after the last merge, when the `after_*` methods were used; passing reads that
    /// were not changed need no call at all.
    pub fn finish_after(&mut self) {
        if !self.delta_mode {
            return;
        }
        self.delta_mode = false;
        for m in 0..2 {
            let [added, removed] = &self.after_delta;
            let derived = ReadStats::derive(&self.before[m], &added[m], &removed[m]);
            self.after[m].merge(&derived);
        }
        self.after_delta = Default::default();
    }

    /// Empty statistics for a single-end (`paired = false`) or paired-end run.
    pub fn new(paired: bool) -> Self {
        Self {
            paired,
            before: [ReadStats::new(), ReadStats::new()],
            after: [ReadStats::new(), ReadStats::new()],
            filter: ReasonCounts::default(),
            adapters: AdapterCounts::default(),
            trimmed: TrimCounts::default(),
            insert_sizes: InsertHist::default(),
            duplication: DupEstimator::new(),
            overrep: OverrepCounter::new(),
            dedup_removed: None,
            merged_pairs: None,
            index_filtered: None,
            after_delta: Default::default(),
            delta_mode: false,
        }
    }

    /// Adds `other` (exact; the result does not depend on merge order or grouping).
    pub fn merge(&mut self, other: &Self) {
        self.paired |= other.paired;
        for m in 0..2 {
            self.before[m].merge(&other.before[m]);
            self.after[m].merge(&other.after[m]);
        }
        self.filter.merge(&other.filter);
        self.adapters.merge(&other.adapters);
        self.trimmed.merge(&other.trimmed);
        self.insert_sizes.merge(&other.insert_sizes);
        self.duplication.merge(&other.duplication);
        self.overrep.merge(&other.overrep);
        let add = |a: Option<u64>, b: Option<u64>| match (a, b) {
            (None, None) => None,
            (a, b) => Some(a.unwrap_or(0) + b.unwrap_or(0)),
        };
        self.dedup_removed = add(self.dedup_removed, other.dedup_removed);
        self.merged_pairs = add(self.merged_pairs, other.merged_pairs);
        self.index_filtered = add(self.index_filtered, other.index_filtered);
        self.delta_mode |= other.delta_mode;
        for (a, b) in self.after_delta.iter_mut().zip(&other.after_delta) {
            for (x, y) in a.iter_mut().zip(b) {
                x.merge(y);
            }
        }
    }

    /// Counts a read (pair) dropped as a duplicate (`--dedup`).
    pub fn add_duplicate(&mut self) {
        *self.dedup_removed.get_or_insert(0) += 1;
    }

    /// Counts `reads` reads dropped by their index (`--filter_by_index1/2`).
    pub fn add_index_filtered(&mut self, reads: u64) {
        *self.index_filtered.get_or_insert(0) += reads;
    }

    /// Counts a pair merged into one read (`--merge`).
    pub fn add_merged(&mut self) {
        *self.merged_pairs.get_or_insert(0) += 1;
    }

    /// Counts an input read (`r2 = None`) or pair before any trimming: per-mate statistics,
    /// duplication and overrepresented sequences. Qualities must be Phred+33.
    pub fn add_before(&mut self, r1: &RecordRef<'_>, r2: Option<&RecordRef<'_>>) {
        self.add_before_sampled(r1, r2, true);
    }

    /// Like [`RunStats::add_before`]; `overrep` says whether this read (pair) is in the
    /// overrepresentation sample (the pipeline takes one record in
    /// [`OVERREP_SAMPLING`] by record number, as fastp's default `-P 20`).
    pub fn add_before_sampled(
        &mut self,
        r1: &RecordRef<'_>,
        r2: Option<&RecordRef<'_>>,
        overrep: bool,
    ) {
        self.add_before_mate(0, r1);
        if let Some(r2) = r2 {
            self.add_before_mate(1, r2);
        }
        self.add_sequences(r1, r2, overrep);
    }

    /// The per-mate part of [`RunStats::add_before`]: counts one input read of `mate`.
    #[inline]
    pub fn add_before_mate(&mut self, mate: usize, read: &RecordRef<'_>) {
        self.before[mate.min(1)].add(read.seq, read.qual);
    }

    /// The per-mate part of [`RunStats::add_before`] for a batch of reads of `mate` (bases and
    /// qualities): the same counts as [`RunStats::add_before_mate`] for each, faster with
    /// binned qualities ([`ReadStats::add_batch`]).
    pub fn add_before_batch(&mut self, mate: usize, reads: &[(&[u8], &[u8])]) {
        self.before[mate.min(1)].add_batch(reads);
    }

    /// The rest of [`RunStats::add_before_sampled`]: duplication, and overrepresented
    /// sequences when `overrep`. With [`RunStats::add_before_mate`] for each mate, the same
    /// counts (the pipeline counts the mates of a whole batch in a pass of their own).
    #[inline]
    pub fn add_sequences(&mut self, r1: &RecordRef<'_>, r2: Option<&RecordRef<'_>>, overrep: bool) {
        self.add_sequence_bases(r1.seq, r2.map(|r| r.seq), overrep);
    }

    /// [`RunStats::add_sequences`] given the reads' bases only.
    #[inline]
    pub fn add_sequence_bases(&mut self, s1: &[u8], s2: Option<&[u8]>, overrep: bool) {
        if overrep {
            self.overrep.add(0, s1);
            if let Some(s2) = s2 {
                self.overrep.add(1, s2);
            }
        }
        self.duplication.add(s1, s2);
    }

    /// Counts a read or pair that passed filtering, as written.
    pub fn add_after(&mut self, r1: &RecordRef<'_>, r2: Option<&RecordRef<'_>>) {
        self.after[0].add(r1.seq, r1.qual);
        if let Some(r2) = r2 {
            self.after[1].add(r2.seq, r2.qual);
        }
    }

    /// Counts a filtering outcome for `reads` reads (1 for single-end, 2 for a pair).
    pub fn add_filter(&mut self, reason: Reason, reads: u64) {
        self.filter.add(reason, reads);
    }

    /// Counts an adapter found and cut from a read of `mate` (`adapter_bases`: the bases cut).
    pub fn add_adapter(&mut self, mate: usize, adapter_bases: &[u8]) {
        self.adapters.add(mate, adapter_bases);
    }

    /// Counts a pair's insert size (`None`: the mates did not overlap).
    pub fn add_insert(&mut self, insert: Option<usize>) {
        self.insert_sizes.add(insert);
    }

    /// Counts the bases removed from one read of `mate` by each trimming step.
    pub fn add_trimmed(
        &mut self,
        mate: usize,
        adapter_bases: usize,
        polyx_bases: usize,
        quality_bases: usize,
    ) {
        let m = mate.min(1);
        let t = &mut self.trimmed;
        if adapter_bases + polyx_bases + quality_bases > 0 {
            t.reads[m] += 1;
        }
        t.adapter_bases[m] += adapter_bases as u64;
        t.polyx_bases[m] += polyx_bases as u64;
        t.quality_bases[m] += quality_bases as u64;
    }
}
