//! fastp's `--dedup`: a read (pair) whose sequence (both mates' sequences) repeats an earlier
//! read's (pair's) is written nowhere; the first in input order stays.
//!
//! As in fastp 0.23.2 (`Duplicate::checkPair`, called on the reads as read), the key is the
//! input sequence, before trimming, and duplicates are dropped whatever the filters say (a
//! duplicate of a failing read fails the same way). fastp keeps a fixed-size hash table that
//! can call a read a duplicate by a hash collision (`--dup_calc_accuracy` sizes it); here the
//! decision is made on a 128-bit fingerprint (XXH3-128) of the sequences, in the reader thread
//! in input order, so it is the same for any thread count and batch size, and a false
//! duplicate needs a 128-bit collision (for 10^9 distinct reads, a probability near 10^-21).
//!
//! Memory: the set of fingerprints grows with the distinct reads (pairs) of the input, about
//! 18-36 bytes each (16-byte key, one control byte, a load factor between 1/2 and 7/8): some
//! 2-4 GB for 100 million distinct pairs. This is the one part of a run whose memory depends
//! on the input size, and only with `--dedup`.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

use xxhash_rust::xxh3::Xxh3Default;

use super::batch::Batch;

/// The fingerprints are already uniform: the table hashes one by taking 64 of its bits.
#[derive(Default)]
struct TakeBits(u64);

impl Hasher for TakeBits {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only u128 keys are hashed; other writes fold in bytes (not used).
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u128(&mut self, v: u128) {
        self.0 = v as u64;
    }
}

/// The fingerprints of every read (pair) seen so far.
#[derive(Default)]
pub(crate) struct Seen {
    set: HashSet<u128, BuildHasherDefault<TakeBits>>,
}

impl Seen {
    /// One flag per read (pair) of `batch`, in order: true for a repeat of an earlier one
    /// (in this batch or any batch before it). Batches must come in input order.
    pub(crate) fn mark(&mut self, batch: &Batch) -> Vec<bool> {
        let n = batch.fragments();
        let mut out = Vec::with_capacity(n);
        self.set.reserve(n);
        match batch {
            Batch::Single(c) => {
                for i in 0..n {
                    out.push(!self.set.insert(key(c.record(i).seq, None)));
                }
            }
            Batch::Paired(a, b) => {
                for i in 0..n {
                    let k = key(a.record(i).seq, Some(b.record(i).seq));
                    out.push(!self.set.insert(k));
                }
            }
            Batch::Interleaved(c) => {
                for i in 0..n {
                    let k = key(c.record(2 * i).seq, Some(c.record(2 * i + 1).seq));
                    out.push(!self.set.insert(k));
                }
            }
        }
        out
    }
}

/// The fingerprint of a read's sequence, or a pair's (read 1, a separator, read 2).
fn key(s1: &[u8], s2: Option<&[u8]>) -> u128 {
    let mut h = Xxh3Default::new();
    h.update(s1);
    if let Some(s2) = s2 {
        h.update(b"\n");
        h.update(s2);
    }
    h.digest128()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_differ_by_either_mate_or_where_the_mates_split() {
        assert_ne!(key(b"ACGT", Some(b"AC")), key(b"ACG", Some(b"TAC")));
        assert_ne!(key(b"ACGT", Some(b"AC")), key(b"ACGT", Some(b"AG")));
        assert_eq!(key(b"ACGT", Some(b"AC")), key(b"ACGT", Some(b"AC")));
        assert_ne!(key(b"ACGT", None), key(b"ACGT", Some(b"")));
    }
}
