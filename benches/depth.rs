//! Depth-engine throughput: pre-encoded BAM records of a synthetic panel through the
//! difference-array engine (no I/O, no inflation), mosdepth and fast modes.

use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use panelprep::coverage::{BamHeader, Engine, RawRecord, Reference, merge_intervals};
use panelprep::coverage::{CoverageOptions, Preset};

fn record(pos: u32, mate: u32, flag: u16, name: &str, buf: &mut Vec<u8>) {
    let l_seq = 150u32;
    buf.extend_from_slice(&0i32.to_le_bytes());
    buf.extend_from_slice(&(pos as i32).to_le_bytes());
    buf.push(name.len() as u8 + 1);
    buf.push(60);
    buf.extend_from_slice(&0u16.to_le_bytes());
    buf.extend_from_slice(&1u16.to_le_bytes());
    buf.extend_from_slice(&flag.to_le_bytes());
    buf.extend_from_slice(&l_seq.to_le_bytes());
    buf.extend_from_slice(&0i32.to_le_bytes());
    buf.extend_from_slice(&(mate as i32).to_le_bytes());
    buf.extend_from_slice(&0i32.to_le_bytes());
    buf.extend_from_slice(name.as_bytes());
    buf.push(0);
    buf.extend_from_slice(&(l_seq << 4).to_le_bytes());
    buf.extend(std::iter::repeat_n(0x12u8, 75));
    buf.extend(std::iter::repeat_n(37u8, 150));
}

fn bench(c: &mut Criterion) {
    // 200 targets of 200 bp every 2 kb; 100k pairs, 70% starting inside targets
    let targets: Vec<(u64, u64)> = (0..200).map(|i| (i * 2000 + 500, i * 2000 + 700)).collect();
    let mut recs: Vec<(u32, Vec<u8>)> = Vec::new();
    let mut x = 12345u64;
    for i in 0..100_000u32 {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let t = (x >> 33) % 200;
        let start = if (x >> 20) % 10 < 7 {
            t * 2000 + 400 + (x >> 40) % 300
        } else {
            (x >> 24) % 400_000
        } as u32;
        let gap = 50 + ((x >> 12) % 200) as u32;
        let name = format!("p{i}");
        let mut a = Vec::new();
        record(start, start + gap, 99, &name, &mut a);
        let mut b = Vec::new();
        record(start + gap, start, 147, &name, &mut b);
        recs.push((start, a));
        recs.push((start + gap, b));
    }
    recs.sort_by_key(|r| r.0);
    let header = BamHeader {
        references: vec![Reference {
            name: "c".into(),
            length: 1_000_000,
        }],
        sort_order: None,
        samples: Vec::new(),
    };
    let mut g = c.benchmark_group("depth");
    g.throughput(Throughput::Elements(recs.len() as u64));
    for (label, preset) in [
        ("mosdepth", Preset::Mosdepth),
        ("fast", Preset::MosdepthFast),
    ] {
        let opts: CoverageOptions = preset.options();
        g.bench_function(label, |bch| {
            bch.iter(|| {
                let mut e = Engine::new(
                    &opts,
                    Path::new("bench.bam"),
                    &header,
                    vec![merge_intervals(targets.clone())],
                );
                for (i, (_, r)) in recs.iter().enumerate() {
                    let rec = RawRecord::new(r).expect("record");
                    e.process(&rec, i as u64 + 1).expect("process");
                }
                e.finish();
                e.counts.passing
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
