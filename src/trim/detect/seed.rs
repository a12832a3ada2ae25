//! The seed of the assembly: the most over-represented k-mer past the read starts, counted
//! exactly over every k-mer of the sample.

use super::{CODE, K, SKIP, decode, low_complexity};
use crate::fastq::RecordRef;

/// Number of distinct k-mers.
const KMERS: usize = 1 << (2 * K);

/// Exact k-mer counts. Counts are bytes, so that the table (1 MiB) stays in cache; what a
/// k-mer counts beyond 255 goes to a second table that only the few frequent k-mers touch.
pub(super) struct Counts {
    small: Vec<u8>,
    big: Vec<u32>,
    /// Number of k-mers counted.
    pub(super) total: u64,
}

impl Counts {
    /// Counts the k-mers (ACGT only) past the first [`SKIP`] bases and before the last base.
    pub(super) fn new(reads: &[RecordRef<'_>]) -> Self {
        let mut c = Counts {
            small: written_zeros(KMERS),
            big: vec![0; KMERS],
            total: 0,
        };
        // Fixed-size views: a masked key needs no bounds check.
        let (Ok(small), Ok(big)) = (
            <&mut [u8; KMERS]>::try_from(c.small.as_mut_slice()),
            <&mut [u32; KMERS]>::try_from(c.big.as_mut_slice()),
        ) else {
            unreachable!("tables of KMERS entries")
        };
        for r in reads {
            if r.seq.len() < SKIP + K + 1 {
                continue;
            }
            let s = &r.seq[SKIP..r.seq.len() - 1];
            let mut j = 0;
            while j < s.len() {
                // A run of ACGT: K - 1 bases, then one k-mer per base.
                let (mut key, mut n) = (0usize, 0);
                while n < K - 1 && j < s.len() {
                    let b = CODE[s[j] as usize] as usize;
                    (key, n) = if b > 3 {
                        (0, 0)
                    } else {
                        ((key << 2) | b, n + 1)
                    };
                    j += 1;
                }
                let from = j;
                while j < s.len() {
                    let b = CODE[s[j] as usize] as usize;
                    if b > 3 {
                        break;
                    }
                    key = ((key << 2) | b) & (KMERS - 1);
                    let e = &mut small[key];
                    if *e == u8::MAX {
                        big[key] += 1;
                    } else {
                        *e += 1;
                    }
                    j += 1;
                }
                c.total += (j - from) as u64;
                j += 1;
            }
        }
        c
    }

    /// The count of the k-mer with code `key`.
    pub(super) fn get(&self, key: usize) -> u32 {
        let s = self.small[key];
        u32::from(s) + if s == u8::MAX { self.big[key] } else { 0 }
    }
}

/// `n` zero bytes written, not merely allocated zeroed: every page of the byte table is counted
/// into, and an increment reads before it writes, so a page still unwritten would fault twice
/// (the shared zero page, then a copy and a TLB flush on every core). `black_box` keeps the
/// fill from being turned back into a zeroed allocation.
fn written_zeros(n: usize) -> Vec<u8> {
    let mut v = Vec::with_capacity(n);
    v.resize(n, std::hint::black_box(0));
    v
}

/// The most over-represented k-mer past the read starts: at least 10 occurrences and 20 times
/// the mean count, not low complexity; of equals, the first in code order.
pub(super) fn seed(reads: &[RecordRef<'_>]) -> Option<[u8; K]> {
    let counts = Counts::new(reads);
    let mean = counts.total as f64 / KMERS as f64;
    let mut top: Option<(u32, usize)> = None;
    for (i, chunk) in counts.small.chunks_exact(64).enumerate() {
        // Chunks without a count of 10 are skipped by a vectorised test.
        if !chunk.iter().fold(false, |any, &s| any | (s >= 10)) {
            continue;
        }
        for (key, &s) in (i * 64..).zip(chunk) {
            if s < 10 {
                continue; // below 255 the byte is the whole count
            }
            let c = counts.get(key);
            if (c as f64) < 20.0 * mean || top.is_some_and(|t| c <= t.0) {
                continue;
            }
            if !low_complexity(&decode(key)) {
                top = Some((c, key));
            }
        }
    }
    top.map(|(_, key)| decode(key))
}
