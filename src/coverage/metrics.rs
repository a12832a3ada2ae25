//! Per-target, per-gene and panel metrics from the finished depth spans.
//!
//! Over 400 lines: every metric is a fold over the same finished spans, target, gene and
//! panel side by side, so that each definition reads next to its siblings.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::depth::{ContigDepth, SpanDepth};
use super::targets::{Target, merge_intervals};

/// mosdepth clamps depths above this in its distributions.
pub const MOSDEPTH_MAX_COVERAGE: i32 = 400_000;

/// A depth histogram (index = depth; negative depths count as 0).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hist {
    /// Bases per depth.
    pub counts: Vec<u64>,
}

impl Hist {
    /// Adds one base of depth `d`.
    #[inline]
    pub fn add(&mut self, d: i32) {
        let d = d.max(0) as usize;
        if d >= self.counts.len() {
            self.counts.resize(d + 1, 0);
        }
        self.counts[d] += 1;
    }
    /// Adds every count of `other`.
    pub fn merge(&mut self, other: &Hist) {
        if other.counts.len() > self.counts.len() {
            self.counts.resize(other.counts.len(), 0);
        }
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
    }
    /// Number of bases.
    pub fn n(&self) -> u64 {
        self.counts.iter().sum()
    }
    /// Sum of depths.
    pub fn sum(&self) -> u64 {
        self.counts
            .iter()
            .enumerate()
            .map(|(d, &c)| d as u64 * c)
            .sum()
    }
    /// Mean depth (0 when empty).
    pub fn mean(&self) -> f64 {
        let n = self.n();
        if n == 0 {
            0.0
        } else {
            self.sum() as f64 / n as f64
        }
    }
    /// Median depth: the middle value, or the mean of the two middle values (0 when empty).
    pub fn median(&self) -> f64 {
        let n = self.n();
        if n == 0 {
            return 0.0;
        }
        let lo = self.quantile_rank((n - 1) / 2);
        let hi = self.quantile_rank(n / 2);
        (lo + hi) as f64 / 2.0
    }
    /// The depth of the `rank`-th smallest base (0-based).
    pub fn quantile_rank(&self, rank: u64) -> u64 {
        let mut seen = 0;
        for (d, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen > rank {
                return d as u64;
            }
        }
        0
    }
    /// Smallest depth present.
    pub fn min(&self) -> u64 {
        self.counts.iter().position(|&c| c > 0).unwrap_or(0) as u64
    }
    /// Largest depth present.
    pub fn max(&self) -> u64 {
        self.counts.iter().rposition(|&c| c > 0).unwrap_or(0) as u64
    }
    /// Bases with depth >= `t`.
    pub fn at_least(&self, t: u64) -> u64 {
        self.counts.iter().skip(t as usize).sum()
    }
    /// Bases with depth >= the real number `x`.
    pub fn at_least_f(&self, x: f64) -> u64 {
        self.at_least(x.max(0.0).ceil() as u64)
    }
}

/// Metrics of one target (one BED line).
#[derive(Debug, Clone, Serialize)]
pub struct TargetMetrics {
    /// Contig.
    pub contig: String,
    /// 0-based start.
    pub start: u64,
    /// 0-based exclusive end.
    pub end: u64,
    /// BED name column.
    pub name: Option<String>,
    /// Gene the target is grouped under (the name, or `chrom:start-end`).
    pub gene: String,
    /// BED line number.
    pub line: u64,
    /// Bases.
    pub length: u64,
    /// Mean depth, accumulated exactly as mosdepth does (sum of depth/length per base).
    pub mean: f64,
    /// Median depth.
    pub median: f64,
    /// Minimum depth.
    pub min: i64,
    /// Maximum depth.
    pub max: i64,
    /// Sum of depth over the target.
    pub sum_depth: i64,
    /// Bases at or above each threshold (same order as the thresholds).
    pub bases_at_threshold: Vec<u64>,
    /// Share of bases at or above each threshold.
    pub pct_at_threshold: Vec<f64>,
    /// Bases below the low-coverage threshold.
    pub low_coverage_bases: u64,
}

/// Metrics of one gene: the union of its targets (each base once).
#[derive(Debug, Clone, Serialize)]
pub struct GeneMetrics {
    /// Gene (BED name column).
    pub gene: String,
    /// Number of targets.
    pub targets: usize,
    /// Bases in the union of the targets.
    pub length: u64,
    /// Mean depth.
    pub mean: f64,
    /// Median depth.
    pub median: f64,
    /// Minimum depth.
    pub min: u64,
    /// Maximum depth.
    pub max: u64,
    /// Share of bases at or above each threshold.
    pub pct_at_threshold: Vec<f64>,
    /// Bases below the low-coverage threshold.
    pub low_coverage_bases: u64,
    /// Targets of the gene with no read at all.
    pub zero_coverage_targets: usize,
}

/// Panel summary, with Picard CollectHsMetrics names where Picard has the metric.
#[derive(Debug, Clone, Serialize, Default)]
pub struct PanelMetrics {
    /// Targets evaluated (BED lines on contigs present in the BAM).
    pub targets: usize,
    /// Genes evaluated.
    pub genes: usize,
    /// Unique target bases (Picard TARGET_TERRITORY).
    pub target_territory: u64,
    /// Mean depth over the territory (Picard MEAN_TARGET_COVERAGE).
    pub mean_target_coverage: f64,
    /// Median depth over the territory (Picard MEDIAN_TARGET_COVERAGE).
    pub median_target_coverage: f64,
    /// Lowest depth of any target base.
    pub min_target_coverage: u64,
    /// Highest depth of any target base.
    pub max_target_coverage: u64,
    /// Share of territory bases at or above each threshold, keyed `"20x"`
    /// (Picard PCT_TARGET_BASES_20X...).
    pub pct_target_bases: BTreeMap<String, f64>,
    /// Share of territory bases at or above 0.2 x the mean (uniformity of coverage).
    pub uniformity_pct_0_2x_mean: f64,
    /// Mean coverage / 20th-percentile depth of the bases of targets with any coverage
    /// (Picard FOLD_80_BASE_PENALTY); null when that percentile is 0.
    pub fold_80_base_penalty: Option<f64>,
    /// Targets whose every base has depth 0.
    pub zero_cvg_targets: usize,
    /// Share of targets with depth 0 over their whole length (Picard ZERO_CVG_TARGETS_PCT).
    pub zero_cvg_targets_pct: f64,
    /// Territory bases below the low-coverage threshold.
    pub low_coverage_bases: u64,
    /// The lowest per-target mean depth.
    pub min_target_mean: f64,
    /// Mapped records (any flags) overlapping a target / mapped records. Full scan, or the
    /// BAI's mapped count in index mode.
    pub pct_mapped_reads_on_target: Option<f64>,
    /// Passing records overlapping a target / passing records (full scan only).
    pub pct_reads_on_target: Option<f64>,
    /// Passing bases inside targets / passing bases (Picard PCT_SELECTED_BASES-like; full scan
    /// only).
    pub pct_bases_on_target: Option<f64>,
}

impl PanelMetrics {
    /// The share of territory bases with depth of at least `threshold`, when `threshold` was
    /// one of the run's (`pct_target_bases`, keyed `"{threshold}x"`).
    pub fn pct_target_bases_at(&self, threshold: u32) -> Option<f64> {
        self.pct_target_bases.get(&format!("{threshold}x")).copied()
    }
}

/// mosdepth-style stats of a run of bases.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DepthStat {
    /// Bases.
    pub length: u64,
    /// Sum of depths.
    pub sum: i64,
    /// Minimum (`None` when empty).
    pub min: Option<i32>,
    /// Maximum (0 when empty).
    pub max: i32,
}

impl DepthStat {
    /// Adds one base.
    #[inline]
    pub fn add(&mut self, d: i32) {
        self.length += 1;
        self.sum += i64::from(d);
        self.min = Some(self.min.map_or(d, |m| m.min(d)));
        self.max = self.max.max(d);
    }
    /// Combines two stats.
    pub fn merge(&mut self, o: &DepthStat) {
        self.length += o.length;
        self.sum += o.sum;
        self.min = match (self.min, o.min) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.max = self.max.max(o.max);
    }
}

/// What the mosdepth-compatible writers need, per contig in header order.
#[derive(Debug, Clone, Default)]
pub struct MosdepthTables {
    /// One entry per reference with targets or records.
    pub contigs: Vec<ContigTables>,
}

/// One contig's distributions and stats.
#[derive(Debug, Clone, Default)]
pub struct ContigTables {
    /// Contig name.
    pub name: String,
    /// Any record is placed on this contig (mosdepth writes summary lines only then).
    pub has_records: bool,
    /// Depths of every region base (overlapping regions counted once per region).
    pub region_hist: Hist,
    /// mosdepth `_region` stat.
    pub region_stat: DepthStat,
    /// Depths of the merged territory (each base once).
    pub territory_hist: Hist,
    /// Stat over the territory.
    pub territory_stat: DepthStat,
    /// Target indices on this contig sorted as mosdepth writes them (by start, stable).
    pub order: Vec<usize>,
}

/// Everything metrics produce.
#[derive(Debug, Clone, Default)]
pub struct Computed {
    /// Per target, in BED order (only targets on contigs in the BAM).
    pub targets: Vec<TargetMetrics>,
    /// Per gene, in order of first appearance.
    pub genes: Vec<GeneMetrics>,
    /// Panel summary.
    pub panel: PanelMetrics,
    /// Tables for the mosdepth files.
    pub mosdepth: MosdepthTables,
}

fn span_of(c: &ContigDepth, start: u64) -> Option<&SpanDepth> {
    let i = c.spans.partition_point(|s| s.end <= start);
    c.spans.get(i).filter(|s| s.start <= start)
}

/// Depth slice of `[start, end)` (inside one span) or an empty slice.
fn slice(c: &ContigDepth, start: u64, end: u64) -> &[i32] {
    if end <= start {
        return &[];
    }
    match span_of(c, start) {
        Some(s) if end <= s.end => &s.depth[(start - s.start) as usize..(end - s.start) as usize],
        _ => &[],
    }
}

/// Computes all metrics. `targets[i]` with `rids[i] = Some(ref id)` are evaluated.
pub fn compute(
    targets: &[Target],
    rids: &[Option<usize>],
    contigs: &[ContigDepth],
    ref_names: &[String],
    has_records: &[bool],
    thresholds: &[u32],
    low: u32,
) -> Computed {
    let mut out = Computed::default();
    let mut per_ref: Vec<Vec<usize>> = vec![Vec::new(); contigs.len()];
    let mut gene_index: HashMap<String, usize> = HashMap::new();
    let mut gene_targets: Vec<Vec<usize>> = Vec::new();
    for (i, t) in targets.iter().enumerate() {
        let Some(rid) = rids[i] else { continue };
        let d = slice(&contigs[rid], t.start, t.end);
        let len = t.len();
        let lf = len as f64;
        let mut mean = 0.0f64;
        let mut hist = Hist::default();
        let mut st = DepthStat::default();
        for &v in d {
            mean += f64::from(v) / lf;
            hist.add(v);
            st.add(v);
        }
        let counts: Vec<u64> = thresholds
            .iter()
            .map(|&th| d.iter().filter(|&&v| v >= th as i32).count() as u64)
            .collect();
        let pct = counts
            .iter()
            .map(|&c| if len == 0 { 0.0 } else { c as f64 / lf })
            .collect();
        let idx = out.targets.len();
        let gene = t.gene();
        let g = *gene_index.entry(gene.clone()).or_insert_with(|| {
            gene_targets.push(Vec::new());
            gene_targets.len() - 1
        });
        gene_targets[g].push(idx);
        per_ref[rid].push(idx);
        out.targets.push(TargetMetrics {
            contig: t.contig.clone(),
            start: t.start,
            end: t.end,
            name: t.name.clone(),
            gene,
            line: t.line,
            length: len,
            mean,
            median: hist.median(),
            min: i64::from(st.min.unwrap_or(0)),
            max: i64::from(st.max),
            sum_depth: st.sum,
            bases_at_threshold: counts,
            pct_at_threshold: pct,
            low_coverage_bases: d.iter().filter(|&&v| v < low as i32).count() as u64,
        });
    }
    let tm = &out.targets;
    let rid_of: HashMap<&str, usize> = ref_names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    // genes
    for idxs in &gene_targets {
        let first = &tm[idxs[0]];
        let mut hist = Hist::default();
        let mut by_rid: BTreeMap<usize, Vec<(u64, u64)>> = BTreeMap::new();
        for &i in idxs {
            if let Some(&r) = rid_of.get(tm[i].contig.as_str()) {
                by_rid.entry(r).or_default().push((tm[i].start, tm[i].end));
            }
        }
        for (r, iv) in by_rid {
            for s in merge_intervals(iv) {
                for &v in slice(&contigs[r], s.start, s.end) {
                    hist.add(v);
                }
            }
        }
        let n = hist.n();
        out.genes.push(GeneMetrics {
            gene: first.gene.clone(),
            targets: idxs.len(),
            length: n,
            mean: hist.mean(),
            median: hist.median(),
            min: hist.min(),
            max: hist.max(),
            pct_at_threshold: thresholds
                .iter()
                .map(|&t| ratio(hist.at_least(u64::from(t)), n))
                .collect(),
            low_coverage_bases: n - hist.at_least(u64::from(low)),
            zero_coverage_targets: idxs
                .iter()
                .filter(|&&i| tm[i].max <= 0 && tm[i].length > 0)
                .count(),
        });
    }
    // panel territory and mosdepth tables
    let mut territory = Hist::default();
    let mut nonzero_iv: BTreeMap<usize, Vec<(u64, u64)>> = BTreeMap::new();
    for (rid, c) in contigs.iter().enumerate() {
        let mut ct = ContigTables {
            name: ref_names[rid].clone(),
            has_records: has_records.get(rid).copied().unwrap_or(false),
            ..Default::default()
        };
        for s in &c.spans {
            for &v in &s.depth {
                ct.territory_hist.add(v);
                ct.territory_stat.add(v);
            }
        }
        let mut order = per_ref[rid].clone();
        order.sort_by_key(|&i| tm[i].start);
        for &i in &order {
            let t = &tm[i];
            for &v in slice(c, t.start, t.end) {
                ct.region_stat.add(v);
                if v >= 0 {
                    ct.region_hist.add(v.min(MOSDEPTH_MAX_COVERAGE - 10));
                }
            }
            if t.max > 0 {
                nonzero_iv.entry(rid).or_default().push((t.start, t.end));
            }
        }
        ct.order = order;
        territory.merge(&ct.territory_hist);
        if !c.spans.is_empty() || ct.has_records {
            out.mosdepth.contigs.push(ct);
        }
    }
    let n = territory.n();
    let p = &mut out.panel;
    p.targets = tm.len();
    p.genes = out.genes.len();
    p.target_territory = n;
    p.mean_target_coverage = territory.mean();
    p.median_target_coverage = territory.median();
    p.min_target_coverage = territory.min();
    p.max_target_coverage = territory.max();
    for &t in thresholds {
        p.pct_target_bases
            .insert(format!("{t}x"), ratio(territory.at_least(u64::from(t)), n));
    }
    p.uniformity_pct_0_2x_mean = ratio(territory.at_least_f(0.2 * p.mean_target_coverage), n);
    let mut nz = Hist::default();
    for (r, iv) in nonzero_iv {
        for s in merge_intervals(iv) {
            for &v in slice(&contigs[r], s.start, s.end) {
                nz.add(v);
            }
        }
    }
    if nz.n() > 0 {
        let rank = ((nz.n() as f64) * 0.2).ceil() as u64;
        let p20 = nz.quantile_rank(rank.saturating_sub(1));
        if p20 > 0 {
            p.fold_80_base_penalty = Some(p.mean_target_coverage / p20 as f64);
        }
    }
    p.zero_cvg_targets = tm.iter().filter(|t| t.max <= 0 && t.length > 0).count();
    p.zero_cvg_targets_pct = ratio(p.zero_cvg_targets as u64, tm.len() as u64);
    p.low_coverage_bases = n - territory.at_least(u64::from(low));
    p.min_target_mean = tm.iter().map(|t| t.mean).fold(f64::INFINITY, f64::min);
    if !p.min_target_mean.is_finite() {
        p.min_target_mean = 0.0;
    }
    out
}

/// `a / b`, 0 when `b` is 0.
pub fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}
