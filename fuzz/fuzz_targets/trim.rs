//! The trimming functions (adapter search, pair overlap, poly-G/X, quality windows, fixed cuts,
//! maximum length) on arbitrary reads and options.
//!
//! Properties: no panic; a trimmed read is never longer than its input; without UMI extraction
//! or overlap correction it is the input's slice `[front, front + len)` (a prefix when nothing
//! is cut from the 5' end), bases and qualities cut at the same places; the outcome's counts add
//! up to the bases removed; adapter hits lie inside the read; the kernels' cut positions stay
//! within the read.
#![no_main]

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use panelprep::fastq::ReadBuf;
use panelprep::trim::{
    Adapter, PolyG, TrimOptions, TrimOutcome, Trimmer, UmiLoc, UmiOptions, polyx, quality,
};

const BASES: &[u8] = b"ACGTNACGTACGTGGGGGGGGAGATCGGAAGAGCACACGTCTGAACTCCAGTCAC";

fn bases(u: &mut Unstructured, max: usize) -> Result<Vec<u8>> {
    let n = u.int_in_range(0..=max)?;
    (0..n)
        .map(|_| Ok(BASES[u.choose_index(BASES.len())?]))
        .collect()
}

fn read(u: &mut Unstructured, name: &[u8]) -> Result<ReadBuf> {
    let seq = bases(u, 300)?;
    let qual = seq
        .iter()
        .map(|_| Ok(b'!' + u.int_in_range(0..=41u8)?))
        .collect::<Result<Vec<u8>>>()?;
    Ok(ReadBuf {
        head: name.to_vec(),
        seq,
        plus: Vec::new(),
        qual,
    })
}

fn options(u: &mut Unstructured) -> Result<TrimOptions> {
    let mut o = TrimOptions {
        adapter_trimming: u.arbitrary()?,
        adapter_r1: if u.arbitrary()? {
            Some(bases(u, 40)?)
        } else {
            None
        },
        adapter_r2: if u.arbitrary()? {
            Some(bases(u, 40)?)
        } else {
            None
        },
        adapter_min_overlap: u.int_in_range(1..=12)?,
        adapter_error_rate: f64::from(u.int_in_range(0..=4u8)?) * 0.1,
        pe_fallback_min_overlap: u.int_in_range(1..=12)?,
        adapter_quality_aware: u.arbitrary()?,
        correction: u.arbitrary()?,
        trim_front1: u.int_in_range(0..=20)?,
        trim_tail1: u.int_in_range(0..=20)?,
        trim_front2: u.int_in_range(0..=20)?,
        trim_tail2: u.int_in_range(0..=20)?,
        max_len1: u.int_in_range(0..=200)?,
        max_len2: u.int_in_range(0..=200)?,
        cut_front: u.arbitrary()?,
        cut_tail: u.arbitrary()?,
        cut_right: u.arbitrary()?,
        cut_front_window_size: u.int_in_range(1..=10)?,
        cut_front_mean_quality: u.int_in_range(1..=36)?,
        cut_tail_window_size: u.int_in_range(1..=10)?,
        cut_tail_mean_quality: u.int_in_range(1..=36)?,
        cut_right_window_size: u.int_in_range(1..=10)?,
        cut_right_mean_quality: u.int_in_range(1..=36)?,
        quality_cutoff_front: u.int_in_range(0..=30)?,
        quality_cutoff_back: u.int_in_range(0..=30)?,
        nextseq_trim: u.arbitrary()?,
        poly_g: *u.choose(&[PolyG::Auto, PolyG::On, PolyG::Off])?,
        poly_g_min_len: u.int_in_range(1..=12)?,
        poly_x: u.arbitrary()?,
        poly_x_min_len: u.int_in_range(1..=12)?,
        ..TrimOptions::default()
    };
    for _ in 0..u.int_in_range(0..=2)? {
        o.adapter_fasta.push(bases(u, 30)?);
    }
    if u.ratio(1, 6)? {
        let loc = *u.choose(&[UmiLoc::Read1, UmiLoc::Read2, UmiLoc::PerRead])?;
        o.umi = Some(UmiOptions {
            loc,
            len: u.int_in_range(1..=12)?,
            prefix: "UMI".into(),
            skip: u.int_in_range(0..=3)?,
        });
    }
    Ok(o)
}

/// `after` is `before[front..front + len]` (bases and qualities) and the counts add up.
fn check_slice(before: &ReadBuf, after: &ReadBuf, out: &TrimOutcome, exact: bool) {
    assert!(after.len() <= before.len(), "trimmed read is longer");
    assert_eq!(
        after.seq.len(),
        after.qual.len(),
        "bases and qualities differ in length"
    );
    assert_eq!(
        out.trimmed_bases(),
        before.len() - after.len(),
        "outcome counts do not add up: {out:?}"
    );
    if let Some(p) = out.adapter_seq_start {
        assert!(out.adapter_bases > 0 && p <= before.len());
        assert_eq!(out.adapter_seq.len(), out.adapter_bases);
    }
    if exact {
        let f = out.front_bases;
        assert!(f + after.len() <= before.len(), "front cut past the end");
        assert_eq!(
            after.seq,
            before.seq[f..f + after.len()],
            "bases are not a slice of the input"
        );
        assert_eq!(
            after.qual,
            before.qual[f..f + after.len()],
            "qualities moved"
        );
        if f == 0 {
            assert!(before.seq.starts_with(&after.seq), "not a prefix");
        }
    }
}

fn run(u: &mut Unstructured) -> Result<()> {
    let opts = options(u)?;
    let Ok(trimmer) = Trimmer::new(&opts) else {
        return Ok(());
    };
    let umi = opts.umi.is_some();
    let r1 = read(u, b"A00123:8:H7:1:1101:1000:2000 1:N:0:ACGT")?;
    let r2 = read(u, b"A00123:8:H7:1:1101:1000:2000 2:N:0:ACGT")?;

    // Single-end.
    let mut a = r1.clone();
    let mut out = TrimOutcome::default();
    trimmer.trim_se(&mut a, &mut out);
    check_slice(&r1, &a, &out, !umi);
    // Trimming is a function of the read: the same read again gives the same result.
    let mut again = r1.clone();
    trimmer.trim_se(&mut again, &mut out);
    assert_eq!(again, a, "trim_se is not repeatable");

    // Paired-end.
    let (mut a, mut b) = (r1.clone(), r2.clone());
    let mut outs = [TrimOutcome::default(), TrimOutcome::default()];
    let insert = trimmer.trim_pe(&mut a, &mut b, &mut outs);
    let exact = !umi && !opts.correction;
    check_slice(&r1, &a, &outs[0], exact);
    check_slice(&r2, &b, &outs[1], exact);
    if let Some(len) = insert {
        assert!(
            len <= r1.len() + r2.len() + 64,
            "insert {len} beyond both reads"
        );
    }

    // Kernels on their own.
    let (seq, qual) = (&r1.seq, &r1.qual);
    let w = u.int_in_range(1..=10usize)?;
    let q = u.int_in_range(1..=40u8)?;
    assert!(quality::cut_front(seq, qual, w, q) <= seq.len());
    assert!(quality::cut_tail(seq, qual, w, q) <= seq.len());
    assert!(quality::cut_right(qual, w, q) <= seq.len());
    let (s, e) = quality::bwa_trim(seq, qual, q, q, u.arbitrary()?);
    assert!(
        s <= e && e <= seq.len(),
        "bwa_trim ({s}, {e}) outside 0..={}",
        seq.len()
    );
    let min = u.int_in_range(1..=12usize)?;
    assert!(polyx::poly_g(seq, min) <= seq.len());
    assert!(polyx::poly_x(seq, min) <= seq.len());
    let ad = bases(u, 40)?;
    if let Ok(adapter) = Adapter::new(&ad, f64::from(u.int_in_range(0..=4u8)?) * 0.1) {
        if let Some(h) = adapter.find_q(seq, Some(qual), min) {
            assert!(h.pos <= seq.len(), "adapter hit past the read end");
        }
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let _ = run(&mut u);
});
