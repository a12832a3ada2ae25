//! Pass/fail QC limits on panel metrics, reported like an assay's QC sheet. The limits
//! themselves and their parser are options ([`super::options::GateLimit`]).

use serde::Serialize;

use super::CoverageError;
use super::metrics::PanelMetrics;
use super::options::{Cmp, GateLimit, METRICS};

impl GateLimit {
    /// Fails when the metric is unknown (or names a threshold not computed).
    pub fn check_known(&self, thresholds: &[u32]) -> Result<(), CoverageError> {
        let probe = PanelMetrics {
            pct_target_bases: thresholds.iter().map(|t| (format!("{t}x"), 0.0)).collect(),
            ..Default::default()
        };
        if lookup(&probe, &self.metric).is_none() {
            return Err(CoverageError::Options(format!(
                "gate metric {:?} is unknown (known: {}; thresholds: {:?})",
                self.metric,
                METRICS.join(", "),
                thresholds
            )));
        }
        Ok(())
    }
}

/// `Some(value)` for a known metric (`Some(None)` when it has no value in this run).
fn lookup(p: &PanelMetrics, name: &str) -> Option<Option<f64>> {
    Some(match name {
        "mean_target_coverage" => Some(p.mean_target_coverage),
        "median_target_coverage" => Some(p.median_target_coverage),
        "min_target_coverage" => Some(p.min_target_coverage as f64),
        "min_target_mean" => Some(p.min_target_mean),
        "uniformity_pct_0_2x_mean" => Some(p.uniformity_pct_0_2x_mean),
        "fold_80_base_penalty" => p.fold_80_base_penalty,
        "zero_cvg_targets" => Some(p.zero_cvg_targets as f64),
        "zero_cvg_targets_pct" => Some(p.zero_cvg_targets_pct),
        "low_coverage_bases" => Some(p.low_coverage_bases as f64),
        "pct_mapped_reads_on_target" => p.pct_mapped_reads_on_target,
        "pct_reads_on_target" => p.pct_reads_on_target,
        "pct_bases_on_target" => p.pct_bases_on_target,
        other => {
            let t = other
                .strip_prefix("pct_target_bases_")?
                .strip_suffix(['x', 'X'])?;
            Some(p.pct_target_bases_at(t.parse().ok()?)?)
        }
    })
}

/// One row of the QC sheet.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GateRow {
    /// Metric name.
    pub metric: String,
    /// Measured value (null when the run cannot measure it, which fails the row).
    pub value: Option<f64>,
    /// Comparison.
    pub cmp: Cmp,
    /// Limit.
    pub limit: f64,
    /// Whether the value meets the limit.
    pub pass: bool,
}

/// The QC sheet: every limit and the overall verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GateReport {
    /// True when every row passes.
    pub pass: bool,
    /// Rows in the order the limits were given.
    pub rows: Vec<GateRow>,
}

/// Evaluates the limits against the panel metrics.
pub fn evaluate(limits: &[GateLimit], p: &PanelMetrics) -> GateReport {
    let rows: Vec<GateRow> = limits
        .iter()
        .map(|l| {
            let value = lookup(p, &l.metric).flatten();
            let pass = value.is_some_and(|v| match l.cmp {
                Cmp::AtLeast => v >= l.limit,
                Cmp::AtMost => v <= l.limit,
            });
            GateRow {
                metric: l.metric.clone(),
                value,
                cmp: l.cmp,
                limit: l.limit,
                pass,
            }
        })
        .collect();
    GateReport {
        pass: rows.iter().all(|r| r.pass),
        rows,
    }
}

/// The QC sheet as TSV: metric, value, comparison, limit, PASS/FAIL.
pub fn to_tsv(g: &GateReport) -> String {
    let mut s = String::from("metric\tvalue\tcmp\tlimit\tresult\n");
    for r in &g.rows {
        s.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\n",
            r.metric,
            r.value
                .map_or_else(|| "NA".to_string(), |v| format!("{v:.4}")),
            match r.cmp {
                Cmp::AtLeast => ">=",
                Cmp::AtMost => "<=",
            },
            r.limit,
            if r.pass { "PASS" } else { "FAIL" }
        ));
    }
    s.push_str(&format!(
        "overall\t\t\t\t{}\n",
        if g.pass { "PASS" } else { "FAIL" }
    ));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_evaluates() {
        let mut p = PanelMetrics {
            median_target_coverage: 160.0,
            ..Default::default()
        };
        p.pct_target_bases.insert("100x".into(), 0.85);
        let l1 = GateLimit::parse("median_target_coverage>=150").expect("parse");
        let l2 = GateLimit::parse("pct_target_bases_100x >= 0.9").expect("parse");
        let l3 = GateLimit::parse("pct_reads_on_target>=0.5").expect("parse");
        let g = evaluate(&[l1, l2.clone(), l3], &p);
        assert!(g.rows[0].pass);
        assert!(!g.rows[1].pass);
        assert_eq!(g.rows[1].value, Some(0.85));
        assert!(!g.rows[2].pass, "a missing value fails");
        assert!(!g.pass);
        assert!(l2.check_known(&[100]).is_ok());
        assert!(l2.check_known(&[20]).is_err());
        assert!(GateLimit::parse("x=3").is_err());
        assert!(GateLimit::parse("mean_target_coverage>=abc").is_err());
    }
}
