//! Reads from a third-party simulator with known truth: `art_illumina`'s pairs (its empirical
//! Illumina quality and error profiles) turned into pairs with short inserts and adapters.
//!
//! ART never makes a fragment shorter than the read, so no ART read contains adapter. For a
//! share of pairs this module shortens the fragment to a drawn insert length L: each mate
//! becomes the first L bases of the true fragment as that mate reads it (from ART's `.aln`
//! reference lines), then its adapter, then random bases; ART's own errors (the cycles where its
//! read differs from its reference line) and qualities are then put back cycle by cycle. The
//! error and quality pattern of every read is ART's; only the template changes. The other pairs
//! are ART's reads unchanged. Every name carries `ins=L cut=L` (or ART's fragment length).
//!
//! Run ART without indels (`-ir 0 -ir2 0 -dr 0 -dr2 0`) and with `.aln` output (the default):
//! pairs whose alignment has gaps are copied unchanged.

use std::io::{BufRead, Write};

use rand::{Rng, RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;

use super::profile::unit;
use super::{BASES, complement, push_u64};

/// How ART's pairs are turned into pairs with adapters.
#[derive(Debug, Clone, PartialEq)]
pub struct ArtOptions {
    /// Share of pairs given a short insert.
    pub short_fraction: f64,
    /// Among those, share of adapter dimers (L = 0).
    pub dimer_share: f64,
    /// Among those, share of very short inserts (1-39 bases); the rest are 40 to read length - 1.
    pub tiny_share: f64,
    /// Read 1 adapter.
    pub adapter_r1: Vec<u8>,
    /// Read 2 adapter.
    pub adapter_r2: Vec<u8>,
    /// Seed of the insert draws.
    pub seed: u64,
}

impl Default for ArtOptions {
    fn default() -> Self {
        ArtOptions {
            short_fraction: 0.35,
            dimer_share: 0.05,
            tiny_share: 0.10,
            adapter_r1: super::TRUSEQ_R1.to_vec(),
            adapter_r2: super::TRUSEQ_R2.to_vec(),
            seed: 1,
        }
    }
}

/// What went wrong reading ART's files.
#[derive(Debug, thiserror::Error)]
pub enum ArtError {
    /// Reading or writing failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// A file does not look like ART's output.
    #[error("{file}: record {record}: {what}")]
    Format {
        /// Which input (`R1 fastq`, `R2 aln`, ...).
        file: &'static str,
        /// 1-based record number.
        record: u64,
        /// What is wrong.
        what: String,
    },
}

/// One ART read: its reference line (read orientation), its bases and qualities.
struct ArtRead {
    reference: Vec<u8>,
    seq: Vec<u8>,
    qual: Vec<u8>,
    pos: u64,
}

/// Reads `.aln` records and FASTQ records of one mate in step.
struct MateReader<F, A> {
    fq: F,
    aln: A,
    genome_len: u64,
    name: &'static str,
    line: Vec<u8>,
}

impl<F: BufRead, A: BufRead> MateReader<F, A> {
    fn new(fq: F, mut aln: A, name: &'static str) -> Result<Self, ArtError> {
        let mut genome_len = 0;
        let mut line = Vec::new();
        loop {
            line.clear();
            if aln.read_until(b'\n', &mut line)? == 0 {
                return Err(fmt_err(name, 0, "no '##Header End' line".into()));
            }
            if line.starts_with(b"@SQ") {
                let f: Vec<&[u8]> = line.trim_ascii_end().split(|&b| b == b'\t').collect();
                genome_len += f.get(2).and_then(|s| parse_u64(s)).unwrap_or(0);
            }
            if line.starts_with(b"##Header End") {
                break;
            }
        }
        Ok(MateReader {
            fq,
            aln,
            genome_len,
            name,
            line,
        })
    }

    fn next_line(&mut self, fq: bool) -> Result<Option<Vec<u8>>, ArtError> {
        self.line.clear();
        let n = if fq {
            self.fq.read_until(b'\n', &mut self.line)?
        } else {
            self.aln.read_until(b'\n', &mut self.line)?
        };
        Ok((n > 0).then(|| self.line.trim_ascii_end().to_vec()))
    }

    fn next(&mut self, record: u64) -> Result<Option<ArtRead>, ArtError> {
        let Some(head) = self.next_line(false)? else {
            return Ok(None);
        };
        let name = self.name;
        let bad = |w: &str| fmt_err(name, record, w.to_string());
        if !head.starts_with(b">") {
            return Err(bad("aln record does not start with '>'"));
        }
        let f: Vec<&[u8]> = head.split(|&b| b == b'\t').collect();
        let pos = f
            .get(2)
            .and_then(|s| parse_u64(s))
            .ok_or_else(|| bad("aln header without a position"))?;
        let reference = self.next_line(false)?.ok_or_else(|| bad("aln truncated"))?;
        let aligned = self.next_line(false)?.ok_or_else(|| bad("aln truncated"))?;
        let fq_head = self
            .next_line(true)?
            .ok_or_else(|| bad("fastq ends early"))?;
        let seq = self
            .next_line(true)?
            .ok_or_else(|| bad("fastq truncated"))?;
        self.next_line(true)?;
        let qual = self
            .next_line(true)?
            .ok_or_else(|| bad("fastq truncated"))?;
        if !fq_head.starts_with(b"@") || seq.len() != qual.len() {
            return Err(bad("not a FASTQ record"));
        }
        let gapped = reference.contains(&b'-') || aligned.contains(&b'-');
        Ok(Some(ArtRead {
            reference: if gapped { Vec::new() } else { reference },
            seq,
            qual,
            pos,
        }))
    }
}

fn fmt_err(file: &'static str, record: u64, what: String) -> ArtError {
    ArtError::Format { file, record, what }
}

fn parse_u64(s: &[u8]) -> Option<u64> {
    std::str::from_utf8(s).ok()?.trim().parse().ok()
}

/// Builds `template` for one mate (insert, adapter, random bases up to the read length) and
/// puts ART's errors back: at every cycle where ART's read differs from its reference line,
/// the template gets ART's base (or another one when it already has that base).
fn rebuild(read: &ArtRead, insert: &[u8], adapter: &[u8], rng: &mut impl Rng, out: &mut Vec<u8>) {
    let len = read.seq.len();
    out.clear();
    out.extend_from_slice(&insert[..insert.len().min(len)]);
    let take = adapter.len().min(len - out.len());
    out.extend_from_slice(&adapter[..take]);
    while out.len() < len {
        out.push(BASES[(rng.next_u64() & 3) as usize]);
    }
    for ((o, &r), &s) in out.iter_mut().zip(&read.reference).zip(&read.seq) {
        if r != s {
            *o = if s == b'N' || s != *o {
                s
            } else {
                let k = BASES.iter().position(|&b| b == s).unwrap_or(0);
                BASES[(k + 1 + (rng.next_u64() % 3) as usize) % 4]
            };
        }
    }
}

fn write_rec(
    w: &mut impl Write,
    n: u64,
    mate: u8,
    ins: u64,
    seq: &[u8],
    qual: &[u8],
) -> std::io::Result<()> {
    let mut rec = Vec::with_capacity(seq.len() * 2 + 64);
    rec.extend_from_slice(b"@ART:1:FCX:1:1101:");
    push_u64(&mut rec, n);
    rec.extend_from_slice(b":1 ");
    rec.push(b'0' + mate);
    rec.extend_from_slice(b":N:0:ACGTACGT ins=");
    push_u64(&mut rec, ins);
    rec.extend_from_slice(b" cut=");
    push_u64(&mut rec, ins.min(seq.len() as u64));
    rec.push(b'\n');
    rec.extend_from_slice(seq);
    rec.extend_from_slice(b"\n+\n");
    rec.extend_from_slice(qual);
    rec.push(b'\n');
    w.write_all(&rec)
}

/// Converts ART's paired output (`fq1`, `fq2`, `aln1`, `aln2`) into pairs with adapters and
/// known truth, written to `out1` and `out2`. Returns (pairs, pairs shortened).
pub fn convert(
    opts: &ArtOptions,
    (fq1, aln1): (impl BufRead, impl BufRead),
    (fq2, aln2): (impl BufRead, impl BufRead),
    out1: &mut impl Write,
    out2: &mut impl Write,
) -> Result<(u64, u64), ArtError> {
    let mut m1 = MateReader::new(fq1, aln1, "read 1")?;
    let mut m2 = MateReader::new(fq2, aln2, "read 2")?;
    let mut rng = Pcg64Mcg::seed_from_u64(opts.seed);
    let (mut n, mut short) = (0u64, 0u64);
    let (mut t1, mut t2) = (Vec::new(), Vec::new());
    loop {
        let (a, b) = (m1.next(n + 1)?, m2.next(n + 1)?);
        let (a, b) = match (a, b) {
            (Some(a), Some(b)) => (a, b),
            (None, None) => break,
            _ => {
                return Err(fmt_err(
                    "read 2",
                    n + 1,
                    "the mates' files differ in length".into(),
                ));
            }
        };
        n += 1;
        let len = a.seq.len();
        let usable = !a.reference.is_empty()
            && !b.reference.is_empty()
            && a.reference.len() == len
            && b.reference.len() == b.seq.len();
        let frag = m1.genome_len.saturating_sub(a.pos + b.pos).max(len as u64);
        if usable && unit(&mut rng) < opts.short_fraction {
            let u = unit(&mut rng);
            let ins = if u < opts.dimer_share {
                0
            } else if u < opts.dimer_share + opts.tiny_share {
                rng.random_range(1..40usize.min(len).max(2))
            } else {
                rng.random_range(40.min(len - 1)..len)
            };
            let insert = &a.reference[..ins];
            let rc: Vec<u8> = insert.iter().rev().map(|&x| complement(x)).collect();
            rebuild(&a, insert, &opts.adapter_r1, &mut rng, &mut t1);
            rebuild(&b, &rc, &opts.adapter_r2, &mut rng, &mut t2);
            write_rec(out1, n, 1, ins as u64, &t1, &a.qual)?;
            write_rec(out2, n, 2, ins as u64, &t2, &b.qual)?;
            short += 1;
        } else {
            write_rec(out1, n, 1, frag, &a.seq, &a.qual)?;
            write_rec(out2, n, 2, frag, &b.seq, &b.qual)?;
        }
    }
    out1.flush()?;
    out2.flush()?;
    Ok((n, short))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "##ART_Illumina\tread_length\t8\n@SQ\tg\t100\n##Header End\n";

    fn inputs(pairs: &[(&str, &str, &str, &str)]) -> (String, String, String, String) {
        let (mut f1, mut a1, mut f2, mut a2) = (
            String::new(),
            HEAD.to_string(),
            String::new(),
            HEAD.to_string(),
        );
        for (i, (r1, s1, r2, s2)) in pairs.iter().enumerate() {
            a1 += &format!(">g\tg-{i}/1\t10\t+\n{r1}\n{s1}\n");
            a2 += &format!(">g\tg-{i}/2\t70\t-\n{r2}\n{s2}\n");
            f1 += &format!("@g-{i}/1\n{s1}\n+\n{}\n", "I".repeat(s1.len()));
            f2 += &format!("@g-{i}/2\n{s2}\n+\n{}\n", "5".repeat(s2.len()));
        }
        (f1, a1, f2, a2)
    }

    #[test]
    fn shortened_pairs_carry_adapters_and_art_errors() {
        // Read 1 has an error at cycle 1 (C -> T).
        let (f1, a1, f2, a2) = inputs(&[("ACGTACGA", "ATGTACGA", "TTTTCCCC", "TTTTCCCC"); 50]);
        let opts = ArtOptions {
            short_fraction: 1.0,
            dimer_share: 0.0,
            tiny_share: 1.0,
            adapter_r1: b"GGGGGGGG".to_vec(),
            adapter_r2: b"AAAAAAAA".to_vec(),
            seed: 4,
        };
        let (mut o1, mut o2) = (Vec::new(), Vec::new());
        let got = convert(
            &opts,
            (f1.as_bytes(), a1.as_bytes()),
            (f2.as_bytes(), a2.as_bytes()),
            &mut o1,
            &mut o2,
        );
        assert_eq!(got.ok(), Some((50, 50)));
        let l1: Vec<&[u8]> = o1.split(|&b| b == b'\n').collect();
        let l2: Vec<&[u8]> = o2.split(|&b| b == b'\n').collect();
        for rec in 0..50 {
            let h = l1[rec * 4];
            let ins = super::super::insert_from_title(h).unwrap_or(99);
            assert!((1..8).contains(&ins));
            let (s1, s2) = (l1[rec * 4 + 1], l2[rec * 4 + 1]);
            assert_eq!(s1[1], b'T', "ART's error kept at its cycle");
            let want1: Vec<u8> = b"ACGTACGA"[..ins]
                .iter()
                .chain(b"GGGGGGGG")
                .take(8)
                .copied()
                .collect();
            assert_eq!(&s1[2..], &want1[2..]);
            let rc: Vec<u8> = b"ACGTACGA"[..ins]
                .iter()
                .rev()
                .map(|&b| complement(b))
                .collect();
            assert_eq!(&s2[..ins], &rc[..]);
            assert!(s2[ins..].iter().all(|&b| b == b'A'));
            assert_eq!(l2[rec * 4 + 3], b"55555555");
        }
        // Nothing shortened: ART's reads unchanged, fragment length from the positions.
        let opts = ArtOptions {
            short_fraction: 0.0,
            ..opts
        };
        let (mut o1, mut o2) = (Vec::new(), Vec::new());
        let r = convert(
            &opts,
            (f1.as_bytes(), a1.as_bytes()),
            (f2.as_bytes(), a2.as_bytes()),
            &mut o1,
            &mut o2,
        );
        assert_eq!(r.ok(), Some((50, 0)));
        assert!(o1.starts_with(b"@ART:1:FCX:1:1101:1:1 1:N:0:ACGTACGT ins=20 cut=8\nATGTACGA\n"));
        // A truncated aln is an error naming the record.
        let bad = &a2[..a2.len() - 12];
        let r = convert(
            &opts,
            (f1.as_bytes(), a1.as_bytes()),
            (f2.as_bytes(), bad.as_bytes()),
            &mut Vec::new(),
            &mut Vec::new(),
        );
        assert!(
            matches!(r, Err(ArtError::Format { record: 50, .. })),
            "{r:?}"
        );
    }
}
