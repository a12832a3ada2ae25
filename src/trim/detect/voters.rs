//! The reads that vote in the assembly (those holding the seed), kept so that a rightward vote
//! costs a few operations per read instead of a search of the read.
//!
//! A vote is the base after the first occurrence of the probe (the assembly's last k-mer) in
//! the read. With `at` the read's first seed occurrence and `agree` the length over which the
//! read from `at` equals the assembly, the k-mers of a read fall in three parts: those starting
//! before `at`, those inside the agreement (the assembly's own k-mers), and the rest. A Bloom
//! filter rules out the first part for most reads (the others are searched whole); in the
//! second, the probe's first occurrence is where it first occurs in the assembly; only reads
//! whose agreement ends before it search the third part. The result equals a search of the
//! whole read.

use memchr::memmem::Finder;

use super::{CODE, K, MAX_LEN};
use crate::fastq::RecordRef;

/// Words of a Bloom filter (1024 bits; the two bits of a k-mer in one word).
const BLOOM: usize = 16;

/// The voting reads.
pub(super) struct Voters<'a> {
    reads: Vec<&'a [u8]>,
    /// First seed position of each read.
    at: Vec<usize>,
    /// Bases from `at` equal to the assembly's first bases (at least the seed's K).
    agree: Vec<usize>,
    /// The read's first [`MAX_LEN`] bytes from `at`, zero past its end.
    ahead: Vec<[u8; MAX_LEN]>,
    /// Bloom filter of the k-mers (ACGT only) starting before `at`.
    before: Vec<[u64; BLOOM]>,
}

/// 2-bit code of an ACGT k-mer.
fn kmer_code(kmer: &[u8]) -> u32 {
    kmer.iter()
        .fold(0, |k, &b| (k << 2) | u32::from(CODE[b as usize] & 3))
}

/// The Bloom filter word and bits of a k-mer code.
fn bits(code: u32) -> (usize, u64) {
    let h = code.wrapping_mul(0x9E37_79B1);
    (
        (h >> 28) as usize,
        1 << ((h >> 22) & 63) | 1 << ((h >> 16) & 63),
    )
}

fn has(bloom: &[u64; BLOOM], (word, bits): (usize, u64)) -> bool {
    bloom[word] & bits == bits
}

impl<'a> Voters<'a> {
    /// The reads of `reads` that hold `seed`.
    pub(super) fn new(reads: &[RecordRef<'a>], seed: &[u8]) -> Self {
        let f = Finder::new(seed);
        // Room for every read at once (pages past the voters are never touched): growing by
        // doubling would copy the tables into fresh pages at each step.
        let n = reads.len();
        let mut v = Voters {
            reads: Vec::with_capacity(n),
            at: Vec::with_capacity(n),
            agree: Vec::with_capacity(n),
            ahead: Vec::with_capacity(n),
            before: Vec::with_capacity(n),
        };
        for r in reads {
            let Some(at) = f.find(r.seq) else {
                continue;
            };
            let mut bloom = [0u64; BLOOM];
            let (mut key, mut run) = (0u32, 0);
            for &b in &r.seq[..at + K - 1] {
                let c = CODE[b as usize];
                if c > 3 {
                    run = 0;
                    continue;
                }
                key = ((key << 2) | u32::from(c)) & ((1 << (2 * K)) - 1);
                run += 1;
                if run >= K {
                    let (word, bits) = bits(key);
                    bloom[word] |= bits;
                }
            }
            let mut ahead = [0u8; MAX_LEN];
            let n = (r.seq.len() - at).min(MAX_LEN);
            ahead[..n].copy_from_slice(&r.seq[at..at + n]);
            v.reads.push(r.seq);
            v.at.push(at);
            v.agree.push(K);
            v.ahead.push(ahead);
            v.before.push(bloom);
        }
        v
    }

    /// Votes for the base after the assembly `asm` (shorter than [`MAX_LEN`]).
    pub(super) fn vote_right(&self, asm: &[u8]) -> [usize; 4] {
        let s = asm.len() - K;
        let probe = &asm[s..];
        // The probe's first occurrence in the assembly (`s` unless it repeats).
        let first = (0..s).find(|&i| asm[i..i + K] == *probe).unwrap_or(s);
        let bits = bits(kmer_code(probe));
        let f = Finder::new(probe);
        let mut votes = [0usize; 5];
        for (i, &r) in self.reads.iter().enumerate() {
            let next = if has(&self.before[i], bits) {
                // Perhaps before `at`: the whole read is searched.
                f.find(r).and_then(|p| r.get(p + K))
            } else if self.agree[i] >= first + K {
                // Inside the agreement, where the assembly has it first.
                Some(&self.ahead[i][first + K])
            } else {
                // Neither before `at` nor inside the agreement: the rest is searched.
                let from = self.at[i] + self.agree[i] + 1 - K;
                let tail = r.get(from..).unwrap_or_default();
                f.find(tail).and_then(|p| r.get(from + p + K))
            };
            if let Some(&b) = next {
                votes[CODE[b as usize] as usize] += 1;
            }
        }
        [votes[0], votes[1], votes[2], votes[3]]
    }

    /// Records that the assembly `asm` (shorter than [`MAX_LEN`]) grows by `b` on the right.
    pub(super) fn grow(&mut self, asm: &[u8], b: u8) {
        let n = asm.len();
        for (agree, ahead) in self.agree.iter_mut().zip(&self.ahead) {
            if *agree == n && ahead[n] == b {
                *agree += 1;
            }
        }
    }

    /// Votes for the base before the first occurrence of `probe` (a whole-read search).
    pub(super) fn vote_left(&self, probe: &[u8]) -> [usize; 4] {
        let f = Finder::new(probe);
        let mut votes = [0usize; 5];
        for &r in &self.reads {
            if let Some(&b) = f.find(r).and_then(|p| p.checked_sub(1)).map(|i| &r[i]) {
                votes[CODE[b as usize] as usize] += 1;
            }
        }
        [votes[0], votes[1], votes[2], votes[3]]
    }
}
