//! Inflate backends on the same bytes: a plain gzip member (streaming zlib-rs via flate2, the
//! engine's choice; whole-buffer miniz_oxide and libdeflate for reference) and BGZF blocks
//! (libdeflate, the engine's choice, against zlib-rs raw inflate).

use std::hint::black_box;
use std::io::{Read, Write};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use panelprep::io::bgzf;
use panelprep::simulate::{SimOptions, write_pairs};

fn fastq() -> Vec<u8> {
    let (mut r1, mut r2) = (Vec::new(), Vec::new());
    let opts = SimOptions {
        pairs: 40_000,
        ..SimOptions::default()
    };
    write_pairs(&opts, &mut r1, &mut r2).expect("in-memory write");
    r1
}

fn gzip(c: &mut Criterion) {
    let raw = fastq();
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(4));
    enc.write_all(&raw).expect("compress");
    let gz = enc.finish().expect("compress");
    let mut g = c.benchmark_group("inflate gzip member");
    g.throughput(Throughput::Bytes(raw.len() as u64));
    g.bench_function("flate2 zlib-rs streaming (engine)", |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(raw.len());
            flate2::read::MultiGzDecoder::new(&gz[..])
                .read_to_end(&mut out)
                .expect("valid");
            black_box(out.len())
        })
    });
    g.bench_function("miniz_oxide whole buffer", |b| {
        let deflate = &gz[10..gz.len() - 8];
        b.iter(|| {
            black_box(
                miniz_oxide::inflate::decompress_to_vec(deflate)
                    .expect("valid")
                    .len(),
            )
        })
    });
    g.bench_function("libdeflate whole buffer", |b| {
        let mut d = libdeflater::Decompressor::new();
        let mut out = vec![0u8; raw.len()];
        b.iter(|| black_box(d.gzip_decompress(&gz, &mut out).expect("valid")))
    });
    g.finish();
}

fn bgzf_blocks(c: &mut Criterion) {
    let raw = fastq();
    let blocks: Vec<Vec<u8>> = raw
        .chunks(bgzf::BLOCK_DATA)
        .map(|d| {
            let mut b = Vec::new();
            bgzf::deflate_block(d, 4, &mut b);
            b
        })
        .collect();
    let mut g = c.benchmark_group("inflate BGZF blocks");
    g.throughput(Throughput::Bytes(raw.len() as u64));
    g.bench_function("libdeflate + CRC32 (engine)", |b| {
        let mut out = Vec::new();
        b.iter(|| {
            for blk in &blocks {
                bgzf::inflate_block(blk, &mut out).expect("valid");
            }
            black_box(out.len())
        })
    });
    g.bench_function("flate2 zlib-rs raw inflate + CRC32", |b| {
        let mut out = Vec::with_capacity(bgzf::MAX_BLOCK);
        b.iter(|| {
            for blk in &blocks {
                out.clear();
                let body = &blk[18..blk.len() - 8];
                flate2::read::DeflateDecoder::new(body)
                    .read_to_end(&mut out)
                    .expect("valid");
                let mut crc = flate2::Crc::new();
                crc.update(&out);
                black_box(crc.sum());
            }
        })
    });
    g.finish();
    let mut g = c.benchmark_group("deflate BGZF blocks level 1");
    g.throughput(Throughput::Bytes(raw.len() as u64));
    g.bench_function("libdeflate (engine)", |b| {
        let mut out = Vec::new();
        b.iter(|| {
            out.clear();
            for d in raw.chunks(bgzf::BLOCK_DATA) {
                bgzf::deflate_block(d, 1, &mut out);
            }
            black_box(out.len())
        })
    });
    g.bench_function("flate2 zlib-rs", |b| {
        b.iter(|| {
            let mut n = 0;
            for d in raw.chunks(bgzf::BLOCK_DATA) {
                let mut e =
                    flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::new(1));
                e.write_all(d).expect("compress");
                n += e.finish().expect("compress").len();
            }
            black_box(n)
        })
    });
    g.finish();
}

criterion_group!(benches, gzip, bgzf_blocks);
criterion_main!(benches);
