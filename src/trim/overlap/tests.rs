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
        if let Some(c) = score_candidate(m1, m2, (&c1, &rc2, &rq2), k, p, w)
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
            if adapters_may_agree(&m1, &m2, &windows, k, &p) {
                kept += 1;
            } else {
                skipped += 1;
                let scored = score_candidate(&m1, &m2, (&c1, &rc2, &rq2), k, &p, &w);
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
        proptest::prop_assert_eq!(
            score_overlap((&s1, &q1), (&s2, &q2), &w, cap, soft),
            score_overlap_per_base((&s1, &q1), (&s2, &q2), &w, cap, soft)
        );
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
