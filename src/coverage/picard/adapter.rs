//! Picard's adapter test for MAPQ 0 reads (`AdapterUtility.isAdapter` with its default list):
//! the first 16 bases of the read as sequenced match a 16-mer of an Illumina adapter (or its
//! reverse complement) with at most one mismatch.

use crate::coverage::bam::RawRecord;

/// Bases compared.
const K: usize = 16;
/// Mismatches allowed.
const MAX_ERRORS: usize = 1;

/// Picard's default adapters: Illumina single-end, paired-end and indexed 5' and 3' sequences
/// (Illumina's published adapter oligonucleotides, as listed by Picard's `IlluminaUtil`).
const ADAPTERS: [&str; 6] = [
    "AATGATACGGCGACCACCGAGATCTACACTCTTTCCCTACACGACGCTCTTCCGATCT",
    "AGATCGGAAGAGCTCGTATGCCGTCTTCTGCTTG",
    "AATGATACGGCGACCACCGAGATCTACACTCTTTCCCTACACGACGCTCTTCCGATCT",
    "AGATCGGAAGAGCGGTTCAGCAGGAATGCCGAGACCGATCTCGTATGCCGTCTTCTGCTTG",
    "AATGATACGGCGACCACCGAGATCTACACTCTTTCCCTACACGACGCTCTTCCGATCT",
    "AGATCGGAAGAGCACACGTCTGAACTCCAGTCACNNNNNNNNATCTCGTATGCCGTCTTCTGCTTG",
];

/// IUPAC mask of an ASCII base (A=1, C=2, G=4, T=8, N=15): the same values as BAM's 4-bit
/// base codes, so read bases compare without decoding.
fn mask(b: u8) -> u8 {
    match b {
        b'A' => 1,
        b'C' => 2,
        b'G' => 4,
        b'T' => 8,
        _ => 15,
    }
}

/// Complement of a 4-bit base code as htsjdk's `complement` does it: A<->T and C<->G, every
/// other code unchanged.
fn complement(m: u8) -> u8 {
    match m {
        1 => 8,
        8 => 1,
        2 => 4,
        4 => 2,
        o => o,
    }
}

/// The 16-mers (as masks) of every adapter with at most one N, forward and reverse complement.
pub struct Adapters {
    kmers: Vec<[u8; K]>,
}

impl Default for Adapters {
    fn default() -> Self {
        let mut kmers: Vec<[u8; K]> = Vec::new();
        for a in ADAPTERS {
            let a = a.as_bytes();
            for w in a.windows(K) {
                if w.iter().filter(|&&b| b == b'N').count() > MAX_ERRORS {
                    continue;
                }
                let mut f = [0u8; K];
                let mut r = [0u8; K];
                for (i, &b) in w.iter().enumerate() {
                    f[i] = mask(b);
                    r[K - 1 - i] = complement(mask(b));
                }
                kmers.push(f);
                kmers.push(r);
            }
        }
        kmers.sort_unstable();
        kmers.dedup();
        Self { kmers }
    }
}

impl Adapters {
    /// True when the mapped record (MAPQ 0) starts, as sequenced, with an adapter 16-mer.
    pub fn is_adapter(&self, rec: &RawRecord<'_>, reverse: bool) -> bool {
        let n = rec.l_seq();
        if n < K {
            return false;
        }
        let mut read = [0u8; K];
        for (i, r) in read.iter_mut().enumerate() {
            *r = if reverse {
                complement(rec.base(n - 1 - i))
            } else {
                rec.base(i)
            };
        }
        self.kmers
            .iter()
            .any(|k| k.iter().zip(&read).filter(|(a, b)| a != b).count() <= MAX_ERRORS)
    }
}
