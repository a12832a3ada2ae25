//! Counting a batch of reads 32 cycles at a time in 8-bit AVX2 lanes, for runs whose qualities
//! take at most four values (binned, as from NovaSeq and NextSeq 1000/2000 instruments).
//!
//! The per-read path does one scattered read-modify-write per base, and those are its limit.
//! Here, for each window of 32 cycles, a pass over up to 255 reads adds (base, quality)
//! comparison results into 8-bit lanes held in vector registers; the lanes then go into the
//! same joint table at once. Exact: per base the counts of quality values 1 to 3 of the
//! dictionary are kept, value 0 (the most frequent) is the base's count minus them. A window
//! holding anything else (an N, another quality value) is counted by the per-read path.

use super::{MAX_CYCLES, ReadStats, cell, row};

/// Cycles per window: one 32-byte vector.
const LANES: usize = 32;
/// Reads per pass: an 8-bit lane counts at most one per read.
const GROUP: usize = 255;
/// Reads whose qualities decide whether a run's qualities are binned.
const LEARN_READS: usize = 64;
/// The bases counted in lanes; anything else sends its window to the per-read path.
const BASES: [u8; 4] = *b"ACGT";

/// Quality values (Phred+33 bytes) of a binned run, `[0]` the most frequent; unused slots
/// hold 0, which no validated quality equals.
pub(super) type QualDict = [u8; 4];

/// Lanes of one pass: eight 0/1 sums per cycle of the window.
type Lanes = [[u8; LANES]; 8];

/// The run's quality values if its first reads use at most four and the processor has AVX2.
pub(super) fn learn(reads: &[(&[u8], &[u8])]) -> Option<QualDict> {
    if !avx2() {
        return None;
    }
    let mut seen = [0u64; 256];
    for (_, q) in reads.iter().take(LEARN_READS) {
        for &b in *q {
            seen[usize::from(b)] += 1;
        }
    }
    let mut values: Vec<(u64, u8)> = (0..=255u8)
        .filter(|&b| seen[usize::from(b)] > 0)
        .map(|b| (seen[usize::from(b)], b))
        .collect();
    if values.is_empty() || values.len() > 4 {
        return None;
    }
    values.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
    let mut d = [0u8; 4];
    for (slot, &(_, b)) in d.iter_mut().zip(&values) {
        *slot = b;
    }
    Some(d)
}

#[cfg(target_arch = "x86_64")]
fn avx2() -> bool {
    std::arch::is_x86_feature_detected!("avx2")
}

#[cfg(not(target_arch = "x86_64"))]
fn avx2() -> bool {
    false
}

/// Bases and qualities of a read.
type Read<'a> = (&'a [u8], &'a [u8]);

/// Cycles `start..start + 32` of a read's bases or qualities, if it has them.
#[inline(always)]
fn window(bytes: &[u8], start: usize) -> Option<&[u8; LANES]> {
    bytes.get(start..start + LANES)?.try_into().ok()
}

/// One pass over up to 255 reads for the window at `start`, over the reads `take` accepts.
/// The first pass (`SECOND = false`) sums per cycle the bases A, C, G, T and per base quality
/// value 1, and marks in `odd` the reads whose window holds anything else; the second sums per
/// base values 2 and 3, skipping the marked reads.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[allow(unsafe_code)]
unsafe fn pass<const SECOND: bool>(
    reads: &[Read<'_>],
    start: usize,
    take: impl Fn(&Read<'_>) -> bool,
    d: &QualDict,
    odd: &mut [u64; 4],
) -> Lanes {
    use std::arch::x86_64::{
        __m256i, _mm256_and_si256, _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_movemask_epi8,
        _mm256_or_si256, _mm256_set1_epi8, _mm256_setzero_si256, _mm256_storeu_si256,
        _mm256_sub_epi8,
    };
    // SAFETY: the caller checked that the processor has AVX2; every load and store is
    // unaligned (`loadu`/`storeu`) from or to a 32-byte array.
    unsafe {
        let splat = |x: u8| _mm256_set1_epi8(x as i8);
        let bases = BASES.map(splat);
        let values = d.map(splat);
        let mut acc = [_mm256_setzero_si256(); 8];
        for (i, r) in reads.iter().enumerate() {
            if !take(r) || (SECOND && odd[i / 64] >> (i % 64) & 1 == 1) {
                continue;
            }
            let (Some(s), Some(q)) = (window(r.0, start), window(r.1, start)) else {
                continue;
            };
            let s = _mm256_loadu_si256(s.as_ptr().cast::<__m256i>());
            let q = _mm256_loadu_si256(q.as_ptr().cast::<__m256i>());
            // All-ones lanes where equal: subtracting them adds one.
            let b = bases.map(|x| _mm256_cmpeq_epi8(s, x));
            if SECOND {
                let v2 = _mm256_cmpeq_epi8(q, values[2]);
                let v3 = _mm256_cmpeq_epi8(q, values[3]);
                for k in 0..4 {
                    acc[k] = _mm256_sub_epi8(acc[k], _mm256_and_si256(b[k], v2));
                    acc[4 + k] = _mm256_sub_epi8(acc[4 + k], _mm256_and_si256(b[k], v3));
                }
            } else {
                let v = values.map(|x| _mm256_cmpeq_epi8(q, x));
                let base_ok =
                    _mm256_or_si256(_mm256_or_si256(b[0], b[1]), _mm256_or_si256(b[2], b[3]));
                let qual_ok =
                    _mm256_or_si256(_mm256_or_si256(v[0], v[1]), _mm256_or_si256(v[2], v[3]));
                if _mm256_movemask_epi8(_mm256_and_si256(base_ok, qual_ok)) != -1 {
                    odd[i / 64] |= 1 << (i % 64);
                    continue;
                }
                for k in 0..4 {
                    acc[k] = _mm256_sub_epi8(acc[k], b[k]);
                    acc[4 + k] = _mm256_sub_epi8(acc[4 + k], _mm256_and_si256(b[k], v[1]));
                }
            }
        }
        let mut out: Lanes = [[0u8; LANES]; 8];
        for (o, a) in out.iter_mut().zip(acc) {
            _mm256_storeu_si256(o.as_mut_ptr().cast::<__m256i>(), a);
        }
        out
    }
}

/// Both passes of a window (the second only when the dictionary has a third value).
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
fn passes(
    reads: &[Read<'_>],
    start: usize,
    take: impl Fn(&Read<'_>) -> bool + Copy,
    d: &QualDict,
    odd: &mut [u64; 4],
) -> (Lanes, Lanes) {
    // SAFETY: a dictionary exists only when `learn` found AVX2 on this processor.
    unsafe {
        let first = pass::<false>(reads, start, take, d, odd);
        let rest = if d[2] != 0 {
            pass::<true>(reads, start, take, d, odd)
        } else {
            [[0u8; LANES]; 8]
        };
        (first, rest)
    }
}

/// Without AVX2 no dictionary is learned; should one be, every read of the window goes by the
/// per-read path.
#[cfg(not(target_arch = "x86_64"))]
fn passes(
    reads: &[Read<'_>],
    start: usize,
    take: impl Fn(&Read<'_>) -> bool + Copy,
    _: &QualDict,
    odd: &mut [u64; 4],
) -> (Lanes, Lanes) {
    for (i, r) in reads.iter().enumerate() {
        if take(r) && window(r.0, start).is_some() && window(r.1, start).is_some() {
            odd[i / 64] |= 1 << (i % 64);
        }
    }
    ([[0u8; LANES]; 8], [[0u8; LANES]; 8])
}

/// Bases of a read counted per cycle (at most [`MAX_CYCLES`]).
fn cycles(r: &Read<'_>) -> usize {
    r.0.len().min(r.1.len()).min(MAX_CYCLES)
}

impl ReadStats {
    /// Counts the reads of a batch at their positions (no read or length counts) with the
    /// window passes of this module, using dictionary `d`.
    pub(super) fn add_positions_batch(&mut self, reads: &[Read<'_>], d: &QualDict) {
        let longest = reads.iter().map(cycles).max().unwrap_or(0);
        if longest > self.counts.len() / super::BLOCK_CELLS * super::BLOCK {
            self.grow(longest);
        }
        self.used = self.used.max(longest);
        // Groups outer, windows inner: a group's reads stay in the cache over its windows.
        for group in reads.chunks(GROUP) {
            // Whole windows of every read, then one window ending at the group's first read
            // length `n` (overlapping the whole windows; its first `skip` lanes are not added)
            // for the reads of that length. Other cycles go by the per-read path.
            let n = group.first().map_or(0, cycles);
            let whole = group.iter().map(cycles).max().unwrap_or(0) / LANES * LANES;
            for start in (0..whole).step_by(LANES) {
                self.window_pass(group, start, 0, |r| cycles(r) >= start + LANES, d);
            }
            let last = n % LANES != 0 && n > LANES;
            if last {
                let start = n - LANES;
                self.window_pass(
                    group,
                    start,
                    n / LANES * LANES - start,
                    |r| cycles(r) == n,
                    d,
                );
            }
            for r in group {
                let c = cycles(r);
                let done = if last && c == n { c } else { c / LANES * LANES };
                if done < r.0.len().min(r.1.len()) {
                    self.add_positions(r.0, r.1, done);
                }
            }
        }
    }

    /// One window of a group: both passes, their lanes from `skip` on into the table, and the
    /// reads with anything else in the window by the per-read path.
    fn window_pass(
        &mut self,
        group: &[Read<'_>],
        start: usize,
        skip: usize,
        take: impl Fn(&Read<'_>) -> bool + Copy,
        d: &QualDict,
    ) {
        let mut odd = [0u64; 4];
        let (first, rest) = passes(group, start, take, d, &mut odd);
        self.flush_lanes(start, skip, &first, &rest, d);
        for (w, &bits) in odd.iter().enumerate() {
            let mut bits = bits;
            while bits != 0 {
                let (s, q) = group[w * 64 + bits.trailing_zeros() as usize];
                self.add_positions(&s[..start + LANES], &q[..start + LANES], start + skip);
                bits &= bits - 1;
            }
        }
    }

    /// Adds the lanes `skip..` of the two passes (cycles `start + skip..start + 32`).
    fn flush_lanes(
        &mut self,
        start: usize,
        skip: usize,
        first: &Lanes,
        rest: &Lanes,
        d: &QualDict,
    ) {
        for l in skip..LANES {
            let cycle = start + l;
            for (i, &base) in BASES.iter().enumerate() {
                let by_value = [first[4 + i][l], rest[i][l], rest[4 + i][l]];
                let mut dominant = u64::from(first[i][l]);
                for (&n, &value) in by_value.iter().zip(&d[1..]) {
                    if n > 0 {
                        dominant -= u64::from(n);
                        self.counts[cell(row(base, value), cycle)] += u64::from(n);
                    }
                }
                if dominant > 0 {
                    self.counts[cell(row(base, d[0]), cycle)] += dominant;
                }
            }
        }
    }
}
