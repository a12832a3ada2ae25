//! Detection on simulated reads carrying each known adapter (four of them sharing TruSeq's
//! first 12 bases) and a novel one, with legacy and profiled (NovaSeq, MiSeq) qualities.

use super::*;
use crate::simulate::{Profile, SimOptions, Simulator};

/// Read 1 sequences of `pairs` simulated pairs whose read 1 adapter is `adapter`.
fn sample(adapter: &[u8], profile: Profile, pairs: u64) -> Vec<Vec<u8>> {
    let mut sim = Simulator::new(SimOptions {
        pairs,
        adapter_r1: adapter.to_vec(),
        ..SimOptions::realistic(profile)
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
fn every_known_adapter_is_found_and_named() {
    // Four of these begin with AGATCGGAAGAG: the old prefix check returned TruSeq read 1 for all.
    assert_eq!(
        KNOWN
            .iter()
            .filter(|(_, s)| s.starts_with(b"AGATCGGAAGAG"))
            .count(),
        4
    );
    for (i, &(name, ad)) in KNOWN.iter().enumerate() {
        let profile = [Profile::Legacy, Profile::NovaSeq, Profile::MiSeq][i % 3];
        let v = sample(ad, profile, 3000);
        let d = detect_adapter(&refs(&v));
        let d = d.unwrap_or_else(|| panic!("{name} ({profile:?}): nothing detected"));
        assert_eq!(
            d.name,
            Some(name),
            "{profile:?}: assembled {}",
            String::from_utf8_lossy(&d.assembled)
        );
        assert_eq!(d.seq, ad);
        assert_eq!(d.sample, 3000);
        // Inserts shorter than 142 bases carry at least 8 adapter bases: about a third of
        // the reads with the default insert distribution (mean 170, sd 60), a few more with
        // the profiles' dimers and very short inserts.
        assert!(
            (800..1400).contains(&d.reads_with_adapter),
            "{name}: {} reads",
            d.reads_with_adapter
        );
    }
}

#[test]
fn novel_adapter_is_assembled_not_named() {
    // Shares TruSeq's 12-base prefix, then differs: must not be called TruSeq.
    let novel = b"AGATCGGAAGAGTACGCTTAGCATCGGATGCAAGTCCA";
    for profile in [Profile::Legacy, Profile::NovaSeq] {
        let v = sample(novel, profile, 3000);
        let d = detect_adapter(&refs(&v)).expect("detected");
        assert_eq!(d.name, None, "{profile:?}");
        assert!(d.seq.len() >= 30, "{}", String::from_utf8_lossy(&d.seq));
        assert!(
            novel.starts_with(&d.seq),
            "{profile:?}: {}",
            String::from_utf8_lossy(&d.seq)
        );
    }
    let other = b"CTAGCATTCGATGCAATCGGTACCAGTTCA";
    let v = sample(other, Profile::Legacy, 3000);
    let d = detect_adapter(&refs(&v)).expect("detected");
    assert!(other.starts_with(&d.seq) && d.seq.len() >= 25);
}

#[test]
fn little_evidence_gives_a_true_prefix_or_nothing() {
    // Reads cut at 60 bases: only inserts below 60 show adapter. A result, if any, must be
    // the true adapter or a part of it from its start.
    let none: Vec<Vec<u8>> = sample(TRUSEQ_R1, Profile::Legacy, 3000)
        .into_iter()
        .map(|s| s[..60].to_vec())
        .collect();
    if let Some(d) = detect_adapter(&refs(&none)) {
        assert!(
            TRUSEQ_R1.starts_with(&d.seq),
            "{}",
            String::from_utf8_lossy(&d.seq)
        );
    }
    // No adapter at all: nothing.
    let long: Vec<Vec<u8>> = {
        let mut sim = Simulator::new(SimOptions {
            pairs: 2000,
            insert_mean: 400.0,
            insert_sd: 10.0,
            insert_min: 300,
            ..SimOptions::default()
        });
        let mut v = Vec::new();
        while let Some(p) = sim.next_pair() {
            v.push(
                p.r1.split(|&b| b == b'\n')
                    .nth(1)
                    .unwrap_or_default()
                    .to_vec(),
            );
        }
        v
    };
    assert_eq!(detect_adapter(&refs(&long)), None);
    assert_eq!(detect_adapter(&[]), None);
}

#[test]
fn two_colour_names() {
    assert!(is_two_colour(b"@A00123:8:FCX:1:1101:1:1"));
    assert!(is_two_colour(b"NB501234:1:X"));
    assert!(!is_two_colour(b"@M00123:1:X"));
}

mod reference;
mod screen;

/// A small deterministic generator for the mutations below (xorshift64*).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n.max(1)
    }
}

/// Both mates' sequences of a simulation.
fn mates(opts: SimOptions) -> [Vec<Vec<u8>>; 2] {
    let mut sim = Simulator::new(opts);
    let mut out = [Vec::new(), Vec::new()];
    let seq = |rec: &[u8]| {
        rec.split(|&b| b == b'\n')
            .nth(1)
            .unwrap_or_default()
            .to_vec()
    };
    while let Some(p) = sim.next_pair() {
        out[0].push(seq(p.r1));
        out[1].push(seq(p.r2));
    }
    out
}

/// Damages reads the ways real files do, and in ways that put the adapter's k-mers where a
/// cheap vote could miss them: N and other bytes, lower case, cut reads, and copies of a
/// read's later bases (adapter, poly-G) pasted earlier into it.
fn mutate(reads: &mut [Vec<u8>], rng: &mut Rng, level: usize) {
    for r in reads.iter_mut() {
        for _ in 0..level {
            let len = r.len();
            match rng.below(12) {
                0 if len > 0 => r[rng.below(len)] = b'N',
                1 if len > 0 => r[rng.below(len)] = [b'n', b'.', b'R', 0][rng.below(4)],
                2 if len > 0 => {
                    let a = rng.below(len);
                    let b = (a + rng.below(30)).min(len);
                    r[a..b].make_ascii_lowercase();
                }
                3 => r.truncate(rng.below(len + 1)),
                4..=6 if len > 40 => {
                    let n = 8 + rng.below(20);
                    let from = len / 2 + rng.below(len / 2);
                    let part = r[from..(from + n).min(len)].to_vec();
                    let to = rng.below(from);
                    let end = (to + part.len()).min(len);
                    r[to..end].copy_from_slice(&part[..end - to]);
                }
                _ => {}
            }
        }
    }
}

/// Compares with the reference: every k-mer count, the votes at every step of an assembly
/// led by the votes (and now and then by a random base), and the detection.
fn same_as_reference(reads: &[Vec<u8>], what: &str) {
    let refs = refs(reads);
    let counts = seed::Counts::new(&refs);
    let (old_counts, old_total) = reference::counts(&refs);
    assert_eq!(counts.total, old_total, "{what}: total");
    assert!(
        (0..old_counts.len()).all(|k| counts.get(k) == old_counts[k]),
        "{what}: counts"
    );
    let (seed_old, old) = reference::detect(&refs);
    assert_eq!(seed::seed(&refs), seed_old, "{what}: seed");
    assert_eq!(detect_adapter(&refs), old, "{what}");
    let Some(seed) = seed_old else {
        return;
    };
    let f = memchr::memmem::Finder::new(&seed);
    let held: Vec<RecordRef<'_>> = refs
        .iter()
        .filter(|r| f.find(r.seq).is_some())
        .copied()
        .collect();
    let mut voters = voters::Voters::new(&refs, &seed);
    let mut rng = Rng(reads.len() as u64 + 1);
    let mut seq = seed.to_vec();
    while seq.len() < MAX_LEN {
        let votes = voters.vote_right(&seq);
        let probe = &seq[seq.len() - K..];
        assert_eq!(
            votes,
            reference::vote(&held, probe, true),
            "{what}: right of {seq:?}"
        );
        let left = &seq[rng.below(seq.len() - K + 1)..][..K];
        assert_eq!(
            voters.vote_left(left),
            reference::vote(&held, left, false),
            "{what}: left"
        );
        let best = (0..4).rev().max_by_key(|&i| votes[i]).unwrap_or(0);
        let b = b"ACGT"[if rng.below(6) == 0 {
            rng.below(4)
        } else {
            best
        }];
        voters.grow(&seq, b);
        seq.push(b);
    }
}

#[test]
fn same_detection_as_the_reference_on_simulated_runs() {
    let adapters: [&[u8]; 10] = [
        TRUSEQ_R1,
        NEXTERA,
        SMALL_RNA,
        MGI_R2,
        b"AGATCGGAAGAGTACGCTTAGCATCGGATGCAAGTCCA",
        // Repeats inside the adapter: its k-mers occur twice in the assembly.
        b"ACGTTGCAACGTTGCAACGTTGCAACGTTGCATTG",
        b"CTGTCTCTGTCTCTGTCTCTGTCTCTAAGG",
        // A run of G longer than K (read as poly-G to the end), and one of K (then adapter).
        b"AGATCGGAAGGGGGGGGGGGGTCACAGTT",
        b"AGATCTCAAGGGGGGGGGGTCACAGTTCAGTACGA",
        b"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ];
    let profiles = [
        Profile::Legacy,
        Profile::NovaSeq,
        Profile::MiSeq,
        Profile::HiSeq,
    ];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for case in 0..36 {
        let profile = profiles[case % 4];
        let adapter = adapters[case % adapters.len()];
        let opts = SimOptions {
            pairs: [800, 3000, 6000][case % 3],
            read_len: [150, 150, 100, 60, 251][case % 5],
            seed: case as u64 + 1,
            adapter_r1: adapter.to_vec(),
            two_colour: case % 2 == 1,
            ..SimOptions::realistic(profile)
        };
        for (mate, mut reads) in mates(opts).into_iter().enumerate() {
            mutate(&mut reads, &mut rng, case % 4);
            same_as_reference(
                &reads,
                &format!("case {case}, {profile:?}, read {}", mate + 1),
            );
        }
    }
}

#[test]
fn same_seed_as_the_reference_on_ties_and_large_counts() {
    // Two k-mers in the same number of reads (a tie, won by the first in code order) or one
    // read apart, below and above the 255 a count byte holds.
    let (x, y) = (b"GATTACAGTC", b"CATGCAGTCA");
    let mut rng = Rng(7);
    for (nx, ny) in [
        (9, 10),
        (10, 10),
        (255, 255),
        (255, 256),
        (256, 255),
        (700, 699),
    ] {
        let mut reads = Vec::new();
        for i in 0..nx.max(ny) + 300 {
            let mut r: Vec<u8> = (0..120).map(|_| b"ACGT"[rng.below(4)]).collect();
            if i < nx {
                r[30..40].copy_from_slice(x);
            }
            if i < ny {
                r[60..70].copy_from_slice(y);
            }
            reads.push(r);
        }
        same_as_reference(&reads, &format!("{nx} x, {ny} y"));
        reads.reverse();
        same_as_reference(&reads, &format!("{nx} x, {ny} y, reversed"));
    }
}
