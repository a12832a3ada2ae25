//! Deterministic Illumina-like paired-end read simulator.
//!
//! Used for demo data, `panelprep bench`, memory tests and trimming accuracy. Fragments are drawn
//! from a random genome; when a fragment (insert) is shorter than the read length, each read runs
//! into its adapter and then into a poly-G (two-colour chemistry) or random tail. Base errors rise
//! linearly along the read and the qualities reflect them. The true insert length is written into
//! the comment of both mates (`ins=N`), so any trimmer's output can be scored.
//!
//! Behind the `simulate` feature (on with the default `cli`): the only user of `rand`.
//!
//! # Examples
//!
//! ```
//! use panelprep::simulate::{SimOptions, Simulator};
//! let mut sim = Simulator::new(SimOptions { pairs: 2, ..SimOptions::default() });
//! let p = sim.next_pair().unwrap();
//! assert!(p.r1.starts_with(b"@SIM:"));
//! assert!(sim.next_pair().is_some());
//! assert!(sim.next_pair().is_none());
//! ```

use rand::{Rng, RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;
use std::io::Write;

pub mod art;
mod profile;
mod realistic;

pub use profile::Profile;
use profile::{bin_quality, unit};

/// Illumina TruSeq read 1 adapter (also what fastp and cutadapt use for TruSeq).
pub const TRUSEQ_R1: &[u8] = b"AGATCGGAAGAGCACACGTCTGAACTCCAGTCA";
/// Illumina TruSeq read 2 adapter.
pub const TRUSEQ_R2: &[u8] = b"AGATCGGAAGAGCGTCGTGTAGGGAAAGAGTGT";

/// Simulation parameters. [`Default`] gives an FFPE-like 2x150 run with many short inserts.
#[derive(Debug, Clone, PartialEq)]
pub struct SimOptions {
    /// Number of read pairs to produce.
    pub pairs: u64,
    /// Read length (both mates).
    pub read_len: usize,
    /// Seed: the same options and seed always give the same bytes.
    pub seed: u64,
    /// Mean insert (fragment) length.
    pub insert_mean: f64,
    /// Standard deviation of the insert length (normal, clamped).
    pub insert_sd: f64,
    /// Shortest insert produced (smaller draws are clamped up to this).
    pub insert_min: usize,
    /// Adapter read after the insert in read 1.
    pub adapter_r1: Vec<u8>,
    /// Adapter read after the insert in read 2.
    pub adapter_r2: Vec<u8>,
    /// Per-base substitution probability at the first cycle.
    pub error_start: f64,
    /// Per-base substitution probability at the last cycle (linear in between).
    pub error_end: f64,
    /// Emit NovaSeq-style binned qualities (2, 12, 23, 37).
    pub binned_qualities: bool,
    /// Two-colour chemistry: NovaSeq instrument names and poly-G after the adapter.
    pub two_colour: bool,
    /// Length of the random reference the fragments come from.
    pub genome_len: usize,
    /// Quality profile; [`Profile::Legacy`] (the default) ignores the fields below and keeps
    /// the original output byte for byte.
    pub profile: Profile,
    /// Share of pairs that are adapter dimers (insert 0).
    pub dimer_fraction: f64,
    /// Share of pairs with a very short insert (1 to 39 bases, uniform).
    pub short_fraction: f64,
    /// Per-base probability of a one-base insertion or deletion in a read's insert part
    /// (half each). The read's own cut point is then written as `cut=N` in its name.
    pub indel_rate: f64,
    /// Share of reads 2 whose tail fails (from a random cycle past a third of the read on,
    /// qualities 2-14 and errors to match); read 1 gets a fifth of this share.
    pub low_tail_fraction: f64,
    /// Share of pairs whose read 2 failed altogether (all qualities 2-14, half its bases wrong).
    pub failed_r2_fraction: f64,
}

impl Default for SimOptions {
    fn default() -> Self {
        SimOptions {
            pairs: 10_000,
            read_len: 150,
            seed: 1,
            insert_mean: 170.0,
            insert_sd: 60.0,
            insert_min: 20,
            adapter_r1: TRUSEQ_R1.to_vec(),
            adapter_r2: TRUSEQ_R2.to_vec(),
            error_start: 0.001,
            error_end: 0.01,
            binned_qualities: true,
            two_colour: false,
            genome_len: 1_000_000,
            profile: Profile::Legacy,
            dimer_fraction: 0.0,
            short_fraction: 0.0,
            indel_rate: 0.0,
            low_tail_fraction: 0.0,
            failed_r2_fraction: 0.0,
        }
    }
}

impl SimOptions {
    /// Options imitating `profile` on a 2x150 panel run: the profile's qualities, 8% of
    /// reads 2 (1.6% of reads 1) with a failing tail, 1% of reads 2 failed altogether, 2%
    /// adapter dimers, 3% inserts of 1-39 bases, indels at 1 in 5,000 bases; NovaSeq also
    /// two-colour (poly-G after the adapter, NovaSeq names). With [`Profile::Legacy`], the
    /// defaults.
    pub fn realistic(profile: Profile) -> Self {
        if profile == Profile::Legacy {
            return SimOptions::default();
        }
        SimOptions {
            profile,
            binned_qualities: profile == Profile::NovaSeq,
            two_colour: profile == Profile::NovaSeq,
            dimer_fraction: 0.02,
            short_fraction: 0.03,
            indel_rate: 0.0002,
            low_tail_fraction: 0.08,
            failed_r2_fraction: 0.01,
            ..SimOptions::default()
        }
    }
}

/// One simulated pair, borrowing the simulator's reused buffers.
#[derive(Debug, Clone, Copy)]
pub struct SimPair<'a> {
    /// Read 1 as a complete FASTQ record (4 lines, each ending in `\n`).
    pub r1: &'a [u8],
    /// Read 2 as a complete FASTQ record.
    pub r2: &'a [u8],
    /// The true insert length; reads contain adapter from this position when it is below the read length.
    pub insert: usize,
}

/// The read generator. Create with [`Simulator::new`], then call [`Simulator::next_pair`].
pub struct Simulator {
    opts: SimOptions,
    rng: Pcg64Mcg,
    genome: Vec<u8>,
    emitted: u64,
    frag: Vec<u8>,
    seq: Vec<u8>,
    qual: Vec<u8>,
    rec1: Vec<u8>,
    rec2: Vec<u8>,
    /// Per-cycle error probability.
    err_p: Vec<f64>,
    /// Per-cycle nominal Phred quality of a correct base.
    q_ok: Vec<u8>,
}

const BASES: [u8; 4] = *b"ACGT";

fn complement(b: u8) -> u8 {
    match b {
        b'A' => b'T',
        b'C' => b'G',
        b'G' => b'C',
        b'T' => b'A',
        _ => b'N',
    }
}

fn push_u64(out: &mut Vec<u8>, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

impl Simulator {
    /// Builds the random genome and the per-cycle error model.
    pub fn new(opts: SimOptions) -> Self {
        let mut rng = Pcg64Mcg::seed_from_u64(opts.seed);
        let glen = opts.genome_len.max(opts.read_len.max(opts.insert_min) * 4);
        let mut genome = Vec::with_capacity(glen);
        while genome.len() < glen {
            let mut bits = rng.next_u64();
            for _ in 0..32 {
                if genome.len() == glen {
                    break;
                }
                genome.push(BASES[(bits & 3) as usize]);
                bits >>= 2;
            }
        }
        // Rare N bases in the reference (about 1 in 200 kb).
        for _ in 0..glen / 200_000 {
            let p = rng.random_range(0..glen);
            genome[p] = b'N';
        }
        let n = opts.read_len.max(1);
        let err_p: Vec<f64> = (0..n)
            .map(|i| {
                let f = if n > 1 {
                    i as f64 / (n - 1) as f64
                } else {
                    0.0
                };
                (opts.error_start + (opts.error_end - opts.error_start) * f).clamp(0.0, 0.75)
            })
            .collect();
        let q_ok = err_p
            .iter()
            .map(|&p| {
                let q = if p > 0.0 { -10.0 * p.log10() } else { 41.0 };
                q.round().clamp(2.0, 41.0) as u8
            })
            .collect();
        Simulator {
            opts,
            rng,
            genome,
            emitted: 0,
            frag: Vec::new(),
            seq: Vec::new(),
            qual: Vec::new(),
            rec1: Vec::new(),
            rec2: Vec::new(),
            err_p,
            q_ok,
        }
    }

    /// The options this simulator was built with.
    pub fn options(&self) -> &SimOptions {
        &self.opts
    }

    fn draw_insert(&mut self) -> usize {
        // Box-Muller normal draw.
        let u1: f64 = self.rng.random::<f64>().max(1e-300);
        let u2: f64 = self.rng.random::<f64>();
        let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
        let x = self.opts.insert_mean + self.opts.insert_sd * z;
        let max = self.genome.len();
        let ins = if x.is_finite() && x > 0.0 {
            x.round() as usize
        } else {
            0
        };
        ins.clamp(self.opts.insert_min.max(1), max)
    }

    /// Fills `self.seq`/`self.qual` with one read: `template` (already oriented), then adapter, then tail.
    fn make_read(&mut self, mate: usize, insert: usize) {
        let len = self.opts.read_len;
        self.seq.clear();
        self.qual.clear();
        let from_frag = insert.min(len);
        if mate == 0 {
            self.seq.extend_from_slice(&self.frag[..from_frag]);
        } else {
            // Reverse complement of the fragment's other end.
            let f = &self.frag;
            self.seq
                .extend(f.iter().rev().take(from_frag).map(|&b| complement(b)));
        }
        if self.seq.len() < len {
            let ad = if mate == 0 {
                &self.opts.adapter_r1
            } else {
                &self.opts.adapter_r2
            };
            let take = ad.len().min(len - self.seq.len());
            self.seq.extend_from_slice(&ad[..take]);
        }
        let tail_start = self.seq.len();
        while self.seq.len() < len {
            if self.opts.two_colour {
                self.seq.push(b'G');
            } else {
                let r = self.rng.next_u64();
                self.seq.push(BASES[(r & 3) as usize]);
            }
        }
        // Errors and qualities.
        for i in 0..len {
            let p = self.err_p[i];
            let r = self.rng.next_u64();
            // 53 random bits -> uniform in [0,1).
            let u = (r >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
            let noise = ((r & 7) as i32) - 3; // -3..=4
            let q = if i >= tail_start && self.opts.two_colour {
                // No-signal cycles: G called with middling quality.
                (20 + noise).clamp(2, 41) as u8
            } else if u < p {
                // Substitution error: a different base, low quality; sometimes an N call.
                let old = self.seq[i];
                if (r >> 3) & 31 == 0 {
                    self.seq[i] = b'N';
                    2
                } else {
                    let k = BASES.iter().position(|&b| b == old).unwrap_or(0);
                    let shift = 1 + ((r >> 8) % 3) as usize;
                    self.seq[i] = BASES[(k + shift) % 4];
                    (2 + ((r >> 3) % 16) as i32).clamp(2, 41) as u8
                }
            } else {
                (self.q_ok[i] as i32 + noise).clamp(2, 41) as u8
            };
            let q = if self.seq[i] == b'N' { 2 } else { q };
            let q = if self.opts.binned_qualities {
                bin_quality(q)
            } else {
                q
            };
            self.qual.push(q + 33);
        }
    }

    fn write_record(&mut self, mate: usize, x: u64, y: u64, insert: usize, cut: Option<usize>) {
        let rec = if mate == 0 {
            &mut self.rec1
        } else {
            &mut self.rec2
        };
        rec.clear();
        if self.opts.two_colour {
            rec.extend_from_slice(b"@A00123:8:FCX:1:");
        } else {
            rec.extend_from_slice(b"@SIM:1:FCX:1:");
        }
        push_u64(rec, 1101 + (self.emitted / 1_000_000) % 100);
        rec.push(b':');
        push_u64(rec, x);
        rec.push(b':');
        push_u64(rec, y);
        rec.push(b' ');
        rec.push(b'1' + mate as u8);
        rec.extend_from_slice(b":N:0:ACGTACGT ins=");
        push_u64(rec, insert as u64);
        if let Some(c) = cut {
            rec.extend_from_slice(b" cut=");
            push_u64(rec, c as u64);
        }
        rec.push(b'\n');
        rec.extend_from_slice(&self.seq);
        rec.extend_from_slice(b"\n+\n");
        rec.extend_from_slice(&self.qual);
        rec.push(b'\n');
    }

    /// Produces the next pair, or `None` once `pairs` pairs were made.
    pub fn next_pair(&mut self) -> Option<SimPair<'_>> {
        if self.emitted >= self.opts.pairs {
            return None;
        }
        let profiled = self.opts.profile != Profile::Legacy;
        let insert = if profiled {
            self.draw_insert_profiled()
        } else {
            self.draw_insert()
        };
        let start = self.rng.random_range(0..=self.genome.len() - insert);
        self.frag.clear();
        if self.rng.next_u64() & 1 == 0 {
            self.frag
                .extend_from_slice(&self.genome[start..start + insert]);
        } else {
            let g = &self.genome[start..start + insert];
            self.frag.extend(g.iter().rev().map(|&b| complement(b)));
        }
        let x = 1000 + self.emitted % 30_000;
        let y = 1000 + self.emitted / 30_000;
        if profiled {
            let failed = unit(&mut self.rng) < self.opts.failed_r2_fraction;
            let cut = self.make_read_profiled(0, insert, false);
            self.write_record(0, x, y, insert, Some(cut));
            let cut = self.make_read_profiled(1, insert, failed);
            self.write_record(1, x, y, insert, Some(cut));
        } else {
            self.make_read(0, insert);
            self.write_record(0, x, y, insert, None);
            self.make_read(1, insert);
            self.write_record(1, x, y, insert, None);
        }
        self.emitted += 1;
        Some(SimPair {
            r1: &self.rec1,
            r2: &self.rec2,
            insert,
        })
    }
}

/// Writes `opts.pairs` simulated pairs as FASTQ to `r1` and `r2` (buffered in 1 MiB blocks).
pub fn write_pairs(
    opts: &SimOptions,
    r1: &mut impl Write,
    r2: &mut impl Write,
) -> std::io::Result<()> {
    const BLOCK: usize = 1 << 20;
    let mut sim = Simulator::new(opts.clone());
    let mut b1 = Vec::with_capacity(BLOCK + 1024);
    let mut b2 = Vec::with_capacity(BLOCK + 1024);
    while let Some(p) = sim.next_pair() {
        b1.extend_from_slice(p.r1);
        b2.extend_from_slice(p.r2);
        if b1.len() >= BLOCK {
            r1.write_all(&b1)?;
            r2.write_all(&b2)?;
            b1.clear();
            b2.clear();
        }
    }
    r1.write_all(&b1)?;
    r2.write_all(&b2)?;
    r1.flush()?;
    r2.flush()
}

/// Reads a read's own cut point (where its adapter starts) from a simulated record's title
/// (`cut=N`, written by the profiled generator, where indels can move it off the insert length).
pub fn cut_from_title(title: &[u8]) -> Option<usize> {
    let pos = memchr::memmem::find(title, b" cut=")?;
    let digits = &title[pos + 5..];
    let end = digits
        .iter()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(digits.len());
    std::str::from_utf8(&digits[..end]).ok()?.parse().ok()
}

/// Reads the true insert length from a simulated record's title (`ins=N` in the comment).
pub fn insert_from_title(title: &[u8]) -> Option<usize> {
    let pos = memchr::memmem::find(title, b"ins=")?;
    let digits = &title[pos + 4..];
    let end = digits
        .iter()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(digits.len());
    std::str::from_utf8(&digits[..end]).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(rec: &[u8]) -> Vec<&[u8]> {
        rec.split(|&b| b == b'\n').collect()
    }

    fn revcomp(s: &[u8]) -> Vec<u8> {
        s.iter().rev().map(|&b| complement(b)).collect()
    }

    #[test]
    fn insert_is_recoverable_and_names_agree() {
        let mut sim = Simulator::new(SimOptions {
            pairs: 200,
            ..SimOptions::default()
        });
        let mut n = 0;
        while let Some(p) = sim.next_pair() {
            let l1 = lines(p.r1);
            let l2 = lines(p.r2);
            assert_eq!(l1.len(), 5, "4 lines plus trailing newline");
            assert_eq!(insert_from_title(l1[0]), Some(p.insert));
            assert_eq!(insert_from_title(l2[0]), Some(p.insert));
            let name1 = l1[0].split(|&b| b == b' ').next();
            let name2 = l2[0].split(|&b| b == b' ').next();
            assert_eq!(name1, name2);
            assert_eq!(l1[1].len(), 150);
            assert_eq!(l1[3].len(), 150);
            assert_eq!(l2[1].len(), 150);
            n += 1;
        }
        assert_eq!(n, 200);
    }

    #[test]
    fn deterministic_for_seed() {
        let opts = SimOptions {
            pairs: 50,
            ..SimOptions::default()
        };
        let run = |o: &SimOptions| {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            write_pairs(o, &mut a, &mut b).map(|_| (a, b))
        };
        let x = run(&opts).ok();
        let y = run(&opts).ok();
        assert!(x.is_some());
        assert_eq!(x, y);
        let z = run(&SimOptions {
            seed: 2,
            ..opts.clone()
        })
        .ok();
        assert_ne!(x, z);
    }

    #[test]
    fn adapter_starts_at_insert() {
        // No errors: the adapter must sit exactly at the insert end, and R2 must be the
        // reverse complement of R1's insert.
        let opts = SimOptions {
            pairs: 300,
            error_start: 0.0,
            error_end: 0.0,
            genome_len: 100_000,
            ..SimOptions::default()
        };
        let mut sim = Simulator::new(opts.clone());
        let mut short = 0;
        while let Some(p) = sim.next_pair() {
            let s1 = lines(p.r1)[1].to_vec();
            let s2 = lines(p.r2)[1].to_vec();
            if p.insert < opts.read_len {
                short += 1;
                let ins = p.insert;
                let n = (opts.read_len - ins).min(opts.adapter_r1.len());
                assert_eq!(&s1[ins..ins + n], &opts.adapter_r1[..n]);
                assert_eq!(&s2[ins..ins + n], &opts.adapter_r2[..n]);
                assert_eq!(revcomp(&s2[..ins]), s1[..ins].to_vec());
            } else {
                assert!(memchr::memmem::find(&s1, &opts.adapter_r1[..12]).is_none());
            }
        }
        assert!(short > 50, "default options should give many short inserts");
    }

    #[test]
    fn two_colour_and_binned() {
        let opts = SimOptions {
            pairs: 100,
            two_colour: true,
            insert_mean: 60.0,
            insert_sd: 5.0,
            ..SimOptions::default()
        };
        let mut sim = Simulator::new(opts);
        while let Some(p) = sim.next_pair() {
            let l = lines(p.r1);
            assert!(l[0].starts_with(b"@A00123:"));
            assert!(l[1].ends_with(b"GGGGGGGGGG"));
            assert!(l[3].iter().all(|q| b"#-8F".contains(q)));
        }
    }
}
