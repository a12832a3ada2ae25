//! Criterion benchmarks of the trimming kernels on simulated 2x150 reads: single-read adapter
//! search, the paired insert analysis, quality and poly-G trimming, and whole-pair trimming.
//! Group `trim` uses the original (legacy, mostly Q23) generator, so its figures compare across
//! versions; `trim_novaseq` (4-bin, Q37-dominant, dimers, short inserts, failing read-2 tails)
//! and `trim_miseq` (full-resolution qualities) the realistic profiles; `detect` is adapter
//! detection on a 32 Ki-read NovaSeq sample per mate. `cargo bench --bench trim`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use panelprep::fastq::ReadBuf;
use panelprep::fastq::RecordRef;
use panelprep::simulate::{Profile, SimOptions, Simulator, TRUSEQ_R1, TRUSEQ_R2};
use panelprep::trim::{Adapter, TrimOptions, TrimOutcome, Trimmer, detect_adapter, polyx, quality};
use std::hint::black_box;

fn load(rec: &[u8]) -> ReadBuf {
    let l: Vec<&[u8]> = rec.split(|&c| c == b'\n').collect();
    ReadBuf {
        head: l[0][1..].to_vec(),
        seq: l[1].to_vec(),
        plus: Vec::new(),
        qual: l[3].to_vec(),
    }
}

fn pairs(n: u64, profile: Profile) -> Vec<(ReadBuf, ReadBuf)> {
    let mut sim = Simulator::new(SimOptions {
        pairs: n,
        ..SimOptions::realistic(profile)
    });
    let mut v = Vec::new();
    while let Some(p) = sim.next_pair() {
        v.push((load(p.r1), load(p.r2)));
    }
    v
}

fn bench(c: &mut Criterion) {
    for (group, profile) in [
        ("trim", Profile::Legacy),
        ("trim_novaseq", Profile::NovaSeq),
        ("trim_miseq", Profile::MiSeq),
    ] {
        bench_profile(c, group, profile);
    }
    bench_detect(c);
}

/// Adapter detection on the sample the pipeline takes (32 Ki reads per mate).
fn bench_detect(c: &mut Criterion) {
    let data = pairs(32 * 1024, Profile::NovaSeq);
    let mut g = c.benchmark_group("detect");
    g.throughput(Throughput::Elements(data.len() as u64));
    for (name, mate) in [("detect_adapter_r1", 0), ("detect_adapter_r2", 1)] {
        let reads: Vec<RecordRef<'_>> = data
            .iter()
            .map(|p| {
                let r = if mate == 0 { &p.0 } else { &p.1 };
                RecordRef {
                    head: &r.head,
                    seq: &r.seq,
                    plus: &r.plus,
                    qual: &r.qual,
                }
            })
            .collect();
        g.bench_function(name, |b| b.iter(|| detect_adapter(black_box(&reads))));
    }
    g.finish();
}

fn bench_profile(c: &mut Criterion, group: &str, profile: Profile) {
    let data = pairs(1000, profile);
    let n = data.len() as u64;
    let mut g = c.benchmark_group(group);
    g.throughput(Throughput::Elements(n));

    let ad = Adapter::new(TRUSEQ_R1, 0.1).expect("adapter");
    g.bench_function("adapter_search_se", |b| {
        b.iter(|| {
            let mut hits = 0;
            for (r1, _) in &data {
                hits += ad.find_q(black_box(&r1.seq), Some(&r1.qual), 4).is_some() as usize;
            }
            hits
        })
    });

    g.bench_function("quality_cut_tail_w4_q20", |b| {
        b.iter(|| {
            let mut s = 0;
            for (r1, _) in &data {
                s += quality::cut_tail(black_box(&r1.seq), &r1.qual, 4, 20);
            }
            s
        })
    });
    g.bench_function("quality_bwa_q20", |b| {
        b.iter(|| {
            let mut s = 0;
            for (r1, _) in &data {
                s += quality::bwa_trim(black_box(&r1.seq), &r1.qual, 0, 20, false).1;
            }
            s
        })
    });

    // Read 2 carries the failing (poly-G) tails of the realistic profiles.
    g.bench_function("poly_g_r2", |b| {
        b.iter(|| {
            let mut s = 0;
            for (_, r2) in &data {
                s += polyx::poly_g(black_box(&r2.seq), 10);
            }
            s
        })
    });

    let overlap_only = Trimmer::new(&TrimOptions::default()).expect("trimmer");
    let with_adapters = Trimmer::new(&TrimOptions {
        adapter_r1: Some(TRUSEQ_R1.to_vec()),
        adapter_r2: Some(TRUSEQ_R2.to_vec()),
        ..TrimOptions::default()
    })
    .expect("trimmer");
    let mut work = data.clone();
    let mut out: [TrimOutcome; 2] = Default::default();
    for (name, t) in [
        ("pair_overlap_only", &overlap_only),
        ("pair_overlap_and_adapters", &with_adapters),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| {
                let mut s = 0;
                for ((a, b2), (x, y)) in work.iter_mut().zip(&data) {
                    a.seq.clone_from(&x.seq);
                    a.qual.clone_from(&x.qual);
                    b2.seq.clone_from(&y.seq);
                    b2.qual.clone_from(&y.qual);
                    s += t.trim_pe(a, b2, &mut out).unwrap_or(0);
                }
                s
            })
        });
    }
    let mut se_out = TrimOutcome::default();
    g.bench_function("single_read_trim_se", |b| {
        b.iter(|| {
            let mut s = 0;
            for ((a, _), (x, _)) in work.iter_mut().zip(&data) {
                a.seq.clone_from(&x.seq);
                a.qual.clone_from(&x.qual);
                with_adapters.trim_se(a, &mut se_out);
                s += a.len();
            }
            s
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
