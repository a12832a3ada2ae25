//! Parse throughput: the chunker + validator on in-memory FASTQ, against rust-bio's FASTQ reader
//! when built with `--features bio`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use panelprep::fastq::parse::{QualRange, validate};
use panelprep::fastq::{Chunker, ChunkerOptions};
use panelprep::simulate::{SimOptions, write_pairs};

fn data() -> Vec<u8> {
    let (mut r1, mut r2) = (Vec::new(), Vec::new());
    let opts = SimOptions {
        pairs: 50_000,
        ..SimOptions::default()
    };
    write_pairs(&opts, &mut r1, &mut r2).expect("in-memory write");
    r1
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

criterion_group!(benches, parse);
criterion_main!(benches);
