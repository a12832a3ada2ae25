//! Cost of the manifest's checksums: MD5 and SHA-256 of a byte stream, each alone and both
//! through `io::Hasher` (what every input and output of a default run goes through), in 64 KiB
//! updates as the writer and the input tee feed them.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use md5::{Digest, Md5};
use panelprep::io::Hasher;
use sha2::Sha256;

fn bench(c: &mut Criterion) {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let data: Vec<u8> = (0..1 << 22)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    let mut g = c.benchmark_group("hash");
    g.throughput(Throughput::Bytes(data.len() as u64));
    g.bench_function("md5 4MiB", |b| {
        b.iter(|| {
            let mut h = Md5::new();
            for c in data.chunks(1 << 16) {
                h.update(c);
            }
            h.finalize()
        })
    });
    g.bench_function("sha256 4MiB", |b| {
        b.iter(|| {
            let mut h = Sha256::new();
            for c in data.chunks(1 << 16) {
                h.update(c);
            }
            h.finalize()
        })
    });
    g.bench_function("Hasher 4MiB", |b| {
        b.iter(|| {
            let mut h = Hasher::new();
            for c in data.chunks(1 << 16) {
                h.update(c);
            }
            h.finish()
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
