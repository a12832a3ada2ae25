//! The adapter search behind the trimming and the detection's count (`Adapter::find_q`, a
//! vectorised screen before the seeded search) gives the hit of the seeded search alone, on
//! seeded random reads with the adapter at every position, whole or cut at the 3' end, with
//! mismatches, N bases, lower case and `U`, with and without qualities (low ones included).

use super::super::KNOWN;
use super::Rng;
use crate::trim::Adapter;

/// Reads with a hit of the seeded search alone (no screen).
fn by_search(a: &Adapter, reads: &[Vec<u8>], min: usize) -> usize {
    reads
        .iter()
        .filter(|r| a.search(r, None, min).is_some())
        .count()
}

/// Reads with a hit of `find` (screen, then the seeded search).
fn by_find(a: &Adapter, reads: &[Vec<u8>], min: usize) -> usize {
    reads.iter().filter(|r| a.find(r, min).is_some()).count()
}

/// Qualities for `len` bases: mostly high, one in five below Q15 (and now and then Q14/Q15,
/// the threshold's two sides).
fn random_quals(rng: &mut Rng, len: usize) -> Vec<u8> {
    (0..len)
        .map(|_| match rng.below(10) {
            0 | 1 => 33 + rng.below(14) as u8,
            2 => 33 + 14 + rng.below(2) as u8,
            _ => 33 + 20 + rng.below(21) as u8,
        })
        .collect()
}

/// A random read of `len` bases: mostly ACGT, now and then N, lower case or U.
fn random_read(rng: &mut Rng, len: usize) -> Vec<u8> {
    (0..len)
        .map(|_| match rng.below(200) {
            0 => b'N',
            1 => b"acgtu"[rng.below(5)],
            _ => b"ACGT"[rng.below(4)],
        })
        .collect()
}

/// `ad` written into `read` at `at` (cut at the read's end), with `muts` random changes.
fn plant(rng: &mut Rng, read: &mut [u8], ad: &[u8], at: usize, muts: usize) {
    for (r, &b) in read.iter_mut().skip(at).zip(ad) {
        // A wildcard (N, R) is written as a base it matches.
        *r = if b"ACGT".contains(&b) { b } else { b'A' };
    }
    for _ in 0..muts {
        let i = at + rng.below(ad.len());
        if let Some(r) = read.get_mut(i) {
            *r = b"ACGTNacgu"[rng.below(9)];
        }
    }
}

fn adapters() -> Vec<&'static [u8]> {
    let mut v: Vec<&'static [u8]> = KNOWN.iter().map(|&(_, s)| s).collect();
    // Short, periodic, and with wildcards (searched without the prefilter).
    v.extend([
        b"AGATCGGAAGAG".as_slice(),
        b"ACACACACACACACACAGATCGG",
        b"CTGTCTCTTATA",
        b"AGATCNRAAGAGCACACG",
    ]);
    v
}

#[test]
fn screened_search_finds_what_the_search_finds() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for ad in adapters() {
        let a = Adapter::new(ad, 0.1).expect("adapter");
        for min in [1, 3, 8] {
            for round in 0..4 {
                let mut reads = Vec::new();
                let len = [150, 100, 251, 301][round];
                // The adapter at every position, with 0 to 5 changes.
                for at in 0..len {
                    let mut r = random_read(&mut rng, len);
                    let muts = rng.below(6);
                    plant(&mut rng, &mut r, ad, at, muts);
                    reads.push(r);
                }
                // Short reads, reads of adapter only, and reads without it.
                for _ in 0..300 {
                    let n = rng.below(40);
                    let mut r = random_read(&mut rng, n);
                    if rng.below(2) == 0 && n > 0 {
                        let at = rng.below(n);
                        let muts = rng.below(4);
                        plant(&mut rng, &mut r, ad, at, muts);
                    }
                    reads.push(r);
                }
                for _ in 0..300 {
                    let n = rng.below(320);
                    reads.push(random_read(&mut rng, n));
                }
                let want = by_search(&a, &reads, min);
                assert!(
                    want > 20,
                    "{}: few hits to compare: {want}",
                    String::from_utf8_lossy(ad)
                );
                assert_eq!(
                    by_find(&a, &reads, min),
                    want,
                    "{} min {min} length {len}",
                    String::from_utf8_lossy(ad)
                );
                // Read by read, so that a miss and a false hit cannot cancel out; with
                // qualities too (the hits themselves, position and mismatches).
                let mut with_q = 0;
                for r in &reads {
                    assert_eq!(a.find(r, min), a.search(r, None, min), "{:?}", r);
                    let extra = rng.below(2);
                    let q = random_quals(&mut rng, r.len() + extra);
                    let hit = a.search(r, Some(&q), min);
                    assert_eq!(a.find_q(r, Some(&q), min), hit, "{:?} {:?}", r, q);
                    with_q += usize::from(hit.is_some());
                }
                assert!(with_q >= want, "qualities only add hits: {with_q} < {want}");
            }
        }
    }
}

#[test]
fn screened_search_counts_as_the_search_on_simulated_reads() {
    let mut rng = Rng(7);
    for &(_, ad) in KNOWN {
        let mut reads = super::sample(ad, crate::simulate::Profile::NovaSeq, 2000);
        super::mutate(&mut reads, &mut rng, 2);
        let a = Adapter::new(ad, 0.1).expect("adapter");
        let want = by_search(&a, &reads, 8);
        assert!(want > 300, "{want}");
        assert_eq!(by_find(&a, &reads, 8), want);
    }
}
