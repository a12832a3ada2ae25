//! Per-read statistics of one mate at one stage: counts per cycle (position), integers only.

use std::collections::BTreeMap;

/// Quality histogram bins: Phred 0..=63; higher qualities are counted in the last bin.
pub const QUAL_BINS: usize = 64;
/// Cycles (positions) tracked one by one; bases at later positions are pooled in one bin.
pub const MAX_CYCLES: usize = 4096;
/// Read lengths below this are counted in a flat array, longer ones in a map.
const LEN_FLAT: usize = 4096;

/// Index of a base in the per-cycle count arrays: `base & 7` (A=1, C=3, T=4, N=6, G=7).
#[inline]
pub fn base_index(b: u8) -> usize {
    (b & 7) as usize
}

/// Indices of A, C, G, T in the `base & 7` arrays.
pub const IDX_A: usize = 1;
/// Index of C.
pub const IDX_C: usize = 3;
/// Index of G.
pub const IDX_G: usize = 7;
/// Index of T.
pub const IDX_T: usize = 4;

/// Counts at one cycle (read position).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cycle {
    /// Bases seen, indexed by [`base_index`]; anything but A/C/G/T counts as N in reports.
    pub base: [u64; 8],
    /// Sum of Phred qualities of those bases, indexed like `base`.
    pub qual_sum: [u64; 8],
    /// Histogram of Phred qualities (0..=63, the last bin holds 63 and above).
    pub qual_hist: [u64; QUAL_BINS],
}

impl Default for Cycle {
    fn default() -> Self {
        Self {
            base: [0; 8],
            qual_sum: [0; 8],
            qual_hist: [0; QUAL_BINS],
        }
    }
}

impl Cycle {
    #[inline]
    fn add(&mut self, b: u8, q: u8) {
        let i = base_index(b);
        let q = q.saturating_sub(33);
        self.base[i] += 1;
        self.qual_sum[i] += u64::from(q);
        self.qual_hist[usize::from(q).min(QUAL_BINS - 1)] += 1;
    }

    fn merge(&mut self, o: &Cycle) {
        for (a, b) in self.base.iter_mut().zip(&o.base) {
            *a += b;
        }
        for (a, b) in self.qual_sum.iter_mut().zip(&o.qual_sum) {
            *a += b;
        }
        for (a, b) in self.qual_hist.iter_mut().zip(&o.qual_hist) {
            *a += b;
        }
    }

    /// Bases at this cycle.
    pub fn total(&self) -> u64 {
        self.base.iter().sum()
    }

    /// Bases with Phred quality at least `q` (`q` < 64).
    pub fn at_least(&self, q: usize) -> u64 {
        self.qual_hist[q.min(QUAL_BINS - 1)..].iter().sum()
    }

    /// Sum of all qualities at this cycle.
    pub fn qual_total(&self) -> u64 {
        self.qual_sum.iter().sum()
    }
}

/// Statistics of the reads of one mate at one stage (before or after filtering).
///
/// `add` costs three counter increments per base and one per read; everything else
/// (totals, Q20/Q30, GC) is derived from the per-cycle counts when a report is built.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReadStats {
    reads: u64,
    cycles: Vec<Cycle>,
    /// Bases at positions >= [`MAX_CYCLES`], pooled.
    tail: Cycle,
    len_flat: Vec<u64>,
    len_long: BTreeMap<usize, u64>,
}

/// Totals derived from a [`ReadStats`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    /// Number of reads.
    pub reads: u64,
    /// Number of bases.
    pub bases: u64,
    /// Bases with quality >= 20.
    pub q20: u64,
    /// Bases with quality >= 30.
    pub q30: u64,
    /// G or C bases.
    pub gc: u64,
    /// Bases other than A, C, G, T.
    pub n: u64,
    /// Sum of base qualities.
    pub qual_sum: u64,
    /// Longest read (0 when there are none).
    pub max_len: usize,
}

impl ReadStats {
    /// Empty statistics.
    pub fn new() -> Self {
        Self::default()
    }

    /// Counts one read. `qual` is Phred+33; if it is shorter than `seq`, only the bases with
    /// a quality are counted per cycle (the parser guarantees equal lengths).
    #[inline]
    pub fn add(&mut self, seq: &[u8], qual: &[u8]) {
        self.reads += 1;
        let len = seq.len();
        if len < LEN_FLAT {
            if self.len_flat.len() <= len {
                self.len_flat.resize(len + 1, 0);
            }
            self.len_flat[len] += 1;
        } else {
            *self.len_long.entry(len).or_insert(0) += 1;
        }
        let n = len.min(qual.len());
        let head = n.min(MAX_CYCLES);
        if self.cycles.len() < head {
            self.cycles.resize_with(head, Cycle::default);
        }
        for ((c, &b), &q) in self.cycles[..head].iter_mut().zip(seq).zip(qual) {
            c.add(b, q);
        }
        if n > head {
            for (&b, &q) in seq[head..n].iter().zip(&qual[head..n]) {
                self.tail.add(b, q);
            }
        }
    }

    /// Adds `other`'s counts to these (exact: integer sums).
    pub fn merge(&mut self, other: &Self) {
        self.reads += other.reads;
        if self.cycles.len() < other.cycles.len() {
            self.cycles.resize_with(other.cycles.len(), Cycle::default);
        }
        for (a, b) in self.cycles.iter_mut().zip(&other.cycles) {
            a.merge(b);
        }
        self.tail.merge(&other.tail);
        if self.len_flat.len() < other.len_flat.len() {
            self.len_flat.resize(other.len_flat.len(), 0);
        }
        for (a, b) in self.len_flat.iter_mut().zip(&other.len_flat) {
            *a += b;
        }
        for (&k, &v) in &other.len_long {
            *self.len_long.entry(k).or_insert(0) += v;
        }
    }

    /// Number of reads counted.
    pub fn reads(&self) -> u64 {
        self.reads
    }

    /// Per-cycle counts, position 0 first (at most [`MAX_CYCLES`] entries).
    pub fn cycles(&self) -> &[Cycle] {
        &self.cycles
    }

    /// Read length histogram as sorted `(length, reads)` pairs, lengths with no read omitted.
    pub fn length_histogram(&self) -> Vec<(usize, u64)> {
        let mut v: Vec<(usize, u64)> = self
            .len_flat
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(|(l, &c)| (l, c))
            .collect();
        v.extend(self.len_long.iter().map(|(&l, &c)| (l, c)));
        v
    }

    /// Totals over all cycles.
    pub fn totals(&self) -> Totals {
        let mut t = Totals {
            reads: self.reads,
            ..Totals::default()
        };
        for c in self.cycles.iter().chain(std::iter::once(&self.tail)) {
            let total = c.total();
            t.bases += total;
            t.q20 += c.at_least(20);
            t.q30 += c.at_least(30);
            t.gc += c.base[IDX_G] + c.base[IDX_C];
            t.n += total - c.base[IDX_A] - c.base[IDX_C] - c.base[IDX_G] - c.base[IDX_T];
            t.qual_sum += c.qual_total();
        }
        t.max_len = self.length_histogram().last().map_or(0, |&(l, _)| l);
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_counted() {
        let mut s = ReadStats::new();
        // Qualities: 'I' = 40, '5' = 20, '!' = 0, '?' = 30.
        s.add(b"ACGTN", b"I5!?I");
        s.add(b"GG", b"!!");
        s.add(b"", b"");
        let t = s.totals();
        assert_eq!(t.reads, 3);
        assert_eq!(t.bases, 7);
        assert_eq!(t.q20, 4);
        assert_eq!(t.q30, 3);
        assert_eq!(t.gc, 4);
        assert_eq!(t.n, 1);
        assert_eq!(t.qual_sum, 40 + 20 + 30 + 40);
        assert_eq!(t.max_len, 5);
        assert_eq!(s.length_histogram(), vec![(0, 1), (2, 1), (5, 1)]);
        assert_eq!(s.cycles()[0].base[IDX_A], 1);
        assert_eq!(s.cycles()[0].base[IDX_G], 1);
        assert_eq!(s.cycles()[1].qual_sum[IDX_C], 20);
        assert_eq!(s.cycles()[4].base[base_index(b'N')], 1);
    }

    #[test]
    fn long_reads_pool_in_tail() {
        let mut s = ReadStats::new();
        let seq = vec![b'G'; MAX_CYCLES + 10];
        let qual = vec![b'I'; MAX_CYCLES + 10];
        s.add(&seq, &qual);
        assert_eq!(s.cycles().len(), MAX_CYCLES);
        let t = s.totals();
        assert_eq!(t.bases, (MAX_CYCLES + 10) as u64);
        assert_eq!(t.gc, t.bases);
        assert_eq!(s.length_histogram(), vec![(MAX_CYCLES + 10, 1)]);
    }
}
