//! Paired-end insert detection: every candidate insert length is scored at once from the
//! overlap of read 1 with the reverse complement of read 2 and, where the insert is shorter than
//! a read, from the adapters that must then follow it in both reads.

use super::adapter::Adapter;
use super::tables::{COMP_MASK, READ_MASK, Weights, complement};

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
}

impl Default for OverlapParams {
    fn default() -> Self {
        OverlapParams {
            overlap_len_require: 30,
            overlap_diff_limit: 5,
            overlap_diff_percent_limit: 20.0,
            min_score: 1000,
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

/// Number of differing bytes between two 8-byte words.
#[inline]
fn diff_bytes(a: u64, b: u64) -> u32 {
    let mut x = a ^ b;
    x |= x >> 4;
    x |= x >> 2;
    x |= x >> 1;
    (x & 0x0101_0101_0101_0101).count_ones()
}

#[inline]
fn word(s: &[u8], at: usize) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&s[at..at + 8]);
    u64::from_le_bytes(b)
}

/// Cheap rejection: more than 6 differing bytes in the first 16 overlap positions (N bases
/// count as differences here); random candidates differ in about 12.
#[inline]
fn prefilter(
    m1: &Mate<'_>,
    rc2: &[u8],
    k: usize,
    lo: usize,
    hi: usize,
    l2: usize,
    f2: usize,
) -> bool {
    if hi < lo + 16 {
        return true;
    }
    let a = lo - m1.front;
    // rc2[t] = complement(read2[l2-1-t]); read 2 index j = k-1-f2-i  =>  t = l2 - k + f2 + i.
    let t = l2 + f2 + lo - k;
    diff_bytes(word(m1.seq, a), word(rc2, t)) + diff_bytes(word(m1.seq, a + 8), word(rc2, t + 8))
        <= 6
}

#[inline]
fn qmin(a: u8, b: u8) -> usize {
    Weights::qi(a.min(b))
}

/// Scores candidate insert length `k`; `None` when the running mismatch count exceeds the
/// progressive cap (2 + compared/8) or the adapter-free overlap is untrusted.
#[inline]
fn score_candidate(
    m1: &Mate<'_>,
    m2: &Mate<'_>,
    rc2: &[u8],
    k: usize,
    p: &OverlapParams,
    w: &Weights,
) -> Option<Insert> {
    let (l1, l2) = (m1.seq.len(), m2.seq.len());
    // Fragment coordinates: read 1 covers [f1, f1+l1); read 2 covers [k-f2-l2, k-f2).
    let lo = m1.front.max((k - m2.front).saturating_sub(l2));
    let hi = (m1.front + l1).min(k - m2.front);
    let ov = hi.saturating_sub(lo);
    if !prefilter(m1, rc2, k, lo, hi, l2, m2.front) {
        return None;
    }
    let ad1 = k - m1.front; // index in read 1 where the adapter would start
    let ad2 = k - m2.front;
    let has_ad = (ad1 < l1 && m1.adapter.is_some()) || (ad2 < l2 && m2.adapter.is_some());
    let mut cmp = 0usize;
    let mut mm = 0usize;
    let mut sc = 0i32;
    for i in lo..hi {
        let a = m1.seq[i - m1.front];
        let j = k - 1 - m2.front - i;
        let b = m2.seq[j];
        let am = READ_MASK[a as usize];
        let bm = COMP_MASK[b as usize];
        if am == 0 || bm == 0 {
            continue;
        }
        let qi = qmin(m1.qual[i - m1.front], m2.qual[j]);
        cmp += 1;
        if am == bm {
            sc += w.matched[qi];
        } else {
            mm += 1;
            sc += w.mismatched[qi];
            if mm > 2 + cmp / 8 {
                return None;
            }
        }
    }
    let (ov_mm, ov_sc) = (mm, sc);
    let mut adapters_agree = true;
    'ad: for (m, ad) in [(m1, ad1), (m2, ad2)] {
        if let Some(a) = m.adapter {
            if ad < m.seq.len() {
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
                        mm += 1;
                        sc += w.mismatched[qi];
                        if mm > 2 + cmp / 8 {
                            adapters_agree = false;
                            break 'ad;
                        }
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
        let limit = p
            .overlap_diff_limit
            .min((ov as f64 * p.overlap_diff_percent_limit / 100.0) as usize);
        if ov < p.overlap_len_require || mm > limit {
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

/// Finds the most likely insert length of a pair, or `None` when no candidate is supported.
///
/// Candidates run from an adapter dimer (insert 0) up to reads overlapping by only
/// `overlap_len_require` bases; the best-scoring candidate wins (ties: the longer insert).
pub(crate) fn analyze(
    m1: &Mate<'_>,
    m2: &Mate<'_>,
    p: &OverlapParams,
    w: &Weights,
) -> Option<Insert> {
    let kmin = m1.front.max(m2.front);
    let kmax = (m1.front + m2.front + m1.seq.len() + m2.seq.len()).saturating_sub(
        p.overlap_len_require
            .min(m1.seq.len().min(m2.seq.len()))
            .max(1),
    );
    // Reverse complement of read 2, on the stack for usual read lengths.
    let l2 = m2.seq.len();
    let mut stack = [0u8; 512];
    let mut heap = Vec::new();
    let rc2: &mut [u8] = if l2 <= stack.len() {
        &mut stack[..l2]
    } else {
        heap.resize(l2, 0);
        &mut heap
    };
    for (d, &b) in rc2.iter_mut().zip(m2.seq.iter().rev()) {
        *d = complement(b);
    }
    let mut best: Option<Insert> = None;
    for k in kmin..=kmax {
        if let Some(c) = score_candidate(m1, m2, rc2, k, p, w) {
            if best.is_none_or(|b| c.score >= b.score) {
                best = Some(c);
            }
        }
    }
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
