//! Deterministic, bounded, exactly mergeable counting of distinct keys by hash sampling.
//!
//! A [`SampledCounter`] keeps exact counts of the keys whose hash has at least `level`
//! trailing zero bits; when more than `capacity` keys are kept, `level` goes up by one and
//! half of the keys are dropped. A key is kept at the end if and only if its hash level is at
//! least the smallest `L` for which at most `capacity` distinct keys of the whole input reach
//! `L`. That depends only on the multiset of keys, so the result is the same for any order
//! and any split of the input into merged parts, and the kept counts are exact.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

/// A fixed 64-bit hash of a byte string: XXH3 (64-bit, seeded), specified to give the same
/// value on every platform and run, so the hash samples are too.
#[inline]
pub fn hash_bytes(bytes: &[u8], seed: u64) -> u64 {
    xxhash_rust::xxh3::xxh3_64_with_seed(bytes, seed)
}

/// splitmix64's finaliser: spreads every input bit over the output.
#[inline]
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Hasher for keys that are already hashes: moves the (random) high bits down, since the
/// kept keys share their low bits.
#[derive(Default, Clone, Copy)]
pub struct PreHashed(u64);

impl std::hash::Hasher for PreHashed {
    fn finish(&self) -> u64 {
        self.0.rotate_left(32)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type Map<V> = HashMap<u64, V, BuildHasherDefault<PreHashed>>;

/// Exact counts of a deterministic hash-sample of distinct keys, with bounded memory.
///
/// `K` is what is remembered about a key besides its hash (`()` when only counts matter).
#[derive(Debug, Clone)]
pub struct SampledCounter<K> {
    capacity: usize,
    level: u32,
    map: Map<(u64, K)>,
}

impl<K: PartialEq> PartialEq for SampledCounter<K> {
    fn eq(&self, o: &Self) -> bool {
        self.capacity == o.capacity && self.level == o.level && self.map == o.map
    }
}

impl<K: Eq> Eq for SampledCounter<K> {}

impl<K: Clone> SampledCounter<K> {
    /// An empty counter keeping at most `capacity` keys (at least 1).
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            level: 0,
            map: Map::default(),
        }
    }

    /// The sampling level: keys are kept when their hash has this many trailing zero bits,
    /// i.e. a fraction `2^-level` of the distinct keys.
    pub fn level(&self) -> u32 {
        self.level
    }

    /// True if a key with this hash would currently be kept.
    #[inline]
    pub fn wants(&self, hash: u64) -> bool {
        hash.trailing_zeros() >= self.level
    }

    /// Counts `n` occurrences of the key with `hash`; `key` is called only if it is new.
    #[inline]
    pub fn add_with(&mut self, hash: u64, n: u64, key: impl FnOnce() -> K) {
        if !self.wants(hash) {
            return;
        }
        self.map.entry(hash).or_insert_with(|| (0, key())).0 += n;
        if self.map.len() > self.capacity {
            self.shrink();
        }
    }

    fn shrink(&mut self) {
        while self.map.len() > self.capacity {
            self.level += 1;
            let level = self.level;
            self.map.retain(|h, _| h.trailing_zeros() >= level);
        }
    }

    /// Adds `other` (exact, order independent; see the module documentation).
    pub fn merge(&mut self, other: &Self) {
        self.capacity = self.capacity.min(other.capacity);
        if other.level > self.level {
            self.level = other.level;
            let level = self.level;
            self.map.retain(|h, _| h.trailing_zeros() >= level);
        }
        for (&h, (n, k)) in &other.map {
            if self.wants(h) {
                self.map.entry(h).or_insert_with(|| (0, k.clone())).0 += n;
            }
        }
        self.shrink();
    }

    /// The kept keys as `(hash, count, key)`, sorted by hash (a deterministic order).
    pub fn entries(&self) -> Vec<(u64, u64, &K)> {
        let mut v: Vec<(u64, u64, &K)> = self.map.iter().map(|(&h, (n, k))| (h, *n, k)).collect();
        v.sort_unstable_by_key(|e| e.0);
        v
    }

    /// Number of distinct keys kept.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// True when no key is kept.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Sum of the counts of the kept keys.
    pub fn sampled_total(&self) -> u64 {
        self.map.values().map(|(n, _)| n).sum()
    }
}

/// Keys kept by the duplication estimator: 16,384 distinct sequences, so that a worker's
/// sample (about 0.5 MB) stays in its core's L2 cache. The estimated rate's sampling error is
/// then at most sqrt(0.25 / 16384), 0.4 percentage points (one standard error); 65,536 halved
/// that but cost a cache miss per sampled read (about 1% of a 2M-pair run's time).
pub const DUP_CAPACITY: usize = 1 << 14;
/// Highest duplication level with its own histogram bin (higher levels share the last).
pub const DUP_HIST_LEVELS: usize = 100;

/// Duplication-rate estimate from a hash sample of distinct read (or pair) sequences.
///
/// A read is in the sample when the hash of its sequence (both mates for a pair) is; all
/// copies of a sequence are in or out together, so the duplicate fraction of the sample is
/// an unbiased estimate of the whole input's, and exact while fewer than
/// [`DUP_CAPACITY`] distinct sequences have been seen. (The sample is not decided by a prefix
/// of the reads, which would be cheaper: amplicon panels start thousands of distinct reads at
/// each primer, and would be sampled whole amplicons at a time.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DupEstimator {
    reads: u64,
    sample: SampledCounter<()>,
}

impl Default for DupEstimator {
    fn default() -> Self {
        Self::new()
    }
}

/// What the duplication estimator reports.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DupSummary {
    /// Reads (pairs) counted.
    pub reads: u64,
    /// Reads (pairs) in the hash sample.
    pub sampled_reads: u64,
    /// Distinct sequences in the sample.
    pub sampled_distinct: u64,
    /// Sampling level: the sample holds about `2^-level` of the distinct sequences.
    pub level: u32,
    /// Duplicate fraction: `1 - distinct / reads` over the sample (0 when empty).
    pub rate: f64,
    /// `histogram[i]`: sampled reads whose sequence occurs `i + 1` times (last bin: or more).
    pub histogram: Vec<u64>,
}

impl DupEstimator {
    /// An empty estimator.
    pub fn new() -> Self {
        Self {
            reads: 0,
            sample: SampledCounter::new(DUP_CAPACITY),
        }
    }

    /// Counts a read (`r2 = None`) or a pair.
    #[inline]
    pub fn add(&mut self, r1: &[u8], r2: Option<&[u8]>) {
        self.reads += 1;
        let h = match r2 {
            Some(r2) => {
                let (h1, h2) = (hash_bytes(r1, 0x5EED_0001), hash_bytes(r2, 0x5EED_0002));
                mix64(h1 ^ h2.rotate_left(17))
            }
            None => hash_bytes(r1, 0x5EED_0001),
        };
        self.sample.add_with(h, 1, || ());
    }

    /// Adds `other`.
    pub fn merge(&mut self, other: &Self) {
        self.reads += other.reads;
        self.sample.merge(&other.sample);
    }

    /// The estimate.
    pub fn summary(&self) -> DupSummary {
        let mut histogram = vec![0u64; DUP_HIST_LEVELS];
        let mut sampled = 0;
        for (_, n, _) in self.sample.entries() {
            sampled += n;
            let bin = usize::try_from(n)
                .unwrap_or(usize::MAX)
                .min(DUP_HIST_LEVELS)
                - 1;
            histogram[bin] += n;
        }
        while histogram.len() > 1 && histogram.last() == Some(&0) {
            histogram.pop();
        }
        let distinct = self.sample.len() as u64;
        DupSummary {
            reads: self.reads,
            sampled_reads: sampled,
            sampled_distinct: distinct,
            level: self.sample.level(),
            rate: if sampled == 0 {
                0.0
            } else {
                (sampled - distinct) as f64 / sampled as f64
            },
            histogram,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_separates_one_base_changes_and_spreads_its_low_bits() {
        let base: Vec<u8> = (0..100).map(|i| b"ACGT"[i * 7 % 11 % 4]).collect();
        let mut seen = std::collections::HashSet::new();
        for len in 0..=base.len() {
            assert!(seen.insert(hash_bytes(&base[..len], 1)), "length {len}");
            for i in 0..len {
                for &b in b"ACGTN".iter().filter(|&&b| b != base[i]) {
                    let mut s = base[..len].to_vec();
                    s[i] = b;
                    assert!(seen.insert(hash_bytes(&s, 1)), "length {len}, base {i}");
                }
            }
        }
        // The sampling keeps hashes by their trailing zero bits: a share of about 2^-k each.
        let n = seen.len() as f64;
        for k in 1..=6 {
            let kept = seen.iter().filter(|h| h.trailing_zeros() >= k).count() as f64;
            let expected = n / f64::from(1u32 << k);
            assert!(
                (kept - expected).abs() < 4.0 * expected.sqrt(),
                "k={k}: {kept} of {n}"
            );
        }
    }

    #[test]
    fn exact_below_capacity() {
        let mut d = DupEstimator::new();
        for s in [&b"AAA"[..], b"AAA", b"CCC", b"AAA", b"GGG"] {
            d.add(s, None);
        }
        let s = d.summary();
        assert_eq!(s.sampled_reads, 5);
        assert_eq!(s.sampled_distinct, 3);
        assert!((s.rate - 0.4).abs() < 1e-12);
        assert_eq!(s.histogram, vec![2, 0, 3]);
    }

    #[test]
    fn reads_sharing_a_prefix_stay_distinct() {
        let mut d = DupEstimator::new();
        let mut read = [b'A'; 150];
        for i in 0..4u8 {
            read[100] = b"ACGT"[usize::from(i)];
            d.add(&read, Some(&read[..120]));
            d.add(&read, Some(&read[..120]));
        }
        let s = d.summary();
        assert_eq!((s.sampled_reads, s.sampled_distinct), (8, 4));
    }

    #[test]
    fn sampled_rate_estimates_the_true_rate() {
        // 300,000 pairs, a quarter of them second copies: true rate 0.25, well past capacity.
        let mut d = DupEstimator::new();
        let read = |i: u64| -> Vec<u8> {
            let mut x = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
            (0..150)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    b"ACGT"[(x & 3) as usize]
                })
                .collect()
        };
        for i in 0..225_000u64 {
            let r = read(i);
            d.add(&r, Some(&r[10..]));
            if i % 3 == 0 {
                d.add(&r, Some(&r[10..]));
            }
        }
        let s = d.summary();
        assert!(s.level > 0, "the sample must be below the input");
        assert!((s.rate - 0.25).abs() < 0.02, "rate {}", s.rate);
    }

    #[test]
    fn bounded_and_order_independent() {
        let keys: Vec<u64> = (0..5000u64)
            .map(|i| hash_bytes(&(i % 1700).to_le_bytes(), 1))
            .collect();
        let mut a = SampledCounter::<()>::new(100);
        for &h in &keys {
            a.add_with(h, 1, || ());
        }
        assert!(a.len() <= 100);
        assert!(a.level() > 0);
        let mut parts: Vec<SampledCounter<()>> = keys
            .chunks(37)
            .rev()
            .map(|c| {
                let mut s = SampledCounter::new(100);
                for &h in c.iter().rev() {
                    s.add_with(h, 1, || ());
                }
                s
            })
            .collect();
        let mut b = parts.pop().unwrap_or_else(|| SampledCounter::new(100));
        for p in &parts {
            b.merge(p);
        }
        assert_eq!(a, b);
    }
}
