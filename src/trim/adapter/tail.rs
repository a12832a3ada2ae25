//! Bit-parallel verification of the adapter at the read's last positions.
//!
//! Near the 3' end every position must be checked (a short adapter prefix holds no whole seed),
//! which cost a byte loop per position. Here the read's last ≤ 64 bases become one bit set per
//! base letter (and one for bases below Q15), so a position's matches are four shifts and ANDs
//! and a popcount. Same acceptance rule as `Adapter::verify`: the mismatch counts only grow
//! along the alignment, so testing the totals equals its early exits.

use super::{TOLERATED_BELOW, allowed_mismatches};
#[cfg(any(test, not(target_arch = "x86_64")))]
use crate::trim::tables::READ_MASK;

/// Widest window the bit sets hold.
pub(super) const WIDTH: usize = 64;

/// The adapter's first ≤ 64 positions as one bit set per base letter (IUPAC bits: a wildcard
/// position is in several sets, `N` in all four), and the mismatches allowed per length.
#[derive(Clone, Debug, Default)]
pub(super) struct AdapterBits {
    by_base: [u64; 4],
    /// Positions that are not `N` (an `N` in the adapter is not compared).
    #[cfg(test)]
    compared: u64,
    /// `floor(n * rate)` for n = 0..=64.
    allowed: Vec<u8>,
    /// Per position j < 64, sixteen copies each of: the read codes compared there (all four
    /// letters, none at `N`) and the read codes that mismatch there, for [`Codes::add_counts16`].
    lanes: Vec<Lanes>,
}

/// Sixteen copies of an adapter position's compared and mismatching read codes, aligned so the
/// counting loop reads them as memory operands.
#[derive(Clone, Debug)]
#[repr(C, align(16))]
pub(super) struct Lanes {
    compared: [u8; 16],
    mismatched: [u8; 16],
}

impl AdapterBits {
    /// Bit sets of `masks` (IUPAC masks of the adapter's bases) for an error rate `rate`.
    pub(super) fn new(masks: &[u8], rate: f64) -> Self {
        let mut by_base = [0u64; 4];
        for (j, &m) in masks.iter().take(WIDTH).enumerate() {
            for (c, set) in by_base.iter_mut().enumerate() {
                *set |= u64::from((m >> c) & 1) << j;
            }
        }
        #[cfg(test)]
        let compared = masks
            .iter()
            .take(WIDTH)
            .enumerate()
            .fold(0u64, |set, (j, &m)| set | u64::from(m != 15) << j);
        let allowed = (0..=WIDTH)
            .map(|n| allowed_mismatches(n, rate).min(255) as u8)
            .collect();
        let lanes = masks
            .iter()
            .take(WIDTH)
            .map(|&m| {
                let (cmp, miss) = if m == 15 { (0, 0) } else { (15, 15 & !m) };
                Lanes {
                    compared: [cmp; 16],
                    mismatched: [miss; 16],
                }
            })
            .collect();
        AdapterBits {
            by_base,
            #[cfg(test)]
            compared,
            allowed,
            lanes,
        }
    }
}

/// Finds the first position of `from..=last` where the adapter (`bits`, `len` bases long) is
/// accepted, as `Adapter::verify` would: `(position, compared bases, mismatches)`.
/// Needs `seq.len() - from <= 64`.
pub(super) fn first_hit(
    bits: &AdapterBits,
    len: usize,
    seq: &[u8],
    qual: Option<&[u8]>,
    from: usize,
    last: usize,
    min_overlap: usize,
) -> Option<(usize, usize, usize)> {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("popcnt") {
        #[allow(unsafe_code)] // measured hot spot: the read-end adapter check
        // SAFETY: the processor has POPCNT (checked above).
        return unsafe { first_hit_popcnt(bits, len, seq, qual, from, last, min_overlap) };
    }
    first_hit_body(bits, len, seq, qual, from, last, min_overlap)
}

/// [`first_hit`] compiled with the POPCNT instruction (not in the x86_64 baseline).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "popcnt")]
fn first_hit_popcnt(
    bits: &AdapterBits,
    len: usize,
    seq: &[u8],
    qual: Option<&[u8]>,
    from: usize,
    last: usize,
    min_overlap: usize,
) -> Option<(usize, usize, usize)> {
    first_hit_body(bits, len, seq, qual, from, last, min_overlap)
}

/// The body of [`first_hit`].
#[inline(always)]
fn first_hit_body(
    bits: &AdapterBits,
    len: usize,
    seq: &[u8],
    qual: Option<&[u8]>,
    from: usize,
    last: usize,
    min_overlap: usize,
) -> Option<(usize, usize, usize)> {
    let (read, low_q) = read_sets(seq, qual, from);
    for p in from..=last {
        let s = p - from;
        let n = len.min(seq.len() - p);
        let hit = (bits.by_base.iter().zip(&read)).fold(0u64, |h, (a, r)| h | (a & (r >> s)));
        let miss = (u64::MAX >> (WIDTH - n)) & !hit;
        let all = miss.count_ones() as usize;
        let allowed = usize::from(bits.allowed[n]);
        if all <= allowed {
            return Some((p, n, all));
        }
        // Beyond the error rate only with qualities: the excess at bases below Q15, up to
        // `allowed + 1` of them, with `min_overlap` bases still matching.
        if qual.is_some() && all <= 2 * allowed + 1 {
            let lo = (miss & (low_q >> s)).count_ones() as usize;
            if all - lo <= allowed && n - lo >= min_overlap {
                return Some((p, n, all));
            }
        }
    }
    None
}

/// A read's first ≤ 64 bases as bit sets, to count an adapter's mismatches at any start (the
/// reference of [`Codes::add_counts16`]).
#[cfg(test)]
pub(crate) struct Window {
    by_base: [u64; 4],
    len: usize,
}

#[cfg(test)]
impl Window {
    /// The bit sets of `seq[..64]`.
    pub(crate) fn new(seq: &[u8]) -> Self {
        let (by_base, _) = read_sets(&seq[..seq.len().min(WIDTH)], None, 0);
        Window {
            by_base,
            len: seq.len(),
        }
    }

    /// The `min(adapter, read - at)` aligned bases of an adapter of `a_len` bases placed at read
    /// position `at`, an upper bound of [`Window::count`]'s compared ones; `None` exactly where
    /// that count is `None`.
    #[inline(always)]
    pub(crate) fn aligned(&self, a_len: usize, at: usize) -> Option<u32> {
        let n = a_len.min(self.len.checked_sub(at)?);
        (n == 0 || at + n <= WIDTH).then_some(n as u32)
    }

    /// (compared, mismatched) bases of the adapter placed at read position `at`, over the
    /// `min(adapter, read - at)` aligned bases, counted as the pair analysis does (a read `N`
    /// or an adapter `N` is not compared); `None` when they reach past the window.
    #[inline(always)]
    pub(super) fn count(&self, a: &AdapterBits, a_len: usize, at: usize) -> Option<(u32, u32)> {
        let n = self.aligned(a_len, at)? as usize;
        if n == 0 {
            return Some((0, 0));
        }
        let mut hit = 0u64;
        let mut letter = 0u64;
        for (set, r) in a.by_base.iter().zip(&self.by_base) {
            hit |= set & (r >> at);
            letter |= r >> at;
        }
        let valid = letter & a.compared & (u64::MAX >> (WIDTH - n));
        Some((valid.count_ones(), (valid & !hit).count_ones()))
    }
}

/// Bytes of [`Codes`]: 64 read bases, then zeros for sixteen placements from any start ≤ 64 of
/// up to 64 adapter bases.
const CODES_LEN: usize = 2 * WIDTH + 16;

/// A read's first ≤ 64 bases as base codes (A 1, C 2, G 4, T/U 8, either case; 0 for anything
/// else), zero-padded: sixteen adapter placements are counted at once, one byte lane each.
pub(crate) struct Codes {
    codes: [u8; CODES_LEN],
    len: usize,
}

impl Codes {
    /// The codes of `seq[..64]`.
    #[inline(always)]
    pub(crate) fn new(seq: &[u8]) -> Self {
        let mut codes = [0u8; CODES_LEN];
        // Compares, not a table, so the loop vectorizes.
        for (d, &b) in codes.iter_mut().zip(seq.iter().take(WIDTH)) {
            let u = b | 0x20;
            *d = u8::from(u == b'a')
                | u8::from(u == b'c') << 1
                | u8::from(u == b'g') << 2
                | u8::from(u == b't' || u == b'u') << 3;
        }
        Codes {
            codes,
            len: seq.len(),
        }
    }

    /// Bases in the read.
    #[inline(always)]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Lanes `s < 16` where the counts of an adapter of `a_len` bases placed at read position
    /// `at0 + s` are not known from the first 64 bases: it starts past the read's end, or its
    /// `min(adapter, read - at)` aligned bases reach past base 64.
    #[inline(always)]
    pub(crate) fn outside16(&self, a_len: usize, at0: usize) -> u32 {
        // Lanes whose placement is at least x.
        let from = |x: usize| match x.checked_sub(at0) {
            None | Some(0) => 0xFFFF,
            Some(d) if d >= 16 => 0,
            Some(d) => 0xFFFF << d & 0xFFFF,
        };
        let mut out = from(self.len + 1);
        if self.len > WIDTH {
            // Inside the read, the aligned bases end at min(at + a_len, len) > 64.
            out |= from((WIDTH + 1).saturating_sub(a_len)) & !from(self.len);
        }
        out
    }

    /// Adds to `cmp` and `miss`, lane `s < 16`, the (compared, mismatched) bases of the adapter
    /// `a` placed at read position `at0 + s`, as [`Window::count`] counts them; exact in the
    /// lanes outside [`Codes::outside16`]. One pass over the adapter's first 64 bases, sixteen
    /// placements per vector operation.
    #[inline(always)]
    pub(super) fn add_counts16(
        &self,
        a: &AdapterBits,
        at0: usize,
        (cmp, miss): (&mut [u8; 16], &mut [u8; 16]),
    ) {
        // Placements from 64 on count nothing inside the window (their bytes are zeros).
        let codes = &self.codes[at0.min(WIDTH)..];
        add_counts16(codes, &a.lanes, (cmp, miss));
    }
}

/// The body of [`Codes::add_counts16`]: for each adapter position j, the sixteen codes from
/// `codes[j]` are ANDed with j's compared and mismatching codes; each non-zero lane counts 1
/// (the zero lanes are counted, and subtracted from the positions at the end).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
#[allow(unsafe_code)] // measured hot spot: the short-insert pre-check of the pair analysis
fn add_counts16(codes: &[u8], lanes: &[Lanes], (cmp, miss): (&mut [u8; 16], &mut [u8; 16])) {
    use std::arch::x86_64::{
        __m128i, _mm_add_epi8, _mm_and_si128, _mm_cmpeq_epi8, _mm_load_si128, _mm_loadu_si128,
        _mm_set1_epi8, _mm_setzero_si128, _mm_storeu_si128, _mm_sub_epi8,
    };
    let lanes = &lanes[..lanes.len().min(WIDTH)];
    let codes = &codes[..lanes.len() + 15];
    // SAFETY: SSE2 is part of the x86_64 baseline; the load for position j reads bytes
    // j..j + 16 of `codes`, which holds lanes.len() + 15 bytes (sliced above: the caller's
    // start is at most 64 and lanes.len() at most 64, inside CODES_LEN); the aligned loads read
    // the 16-byte-aligned arrays of a `Lanes`; all other loads and stores touch exactly
    // sixteen-byte arrays.
    unsafe {
        let zero = _mm_setzero_si128();
        let (mut zc, mut zm) = (zero, zero);
        for (j, l) in lanes.iter().enumerate() {
            let v = _mm_loadu_si128(codes.as_ptr().add(j).cast::<__m128i>());
            let c = _mm_load_si128(l.compared.as_ptr().cast::<__m128i>());
            let m = _mm_load_si128(l.mismatched.as_ptr().cast::<__m128i>());
            zc = _mm_sub_epi8(zc, _mm_cmpeq_epi8(_mm_and_si128(v, c), zero));
            zm = _mm_sub_epi8(zm, _mm_cmpeq_epi8(_mm_and_si128(v, m), zero));
        }
        // At most 64 positions: the byte counts do not wrap.
        let n = _mm_set1_epi8(lanes.len() as i8);
        let ld = |a: &[u8; 16]| _mm_loadu_si128(a.as_ptr().cast::<__m128i>());
        let c = _mm_add_epi8(ld(cmp), _mm_sub_epi8(n, zc));
        let m = _mm_add_epi8(ld(miss), _mm_sub_epi8(n, zm));
        _mm_storeu_si128(cmp.as_mut_ptr().cast::<__m128i>(), c);
        _mm_storeu_si128(miss.as_mut_ptr().cast::<__m128i>(), m);
    }
}

/// Portable [`add_counts16`].
#[cfg(not(target_arch = "x86_64"))]
fn add_counts16(codes: &[u8], lanes: &[Lanes], (cmp, miss): (&mut [u8; 16], &mut [u8; 16])) {
    for (j, l) in lanes.iter().take(WIDTH).enumerate() {
        for s in 0..16 {
            let v = codes[j + s];
            cmp[s] += u8::from(v & l.compared[s] != 0);
            miss[s] += u8::from(v & l.mismatched[s] != 0);
        }
    }
}

/// `seq[from..]` (≤ 64 bases) as bit sets per letter A, C, G, T/U (either case; bit i = read
/// position `from + i`), and the set of bases whose quality is below Q15 (Phred+33).
fn read_sets(seq: &[u8], qual: Option<&[u8]>, from: usize) -> ([u64; 4], u64) {
    let mut window = [0u8; WIDTH];
    let tail = &seq[from..];
    window[..tail.len()].copy_from_slice(tail);
    let mut quals = [u8::MAX; WIDTH];
    if let Some(q) = qual {
        let q = q.get(from..).unwrap_or_default();
        let k = q.len().min(WIDTH);
        quals[..k].copy_from_slice(&q[..k]);
    }
    letter_sets(&window, &quals)
}

/// Bit sets of a 64-byte window: four 16-byte compares per letter (SSE2, part of the x86_64
/// baseline).
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)] // measured hot spot: the read-end adapter check (docs/speed-realistic.md)
fn letter_sets(window: &[u8; WIDTH], quals: &[u8; WIDTH]) -> ([u64; 4], u64) {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8,
    };
    let mut sets = [0u64; 4];
    let mut low = 0u64;
    for k in 0..WIDTH / 16 {
        // SAFETY: SSE2 is part of the x86_64 baseline; both loads read bytes 16k..16k + 16 of
        // 64-byte arrays (k < 4).
        let (m, l) = unsafe {
            let v = _mm_loadu_si128(window.as_ptr().add(16 * k).cast::<__m128i>());
            let v = _mm_or_si128(v, _mm_set1_epi8(0x20));
            let eq = |c: u8| _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(c as i8))) as u64;
            let t = eq(b't') | eq(b'u');
            let q = _mm_loadu_si128(quals.as_ptr().add(16 * k).cast::<__m128i>());
            let below = _mm_cmpeq_epi8(
                _mm_min_epu8(q, _mm_set1_epi8((TOLERATED_BELOW - 1) as i8)),
                q,
            );
            (
                [eq(b'a'), eq(b'c'), eq(b'g'), t],
                _mm_movemask_epi8(below) as u64,
            )
        };
        for (set, bits) in sets.iter_mut().zip(m) {
            *set |= bits << (16 * k);
        }
        low |= l << (16 * k);
    }
    (sets, low)
}

/// Portable [`letter_sets`].
#[cfg(not(target_arch = "x86_64"))]
fn letter_sets(window: &[u8; WIDTH], quals: &[u8; WIDTH]) -> ([u64; 4], u64) {
    let mut sets = [0u64; 4];
    let mut low = 0u64;
    for (i, (&b, &q)) in window.iter().zip(quals).enumerate() {
        let m = READ_MASK[b as usize];
        for (c, set) in sets.iter_mut().enumerate() {
            *set |= u64::from((m >> c) & 1) << i;
        }
        low |= u64::from(q < TOLERATED_BELOW) << i;
    }
    (sets, low)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letter_sets_follow_the_read_mask() {
        let mut window = [0u8; WIDTH];
        let mut quals = [0u8; WIDTH];
        for i in 0..WIDTH {
            window[i] = b"ACGTUacgtuNn.-\0\xff"[i % 16];
            quals[i] = 30 + i as u8;
        }
        let (sets, low) = letter_sets(&window, &quals);
        for i in 0..WIDTH {
            let m = READ_MASK[window[i] as usize];
            for (c, set) in sets.iter().enumerate() {
                assert_eq!(
                    (set >> i) & 1,
                    u64::from((m >> c) & 1),
                    "byte {i} letter {c}"
                );
            }
            assert_eq!((low >> i) & 1, u64::from(quals[i] < 48), "quality {i}");
        }
    }
}
