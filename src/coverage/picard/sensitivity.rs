//! HET_SNP_SENSITIVITY and HET_SNP_Q as Picard 2.27.5 computes them
//! (`TheoreticalSensitivity.hetSNPSensitivity`), reproduced bit for bit.
//!
//! The model, restated from Picard (facts, not code):
//! - inputs: the unfiltered depth histogram of the targets (capped at COVERAGE_CAP, bins
//!   0..=cap) and the unfiltered base-quality histogram (bins 0..=126), both normalised by
//!   their totals; only depths below 1001 are looked at (`N = min(cap + 1, 1001)`);
//! - a "roulette wheel" draws qualities by stochastic acceptance: with `java.util.Random`
//!   seeded 51, a try picks bin `(int) (127 * nextDouble())` and accepts it when a second
//!   `nextDouble()` is below the bin's weight over the largest weight; after 600 rejected
//!   tries a draw returns 0;
//! - SAMPLE_SIZE (10000) times, `N` draws are made and the running sums before each draw
//!   give one sample of the sum of `m` qualities for every `m < N` (the `N`-th draw is made
//!   and not used);
//! - a het SNP at depth `n` with `m` alt reads is called when the sum of `m` qualities is at
//!   least `10 * (n * log10(2) + 3)` (LOG_ODDS_THRESHOLD 3); `P[m][n]` is the share of the
//!   samples of `m`-sums that reach that threshold;
//! - `m` follows Binomial(n, 1/2), tabulated by `C(n, m) = C(n-1, m-1) * n / m`;
//! - the sensitivity is the sum over `n < N` and `m <= n` of
//!   `depth[n] * binomial[n][m] * P[m][n]`, added in that order;
//! - HET_SNP_Q is `(int) Math.round(-10 * log10(1 - sensitivity))` (an infinite value wraps to
//!   -1 as Java narrows `long` to `int`).
//!
//! The draws are made by [`super::wheel`] (where the time goes); the tests compare the whole
//! with a plain transcription of Picard's loops on random inputs.

use super::wheel::Wheel;

/// Picard's SAMPLE_SIZE default: samples of quality sums per number of alt reads.
pub const SAMPLE_SIZE: u32 = 10_000;
/// Picard's LOG_ODDS_THRESHOLD for HsMetrics' het sensitivity.
pub const LOG_ODDS_THRESHOLD: f64 = 3.0;
/// Deepest depth looked at.
const MAX_DEPTH: usize = 1000;

/// Picard's `normalizeHistogram`: each count over the total (summed in bin order as doubles).
pub(super) fn normalise(counts: &[u64]) -> Vec<f64> {
    let total: f64 = counts.iter().fold(0.0, |t, &c| t + c as f64);
    counts.iter().map(|&c| c as f64 / total).collect()
}

/// HET_SNP_SENSITIVITY from the unfiltered depth histogram (`depth[d]` = target bases at
/// depth `d`, capped) and the unfiltered base-quality histogram; None when the quality
/// histogram is empty (Picard stops with an error there).
pub fn het_snp_sensitivity(
    depth: &[u64],
    base_quality: &[u64],
    sample_size: u32,
    log_odds: f64,
) -> Option<f64> {
    let mut wheel = Wheel::new(&normalise(base_quality))?;
    let depth_share = normalise(depth);
    let n_depths = depth.len().min(MAX_DEPTH + 1);
    if n_depths == 0 {
        return Some(0.0);
    }
    // thresholds[n] = 10 * (n * log10(2) + log_odds); Java's Math.log10(2) is LOG10_2
    let thresholds: Vec<f64> = (0..n_depths)
        .map(|n| 10.0 * (n as f64 * std::f64::consts::LOG10_2 + log_odds))
        .collect();
    // above[s] = number of thresholds a quality sum s reaches
    let max_sum = (n_depths - 1) * base_quality.len().saturating_sub(1);
    let mut above = Vec::with_capacity(max_sum + 1);
    let mut reached = 0usize;
    for s in 0..=max_sum {
        while reached < n_depths && thresholds[reached] <= s as f64 {
            reached += 1;
        }
        above.push(reached as u32);
    }
    // reach[m][k]: samples of m-sums reaching exactly k thresholds
    let width = n_depths + 1;
    let mut reach = vec![0u32; n_depths * width];
    for _ in 0..sample_size {
        let mut sum = 0usize;
        for row in reach.chunks_exact_mut(width) {
            let k = above.get(sum).copied().unwrap_or(n_depths as u32) as usize;
            row[k] += 1;
            sum += wheel.draw();
        }
    }
    // below[m][n]: samples of m-sums below threshold n (Picard's index into the sorted sample)
    for row in reach.chunks_exact_mut(width) {
        let mut below = 0u32;
        for v in row.iter_mut() {
            below += *v;
            *v = below;
        }
    }
    let samples = f64::from(sample_size);
    let p_reach = |m: usize, n: usize| f64::from(sample_size - reach[m * width + n]) / samples;
    let mut result = 0.0f64;
    let mut prev: Vec<f64> = Vec::new();
    let mut row: Vec<f64> = Vec::with_capacity(n_depths);
    for (n, &dn) in depth_share.iter().enumerate().take(n_depths) {
        // Binomial(n, 1/2): 0.5^n at both ends, C(n-1, m-1) * n / m * 0.5 in between
        row.clear();
        row.push(0.5f64.powi(n as i32));
        for m in 1..n {
            row.push((n as f64 * 0.5 / m as f64) * prev[m - 1]);
        }
        if n > 0 {
            row.push(row[0]);
        }
        for (m, &b) in row.iter().enumerate() {
            result += dn * b * p_reach(m, n);
        }
        std::mem::swap(&mut prev, &mut row);
    }
    Some(result)
}

/// HET_SNP_Q: `QualityUtil.getPhredScoreFromErrorProbability(1 - sensitivity)`, i.e.
/// `(int) Math.round(-10 * log10(1 - sensitivity))` with Java's rounding and narrowing.
pub fn het_snp_q(sensitivity: f64) -> i32 {
    let x = -10.0 * (1.0 - sensitivity).log10();
    if x.is_nan() {
        return 0;
    }
    // Math.round: the nearest long, halves up, saturating; then (int) keeps the low 32 bits
    let f = x.floor();
    let r = if x - f >= 0.5 { f + 1.0 } else { f };
    r as i64 as i32
}

/// Both fields with Picard's defaults (SAMPLE_SIZE 10000, LOG_ODDS_THRESHOLD 3).
pub fn het_snp(depth: &[u64], base_quality: &[u64]) -> Option<(f64, i32)> {
    let s = het_snp_sensitivity(depth, base_quality, SAMPLE_SIZE, LOG_ODDS_THRESHOLD)?;
    Some((s, het_snp_q(s)))
}

#[cfg(test)]
mod tests {
    use super::super::java_random::JavaRandom;
    use super::super::wheel::{RANDOM_SEED, SAMPLING_MAX};
    use super::*;

    /// Picard's loops as written (lists of samples, sorted; draws one double at a time):
    /// the oracle for the fast path.
    fn naive(depth: &[u64], quality: &[u64], sample_size: u32, log_odds: f64) -> Option<f64> {
        let weights = normalise(quality);
        let max = weights.iter().copied().fold(0.0f64, f64::max);
        if max == 0.0 {
            return None;
        }
        let probs: Vec<f64> = weights.iter().map(|w| w / max).collect();
        let mut rng = JavaRandom::new(RANDOM_SEED);
        let mut count = 0;
        let mut draw = || loop {
            let n = (probs.len() as f64 * rng.next_double()) as usize;
            count += 1;
            if rng.next_double() < probs[n] {
                count = 0;
                return n as i64;
            } else if count >= SAMPLING_MAX {
                count = 0;
                return 0;
            }
        };
        let depth_d = normalise(depth);
        let n_max = depth.len().min(MAX_DEPTH + 1);
        let mut sums: Vec<Vec<i64>> = vec![Vec::new(); n_max];
        for _ in 0..sample_size {
            let mut c = 0;
            for s in sums.iter_mut() {
                s.push(c);
                c += draw();
            }
        }
        let thr: Vec<f64> = (0..n_max)
            .map(|n| 10.0 * (n as f64 * 2f64.log10() + log_odds))
            .collect();
        let mut p = Vec::new();
        for list in &mut sums {
            list.sort_unstable();
            let mut row = vec![0.0; thr.len()];
            let (mut n, mut j) = (0, 0);
            while n < thr.len() && j < list.len() {
                if thr[n] > list[j] as f64 {
                    j += 1;
                } else {
                    row[n] = (list.len() - j) as f64 / list.len() as f64;
                    n += 1;
                }
            }
            p.push(row);
        }
        let mut table: Vec<Vec<f64>> = Vec::new();
        for n in 0..n_max {
            let mut r = vec![0.5f64.powi(n as i32)];
            for m in 1..n {
                r.push((n as f64 * 0.5 / m as f64) * table[n - 1][m - 1]);
            }
            if n > 0 {
                r.push(r[0]);
            }
            table.push(r);
        }
        let mut result = 0.0;
        for n in 0..n_max {
            for m in 0..=n {
                result += depth_d[n] * table[n][m] * p[m][n];
            }
        }
        Some(result)
    }

    /// A small seeded xorshift for random histograms.
    struct XorShift(u64);
    impl XorShift {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
    }

    fn random_hists(r: &mut XorShift) -> (Vec<u64>, Vec<u64>) {
        let cap = 1 + (r.next() % 60) as usize;
        let mut depth = vec![0u64; cap + 1];
        for _ in 0..1 + r.next() % 8 {
            let d = (r.next() % (cap as u64 + 1)) as usize;
            depth[d] += 1 + r.next() % 1000;
        }
        // few bins (binned qualities: long runs of rejected tries, some draws give up) or
        // many, anywhere in 3..=126
        let mut quality = vec![0u64; 127];
        let live = if r.next().is_multiple_of(2) { 3 } else { 60 };
        for _ in 0..1 + r.next() % live {
            let q = 3 + (r.next() % 124) as usize;
            quality[q] += 1 + r.next() % 100_000;
        }
        (depth, quality)
    }

    #[test]
    fn fast_path_equals_picards_loops_bit_for_bit() {
        let mut r = XorShift(0x9E37_79B9_7F4A_7C15);
        for case in 0..60 {
            let (depth, quality) = random_hists(&mut r);
            let samples = 50 + (r.next() % 200) as u32;
            let fast = het_snp_sensitivity(&depth, &quality, samples, LOG_ODDS_THRESHOLD);
            let slow = naive(&depth, &quality, samples, LOG_ODDS_THRESHOLD);
            assert_eq!(
                fast.map(f64::to_bits),
                slow.map(f64::to_bits),
                "case {case}: {depth:?} {quality:?}"
            );
            let s = fast.unwrap_or(f64::NAN);
            assert!((0.0..=1.0).contains(&s), "case {case}: {s} in [0, 1]");
        }
    }

    #[test]
    fn more_depth_at_high_quality_gives_more_sensitivity() {
        // Picard's model is not monotone in depth in general (at Q40 alone, 3 reads call a
        // het SNP with P(alt >= 1) = 7/8 and 4 reads need 2 alt reads: 11/16), but with
        // enough depth it approaches 1
        let mut q = vec![0u64; 127];
        q[37] = 70;
        q[23] = 20;
        q[12] = 10;
        let at = |d: usize| {
            let mut h = vec![0u64; 201];
            h[d] = 1;
            het_snp_sensitivity(&h, &q, 2000, LOG_ODDS_THRESHOLD).unwrap_or(f64::NAN)
        };
        assert_eq!(at(0), 0.0);
        let (s10, s30, s100) = (at(10), at(30), at(100));
        assert!(s10 < s30 && s30 < s100, "{s10} {s30} {s100}");
        assert!(s100 > 0.999, "{s100}");
        let (s3, s4) = {
            let mut q40 = vec![0u64; 127];
            q40[40] = 1;
            let one = |d: usize| {
                let mut h = vec![0u64; 11];
                h[d] = 1;
                het_snp_sensitivity(&h, &q40, 5000, LOG_ODDS_THRESHOLD).unwrap_or(f64::NAN)
            };
            (one(3), one(4))
        };
        assert!(s3 > s4, "{s3} {s4}");
    }

    #[test]
    fn phred_of_the_miss_rate_rounds_and_wraps_as_java() {
        assert_eq!(het_snp_q(0.647109), 5);
        assert_eq!(het_snp_q(0.252427), 1);
        assert_eq!(het_snp_q(0.0), 0);
        assert_eq!(het_snp_q(0.9), 10);
        assert_eq!(het_snp_q(0.5), 3);
        assert_eq!(het_snp_q(0.7), 5);
        // log10(0) = -inf: Math.round gives Long.MAX_VALUE, (int) keeps its low bits: -1
        assert_eq!(het_snp_q(1.0), -1);
        assert_eq!(het_snp_q(f64::NAN), 0);
        // Java's Math.log10(2) bits (OpenJDK 17: Double.doubleToRawLongBits(Math.log10(2)))
        assert_eq!(
            std::f64::consts::LOG10_2.to_bits(),
            4_599_094_494_223_104_511
        );
    }
}
