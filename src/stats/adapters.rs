//! Adapter trimming counts and the adapter sequences found, bounded and exactly mergeable.
//!
//! The sequences are kept by *length level*: every distinct trimmed sequence up to the longest
//! length at which the distinct sequences still fit [`ADAPTER_SEQ_CAPACITY`], with exact
//! counts. Which lengths are kept depends only on the multiset of sequences (a worker drops a
//! length only when its own distinct sequences up to it already exceed the capacity, which the
//! whole input's then do too), so the list is the same for any thread count and split. Short
//! sequences (a read ending inside the adapter) are the frequent ones and always stay; long ones
//! (read-through into the index, poly-G and noise) are mostly distinct and go first, into
//! `others`. A hash sample of distinct sequences, used before, was not frequency-aware: the
//! most frequent sequence could be left out by its hash.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use super::sample::{PreHashed, hash_bytes};

/// Distinct adapter sequences kept per mate.
pub const ADAPTER_SEQ_CAPACITY: usize = 1024;

/// Exact counts of the distinct sequences no longer than a length level (see the module).
#[derive(Debug, Clone, PartialEq, Eq)]
struct LengthLevel {
    /// Sequences longer than this are not kept.
    max_len: usize,
    /// By the sequence's 64-bit hash: its count and the sequence.
    counts: HashMap<u64, (u64, Box<[u8]>), BuildHasherDefault<PreHashed>>,
}

impl Default for LengthLevel {
    fn default() -> Self {
        Self {
            max_len: usize::MAX,
            counts: HashMap::default(),
        }
    }
}

impl LengthLevel {
    fn add(&mut self, seq: &[u8], n: u64) {
        if seq.len() <= self.max_len {
            self.add_hashed(hash_bytes(seq, 0xADA9_7E55), seq, n);
        }
    }

    /// [`LengthLevel::add`] of a sequence within the level whose hash `h` is known.
    fn add_hashed(&mut self, h: u64, seq: &[u8], n: u64) {
        match self.counts.get_mut(&h) {
            Some(c) => c.0 += n,
            None => {
                self.counts.insert(h, (n, seq.into()));
                self.shrink();
            }
        }
    }

    /// Lowers the level, a whole length at a time, until the kept sequences fit.
    fn shrink(&mut self) {
        while self.counts.len() > ADAPTER_SEQ_CAPACITY {
            let longest = self.counts.values().map(|e| e.1.len()).max().unwrap_or(0);
            self.max_len = longest.saturating_sub(1);
            let max = self.max_len;
            self.counts.retain(|_, e| e.1.len() <= max);
        }
    }

    fn merge(&mut self, other: &Self) {
        if other.max_len < self.max_len {
            self.max_len = other.max_len;
            let max = self.max_len;
            self.counts.retain(|_, e| e.1.len() <= max);
        }
        for (&h, (n, k)) in &other.counts {
            if k.len() <= self.max_len {
                self.add_hashed(h, k, *n);
            }
        }
    }
}

/// Adapter trimming: reads and bases cut, and the adapter sequences found, per mate.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AdapterCounts {
    /// Reads with an adapter trimmed, per mate.
    pub reads: [u64; 2],
    /// Adapter bases trimmed, per mate.
    pub bases: [u64; 2],
    seqs: [LengthLevel; 2],
}

impl AdapterCounts {
    /// Counts an adapter cut from a read of `mate`: `adapter` is the removed sequence.
    pub fn add(&mut self, mate: usize, adapter: &[u8]) {
        let m = mate.min(1);
        self.reads[m] += 1;
        self.bases[m] += adapter.len() as u64;
        self.seqs[m].add(adapter, 1);
    }

    /// Adds `other`.
    pub fn merge(&mut self, other: &Self) {
        for m in 0..2 {
            self.reads[m] += other.reads[m];
            self.bases[m] += other.bases[m];
            self.seqs[m].merge(&other.seqs[m]);
        }
    }

    /// The adapter sequences found for `mate` with their exact counts, most frequent first
    /// (ties by sequence): all of them while at most [`ADAPTER_SEQ_CAPACITY`] distinct ones
    /// occur, else all up to the length level (see the module documentation).
    pub fn sequences(&self, mate: usize) -> Vec<(String, u64)> {
        let mut v: Vec<(String, u64)> = self.seqs[mate.min(1)]
            .counts
            .values()
            .map(|(n, k)| (String::from_utf8_lossy(k).into_owned(), *n))
            .collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        v
    }

    /// Sequences longer than this are not listed for `mate` (`usize::MAX`: none left out).
    pub fn length_level(&self, mate: usize) -> usize {
        self.seqs[mate.min(1)].max_len
    }
}

#[cfg(test)]
mod tests;
