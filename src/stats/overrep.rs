//! Overrepresented sequences with a fixed-size linear sketch (exactly mergeable, deterministic).
//!
//! Each read's first [`OVERREP_KEY_LEN`] bases (its *key*) are hashed to one of
//! [`OVERREP_BUCKETS`] buckets; a bucket counts its reads and, per key position, the bases
//! seen there. All counters are sums, so merging is exact and independent of how the reads
//! were split. A key that makes up more than half of its bucket is recovered exactly as the
//! per-position majority; with the background spread over the buckets this finds every key
//! above about `1 / OVERREP_BUCKETS` of the reads. A recovered key is reported when it hashes
//! back to its own bucket and its estimated count (the smallest per-position majority count,
//! an upper bound of the true count) reaches the threshold.

use super::sample::hash_bytes;

/// Number of buckets per mate.
pub const OVERREP_BUCKETS: usize = 512;
/// Bases of each read that form its key.
pub const OVERREP_KEY_LEN: usize = 50;
/// Symbols counted per position: A, C, G, T, other; "read ended" is the remainder.
const SYMS: usize = 5;
const ROW: usize = OVERREP_KEY_LEN * SYMS;

/// Symbol of each byte: A, C, G, T (either case) are 0..=3, anything else 4. A table rather than
/// a `match`, which compiles to an indirect jump per base (mispredicted on random bases).
const SYM: [u8; 256] = {
    let mut t = [4u8; 256];
    let mut i = 0;
    while i < 4 {
        t[b"ACGT"[i] as usize] = i as u8;
        t[b"acgt"[i] as usize] = i as u8;
        i += 1;
    }
    t
};

#[inline]
fn sym(b: u8) -> usize {
    usize::from(SYM[usize::from(b)])
}

const SYM_CHARS: [u8; SYMS] = *b"ACGTN";

/// One mate's sketch.
#[derive(Debug, Clone)]
struct Sketch {
    totals: Vec<u64>,
    /// Per-position counts spilled from `hot`; empty until the first spill (most runs never
    /// spill, and untouched tables cost no page faults when merged or reported).
    counts: Vec<u64>,
    /// Recent per-position counts in 16-bit cells (a quarter of the cache lines per read of
    /// 64-bit ones), spilled into `counts` before any can overflow.
    hot: Vec<u16>,
    /// Reads counted into `hot` since its last spill (each adds at most one per cell).
    hot_reads: u32,
}

impl PartialEq for Sketch {
    fn eq(&self, o: &Self) -> bool {
        self.totals == o.totals && (0..self.hot.len()).all(|i| self.count(i) == o.count(i))
    }
}

impl Eq for Sketch {}

impl Sketch {
    fn new() -> Self {
        Self {
            totals: vec![0; OVERREP_BUCKETS],
            counts: Vec::new(),
            hot: vec![0; OVERREP_BUCKETS * ROW],
            hot_reads: 0,
        }
    }

    #[inline]
    fn bucket(key: &[u8]) -> usize {
        (hash_bytes(key, 0x0E1E_4E9A) % OVERREP_BUCKETS as u64) as usize
    }

    #[inline]
    fn add(&mut self, seq: &[u8]) {
        let key = &seq[..seq.len().min(OVERREP_KEY_LEN)];
        let b = Self::bucket(key);
        self.totals[b] += 1;
        let row = &mut self.hot[b * ROW..(b + 1) * ROW];
        for (cell, &base) in row.chunks_exact_mut(SYMS).zip(key) {
            let c = &mut cell[sym(base)];
            *c = c.wrapping_add(1);
        }
        self.hot_reads += 1;
        if self.hot_reads == u32::from(u16::MAX) {
            self.spill();
        }
    }

    /// Moves the 16-bit counts into the 64-bit ones.
    fn spill(&mut self) {
        if self.hot_reads == 0 {
            return;
        }
        self.spilled();
        for (c, h) in self.counts.iter_mut().zip(&mut self.hot) {
            *c += u64::from(*h);
            *h = 0;
        }
        self.hot_reads = 0;
    }

    fn merge(&mut self, o: &Sketch) {
        for (a, b) in self.totals.iter_mut().zip(&o.totals) {
            *a += b;
        }
        // Recent counts (none when `o.hot_reads` is 0: every cell is then zero). While both
        // hot tables fit in 16-bit cells together (each read adds at most one per cell) they
        // are added there, with no 64-bit table touched.
        let fits = u64::from(self.hot_reads) + u64::from(o.hot_reads) < u64::from(u16::MAX);
        if o.hot_reads > 0 && fits {
            for (a, b) in self.hot.iter_mut().zip(&o.hot) {
                *a += b;
            }
            self.hot_reads += o.hot_reads;
        } else if o.hot_reads > 0 {
            self.spill();
            for (a, h) in self.spilled().iter_mut().zip(&o.hot) {
                *a += u64::from(*h);
            }
        }
        if !o.counts.is_empty() {
            for (a, b) in self.spilled().iter_mut().zip(&o.counts) {
                *a += b;
            }
        }
    }

    /// The 64-bit table, allocated on first use.
    fn spilled(&mut self) -> &mut [u64] {
        if self.counts.is_empty() {
            self.counts = vec![0; OVERREP_BUCKETS * ROW];
        }
        &mut self.counts
    }

    /// The count of cell `i`: spilled plus recent.
    #[inline]
    fn count(&self, i: usize) -> u64 {
        self.counts.get(i).copied().unwrap_or(0) + u64::from(self.hot[i])
    }

    fn found(&self, min_count: u64) -> Vec<(String, u64)> {
        let mut out = Vec::new();
        // One bucket's counts at a time (no copy of the whole sketch).
        let mut row = [0u64; ROW];
        for (b, &total) in self.totals.iter().enumerate() {
            if total < min_count || total == 0 {
                continue;
            }
            for (i, c) in row.iter_mut().enumerate() {
                *c = self.count(b * ROW + i);
            }
            let mut key = Vec::with_capacity(OVERREP_KEY_LEN);
            let mut estimate = total;
            for cell in row.chunks_exact(SYMS) {
                let present: u64 = cell.iter().sum();
                let ended = total - present;
                let (best, &count) = cell
                    .iter()
                    .enumerate()
                    .max_by(|x, y| x.1.cmp(y.1).then(y.0.cmp(&x.0)))
                    .unwrap_or((0, &0));
                if ended >= count {
                    estimate = estimate.min(ended);
                    break;
                }
                estimate = estimate.min(count);
                key.push(SYM_CHARS[best]);
            }
            if estimate >= min_count && 2 * estimate > total && Self::bucket(&key) == b {
                out.push((String::from_utf8_lossy(&key).into_owned(), estimate));
            }
        }
        out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out
    }
}

/// Overrepresented-sequence counter for both mates (memory: fixed, about 1.3 MB per mate).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverrepCounter {
    mates: [Sketch; 2],
}

impl Default for OverrepCounter {
    fn default() -> Self {
        Self::new()
    }
}

impl OverrepCounter {
    /// An empty counter.
    pub fn new() -> Self {
        Self {
            mates: [Sketch::new(), Sketch::new()],
        }
    }

    /// Counts one read of mate `mate` (0 or 1; other values count as mate 1).
    #[inline]
    pub fn add(&mut self, mate: usize, seq: &[u8]) {
        self.mates[mate.min(1)].add(seq);
    }

    /// Adds `other`.
    pub fn merge(&mut self, other: &Self) {
        for (a, b) in self.mates.iter_mut().zip(&other.mates) {
            a.merge(b);
        }
    }

    /// Keys of `mate` seen at least `min_count` times (estimated), most frequent first.
    pub fn found(&self, mate: usize, min_count: u64) -> Vec<(String, u64)> {
        self.mates[mate.min(1)].found(min_count.max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_dominant_sequence() {
        let mut c = OverrepCounter::new();
        let hot = b"ACGTACGTTTGACCAGT";
        for i in 0..3000u32 {
            if i % 10 == 0 {
                c.add(0, hot);
            } else {
                // Distinct background reads.
                let s: Vec<u8> = (0..60)
                    .map(|j| b"ACGT"[((i.wrapping_mul(2654435761) >> (j % 29)) as usize + j) % 4])
                    .collect();
                c.add(0, &s);
            }
        }
        let found = c.found(0, 30);
        assert_eq!(
            found.first().map(|f| f.0.as_str()),
            Some("ACGTACGTTTGACCAGT")
        );
        let n = found.first().map_or(0, |f| f.1);
        assert!((300..=310).contains(&n), "estimate {n}");
        assert!(c.found(1, 1).is_empty());
    }

    #[test]
    fn counts_stay_exact_across_spills_and_merges() {
        // More copies of one key than a 16-bit cell holds, split over two counters.
        let hot = b"TTGACCAGTACGTACGTTTGACCAGTACGTACGTTTGACCAGTACGTACGTAAAA";
        let (mut whole, mut a, mut b) = (
            OverrepCounter::new(),
            OverrepCounter::new(),
            OverrepCounter::new(),
        );
        for i in 0..140_000u32 {
            whole.add(0, hot);
            if i % 3 == 0 {
                a.add(0, hot)
            } else {
                b.add(0, hot)
            }
        }
        let key = String::from_utf8_lossy(&hot[..OVERREP_KEY_LEN]).into_owned();
        assert_eq!(whole.found(0, 1), vec![(key, 140_000)]);
        a.merge(&b);
        assert_eq!(a, whole);
        assert_eq!(a.found(0, 1), whole.found(0, 1));
    }
}
