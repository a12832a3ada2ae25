//! MultiQC custom-content tables (`*_mqc.tsv`), found by MultiQC without any config: the QC
//! gate (`PREFIX.gate_mqc.tsv`, one row per sample), the genes worst first
//! (`PREFIX.genes_mqc.tsv`) and the low-coverage regions (`PREFIX.low_coverage_mqc.tsv`).
//! Every section id starts with `panelprep_coverage` and every section name with
//! `panelprep coverage`, so the tables of many samples gather in one section each. Rows are
//! keyed by `NAME`, `NAME: GENE` or `NAME: REGION`, where `NAME` is the file name of the output
//! prefix: the name MultiQC's mosdepth module gives the same run (and unique per output, while
//! read-group `SM` values may repeat across BAMs).

use std::fmt::Write as _;

use super::gate::GateReport;
use super::options::Cmp;
use super::rank::{genes_worst_first, locus};
use super::report::CoverageReport;

/// Section ids, in the order of the files.
pub const SECTION_IDS: [&str; 3] = [
    "panelprep_coverage_gate",
    "panelprep_coverage_genes",
    "panelprep_coverage_low_coverage",
];

/// A cell or row key without the characters that would break the TSV.
fn cell(s: &str) -> String {
    s.replace(['\t', '\n', '\r'], " ")
}

/// The `# key: value` header MultiQC reads as YAML (values single-quoted).
fn header(id: &str, name: &str, description: &str) -> String {
    let q = |s: &str| format!("'{}'", s.replace('\'', "''"));
    format!(
        "# id: {}\n# section_name: {}\n# description: {}\n# plot_type: 'table'\n# pconfig:\n#   id: {}\n#   title: {}\n#   sort_rows: false\n",
        q(id),
        q(name),
        q(description),
        q(&format!("{id}_table")),
        q(name)
    )
}

/// `PREFIX.gate_mqc.tsv`: the verdict, the failed metrics and each limit's value.
pub fn gate_tsv(name: &str, r: &CoverageReport, g: &GateReport) -> String {
    let mut s = header(
        SECTION_IDS[0],
        "panelprep coverage: QC gate",
        "QC gate of panelprep coverage: the verdict, the failed limits and the value of each metric (column: metric and limit).",
    );
    s.push_str("Sample\tQC gate\tfailed\tsample (BAM SM)");
    for row in &g.rows {
        let cmp = match row.cmp {
            Cmp::AtLeast => ">=",
            Cmp::AtMost => "<=",
        };
        let _ = write!(s, "\t{} {cmp} {}", cell(&row.metric), row.limit);
    }
    let failed: Vec<&str> = g
        .rows
        .iter()
        .filter(|row| !row.pass)
        .map(|row| row.metric.as_str())
        .collect();
    let _ = write!(
        s,
        "\n{}\t{}\t{}\t{}",
        cell(name),
        if g.pass { "PASS" } else { "FAIL" },
        if failed.is_empty() {
            "none".to_string()
        } else {
            cell(&failed.join(", "))
        },
        cell(&r.sample)
    );
    for row in &g.rows {
        match row.value {
            Some(v) => {
                let _ = write!(s, "\t{v:.4}");
            }
            None => s.push_str("\tNA"),
        }
    }
    s.push('\n');
    s
}

/// `PREFIX.genes_mqc.tsv`: per gene, worst first; shares in percent.
pub fn genes_tsv(name: &str, r: &CoverageReport) -> String {
    let low = r.options.low_coverage;
    let th = &r.options.thresholds;
    let mut s = header(
        SECTION_IDS[1],
        "panelprep coverage: genes",
        &format!(
            "Depth per gene from panelprep coverage, worst first (largest share of bases below {low}x); rows are SAMPLE: GENE (SAMPLE: the output prefix)."
        ),
    );
    s.push_str("# headers:\n");
    for t in th {
        let _ = write!(
            s,
            "#   pct_{t}x:\n#     title: '>= {t}x'\n#     suffix: '%'\n#     min: 0\n#     max: 100\n"
        );
    }
    s.push_str("Sample: gene\ttargets\tbases\tmean\tmedian\tmin\tmax");
    for t in th {
        let _ = write!(s, "\tpct_{t}x");
    }
    let _ = writeln!(s, "\tbases_below_{low}x\tzero_coverage_targets");
    for g in genes_worst_first(&r.genes) {
        let _ = write!(
            s,
            "{}: {}\t{}\t{}\t{:.2}\t{}\t{}\t{}",
            cell(name),
            cell(&g.gene),
            g.targets,
            g.length,
            g.mean,
            g.median,
            g.min,
            g.max
        );
        for p in &g.pct_at_threshold {
            let _ = write!(s, "\t{:.2}", p * 100.0);
        }
        let _ = writeln!(s, "\t{}\t{}", g.low_coverage_bases, g.zero_coverage_targets);
    }
    s
}

/// `PREFIX.low_coverage_mqc.tsv`: the runs of `PREFIX.lowcov.bed` with their genes (only the
/// column names when there is none).
pub fn low_coverage_tsv(name: &str, r: &CoverageReport) -> String {
    let low = r.options.low_coverage;
    let mut s = header(
        SECTION_IDS[2],
        "panelprep coverage: low-coverage regions",
        &format!(
            "Runs of target bases below {low}x from panelprep coverage with their genes; rows are SAMPLE: REGION (SAMPLE: the output prefix; regions 1-based, inclusive)."
        ),
    );
    s.push_str("Sample: region\tgenes\tbases\tmin_depth\tmean_depth\n");
    for l in &r.low_coverage {
        let _ = writeln!(
            s,
            "{}: {}\t{}\t{}\t{}\t{:.2}",
            cell(name),
            cell(&locus(&l.contig, l.start, l.end)),
            cell(&l.genes),
            l.end - l.start,
            l.min_depth,
            l.mean_depth
        );
    }
    s
}
