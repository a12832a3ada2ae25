//! The detection as it was before the seed count and the votes were made cheaper (memmem over
//! every voter at every step, a `u32` count per k-mer): the oracle the faster one must equal.

use super::super::*;

fn code(b: u8) -> Option<usize> {
    match b {
        b'A' => Some(0),
        b'C' => Some(1),
        b'G' => Some(2),
        b'T' => Some(3),
        _ => None,
    }
}

/// The k-mer counts and their total, as the old seed counted them.
pub(super) fn counts(reads: &[RecordRef<'_>]) -> (Vec<u32>, u64) {
    let mask = (1usize << (2 * K)) - 1;
    let mut counts = vec![0u32; 1 << (2 * K)];
    let mut total = 0u64;
    for r in reads {
        let s = r.seq;
        if s.len() < SKIP + K + 1 {
            continue;
        }
        let (mut key, mut valid) = (0usize, 0usize);
        for &b in &s[SKIP..s.len() - 1] {
            match code(b) {
                Some(c) => {
                    key = ((key << 2) | c) & mask;
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
    (counts, total)
}

pub(super) fn seed(reads: &[RecordRef<'_>]) -> Option<[u8; K]> {
    let (counts, total) = counts(reads);
    let mean = total as f64 / counts.len() as f64;
    let mut top: Option<(u32, usize)> = None;
    for (key, &c) in counts.iter().enumerate() {
        if c < 10 || (c as f64) < 20.0 * mean || top.is_some_and(|t| c <= t.0) {
            continue;
        }
        if !low_complexity(&decode(key)) {
            top = Some((c, key));
        }
    }
    top.map(|(_, key)| decode(key))
}

pub(super) fn vote(reads: &[RecordRef<'_>], probe: &[u8], right: bool) -> [usize; 4] {
    let f = memchr::memmem::Finder::new(probe);
    let mut votes = [0usize; 4];
    for r in reads {
        if let Some(p) = f.find(r.seq) {
            let b = if right {
                r.seq.get(p + probe.len())
            } else {
                p.checked_sub(1).and_then(|i| r.seq.get(i))
            };
            if let Some(c) = b.and_then(|&b| code(b)) {
                votes[c] += 1;
            }
        }
    }
    votes
}

fn assemble(reads: &[RecordRef<'_>], seed: &[u8]) -> Vec<u8> {
    let mut seq = seed.to_vec();
    while seq.len() < MAX_LEN {
        match winner(vote(reads, &seq[seq.len() - K..], true), 6) {
            Some(b) => seq.push(b),
            None => break,
        }
    }
    while seq.len() < MAX_LEN {
        match winner(vote(reads, &seq[..K], false), 8) {
            Some(b) => seq.insert(0, b),
            None => break,
        }
    }
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

/// The seed, and the old [`detect_adapter`].
pub(super) fn detect(reads: &[RecordRef<'_>]) -> (Option<[u8; K]>, Option<Detection>) {
    let Some(seed) = seed(reads) else {
        return (None, None);
    };
    let f = memchr::memmem::Finder::new(&seed);
    let voters: Vec<RecordRef<'_>> = reads
        .iter()
        .filter(|r| f.find(r.seq).is_some())
        .copied()
        .collect();
    let assembled = assemble(&voters, &seed);
    let (name, seq) = match name_known(&assembled) {
        Some((n, k)) => (Some(n), k.to_vec()),
        None if assembled.len() >= 16 => (None, assembled.clone()),
        None => return (Some(seed), None),
    };
    let Ok(a) = Adapter::new(&seq, 0.1) else {
        return (Some(seed), None);
    };
    let reads_with_adapter = reads.iter().filter(|r| a.find(r.seq, 8).is_some()).count();
    let d = Detection {
        seq,
        name,
        assembled,
        reads_with_adapter,
        sample: reads.len(),
    };
    (Some(seed), Some(d))
}
