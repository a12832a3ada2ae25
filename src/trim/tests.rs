//! Unit tests of the step order and pair handling, with hand-made reads.

use super::*;
use crate::simulate::{SimOptions, Simulator, TRUSEQ_R1 as SA1, TRUSEQ_R2 as SA2};

fn rb(seq: &[u8]) -> ReadBuf {
    ReadBuf {
        head: b"r1 1:N:0:ACGT".to_vec(),
        seq: seq.to_vec(),
        plus: Vec::new(),
        qual: vec![b'F'; seq.len()],
    }
}

fn revcomp(s: &[u8]) -> Vec<u8> {
    s.iter().rev().map(|&b| tables::complement(b)).collect()
}

fn truseq() -> TrimOptions {
    TrimOptions {
        adapter_r1: Some(SA1.to_vec()),
        adapter_r2: Some(SA2.to_vec()),
        ..TrimOptions::default()
    }
}

const INSERT: &[u8] = b"GATTACAGGCTTAACCGTAGCATGCAAGTCCGATTGGCATCAGGTACCATTGACGTTAGCA";

fn pair(ins: usize, len: usize) -> (ReadBuf, ReadBuf) {
    let frag = &INSERT[..ins];
    let mut a = frag.to_vec();
    a.extend_from_slice(SA1);
    a.resize(len.max(a.len()), b'A');
    a.truncate(len);
    let mut b = revcomp(frag);
    b.extend_from_slice(SA2);
    b.resize(len.max(b.len()), b'C');
    b.truncate(len);
    (rb(&a), rb(&b))
}

#[test]
fn pe_cuts_both_mates_at_insert_end() {
    let t = Trimmer::new(&truseq()).expect("trimmer");
    for ins in [0usize, 1, 5, 12, 29, 40, 55, 59] {
        let (mut a, mut b) = pair(ins, 60);
        let mut out: [TrimOutcome; 2] = Default::default();
        let got = t.trim_pe(&mut a, &mut b, &mut out);
        assert_eq!(a.len(), ins, "insert {ins}");
        assert_eq!(b.len(), ins, "insert {ins}");
        assert_eq!(got, Some(ins));
        if ins < 60 {
            assert_eq!(out[0].adapter_seq_start, Some(ins));
            assert!(
                SA1.starts_with(&out[0].adapter_seq[..out[0].adapter_seq.len().min(SA1.len())])
            );
        }
    }
}

#[test]
fn pe_without_adapter_sequences_uses_overlap() {
    let t = Trimmer::new(&TrimOptions::default()).expect("trimmer");
    let (mut a, mut b) = pair(45, 60);
    let mut out: [TrimOutcome; 2] = Default::default();
    assert_eq!(t.trim_pe(&mut a, &mut b, &mut out), Some(45));
    assert_eq!((a.len(), b.len()), (45, 45));
    // Insert below the overlap requirement (30) without adapters: untouched.
    let (mut a, mut b) = pair(20, 60);
    assert_eq!(t.trim_pe(&mut a, &mut b, &mut out), None);
    assert_eq!(a.len(), 60);
}

#[test]
fn pe_mismatches_and_correction() {
    let mut o = truseq();
    o.correction = true;
    let t = Trimmer::new(&o).expect("trimmer");
    let (mut a, mut b) = pair(50, 60);
    // Error in read 2 at low quality, inside the overlap.
    let j = 10;
    b.seq[j] = if b.seq[j] == b'A' { b'C' } else { b'A' };
    b.qual[j] = b'#';
    // Error in the adapter part of read 1.
    a.seq[53] = b'T';
    let want = revcomp(&a.seq[..50]);
    let mut out: [TrimOutcome; 2] = Default::default();
    assert_eq!(t.trim_pe(&mut a, &mut b, &mut out), Some(50));
    assert_eq!(out[1].corrected_bases, 1);
    assert_eq!(b.seq, want);
}

#[test]
fn long_insert_untouched() {
    let t = Trimmer::new(&truseq()).expect("trimmer");
    // Reads of 30 from a 61-bp insert: overlap of -1 .. no adapter.
    let mut a = rb(&INSERT[..30]);
    let mut b = rb(&revcomp(&INSERT[31..61]));
    let mut out: [TrimOutcome; 2] = Default::default();
    t.trim_pe(&mut a, &mut b, &mut out);
    assert_eq!((a.len(), b.len()), (30, 30));
}

#[test]
fn se_steps_in_order() {
    let o = TrimOptions {
        adapter_r1: Some(SA1.to_vec()),
        trim_front1: 2,
        poly_g: PolyG::On,
        poly_x: true,
        max_len1: 20,
        ..TrimOptions::default()
    };
    let t = Trimmer::new(&o).expect("trimmer");
    let mut seq = INSERT[..40].to_vec();
    seq.extend_from_slice(SA1);
    seq.extend_from_slice(&[b'G'; 20]);
    let mut r = rb(&seq);
    let mut out = TrimOutcome::default();
    t.trim_se(&mut r, &mut out);
    assert_eq!(r.seq, &INSERT[2..22]);
    assert_eq!(out.fixed_bases, 2);
    assert_eq!(out.poly_g_bases, 20);
    assert_eq!(out.adapter_bases, SA1.len());
    assert_eq!(out.adapter_seq_start, Some(38));
    assert_eq!(out.max_len_bases, 18);
    assert_eq!(out.trimmed_bases(), seq.len() - 20);
    // Empty read after trimming (adapter at position 0); all-N read; empty input.
    let t = Trimmer::new(&truseq()).expect("trimmer");
    let mut r = rb(SA1);
    t.trim_se(&mut r, &mut out);
    assert!(r.is_empty());
    let mut r = rb(&[b'N'; 50]);
    t.trim_se(&mut r, &mut out);
    assert_eq!(r.len(), 50);
    let mut e = rb(b"");
    t.trim_se(&mut e, &mut out);
    assert!(e.is_empty());
}

#[test]
fn umi_then_trim() {
    let o = TrimOptions {
        umi: Some(UmiOptions {
            loc: UmiLoc::Read1,
            len: 6,
            prefix: "UMI".into(),
            skip: 0,
        }),
        ..truseq()
    };
    let t = Trimmer::new(&o).expect("trimmer");
    // UMI then insert; read 2 sees the UMI at the insert's end.
    let umi = b"ACGTAC";
    let mut frag = umi.to_vec();
    frag.extend_from_slice(&INSERT[..40]);
    let mut a = frag.clone();
    a.extend_from_slice(SA1);
    a.truncate(60);
    let mut b = revcomp(&frag);
    b.extend_from_slice(SA2);
    b.truncate(60);
    let (mut a, mut b) = (rb(&a), rb(&b));
    let mut out: [TrimOutcome; 2] = Default::default();
    assert_eq!(t.trim_pe(&mut a, &mut b, &mut out), Some(46));
    assert_eq!(a.seq, &INSERT[..40]);
    assert_eq!(b.len(), 46);
    assert!(a.head.starts_with(b"r1:UMI_ACGTAC "));
}

#[test]
fn bad_options_rejected() {
    let bad = TrimOptions {
        adapter_r1: Some(b"ACGTX".to_vec()),
        ..TrimOptions::default()
    };
    assert!(Trimmer::new(&bad).is_err());
    let bad = TrimOptions {
        adapter_error_rate: 0.9,
        ..TrimOptions::default()
    };
    assert!(Trimmer::new(&bad).is_err());
}

/// Trims `pairs` profiled pairs with TruSeq adapters given; returns per pair (read 1 right,
/// read 2 right, true insert).
fn run_profiled(opts: SimOptions, trim: &TrimOptions) -> Vec<(bool, bool, usize)> {
    use crate::simulate::cut_from_title;
    let t = Trimmer::new(trim).expect("trimmer");
    let mut sim = Simulator::new(opts);
    let (mut a, mut b) = (ReadBuf::default(), ReadBuf::default());
    let mut out: [TrimOutcome; 2] = Default::default();
    let mut v = Vec::new();
    let load = |rec: &[u8], r: &mut ReadBuf| -> usize {
        let l: Vec<&[u8]> = rec.split(|&c| c == b'\n').collect();
        r.head = l[0][1..].to_vec();
        r.seq = l[1].to_vec();
        r.qual = l[3].to_vec();
        cut_from_title(l[0]).unwrap_or(usize::MAX).min(150)
    };
    while let Some(p) = sim.next_pair() {
        let ins = p.insert;
        let (c1, c2) = (load(p.r1, &mut a), load(p.r2, &mut b));
        t.trim_pe(&mut a, &mut b, &mut out);
        v.push((a.len() == c1, b.len() == c2, ins));
    }
    v
}

#[test]
fn failed_read_2_still_cuts_both_mates_at_the_insert() {
    use crate::simulate::Profile;
    let opts = SimOptions {
        pairs: 1500,
        failed_r2_fraction: 1.0,
        indel_rate: 0.0,
        ..SimOptions::realistic(Profile::NovaSeq)
    };
    let got = run_profiled(opts.clone(), &truseq());
    // Inserts of 147-149 bases show 1-3 adapter bases in read 1, below any minimum overlap:
    // only a usable read 2 can give them.
    let short: Vec<_> = got.iter().filter(|g| g.2 < 147).collect();
    let r1 = short.iter().filter(|g| g.0).count();
    let r2 = short.iter().filter(|g| g.1).count();
    assert!(short.len() > 400, "{} short inserts", short.len());
    // Read 1 is cut right whatever read 2 holds; read 2 follows it.
    assert!(r1 * 100 >= short.len() * 98, "read 1 {r1}/{}", short.len());
    assert!(r2 * 100 >= short.len() * 95, "read 2 {r2}/{}", short.len());
    // Mate by mate (fastp's way) leaves most failed reads 2 with their adapter.
    let fastp_like = TrimOptions {
        overlap: OverlapParams {
            soft_below: 0,
            ..OverlapParams::default()
        },
        adapter_quality_aware: false,
        ..truseq()
    };
    let old = run_profiled(opts, &fastp_like);
    let old_r2 = old.iter().filter(|g| g.2 < 147 && g.1).count();
    assert!(old_r2 < r2, "pair decision {r2} vs mate by mate {old_r2}");
}

#[test]
fn dimers_and_tiny_inserts_are_cut_to_nothing_or_their_length() {
    use crate::simulate::Profile;
    let got = run_profiled(
        SimOptions {
            pairs: 800,
            dimer_fraction: 0.5,
            short_fraction: 0.5,
            failed_r2_fraction: 0.0,
            ..SimOptions::realistic(Profile::NovaSeq)
        },
        &truseq(),
    );
    let dimers: Vec<_> = got.iter().filter(|g| g.2 == 0).collect();
    let tiny: Vec<_> = got.iter().filter(|g| (1..40).contains(&g.2)).collect();
    assert!(dimers.len() > 300 && tiny.len() > 300);
    let ok = |v: &[&(bool, bool, usize)]| v.iter().filter(|g| g.0 && g.1).count();
    assert!(
        ok(&dimers) * 100 >= dimers.len() * 98,
        "dimers {}/{}",
        ok(&dimers),
        dimers.len()
    );
    assert!(
        ok(&tiny) * 100 >= tiny.len() * 95,
        "1-39 bp {}/{}",
        ok(&tiny),
        tiny.len()
    );
}

#[test]
fn simulated_pairs_mostly_exact() {
    let t = Trimmer::new(&truseq()).expect("trimmer");
    let mut sim = Simulator::new(SimOptions {
        pairs: 2000,
        ..SimOptions::default()
    });
    let (mut exact, mut n) = (0, 0);
    let (mut a, mut b) = (ReadBuf::default(), ReadBuf::default());
    let mut out: [TrimOutcome; 2] = Default::default();
    while let Some(p) = sim.next_pair() {
        let ins = p.insert;
        let load = |rec: &[u8], r: &mut ReadBuf| {
            let l: Vec<&[u8]> = rec.split(|&c| c == b'\n').collect();
            r.head = l[0][1..].to_vec();
            r.seq = l[1].to_vec();
            r.qual = l[3].to_vec();
        };
        load(p.r1, &mut a);
        load(p.r2, &mut b);
        t.trim_pe(&mut a, &mut b, &mut out);
        n += 1;
        if a.len() == ins.min(150) && b.len() == ins.min(150) {
            exact += 1;
        }
    }
    assert!(exact * 1000 >= n * 995, "{exact}/{n} exact");
}

proptest::proptest! {
    #[test]
    fn trimmed_read_is_prefix(
        seq in proptest::collection::vec(proptest::sample::select(b"ACGTN".to_vec()), 0..200),
        qual in proptest::collection::vec(35u8..75, 200),
        seq2 in proptest::collection::vec(proptest::sample::select(b"ACGT".to_vec()), 0..200),
        ad_at in 0usize..200,
    ) {
        let mut s = seq.clone();
        if ad_at < s.len() {
            s.splice(ad_at..ad_at, SA1.iter().copied());
        }
        let mut q = qual.clone();
        q.resize(s.len(), b'I');
        let t = Trimmer::new(&TrimOptions { quality_cutoff_back: 20, poly_x: true, ..truseq() }).expect("trimmer");
        let mut r = ReadBuf { head: b"x".to_vec(), seq: s.clone(), plus: vec![], qual: q.clone() };
        let mut out = TrimOutcome::default();
        t.trim_se(&mut r, &mut out);
        proptest::prop_assert!(s.starts_with(&r.seq));
        proptest::prop_assert!(q.starts_with(&r.qual));
        proptest::prop_assert_eq!(out.trimmed_bases() + r.len(), s.len());
        // Pairs: each mate is a prefix of its input.
        let mut r1 = ReadBuf { head: b"x".to_vec(), seq: s.clone(), plus: vec![], qual: q.clone() };
        let mut r2 = ReadBuf { head: b"x".to_vec(), seq: seq2.clone(), plus: vec![], qual: vec![b'I'; seq2.len()] };
        let mut out2: [TrimOutcome; 2] = Default::default();
        t.trim_pe(&mut r1, &mut r2, &mut out2);
        proptest::prop_assert!(s.starts_with(&r1.seq));
        proptest::prop_assert!(seq2.starts_with(&r2.seq));
    }

    #[test]
    fn pe_agrees_with_naive_oracle(
        ins in 0usize..60,
        frag in proptest::collection::vec(proptest::sample::select(b"ACGT".to_vec()), 60),
    ) {
        let mut a = frag[..ins].to_vec();
        a.extend_from_slice(SA1);
        a.truncate(60);
        let mut b = revcomp(&frag[..ins]);
        b.extend_from_slice(SA2);
        b.truncate(60);
        let want = overlap::naive_best_len(&a, &b, SA1, SA2);
        let t = Trimmer::new(&truseq()).expect("trimmer");
        let (mut r1, mut r2) = (rb(&a), rb(&b));
        let mut out: [TrimOutcome; 2] = Default::default();
        let got = t.trim_pe(&mut r1, &mut r2, &mut out);
        proptest::prop_assert_eq!(want, Some(ins));
        proptest::prop_assert_eq!(got, want);
    }
}
