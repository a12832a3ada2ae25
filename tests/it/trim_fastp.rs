//! Agreement with fastp 0.23.2 and cutadapt 4.2 outputs on real adapter-rich data
//! (`generated/needletail-prjna271013`) and fastp's own test pairs (`generated/fastp-testdata`).
//! Prints an agreement table; asserts agreement levels. Skips when the data is absent.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use panelprep::fastq::{ReadBuf, RecordRef};
use panelprep::filter::{Filter, FilterOptions, Reason};
use panelprep::trim::{TrimOptions, TrimOutcome, Trimmer, detect_adapter_se};

fn data() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/data/public"
    ))
}

fn read_file(p: &Path) -> Vec<u8> {
    let raw = std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    if p.extension().is_some_and(|e| e == "gz") {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        out
    } else {
        raw
    }
}

fn parse(data: &[u8]) -> Vec<ReadBuf> {
    let lines: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
    lines
        .chunks(4)
        .filter(|c| c.len() == 4 && c[0].starts_with(b"@"))
        .map(|c| ReadBuf {
            head: c[0][1..].to_vec(),
            seq: c[1].to_vec(),
            plus: c[2][1..].to_vec(),
            qual: c[3].to_vec(),
        })
        .collect()
}

/// Output of one tool: read title -> sequence (reads absent were dropped).
type Out = HashMap<Vec<u8>, Vec<u8>>;

fn to_map(reads: &[ReadBuf]) -> Out {
    reads
        .iter()
        .map(|r| (r.head.clone(), r.seq.clone()))
        .collect()
}

#[derive(Default, Debug)]
struct Agreement {
    reads: usize,
    same: usize,
    both_kept_differ: usize,
    only_ours: usize,
    only_peer: usize,
    both_dropped: usize,
}

impl Agreement {
    fn identical_share(&self) -> f64 {
        (self.same + self.both_dropped) as f64 / self.reads.max(1) as f64
    }
}

fn compare(input: &[ReadBuf], ours: &Out, peer: &Out) -> Agreement {
    let mut a = Agreement::default();
    for r in input {
        a.reads += 1;
        match (ours.get(&r.head), peer.get(&r.head)) {
            (Some(x), Some(y)) if x == y => a.same += 1,
            (Some(_), Some(_)) => a.both_kept_differ += 1,
            (Some(_), None) => a.only_ours += 1,
            (None, Some(_)) => a.only_peer += 1,
            (None, None) => a.both_dropped += 1,
        }
    }
    a
}

fn row(name: &str, a: &Agreement) {
    println!(
        "| {name} | {} | {} ({:.1}%) | {} | {} | {} | {} |",
        a.reads,
        a.same + a.both_dropped,
        100.0 * a.identical_share(),
        a.both_kept_differ,
        a.only_ours,
        a.only_peer,
        a.both_dropped
    );
}

fn run_pe(
    pairs: &[(ReadBuf, ReadBuf)],
    t: &TrimOptions,
    f: &FilterOptions,
) -> (Vec<ReadBuf>, Vec<ReadBuf>) {
    let trimmer = Trimmer::new(t).expect("trimmer");
    let filter = Filter::new(f);
    let mut out: [TrimOutcome; 2] = Default::default();
    let (mut o1, mut o2) = (Vec::new(), Vec::new());
    for (a, b) in pairs {
        let (mut a, mut b) = (a.clone(), b.clone());
        trimmer.trim_pe(&mut a, &mut b, &mut out);
        let (x, y) = filter.verdict_pair(&a, &b);
        if x.max(y) == Reason::Passed {
            o1.push(a);
            o2.push(b);
        }
    }
    (o1, o2)
}

#[test]
#[cfg_attr(
    not(pp_public_data),
    ignore = "needs ../shared/data/public (absent on this machine)"
)]
fn needletail_prjna271013_vs_fastp_and_cutadapt() {
    let input = data().join("needletail/PRJNA271013_head.fq");
    let generated = data().join("generated/needletail-prjna271013");
    if !input.exists() || !generated.exists() {
        eprintln!(
            "skipping: {} or {} not found",
            input.display(),
            generated.display()
        );
        return;
    }
    let reads = parse(&read_file(&input));
    let pairs: Vec<(ReadBuf, ReadBuf)> = reads
        .chunks(2)
        .map(|c| (c[0].clone(), c[1].clone()))
        .collect();
    let (r1s, r2s): (Vec<ReadBuf>, Vec<ReadBuf>) = pairs.iter().cloned().unzip();
    println!(
        "| comparison | reads | identical | both kept, differ | only ours kept | only peer kept | both dropped |"
    );
    println!("|---|---|---|---|---|---|---|");

    // fastp defaults: overlap analysis only, q15/u40/n5/l15.
    let (o1, o2) = run_pe(&pairs, &TrimOptions::default(), &FilterOptions::default());
    let f1 = to_map(&parse(&read_file(&generated.join("fastp_R1.fq.gz"))));
    let f2 = to_map(&parse(&read_file(&generated.join("fastp_R2.fq.gz"))));
    let a1 = compare(&r1s, &to_map(&o1), &f1);
    let a2 = compare(&r2s, &to_map(&o2), &f2);
    row("PRJNA271013 R1 vs fastp (defaults)", &a1);
    row("PRJNA271013 R2 vs fastp (defaults)", &a2);
    assert!(a1.identical_share() >= 0.90, "{a1:?}");
    assert!(a2.identical_share() >= 0.90, "{a2:?}");

    // cutadapt -a/-A TruSeq -q 20 -m 20 (interleaved output).
    let t = TrimOptions {
        adapter_r1: Some(b"AGATCGGAAGAGCACACGTCTGAACTCCAGTCA".to_vec()),
        adapter_r2: Some(b"AGATCGGAAGAGCGTCGTGTAGGGAAAGAGTGT".to_vec()),
        adapter_min_overlap: 3,
        quality_cutoff_back: 20,
        poly_g: panelprep::trim::PolyG::Off,
        ..TrimOptions::default()
    };
    let f = FilterOptions {
        quality_filtering: false,
        length_required: 20,
        ..FilterOptions::default()
    };
    let (o1, o2) = run_pe(&pairs, &t, &f);
    let ca = parse(&read_file(
        &generated.join("cutadapt_trimmed.interleaved.fq.gz"),
    ));
    let c1: Vec<ReadBuf> = ca.iter().step_by(2).cloned().collect();
    let c2: Vec<ReadBuf> = ca.iter().skip(1).step_by(2).cloned().collect();
    let b1 = compare(&r1s, &to_map(&o1), &to_map(&c1));
    let b2 = compare(&r2s, &to_map(&o2), &to_map(&c2));
    row("PRJNA271013 R1 vs cutadapt (-a/-A -q 20 -m 20)", &b1);
    row("PRJNA271013 R2 vs cutadapt (-a/-A -q 20 -m 20)", &b2);
    // Read 1 of this library carries AGATCGGAAGAGCGGTTCAGCAGGAATGCCGAG, not the TruSeq read-1
    // adapter given to cutadapt: cutadapt then trims only the 13 shared bases (or nothing),
    // while the pair analysis finds the true insert end. Where we differ from cutadapt, we
    // must agree with fastp (which used the overlap only).
    let ours1 = to_map(&o1);
    let c1m = to_map(&c1);
    let (mut differ, mut as_fastp) = (0, 0);
    for r in &r1s {
        if let (Some(x), Some(y)) = (ours1.get(&r.head), c1m.get(&r.head))
            && x != y
        {
            differ += 1;
            if let Some(z) = f1.get(&r.head) {
                let n = x.len().min(z.len());
                as_fastp += (x.len() == z.len() && x[..n] == z[..n]) as usize;
            }
        }
    }
    println!("R1 differing from cutadapt: {differ}, of which identical to fastp: {as_fastp}");
    assert!(as_fastp * 10 >= differ * 9, "{as_fastp} of {differ}");
    assert!(b2.identical_share() >= 0.90, "{b2:?}");
}

#[test]
#[cfg_attr(
    not(pp_public_data),
    ignore = "needs ../shared/data/public (absent on this machine)"
)]
fn fastp_testdata_pe_and_se() {
    let dir = data().join("fastp");
    let generated = data().join("generated/fastp-testdata");
    if !dir.exists() || !generated.exists() {
        eprintln!(
            "skipping: {} or {} not found",
            dir.display(),
            generated.display()
        );
        return;
    }
    let r1 = parse(&read_file(&dir.join("R1.fq")));
    let r2 = parse(&read_file(&dir.join("R2.fq")));
    let pairs: Vec<(ReadBuf, ReadBuf)> = r1.iter().cloned().zip(r2.iter().cloned()).collect();
    let (o1, o2) = run_pe(&pairs, &TrimOptions::default(), &FilterOptions::default());
    let a1 = compare(
        &r1,
        &to_map(&o1),
        &to_map(&parse(&read_file(&generated.join("out.R1.fq")))),
    );
    let a2 = compare(
        &r2,
        &to_map(&o2),
        &to_map(&parse(&read_file(&generated.join("out.R2.fq")))),
    );
    // SE: fastp auto-detects the adapter (needs many reads; none here).
    let refs: Vec<RecordRef<'_>> = r1.iter().map(|r| r.as_ref()).collect();
    let t = TrimOptions {
        adapter_r1: detect_adapter_se(&refs),
        ..TrimOptions::default()
    };
    let trimmer = Trimmer::new(&t).expect("trimmer");
    let filter = Filter::new(&FilterOptions::default());
    let mut out = TrimOutcome::default();
    let mut se = Vec::new();
    for r in &r1 {
        let mut r = r.clone();
        trimmer.trim_se(&mut r, &mut out);
        if filter.verdict(&r) == Reason::Passed {
            se.push(r);
        }
    }
    let s = compare(
        &r1,
        &to_map(&se),
        &to_map(&parse(&read_file(&generated.join("se.out.R1.fq")))),
    );
    println!(
        "| comparison | reads | identical | both kept, differ | only ours kept | only peer kept | both dropped |"
    );
    println!("|---|---|---|---|---|---|---|");
    row("fastp testdata R1 (PE)", &a1);
    row("fastp testdata R2 (PE)", &a2);
    row("fastp testdata R1 (SE)", &s);
    for a in [&a1, &a2, &s] {
        assert_eq!(a.identical_share(), 1.0, "{a:?}");
    }
}
