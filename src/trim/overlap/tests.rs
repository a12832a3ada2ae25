//! The pair analysis against slower references.

use super::super::tables::COMP_MASK;
use super::*;

/// The screened search must equal scoring every candidate insert length whose first
/// SCREEN overlap bases pass the same screen (no range of candidates lost or doubled).
fn exhaustive(m1: &Mate<'_>, m2: &Mate<'_>, p: &OverlapParams, w: &Weights) -> Option<Insert> {
    let (f1, f2, l1, l2) = (m1.front, m2.front, m1.seq.len(), m2.seq.len());
    let kmin = f1.max(f2);
    let kmax = (f1 + f2 + l1 + l2).saturating_sub(p.overlap_len_require.min(l1.min(l2)).max(1));
    let c1: Vec<u8> = m1.seq.iter().map(|&b| code(b, [1, 2, 4, 8])).collect();
    let rc2: Vec<u8> = m2
        .seq
        .iter()
        .rev()
        .map(|&b| code(b, [8, 4, 2, 1]))
        .collect();
    let rq2: Vec<u8> = m2.qual.iter().rev().copied().collect();
    let mut best: Option<Insert> = None;
    for k in kmin..=kmax {
        let lo = f1.max((k - f2).saturating_sub(l2));
        let hi = (f1 + l1).min(k - f2);
        if hi >= lo + SCREEN {
            let (a, t) = (lo - f1, l2 + f2 + lo - k);
            let eq = (0..SCREEN).filter(|&i| c1[a + i] == rc2[t + i]).count();
            if eq < usize::from(SCREEN_MIN) {
                continue;
            }
        }
        if let Some(c) = score_candidate::<false>(m1, m2, (&c1, &rc2, &rq2), k, p, w)
            && best.is_none_or(|b| (c.score, c.len) >= (b.score, b.len))
        {
            best = Some(c);
        }
    }
    best
}

/// A seeded xorshift64 source: `next(n)` is a number below `n`.
fn xorshift(mut x: u64) -> impl FnMut(u64) -> u64 {
    move |n| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % n
    }
}

#[test]
fn screened_search_equals_exhaustive_scoring() {
    let mut next = xorshift(0x9E37_79B9_7F4A_7C15);
    let ad1 = Adapter::new(b"AGATCGGAAGAGCACACGTCTGAACTCCAGTCA", 0.1).expect("adapter");
    let ad2 = Adapter::new(b"AGATCGGAAGAGCGTCGTGTAGGGAAAGAGTGT", 0.1).expect("adapter");
    let w = Weights::new();
    let mut work = Vec::new();
    for case in 0..3000 {
        // A fragment, read from both ends with adapters, errors, Ns, lowercase.
        let frag: Vec<u8> = (0..next(260)).map(|_| b"ACGT"[next(4) as usize]).collect();
        let len = [10, 15, 16, 17, 31, 75, 150][next(7) as usize];
        let mut r1: Vec<u8> = frag.iter().chain(ad1.seq()).copied().take(len).collect();
        let rc: Vec<u8> = frag
            .iter()
            .rev()
            .map(|&b| super::super::tables::complement(b))
            .collect();
        let mut r2: Vec<u8> = rc.iter().chain(ad2.seq()).copied().take(len).collect();
        for r in [&mut r1, &mut r2] {
            r.resize(len, b'A');
            for _ in 0..next(6) {
                let i = next(len as u64) as usize;
                r[i] = b"ACGTNacgtR"[next(10) as usize];
            }
        }
        let q1: Vec<u8> = (0..len).map(|_| b"#-8F"[next(4) as usize]).collect();
        let q2: Vec<u8> = (0..len).map(|_| b"#-8F"[next(4) as usize]).collect();
        let with_ad = case % 2 == 0;
        let m1 = Mate {
            seq: &r1,
            qual: &q1,
            front: next(3) as usize,
            adapter: with_ad.then_some(&ad1),
        };
        let m2 = Mate {
            seq: &r2,
            qual: &q2,
            front: next(3) as usize,
            adapter: with_ad.then_some(&ad2),
        };
        let p = OverlapParams {
            overlap_len_require: [30, 10][next(2) as usize],
            ..OverlapParams::default()
        };
        assert_eq!(
            analyze(&m1, &m2, &p, &w, &mut work),
            exhaustive(&m1, &m2, &p, &w),
            "case {case}"
        );
    }
}

/// The form of [`adapters_may_agree`] before read 1's early bound: both adapters counted.
fn adapters_may_agree_both(
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

/// Every candidate the adapter pre-check skips is one that scoring would refuse: random dimers,
/// short inserts and junk pairs, all insert lengths, Ns, wildcards and lowercase included.
#[test]
fn skipped_short_candidates_are_refused_by_scoring() {
    let mut next = xorshift(0x2545_F491_4F6C_DD1D);
    let ad1 = Adapter::new(b"AGATCGGAAGAGCACACGTCTGAACTCCAGTCA", 0.1).expect("adapter");
    let ad2 = Adapter::new(b"CTGTCTCTTATACACNTCT", 0.1).expect("adapter");
    let w = Weights::new();
    let (mut skipped, mut kept) = (0, 0);
    for case in 0..4000 {
        let len = [16, 20, 40, 150][next(4) as usize];
        let ins = next(20) as usize;
        let frag: Vec<u8> = (0..ins).map(|_| b"ACGT"[next(4) as usize]).collect();
        let mut r1: Vec<u8> = frag.iter().chain(ad1.seq()).copied().take(len).collect();
        let rc: Vec<u8> = frag
            .iter()
            .rev()
            .map(|&b| super::super::tables::complement(b))
            .collect();
        let mut r2: Vec<u8> = rc.iter().chain(ad2.seq()).copied().take(len).collect();
        // High qualities, with errors at Q2 (soft, nearly free: the loose cap decides) or
        // at random qualities.
        let mut q1 = vec![b'F'; len];
        let mut q2 = vec![b'F'; len];
        let soft_errors = case % 2 == 0;
        for (r, q) in [(&mut r1, &mut q1), (&mut r2, &mut q2)] {
            r.resize(len, b'G');
            for _ in 0..next(16) {
                let i = next(len as u64) as usize;
                r[i] = b"ACGTNacgtR"[next(10) as usize];
                q[i] = if soft_errors {
                    b'#'
                } else {
                    b"#-8F"[next(4) as usize]
                };
            }
        }
        let m1 = Mate {
            seq: &r1,
            qual: &q1,
            front: next(2) as usize,
            adapter: Some(&ad1),
        };
        let m2 = Mate {
            seq: &r2,
            qual: &q2,
            front: next(2) as usize,
            adapter: (case % 3 != 0).then_some(&ad2),
        };
        let p = OverlapParams {
            overlap_len_require: [30, 10][next(2) as usize],
            ..OverlapParams::default()
        };
        let c1: Vec<u8> = r1.iter().map(|&b| code(b, [1, 2, 4, 8])).collect();
        let rc2: Vec<u8> = r2.iter().rev().map(|&b| code(b, [8, 4, 2, 1])).collect();
        let rq2: Vec<u8> = q2.iter().rev().copied().collect();
        let windows = (Window::new(&r1), Window::new(&r2));
        for k in m1.front.max(m2.front)..m1.front + m2.front + 2 * len - 1 {
            let may = adapters_may_agree(&m1, &m2, &windows, k, &p);
            assert_eq!(
                may,
                adapters_may_agree_both(&m1, &m2, &windows, k, &p),
                "case {case} k {k}"
            );
            if may {
                kept += 1;
            } else {
                skipped += 1;
                let scored = score_candidate::<false>(&m1, &m2, (&c1, &rc2, &rq2), k, &p, &w);
                assert_eq!(scored, None, "case {case} k {k}");
            }
        }
    }
    // The check must do something, and must not skip everything.
    assert!(
        skipped > 10 * kept / 100 && kept > 0,
        "skipped {skipped} kept {kept}"
    );
}

#[test]
fn base_codes_equal_the_tables() {
    for b in 0..=255u8 {
        assert_eq!(code(b, [1, 2, 4, 8]), READ_MASK[usize::from(b)], "{b}");
        assert_eq!(code(b, [8, 4, 2, 1]), COMP_MASK[usize::from(b)], "{b}");
    }
}

/// The per-base definition of [`score_overlap`]: every compared base adds its weight and the
/// progressive caps are checked after each one.
fn score_overlap_per_base(
    (s1, q1): (&[u8], &[u8]),
    (s2, q2): (&[u8], &[u8]),
    w: &Weights,
    cap: usize,
    soft: u8,
) -> Option<(usize, usize, i32)> {
    let (mut cmp, mut mm, mut hard, mut sc) = (0usize, 0usize, 0usize, 0i32);
    for i in 0..s1.len() {
        if s1[i] == 0 || s2[i] == 0 {
            continue;
        }
        let miss = s1[i] != s2[i];
        let q = q1[i].min(q2[i]);
        cmp += 1;
        mm += usize::from(miss);
        hard += usize::from(miss && q >= soft);
        sc += w.by_char[(usize::from(miss) << 8) | usize::from(q)];
        if hard > 2 + cmp / 8 || mm > 2 + cmp / 4 {
            return None;
        }
    }
    (hard <= cap).then_some((cmp, hard, sc))
}

/// The per-base definition of [`score_candidate`] (its form before the sixteen-lane kernels):
/// the overlap by [`score_overlap_per_base`], the adapters base by base.
fn score_candidate_per_base(
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
        (cmp, mm, sc) = score_overlap_per_base(r1, r2, w, ov_cap, soft)?;
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
                let am = a.masks()[jj];
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

/// Whether the `FAST` kernels may run here.
fn fast() -> bool {
    #[cfg(target_arch = "x86_64")]
    return std::arch::is_x86_feature_detected!("popcnt")
        && std::arch::is_x86_feature_detected!("ssse3");
    #[cfg(not(target_arch = "x86_64"))]
    false
}

/// [`score_candidate`] (both kernels) equals its per-base definition on random pairs: inserts
/// of every length (dimers to no overlap), reads and adapters with errors, Ns, lowercase and
/// IUPAC wildcards, full-resolution or binned qualities (every character in some cases), any
/// soft threshold, with and without adapters.
#[test]
fn candidate_scores_equal_the_per_base_definition() {
    use rand::{RngExt, SeedableRng};
    let mut rng = rand_pcg::Pcg64::seed_from_u64(0x5EED_0FCA_4D00);
    let w = Weights::new();
    assert!(w.match_lut.is_some(), "the weights fit the byte tables");
    let adapters = [
        Adapter::new(b"AGATCGGAAGAGCACACGTCTGAACTCCAGTCA", 0.1).expect("adapter"),
        Adapter::new(b"AGATCGGAAGAGCGTCGTGTAGGGAAAGAGTGT", 0.1).expect("adapter"),
        Adapter::new(b"CTGTCTCTTATACACNTCT", 0.1).expect("adapter"),
        Adapter::new(
            b"AGATCGGAAGAGCACACGTCTGAACTCCAGTCACNNNNNNNNATCTCGTATGCCGTCTTCTGCTTG",
            0.1,
        )
        .expect("adapter"),
        Adapter::new(b"ACGTRYKMSWBDHVN", 0.1).expect("adapter"),
        Adapter::new(b"A", 0.1).expect("adapter"),
    ];
    let (mut scored, mut some) = (0usize, 0usize);
    for case in 0..3000 {
        let len = [1, 5, 15, 16, 17, 31, 33, 48, 75, 101, 150, 151][rng.random_range(0..12)];
        let (i1, i2) = (rng.random_range(0..6), rng.random_range(0..6));
        let (ad1, ad2) = (&adapters[i1], &adapters[i2]);
        let ins = rng.random_range(0..2 * len + 10);
        let frag: Vec<u8> = (0..ins).map(|_| b"ACGT"[rng.random_range(0..4)]).collect();
        let rc: Vec<u8> = frag
            .iter()
            .rev()
            .map(|&b| super::super::tables::complement(b))
            .collect();
        let mut r1: Vec<u8> = frag.iter().chain(ad1.seq()).copied().take(len).collect();
        let mut r2: Vec<u8> = rc.iter().chain(ad2.seq()).copied().take(len).collect();
        let error_pct = [0, 2, 10, 40][rng.random_range(0..4)];
        let binned = case % 3 != 0;
        let quals = |rng: &mut rand_pcg::Pcg64| -> Vec<u8> {
            (0..len)
                .map(|_| match (binned, case % 7) {
                    (_, 0) => rng.random::<u8>(),
                    (true, _) => b"#,:F"[rng.random_range(0..4)],
                    (false, _) => rng.random_range(33..75),
                })
                .collect()
        };
        let (q1, q2) = (quals(&mut rng), quals(&mut rng));
        for r in [&mut r1, &mut r2] {
            r.resize(len, b"ACGTG"[rng.random_range(0..5)]);
            for b in r.iter_mut() {
                if rng.random_range(0..100) < error_pct {
                    *b = b"ACGTNacgtnRU.\0"[rng.random_range(0..14)];
                }
            }
        }
        let m1 = Mate {
            seq: &r1,
            qual: &q1,
            front: rng.random_range(0..3),
            adapter: (case % 5 != 1).then_some(ad1),
        };
        let m2 = Mate {
            seq: &r2,
            qual: &q2,
            front: rng.random_range(0..3),
            adapter: (case % 5 != 2).then_some(ad2),
        };
        let p = OverlapParams {
            overlap_len_require: [30, 10, 1][rng.random_range(0..3)],
            soft_below: [15, 0, 30][rng.random_range(0..3)],
            min_score: [1000, 0, -100_000][rng.random_range(0..3)],
            ..OverlapParams::default()
        };
        let c1: Vec<u8> = r1.iter().map(|&b| code(b, [1, 2, 4, 8])).collect();
        let rc2: Vec<u8> = r2.iter().rev().map(|&b| code(b, [8, 4, 2, 1])).collect();
        let rq2: Vec<u8> = q2.iter().rev().copied().collect();
        let codes = (&c1[..], &rc2[..], &rq2[..]);
        let kmin = m1.front.max(m2.front);
        for k in kmin..m1.front + m2.front + 2 * len {
            let want = score_candidate_per_base(&m1, &m2, codes, k, &p, &w);
            let got = score_candidate::<false>(&m1, &m2, codes, k, &p, &w);
            assert_eq!(got, want, "case {case} k {k}");
            #[cfg(target_arch = "x86_64")]
            if fast() {
                #[allow(unsafe_code)]
                // SAFETY: POPCNT and SSSE3 are present (checked by `fast`).
                let got = unsafe { score_candidate_fast(&m1, &m2, codes, k, &p, &w) };
                assert_eq!(got, want, "fast: case {case} k {k}");
            }
            scored += 1;
            some += usize::from(want.is_some());
        }
    }
    // Both outcomes occur often.
    assert!(
        some > scored / 200 && some < scored / 2,
        "{some} of {scored}"
    );
}

/// The byte tables equal the match weights of every quality character.
#[test]
fn match_sums_equal_the_weights() {
    use rand::{RngExt, SeedableRng};
    let mut rng = rand_pcg::Pcg64::seed_from_u64(7);
    let w = Weights::new();
    for _ in 0..20_000 {
        let q: [u8; 16] = std::array::from_fn(|_| rng.random());
        let from = rng.random_range(0..16);
        let want: i32 = q[from..].iter().map(|&c| w.by_char[usize::from(c)]).sum();
        assert_eq!(match_sum::<false>(&q, from, &w), want);
        if fast() {
            assert_eq!(match_sum::<true>(&q, from, &w), want);
        }
    }
}

proptest::proptest! {
    #[test]
    fn overlap_score_equals_the_per_base_definition(
        len in 0usize..200,
        seed in proptest::prelude::any::<u64>(),
        error_pct in 0u64..40,
        cap in 0usize..12,
        soft in proptest::prelude::prop_oneof![proptest::prelude::Just(0u8), 0u8..=255],
    ) {
        // Read 2 mostly agrees with read 1 (else the cap ends every case at once), with N
        // codes and every quality character, 0 included.
        let mut x = seed | 1;
        let mut next = |m: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % m
        };
        let codes = [0u8, 1, 2, 4, 8];
        let s1: Vec<u8> = (0..len).map(|_| codes[next(5) as usize]).collect();
        let s2: Vec<u8> = s1
            .iter()
            .map(|&c| if next(100) < error_pct { codes[next(5) as usize] } else { c })
            .collect();
        let q1: Vec<u8> = (0..len).map(|_| next(256) as u8).collect();
        let q2: Vec<u8> = (0..len).map(|_| next(256) as u8).collect();
        let w = Weights::new();
        let want = score_overlap_per_base((&s1, &q1), (&s2, &q2), &w, cap, soft);
        let got = score_overlap::<false>((&s1, &q1), (&s2, &q2), &w, cap, soft);
        proptest::prop_assert_eq!(got.map(|t| (t.cmp, t.hard, t.sc)), want);
        if fast() {
            let got = score_overlap::<true>((&s1, &q1), (&s2, &q2), &w, cap, soft);
            proptest::prop_assert_eq!(got.map(|t| (t.cmp, t.hard, t.sc)), want);
        }
    }
}

/// The AVX2 screen gives the same windows as two SSE2 screens of sixteen.
#[cfg(target_arch = "x86_64")]
#[test]
fn screen32_equals_two_screen16() {
    if !std::arch::is_x86_feature_detected!("avx2") {
        return;
    }
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for round in 0..2000 {
        // Few symbols, so that every count from 0 to 16 occurs.
        let k = 1 + round % 4;
        let pat: [u8; SCREEN] = std::array::from_fn(|_| (next() % k) as u8);
        let block: Vec<u8> = (0..32 + SCREEN - 1).map(|_| (next() % k) as u8).collect();
        for min in [0, 1, 4, 10, 15, 16] {
            let two = screen16(&pat, &block[..16 + SCREEN - 1], min)
                | screen16(&pat, &block[16..], min) << 16;
            #[allow(unsafe_code)]
            // SAFETY: AVX2 is present (checked above).
            let one = unsafe { screen32(&pat, &block, min) };
            assert_eq!(one, two, "round {round} min {min}");
        }
    }
}

/// A random adapter: a preset, or random bases with `N` and IUPAC codes, up to 80 long (past
/// the 64 bases the counts see).
fn random_adapter(next: &mut impl FnMut(u64) -> u64) -> Adapter {
    let seq: Vec<u8> = match next(4) {
        0 => b"AGATCGGAAGAGCACACGTCTGAACTCCAGTCA".to_vec(),
        1 => b"AAGTCGGATCGTAGCCATGTCGTTCTGTGAGCCAAGGAGTTG".to_vec(),
        _ => (0..1 + next(80))
            .map(|_| b"ACGTACGTACGTNRYKMSWBDHVU"[next(24) as usize])
            .collect(),
    };
    Adapter::new(&seq, 0.1).expect("adapter")
}

/// A random read of `len` bases: a fragment then `adapter` (or junk), with errors, `N`s,
/// lowercase, `U` and other bytes.
fn random_read(
    next: &mut impl FnMut(u64) -> u64,
    frag: &[u8],
    adapter: &[u8],
    len: usize,
) -> Vec<u8> {
    let mut r: Vec<u8> = if next(4) == 0 {
        (0..len).map(|_| b"ACGT"[next(4) as usize]).collect()
    } else {
        frag.iter().chain(adapter).copied().take(len).collect()
    };
    r.resize(len, b"ACGT"[next(4) as usize]);
    for _ in 0..next(8).min(len as u64) {
        let i = next(len as u64) as usize;
        r[i] = b"ACGTNacgtnuUR.\0"[next(15) as usize];
    }
    r
}

/// Random qualities: binned (NovaSeq-like) or full resolution.
fn random_quals(next: &mut impl FnMut(u64) -> u64, len: usize) -> Vec<u8> {
    let binned = next(2) == 0;
    (0..len)
        .map(|_| {
            if binned {
                b"#,:F"[next(4) as usize]
            } else {
                33 + next(42) as u8
            }
        })
        .collect()
}

/// The sixteen-placement counts equal the per-placement bit-set counts wherever those are
/// known, and the lanes left out are exactly the unknown ones: reads of 0 to 100 bases,
/// adapters up to 80 bases with `N` and IUPAC codes, starts up to 80.
#[test]
fn counts16_equal_per_placement_counts() {
    let mut next = xorshift(0xD1B5_4A32_D192_ED03);
    for case in 0..20000 {
        let a = random_adapter(&mut next);
        let len = next(101) as usize;
        let read = random_read(&mut next, &[], a.seq(), len);
        let (codes, window) = (Codes::new(&read), Window::new(&read));
        let at0 = next(81) as usize;
        // Start from non-zero counts: the lanes must be added to.
        let (mut cmp, mut miss) = ([3u8; 16], [5u8; 16]);
        a.add_counts16(&codes, at0, (&mut cmp, &mut miss));
        let outside = codes.outside16(a.len(), at0);
        for s in 0..16 {
            let want = a.count_at(&window, at0 + s);
            assert_eq!(
                outside >> s & 1 == 1,
                want.is_none(),
                "case {case} lane {s}"
            );
            if let Some((c, x)) = want {
                let got = (u32::from(cmp[s]) - 3, u32::from(miss[s]) - 5);
                assert_eq!(got, (c, x), "case {case} lane {s}");
            }
        }
    }
}

/// The short-insert candidates that reach scoring are the same with the sixteen-lane check as
/// with the per-candidate reference, and the analysis equals scoring every candidate: random
/// and adapter-bearing reads of 16 to 160 bases, fronts up to 40 (several chunks of sixteen),
/// one, both or neither mate with an adapter, overlap requirements down to 0.
#[test]
fn short_insert_lanes_equal_the_per_candidate_check() {
    let mut next = xorshift(0x94D0_49BB_1331_11EB);
    let w = Weights::new();
    let mut work = Vec::new();
    let (mut passed, mut refused) = (0, 0);
    for case in 0..6000 {
        let (a1, a2) = (random_adapter(&mut next), random_adapter(&mut next));
        let frag: Vec<u8> = (0..next(40)).map(|_| b"ACGT"[next(4) as usize]).collect();
        let rc: Vec<u8> = frag
            .iter()
            .rev()
            .map(|&b| super::super::tables::complement(b))
            .collect();
        let lens = [16, 17, 30, 63, 64, 65, 100, 160];
        let (l1, l2) = (lens[next(8) as usize], lens[next(8) as usize]);
        let (r1, r2) = (
            random_read(&mut next, &frag, a1.seq(), l1),
            random_read(&mut next, &rc, a2.seq(), l2),
        );
        let (q1, q2) = (random_quals(&mut next, l1), random_quals(&mut next, l2));
        let front = |next: &mut dyn FnMut(u64) -> u64| [0, 0, 1, 3, 17, 40][next(6) as usize];
        let which = next(4);
        let m1 = Mate {
            seq: &r1,
            qual: &q1,
            front: front(&mut next),
            adapter: (which & 1 == 0).then_some(&a1),
        };
        let m2 = Mate {
            seq: &r2,
            qual: &q2,
            front: front(&mut next),
            adapter: (which & 2 == 0).then_some(&a2),
        };
        let p = OverlapParams {
            overlap_len_require: [30, 30, 10, 3, 0][next(5) as usize],
            ..OverlapParams::default()
        };
        let base = m1.front + m2.front;
        let kmin = m1.front.max(m2.front);
        let end = base + SCREEN;
        let codes = |m: &Mate<'_>| m.adapter.map(|_| Codes::new(m.seq));
        let (c1, c2) = (codes(&m1), codes(&m2));
        let windows = (Window::new(&r1), Window::new(&r2));
        let mut k0 = kmin;
        while k0 < end {
            let lanes = short_inserts_may_agree(&m1, &m2, (c1.as_ref(), c2.as_ref()), k0, &p);
            for k in k0..(k0 + 16).min(end) {
                let want = adapters_may_agree(&m1, &m2, &windows, k, &p);
                assert_eq!(lanes >> (k - k0) & 1 == 1, want, "case {case} k {k}");
                if want { passed += 1 } else { refused += 1 }
            }
            k0 += 16;
        }
        if case % 4 == 0 {
            assert_eq!(
                analyze(&m1, &m2, &p, &w, &mut work),
                exhaustive(&m1, &m2, &p, &w),
                "case {case}"
            );
        }
    }
    // Both outcomes must occur often, or the comparison proves little.
    assert!(
        passed > 5000 && refused > 5000,
        "passed {passed} refused {refused}"
    );
}
