//! The counting of reads holding the detected adapter (`Adapter::holds`, a prefilter before
//! `find`) equals the count by `find` itself, on seeded random reads with the adapter at every
//! position, whole or cut at the 3' end, with mismatches, N bases, lower case and `U`.

use super::super::KNOWN;
use super::Rng;
use crate::trim::Adapter;

/// The count the detection reported before the prefilter.
fn by_find(a: &Adapter, reads: &[Vec<u8>], min: usize) -> usize {
    reads.iter().filter(|r| a.find(r, min).is_some()).count()
}

fn by_holds(a: &Adapter, reads: &[Vec<u8>], min: usize) -> usize {
    let h = a.holds(min);
    reads.iter().filter(|r| h.holds(r)).count()
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
fn holds_counts_as_find() {
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
                let want = by_find(&a, &reads, min);
                assert!(
                    want > 20,
                    "{}: few hits to compare: {want}",
                    String::from_utf8_lossy(ad)
                );
                assert_eq!(
                    by_holds(&a, &reads, min),
                    want,
                    "{} min {min} length {len}",
                    String::from_utf8_lossy(ad)
                );
                // Read by read, so that a miss and a false hit cannot cancel out.
                let h = a.holds(min);
                for r in &reads {
                    assert_eq!(h.holds(r), a.find(r, min).is_some(), "{:?}", r);
                }
            }
        }
    }
}

#[test]
fn holds_counts_as_find_on_simulated_reads() {
    let mut rng = Rng(7);
    for &(_, ad) in KNOWN {
        let mut reads = super::sample(ad, crate::simulate::Profile::NovaSeq, 2000);
        super::mutate(&mut reads, &mut rng, 2);
        let a = Adapter::new(ad, 0.1).expect("adapter");
        let want = by_find(&a, &reads, 8);
        assert!(want > 300, "{want}");
        assert_eq!(by_holds(&a, &reads, 8), want);
    }
}
