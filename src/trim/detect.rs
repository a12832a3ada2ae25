//! Adapter auto-detection from the first reads (single-end, or per mate with
//! `--detect_adapter_for_pe`), and two-colour instrument detection from read names.

use crate::fastq::RecordRef;

use super::adapter::{MGI_R1, MGI_R2, NEXTERA, SMALL_RNA, TRUSEQ_R1, TRUSEQ_R2};

const KNOWN: &[&[u8]] = &[TRUSEQ_R1, TRUSEQ_R2, NEXTERA, SMALL_RNA, MGI_R1, MGI_R2];
const K: usize = 10;
const PROBE: usize = 12;

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
}

fn code(b: u8) -> Option<usize> {
    match b {
        b'A' => Some(0),
        b'C' => Some(1),
        b'G' => Some(2),
        b'T' => Some(3),
        _ => None,
    }
}

/// Detects the 3' adapter from a sample of reads (fastp samples up to 256 Ki reads).
///
/// First checks known adapters (TruSeq, Nextera, small RNA, MGI): the one whose first 12 bases
/// occur in the most reads wins if found in at least max(3, 0.1%) of them. Otherwise the most
/// over-represented 10-mer (not low complexity, at least 20 times the mean count) is extended
/// base by base while one base has at least 60% support, and returned if 16 bases or longer.
pub fn detect_adapter_se(reads: &[RecordRef<'_>]) -> Option<Vec<u8>> {
    if reads.is_empty() {
        return None;
    }
    let min_hits = (reads.len() / 1000).max(3);
    let mut best: Option<(usize, &[u8])> = None;
    for ad in KNOWN {
        let f = memchr::memmem::Finder::new(&ad[..PROBE]);
        let n = reads.iter().filter(|r| f.find(r.seq).is_some()).count();
        if n >= min_hits && best.is_none_or(|b| n > b.0) {
            best = Some((n, ad));
        }
    }
    if let Some((_, ad)) = best {
        return Some(ad.to_vec());
    }
    // De novo: count 10-mers after position 20 (fastp skips the read starts too).
    let mut counts = vec![0u32; 1 << (2 * K)];
    let mut total = 0u64;
    for r in reads {
        let s = r.seq;
        if s.len() < 20 + K + 1 {
            continue;
        }
        let mut key = 0usize;
        let mut valid = 0usize;
        for &b in &s[20..s.len() - 1] {
            match code(b) {
                Some(c) => {
                    key = ((key << 2) | c) & ((1 << (2 * K)) - 1);
                    valid += 1;
                }
                None => valid = 0,
            }
            if valid >= K {
                counts[key] += 1;
                total += 1;
            }
        }
    }
    let mean = total as f64 / counts.len() as f64;
    let mut top: Option<(u32, usize)> = None;
    let mut kmer = [0u8; K];
    for (key, &c) in counts.iter().enumerate() {
        if c < 10 || (c as f64) < 20.0 * mean || top.is_some_and(|t| c <= t.0) {
            continue;
        }
        for (i, slot) in kmer.iter_mut().enumerate() {
            *slot = b"ACGT"[(key >> (2 * (K - 1 - i))) & 3];
        }
        if !low_complexity(&kmer) {
            top = Some((c, key));
        }
    }
    let (_, key) = top?;
    let mut seq: Vec<u8> = (0..K)
        .map(|i| b"ACGT"[(key >> (2 * (K - 1 - i))) & 3])
        .collect();
    // Extend to the right by majority vote among reads containing the current last 10 bases.
    while seq.len() < 60 {
        let tail = seq[seq.len() - K..].to_vec();
        let f = memchr::memmem::Finder::new(&tail);
        let mut votes = [0usize; 4];
        for r in reads {
            if let Some(p) = f.find(r.seq) {
                if let Some(c) = r.seq.get(p + K).and_then(|&b| code(b)) {
                    votes[c] += 1;
                }
            }
        }
        let sum: usize = votes.iter().sum();
        let (bi, &bv) = votes.iter().enumerate().max_by_key(|x| x.1)?;
        if sum < 5 || bv * 10 < sum * 6 {
            break;
        }
        seq.push(b"ACGT"[bi]);
    }
    // Extend to the left while strongly supported (stops at the insert/adapter junction).
    while seq.len() < 60 {
        let head = seq[..K].to_vec();
        let f = memchr::memmem::Finder::new(&head);
        let mut votes = [0usize; 4];
        for r in reads {
            if let Some(p) = f.find(r.seq) {
                if p > 0 {
                    if let Some(c) = code(r.seq[p - 1]) {
                        votes[c] += 1;
                    }
                }
            }
        }
        let sum: usize = votes.iter().sum();
        let (bi, &bv) = votes.iter().enumerate().max_by_key(|x| x.1)?;
        if sum < 5 || bv * 10 < sum * 8 {
            break;
        }
        seq.insert(0, b"ACGT"[bi]);
    }
    (seq.len() >= 16).then_some(seq)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulate::{SimOptions, Simulator};

    fn sample(adapter: &[u8]) -> Vec<Vec<u8>> {
        let mut sim = Simulator::new(SimOptions {
            pairs: 3000,
            adapter_r1: adapter.to_vec(),
            ..SimOptions::default()
        });
        let mut v = Vec::new();
        while let Some(p) = sim.next_pair() {
            let seq =
                p.r1.split(|&b| b == b'\n')
                    .nth(1)
                    .unwrap_or_default()
                    .to_vec();
            v.push(seq);
        }
        v
    }

    fn refs(v: &[Vec<u8>]) -> Vec<RecordRef<'_>> {
        v.iter()
            .map(|s| RecordRef {
                head: b"r",
                seq: s,
                plus: b"",
                qual: s,
            })
            .collect()
    }

    #[test]
    fn known_and_novel_adapters() {
        let v = sample(TRUSEQ_R1);
        assert_eq!(detect_adapter_se(&refs(&v)).as_deref(), Some(TRUSEQ_R1));
        let novel = b"CTAGCATTCGATGCAATCGGTACCAGTTCA";
        let v = sample(novel);
        let got = detect_adapter_se(&refs(&v)).unwrap_or_default();
        assert!(got.len() >= 16, "{}", String::from_utf8_lossy(&got));
        assert!(
            novel.starts_with(&got[..16]),
            "{}",
            String::from_utf8_lossy(&got)
        );
        let none: Vec<Vec<u8>> = sample(TRUSEQ_R1)
            .into_iter()
            .map(|s| s[..60].to_vec())
            .collect();
        // Reads cut before most adapters start: too little evidence is fine either way, but a
        // result, if any, must be the true adapter.
        if let Some(a) = detect_adapter_se(&refs(&none)) {
            assert_eq!(a, TRUSEQ_R1);
        }
        assert!(is_two_colour(b"@A00123:8:FCX:1:1101:1:1"));
        assert!(is_two_colour(b"NB501234:1:X"));
        assert!(!is_two_colour(b"@M00123:1:X"));
    }
}
