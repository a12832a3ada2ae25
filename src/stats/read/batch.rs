//! Counting a batch of reads 32 cycles at a time in 8-bit AVX2 lanes, for runs whose qualities
//! take at most four values (binned, as from NovaSeq and NextSeq 1000/2000 instruments).
//!
//! The per-read path does one scattered read-modify-write per base, and those are its limit.
//! Here, for each window of 32 cycles, a pass over up to 255 reads adds (base, quality)
//! comparison results into 8-bit lanes held in vector registers; the lanes then go into the
//! same joint table at once. Exact: per cycle the reads with A, C and G are counted, and per
//! dictionary value 1 to 3 the reads with that value and those with it on A, C and G; T and
//! value 0 (the most frequent) are what is left of the window's read count. A window holding
//! anything else (an N, another quality value) is counted by the per-read path.

use super::{BLOCK, MAX_CYCLES, ReadStats, cell, row};

/// Cycles per window: one 32-byte vector.
const LANES: usize = 32;
/// Reads per pass: an 8-bit lane counts at most one per read.
const GROUP: usize = 255;
/// Reads whose qualities decide whether a run's qualities are binned.
const LEARN_READS: usize = 64;
/// The bases counted in lanes; anything else sends its window to the per-read path.
const BASES: [u8; 4] = *b"ACGT";

/// [`nibble_table`] of [`BASES`] (their low four bits differ: 1, 3, 7, 4).
#[cfg(target_arch = "x86_64")]
pub(super) const BASE_TABLE: [u8; 16] = match nibble_table(&BASES) {
    Some(t) => t,
    None => panic!("A, C, G and T must differ in their low four bits"),
};

/// Quality values (Phred+33 bytes) of a binned run, `[0]` the most frequent; unused slots
/// hold 0, which no validated quality equals.
pub(super) type QualDict = [u8; 4];

/// Lanes of one pass: eight 0..=255 sums per cycle of the window. The first pass fills
/// `[A, C, G, v1, A v1, C v1, G v1, -]`, the second `[v2, A v2, C v2, G v2, v3, A v3, C v3, G v3]`
/// (`v1`: reads with dictionary value 1 at the cycle, `A v1`: with A at value 1).
type Lanes = [[u8; LANES]; 8];

/// The run's quality values if its first reads use at most four, no two of them with the same
/// low four bits (see [`nibble_table`]; binned instruments' values differ there), and the
/// processor has AVX2.
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
    nibble_table(&d)?;
    Some(d)
}

/// A byte-shuffle table that maps each nonzero byte of `bytes` to itself by its low four bits,
/// and the other indices `n` to `n ^ 1` (no byte with low bits `n` equals it): `table[b & 15]
/// == b` exactly for those bytes. `None` if two of them share their low four bits.
pub(super) const fn nibble_table(bytes: &[u8]) -> Option<[u8; 16]> {
    let mut table = [0u8; 16];
    let mut n = 0;
    while n < 16 {
        table[n] = n as u8 ^ 1;
        n += 1;
    }
    // (`while` loops: a `const fn`, so that [`BASE_TABLE`] is this table of the four bases.)
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let n = (b & 15) as usize;
        if b != 0 {
            if table[n] & 15 == b & 15 && table[n] != b {
                return None;
            }
            table[n] = b;
        }
        i += 1;
    }
    Some(table)
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

/// Up to [`GROUP`] reads and the fewest and most cycles ([`cycles`]) any of them has: every read
/// holds bases and qualities for cycles `..min`, which lets the passes load windows below `min`
/// without checking each read.
struct Group<'g, 'a> {
    reads: &'g [Read<'a>],
    min: usize,
    max: usize,
}

impl<'g, 'a> Group<'g, 'a> {
    fn new(reads: &'g [Read<'a>]) -> Self {
        let reads = &reads[..reads.len().min(GROUP)];
        let (mut min, mut max) = (usize::MAX, 0);
        for r in reads {
            let c = cycles(r);
            min = min.min(c);
            max = max.max(c);
        }
        Self {
            reads,
            min: if reads.is_empty() { 0 } else { min },
            max,
        }
    }
}

/// First pass over a group for the window at `start`, over the reads `take` accepts (with
/// `EVERY`: all of them, each holding the window, unchecked). Sums per cycle A, C, G, value 1,
/// and A, C, G at value 1 (the [`Lanes`] layout); marks in `odd` the reads whose window holds
/// anything else and lists the others in `good`, returning how many.
///
/// # Safety
///
/// The processor has AVX2; with `EVERY`, every read has at least `start + 32` bases and
/// qualities.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[allow(unsafe_code)]
unsafe fn first_pass<const EVERY: bool>(
    reads: &[Read<'_>],
    start: usize,
    take: impl Fn(&Read<'_>) -> bool,
    (d, quals): (&QualDict, &[u8; 16]),
    good: &mut [u8; GROUP],
    odd: &mut [u64; 4],
) -> (Lanes, usize) {
    use std::arch::x86_64::{
        __m256i, _mm256_and_si256, _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_movemask_epi8,
        _mm256_set1_epi8, _mm256_setzero_si256, _mm256_shuffle_epi8, _mm256_storeu_si256,
        _mm256_sub_epi8,
    };
    let reads = &reads[..reads.len().min(GROUP)];
    let mut n = 0;
    // SAFETY: the caller checked that the processor has AVX2; every load and store is
    // unaligned (`loadu`/`storeu`) from or to 32 bytes inside a slice: a window checked by
    // `window`, or with `EVERY` one the caller vouches for.
    unsafe {
        let splat = |x: u8| _mm256_set1_epi8(x as i8);
        let [a, c, g, _] = BASES.map(splat);
        let v1 = splat(d[1]);
        // Shuffle tables in both 128-bit halves: a lane is valid where the table entry at its
        // byte is that byte (bytes 0x80 and above shuffle to 0 and are never valid).
        let both = |t: &[u8; 16]| {
            let mut x = [0u8; 32];
            x[..16].copy_from_slice(t);
            x[16..].copy_from_slice(t);
            _mm256_loadu_si256(x.as_ptr().cast::<__m256i>())
        };
        let (base_table, qual_table) = (both(&BASE_TABLE), both(quals));
        let mut acc = [_mm256_setzero_si256(); 7];
        for (i, r) in reads.iter().enumerate() {
            let (s, q) = if EVERY {
                (r.0.as_ptr().add(start), r.1.as_ptr().add(start))
            } else {
                if !take(r) {
                    continue;
                }
                let (Some(s), Some(q)) = (window(r.0, start), window(r.1, start)) else {
                    continue;
                };
                (s.as_ptr(), q.as_ptr())
            };
            let s = _mm256_loadu_si256(s.cast::<__m256i>());
            let q = _mm256_loadu_si256(q.cast::<__m256i>());
            let base_ok = _mm256_cmpeq_epi8(_mm256_shuffle_epi8(base_table, s), s);
            let qual_ok = _mm256_cmpeq_epi8(_mm256_shuffle_epi8(qual_table, q), q);
            if _mm256_movemask_epi8(_mm256_and_si256(base_ok, qual_ok)) != -1 {
                odd[i / 64] |= 1 << (i % 64);
                continue;
            }
            // `i` < GROUP = 255: it fits a byte, and `n` <= `i` indexes `good`.
            good[n] = i as u8;
            n += 1;
            // All-ones lanes where equal: subtracting them adds one.
            let (ba, bc, bg, v1) = (
                _mm256_cmpeq_epi8(s, a),
                _mm256_cmpeq_epi8(s, c),
                _mm256_cmpeq_epi8(s, g),
                _mm256_cmpeq_epi8(q, v1),
            );
            acc[0] = _mm256_sub_epi8(acc[0], ba);
            acc[1] = _mm256_sub_epi8(acc[1], bc);
            acc[2] = _mm256_sub_epi8(acc[2], bg);
            acc[3] = _mm256_sub_epi8(acc[3], v1);
            acc[4] = _mm256_sub_epi8(acc[4], _mm256_and_si256(ba, v1));
            acc[5] = _mm256_sub_epi8(acc[5], _mm256_and_si256(bc, v1));
            acc[6] = _mm256_sub_epi8(acc[6], _mm256_and_si256(bg, v1));
        }
        let mut out: Lanes = [[0u8; LANES]; 8];
        for (o, a) in out.iter_mut().zip(acc) {
            _mm256_storeu_si256(o.as_mut_ptr().cast::<__m256i>(), a);
        }
        (out, n)
    }
}

/// Second pass for the window at `start` over the reads `good` lists (those the first pass
/// counted): sums per cycle values 2 and 3, and A, C, G at each (the [`Lanes`] layout).
///
/// # Safety
///
/// The processor has AVX2, and every read `good` lists has at least `start + 32` bases and
/// qualities (the first pass loaded that window of it).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[allow(unsafe_code)]
unsafe fn second_pass(reads: &[Read<'_>], start: usize, good: &[u8], d: &QualDict) -> Lanes {
    use std::arch::x86_64::{
        __m256i, _mm256_and_si256, _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_set1_epi8,
        _mm256_setzero_si256, _mm256_storeu_si256, _mm256_sub_epi8,
    };
    // SAFETY: the caller checked that the processor has AVX2 and vouches for the windows
    // loaded (unaligned, 32 bytes each); stores are unaligned to 32-byte arrays.
    unsafe {
        let splat = |x: u8| _mm256_set1_epi8(x as i8);
        let [a, c, g, _] = BASES.map(splat);
        let (v2, v3) = (splat(d[2]), splat(d[3]));
        let mut acc = [_mm256_setzero_si256(); 8];
        for &i in good {
            let r = &reads[usize::from(i)];
            let s = _mm256_loadu_si256(r.0.as_ptr().add(start).cast::<__m256i>());
            let q = _mm256_loadu_si256(r.1.as_ptr().add(start).cast::<__m256i>());
            let (ba, bc, bg) = (
                _mm256_cmpeq_epi8(s, a),
                _mm256_cmpeq_epi8(s, c),
                _mm256_cmpeq_epi8(s, g),
            );
            for (k, v) in [_mm256_cmpeq_epi8(q, v2), _mm256_cmpeq_epi8(q, v3)]
                .into_iter()
                .enumerate()
            {
                let k = 4 * k;
                acc[k] = _mm256_sub_epi8(acc[k], v);
                acc[k + 1] = _mm256_sub_epi8(acc[k + 1], _mm256_and_si256(ba, v));
                acc[k + 2] = _mm256_sub_epi8(acc[k + 2], _mm256_and_si256(bc, v));
                acc[k + 3] = _mm256_sub_epi8(acc[k + 3], _mm256_and_si256(bg, v));
            }
        }
        let mut out: Lanes = [[0u8; LANES]; 8];
        for (o, a) in out.iter_mut().zip(acc) {
            _mm256_storeu_si256(o.as_mut_ptr().cast::<__m256i>(), a);
        }
        out
    }
}

/// Both passes of a window over the reads of `group` that `take` accepts (`every`: all of
/// them): the lanes of each and the number of reads counted in them (the second pass runs only
/// when the dictionary has a third value).
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
fn passes(
    group: &Group<'_, '_>,
    start: usize,
    take: impl Fn(&Read<'_>) -> bool + Copy,
    every: bool,
    d: &QualDict,
    odd: &mut [u64; 4],
) -> (Lanes, usize, Lanes) {
    let mut good = [0u8; GROUP];
    let Some(quals) = nibble_table(d) else {
        // Not learned so (`learn` checks): by the per-read path.
        for (i, r) in group.reads.iter().enumerate() {
            if take(r) && window(r.0, start).is_some() && window(r.1, start).is_some() {
                odd[i / 64] |= 1 << (i % 64);
            }
        }
        return ([[0u8; LANES]; 8], 0, [[0u8; LANES]; 8]);
    };
    let tables = (d, &quals);
    // SAFETY: a dictionary exists only when `learn` found AVX2 on this processor; the
    // unchecked first pass runs only when every read of the group holds the window (`min`),
    // and the second loads only windows the first pass loaded.
    unsafe {
        let (first, n) = if every && start + LANES <= group.min {
            first_pass::<true>(group.reads, start, take, tables, &mut good, odd)
        } else {
            first_pass::<false>(group.reads, start, take, tables, &mut good, odd)
        };
        let rest = if d[2] != 0 && n > 0 {
            second_pass(group.reads, start, &good[..n], d)
        } else {
            [[0u8; LANES]; 8]
        };
        (first, n, rest)
    }
}

/// Without AVX2 no dictionary is learned; should one be, every read of the window goes by the
/// per-read path.
#[cfg(not(target_arch = "x86_64"))]
fn passes(
    group: &Group<'_, '_>,
    start: usize,
    take: impl Fn(&Read<'_>) -> bool + Copy,
    _: bool,
    _: &QualDict,
    odd: &mut [u64; 4],
) -> (Lanes, usize, Lanes) {
    for (i, r) in group.reads.iter().enumerate() {
        if take(r) && window(r.0, start).is_some() && window(r.1, start).is_some() {
            odd[i / 64] |= 1 << (i % 64);
        }
    }
    ([[0u8; LANES]; 8], 0, [[0u8; LANES]; 8])
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
        for reads in reads.chunks(GROUP) {
            let group = Group::new(reads);
            // Whole windows of every read, then one window ending at the group's first read
            // length `n` (overlapping the whole windows; its first `skip` lanes are not added)
            // for the reads of that length. Other cycles go by the per-read path.
            let n = group.reads.first().map_or(0, cycles);
            let whole = group.max / LANES * LANES;
            for start in (0..whole).step_by(LANES) {
                let every = group.min >= start + LANES;
                let take = |r: &Read<'_>| cycles(r) >= start + LANES;
                self.window_pass(&group, start, 0, take, every, d);
            }
            let last = !n.is_multiple_of(LANES) && n > LANES;
            if last {
                let start = n - LANES;
                let every = group.min == group.max;
                let skip = n / LANES * LANES - start;
                self.window_pass(&group, start, skip, |r| cycles(r) == n, every, d);
            }
            // With one length below MAX_CYCLES, the last window ended every read.
            if !(last && group.min == group.max) {
                for r in group.reads {
                    let c = cycles(r);
                    let done = if last && c == n { c } else { c / LANES * LANES };
                    if done < r.0.len().min(r.1.len()) {
                        self.add_positions(r.0, r.1, done);
                    }
                }
            }
        }
    }

    /// One window of a group: both passes, their lanes from `skip` on into the table, and the
    /// reads with anything else in the window by the per-read path.
    fn window_pass(
        &mut self,
        group: &Group<'_, '_>,
        start: usize,
        skip: usize,
        take: impl Fn(&Read<'_>) -> bool + Copy,
        every: bool,
        d: &QualDict,
    ) {
        let mut odd = [0u64; 4];
        let (first, n, rest) = passes(group, start, take, every, d, &mut odd);
        if n > 0 {
            self.flush(start, skip, &first, n, &rest, d);
        }
        for (w, &bits) in odd.iter().enumerate() {
            let mut bits = bits;
            while bits != 0 {
                let (s, q) = group.reads[w * 64 + bits.trailing_zeros() as usize];
                self.add_positions(&s[..start + LANES], &q[..start + LANES], start + skip);
                bits &= bits - 1;
            }
        }
    }

    /// [`ReadStats::flush_lanes`], compiled for AVX2 (wide adds of the 8-bit lanes).
    #[cfg(target_arch = "x86_64")]
    #[allow(unsafe_code)]
    fn flush(
        &mut self,
        start: usize,
        skip: usize,
        first: &Lanes,
        n: usize,
        rest: &Lanes,
        d: &QualDict,
    ) {
        #[target_feature(enable = "avx2")]
        unsafe fn avx2(
            s: &mut ReadStats,
            (start, skip, n): (usize, usize, usize),
            first: &Lanes,
            rest: &Lanes,
            d: &QualDict,
        ) {
            s.flush_lanes(start, skip, first, n, rest, d);
        }
        // SAFETY: lanes are counted (`n` > 0) only with a dictionary, learned only when the
        // processor has AVX2.
        unsafe { avx2(self, (start, skip, n), first, rest, d) }
    }

    /// [`ReadStats::flush_lanes`] (no lanes are counted without AVX2).
    #[cfg(not(target_arch = "x86_64"))]
    fn flush(
        &mut self,
        start: usize,
        skip: usize,
        first: &Lanes,
        n: usize,
        rest: &Lanes,
        d: &QualDict,
    ) {
        self.flush_lanes(start, skip, first, n, rest, d);
    }

    /// Adds the lanes `skip..` of the two passes (cycles `start + skip..start + 32`) over `n`
    /// reads: T and dictionary value 0 are what the other counts leave of them (8-bit
    /// arithmetic is exact: every count is at most `n` <= 255).
    #[inline(always)]
    fn flush_lanes(
        &mut self,
        start: usize,
        skip: usize,
        first: &Lanes,
        n: usize,
        rest: &Lanes,
        d: &QualDict,
    ) {
        // `by[k][b]`: reads with base `BASES[b]` and value `d[k]` per lane.
        let mut by = [[[0u8; LANES]; 4]; 4];
        let parts = [
            (&first[3], [&first[4], &first[5], &first[6]]),
            (&rest[0], [&rest[1], &rest[2], &rest[3]]),
            (&rest[4], [&rest[5], &rest[6], &rest[7]]),
        ];
        for (k, (total, acg)) in parts.into_iter().enumerate() {
            by[k + 1][..3].copy_from_slice(&acg.map(|x| *x));
            by[k + 1][3] = left(total, acg);
        }
        let n = [n as u8; LANES];
        let bases = [
            first[0],
            first[1],
            first[2],
            left(&n, [&first[0], &first[1], &first[2]]),
        ];
        for (b, all) in bases.iter().enumerate() {
            by[0][b] = left(all, [&by[1][b], &by[2][b], &by[3][b]]);
        }
        for (k, (by_base, &value)) in by.iter().zip(d).enumerate() {
            if k > 0 && value == 0 {
                continue; // an unused slot counts nothing
            }
            for (lanes, &base) in by_base.iter().zip(&BASES) {
                self.add_lanes(row(base, value), start, skip, lanes);
            }
        }
    }

    /// Adds `lanes[skip..]` to the cells of `row` at cycles `start + skip..start + 32` (one or
    /// two contiguous runs of cells: a window can straddle two blocks).
    #[inline(always)]
    fn add_lanes(&mut self, row: usize, start: usize, skip: usize, lanes: &[u8; LANES]) {
        let mut l = skip;
        while l < LANES {
            let cycle = start + l;
            let end = LANES.min(l + BLOCK - cycle % BLOCK);
            let at = cell(row, cycle);
            for (c, &x) in self.counts[at..at + (end - l)]
                .iter_mut()
                .zip(&lanes[l..end])
            {
                *c += u64::from(x);
            }
            l = end;
        }
    }
}

/// `total - a - b - c` per lane (exact when the parts are counts within the total).
#[inline(always)]
fn left(total: &[u8; LANES], [a, b, c]: [&[u8; LANES]; 3]) -> [u8; LANES] {
    let mut out = [0u8; LANES];
    for l in 0..LANES {
        out[l] = total[l]
            .wrapping_sub(a[l])
            .wrapping_sub(b[l])
            .wrapping_sub(c[l]);
    }
    out
}
