//! Inflate backends on the same bytes: a plain gzip member (the engine's reader: ISA-L igzip with
//! the default `isal` feature, else zlib-rs via flate2; streaming zlib-rs; whole-buffer
//! miniz_oxide and libdeflate for reference) and BGZF blocks
//! (libdeflate, the engine's choice, against zlib-rs raw inflate).

use std::hint::black_box;
use std::io::{Read, Write};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use panelprep::io::bgzf;
use panelprep::simulate::{Profile, SimOptions, write_pairs};

fn fastq_of(profile: Profile) -> Vec<u8> {
    let (mut r1, mut r2) = (Vec::new(), Vec::new());
    let opts = SimOptions {
        pairs: 40_000,
        ..SimOptions::realistic(profile)
    };
    write_pairs(&opts, &mut r1, &mut r2).expect("in-memory write");
    r1
}

fn fastq() -> Vec<u8> {
    fastq_of(Profile::Legacy)
}

/// Each quality profile at levels 1 and 4: the qualities decide how the deflate stream looks.
fn gzip(c: &mut Criterion) {
    for (name, profile) in [
        ("legacy", Profile::Legacy),
        ("novaseq", Profile::NovaSeq),
        ("miseq", Profile::MiSeq),
    ] {
        for level in [1, 4] {
            gzip_profile(
                c,
                &format!("inflate gzip member {name} level {level}"),
                profile,
                level,
            );
        }
    }
}

fn gzip_profile(c: &mut Criterion, group: &str, profile: Profile, level: u32) {
    let raw = fastq_of(profile);
    // libdeflate writes dynamic-Huffman blocks at every level, as gzip, pigz and zlib do
    // (zlib-rs level 1 writes static-Huffman blocks only, which no sequencer software does).
    let mut comp = libdeflater::Compressor::new(
        libdeflater::CompressionLvl::new(level as i32).expect("level"),
    );
    let mut gz = vec![0u8; comp.gzip_compress_bound(raw.len())];
    let n = comp.gzip_compress(&raw, &mut gz).expect("compress");
    gz.truncate(n);
    let mut g = c.benchmark_group(group);
    g.throughput(Throughput::Bytes(raw.len() as u64));
    let pool = std::sync::Arc::new(
        rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("pool"),
    );
    g.bench_function("engine reader (igzip with the isal feature)", |b| {
        b.iter(|| {
            let src = panelprep::io::from_reader_on(
                Box::new(std::io::Cursor::new(gz.clone())),
                "bench.fq.gz".into(),
                pool.clone(),
                panelprep::io::GzipOn::Reader,
            )
            .expect("gzip");
            let mut out = Vec::with_capacity(raw.len());
            let mut reader = src.reader;
            reader.read_to_end(&mut out).expect("valid");
            black_box(out.len())
        })
    });
    g.bench_function("flate2 zlib-rs streaming", |b| {
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
