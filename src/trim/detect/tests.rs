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
