//! HsMetrics from the collector's counts and the finished target depths, and Picard's two
//! files: the metrics file (`O=`) and the per-target coverage (`PER_TARGET_COVERAGE=`).
//!
//! Definitions restated from Picard 2.27.5: depths of the merged targets go to a histogram
//! capped at COVERAGE_CAP, where a target without any covered base counts its whole length at
//! depth 0; MEDIAN_TARGET_COVERAGE is that histogram's median and FOLD_80_BASE_PENALTY the
//! uncapped mean over its 20th percentile; MEAN, MIN and MAX are uncapped;
//! ZERO_CVG_TARGETS_PCT divides the empty merged targets by the number of input intervals;
//! the PCT_EXC_* shares divide by PF_BASES_ALIGNED; HET_SNP_SENSITIVITY and HET_SNP_Q come
//! from the unfiltered depth and base-quality histograms (see [`super::sensitivity`]).
//!
//! Over 400 lines: each HsMetrics field is computed next to its restated definition, and the
//! two Picard file formats follow the fields they print.

use serde::Serialize;

use super::HsCounts;
use super::format::double;
use super::sensitivity;
use super::unfiltered::{self, QUALITY_BINS};
use crate::coverage::depth::ContigDepth;

/// Depths at which Picard reports PCT_TARGET_BASES_NX.
pub const TARGET_DEPTHS: [u64; 17] = [
    1, 2, 10, 20, 30, 40, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000,
];

/// Picard's penalty goals (HS_PENALTY_NX).
pub const PENALTY_GOALS: [u32; 6] = [10, 20, 30, 40, 50, 100];

/// One merged target as Picard sees it.
#[derive(Debug, Clone, Serialize)]
pub struct MergedTarget {
    /// Contig.
    pub contig: String,
    /// 0-based start.
    pub start: u64,
    /// 0-based exclusive end.
    pub end: u64,
    /// Names of the BED lines merged into it, distinct, in coordinate order, joined by `|`
    /// (`null` when none has a name, as Picard prints it).
    pub name: String,
    /// Reference id.
    pub rid: usize,
    /// Index of the span on its reference.
    pub span: usize,
    /// G+C share of its reference bases, when a reference was given.
    pub gc: Option<f64>,
}

/// Inputs of the HsMetrics besides the counts and depths.
#[derive(Debug, Clone)]
pub struct HsInputs<'a> {
    /// BAIT_SET (the bait file's name up to its first dot).
    pub bait_set: String,
    /// Merged targets in reference order.
    pub targets: &'a [MergedTarget],
    /// Input target intervals (BED lines on contigs of the BAM).
    pub n_intervals: usize,
    /// Merged bait territory.
    pub bait_territory: u64,
    /// Sum of the reference lengths of the BAM header.
    pub genome_size: u64,
    /// COVERAGE_CAP.
    pub coverage_cap: u32,
    /// The unfiltered depth and base-quality histograms (HET_SNP_SENSITIVITY's input).
    pub unfiltered: &'a unfiltered::Histograms,
}

/// Every HsMetrics field (AT/GC_DROPOUT need a reference and are 0 without one;
/// HET_SNP_SENSITIVITY and HET_SNP_Q are None, printed empty, when no base counts for them,
/// where Picard stops with an error).
#[derive(Debug, Clone, Default, Serialize)]
#[allow(non_snake_case, missing_docs)]
pub struct HsMetrics {
    pub BAIT_SET: String,
    pub BAIT_TERRITORY: u64,
    pub BAIT_DESIGN_EFFICIENCY: f64,
    pub ON_BAIT_BASES: u64,
    pub NEAR_BAIT_BASES: u64,
    pub OFF_BAIT_BASES: u64,
    pub PCT_SELECTED_BASES: f64,
    pub PCT_OFF_BAIT: f64,
    pub ON_BAIT_VS_SELECTED: f64,
    pub MEAN_BAIT_COVERAGE: f64,
    pub PCT_USABLE_BASES_ON_BAIT: f64,
    pub PCT_USABLE_BASES_ON_TARGET: f64,
    pub FOLD_ENRICHMENT: f64,
    pub HS_LIBRARY_SIZE: Option<u64>,
    pub HS_PENALTY: [f64; 6],
    pub TARGET_TERRITORY: u64,
    pub GENOME_SIZE: u64,
    pub TOTAL_READS: u64,
    pub PF_READS: u64,
    pub PF_BASES: u64,
    pub PF_UNIQUE_READS: u64,
    pub PF_UQ_READS_ALIGNED: u64,
    pub PF_BASES_ALIGNED: u64,
    pub PF_UQ_BASES_ALIGNED: u64,
    pub ON_TARGET_BASES: u64,
    pub PCT_PF_READS: f64,
    pub PCT_PF_UQ_READS: f64,
    pub PCT_PF_UQ_READS_ALIGNED: f64,
    pub MEAN_TARGET_COVERAGE: f64,
    pub MEDIAN_TARGET_COVERAGE: f64,
    pub MAX_TARGET_COVERAGE: u64,
    pub MIN_TARGET_COVERAGE: u64,
    pub ZERO_CVG_TARGETS_PCT: f64,
    pub PCT_EXC_DUPE: f64,
    pub PCT_EXC_ADAPTER: f64,
    pub PCT_EXC_MAPQ: f64,
    pub PCT_EXC_BASEQ: f64,
    pub PCT_EXC_OVERLAP: f64,
    pub PCT_EXC_OFF_TARGET: f64,
    pub FOLD_80_BASE_PENALTY: f64,
    pub PCT_TARGET_BASES: [f64; 17],
    pub AT_DROPOUT: f64,
    pub GC_DROPOUT: f64,
    pub HET_SNP_SENSITIVITY: Option<f64>,
    pub HET_SNP_Q: Option<i32>,
    /// The capped high-quality depth histogram (index = depth, 0..=cap).
    pub histogram: Vec<u64>,
    /// The unfiltered base-quality histogram (index = quality, 0..=126).
    pub base_quality_histogram: Vec<u64>,
}

/// `a / b` as Java divides doubles (NaN or infinity when `b` is 0).
fn div(a: f64, b: f64) -> f64 {
    a / b
}

/// Picard's `Histogram.getMedian` over a histogram with every bin present.
fn median(h: &[u64]) -> f64 {
    let count: f64 = h.iter().map(|&c| c as f64).sum();
    if count == 0.0 {
        return 0.0;
    }
    if count == 1.0 {
        return 0.0; // the first bin's id (bin 0 is always present)
    }
    let (lo, hi) = if count % 2.0 == 0.0 {
        (count / 2.0, count / 2.0 + 1.0)
    } else {
        ((count / 2.0).ceil(), (count / 2.0).ceil())
    };
    let (mut l, mut u) = (None, None);
    let mut total = 0.0;
    for (d, &c) in h.iter().enumerate() {
        total += c as f64;
        if l.is_none() && total >= lo {
            l = Some(d as f64);
        }
        if u.is_none() && total >= hi {
            u = Some(d as f64);
        }
        if l.is_some() && u.is_some() {
            break;
        }
    }
    (l.unwrap_or(0.0) + u.unwrap_or(0.0)) / 2.0
}

/// Picard's `Histogram.getPercentile` (NaN when empty, where Picard throws).
fn percentile(h: &[u64], p: f64) -> f64 {
    let total: f64 = h.iter().map(|&c| c as f64).sum();
    if total == 0.0 {
        return f64::NAN;
    }
    let mut so_far = 0.0;
    for (d, &c) in h.iter().enumerate() {
        so_far += c as f64;
        if so_far / total >= p {
            return d as f64;
        }
    }
    f64::NAN
}

/// Picard's library-size estimate (`DuplicationMetrics.estimateLibrarySize`).
pub fn estimate_library_size(pairs: u64, unique: u64) -> Option<u64> {
    let dups = pairs.saturating_sub(unique);
    if pairs == 0 || dups == 0 || unique == 0 {
        return None;
    }
    let (c, n) = (unique as f64, pairs as f64);
    let f = |x: f64| c / x - 1.0 + (-n / x).exp();
    let mut m = 1.0f64;
    let mut big_m = 100.0f64;
    if f(m * c) < 0.0 {
        return None;
    }
    while f(big_m * c) > 0.0 {
        big_m *= 10.0;
    }
    for _ in 0..40 {
        let r = (m + big_m) / 2.0;
        let u = f(r * c);
        if u == 0.0 {
            break;
        } else if u > 0.0 {
            m = r;
        } else {
            big_m = r;
        }
    }
    Some((c * (m + big_m) / 2.0) as u64)
}

fn estimate_roi(size: u64, x: f64, pairs: u64, unique: u64) -> f64 {
    let s = size as f64;
    s * (1.0 - (-(x * pairs as f64) / s).exp()) / unique as f64
}

/// HS_PENALTY_{goal}X as Picard's `calculateHsPenalty` computes it.
fn hs_penalty(m: &HsMetrics, c: &HsCounts, goal: u32) -> f64 {
    let Some(size) = m.HS_LIBRARY_SIZE else {
        return 0.0;
    };
    let mean = c.on_target_from_pair_bases as f64 / m.TARGET_TERRITORY as f64;
    let fold80 = m.FOLD_80_BASE_PENALTY;
    let (pairs, unique) = (c.pf_selected_pairs, c.pf_selected_unique_pairs);
    let on_target_pct = c.on_target_bases as f64 / c.pf_uq_bases_aligned as f64;
    let goal_mult = (f64::from(goal) / mean) * fold80;
    let mut mult = goal_mult;
    let mut inc = 1.0;
    let mut up = goal_mult >= 1.0;
    let mut fin = -1.0;
    for _ in 0..10000 {
        let u = estimate_roi(size, mult, pairs, unique);
        if (u - goal_mult).abs() / goal_mult <= 0.001 {
            fin = mult;
            break;
        } else if (u > goal_mult && up) || (u < goal_mult && !up) {
            inc /= 2.0;
            up = !up;
        }
        mult += if up { inc } else { -inc };
    }
    if fin == -1.0 {
        -1.0
    } else {
        let unique_fraction = (unique as f64 * goal_mult) / (pairs as f64 * fin);
        (1.0 / unique_fraction) * fold80 * (1.0 / on_target_pct)
    }
}

/// Computes HsMetrics from the counts and the finished depths of `contigs`.
pub fn compute(c: &HsCounts, contigs: &[ContigDepth], inp: &HsInputs<'_>) -> HsMetrics {
    let cap = inp.coverage_cap as usize;
    let mut hist = vec![0u64; cap + 1];
    let mut zero_targets = 0usize;
    let mut total_coverage = 0u64;
    let mut max_depth = 0u64;
    let mut min_depth = u64::MAX;
    let mut at_least = [0u64; 18];
    let mut territory = 0u64;
    for t in inp.targets {
        let depths = &contigs[t.rid].spans[t.span].depth;
        let len = depths.len() as u64;
        territory += len;
        if depths.iter().all(|&d| d <= 0) {
            zero_targets += 1;
            hist[0] += len;
            at_least[0] += len;
            min_depth = 0;
            continue;
        }
        for &d in depths {
            let d = d.max(0) as u64;
            total_coverage += d;
            hist[(d as usize).min(cap)] += 1;
            max_depth = max_depth.max(d);
            min_depth = min_depth.min(d);
            at_least[0] += 1;
            for (i, &t) in TARGET_DEPTHS.iter().enumerate() {
                if d >= t {
                    at_least[i + 1] += 1;
                } else {
                    break;
                }
            }
        }
    }
    let mut m = HsMetrics {
        BAIT_SET: inp.bait_set.clone(),
        BAIT_TERRITORY: inp.bait_territory,
        TARGET_TERRITORY: territory,
        GENOME_SIZE: inp.genome_size,
        TOTAL_READS: c.total_reads,
        PF_READS: c.pf_reads,
        PF_BASES: c.pf_bases,
        PF_UNIQUE_READS: c.pf_unique_reads,
        PF_UQ_READS_ALIGNED: c.pf_uq_reads_aligned,
        PF_BASES_ALIGNED: c.pf_bases_aligned,
        PF_UQ_BASES_ALIGNED: c.pf_uq_bases_aligned,
        ON_TARGET_BASES: c.on_target_bases,
        ON_BAIT_BASES: c.on_bait_bases,
        NEAR_BAIT_BASES: c.near_bait_bases,
        OFF_BAIT_BASES: c.off_bait_bases,
        ..Default::default()
    };
    let f = |x: u64| x as f64;
    m.PCT_PF_READS = div(f(c.pf_reads), f(c.total_reads));
    m.PCT_PF_UQ_READS = div(f(c.pf_unique_reads), f(c.total_reads));
    m.PCT_PF_UQ_READS_ALIGNED = div(f(c.pf_uq_reads_aligned), f(c.pf_unique_reads));
    let denom = f(c.on_bait_bases + c.near_bait_bases + c.off_bait_bases);
    m.PCT_SELECTED_BASES = div(f(c.on_bait_bases + c.near_bait_bases), denom);
    m.PCT_OFF_BAIT = div(f(c.off_bait_bases), denom);
    m.ON_BAIT_VS_SELECTED = div(f(c.on_bait_bases), f(c.on_bait_bases + c.near_bait_bases));
    m.MEAN_BAIT_COVERAGE = div(f(c.on_bait_bases), f(inp.bait_territory));
    m.FOLD_ENRICHMENT =
        div(f(c.on_bait_bases), denom) / div(f(inp.bait_territory), f(inp.genome_size));
    let aligned = f(c.pf_bases_aligned);
    m.PCT_EXC_DUPE = div(f(c.exc_dupe), aligned);
    m.PCT_EXC_ADAPTER = div(f(c.exc_adapter), aligned);
    m.PCT_EXC_MAPQ = div(f(c.exc_mapq), aligned);
    m.PCT_EXC_BASEQ = div(f(c.exc_baseq), aligned);
    m.PCT_EXC_OVERLAP = div(f(c.exc_overlap), aligned);
    m.PCT_EXC_OFF_TARGET = div(f(c.exc_off_target), aligned);
    m.MEAN_TARGET_COVERAGE = div(f(total_coverage), f(territory));
    m.MEDIAN_TARGET_COVERAGE = median(&hist);
    m.MAX_TARGET_COVERAGE = max_depth;
    m.MIN_TARGET_COVERAGE = min_depth.min(max_depth);
    m.FOLD_80_BASE_PENALTY = m.MEAN_TARGET_COVERAGE / percentile(&hist, 0.2);
    m.ZERO_CVG_TARGETS_PCT = div(zero_targets as f64, inp.n_intervals as f64);
    for (i, p) in m.PCT_TARGET_BASES.iter_mut().enumerate() {
        *p = div(f(at_least[i + 1]), f(at_least[0]));
    }
    m.BAIT_DESIGN_EFFICIENCY = div(f(territory), f(inp.bait_territory));
    m.PCT_USABLE_BASES_ON_BAIT = div(f(c.on_bait_bases), f(c.pf_bases));
    m.PCT_USABLE_BASES_ON_TARGET = div(f(c.on_target_bases), f(c.pf_bases));
    m.HS_LIBRARY_SIZE = estimate_library_size(c.pf_selected_pairs, c.pf_selected_unique_pairs);
    for (i, &g) in PENALTY_GOALS.iter().enumerate() {
        m.HS_PENALTY[i] = hs_penalty(&m, c, g);
    }
    if inp.targets.iter().all(|t| t.gc.is_some()) && !inp.targets.is_empty() {
        let (at, gc) = dropout(contigs, inp.targets);
        m.AT_DROPOUT = at;
        m.GC_DROPOUT = gc;
    }
    if let Some((s, q)) = sensitivity::het_snp(&inp.unfiltered.depth, &inp.unfiltered.quality) {
        m.HET_SNP_SENSITIVITY = Some(s);
        m.HET_SNP_Q = Some(q);
    }
    m.histogram = hist;
    m.base_quality_histogram = inp.unfiltered.quality.clone();
    m
}

/// AT_DROPOUT and GC_DROPOUT (Picard's `calculateGcMetrics`).
fn dropout(contigs: &[ContigDepth], targets: &[MergedTarget]) -> (f64, f64) {
    let mut target_by_gc = [0u64; 101];
    let mut aligned_by_gc = [0u64; 101];
    for t in targets {
        let Some(g) = t.gc else { continue };
        let bin = (g * 100.0).round() as usize;
        let d = &contigs[t.rid].spans[t.span].depth;
        target_by_gc[bin.min(100)] += d.len() as u64;
        aligned_by_gc[bin.min(100)] += d.iter().map(|&x| x.max(0) as u64).sum::<u64>();
    }
    let tt: u64 = target_by_gc.iter().sum();
    let ta: u64 = aligned_by_gc.iter().sum();
    let (mut at, mut gc) = (0.0, 0.0);
    for i in 0..101 {
        let tp = target_by_gc[i] as f64 / tt as f64;
        let ap = aligned_by_gc[i] as f64 / ta as f64;
        let mut drop = (ap - tp) * 100.0;
        if drop < 0.0 {
            drop = drop.abs();
            if i <= 50 {
                at += drop;
            }
            if i >= 50 {
                gc += drop;
            }
        }
    }
    (at, gc)
}

/// Field names of Picard's HsMetrics line, in its order.
pub fn field_names() -> Vec<String> {
    let mut v: Vec<String> = [
        "BAIT_SET",
        "BAIT_TERRITORY",
        "BAIT_DESIGN_EFFICIENCY",
        "ON_BAIT_BASES",
        "NEAR_BAIT_BASES",
        "OFF_BAIT_BASES",
        "PCT_SELECTED_BASES",
        "PCT_OFF_BAIT",
        "ON_BAIT_VS_SELECTED",
        "MEAN_BAIT_COVERAGE",
        "PCT_USABLE_BASES_ON_BAIT",
        "PCT_USABLE_BASES_ON_TARGET",
        "FOLD_ENRICHMENT",
        "HS_LIBRARY_SIZE",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.extend(PENALTY_GOALS.iter().map(|g| format!("HS_PENALTY_{g}X")));
    v.extend(
        [
            "TARGET_TERRITORY",
            "GENOME_SIZE",
            "TOTAL_READS",
            "PF_READS",
            "PF_BASES",
            "PF_UNIQUE_READS",
            "PF_UQ_READS_ALIGNED",
            "PF_BASES_ALIGNED",
            "PF_UQ_BASES_ALIGNED",
            "ON_TARGET_BASES",
            "PCT_PF_READS",
            "PCT_PF_UQ_READS",
            "PCT_PF_UQ_READS_ALIGNED",
            "MEAN_TARGET_COVERAGE",
            "MEDIAN_TARGET_COVERAGE",
            "MAX_TARGET_COVERAGE",
            "MIN_TARGET_COVERAGE",
            "ZERO_CVG_TARGETS_PCT",
            "PCT_EXC_DUPE",
            "PCT_EXC_ADAPTER",
            "PCT_EXC_MAPQ",
            "PCT_EXC_BASEQ",
            "PCT_EXC_OVERLAP",
            "PCT_EXC_OFF_TARGET",
            "FOLD_80_BASE_PENALTY",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    v.extend(
        TARGET_DEPTHS
            .iter()
            .map(|d| format!("PCT_TARGET_BASES_{d}X")),
    );
    v.extend(
        [
            "AT_DROPOUT",
            "GC_DROPOUT",
            "HET_SNP_SENSITIVITY",
            "HET_SNP_Q",
            "SAMPLE",
            "LIBRARY",
            "READ_GROUP",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    v
}

impl HsMetrics {
    /// The values of the HsMetrics line, formatted as Picard writes them.
    pub fn values(&self) -> Vec<String> {
        let d = |x: f64| double(x);
        let i = |x: u64| x.to_string();
        let mut v = vec![
            self.BAIT_SET.clone(),
            i(self.BAIT_TERRITORY),
            d(self.BAIT_DESIGN_EFFICIENCY),
            i(self.ON_BAIT_BASES),
            i(self.NEAR_BAIT_BASES),
            i(self.OFF_BAIT_BASES),
            d(self.PCT_SELECTED_BASES),
            d(self.PCT_OFF_BAIT),
            d(self.ON_BAIT_VS_SELECTED),
            d(self.MEAN_BAIT_COVERAGE),
            d(self.PCT_USABLE_BASES_ON_BAIT),
            d(self.PCT_USABLE_BASES_ON_TARGET),
            d(self.FOLD_ENRICHMENT),
            self.HS_LIBRARY_SIZE.map(i).unwrap_or_default(),
        ];
        v.extend(self.HS_PENALTY.iter().map(|&x| d(x)));
        v.extend([
            i(self.TARGET_TERRITORY),
            i(self.GENOME_SIZE),
            i(self.TOTAL_READS),
            i(self.PF_READS),
            i(self.PF_BASES),
            i(self.PF_UNIQUE_READS),
            i(self.PF_UQ_READS_ALIGNED),
            i(self.PF_BASES_ALIGNED),
            i(self.PF_UQ_BASES_ALIGNED),
            i(self.ON_TARGET_BASES),
            d(self.PCT_PF_READS),
            d(self.PCT_PF_UQ_READS),
            d(self.PCT_PF_UQ_READS_ALIGNED),
            d(self.MEAN_TARGET_COVERAGE),
            d(self.MEDIAN_TARGET_COVERAGE),
            i(self.MAX_TARGET_COVERAGE),
            i(self.MIN_TARGET_COVERAGE),
            d(self.ZERO_CVG_TARGETS_PCT),
            d(self.PCT_EXC_DUPE),
            d(self.PCT_EXC_ADAPTER),
            d(self.PCT_EXC_MAPQ),
            d(self.PCT_EXC_BASEQ),
            d(self.PCT_EXC_OVERLAP),
            d(self.PCT_EXC_OFF_TARGET),
            d(self.FOLD_80_BASE_PENALTY),
        ]);
        v.extend(self.PCT_TARGET_BASES.iter().map(|&x| d(x)));
        v.extend([
            d(self.AT_DROPOUT),
            d(self.GC_DROPOUT),
            self.HET_SNP_SENSITIVITY.map(d).unwrap_or_default(),
            self.HET_SNP_Q.map(|q| q.to_string()).unwrap_or_default(),
            String::new(),
            String::new(),
            String::new(),
        ]);
        v
    }

    /// Picard's metrics file: a comment header, the HsMetrics line and the histogram section
    /// (the capped high-quality depth histogram and the unfiltered base-quality histogram).
    pub fn to_picard_file(&self, command: &str) -> String {
        let mut s = String::new();
        s.push_str("## htsjdk.samtools.metrics.StringHeader\n");
        s.push_str(&format!("# {command}\n"));
        s.push_str("## htsjdk.samtools.metrics.StringHeader\n");
        s.push_str(&format!("# panelprep {}\n\n", crate::VERSION));
        s.push_str("## METRICS CLASS\tpicard.analysis.directed.HsMetrics\n");
        s.push_str(&field_names().join("\t"));
        s.push('\n');
        s.push_str(&self.values().join("\t"));
        s.push_str("\n\n## HISTOGRAM\tjava.lang.Integer\n");
        s.push_str(
            "coverage_or_base_quality\thigh_quality_coverage_count\tunfiltered_baseq_count\n",
        );
        // Picard's rows run over both of its histograms: depths 0..=cap and base qualities
        // 0..=126; a row past either one's end holds 0 there
        let rows = self.histogram.len().max(QUALITY_BINS);
        for d in 0..rows {
            let c = self.histogram.get(d).copied().unwrap_or(0);
            let q = self.base_quality_histogram.get(d).copied().unwrap_or(0);
            s.push_str(&format!("{d}\t{c}\t{q}\n"));
        }
        s.push('\n');
        s
    }
}

/// Picard's PER_TARGET_COVERAGE file (`%gc` is `?` without a reference).
pub fn per_target_file(
    m: &HsMetrics,
    contigs: &[ContigDepth],
    targets: &[MergedTarget],
    read_counts: &[Vec<u64>],
) -> String {
    let mut s = String::from(
        "chrom\tstart\tend\tlength\tname\t%gc\tmean_coverage\tnormalized_coverage\t\
         min_normalized_coverage\tmax_normalized_coverage\tmin_coverage\tmax_coverage\tpct_0x\t\
         read_count\n",
    );
    let mean = m.MEAN_TARGET_COVERAGE;
    for t in targets {
        let d = &contigs[t.rid].spans[t.span].depth;
        let len = d.len() as f64;
        let total: u64 = d.iter().map(|&x| x.max(0) as u64).sum();
        let cov = total as f64 / len;
        let min = d.iter().copied().min().unwrap_or(0).max(0) as f64;
        let max = d.iter().copied().max().unwrap_or(0).max(0) as f64;
        let zero = d.iter().filter(|&&x| x <= 0).count() as f64;
        let rc = read_counts
            .get(t.rid)
            .and_then(|v| v.get(t.span))
            .copied()
            .unwrap_or(0);
        s.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
            t.contig,
            t.start + 1,
            t.end,
            t.end - t.start,
            t.name,
            t.gc.map_or_else(|| "?".to_string(), double),
            double(cov),
            double(cov / mean),
            double(min / mean),
            double(max / mean),
            double(min),
            double(max),
            double(zero / len),
            rc
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_percentile_follow_picard_histogram() {
        // 4 bases: depths 0, 0, 5, 7 -> median of ranks 2 and 3 (1-based) = (0 + 5) / 2
        let mut h = vec![0u64; 8];
        h[0] = 2;
        h[5] = 1;
        h[7] = 1;
        assert_eq!(median(&h), 2.5);
        assert_eq!(percentile(&h, 0.2), 0.0);
        assert_eq!(percentile(&h, 0.6), 5.0);
        assert!(percentile(&[0, 0], 0.2).is_nan());
    }

    #[test]
    fn library_size_matches_picard_examples() {
        // no duplicates: no estimate
        assert_eq!(estimate_library_size(100, 100), None);
        // the estimate solves c/x - 1 + exp(-n/x) = 0
        let x = estimate_library_size(1000, 900).expect("estimate") as f64;
        let f = 900.0 / x - 1.0 + (-1000.0 / x).exp();
        assert!(f.abs() < 1e-4, "{f}");
    }
}
