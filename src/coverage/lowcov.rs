//! Low-coverage intervals: runs of target bases below a depth, merged, with their genes.

use serde::Serialize;

use super::depth::ContigDepth;
use super::metrics::TargetMetrics;

/// A merged run of target bases below the low-coverage threshold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LowCoverage {
    /// Contig.
    pub contig: String,
    /// 0-based start.
    pub start: u64,
    /// 0-based exclusive end.
    pub end: u64,
    /// Genes (BED names) of the targets the run lies in, comma-separated, in order of first use.
    pub genes: String,
    /// Lowest depth in the run.
    pub min_depth: i32,
    /// Mean depth of the run.
    pub mean_depth: f64,
}

/// Finds runs below `threshold` inside every target and merges runs that overlap or touch.
pub fn low_coverage(
    targets: &[TargetMetrics],
    rid_of: &dyn Fn(&str) -> Option<usize>,
    contigs: &[ContigDepth],
    threshold: u32,
) -> Vec<LowCoverage> {
    let th = i64::from(threshold);
    let mut runs: Vec<(usize, u64, u64, usize)> = Vec::new();
    for (ti, t) in targets.iter().enumerate() {
        let Some(rid) = rid_of(&t.contig) else {
            continue;
        };
        let c = &contigs[rid];
        let mut run: Option<u64> = None;
        for pos in t.start..t.end {
            let d = depth_at(c, pos);
            if i64::from(d) < th {
                run.get_or_insert(pos);
            } else if let Some(s) = run.take() {
                runs.push((rid, s, pos, ti));
            }
        }
        if let Some(s) = run {
            runs.push((rid, s, t.end, ti));
        }
    }
    runs.sort_by_key(|r| (r.0, r.1, r.2));
    let mut out: Vec<(usize, u64, u64, Vec<String>)> = Vec::new();
    for (rid, s, e, ti) in runs {
        let gene = &targets[ti].gene;
        match out.last_mut() {
            Some(last) if last.0 == rid && s <= last.2 => {
                last.2 = last.2.max(e);
                if !last.3.contains(gene) {
                    last.3.push(gene.clone());
                }
            }
            _ => out.push((rid, s, e, vec![gene.clone()])),
        }
    }
    out.into_iter()
        .map(|(rid, s, e, genes)| {
            let c = &contigs[rid];
            let mut min = i32::MAX;
            let mut sum = 0i64;
            for p in s..e {
                let d = depth_at(c, p);
                min = min.min(d);
                sum += i64::from(d);
            }
            let contig = targets
                .iter()
                .find(|t| rid_of(&t.contig) == Some(rid))
                .map(|t| t.contig.clone())
                .unwrap_or_default();
            LowCoverage {
                contig,
                start: s,
                end: e,
                genes: genes.join(","),
                min_depth: if e > s { min } else { 0 },
                mean_depth: if e > s {
                    sum as f64 / (e - s) as f64
                } else {
                    0.0
                },
            }
        })
        .collect()
}

fn depth_at(c: &ContigDepth, pos: u64) -> i32 {
    let i = c.spans.partition_point(|s| s.end <= pos);
    c.spans.get(i).map_or(0, |s| s.at(pos))
}

/// BED5 text: chrom, start, end, genes, minimum depth (as the score).
pub fn to_bed(runs: &[LowCoverage]) -> String {
    let mut s = String::new();
    for r in runs {
        s.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\n",
            r.contig, r.start, r.end, r.genes, r.min_depth
        ));
    }
    s
}
