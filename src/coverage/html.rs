//! `PREFIX.coverage.html`: the coverage report a lab reads. One self-contained page (inline
//! CSS and SVG, no script, nothing fetched): sample and run date, the QC gate verdict with its
//! limits, the panel summary, a depth-distribution plot, genes and targets worst first, and the
//! low-coverage regions with their genes. Deterministic apart from the run date.

use std::fmt::Write as _;

use serde::Serialize;

use super::gate::GateReport;
use super::options::Cmp;
use super::rank::{genes_worst_first, locus, low_share, targets_worst_first};
use super::report::CoverageReport;
use crate::report::html::{STYLE, int, pct};
use crate::report::svg::{PALETTE, Series, bar_chart, esc, line_chart};

const EXTRA_STYLE: &str = r#"
.verdict{display:inline-block;margin:8px 0 4px;padding:4px 12px;border-radius:4px;font-weight:700;font-size:18px}
.verdict.pass{background:#2e7d32}.verdict.fail{background:#c62828}.verdict.none{background:#5c6b80}
header table{color:#222;background:#fff}tr.fail td,tr.low td{background:#fdecea}
"#;

/// Genes shown in the bar chart of the worst genes.
const BAR_GENES: usize = 30;

/// The page for `report`; `date` is the run date shown in the header (the only part that
/// changes between runs of the same inputs).
pub fn render(report: &CoverageReport, date: &str) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let sample = esc(&report.sample);
    let _ = write!(
        out,
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8><meta name=viewport content=\"width=device-width,initial-scale=1\"><title>panelprep coverage: {sample}</title><style>{STYLE}{EXTRA_STYLE}</style></head><body><header><h1>panelprep coverage: {sample}</h1><p>sample <b id=sample>{sample}</b> &middot; run date <span id=run-date>{}</span> &middot; {} &middot; preset {}</p><p>BAM {} &middot; targets {}</p>",
        esc(date),
        esc(&report.tool),
        esc(&name(&report.options.preset)),
        esc(&report.bam.display().to_string()),
        esc(&report.targets_bed.display().to_string()),
    );
    verdict(&mut out, report.gate.as_ref());
    out.push_str("</header><main>");
    summary(&mut out, report);
    depth_plot(&mut out, report);
    genes(&mut out, report);
    targets(&mut out, report);
    low_regions(&mut out, report);
    if !report.warnings.is_empty() {
        out.push_str("<section id=warnings><h2>Warnings</h2><ul>");
        for w in &report.warnings {
            let _ = write!(out, "<li>{}</li>", esc(w));
        }
        out.push_str("</ul></section>");
    }
    settings(&mut out, report);
    out.push_str("</main></body></html>\n");
    out
}

/// A serde enum's name as written in the JSON (`picard-hs`).
fn name<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// Up to 4 decimals, trailing zeros dropped (`23`, `17.5`, `0.6306`).
fn num(v: f64) -> String {
    let s = format!("{v:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn verdict(out: &mut String, gate: Option<&GateReport>) {
    let Some(g) = gate else {
        out.push_str(
            "<div class=\"verdict none\" id=verdict>QC gate: not set (no --gate limits)</div>",
        );
        return;
    };
    let (class, text) = if g.pass {
        ("pass", "PASS")
    } else {
        ("fail", "FAIL")
    };
    let _ = write!(
        out,
        "<div class=\"verdict {class}\" id=verdict>QC gate: {text}</div><table id=gate><tr><th class=l>metric</th><th>value</th><th>limit</th><th>result</th></tr>"
    );
    for r in &g.rows {
        let cmp = match r.cmp {
            Cmp::AtLeast => "&ge;",
            Cmp::AtMost => "&le;",
        };
        let _ = write!(
            out,
            "<tr class={}><td class=l>{}</td><td>{}</td><td>{cmp} {}</td><td>{}</td></tr>",
            if r.pass { "pass" } else { "fail" },
            esc(&r.metric),
            r.value.map_or_else(|| "NA".into(), num),
            num(r.limit),
            if r.pass { "PASS" } else { "FAIL" }
        );
    }
    out.push_str("</table>");
}

fn summary(out: &mut String, r: &CoverageReport) {
    let p = &r.panel;
    out.push_str("<section id=summary><h2>Panel summary</h2><table>");
    let mut row = |k: &str, v: String| {
        let _ = write!(out, "<tr><th class=l>{}</th><td>{v}</td></tr>", esc(k));
    };
    row("targets", int(p.targets as u64));
    row("genes", int(p.genes as u64));
    row("target bases", int(p.target_territory));
    row("mean depth", format!("{:.2}", p.mean_target_coverage));
    row("median depth", num(p.median_target_coverage));
    row(
        "lowest / highest depth",
        format!(
            "{} / {}",
            int(p.min_target_coverage),
            int(p.max_target_coverage)
        ),
    );
    for t in &r.options.thresholds {
        if let Some(v) = p.pct_target_bases_at(*t) {
            row(&format!("target bases >= {t}x"), pct(v));
        }
    }
    row(
        &format!("target bases < {}x", r.options.low_coverage),
        int(p.low_coverage_bases),
    );
    row(
        "bases >= 0.2 x mean (uniformity)",
        pct(p.uniformity_pct_0_2x_mean),
    );
    row(
        "fold-80 base penalty",
        p.fold_80_base_penalty
            .map_or_else(|| "NA".into(), |v| format!("{v:.2}")),
    );
    row("targets without reads", int(p.zero_cvg_targets as u64));
    let opt = |v: Option<f64>| v.map_or_else(|| "NA (index scan)".into(), pct);
    row("mapped reads on target", opt(p.pct_mapped_reads_on_target));
    row("passing reads on target", opt(p.pct_reads_on_target));
    row("passing bases on target", opt(p.pct_bases_on_target));
    out.push_str("</table></section>");
}

/// Fraction of target bases at or above each depth, and the worst genes' share at the
/// low-coverage depth.
fn depth_plot(out: &mut String, r: &CoverageReport) {
    let mut hist = super::metrics::Hist::default();
    for c in &r.tables.contigs {
        hist.merge(&c.territory_hist);
    }
    let total = hist.n();
    out.push_str("<section id=depth><h2>Depth distribution</h2><div class=plots>");
    let mut points = Vec::new();
    if total > 0 {
        // bases at or above each depth, as one suffix sum (asking `Hist::at_least` per depth
        // is quadratic in the deepest base: 18% of a run on a 20,000x amplicon)
        let mut above = vec![0u64; hist.counts.len() + 1];
        for (d, &c) in hist.counts.iter().enumerate().rev() {
            above[d] = above[d + 1] + c;
        }
        let frac = |d: u64| {
            let n = usize::try_from(d)
                .ok()
                .and_then(|d| above.get(d))
                .copied()
                .unwrap_or(0);
            100.0 * n as f64 / total as f64
        };
        // up to where 1% of the bases remain (or the largest threshold), at most ~300 points
        let max = hist.max();
        let tail = (0..=max).find(|&d| frac(d) < 1.0).unwrap_or(max);
        let top_threshold = r.options.thresholds.iter().copied().max().unwrap_or(0);
        let xmax = tail.max(u64::from(top_threshold).min(max)).max(1);
        let step = xmax.div_ceil(300).max(1);
        let mut xs: Vec<u64> = (0..=xmax).step_by(step as usize).collect();
        xs.extend(
            r.options
                .thresholds
                .iter()
                .map(|&t| u64::from(t))
                .filter(|&t| t <= xmax),
        );
        xs.push(xmax);
        xs.sort_unstable();
        xs.dedup();
        points = xs.into_iter().map(|d| (d as f64, frac(d))).collect();
    }
    out.push_str(&line_chart(
        "Target bases at or above each depth",
        "depth",
        "% of target bases",
        &[Series {
            name: r.sample.clone(),
            color: PALETTE[0].to_string(),
            points,
            stems: false,
        }],
        Some((0.0, 100.0)),
    ));
    let low = r.options.low_coverage;
    let bars: Vec<(String, f64)> = genes_worst_first(&r.genes)
        .into_iter()
        .take(BAR_GENES)
        .map(|g| {
            let v = 100.0 * (1.0 - low_share(g.low_coverage_bases, g.length));
            (g.gene.clone(), (v * 100.0).round() / 100.0)
        })
        .collect();
    out.push_str(&bar_chart(
        &format!("Worst genes: % of bases at >= {low}x"),
        "% of gene bases",
        &bars,
    ));
    out.push_str("</div></section>");
}

fn threshold_headers(out: &mut String, r: &CoverageReport) {
    for t in &r.options.thresholds {
        let _ = write!(out, "<th>&ge;{t}x</th>");
    }
    let _ = write!(out, "<th>bases &lt;{}x</th>", r.options.low_coverage);
}

fn genes(out: &mut String, r: &CoverageReport) {
    out.push_str("<section id=genes><h2>Genes, worst first</h2><table id=genes-table><tr><th class=l>gene</th><th>targets</th><th>bases</th><th>mean</th><th>median</th><th>min</th><th>max</th>");
    threshold_headers(out, r);
    out.push_str("<th>targets without reads</th></tr>");
    for g in genes_worst_first(&r.genes) {
        let _ = write!(
            out,
            "<tr{}><td class=l>{}</td><td>{}</td><td>{}</td><td>{:.2}</td><td>{}</td><td>{}</td><td>{}</td>",
            if g.low_coverage_bases > 0 {
                " class=low"
            } else {
                ""
            },
            esc(&g.gene),
            g.targets,
            int(g.length),
            g.mean,
            num(g.median),
            g.min,
            g.max
        );
        for p in &g.pct_at_threshold {
            let _ = write!(out, "<td>{}</td>", pct(*p));
        }
        let _ = write!(
            out,
            "<td>{}</td><td>{}</td></tr>",
            int(g.low_coverage_bases),
            g.zero_coverage_targets
        );
    }
    out.push_str("</table></section>");
}

fn targets(out: &mut String, r: &CoverageReport) {
    out.push_str("<section id=targets><h2>Targets, worst first</h2><table id=targets-table><tr><th class=l>region</th><th class=l>name</th><th class=l>gene</th><th>bases</th><th>mean</th><th>median</th><th>min</th><th>max</th>");
    threshold_headers(out, r);
    out.push_str("</tr>");
    for t in targets_worst_first(&r.targets) {
        let _ = write!(
            out,
            "<tr{}><td class=l>{}</td><td class=l>{}</td><td class=l>{}</td><td>{}</td><td>{:.2}</td><td>{}</td><td>{}</td><td>{}</td>",
            if t.low_coverage_bases > 0 {
                " class=low"
            } else {
                ""
            },
            esc(&locus(&t.contig, t.start, t.end)),
            esc(t.name.as_deref().unwrap_or("")),
            esc(&t.gene),
            int(t.length),
            t.mean,
            num(t.median),
            t.min,
            t.max
        );
        for p in &t.pct_at_threshold {
            let _ = write!(out, "<td>{}</td>", pct(*p));
        }
        let _ = write!(out, "<td>{}</td></tr>", int(t.low_coverage_bases));
    }
    out.push_str("</table></section>");
}

fn low_regions(out: &mut String, r: &CoverageReport) {
    let _ = write!(
        out,
        "<section id=low-coverage><h2>Low-coverage regions (&lt;{}x)</h2>",
        r.options.low_coverage
    );
    if r.low_coverage.is_empty() {
        out.push_str("<p class=note>No target base is below the low-coverage depth.</p></section>");
        return;
    }
    out.push_str("<p class=note>Regions are 1-based and inclusive, as genome browsers show them.</p><table id=low-table><tr><th class=l>region</th><th class=l>genes</th><th>bases</th><th>min depth</th><th>mean depth</th></tr>");
    for l in &r.low_coverage {
        let _ = write!(
            out,
            "<tr class=low><td class=l>{}</td><td class=l>{}</td><td>{}</td><td>{}</td><td>{:.2}</td></tr>",
            esc(&locus(&l.contig, l.start, l.end)),
            esc(&l.genes),
            int(l.end - l.start),
            l.min_depth,
            l.mean_depth
        );
    }
    out.push_str("</table></section>");
}

fn settings(out: &mut String, r: &CoverageReport) {
    let o = &r.options;
    let _ = write!(
        out,
        "<section id=settings><h2>Settings</h2><p class=note>flags excluded {} &middot; flags required {} &middot; MAPQ &ge; {} &middot; base quality &ge; {} &middot; counting {} &middot; mate overlap {} &middot; scan {} &middot; {} records read, {} passing</p></section>",
        o.exclude_flags,
        o.include_flags,
        o.min_mapq,
        o.min_base_quality,
        esc(&name(&o.count)),
        esc(&name(&o.mate_overlap)),
        esc(&name(&r.scan)),
        int(r.records.records_read),
        int(r.records.passing),
    );
}
