//! Paired-end insert detection: every candidate insert length is scored at once from the
//! overlap of read 1 with the reverse complement of read 2 and, where the insert is shorter than
//! a read, from the adapters that must then follow it in both reads.

use super::adapter::{Adapter, Window};
use super::tables::{READ_MASK, Weights};

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
/// else: [`READ_MASK`] (or its complement) as compares, so loops over reads vectorize.
#[inline]
fn code(b: u8, [a, c, g, t]: [u8; 4]) -> u8 {
    let u = b & 0xDF;
    (u8::from(u == b'A') * a)
        | (u8::from(u == b'C') * c)
        | (u8::from(u == b'G') * g)
        | (u8::from(u == b'T' || u == b'U') * t)
}

/// Scores read 1 against rc(read 2) (base codes, with read 2's qualities reversed alongside) over the
/// overlap: (compared bases, hard mismatches, score), or `None` when the hard mismatches exceed
/// `cap` or, at any point, the progressive cap 2 + compared/8, or all mismatches exceed
/// 2 + compared/4. A mismatch is hard when the lower quality character is at least `soft` (see
/// [`OverlapParams::soft_below`]; `soft` = 0 makes every mismatch hard).
///
/// Sixteen bases at a time: one vector pass gives the compared and mismatched lanes as bit masks
/// and each lane's lower quality (0 where a base is N, and quality character 0 weighs 0); the
/// match weights are then summed by table lookups, and only the (rare) mismatch lanes are
/// visited one by one, for their weight and the caps. The caps can first be exceeded only at a
/// mismatch (between mismatches the allowances only grow), so checking them there is exact.
#[inline(always)]
fn score_overlap(
    (s1, q1): (&[u8], &[u8]),
    (s2, q2): (&[u8], &[u8]),
    w: &Weights,
    cap: usize,
    soft: u8,
) -> Option<(usize, usize, i32)> {
    let n = s1.len().min(s2.len()).min(q1.len()).min(q2.len());
    let (mut cmp, mut mm, mut hard, mut sc) = (0usize, 0usize, 0usize, 0i32);
    // Lanes below `from` are not part of this block (the tail block overlaps the one before).
    let mut block = |a: &[u8], b: &[u8], qa: &[u8], qb: &[u8], from: usize| -> bool {
        let (mut valid, mut miss, qmin) = lanes16(a, b, qa, qb);
        let keep = 0xFFFF_u32 << from & 0xFFFF;
        (valid, miss) = (valid & keep, miss & keep);
        sc += qmin[from..]
            .iter()
            .map(|&q| w.by_char[usize::from(q)])
            .sum::<i32>();
        let mut bits = miss;
        while bits != 0 {
            let j = bits.trailing_zeros();
            let q = qmin[j as usize];
            sc += w.by_char[256 | usize::from(q)] - w.by_char[usize::from(q)];
            hard += usize::from(q >= soft);
            // Lanes up to and including j.
            let upto = (2u32 << j).wrapping_sub(1);
            let (c, m) = (
                cmp + (valid & upto).count_ones() as usize,
                mm + (miss & upto).count_ones() as usize,
            );
            if hard > 2 + c / 8 || m > 2 + c / 4 {
                return false;
            }
            bits &= bits - 1;
        }
        cmp += valid.count_ones() as usize;
        mm += miss.count_ones() as usize;
        hard <= cap
    };
    let full = n - n % 16;
    for i in (0..full).step_by(16) {
        let r = i..i + 16;
        if !block(&s1[r.clone()], &s2[r.clone()], &q1[r.clone()], &q2[r], 0) {
            return None;
        }
    }
    if full < n && n >= 16 {
        // The tail: the last sixteen bases, with the lanes already scored left out (loading
        // them in place; a copy into a padded array stalled on store forwarding).
        let r = n - 16..n;
        let from = 16 - (n - full);
        if !block(&s1[r.clone()], &s2[r.clone()], &q1[r.clone()], &q2[r], from) {
            return None;
        }
    } else if full < n {
        // A short overlap, padded with code 0 (not compared).
        let mut t = [[0u8; 16]; 4];
        for (d, s) in t.iter_mut().zip([s1, s2, q1, q2]) {
            d[..n - full].copy_from_slice(&s[full..n]);
        }
        if !block(&t[0], &t[1], &t[2], &t[3], 0) {
            return None;
        }
    }
    Some((cmp, hard, sc))
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
#[inline]
fn score_candidate(
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
    let mut cmp = 0usize;
    let mut mm = 0usize;
    let mut sc = 0i32;
    if ov > 0 {
        let (a0, t0) = (lo - m1.front, l2 + m2.front + lo - k);
        let r1 = (&c1[a0..a0 + ov], &m1.qual[a0..a0 + ov]);
        let r2 = (&rc2[t0..t0 + ov], &rq2[t0..t0 + ov]);
        (cmp, mm, sc) = score_overlap(r1, r2, w, ov_cap, soft)?;
    }
    let (ov_mm, ov_sc) = (mm, sc);
    // All mismatches (soft ones too) of the adapter part, for the loose cap.
    let mut all_mm = mm;
    let mut adapters_agree = true;
    'ad: for (m, ad) in [(m1, ad1), (m2, ad2)] {
        if let Some(a) = m.adapter
            && ad < m.seq.len()
        {
            let n = a.len().min(m.seq.len() - ad);
            for jj in 0..n {
                let rm = READ_MASK[m.seq[ad + jj] as usize];
                let am = a.mask(jj);
                if rm == 0 || am == 15 {
                    continue;
                }
                let qi = Weights::qi(m.qual[ad + jj]);
                cmp += 1;
                if rm & am != 0 {
                    sc += w.matched[qi];
                } else {
                    mm += usize::from(m.qual[ad + jj] >= soft);
                    all_mm += 1;
                    sc += w.mismatched[qi];
                    if mm > 2 + cmp / 8 || all_mm > 2 + cmp / 4 {
                        adapters_agree = false;
                        break 'ad;
                    }
                }
            }
        }
    }
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

/// False only when candidate `k` is sure to fail in [`score_candidate`]: its overlap is too
/// short to stand alone and its adapter bases hold more mismatches than the loose cap
/// (2 + compared/4, compared counting the whole overlap) allows even with a perfect overlap.
/// At the walk's last mismatch all mismatches so far include every adapter one, and the
/// compared bases are at most these, so the walk's own check would fail: skipping is exact.
#[inline(always)]
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
    let (mut cmp, mut mm) = (ov as u32, 0u32);
    for (m, w) in [(m1, w1), (m2, w2)] {
        if let Some(a) = m.adapter {
            match a.count_at(w, k - m.front) {
                Some((c, x)) => (cmp, mm) = (cmp + c, mm + x),
                None => return true,
            }
        }
    }
    mm <= 2 + cmp / 4
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
    if std::arch::is_x86_feature_detected!("popcnt") {
        #[allow(unsafe_code)] // measured hot spot: bit counts of the pair analysis
        // SAFETY: the processor has POPCNT (checked above).
        return unsafe { analyze_popcnt(m1, m2, p, w, work) };
    }
    analyze_body(m1, m2, p, w, work)
}

/// [`analyze`] compiled with the POPCNT instruction: the bit counts of the candidate checks
/// are otherwise a dozen instructions each (POPCNT is not in the x86_64 baseline).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "popcnt")]
fn analyze_popcnt(
    m1: &Mate<'_>,
    m2: &Mate<'_>,
    p: &OverlapParams,
    w: &Weights,
    work: &mut Vec<u8>,
) -> Option<Insert> {
    analyze_body(m1, m2, p, w, work)
}

/// The body of [`analyze`].
#[inline(always)]
fn analyze_body(
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
        if let Some(c) = score_candidate(m1, m2, (c1, rc2, rq2), k, p, w) {
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
        let windows = (Window::new(m1.seq), Window::new(m2.seq));
        // (Plain loops: iterator adaptors here were left out of line, without POPCNT.)
        for k in kmin..(base + SCREEN).min(kmax + 1) {
            if adapters_may_agree(m1, m2, &windows, k, p) {
                consider(k);
            }
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
