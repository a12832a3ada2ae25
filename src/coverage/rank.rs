//! Worst-first order of genes and targets, shared by the HTML report and the MultiQC tables:
//! the largest share of bases below the low-coverage depth first, ties by the lowest mean
//! depth, then in report order (genes by first appearance, targets by BED line).

use super::metrics::{GeneMetrics, TargetMetrics};

/// Share of `length` bases that are below the low-coverage depth (0 for an empty run).
pub fn low_share(low_bases: u64, length: u64) -> f64 {
    if length == 0 {
        0.0
    } else {
        low_bases as f64 / length as f64
    }
}

fn worst_first<T>(items: &[T], key: impl Fn(&T) -> (f64, f64)) -> Vec<&T> {
    let mut v: Vec<&T> = items.iter().collect();
    v.sort_by(|a, b| {
        let (sa, ma) = key(a);
        let (sb, mb) = key(b);
        sb.total_cmp(&sa).then(ma.total_cmp(&mb))
    });
    v
}

/// Genes, worst first.
pub fn genes_worst_first(genes: &[GeneMetrics]) -> Vec<&GeneMetrics> {
    worst_first(genes, |g| {
        (low_share(g.low_coverage_bases, g.length), g.mean)
    })
}

/// Targets, worst first.
pub fn targets_worst_first(targets: &[TargetMetrics]) -> Vec<&TargetMetrics> {
    worst_first(targets, |t| {
        (low_share(t.low_coverage_bases, t.length), t.mean)
    })
}

/// `chrom:start-end` with a 1-based, inclusive start (as genome browsers show a region).
pub fn locus(contig: &str, start: u64, end: u64) -> String {
    format!("{contig}:{}-{end}", start + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gene(name: &str, length: u64, low: u64, mean: f64) -> GeneMetrics {
        GeneMetrics {
            gene: name.into(),
            targets: 1,
            length,
            mean,
            median: mean,
            min: 0,
            max: 0,
            pct_at_threshold: Vec::new(),
            low_coverage_bases: low,
            zero_coverage_targets: 0,
        }
    }

    #[test]
    fn worst_share_first_then_lowest_mean_then_order() {
        let g = [
            gene("A", 100, 0, 50.0),
            gene("B", 100, 10, 300.0),
            gene("C", 100, 10, 200.0),
            gene("D", 100, 0, 50.0),
            gene("E", 0, 0, 0.0),
        ];
        let names: Vec<&str> = genes_worst_first(&g)
            .iter()
            .map(|g| g.gene.as_str())
            .collect();
        assert_eq!(names, ["C", "B", "E", "A", "D"]);
        assert_eq!(locus("chr1", 0, 10), "chr1:1-10");
    }
}
