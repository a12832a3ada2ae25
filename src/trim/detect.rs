//! Adapter auto-detection from the first reads (single-end, and per mate for pairs), and
//! two-colour instrument detection from read names.
//!
//! The adapter is assembled from the reads, not looked up: the most over-represented k-mer
//! (10 bases, not low complexity) past the first 20 cycles seeds an assembly that is extended
//! to the right while one base has a clear majority among the reads containing the current
//! end, and to the left while one base has a strong majority (the insert/adapter junction,
//! where the bases before the adapter are the inserts' and vary, stops it). fastp works the
//! same way; unlike its first check and unlike this module's earlier version, the prefix of a
//! known adapter is never enough: most Illumina adapters begin with the same 12 bases
//! (`AGATCGGAAGAG`), so a known adapter is named only when the assembly agrees with it over at
//! least 20 bases, i.e. beyond any shared prefix. Otherwise the assembled sequence is used.

use crate::fastq::RecordRef;

use self::voters::Voters;
use super::adapter::{
    Adapter, ILLUMINA_PE_R1, ILLUMINA_SE, MGI_R1, MGI_R2, NEXTERA, SMALL_RNA, TRUSEQ_R1, TRUSEQ_R2,
};

/// Known adapters, with the names reported when the assembly matches one of them.
pub const KNOWN: &[(&str, &[u8])] = &[
    ("Illumina TruSeq read 1", TRUSEQ_R1),
    ("Illumina TruSeq read 2", TRUSEQ_R2),
    ("Illumina paired-end read 1", ILLUMINA_PE_R1),
    ("Illumina single-end", ILLUMINA_SE),
    ("Illumina Nextera / Tn5", NEXTERA),
    ("Illumina small RNA 3'", SMALL_RNA),
    ("MGI/DNBSEQ read 1", MGI_R1),
    ("MGI/DNBSEQ read 2", MGI_R2),
];
const K: usize = 10;
/// Cycles skipped at read starts when counting k-mers (fastp skips 20 too).
const SKIP: usize = 20;
/// Assembled bases a known adapter must agree with before it is named.
const NAME_MIN: usize = 20;
/// Longest assembly.
const MAX_LEN: usize = 64;

/// The result of adapter detection.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Detection {
    /// The adapter to trim: the known adapter when one was named, else the assembly.
    #[serde(serialize_with = "as_text")]
    pub seq: Vec<u8>,
    /// The known adapter's name, when the assembly agrees with it beyond any shared prefix.
    pub name: Option<&'static str>,
    /// The sequence assembled from the reads.
    #[serde(serialize_with = "as_text")]
    pub assembled: Vec<u8>,
    /// Reads of the sample where the adapter was found (8 or more bases).
    pub reads_with_adapter: usize,
    /// Reads examined.
    pub sample: usize,
}

fn as_text<S: serde::Serializer>(s: &[u8], ser: S) -> Result<S::Ok, S::Error> {
    ser.serialize_str(&String::from_utf8_lossy(s))
}

/// True when the read name comes from a two-colour instrument (no signal reads as G): NextSeq
/// 500/550 (`NS`, `NB`), NovaSeq 6000 (`A0`), as fastp 0.23 checks; also NovaSeq X (`LH`),
/// NextSeq 1000/2000 (`VH`, `VL`), MiniSeq (`MN`) and iSeq (`FS`). A leading `@` is ignored.
pub fn is_two_colour(name: &[u8]) -> bool {
    let n = name.strip_prefix(b"@").unwrap_or(name);
    [b"NS", b"NB", b"A0", b"LH", b"VH", b"VL", b"MN", b"FS"]
        .iter()
        .any(|p| n.starts_with(*p))
}

fn low_complexity(kmer: &[u8]) -> bool {
    let mut c = [0usize; 256];
    for &b in kmer {
        c[b as usize] += 1;
    }
    b"ACGT".iter().any(|&b| c[b as usize] + 4 >= kmer.len())
        || c[b'G' as usize] + c[b'C' as usize] + 2 >= kmer.len()
        || kmer.windows(2).all(|w| w == &kmer[..2]) // dinucleotide repeat
}

/// 2-bit codes of the bases (upper-case ACGT only, as a memmem of an ACGT probe matches), 4
/// for any other byte.
const CODE: [u8; 256] = {
    let mut t = [4u8; 256];
    t[b'A' as usize] = 0;
    t[b'C' as usize] = 1;
    t[b'G' as usize] = 2;
    t[b'T' as usize] = 3;
    t
};

fn decode(key: usize) -> [u8; K] {
    let mut kmer = [0u8; K];
    for (i, slot) in kmer.iter_mut().enumerate() {
        *slot = b"ACGT"[(key >> (2 * (K - 1 - i))) & 3];
    }
    kmer
}

/// The base with at least `share` (per ten) of at least 5 votes.
fn winner(votes: [usize; 4], share: usize) -> Option<u8> {
    let sum: usize = votes.iter().sum();
    let (bi, &bv) = votes.iter().enumerate().max_by_key(|x| x.1)?;
    (sum >= 5 && bv * 10 >= sum * share).then_some(b"ACGT"[bi])
}

/// Extends the seed into the adapter: right by majority (60%), left by strong majority (80%).
fn assemble(voters: &mut Voters<'_>, seed: &[u8]) -> Vec<u8> {
    let mut seq = seed.to_vec();
    while seq.len() < MAX_LEN {
        let Some(b) = winner(voters.vote_right(&seq), 6) else {
            break;
        };
        if seq[seq.len() - K..].iter().all(|&x| x == b) {
            // The next probe is this one again (a poly-G tail): the same vote up to the end.
            seq.resize(MAX_LEN, b);
        } else {
            voters.grow(&seq, b);
            seq.push(b);
        }
    }
    while seq.len() < MAX_LEN {
        match winner(voters.vote_left(&seq[..K]), 8) {
            Some(b) => seq.insert(0, b),
            None => break,
        }
    }
    // A homopolymer tail (poly-G of two-colour no-signal cycles, poly-A) is not adapter.
    while seq.len() > K
        && seq.len() >= 5
        && seq[seq.len() - 5..]
            .iter()
            .all(|&b| b == seq[seq.len() - 1])
    {
        let last = seq[seq.len() - 1];
        while seq.last() == Some(&last) {
            seq.pop();
        }
    }
    seq
}

/// The known adapter the assembly agrees with over at least [`NAME_MIN`] bases (or the whole
/// known adapter), at most one mismatch in ten, allowing the assembly to start up to three
/// bases before or inside it; the best agreement wins.
fn name_known(asm: &[u8]) -> Option<(&'static str, &'static [u8])> {
    let mut best: Option<(usize, &'static str, &'static [u8])> = None;
    for &(name, known) in KNOWN {
        for off in -3isize..=3 {
            let (a0, k0) = if off < 0 {
                (off.unsigned_abs(), 0)
            } else {
                (0, off as usize)
            };
            if a0 >= asm.len() || k0 >= known.len() {
                continue;
            }
            let (a, k) = (&asm[a0..], &known[k0..]);
            let n = a.len().min(k.len());
            if n < NAME_MIN.min(known.len()) {
                continue;
            }
            let same = a.iter().zip(k).filter(|(x, y)| x == y).count();
            if (n - same) * 10 <= n && best.is_none_or(|b| same > b.0) {
                best = Some((same, name, known));
            }
        }
    }
    best.map(|(_, n, k)| (n, k))
}

/// Detects the 3' adapter from a sample of reads (the pipeline passes up to 32 Ki reads): see
/// the module notes. `None` when no k-mer is over-represented or the assembly stays below 16
/// bases.
pub fn detect_adapter(reads: &[RecordRef<'_>]) -> Option<Detection> {
    let seed = seed::seed(reads)?;
    // Only reads holding the seed can vote (the seed is in the adapter, usually at its start).
    let assembled = assemble(&mut Voters::new(reads, &seed), &seed);
    let (name, seq) = match name_known(&assembled) {
        Some((n, k)) => (Some(n), k.to_vec()),
        None if assembled.len() >= 16 => (None, assembled.clone()),
        None => return None,
    };
    let a = Adapter::new(&seq, 0.1).ok()?;
    let reads_with_adapter = reads.iter().filter(|r| a.find(r.seq, 8).is_some()).count();
    Some(Detection {
        seq,
        name,
        assembled,
        reads_with_adapter,
        sample: reads.len(),
    })
}

/// [`detect_adapter`]'s adapter sequence only.
pub fn detect_adapter_se(reads: &[RecordRef<'_>]) -> Option<Vec<u8>> {
    detect_adapter(reads).map(|d| d.seq)
}

mod seed;
#[cfg(test)]
mod tests;
mod voters;
