//! Paired-end insert detection: every candidate insert length is scored at once from the
//! overlap of read 1 with the reverse complement of read 2 and, where the insert is shorter than
//! a read, from the adapters that must then follow it in both reads.

#[cfg(test)]
use super::adapter::Window;
use super::adapter::{Adapter, Codes};
#[cfg(any(test, not(target_arch = "x86_64")))]
use super::tables::READ_MASK;
use super::tables::Weights;

/// Settings of the pair analysis (fastp names in brackets).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OverlapParams {
    /// Minimum overlap of the two reads to call an insert from the overlap alone
    /// (`--overlap_len_require`, 30).
    pub overlap_len_require: usize,
    /// Mismatches allowed in an overlap-only call (`--overlap_diff_limit`, 5).
    pub overlap_diff_limit: usize,
    /// Mismatch percentage allowed in an overlap-only call (`--overlap_diff_percent_limit`, 20).
    pub overlap_diff_percent_limit: f64,
    /// Minimum log-likelihood score (hundredths of a nat) for a call (default 1000).
    pub min_score: i32,
    /// Mismatches where the lower of the two qualities is below this Phred score are "soft":
    /// they still lower the score by their weight but do not count against the mismatch caps
    /// (`overlap_diff_limit`, the progressive cap), so a noisy mate's long overlap is not thrown
    /// away; all mismatches together stay capped at 2 + compared/4. Default 15; 0 counts every
    /// mismatch, as fastp does.
    pub soft_below: u8,
}

impl Default for OverlapParams {
    fn default() -> Self {
        OverlapParams {
            overlap_len_require: 30,
            overlap_diff_limit: 5,
            overlap_diff_percent_limit: 20.0,
            min_score: 1000,
            soft_below: 15,
        }
    }
}

/// A detected insert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Insert {
    /// Insert (fragment) length, counted from the original 5' ends.
    pub len: usize,
    /// Bases where the two reads overlap.
    pub overlap: usize,
    /// Mismatches over the compared bases (overlap and adapters).
    pub mismatches: usize,
    /// Log-likelihood score, hundredths of a nat.
    pub score: i32,
}

/// One mate for the analysis: bases, qualities, bases already removed from its 5' end, and its
/// adapter (if known).
#[derive(Clone, Copy)]
pub struct Mate<'a> {
    /// Bases.
    pub seq: &'a [u8],
    /// Phred+33 qualities.
    pub qual: &'a [u8],
    /// Bases removed from the 5' end before the analysis.
    pub front: usize,
    /// The adapter that follows the insert in this read.
    pub adapter: Option<&'a Adapter>,
}

/// Bases of the overlap start compared by the cheap rejection.
const SCREEN: usize = 16;
/// Equal bases out of [`SCREEN`] a candidate needs to be scored (random candidates have ~4).
const SCREEN_MIN: u8 = 10;

/// Calls `f(w)`, in increasing order, for every window `w < n` where `pat` and
/// `text[w..w + SCREEN]` have at least `min` equal bytes. `text` must hold
/// `n.next_multiple_of(16) + SCREEN - 1` bytes (padding beyond the real windows is ignored).
#[inline]
fn for_each_window_at_least(
    pat: &[u8; SCREEN],
    text: &[u8],
    n: usize,
    min: u8,
    mut f: impl FnMut(usize),
) {
    #[cfg_attr(not(target_arch = "x86_64"), allow(unused_mut))]
    let mut from = 0;
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // Thirty-two windows per step while more than sixteen are left (from stays a multiple
        // of 16, so the sixteen-window steps below need no more padding than before).
        while n.saturating_sub(from) > 16 {
            let Some(block) = text.get(from..from + 32 + SCREEN - 1) else {
                break;
            };
            let lanes = if n - from >= 32 {
                u32::MAX
            } else {
                (1u32 << (n - from)) - 1
            };
            #[allow(unsafe_code)]
            // SAFETY: AVX2 is present (checked above).
            let mut hits = unsafe { screen32(pat, block, min) } & lanes;
            while hits != 0 {
                f(from + hits.trailing_zeros() as usize);
                hits &= hits - 1;
            }
            from += 32;
        }
    }
    for w0 in (from..n).step_by(16) {
        let Some(block) = text.get(w0..w0 + 16 + SCREEN - 1) else {
            return;
        };
        // Lanes past the last real window are dropped.
        let mut hits = screen16(pat, block, min) & ((1u32 << (n - w0).min(16)) - 1);
        while hits != 0 {
            f(w0 + hits.trailing_zeros() as usize);
            hits &= hits - 1;
        }
    }
}

/// Bit `j` set when `pat` and `block[j..j + 16]` have at least `min` equal bytes, for the
/// sixteen windows of a 31-byte block: the counts stay in one vector register over the
/// pattern (one compare and one subtract per pattern byte), then one mask.
#[cfg(target_arch = "x86_64")]
#[inline]
#[allow(unsafe_code)] // measured hot spot: the pair screen (README, "Performance notes")
fn screen16(pat: &[u8; SCREEN], block: &[u8], min: u8) -> u32 {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_max_epu8, _mm_movemask_epi8, _mm_set1_epi8,
        _mm_setzero_si128, _mm_sub_epi8,
    };
    let block = &block[..16 + SCREEN - 1];
    // SAFETY: SSE2 is part of the x86_64 baseline; each load reads bytes p..p + 16 of
    // `block` with p < SCREEN, inside its length of 16 + SCREEN - 1 (sliced above).
    unsafe {
        let mut acc = _mm_setzero_si128();
        for (p, &c) in pat.iter().enumerate() {
            let t = _mm_loadu_si128(block.as_ptr().add(p).cast::<__m128i>());
            acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(t, _mm_set1_epi8(c as i8)));
        }
        let ge = _mm_cmpeq_epi8(_mm_max_epu8(acc, _mm_set1_epi8(min as i8)), acc);
        _mm_movemask_epi8(ge) as u32
    }
}

/// [`screen16`] for the thirty-two windows of a 47-byte block, in 32-byte AVX2 registers:
/// half the passes over the pattern.
///
/// # Safety
/// The processor must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[allow(unsafe_code)] // measured hot spot: the pair screen (docs/speed-realistic.md)
unsafe fn screen32(pat: &[u8; SCREEN], block: &[u8], min: u8) -> u32 {
    use std::arch::x86_64::{
        __m256i, _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_max_epu8, _mm256_movemask_epi8,
        _mm256_set1_epi8, _mm256_setzero_si256, _mm256_sub_epi8,
    };
    let block = &block[..32 + SCREEN - 1];
    // SAFETY: AVX2 is present (the caller's contract); each load reads bytes p..p + 32 of
    // `block` with p < SCREEN, inside its length of 32 + SCREEN - 1 (sliced above).
    unsafe {
        let mut acc = _mm256_setzero_si256();
        for (p, &c) in pat.iter().enumerate() {
            let t = _mm256_loadu_si256(block.as_ptr().add(p).cast::<__m256i>());
            acc = _mm256_sub_epi8(acc, _mm256_cmpeq_epi8(t, _mm256_set1_epi8(c as i8)));
        }
        let ge = _mm256_cmpeq_epi8(_mm256_max_epu8(acc, _mm256_set1_epi8(min as i8)), acc);
        _mm256_movemask_epi8(ge) as u32
    }
}

/// Portable [`screen16`].
#[cfg(not(target_arch = "x86_64"))]
fn screen16(pat: &[u8; SCREEN], block: &[u8], min: u8) -> u32 {
    let mut hits = 0u32;
    for j in 0..16 {
        let eq = pat
            .iter()
            .zip(&block[j..j + SCREEN])
            .filter(|(a, b)| a == b)
            .count();
        hits |= u32::from(eq >= usize::from(min)) << j;
    }
    hits
}

/// The code of base `b` (either case; U as T) from `[a, c, g, t]`, 0 for N and anything
/// else: [`READ_MASK`](super::tables::READ_MASK) (or its complement) as compares, so loops over reads vectorize.
#[inline]
fn code(b: u8, [a, c, g, t]: [u8; 4]) -> u8 {
    let u = b & 0xDF;
    (u8::from(u == b'A') * a)
        | (u8::from(u == b'C') * c)
        | (u8::from(u == b'G') * g)
        | (u8::from(u == b'T' || u == b'U') * t)
}

/// Running totals of a candidate's scoring: compared bases, mismatches counted against the
/// loose cap, hard mismatches, score.
#[derive(Clone, Copy, Default)]
struct Tally {
    cmp: usize,
    all: usize,
    hard: usize,
    sc: i32,
}

/// Adds sixteen lanes to `t`: `valid` and `miss` are the compared and mismatched lanes, `q`
/// each lane's quality character (0 where not compared); lanes below `from` are left out.
/// False when, at a mismatch, the hard mismatches exceed 2 + compared/8 or all mismatches
/// 2 + compared/4.
///
/// The match weights of all lanes are summed at once, then only the (rare) mismatch lanes are
/// visited one by one, for their weight and the caps. The caps can first be exceeded only at a
/// mismatch (between mismatches the allowances only grow), so checking them there is exact.
#[inline(always)]
fn tally16<const FAST: bool>(
    t: &mut Tally,
    (valid, miss, q): (u32, u32, [u8; 16]),
    from: usize,
    w: &Weights,
    soft: u8,
) -> bool {
    let keep = 0xFFFF_u32 << from & 0xFFFF;
    let (valid, miss) = (valid & keep, miss & keep);
    t.sc += match_sum::<FAST>(&q, from, w);
    let mut bits = miss;
    while bits != 0 {
        let j = bits.trailing_zeros();
        let c = q[j as usize];
        t.sc += w.by_char[256 | usize::from(c)] - w.by_char[usize::from(c)];
        t.hard += usize::from(c >= soft);
        // Lanes up to and including j.
        let upto = (2u32 << j).wrapping_sub(1);
        let (cmp, all) = (
            t.cmp + (valid & upto).count_ones() as usize,
            t.all + (miss & upto).count_ones() as usize,
        );
        if t.hard > 2 + cmp / 8 || all > 2 + cmp / 4 {
            return false;
        }
        bits &= bits - 1;
    }
    t.cmp += valid.count_ones() as usize;
    t.all += miss.count_ones() as usize;
    true
}

/// Sum of the match weights of the quality characters `q[from..]`: table lookups, or with
/// `FAST` (SSSE3 present) three byte shuffles and one horizontal sum.
#[inline(always)]
fn match_sum<const FAST: bool>(q: &[u8; 16], from: usize, w: &Weights) -> i32 {
    #[cfg(target_arch = "x86_64")]
    if FAST && let Some(lut) = &w.match_lut {
        #[allow(unsafe_code)]
        // SAFETY: FAST is set only where SSSE3 was detected (`analyze`).
        return unsafe { match_sum_ssse3(q, from, lut) };
    }
    q[from..].iter().map(|&c| w.by_char[usize::from(c)]).sum()
}

/// Bytes `16 - from..32 - from` keep lanes `from..16` of a vector.
#[cfg(target_arch = "x86_64")]
static KEEP_FROM: [u8; 32] = {
    let mut t = [0u8; 32];
    let mut i = 16;
    while i < 32 {
        t[i] = 0xFF;
        i += 1;
    }
    t
};

/// [`match_sum`] by [`Weights::match_lut`]: lanes below `from` become character 0 (weight 0),
/// the index `min(c - 33, 47)` picks one of three sixteen-byte tables (a lane outside a
/// table's range gets an index with the high bit set, which shuffles in 0), and the byte
/// weights are summed by `psadbw`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "ssse3")]
#[inline]
#[allow(unsafe_code)] // measured hot spot: the pair scores (docs/speed-realistic.md)
fn match_sum_ssse3(q: &[u8; 16], from: usize, lut: &[u8; 48]) -> i32 {
    use std::arch::x86_64::{
        __m128i, _mm_adds_epu8, _mm_and_si128, _mm_cvtsi128_si32, _mm_extract_epi16,
        _mm_loadu_si128, _mm_min_epu8, _mm_or_si128, _mm_sad_epu8, _mm_set1_epi8,
        _mm_setzero_si128, _mm_shuffle_epi8, _mm_sub_epi8, _mm_subs_epu8,
    };
    let keep = &KEEP_FROM[16 - from.min(16)..][..16];
    // SAFETY: SSSE3 is present (this function's feature); the loads read the 16 bytes of `q`
    // and of `keep` (sliced above), and bytes 16k..16k + 16 (k < 3) of the 48-byte `lut`.
    unsafe {
        let ld = |s: &[u8]| _mm_loadu_si128(s.as_ptr().cast::<__m128i>());
        let q = _mm_and_si128(ld(q), ld(keep));
        let idx = _mm_min_epu8(_mm_subs_epu8(q, _mm_set1_epi8(33)), _mm_set1_epi8(47));
        let mut v = _mm_setzero_si128();
        for k in 0..3 {
            // idx - 16k in 0..16 becomes 0x70..0x80 (high bit clear); anything else saturates
            // or wraps to 0x80 and above.
            let i = _mm_adds_epu8(
                _mm_sub_epi8(idx, _mm_set1_epi8(16 * k as i8)),
                _mm_set1_epi8(0x70),
            );
            v = _mm_or_si128(v, _mm_shuffle_epi8(ld(&lut[16 * k..16 * k + 16]), i));
        }
        let s = _mm_sad_epu8(v, _mm_setzero_si128());
        _mm_cvtsi128_si32(s) + _mm_extract_epi16::<4>(s)
    }
}

/// The sixteen-lane blocks over `n >= 16` lanes: (first lane, leading lanes to leave out).
/// A last partial block is the last sixteen lanes, loaded in place (a copy into a padded array
/// stalled on store forwarding). (An iterator, not a closure-taking helper: closures are
/// compiled without the caller's target features.)
struct Blocks {
    next: usize,
    n: usize,
}

impl Iterator for Blocks {
    type Item = (usize, usize);

    #[inline(always)]
    fn next(&mut self) -> Option<(usize, usize)> {
        let i = self.next;
        if i >= self.n {
            return None;
        }
        self.next = i + 16;
        Some(if i + 16 <= self.n {
            (i, 0)
        } else {
            (self.n - 16, i + 16 - self.n)
        })
    }
}

/// The first `n < 16` lanes of each slice, zero-padded to sixteen.
#[inline(always)]
fn padded<const K: usize>(s: [&[u8]; K], n: usize) -> [[u8; 16]; K] {
    let mut t = [[0u8; 16]; K];
    for (d, x) in t.iter_mut().zip(s) {
        d[..n].copy_from_slice(&x[..n]);
    }
    t
}

/// Scores read 1 against rc(read 2) (base codes, with read 2's qualities reversed alongside) over the
/// overlap: the totals ([`Tally::all`] counting all mismatches), or `None` when the hard
/// mismatches exceed `cap` or, at any point, the progressive cap 2 + compared/8, or all
/// mismatches exceed 2 + compared/4. A mismatch is hard when the lower quality character is at
/// least `soft` (see [`OverlapParams::soft_below`]; `soft` = 0 makes every mismatch hard).
///
/// Sixteen bases at a time: one vector pass gives the compared and mismatched lanes as bit masks
/// and each lane's lower quality (0 where a base is N, and quality character 0 weighs 0), then
/// [`tally16`].
#[inline(always)]
fn score_overlap<const FAST: bool>(
    (s1, q1): (&[u8], &[u8]),
    (s2, q2): (&[u8], &[u8]),
    w: &Weights,
    cap: usize,
    soft: u8,
) -> Option<Tally> {
    let n = s1.len().min(s2.len()).min(q1.len()).min(q2.len());
    let mut t = Tally::default();
    if n >= 16 {
        for (i, from) in (Blocks { next: 0, n }) {
            let r = i..i + 16;
            let lanes = lanes16(&s1[r.clone()], &s2[r.clone()], &q1[r.clone()], &q2[r]);
            if !tally16::<FAST>(&mut t, lanes, from, w, soft) || t.hard > cap {
                return None;
            }
        }
    } else if n > 0 {
        // A short overlap, padded with code 0 (not compared).
        let [a, b, qa, qb] = padded([s1, s2, q1, q2], n);
        if !tally16::<FAST>(&mut t, lanes16(&a, &b, &qa, &qb), 0, w, soft) || t.hard > cap {
            return None;
        }
    }
    Some(t)
}

/// For sixteen lanes of base codes `a`, `b` and qualities `qa`, `qb`: the compared lanes (both
/// codes non-zero) and mismatched lanes as bit masks, and per lane the lower quality, 0 where
/// the lane is not compared.
#[cfg(target_arch = "x86_64")]
#[inline]
#[allow(unsafe_code)] // measured hot spot: the overlap score (README, "Performance notes")
fn lanes16(a: &[u8], b: &[u8], qa: &[u8], qb: &[u8]) -> (u32, u32, [u8; 16]) {
    use std::arch::x86_64::{
        __m128i, _mm_andnot_si128, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_min_epu8,
        _mm_movemask_epi8, _mm_or_si128, _mm_setzero_si128, _mm_storeu_si128,
    };
    let (a, b, qa, qb) = (&a[..16], &b[..16], &qa[..16], &qb[..16]);
    let mut qmin = [0u8; 16];
    // SAFETY: SSE2 is part of the x86_64 baseline; every load and the store touch exactly the
    // 16 bytes of a slice or array of length 16 (sliced above).
    unsafe {
        let ld = |s: &[u8]| _mm_loadu_si128(s.as_ptr().cast::<__m128i>());
        let (va, vb) = (ld(a), ld(b));
        let zero = _mm_setzero_si128();
        let skip = _mm_or_si128(_mm_cmpeq_epi8(va, zero), _mm_cmpeq_epi8(vb, zero));
        let q = _mm_andnot_si128(skip, _mm_min_epu8(ld(qa), ld(qb)));
        _mm_storeu_si128(qmin.as_mut_ptr().cast::<__m128i>(), q);
        let valid = !(_mm_movemask_epi8(skip) as u32) & 0xFFFF;
        let miss = valid & !(_mm_movemask_epi8(_mm_cmpeq_epi8(va, vb)) as u32);
        (valid, miss, qmin)
    }
}

/// Portable [`lanes16`].
#[cfg(not(target_arch = "x86_64"))]
fn lanes16(a: &[u8], b: &[u8], qa: &[u8], qb: &[u8]) -> (u32, u32, [u8; 16]) {
    let (mut valid, mut miss, mut qmin) = (0u32, 0u32, [0u8; 16]);
    for j in 0..16 {
        if a[j] != 0 && b[j] != 0 {
            valid |= 1 << j;
            miss |= u32::from(a[j] != b[j]) << j;
            qmin[j] = qa[j].min(qb[j]);
        }
    }
    (valid, miss, qmin)
}

/// For sixteen read bases `s` (characters), adapter masks `am` (IUPAC bits) and read
/// qualities `q`: the compared lanes (a read A, C, G, T or U against an adapter base other
/// than N) and mismatched lanes (no common bit) as bit masks, and per lane the quality, 0
/// where the lane is not compared: the per-base rule of the pair analysis, sixteen at once.
#[cfg(target_arch = "x86_64")]
#[inline]
#[allow(unsafe_code)] // measured hot spot: the adapter part of the pair scores
fn adapter16(s: &[u8], am: &[u8], q: &[u8]) -> (u32, u32, [u8; 16]) {
    use std::arch::x86_64::{
        __m128i, _mm_and_si128, _mm_andnot_si128, _mm_cmpeq_epi8, _mm_loadu_si128,
        _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8, _mm_setzero_si128, _mm_storeu_si128,
    };
    let (s, am, q) = (&s[..16], &am[..16], &q[..16]);
    let mut qv = [0u8; 16];
    // SAFETY: SSE2 is part of the x86_64 baseline; every load and the store touch exactly the
    // 16 bytes of a slice or array of length 16 (sliced above).
    unsafe {
        let ld = |s: &[u8]| _mm_loadu_si128(s.as_ptr().cast::<__m128i>());
        let set = |c: u8| _mm_set1_epi8(c as i8);
        // READ_MASK as compares: lowercase, then one bit per letter.
        let v = _mm_or_si128(ld(s), set(0x20));
        let is = |c: u8| _mm_cmpeq_epi8(v, set(c));
        let rm = _mm_or_si128(
            _mm_or_si128(
                _mm_and_si128(is(b'a'), set(1)),
                _mm_and_si128(is(b'c'), set(2)),
            ),
            _mm_or_si128(
                _mm_and_si128(is(b'g'), set(4)),
                _mm_and_si128(_mm_or_si128(is(b't'), is(b'u')), set(8)),
            ),
        );
        let a = ld(am);
        let zero = _mm_setzero_si128();
        let skip = _mm_or_si128(_mm_cmpeq_epi8(rm, zero), _mm_cmpeq_epi8(a, set(15)));
        _mm_storeu_si128(
            qv.as_mut_ptr().cast::<__m128i>(),
            _mm_andnot_si128(skip, ld(q)),
        );
        let valid = !(_mm_movemask_epi8(skip) as u32) & 0xFFFF;
        let miss = valid & _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_and_si128(rm, a), zero)) as u32;
        (valid, miss, qv)
    }
}

/// Portable [`adapter16`].
#[cfg(not(target_arch = "x86_64"))]
fn adapter16(s: &[u8], am: &[u8], q: &[u8]) -> (u32, u32, [u8; 16]) {
    let (mut valid, mut miss, mut qv) = (0u32, 0u32, [0u8; 16]);
    for j in 0..16 {
        let rm = READ_MASK[usize::from(s[j])];
        if rm != 0 && am[j] != 15 {
            valid |= 1 << j;
            miss |= u32::from(rm & am[j] == 0) << j;
            qv[j] = q[j];
        }
    }
    (valid, miss, qv)
}

/// Where the two reads overlap for insert length `k`, in fragment coordinates (read 1 covers
/// `[f1, f1 + l1)`, read 2 `[k - f2 - l2, k - f2)`): (first overlapping position, length).
#[inline(always)]
fn overlap_span(m1: &Mate<'_>, m2: &Mate<'_>, k: usize) -> (usize, usize) {
    let lo = m1.front.max((k - m2.front).saturating_sub(m2.seq.len()));
    let hi = (m1.front + m1.seq.len()).min(k - m2.front);
    (lo, hi.saturating_sub(lo))
}

/// Scores candidate insert length `k`; `None` when the running mismatch count exceeds the
/// progressive cap (2 + compared/8) or the adapter-free overlap is untrusted.
#[inline(always)]
fn score_candidate<const FAST: bool>(
    m1: &Mate<'_>,
    m2: &Mate<'_>,
    (c1, rc2, rq2): (&[u8], &[u8], &[u8]),
    k: usize,
    p: &OverlapParams,
    w: &Weights,
) -> Option<Insert> {
    let (l1, l2) = (m1.seq.len(), m2.seq.len());
    let (lo, ov) = overlap_span(m1, m2, k);
    let ad1 = k - m1.front; // index in read 1 where the adapter would start
    let ad2 = k - m2.front;
    let has_ad = (ad1 < l1 && m1.adapter.is_some()) || (ad2 < l2 && m2.adapter.is_some());
    // fastp's requirements for overlap-only evidence, checked up front when no adapter can
    // add evidence.
    if !has_ad && ov < p.overlap_len_require {
        return None;
    }
    // Computed only where needed: the float division cost a fifth of this function's time
    // when it ran for each of the ~16 unscreened short-insert candidates of every pair.
    let limit = || {
        p.overlap_diff_limit
            .min((ov as f64 * p.overlap_diff_percent_limit / 100.0) as usize)
    };
    let ov_cap = if has_ad { usize::MAX } else { limit() };
    let soft = if p.soft_below == 0 {
        0
    } else {
        p.soft_below + 33
    };
    let mut t = Tally::default();
    if ov > 0 {
        let (a0, t0) = (lo - m1.front, l2 + m2.front + lo - k);
        let r1 = (&c1[a0..a0 + ov], &m1.qual[a0..a0 + ov]);
        let r2 = (&rc2[t0..t0 + ov], &rq2[t0..t0 + ov]);
        t = score_overlap::<FAST>(r1, r2, w, ov_cap, soft)?;
    }
    let (ov_mm, ov_sc) = (t.hard, t.sc);
    // The adapter part counts against the loose cap only its own mismatches (soft ones too)
    // on top of the overlap's hard ones.
    t.all = t.hard;
    let mut adapters_agree = true;
    for (m, ad) in [(m1, ad1), (m2, ad2)] {
        if let Some(a) = m.adapter
            && ad < m.seq.len()
        {
            let n = a.len().min(m.seq.len() - ad);
            let (s, q, am) = (&m.seq[ad..], &m.qual[ad..], a.masks());
            let mut agree = true;
            if n >= 16 {
                for (i, from) in (Blocks { next: 0, n }) {
                    let r = i..i + 16;
                    let lanes = adapter16(&s[r.clone()], &am[r.clone()], &q[r]);
                    if !tally16::<FAST>(&mut t, lanes, from, w, soft) {
                        agree = false;
                        break;
                    }
                }
            } else {
                // Padded with read byte 0 (not compared).
                let [s, am, q] = padded([s, am, q], n);
                agree = tally16::<FAST>(&mut t, adapter16(&s, &am, &q), 0, w, soft);
            }
            if !agree {
                adapters_agree = false;
                break;
            }
        }
    }
    let (mut mm, mut sc) = (t.hard, t.sc);
    if !has_ad || !adapters_agree {
        // Overlap-only evidence (no adapter expected, or the given adapter does not match):
        // fastp's requirements.
        mm = ov_mm;
        sc = ov_sc;
        if ov < p.overlap_len_require || mm > limit() {
            return None;
        }
    }
    if sc < p.min_score {
        return None;
    }
    Some(Insert {
        len: k,
        overlap: ov,
        mismatches: mm,
        score: sc,
    })
}

/// [`score_candidate`] compiled with POPCNT and SSSE3 (table lookups of the match weights).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "popcnt,ssse3")]
fn score_candidate_fast(
    m1: &Mate<'_>,
    m2: &Mate<'_>,
    codes: (&[u8], &[u8], &[u8]),
    k: usize,
    p: &OverlapParams,
    w: &Weights,
) -> Option<Insert> {
    score_candidate::<true>(m1, m2, codes, k, p, w)
}

/// False only when candidate `k` is sure to fail in [`score_candidate`]: its overlap is too
/// short to stand alone and its adapter bases hold more mismatches than the loose cap
/// (2 + compared/4, compared counting the whole overlap) allows even with a perfect overlap.
/// At the walk's last mismatch all mismatches so far include every adapter one, and the
/// compared bases are at most these, so the walk's own check would fail: skipping is exact.
///
/// Read 1's adapter is counted first; read 2's is counted only when read 1's mismatches do not
/// already exceed the cap with all of read 2's aligned bases compared (nearly always they do).
/// The per-candidate reference of [`short_inserts_may_agree`].
#[cfg(test)]
fn adapters_may_agree(
    m1: &Mate<'_>,
    m2: &Mate<'_>,
    (w1, w2): &(Window, Window),
    k: usize,
    p: &OverlapParams,
) -> bool {
    let (_, ov) = overlap_span(m1, m2, k);
    if ov >= p.overlap_len_require {
        return true;
    }
    // Read 2's aligned adapter bases (its count is None exactly where this is).
    let n2 = match m2.adapter {
        Some(a) => match w2.aligned(a.len(), k - m2.front) {
            Some(n) => n,
            None => return true,
        },
        None => 0,
    };
    let (mut cmp, mut mm) = (ov as u32, 0u32);
    if let Some(a) = m1.adapter {
        match a.count_at(w1, k - m1.front) {
            Some((c, x)) => (cmp, mm) = (cmp + c, x),
            None => return true,
        }
    }
    if mm > 2 + (cmp + n2) / 4 {
        return false;
    }
    if let Some(a) = m2.adapter {
        match a.count_at(w2, k - m2.front) {
            Some((c, x)) => (cmp, mm) = (cmp + c, mm + x),
            None => return true,
        }
    }
    mm <= 2 + cmp / 4
}

/// [`adapters_may_agree`] for the sixteen candidates `k0..k0 + 16` at once (bit `s` for
/// `k0 + s`), all with `k0 + 15 < f1 + f2 + SCREEN` (where both reads, at least SCREEN long,
/// overlap by `k - f1 - f2` bases, or not at all).
///
/// Each adapter is counted for all sixteen placements in one pass ([`Adapter::add_counts16`]);
/// read 2's only when some candidate passes read 1's early bound, as in the reference. Where
/// read 2's adapter is counted, the full cap alone decides: a candidate failing read 1's bound
/// fails it too (read 2's compared bases are at most its aligned ones, its mismatches at least
/// 0). Candidates whose counts reach past the 64 bases of [`Codes`], or whose overlap may stand
/// alone, pass.
#[inline(always)]
fn short_inserts_may_agree(
    m1: &Mate<'_>,
    m2: &Mate<'_>,
    (c1, c2): (Option<&Codes>, Option<&Codes>),
    k0: usize,
    p: &OverlapParams,
) -> u32 {
    let base = m1.front + m2.front;
    // Lanes of candidates at least x.
    let from = |x: usize| match x.checked_sub(k0) {
        None | Some(0) => 0xFFFF_u32,
        Some(d) if d >= 16 => 0,
        Some(d) => 0xFFFF << d & 0xFFFF,
    };
    // Overlaps long enough to stand alone (an overlap of 0 is "at least 0").
    let mut pass = if p.overlap_len_require == 0 {
        0xFFFF
    } else {
        from(base + p.overlap_len_require)
    };
    // The overlap of each candidate, k - f1 - f2 or 0 (below 32), as the compared bases the
    // counts start from. (Byte lanes, so the loops below vectorize.)
    let (up, down) = if k0 >= base {
        ((k0 - base) as u8, 0)
    } else {
        (0, (base - k0).min(255) as u8)
    };
    let mut cmp: [u8; 16] = std::array::from_fn(|s| (s as u8 + up).saturating_sub(down));
    let mut miss = [0u8; 16];
    let ad2 = match (m2.adapter, c2) {
        (Some(a), Some(c)) => Some((a, c, k0 - m2.front)),
        _ => None,
    };
    if let Some((a, c, at0)) = ad2 {
        pass |= c.outside16(a.len(), at0);
    }
    if let (Some(a), Some(c)) = (m1.adapter, c1) {
        let at0 = k0 - m1.front;
        pass |= c.outside16(a.len(), at0);
        a.add_counts16(c, at0, (&mut cmp, &mut miss));
        if let Some((a, c, at0)) = ad2 {
            // Read 1's early bound, read 2's aligned bases, min(adapter, read - at), counted as
            // compared (lanes past the read's end are outside; 64 bounds every other lane).
            let left = (c.len().saturating_sub(at0)).min(255) as u8;
            let a_len = a.len().min(64) as u8;
            let upper: [u8; 16] =
                std::array::from_fn(|s| cmp[s] + left.saturating_sub(s as u8).min(a_len));
            if within_cap16(&miss, &upper) & !pass == 0 {
                return pass;
            }
        }
    }
    if let Some((a, c, at0)) = ad2 {
        a.add_counts16(c, at0, (&mut cmp, &mut miss));
    }
    pass | within_cap16(&miss, &cmp)
}

/// Lanes `s < 16` where `miss[s] <= 2 + compared[s] / 4`: the loose cap of the pair scores.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
#[allow(unsafe_code)] // measured hot spot: the short-insert pre-check of the pair analysis
fn within_cap16(miss: &[u8; 16], compared: &[u8; 16]) -> u32 {
    use std::arch::x86_64::{
        __m128i, _mm_add_epi8, _mm_and_si128, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_max_epu8,
        _mm_movemask_epi8, _mm_set1_epi8, _mm_srli_epi16,
    };
    // SAFETY: SSE2 is part of the x86_64 baseline; both loads read exactly a 16-byte array.
    unsafe {
        let ld = |a: &[u8; 16]| _mm_loadu_si128(a.as_ptr().cast::<__m128i>());
        // compared / 4 per byte: a 16-bit shift, then the bits shifted in from the next byte
        // cleared.
        let quarter = _mm_and_si128(_mm_srli_epi16::<2>(ld(compared)), _mm_set1_epi8(0x3F));
        let cap = _mm_add_epi8(quarter, _mm_set1_epi8(2));
        let ok = _mm_cmpeq_epi8(_mm_max_epu8(ld(miss), cap), cap);
        _mm_movemask_epi8(ok) as u32
    }
}

/// Portable [`within_cap16`].
#[cfg(not(target_arch = "x86_64"))]
fn within_cap16(miss: &[u8; 16], compared: &[u8; 16]) -> u32 {
    (0..16).fold(0, |m, s| m | u32::from(miss[s] <= 2 + compared[s] / 4) << s)
}

/// Finds the most likely insert length of a pair, or `None` when no candidate is supported.
///
/// Candidates run from an adapter dimer (insert 0) up to reads overlapping by only
/// `overlap_len_require` bases; the best-scoring candidate wins (ties: the longer insert).
pub(crate) fn analyze(
    m1: &Mate<'_>,
    m2: &Mate<'_>,
    p: &OverlapParams,
    w: &Weights,
    work: &mut Vec<u8>,
) -> Option<Insert> {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("popcnt") && std::arch::is_x86_feature_detected!("ssse3")
    {
        #[allow(unsafe_code)] // measured hot spot: bit counts and lookups of the pair analysis
        // SAFETY: the processor has POPCNT and SSSE3 (checked above).
        return unsafe { analyze_fast(m1, m2, p, w, work) };
    }
    analyze_body::<false>(m1, m2, p, w, work)
}

/// [`analyze`] compiled with POPCNT and SSSE3: the bit counts of the candidate checks are
/// otherwise a dozen instructions each (POPCNT is not in the x86_64 baseline), and the match
/// weights are looked up sixteen at a time.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "popcnt,ssse3")]
fn analyze_fast(
    m1: &Mate<'_>,
    m2: &Mate<'_>,
    p: &OverlapParams,
    w: &Weights,
    work: &mut Vec<u8>,
) -> Option<Insert> {
    analyze_body::<true>(m1, m2, p, w, work)
}

/// The body of [`analyze`].
/// `FAST`: called from [`analyze_fast`] (POPCNT and SSSE3 present).
#[inline(always)]
fn analyze_body<const FAST: bool>(
    m1: &Mate<'_>,
    m2: &Mate<'_>,
    p: &OverlapParams,
    w: &Weights,
    work: &mut Vec<u8>,
) -> Option<Insert> {
    let kmin = m1.front.max(m2.front);
    let kmax = (m1.front + m2.front + m1.seq.len() + m2.seq.len()).saturating_sub(
        p.overlap_len_require
            .min(m1.seq.len().min(m2.seq.len()))
            .max(1),
    );
    let (f1, f2) = (m1.front, m2.front);
    let (l1, l2) = (m1.seq.len(), m2.seq.len());
    // Work buffer: both reads as base codes (read 2 reverse-complemented, so equal codes are
    // agreeing bases; 0 = N or other), each followed by padding for the screen's last
    // sixteen windows, and read 2's qualities reversed.
    const PAD: usize = 2 * SCREEN;
    let need = l1 + 2 * l2 + 2 * PAD;
    if work.len() < need {
        work.resize(need, 0);
    }
    let (c1, rest) = work.split_at_mut(l1 + PAD);
    let (rc2, rq2) = rest.split_at_mut(l2 + PAD);
    let rq2 = &mut rq2[..l2];
    for (d, &b) in c1.iter_mut().zip(m1.seq) {
        *d = code(b, [1, 2, 4, 8]);
    }
    for (d, &b) in rc2.iter_mut().zip(m2.seq.iter().rev()) {
        *d = code(b, [8, 4, 2, 1]);
    }
    for (d, &q) in rq2.iter_mut().zip(m2.qual.iter().rev()) {
        *d = q;
    }
    let (c1p, rc2p) = (&*c1, &*rc2);
    let (c1, rc2, rq2): (&[u8], &[u8], &[u8]) = (&c1[..l1], &rc2[..l2], rq2);
    let mut best: Option<Insert> = None;
    let mut consider = |k: usize| {
        if k < kmin || k > kmax {
            return;
        }
        #[cfg(target_arch = "x86_64")]
        #[allow(unsafe_code)]
        // SAFETY: FAST is set only by `analyze_fast`, where POPCNT and SSSE3 were detected.
        let scored = if FAST {
            unsafe { score_candidate_fast(m1, m2, (c1, rc2, rq2), k, p, w) }
        } else {
            score_candidate::<false>(m1, m2, (c1, rc2, rq2), k, p, w)
        };
        #[cfg(not(target_arch = "x86_64"))]
        let scored = score_candidate::<false>(m1, m2, (c1, rc2, rq2), k, p, w);
        if let Some(c) = scored {
            // Ties go to the longer insert.
            if best.is_none_or(|b| (c.score, c.len) >= (b.score, b.len)) {
                best = Some(c);
            }
        }
    };
    if l1 < SCREEN || l2 < SCREEN {
        (kmin..=kmax).for_each(consider);
        return best;
    }
    // Overlaps shorter than SCREEN are scored without the screen: the smallest inserts ...
    // (only worth scoring when an adapter can add evidence or such short overlaps may count).
    let base = f1 + f2;
    if m1.adapter.is_some() || m2.adapter.is_some() || p.overlap_len_require < SCREEN {
        let codes = |m: &Mate<'_>| m.adapter.map(|_| Codes::new(m.seq));
        let (c1, c2) = (codes(m1), codes(m2));
        // (Plain loops: iterator adaptors here were left out of line, without POPCNT.)
        let end = (base + SCREEN).min(kmax + 1);
        let mut k0 = kmin;
        while k0 < end {
            let mut lanes = short_inserts_may_agree(m1, m2, (c1.as_ref(), c2.as_ref()), k0, p)
                & ((1u32 << (end - k0).min(16)) - 1);
            while lanes != 0 {
                consider(k0 + lanes.trailing_zeros() as usize);
                lanes &= lanes - 1;
            }
            k0 += 16;
        }
        // ... and (for reads shorter than overlap_len_require) the longest ones.
        for k in (base + l1 + l2 + 1 - SCREEN).max(kmin)..=kmax {
            consider(k);
        }
    }
    // Insert k in [base + SCREEN, base + l2]: read 1's start overlaps rc(read 2) at t = base + l2 - k.
    let head = |c: &[u8]| -> [u8; SCREEN] {
        let mut h = [0u8; SCREEN];
        h.copy_from_slice(&c[..SCREEN]);
        h
    };
    for_each_window_at_least(&head(c1), rc2p, l2 - SCREEN + 1, SCREEN_MIN, |t| {
        consider(base + l2 - t)
    });
    // Insert k in (base + l2, base + l1 + l2 - SCREEN]: rc(read 2)'s start overlaps read 1 at
    // a = k - base - l2 (a = 0 is the case above).
    // Only windows of inserts up to kmax.
    let n2 = (l1 - SCREEN).min(kmax.saturating_sub(base + l2)) + 1;
    for_each_window_at_least(&head(rc2), c1p, n2, SCREEN_MIN, |a| {
        if a > 0 {
            consider(base + l2 + a)
        }
    });
    best
}

/// Naive oracle: scores every candidate without the early exit and keeps the best.
#[cfg(test)]
pub(crate) fn naive_best_len(seq1: &[u8], seq2: &[u8], a1: &[u8], a2: &[u8]) -> Option<usize> {
    // Unweighted: +1 per match, -4 per mismatch; inserts shorter than both reads only.
    let rc2: Vec<u8> = seq2
        .iter()
        .rev()
        .map(|&b| super::tables::complement(b))
        .collect();
    let mut best: Option<(i64, usize)> = None;
    let l = seq1.len().min(seq2.len());
    for k in 0..l {
        let mut s = 0i64;
        for i in 0..k {
            s += if seq1[i] == rc2[seq2.len() - k + i] {
                1
            } else {
                -4
            };
        }
        for (r, a) in [(seq1, a1), (seq2, a2)] {
            for j in 0..a.len().min(r.len() - k) {
                s += if r[k + j] == a[j] { 1 } else { -4 };
            }
        }
        if s > 20 && best.is_none_or(|b| s >= b.0) {
            best = Some((s, k));
        }
    }
    best.map(|b| b.1)
}

#[cfg(test)]
mod tests;
