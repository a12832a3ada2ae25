//! The run's QC verdict shown at the top of the HTML report: PASS, WARN or FAIL from two
//! figures a lab reads first, the Q30 share of the written bases and the share of reads that
//! passed the filters. Thresholds are plain data with documented defaults.

use super::FastpReport;

/// Outcome of one check, or of the run (the worst of its checks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// At or above the pass limit.
    Pass,
    /// Between the warn and the pass limit.
    Warn,
    /// Below the warn limit.
    Fail,
}

impl Level {
    /// `PASS`, `WARN` or `FAIL`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Pass => "PASS",
            Level::Warn => "WARN",
            Level::Fail => "FAIL",
        }
    }
}

/// Limits of the verdict. Defaults: Q30 of written bases ≥ 0.80 passes, ≥ 0.70 warns
/// (Illumina's specification for 2x150 runs is 75-85%); reads passing the filters ≥ 0.90
/// passes, ≥ 0.80 warns.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Q30 share of bases after filtering: `(pass, warn)`.
    pub q30: (f64, f64),
    /// Share of reads that passed the filters: `(pass, warn)`.
    pub passed: (f64, f64),
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            q30: (0.80, 0.70),
            passed: (0.90, 0.80),
        }
    }
}

/// One checked figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// What was checked.
    pub name: &'static str,
    /// Its value (a share, 0..=1).
    pub value: f64,
    /// The limits `(pass, warn)` it was held to.
    pub limits: (f64, f64),
    /// The outcome.
    pub level: Level,
}

/// The verdict of a run: the worst level among its checks, and the checks.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// Worst level of the checks.
    pub level: Level,
    /// Each figure with its outcome.
    pub checks: Vec<Check>,
}

fn check(name: &'static str, value: f64, limits: (f64, f64)) -> Check {
    let level = if value >= limits.0 {
        Level::Pass
    } else if value >= limits.1 {
        Level::Warn
    } else {
        Level::Fail
    };
    Check {
        name,
        value,
        limits,
        level,
    }
}

/// The verdict of `report` under `limits`. A run without reads fails.
pub fn judge(report: &FastpReport, limits: &Limits) -> Verdict {
    let before = report.summary.before_filtering.total_reads;
    let passed = if before == 0 {
        0.0
    } else {
        report.filtering_result.passed_filter_reads as f64 / before as f64
    };
    let checks = vec![
        check(
            "Q30 bases after filtering",
            report.summary.after_filtering.q30_rate,
            limits.q30,
        ),
        check("reads passing filters", passed, limits.passed),
    ];
    let level = checks.iter().map(|c| c.level).max().unwrap_or(Level::Fail);
    Verdict { level, checks }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_follow_the_limits() {
        let l = (0.8, 0.7);
        assert_eq!(check("x", 0.80, l).level, Level::Pass);
        assert_eq!(check("x", 0.75, l).level, Level::Warn);
        assert_eq!(check("x", 0.69, l).level, Level::Fail);
        assert_eq!(check("x", f64::NAN, l).level, Level::Fail);
    }
}
