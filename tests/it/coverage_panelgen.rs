//! Deterministic generator of a gene-panel BAM and its target BED (GRCh38 contig names and
//! lengths, synthetic gene positions). Used by the panel tests and by
//! `examples/make_panel_bam.rs` for the benchmark, which includes this file with `#[path]`.
#![allow(dead_code)]

use std::io::Write;
use std::path::Path;

/// GRCh38 primary contigs.
pub const GRCH38: &[(&str, u64)] = &[
    ("chr1", 248_956_422),
    ("chr2", 242_193_529),
    ("chr3", 198_295_559),
    ("chr4", 190_214_555),
    ("chr5", 181_538_259),
    ("chr6", 170_805_979),
    ("chr7", 159_345_973),
    ("chr8", 145_138_636),
    ("chr9", 138_394_717),
    ("chr10", 133_797_422),
    ("chr11", 135_086_622),
    ("chr12", 133_275_309),
    ("chr13", 114_364_328),
    ("chr14", 107_043_718),
    ("chr15", 101_991_189),
    ("chr16", 90_338_345),
    ("chr17", 83_257_441),
    ("chr18", 80_373_285),
    ("chr19", 58_617_616),
    ("chr20", 64_444_167),
    ("chr21", 46_709_983),
    ("chr22", 50_818_468),
    ("chrX", 156_040_895),
    ("chrY", 57_227_415),
    ("chrM", 16_569),
];

const GENES: &[&str] = &[
    "BRCA1", "BRCA2", "TP53", "PTEN", "ATM", "CHEK2", "PALB2", "MLH1", "MSH2", "MSH6", "PMS2",
    "APC", "MUTYH", "CDH1", "STK11", "BARD1", "BRIP1", "RAD51C", "RAD51D", "NBN", "CDKN2A", "CDK4",
    "EPCAM", "POLE", "POLD1", "SMAD4", "BMPR1A", "VHL", "RET", "MEN1", "NF1", "NF2", "TSC1",
    "TSC2", "RB1", "WT1", "SDHB", "SDHC", "SDHD", "SDHAF2", "MAX", "TMEM127", "FH", "FLCN", "MET",
    "KIT", "PDGFRA", "EGFR", "ALK", "ROS1", "BRAF", "KRAS", "NRAS", "PIK3CA", "ERBB2", "IDH1",
    "IDH2", "DICER1", "SUFU", "PTCH1",
];

/// splitmix64: small, fast, deterministic.
#[derive(Clone)]
pub struct Rng(u64);
impl Rng {
    /// Seeded generator.
    pub fn new(seed: u64) -> Self {
        Self(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }
    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
}

/// A target: (contig index, start, end, gene).
pub type Target = (usize, u64, u64, &'static str);

/// Genes x exons on random contigs; about 8 exons per gene, some overlapping tiles.
pub fn panel(seed: u64, genes: usize) -> Vec<Target> {
    let mut r = Rng::new(seed);
    let total: u64 = GRCH38[..24].iter().map(|c| c.1).sum();
    let mut out = Vec::new();
    for g in GENES.iter().take(genes) {
        let mut x = r.below(total);
        let mut rid = 0;
        while x >= GRCH38[rid].1 {
            x -= GRCH38[rid].1;
            rid += 1;
        }
        let mut pos = x.min(GRCH38[rid].1.saturating_sub(200_000));
        for _ in 0..(5 + r.below(8)) {
            let len = 80 + r.below(320);
            out.push((rid, pos, pos + len, *g));
            if r.chance(0.08) {
                let s = pos + len / 2;
                out.push((rid, s, s + 120, *g));
            }
            pos += len + 300 + r.below(7700);
        }
    }
    out.sort_by_key(|t| (t.0, t.1, t.2));
    out
}

struct Mate {
    pos: u64,
    cigar: Vec<u32>,
    flag: u16,
    mapq: u8,
    qlen: usize,
}

struct Pair {
    rid: usize,
    mates: [Mate; 2],
    tlen: i64,
}

fn cigar(r: &mut Rng, qlen: u32) -> (Vec<u32>, u64) {
    let op = |len: u32, code: u32| (len << 4) | code;
    let x = r.below(100);
    if x < 85 || qlen < 60 {
        (vec![op(qlen, 0)], u64::from(qlen))
    } else if x < 90 {
        let s = 3 + r.below(25) as u32;
        (vec![op(s, 4), op(qlen - s, 0)], u64::from(qlen - s))
    } else if x < 94 {
        let a = 20 + r.below(u64::from(qlen) - 40) as u32;
        (
            vec![op(a, 0), op(2, 2), op(qlen - a, 0)],
            u64::from(qlen) + 2,
        )
    } else if x < 97 {
        let a = 20 + r.below(u64::from(qlen) - 40) as u32;
        (
            vec![op(a, 0), op(3, 1), op(qlen - a - 3, 0)],
            u64::from(qlen) - 3,
        )
    } else {
        let a = 20 + r.below(u64::from(qlen) - 40) as u32;
        let n = 50 + r.below(400) as u32;
        (
            vec![op(a, 0), op(n, 3), op(qlen - a, 0)],
            u64::from(qlen + n),
        )
    }
}

fn make_pair(seed: u64, id: u64, targets: &[Target], on_target: f64) -> Pair {
    let mut r = Rng::new(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ id);
    let frag = 150 + r.below(100) + r.below(100);
    let (rid, start) = if r.chance(on_target) && !targets.is_empty() {
        // fragment centre inside the target
        let t = &targets[r.below(targets.len() as u64) as usize];
        let centre = t.1 + r.below(t.2 - t.1);
        (t.0, centre.saturating_sub(frag / 2))
    } else {
        let rid = r.below(24) as usize;
        (rid, r.below(GRCH38[rid].1 - 1000))
    };
    let qlen = 150u32.min(frag as u32);
    let (c1, _rl1) = cigar(&mut r, qlen);
    let (c2, rl2) = cigar(&mut r, qlen);
    let p2 = (start + frag).saturating_sub(rl2).max(start);
    let dup = r.chance(0.08);
    let qc = r.chance(0.005);
    let first_left = r.chance(0.5);
    let mut f1: u16 = 1 | 2 | 0x20 | if first_left { 0x40 } else { 0x80 };
    let mut f2: u16 = 1 | 2 | 0x10 | if first_left { 0x80 } else { 0x40 };
    if dup {
        f1 |= 0x400;
        f2 |= 0x400;
    }
    if qc {
        f1 |= 0x200;
        f2 |= 0x200;
    }
    let mapq = if r.chance(0.02) { 0 } else { 60 };
    let tlen = (p2 + rl2 - start) as i64;
    Pair {
        rid,
        mates: [
            Mate {
                pos: start,
                cigar: c1,
                flag: f1,
                mapq,
                qlen: qlen as usize,
            },
            Mate {
                pos: p2,
                cigar: c2,
                flag: f2,
                mapq,
                qlen: qlen as usize,
            },
        ],
        tlen,
    }
}

fn encode(buf: &mut Vec<u8>, p: &Pair, m: usize, id: u64, r: &mut Rng) {
    let me = &p.mates[m];
    let other = &p.mates[1 - m];
    let name = format!("p{id}");
    let start = buf.len();
    buf.extend_from_slice(&0u32.to_le_bytes());
    buf.extend_from_slice(&(p.rid as i32).to_le_bytes());
    buf.extend_from_slice(&(me.pos as i32).to_le_bytes());
    buf.push(name.len() as u8 + 1);
    buf.push(me.mapq);
    buf.extend_from_slice(&4680u16.to_le_bytes());
    buf.extend_from_slice(&(me.cigar.len() as u16).to_le_bytes());
    buf.extend_from_slice(&me.flag.to_le_bytes());
    buf.extend_from_slice(&(me.qlen as u32).to_le_bytes());
    buf.extend_from_slice(&(p.rid as i32).to_le_bytes());
    buf.extend_from_slice(&(other.pos as i32).to_le_bytes());
    let tlen = if m == 0 { p.tlen } else { -p.tlen };
    buf.extend_from_slice(&(tlen as i32).to_le_bytes());
    buf.extend_from_slice(name.as_bytes());
    buf.push(0);
    for c in &me.cigar {
        buf.extend_from_slice(&c.to_le_bytes());
    }
    const BASES: [u8; 4] = [1, 2, 4, 8];
    for _ in 0..me.qlen.div_ceil(2) {
        let x = r.next_u64();
        buf.push((BASES[(x & 3) as usize] << 4) | BASES[((x >> 2) & 3) as usize]);
    }
    const QUALS: [u8; 8] = [37, 37, 37, 37, 37, 23, 12, 2];
    for _ in 0..me.qlen {
        buf.push(QUALS[(r.next_u64() & 7) as usize]);
    }
    let size = (buf.len() - start - 4) as u32;
    buf[start..start + 4].copy_from_slice(&size.to_le_bytes());
}

fn bgzf_blocks(data: &[u8], out: &mut impl Write) -> std::io::Result<()> {
    use rayon::prelude::*;
    let blocks: Vec<Vec<u8>> = data
        .par_chunks(65_280)
        .map_init(
            || {
                libdeflater::Compressor::new(
                    libdeflater::CompressionLvl::new(6).unwrap_or_default(),
                )
            },
            |c, chunk| {
                let mut z = vec![0u8; c.deflate_compress_bound(chunk.len())];
                let n = c.deflate_compress(chunk, &mut z).unwrap_or(0);
                z.truncate(n);
                let mut b = Vec::with_capacity(n + 26);
                b.extend_from_slice(&[
                    0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 0xff, 6, 0, b'B', b'C', 2, 0,
                ]);
                b.extend_from_slice(&((n + 25) as u16).to_le_bytes());
                b.extend_from_slice(&z);
                b.extend_from_slice(&libdeflater::crc32(chunk).to_le_bytes());
                b.extend_from_slice(&(chunk.len() as u32).to_le_bytes());
                b
            },
        )
        .collect();
    for b in blocks {
        out.write_all(&b)?;
    }
    Ok(())
}

/// Writes `dir/panel.bam` (coordinate-sorted, no index) and `dir/panel.bed` with `pairs` read
/// pairs over `genes` genes, `on_target` of them drawn near a target.
pub fn write_panel(
    dir: &Path,
    seed: u64,
    pairs: u64,
    genes: usize,
    on_target: f64,
) -> std::io::Result<()> {
    let targets = panel(seed, genes);
    let mut bed = String::new();
    for t in &targets {
        bed.push_str(&format!("{}\t{}\t{}\t{}\n", GRCH38[t.0].0, t.1, t.2, t.3));
    }
    std::fs::write(dir.join("panel.bed"), bed)?;
    // sort keys: (rid, pos, pair, mate)
    let mut keys: Vec<(u64, u32, u8)> = Vec::with_capacity(pairs as usize * 2);
    for id in 0..pairs {
        let p = make_pair(seed, id, &targets, on_target);
        for m in 0..2 {
            keys.push(((p.rid as u64) << 32 | p.mates[m].pos, id as u32, m as u8));
        }
    }
    keys.sort_unstable();
    let mut out = std::io::BufWriter::new(std::fs::File::create(dir.join("panel.bam"))?);
    let mut text = String::from("@HD\tVN:1.6\tSO:coordinate\n");
    for (n, l) in GRCH38 {
        text.push_str(&format!("@SQ\tSN:{n}\tLN:{l}\n"));
    }
    text.push_str("@RG\tID:panel\tSM:panel\n");
    let mut buf = Vec::with_capacity(64 << 20);
    buf.extend_from_slice(b"BAM\x01");
    buf.extend_from_slice(&(text.len() as u32).to_le_bytes());
    buf.extend_from_slice(text.as_bytes());
    buf.extend_from_slice(&(GRCH38.len() as u32).to_le_bytes());
    for (n, l) in GRCH38 {
        buf.extend_from_slice(&(n.len() as u32 + 1).to_le_bytes());
        buf.extend_from_slice(n.as_bytes());
        buf.push(0);
        buf.extend_from_slice(&(*l as u32).to_le_bytes());
    }
    bgzf_blocks(&buf, &mut out)?;
    buf.clear();
    for (_, id, m) in keys {
        let p = make_pair(seed, u64::from(id), &targets, on_target);
        let mut r = Rng::new(u64::from(id) * 2 + u64::from(m));
        encode(&mut buf, &p, m as usize, u64::from(id), &mut r);
        if buf.len() >= 32 << 20 {
            bgzf_blocks(&buf, &mut out)?;
            buf.clear();
        }
    }
    bgzf_blocks(&buf, &mut out)?;
    out.write_all(&[
        0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 0xff, 6, 0, 0x42, 0x43, 2, 0, 0x1b, 0, 3, 0, 0, 0, 0, 0,
        0, 0, 0, 0,
    ])?;
    out.flush()
}

#[test]
fn generator_is_deterministic_and_sorted() {
    let a = tempfile::tempdir().expect("tmp");
    let b = tempfile::tempdir().expect("tmp");
    write_panel(a.path(), 7, 2000, 10, 0.7).expect("gen a");
    write_panel(b.path(), 7, 2000, 10, 0.7).expect("gen b");
    let x = std::fs::read(a.path().join("panel.bam")).expect("read");
    assert_eq!(x, std::fs::read(b.path().join("panel.bam")).expect("read"));
    let t = panel(7, 10);
    assert!(t.len() >= 50 && t.windows(2).all(|w| (w[0].0, w[0].1) <= (w[1].0, w[1].1)));
}
