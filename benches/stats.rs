//! Cost of the statistics per read: `ReadStats::add` alone and the full per-pair `RunStats`
//! work a worker does (before + after stats, duplication, overrepresented sequences, filter,
//! insert), reported as input FASTQ throughput (MB/s of sequence + quality bytes).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use panelprep::fastq::RecordRef;
use panelprep::filter::Reason;
use panelprep::stats::{ReadStats, RunStats, hash_bytes};

/// `n` reads of `len` bases; qualities full-resolution (40 values, as from a MiSeq) or binned
/// (mostly one value, as from a NovaSeq).
fn reads(n: usize, len: usize, binned: bool) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    (0..n)
        .map(|_| {
            let seq = (0..len)
                .map(|_| b"ACGTACGTACGTACGN"[(next() % 16) as usize])
                .collect();
            let qual = (0..len)
                .map(|_| match (binned, next() % 10) {
                    (false, _) => b'#' + (next() % 40) as u8,
                    (true, 0) => b"#,:"[(next() % 3) as usize],
                    (true, _) => b'F',
                })
                .collect();
            (seq, qual)
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let n = 4096;
    let r1 = reads(n, 150, false);
    let r2 = reads(n, 150, false);
    let binned = reads(n, 150, true);
    let bytes: u64 = r1.iter().map(|r| (r.0.len() + r.1.len()) as u64).sum();

    let mut g = c.benchmark_group("stats");
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("ReadStats::add 150bp", |b| {
        let mut s = ReadStats::new();
        b.iter(|| {
            for (seq, qual) in &r1 {
                s.add(seq, qual);
            }
        })
    });
    g.bench_function("ReadStats::add 150bp binned", |b| {
        let mut s = ReadStats::new();
        b.iter(|| {
            for (seq, qual) in &binned {
                s.add(seq, qual);
            }
        })
    });
    // Real runs have few Ns (well under 1% of bases), unlike `reads` (1 in 16).
    let few_n: Vec<(Vec<u8>, Vec<u8>)> = binned
        .iter()
        .map(|(s, q)| {
            let s = s
                .iter()
                .map(|&b| if b == b'N' { b'A' } else { b })
                .collect();
            (s, q.clone())
        })
        .collect();
    g.bench_function("ReadStats::add 150bp binned few N", |b| {
        let mut s = ReadStats::new();
        b.iter(|| {
            for (seq, qual) in &few_n {
                s.add(seq, qual);
            }
        })
    });
    for (name, data) in [("", &r1), (" binned", &binned), (" binned few N", &few_n)] {
        let batch: Vec<(&[u8], &[u8])> = data.iter().map(|(s, q)| (&s[..], &q[..])).collect();
        g.bench_function(format!("ReadStats::add_batch 150bp{name}"), |b| {
            let mut s = ReadStats::new();
            b.iter(|| s.add_batch(&batch))
        });
    }
    // Report-time passes over the count table (per run, not per read): the joint counts of
    // 4096 binned reads merged into another worker's, and turned into per-cycle curves.
    let view: Vec<(&[u8], &[u8])> = binned.iter().map(|(s, q)| (&s[..], &q[..])).collect();
    let mut counted = ReadStats::new();
    counted.add_batch(&view);
    g.bench_function("ReadStats::merge 150bp binned", |b| {
        let mut s = ReadStats::new();
        b.iter(|| s.merge(&counted))
    });
    g.bench_function("ReadStats::cycles 150bp binned", |b| {
        b.iter(|| counted.cycles())
    });
    g.throughput(Throughput::Bytes(2 * bytes));
    g.bench_function("hash_bytes 2x150bp", |b| {
        b.iter(|| {
            let mut x = 0;
            for ((s1, _), (s2, _)) in r1.iter().zip(&r2) {
                x ^= hash_bytes(s1, 1) ^ hash_bytes(s2, 2);
            }
            x
        })
    });
    g.bench_function("RunStats per pair 2x150bp", |b| {
        let mut s = RunStats::new(true);
        b.iter(|| {
            for ((s1, q1), (s2, q2)) in r1.iter().zip(&r2) {
                let a = RecordRef {
                    head: b"r",
                    seq: s1,
                    plus: b"",
                    qual: q1,
                };
                let m = RecordRef {
                    head: b"r",
                    seq: s2,
                    plus: b"",
                    qual: q2,
                };
                s.add_before(&a, Some(&m));
                s.add_filter(Reason::Passed, 2);
                s.add_insert(Some(180));
                s.add_after(&a, Some(&m));
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
