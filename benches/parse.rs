//! Parse throughput: the chunker + validator on in-memory FASTQ, against rust-bio's FASTQ reader
//! when built with `--features bio`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use panelprep::fastq::parse::{QualRange, check, validate};
use panelprep::fastq::{Chunk, Chunker, ChunkerOptions, ReadBuf, pair};
use panelprep::filter::{Filter, FilterOptions};
use panelprep::simulate::{SimOptions, write_pairs};

fn data() -> Vec<u8> {
    both().0
}

/// R1 and R2 of 50,000 simulated pairs.
fn both() -> (Vec<u8>, Vec<u8>) {
    let (mut r1, mut r2) = (Vec::new(), Vec::new());
    let opts = SimOptions {
        pairs: 50_000,
        ..SimOptions::default()
    };
    write_pairs(&opts, &mut r1, &mut r2).expect("in-memory write");
    (r1, r2)
}

/// All chunks of `data`, framed once.
fn chunks(data: &[u8]) -> Vec<Chunk> {
    let mut ch = Chunker::new(data, ChunkerOptions::default());
    let mut out = Vec::new();
    while let Some(c) = ch.next_chunk(None).expect("valid") {
        out.push(c);
    }
    out
}

/// The per-record steps on framed records: validation, mate names, filter verdict.
fn record_steps(c: &mut Criterion) {
    let (r1, r2) = both();
    let (c1, c2) = (chunks(&r1), chunks(&r2));
    let mut g = c.benchmark_group("record steps");
    g.throughput(Throughput::Elements(50_000));
    g.bench_function("check (R1)", |b| {
        b.iter(|| {
            let mut range = QualRange::default();
            for c in &c1 {
                for r in c.records() {
                    check(&r, 33, &mut range).expect("valid");
                }
            }
            black_box(range)
        })
    });
    g.bench_function("mate names", |b| {
        b.iter(|| {
            let mut ok = 0usize;
            for (a, z) in c1.iter().zip(&c2) {
                for (x, y) in a.records().zip(z.records()) {
                    ok += usize::from(
                        pair::quick_mates(x.head, y.head) || pair::names_match(x.head, y.head),
                    );
                }
            }
            black_box(ok)
        })
    });
    let filter = Filter::new(&FilterOptions::default());
    let reads: Vec<ReadBuf> = c1
        .iter()
        .flat_map(|c| c.records())
        .map(|r| {
            let mut rb = ReadBuf::default();
            rb.load(&r, 33);
            rb
        })
        .collect();
    g.bench_function("filter verdict (R1)", |b| {
        b.iter(|| {
            let mut passed = 0usize;
            for r in &reads {
                passed += usize::from(filter.verdict(r) == panelprep::filter::Reason::Passed);
            }
            black_box(passed)
        })
    });
    g.finish();
}

fn parse(c: &mut Criterion) {
    let data = data();
    let mut g = c.benchmark_group("parse");
    g.throughput(Throughput::Bytes(data.len() as u64));
    g.bench_function("panelprep chunk only", |b| {
        b.iter(|| {
            let mut ch = Chunker::new(&data[..], ChunkerOptions::default());
            let mut n = 0;
            while let Some(c) = ch.next_chunk(None).expect("valid") {
                n += c.len();
            }
            black_box(n)
        })
    });
    g.bench_function("panelprep chunk + validate", |b| {
        b.iter(|| {
            let mut ch = Chunker::new(&data[..], ChunkerOptions::default());
            let mut range = QualRange::default();
            while let Some(c) = ch.next_chunk(None).expect("valid") {
                for i in 0..c.len() {
                    validate(&c, i, 33, &mut range).expect("valid");
                }
            }
            black_box(range)
        })
    });
    #[cfg(feature = "bio")]
    g.bench_function("bio::io::fastq (allocating records)", |b| {
        b.iter(|| {
            let reader = bio::io::fastq::Reader::new(&data[..]);
            black_box(
                reader
                    .records()
                    .map(|r| r.map(|r| r.seq().len()))
                    .sum::<Result<usize, _>>(),
            )
        })
    });
    g.finish();
}

criterion_group!(benches, parse, record_steps);
criterion_main!(benches);
