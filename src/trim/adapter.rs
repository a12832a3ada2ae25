//! 3' adapter search for single reads: a vectorised screen drops the reads that cannot hold
//! the adapter, exact seeds are found with `memchr::memmem`, then verified with mismatches
//! allowed in proportion to the overlap; partial adapters at the read end are checked directly
//! down to the minimum overlap.

mod screen;
mod tail;

use memchr::memmem;

use super::tables::{IUPAC, READ_MASK, Weights};
use tail::AdapterBits;
pub(crate) use tail::Codes;
#[cfg(test)]
pub(crate) use tail::Window;

/// Illumina TruSeq read 1 adapter.
pub const TRUSEQ_R1: &[u8] = b"AGATCGGAAGAGCACACGTCTGAACTCCAGTCA";
/// Illumina TruSeq read 2 adapter.
pub const TRUSEQ_R2: &[u8] = b"AGATCGGAAGAGCGTCGTGTAGGGAAAGAGTGT";
/// Nextera / Tn5 transposase adapter (both reads).
pub const NEXTERA: &[u8] = b"CTGTCTCTTATACACATCT";
/// Illumina small-RNA 3' adapter.
pub const SMALL_RNA: &[u8] = b"TGGAATTCTCGGGTGCCAAGG";
/// BGI/MGI (DNBSEQ) read 1 adapter.
pub const MGI_R1: &[u8] = b"AAGTCGGAGGCCAAGCGGTCTTAGGAAGACAA";
/// BGI/MGI (DNBSEQ) read 2 adapter.
pub const MGI_R2: &[u8] = b"AAGTCGGATCGTAGCCATGTCGTTCTGTGAGCCAAGGAGTTG";

/// Illumina paired-end (pre-TruSeq) read 1 adapter: shares TruSeq's first 14 bases.
pub const ILLUMINA_PE_R1: &[u8] = b"AGATCGGAAGAGCGGTTCAGCAGGAATGCCGAG";
/// Illumina single-end genomic adapter: shares TruSeq's first 13 bases.
pub const ILLUMINA_SE: &[u8] = b"AGATCGGAAGAGCTCGTATGCCGTCTTCTGCTTG";

/// A named pair of adapters, read 1's and read 2's (`--adapter_preset`; the settings read and
/// write it by [`AdapterPreset::name`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AdapterPreset {
    /// Illumina TruSeq.
    Truseq,
    /// Nextera / Tn5 transposase (both reads).
    Nextera,
    /// Illumina small-RNA 3' adapter (both reads).
    SmallRna,
    /// BGI/MGI (DNBSEQ).
    Mgi,
    /// Illumina paired-end (pre-TruSeq) read 1, TruSeq read 2.
    IlluminaPe,
    /// Illumina single-end genomic (both reads).
    IlluminaSe,
}

impl AdapterPreset {
    /// Every preset.
    pub const ALL: [AdapterPreset; 6] = [
        AdapterPreset::Truseq,
        AdapterPreset::Nextera,
        AdapterPreset::SmallRna,
        AdapterPreset::Mgi,
        AdapterPreset::IlluminaPe,
        AdapterPreset::IlluminaSe,
    ];

    /// The name as the CLI and JSON spell it.
    pub fn name(self) -> &'static str {
        match self {
            AdapterPreset::Truseq => "truseq",
            AdapterPreset::Nextera => "nextera",
            AdapterPreset::SmallRna => "small-rna",
            AdapterPreset::Mgi => "mgi",
            AdapterPreset::IlluminaPe => "illumina-pe",
            AdapterPreset::IlluminaSe => "illumina-se",
        }
    }

    /// The read 1 and read 2 adapters.
    pub fn adapters(self) -> (&'static [u8], &'static [u8]) {
        match self {
            AdapterPreset::Truseq => (TRUSEQ_R1, TRUSEQ_R2),
            AdapterPreset::Nextera => (NEXTERA, NEXTERA),
            AdapterPreset::SmallRna => (SMALL_RNA, SMALL_RNA),
            AdapterPreset::Mgi => (MGI_R1, MGI_R2),
            AdapterPreset::IlluminaPe => (ILLUMINA_PE_R1, TRUSEQ_R2),
            AdapterPreset::IlluminaSe => (ILLUMINA_SE, ILLUMINA_SE),
        }
    }
}

/// Parses adapter sequences from FASTA text (names ignored, sequence lines joined, uppercased).
pub fn parse_fasta(text: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let mut out: Vec<Vec<u8>> = Vec::new();
    let mut cur: Option<Vec<u8>> = None;
    for line in text.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.first() == Some(&b'>') {
            if let Some(s) = cur.take() {
                out.push(s);
            }
            cur = Some(Vec::new());
        } else if !line.is_empty() {
            let s = cur
                .as_mut()
                .ok_or_else(|| "adapter FASTA: sequence before the first '>' line".to_string())?;
            for &b in line {
                if IUPAC[b as usize] == 0 {
                    return Err(format!("adapter FASTA: invalid base {:?}", char::from(b)));
                }
                s.push(b.to_ascii_uppercase());
            }
        }
    }
    if let Some(s) = cur {
        out.push(s);
    }
    out.retain(|s| !s.is_empty());
    Ok(out)
}

/// Settings of the single-read adapter search.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SeSearch {
    /// Shortest adapter prefix that may be trimmed at the 3' end.
    pub min_overlap: usize,
    /// Mismatches allowed per compared base (floor(n * rate)).
    pub error_rate: f64,
}

/// A found adapter: where it starts in the read, how many bases were compared and the score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// Read position of the adapter's first base.
    pub pos: usize,
    /// Number of adapter bases aligned.
    pub len: usize,
    /// Number of mismatches.
    pub mismatches: usize,
}

/// Quality byte (Phred+33, Q15) below which a mismatch is tolerated beyond the error rate when
/// qualities are given: one threshold for the byte loop, the read-end bits and the screen.
const TOLERATED_BELOW: u8 = 33 + 15;

/// Shortest seed worth a memmem scan; below it the read is scanned position by position.
const MIN_SEED: usize = 6;
/// Longest seed used.
const MAX_SEED: usize = 12;

/// One adapter with its seed finders, built once.
#[derive(Clone)]
pub struct Adapter {
    seq: Vec<u8>,
    masks: Vec<u8>,
    seeds: Vec<(usize, memmem::Finder<'static>)>,
    seed_len: usize,
    rate: f64,
    /// Adapter has IUPAC wildcards: seeds cannot be exact, the whole read is scanned.
    wildcard: bool,
    /// The first 64 bases as bit sets, for the read-end positions.
    bits: AdapterBits,
    /// The necessary condition checked before the search (`None` with wildcards).
    screen: Option<screen::Screen>,
}

impl std::fmt::Debug for Adapter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Adapter({})", String::from_utf8_lossy(&self.seq))
    }
}

impl Adapter {
    /// Builds the adapter for a search allowing `error_rate` mismatches per base; `U` is read as
    /// `T`, IUPAC codes are wildcards. Seeds are laid out so that any occurrence within the error
    /// rate contains one of them exactly (pigeonhole), which makes the seeded search exact.
    pub fn new(seq: &[u8], error_rate: f64) -> Result<Self, String> {
        if !(0.0..1.0).contains(&error_rate) {
            return Err(format!("adapter error rate {error_rate} not in [0, 1)"));
        }
        if seq.is_empty() {
            return Err("empty adapter sequence".into());
        }
        let mut up = Vec::with_capacity(seq.len());
        for &b in seq {
            if IUPAC[b as usize] == 0 {
                return Err(format!(
                    "invalid base {:?} in adapter {}",
                    char::from(b),
                    String::from_utf8_lossy(seq)
                ));
            }
            let u = b.to_ascii_uppercase();
            up.push(if u == b'U' { b'T' } else { u });
        }
        let masks: Vec<u8> = up.iter().map(|&b| IUPAC[b as usize]).collect();
        let wildcard = masks.iter().any(|&m| m.count_ones() != 1);
        let mut seeds = Vec::new();
        let k = allowed_mismatches(up.len(), error_rate) + 1;
        let seed_len = (up.len() / k).min(MAX_SEED);
        if !wildcard && seed_len >= MIN_SEED {
            for i in 0..k {
                let o = i * seed_len;
                seeds.push((o, memmem::Finder::new(&up[o..o + seed_len]).into_owned()));
            }
        }
        let bits = AdapterBits::new(&masks, error_rate);
        let screen = (!wildcard).then(|| screen::Screen::new(&up, error_rate));
        Ok(Adapter {
            seq: up,
            masks,
            seeds,
            seed_len,
            rate: error_rate,
            wildcard,
            bits,
            screen,
        })
    }

    /// The (uppercased) adapter sequence.
    pub fn seq(&self) -> &[u8] {
        &self.seq
    }

    /// Length of the adapter.
    pub fn len(&self) -> usize {
        self.seq.len()
    }

    /// Always false (empty adapters are rejected by [`Adapter::new`]).
    pub fn is_empty(&self) -> bool {
        self.seq.is_empty()
    }

    /// IUPAC bit masks of the adapter's bases.
    #[inline]
    pub(crate) fn masks(&self) -> &[u8] {
        &self.masks
    }

    /// Adds to `counts`, lane `s < 16`, the (compared, mismatched) bases of the adapter at read
    /// position `at0 + s` of the read behind `c`, as the pair analysis counts them; exact outside
    /// [`Codes::outside16`].
    #[inline(always)]
    pub(crate) fn add_counts16(
        &self,
        c: &Codes,
        at0: usize,
        counts: (&mut [u8; 16], &mut [u8; 16]),
    ) {
        c.add_counts16(&self.bits, at0, counts);
    }

    /// (compared, mismatched) bases of the adapter at read position `at` of the read behind
    /// `w`, as the pair analysis counts them; `None` past the window's 64 bases (the reference
    /// of [`Adapter::add_counts16`]).
    #[cfg(test)]
    pub(crate) fn count_at(&self, w: &Window, at: usize) -> Option<(u32, u32)> {
        w.count(&self.bits, self.seq.len(), at)
    }

    /// Compares the adapter at read position `p`; `None` if more than the allowed mismatches.
    ///
    /// With qualities, mismatches at bases below Q15 are tolerated beyond the error rate
    /// (up to `1 + floor(n * rate)` more) as long as `min_overlap` bases still match.
    #[inline]
    fn verify(
        &self,
        seq: &[u8],
        qual: Option<&[u8]>,
        p: usize,
        rate: f64,
        min_overlap: usize,
    ) -> Option<Hit> {
        let n = self.seq.len().min(seq.len() - p);
        if n < min_overlap.max(1) {
            return None;
        }
        let allowed = allowed_mismatches(n, rate);
        let extra = if qual.is_some() { allowed + 1 } else { 0 };
        let (mut hi, mut lo) = (0, 0);
        for (j, &b) in seq[p..p + n].iter().enumerate() {
            if READ_MASK[b as usize] & self.masks[j] == 0 {
                if qual.is_some_and(|q| q.get(p + j).is_some_and(|&c| c < TOLERATED_BELOW)) {
                    lo += 1;
                } else {
                    hi += 1;
                }
                if hi > allowed || hi + lo > allowed + extra {
                    return None;
                }
            }
        }
        accept(p, n, hi, lo, allowed, min_overlap)
    }

    /// Finds the leftmost acceptable occurrence of the adapter (whole, or a prefix of at least
    /// `min_overlap` bases running off the 3' end) with at most floor(n * error_rate) mismatches
    /// over the n aligned bases. The error rate is the one given to [`Adapter::new`].
    pub fn find(&self, seq: &[u8], min_overlap: usize) -> Option<Hit> {
        self.find_q(seq, None, min_overlap)
    }

    /// As [`Adapter::find`], and with `qual` (Phred+33) mismatches at bases below Q15 are
    /// tolerated beyond the error rate (see the module notes).
    pub fn find_q(&self, seq: &[u8], qual: Option<&[u8]>, min_overlap: usize) -> Option<Hit> {
        if self
            .screen
            .as_ref()
            .is_some_and(|s| !s.may_hit(seq, qual, min_overlap))
        {
            return None;
        }
        self.search(seq, qual, min_overlap)
    }

    /// [`Adapter::find_q`] without the screen (the seeded search itself).
    pub(crate) fn search(
        &self,
        seq: &[u8],
        qual: Option<&[u8]>,
        min_overlap: usize,
    ) -> Option<Hit> {
        let s = &SeSearch {
            min_overlap,
            error_rate: self.rate,
        };
        let seed = self.seed_len;
        let len = seq.len();
        if len < s.min_overlap.max(1) {
            return None;
        }
        let last = len - s.min_overlap.max(1);
        if self.wildcard || self.seeds.is_empty() {
            return (0..=last).find_map(|p| self.verify(seq, qual, p, s.error_rate, s.min_overlap));
        }
        // Interior: every occurrence with at most (#seeds - 1) mismatches in the seeded prefix
        // contains one exact seed. Positions from `tail_from` on are verified directly.
        let span = self.seeds.len() * seed;
        let tail_from = (len + 1).saturating_sub(span).min(last + 1);
        let mut best: Option<usize> = None;
        for (off, finder) in &self.seeds {
            let hay = &seq[..len.min(tail_from + off + seed - 1)];
            // Non-overlapping occurrences, as `find_iter` gives them, without its copy of the
            // searcher on every call.
            let mut from = 0;
            while let Some(i) = hay.get(from..).and_then(|rest| finder.find(rest)) {
                let h = from + i;
                from = h + seed;
                if h < *off {
                    continue;
                }
                let p = h - off;
                if p >= tail_from || best.is_some_and(|b| p >= b) {
                    break;
                }
                if self
                    .verify(seq, qual, p, s.error_rate, s.min_overlap)
                    .is_some()
                {
                    best = Some(p);
                    break;
                }
            }
        }
        if let Some(p) = best {
            return self.verify(seq, qual, p, s.error_rate, s.min_overlap);
        }
        if tail_from > last {
            None
        } else if len - tail_from <= tail::WIDTH {
            let found = tail::first_hit(
                &self.bits,
                self.seq.len(),
                seq,
                qual,
                tail_from,
                last,
                s.min_overlap,
            );
            found.map(|(pos, len, mismatches)| Hit {
                pos,
                len,
                mismatches,
            })
        } else {
            (tail_from..=last).find_map(|p| self.verify(seq, qual, p, s.error_rate, s.min_overlap))
        }
    }

    #[allow(dead_code)]
    /// Quality-weighted log-likelihood score (hundredths of a nat) of the adapter at `p`.
    pub(crate) fn score_at(&self, seq: &[u8], qual: &[u8], p: usize, w: &Weights) -> i32 {
        let n = self.seq.len().min(seq.len().saturating_sub(p));
        let mut sc = 0;
        for j in 0..n {
            let rm = READ_MASK[seq[p + j] as usize];
            if rm == 0 || self.masks[j] == 15 {
                continue;
            }
            let qi = Weights::qi(qual.get(p + j).copied().unwrap_or(b'I'));
            sc += if rm & self.masks[j] != 0 {
                w.matched[qi]
            } else {
                w.mismatched[qi]
            };
        }
        sc
    }
}

/// Mismatches allowed over `n` compared bases at error rate `rate` (rounded down; the epsilon
/// keeps e.g. 10 × 0.1 at 1 despite floating point).
#[inline]
pub(crate) fn allowed_mismatches(n: usize, rate: f64) -> usize {
    (n as f64 * rate + 1e-9) as usize
}

/// The last rule of a verified alignment: when low-quality mismatches were needed beyond the
/// error rate, at least `min_overlap` bases must still match.
#[inline]
fn accept(
    p: usize,
    n: usize,
    hi: usize,
    lo: usize,
    allowed: usize,
    min_overlap: usize,
) -> Option<Hit> {
    if hi + lo > allowed && n - lo < min_overlap {
        return None;
    }
    Some(Hit {
        pos: p,
        len: n,
        mismatches: hi + lo,
    })
}

/// Naive O(n·m) oracle of [`Adapter::find`]: tries every position left to right.
#[cfg(test)]
pub(crate) fn naive_find(adapter: &[u8], seq: &[u8], s: &SeSearch) -> Option<usize> {
    let min = s.min_overlap.max(1);
    (0..seq.len()).find(|&p| {
        let n = adapter.len().min(seq.len() - p);
        if n < min {
            return false;
        }
        let mm = (0..n)
            .filter(|&j| {
                READ_MASK[seq[p + j] as usize] & IUPAC[adapter[j].to_ascii_uppercase() as usize]
                    == 0
            })
            .count();
        mm as f64 <= n as f64 * s.error_rate + 1e-9
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn finds_full_partial_and_position_zero() {
        let a = Adapter::new(TRUSEQ_R1, 0.1).expect("adapter");
        let mut read = b"ACGTTGCAACGTAGCTAGCTTTGACCA".to_vec();
        let ins = read.len();
        read.extend_from_slice(TRUSEQ_R1);
        assert_eq!(a.find(&read, 3).map(|h| h.pos), Some(ins));
        // Partial: only 5 adapter bases at the end.
        let mut p = b"CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC".to_vec();
        p.extend_from_slice(&TRUSEQ_R1[..5]);
        assert_eq!(a.find(&p, 3).map(|h| h.pos), Some(p.len() - 5));
        // Position 0 (adapter dimer).
        assert_eq!(a.find(TRUSEQ_R1, 3).map(|h| h.pos), Some(0));
        // Read shorter than the minimum overlap.
        assert_eq!(a.find(b"AG", 3), None);
        // All-N read.
        assert_eq!(a.find(&[b'N'; 60], 3), None);
    }

    #[test]
    fn mismatch_in_seed_region() {
        let a = Adapter::new(TRUSEQ_R1, 0.1).expect("adapter");
        let mut read = b"TTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTT".to_vec();
        let ins = read.len();
        let mut ad = TRUSEQ_R1.to_vec();
        ad[2] = b'C'; // mismatch inside the first seed
        ad[20] = b'A'; // and inside the third
        read.extend_from_slice(&ad);
        read.extend_from_slice(b"GGGGGGGGGG");
        assert_eq!(a.find(&read, 3).map(|h| h.pos), Some(ins));
    }

    #[test]
    fn fasta_and_presets() {
        let v = parse_fasta(b">a\nACGT\nAC\n>b\r\nGGGG\r\n").expect("fasta");
        assert_eq!(v, vec![b"ACGTAC".to_vec(), b"GGGG".to_vec()]);
        assert!(parse_fasta(b"ACGT\n").is_err());
        assert_eq!(AdapterPreset::Truseq.adapters(), (TRUSEQ_R1, TRUSEQ_R2));
        assert_eq!(AdapterPreset::IlluminaPe.adapters().1, TRUSEQ_R2);
    }

    proptest! {
        /// The bit-parallel read-end check gives what the byte loop gives at each position,
        /// with and without qualities (low-quality mismatches beyond the rate included).
        #[test]
        fn read_end_bits_match_the_byte_loop(
            read in proptest::collection::vec(prop::sample::select(b"ACGTNacgt".to_vec()), 1..64),
            quals in proptest::collection::vec(33u8..75, 0..64),
            adapter in prop::sample::select(vec![TRUSEQ_R1, NEXTERA, MGI_R2, b"ACGTNRY".as_slice()]),
            rate in prop::sample::select(vec![0.0, 0.1, 0.2]),
            from in 0usize..64,
            min_overlap in 1usize..6,
            with_q in any::<bool>(),
        ) {
            let a = Adapter::new(adapter, rate).expect("adapter");
            let min = min_overlap.max(1);
            prop_assume!(read.len() >= min);
            let last = read.len() - min;
            let from = from.min(last);
            let qual = with_q.then_some(&quals[..]);
            let bits = tail::first_hit(&a.bits, a.len(), &read, qual, from, last, min_overlap)
                .map(|(pos, len, mismatches)| Hit { pos, len, mismatches });
            let bytes = (from..=last).find_map(|p| a.verify(&read, qual, p, rate, min_overlap));
            prop_assert_eq!(bits, bytes);
        }

        #[test]
        fn seeded_search_matches_oracle(
            insert in proptest::collection::vec(prop::sample::select(b"ACGT".to_vec()), 0..120),
            cut in 0usize..33,
            muts in proptest::collection::vec((0usize..33, prop::sample::select(b"ACGTN".to_vec())), 0..6),
            min_overlap in 1usize..6,
        ) {
            let mut ad = TRUSEQ_R1.to_vec();
            for (i, b) in muts { ad[i] = b; }
            let mut read = insert.clone();
            read.extend_from_slice(&ad[..33 - cut]);
            let s = SeSearch { min_overlap, error_rate: 0.1 };
            let a = Adapter::new(TRUSEQ_R1, 0.1).expect("adapter");
            let got = a.find(&read, min_overlap).map(|h| h.pos);
            let want = naive_find(TRUSEQ_R1, &read, &s);
            // Pigeonhole seeds: the seeded search must agree exactly with the oracle.
            prop_assert_eq!(got, want);
        }
    }
}
