//! Read and pair acceptance rules, with fastp's checks, order and defaults.
//!
//! A read is checked in fastp's order: empty → too short (passes when length filtering is off); too many low-quality bases; mean
//! quality; N bases; length; maximum length; low complexity. For a pair, each mate gets its own
//! reason; the pair is dropped when either fails (its reason is the worse one), and a caller
//! may keep the surviving mate as unpaired.

mod counts;
mod reason;

pub use reason::Reason;

use crate::fastq::ReadBuf;

/// Filter settings. [`Default`] is fastp's: `-q 15 -u 40 -n 5 -l 15`, no mean quality, no
/// maximum length, complexity filter off (threshold 30 when on).
#[derive(Debug, Clone, PartialEq)]
pub struct FilterOptions {
    /// Quality filtering on (fastp `-Q/--disable_quality_filtering` turns it off; that also
    /// disables the N limit, as in fastp).
    pub quality_filtering: bool,
    /// A base is qualified at this Phred quality or above (`-q`, 15).
    pub qualified_quality_phred: u8,
    /// Percent of unqualified bases allowed (`-u`, 40).
    pub unqualified_percent_limit: f64,
    /// Maximum N bases (`-n`, 5).
    pub n_base_limit: usize,
    /// Maximum N bases as a fraction of the length (cutadapt `--max-n 0.x`); `None` = off.
    pub n_base_fraction: Option<f64>,
    /// Minimum integer mean quality (`-e/--average_qual`), 0 = off.
    pub average_qual: u8,
    /// Length filtering on (fastp `-L/--disable_length_filtering` turns it off).
    pub length_filtering: bool,
    /// Minimum length (`-l/--length_required`, 15).
    pub length_required: usize,
    /// Maximum length, 0 = none (`--length_limit`).
    pub length_limit: usize,
    /// Low-complexity filter (`-y`).
    pub low_complexity_filter: bool,
    /// Complexity threshold in percent (`-Y`, 30): share of bases differing from the next base.
    pub complexity_threshold: f64,
}

impl Default for FilterOptions {
    fn default() -> Self {
        FilterOptions {
            quality_filtering: true,
            qualified_quality_phred: 15,
            unqualified_percent_limit: 40.0,
            n_base_limit: 5,
            n_base_fraction: None,
            average_qual: 0,
            length_filtering: true,
            length_required: 15,
            length_limit: 0,
            low_complexity_filter: false,
            complexity_threshold: 30.0,
        }
    }
}

/// The read filter, built once and shared by workers.
#[derive(Debug, Clone)]
pub struct Filter {
    opts: FilterOptions,
}

impl Filter {
    /// Builds the filter.
    pub fn new(opts: &FilterOptions) -> Self {
        Filter { opts: opts.clone() }
    }

    /// The options this filter was built from.
    pub fn options(&self) -> &FilterOptions {
        &self.opts
    }

    /// Why `r` would be dropped, or [`Reason::Passed`].
    pub fn verdict(&self, r: &ReadBuf) -> Reason {
        let o = &self.opts;
        let len = r.len();
        if len == 0 {
            // fastp drops empty reads as too short; without length filtering they pass.
            return if o.length_filtering && o.length_required > 0 {
                Reason::TooShort
            } else {
                Reason::Passed
            };
        }
        if o.quality_filtering {
            let qualified = 33 + o.qualified_quality_phred;
            let (low, total, n) = if r.qual.len() == len {
                // One fused pass; the Phred sum only when a mean quality is asked for.
                let c = if o.average_qual > 0 {
                    counts::counts::<true>(&r.seq, &r.qual, qualified)
                } else {
                    counts::counts::<false>(&r.seq, &r.qual, qualified)
                };
                (c.low, c.total, c.n)
            } else {
                let (low, total) = quality_counts(&r.qual, qualified);
                (low, total, n_count(&r.seq))
            };
            if low as f64 > o.unqualified_percent_limit * len as f64 / 100.0 {
                return Reason::LowQuality;
            }
            if o.average_qual > 0 && total / (len as u64) < o.average_qual as u64 {
                return Reason::LowMeanQuality;
            }
            if n > o.n_base_limit {
                return Reason::TooManyN;
            }
            if o.n_base_fraction.is_some_and(|f| n as f64 > f * len as f64) {
                return Reason::TooManyN;
            }
        }
        if o.length_filtering {
            if len < o.length_required {
                return Reason::TooShort;
            }
            if o.length_limit > 0 && len > o.length_limit {
                return Reason::TooLong;
            }
        }
        if o.low_complexity_filter && complexity(&r.seq) * 100.0 < o.complexity_threshold {
            return Reason::LowComplexity;
        }
        Reason::Passed
    }

    /// Verdicts of both mates; the pair passes only when both pass (its reason is the max).
    pub fn verdict_pair(&self, r1: &ReadBuf, r2: &ReadBuf) -> (Reason, Reason) {
        (self.verdict(r1), self.verdict(r2))
    }
}

/// Bases below `qualified` and the sum of Phred scores, in one vectorized pass.
fn quality_counts(qual: &[u8], qualified: u8) -> (usize, u64) {
    let (mut low, mut total) = (0usize, 0u64);
    // 128 qualities: the low count fits a byte lane and the Phred sum (<= 128 * 222) a 16-bit
    // lane, so the compiler packs 16 and 8 of them per vector.
    for c in qual.chunks(128) {
        let (mut l, mut t) = (0u8, 0u16);
        for &q in c {
            l += u8::from(q < qualified);
            t += u16::from(q.saturating_sub(33));
        }
        low += usize::from(l);
        total += u64::from(t);
    }
    (low, total)
}

/// `N` or `n` bases.
fn n_count(seq: &[u8]) -> usize {
    // 255 bases per byte-lane count: sixteen bases per SSE2 compare.
    let mut n = 0usize;
    for c in seq.chunks(255) {
        let mut k = 0u8;
        for &b in c {
            k += u8::from(b | 0x20 == b'n');
        }
        n += usize::from(k);
    }
    n
}

/// fastp's complexity: the share of bases that differ from the next one (0 for reads of 0–1 bases).
pub fn complexity(seq: &[u8]) -> f64 {
    if seq.len() <= 1 {
        return 0.0;
    }
    let diff = seq.windows(2).filter(|w| w[0] != w[1]).count();
    diff as f64 / (seq.len() - 1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rb(seq: &[u8], qual: &[u8]) -> ReadBuf {
        ReadBuf {
            head: b"r".to_vec(),
            seq: seq.to_vec(),
            plus: Vec::new(),
            qual: qual.to_vec(),
        }
    }

    #[test]
    fn quality_counts_equal_a_plain_count() {
        let qual: Vec<u8> = (0..1000u32).map(|i| (i * 7919 % 256) as u8).collect();
        for n in [0, 1, 127, 128, 129, 300, 1000] {
            let q = &qual[..n];
            let low = q.iter().filter(|&&c| c < 48).count();
            let total: u64 = q.iter().map(|&c| u64::from(c.saturating_sub(33))).sum();
            assert_eq!(quality_counts(q, 48), (low, total), "{n}");
        }
    }

    #[test]
    fn n_count_equals_a_plain_count() {
        // All-N stretches longer than a byte lane's 255, both cases, other bytes between.
        let seq: Vec<u8> = (0..2000u32)
            .map(|i| match i % 700 {
                0..300 => b'N',
                300..320 => b'n',
                _ => b"ACGT.M"[(i % 6) as usize],
            })
            .collect();
        for n in [0, 1, 254, 255, 256, 300, 511, 1000, 2000] {
            let want = seq[..n].iter().filter(|&&b| b == b'N' || b == b'n').count();
            assert_eq!(n_count(&seq[..n]), want, "{n} bases");
        }
    }

    #[test]
    fn fastp_defaults_and_order() {
        let f = Filter::new(&FilterOptions::default());
        let good = rb(&[b'A'; 20], &[b'I'; 20]);
        assert_eq!(f.verdict(&good), Reason::Passed);
        assert_eq!(f.verdict(&rb(b"", b"")), Reason::TooShort);
        assert_eq!(f.verdict(&rb(&[b'A'; 14], &[b'I'; 14])), Reason::TooShort);
        // 8 of 20 below Q15 = 40%: allowed; 9 is not.
        let mut q = vec![b'I'; 20];
        q[..8].fill(b'+'); // Q10
        assert_eq!(f.verdict(&rb(&[b'A'; 20], &q)), Reason::Passed);
        q[8] = b'+';
        assert_eq!(f.verdict(&rb(&[b'A'; 20], &q)), Reason::LowQuality);
        // All-N read with good qualities: N limit.
        assert_eq!(f.verdict(&rb(&[b'N'; 20], &[b'I'; 20])), Reason::TooManyN);
        let mut s = vec![b'A'; 20];
        s[..5].fill(b'N');
        assert_eq!(f.verdict(&rb(&s, &[b'I'; 20])), Reason::Passed);
        // Low quality wins over too short (fastp checks quality first).
        assert_eq!(f.verdict(&rb(b"AC", b"##")), Reason::LowQuality);
        let pair = f.verdict_pair(&good, &rb(b"AC", b"II"));
        assert_eq!(pair.0.max(pair.1), Reason::TooShort);
    }

    #[test]
    fn complexity_and_limits() {
        let f = Filter::new(&FilterOptions {
            low_complexity_filter: true,
            length_limit: 30,
            average_qual: 30,
            ..FilterOptions::default()
        });
        assert_eq!(
            f.verdict(&rb(&[b'A'; 20], &[b'I'; 20])),
            Reason::LowComplexity
        );
        assert_eq!(
            f.verdict(&rb(&b"ACGT".repeat(5), &[b'I'; 20])),
            Reason::Passed
        );
        assert_eq!(
            f.verdict(&rb(&b"ACGT".repeat(10), &[b'I'; 40])),
            Reason::TooLong
        );
        assert_eq!(
            f.verdict(&rb(&b"ACGT".repeat(5), &[b'5'; 20])),
            Reason::LowMeanQuality
        );
        assert!((complexity(b"AACC") - 1.0 / 3.0).abs() < 1e-9);
    }
}
