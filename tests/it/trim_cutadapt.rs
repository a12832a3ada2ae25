//! Conformance with cutadapt's own test cases (inputs and expected outputs from
//! `shared/data/public/cutadapt`), for the options that fit our semantics. Cases run straight
//! through the kernels with a tiny local FASTQ/FASTA reader. Skips when the data is absent.

use std::io::Read;
use std::path::{Path, PathBuf};

use panelprep::fastq::ReadBuf;
use panelprep::filter::{Filter, FilterOptions, Reason};
use panelprep::trim::{PolyG, TrimOptions, TrimOutcome, Trimmer, parse_fasta};

fn root() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/data/public/cutadapt"
    ))
}

#[derive(Clone, Copy, PartialEq)]
enum Fmt {
    Fastq,
    Fasta,
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

/// Parses FASTQ (4-line) or FASTA (wrapped) records; FASTA reads get quality 'I'.
fn parse(data: &[u8], phred_offset: u8) -> (Fmt, Vec<ReadBuf>) {
    let lines: Vec<&[u8]> = data
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .collect();
    let mut out = Vec::new();
    if data.first() == Some(&b'>') || data.is_empty() {
        let mut cur: Option<ReadBuf> = None;
        for l in lines {
            if let Some(h) = l.strip_prefix(b">") {
                out.extend(cur.take());
                cur = Some(ReadBuf {
                    head: h.to_vec(),
                    ..ReadBuf::default()
                });
            } else if let Some(c) = cur.as_mut()
                && !l.starts_with(b"#")
            {
                c.seq.extend_from_slice(l);
                c.qual.resize(c.seq.len(), b'I');
            }
        }
        out.extend(cur);
        return (Fmt::Fasta, out);
    }
    let mut i = 0;
    while i + 3 < lines.len() {
        let qual = lines[i + 3]
            .iter()
            .map(|&q| q - (phred_offset - 33))
            .collect();
        out.push(ReadBuf {
            head: lines[i][1..].to_vec(),
            seq: lines[i + 1].to_vec(),
            plus: lines[i + 2][1..].to_vec(),
            qual,
        });
        i += 4;
    }
    (Fmt::Fastq, out)
}

fn write(reads: &[ReadBuf], fmt: Fmt, phred_offset: u8) -> Vec<u8> {
    let mut v = Vec::new();
    for r in reads {
        match fmt {
            Fmt::Fasta => {
                v.push(b'>');
                v.extend_from_slice(&r.head);
                v.push(b'\n');
                v.extend_from_slice(&r.seq);
                v.push(b'\n');
            }
            Fmt::Fastq => {
                let mut r = r.clone();
                for q in &mut r.qual {
                    *q += phred_offset - 33;
                }
                r.write_to(&mut v);
            }
        }
    }
    v
}

/// cutadapt-like base options: e 0.1, O 3, no quality tolerance, no poly-G, no filters.
fn base() -> (TrimOptions, FilterOptions) {
    (
        TrimOptions {
            adapter_min_overlap: 3,
            adapter_error_rate: 0.1,
            adapter_quality_aware: false,
            poly_g: PolyG::Off,
            ..TrimOptions::default()
        },
        FilterOptions {
            quality_filtering: false,
            length_filtering: false,
            ..FilterOptions::default()
        },
    )
}

fn with_adapters(ads: &[&[u8]]) -> (TrimOptions, FilterOptions) {
    let (mut t, f) = base();
    t.adapter_r1 = Some(ads[0].to_vec());
    t.adapter_fasta = ads[1..].iter().map(|a| a.to_vec()).collect();
    (t, f)
}

fn n_filter(limit: Option<usize>, frac: Option<f64>) -> (TrimOptions, FilterOptions) {
    let (t, mut f) = base();
    f.quality_filtering = true;
    f.qualified_quality_phred = 0;
    f.unqualified_percent_limit = 100.0;
    f.n_base_limit = limit.unwrap_or(usize::MAX);
    f.n_base_fraction = frac;
    (t, f)
}

/// Runs one case; returns Ok(()) when our output is byte-identical to cutadapt's.
fn run(
    input: &str,
    expected: &str,
    phred: u8,
    opts: (TrimOptions, FilterOptions),
) -> Result<(), String> {
    let (t, f) = opts;
    let trimmer = Trimmer::new(&t).map_err(|e| e.to_string())?;
    let filter = Filter::new(&f);
    let (fmt_in, reads) = parse(&read_file(&root().join("data").join(input)), phred);
    let exp_path = root().join("cut").join(expected);
    let want = read_file(&exp_path);
    let fmt_out = if expected.ends_with(".fa") || expected.ends_with(".fasta") {
        Fmt::Fasta
    } else {
        fmt_in
    };
    let mut kept = Vec::new();
    let mut out = TrimOutcome::default();
    for mut r in reads {
        trimmer.trim_se(&mut r, &mut out);
        if filter.verdict(&r) == Reason::Passed {
            kept.push(r);
        }
    }
    let got = write(&kept, fmt_out, phred);
    if got == want {
        Ok(())
    } else {
        Err(format!(
            "--- got\n{}--- want\n{}",
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&want)
        ))
    }
}

type Case = (
    &'static str,
    &'static str,
    &'static str,
    u8,
    fn() -> (TrimOptions, FilterOptions),
);

const TTAG: &[u8] = b"TTAGACATATCTCCGTCG";
const ILLUMINA: &[u8] = b"GCCGAACTTCTTAGACTGCCTTAAGGACGT";

/// Cases that must match cutadapt byte for byte.
const PASS: &[Case] = &[
    ("small", "small.fastq", "small.fastq", 33, || {
        with_adapters(&[TTAG])
    }),
    (
        "lowercase_adapter",
        "small.fastq",
        "lowercase.fastq",
        33,
        || with_adapters(&[b"ttagacatatctccgtcg"]),
    ),
    ("newlines_dos", "dos.fastq", "dos.fastq", 33, || {
        let (mut t, f) = with_adapters(&[TTAG]);
        t.adapter_error_rate = 0.12;
        (t, f)
    }),
    ("minimum_length", "lengths.fa", "minlen.fa", 33, || {
        let (t, mut f) = with_adapters(&[TTAG]);
        f.length_filtering = true;
        f.length_required = 5;
        (t, f)
    }),
    ("maximum_length", "lengths.fa", "maxlen.fa", 33, || {
        let (t, mut f) = with_adapters(&[TTAG]);
        f.length_filtering = true;
        f.length_required = 0;
        f.length_limit = 5;
        (t, f)
    }),
    ("qualtrim", "lowqual.fastq", "lowqual.fastq", 33, || {
        let (mut t, f) = base();
        t.quality_cutoff_back = 10;
        (t, f)
    }),
    (
        "quality_trim_only",
        "illumina64.fastq",
        "illumina64.fastq",
        64,
        || {
            let (mut t, f) = base();
            t.quality_cutoff_back = 10;
            (t, f)
        },
    ),
    (
        "twoadapters",
        "twoadapters.fasta",
        "twoadapters.fasta",
        33,
        || with_adapters(&[b"AATTTCAGGAATT", b"GTTCTCTAGTTCT"]),
    ),
    (
        "named_adapter",
        "illumina.fastq.gz",
        "illumina.fastq",
        33,
        || with_adapters(&[ILLUMINA]),
    ),
    (
        "adapter_with_u",
        "illumina.fastq.gz",
        "illumina.fastq",
        33,
        || with_adapters(&[b"GCCGAACUUCUUAGACUGCCUUAAGGACGU"]),
    ),
    (
        "illumina_adapter_wildcard",
        "illumina.fastq.gz",
        "illumina.fastq",
        33,
        || with_adapters(&[b"VCCGAMCYUCKHRKDCUBBCNUWNSGHCGU"]),
    ),
    (
        "adapter_file",
        "illumina.fastq.gz",
        "illumina.fastq",
        33,
        || {
            let text = std::fs::read(root().join("data/adapter.fasta")).unwrap_or_default();
            let ads = parse_fasta(&text).unwrap_or_default();
            let refs: Vec<&[u8]> = ads.iter().map(|a| a.as_slice()).collect();
            with_adapters(&refs)
        },
    ),
    (
        "unconditional_cut_front",
        "small.fastq",
        "unconditional-front.fastq",
        33,
        || {
            let (mut t, f) = base();
            t.trim_front1 = 5;
            (t, f)
        },
    ),
    (
        "unconditional_cut_back",
        "small.fastq",
        "unconditional-back.fastq",
        33,
        || {
            let (mut t, f) = base();
            t.trim_tail1 = 5;
            (t, f)
        },
    ),
    (
        "unconditional_cut_both",
        "small.fastq",
        "unconditional-both.fastq",
        33,
        || {
            let (mut t, f) = base();
            t.trim_front1 = 5;
            t.trim_tail1 = 5;
            (t, f)
        },
    ),
    ("length_5", "small.fastq", "shortened.fastq", 33, || {
        let (mut t, f) = base();
        t.max_len1 = 5;
        (t, f)
    }),
    ("max_n_0", "maxn.fasta", "maxn0.fasta", 33, || {
        n_filter(Some(0), None)
    }),
    ("max_n_1", "maxn.fasta", "maxn1.fasta", 33, || {
        n_filter(Some(1), None)
    }),
    ("max_n_2", "maxn.fasta", "maxn2.fasta", 33, || {
        n_filter(Some(2), None)
    }),
    ("max_n_0.2", "maxn.fasta", "maxn0.2.fasta", 33, || {
        n_filter(None, Some(0.2))
    }),
    ("max_n_0.4", "maxn.fasta", "maxn0.4.fasta", 33, || {
        n_filter(None, Some(0.4))
    }),
    ("nextseq", "nextseq.fastq", "nextseq.fastq", 33, || {
        let (mut t, f) = base();
        t.quality_cutoff_back = 22;
        t.nextseq_trim = true;
        (t, f)
    }),
    (
        "fasta_no_trim",
        "small.fastq",
        "small-no-trim.fasta",
        33,
        base,
    ),
    (
        "paired_separate_r1",
        "paired.1.fastq",
        "paired-separate.1.fastq",
        33,
        || with_adapters(&[b"TTAGACATAT"]),
    ),
    (
        "paired_separate_r2",
        "paired.2.fastq",
        "paired-separate.2.fastq",
        33,
        || with_adapters(&[b"CAGTGGAGTA"]),
    ),
];

#[test]
#[cfg_attr(
    not(pp_public_data),
    ignore = "needs ../shared/data/public (absent on this machine)"
)]
fn cutadapt_conformance() {
    if !root().join("CONFORMANCE_single.tsv").exists() {
        eprintln!("skipping: {} not found", root().display());
        return;
    }
    let mut failed = Vec::new();
    for (name, input, expected, phred, opts) in PASS {
        match run(input, expected, *phred, opts()) {
            Ok(()) => eprintln!("PASS {name}"),
            Err(e) => {
                eprintln!("FAIL {name}\n{e}");
                failed.push(*name);
            }
        }
    }
    assert!(
        failed.is_empty(),
        "cases differing from cutadapt: {failed:?}"
    );
}
