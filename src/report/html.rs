//! A single self-contained HTML report: styles, one small script and SVG plots all inline,
//! nothing fetched from the network.

use std::fmt::Write as _;

use serde_json::Value;

use super::json::{FastpReport, ReadReport};
use super::svg::{PALETTE, Series, bar_chart, esc, line_chart};
use super::verdict::{Limits, Verdict, judge};

pub(crate) const STYLE: &str = r#"
body{font-family:system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;margin:0;color:#222;background:#f6f7f9}
header{background:#23395d;color:#fff;padding:14px 24px}header h1{margin:0;font-size:22px}
header p{margin:4px 0 0;font-size:13px;opacity:.85;word-break:break-all}
main{padding:8px 24px;max-width:1400px}
section{background:#fff;border:1px solid #dde;border-radius:6px;margin:14px 0;padding:10px 16px}
h2{font-size:18px;margin:6px 0 10px;color:#23395d}h3{font-size:15px;margin:10px 0 6px}
table{border-collapse:collapse;font-size:13px;margin:4px 0 10px}
th,td{border:1px solid #ccd;padding:3px 8px;text-align:right}th{background:#eef1f6}
td.l,th.l{text-align:left;font-family:ui-monospace,Menlo,Consolas,monospace;word-break:break-all}
.plots{display:flex;flex-wrap:wrap;gap:10px}.plot{width:100%;max-width:540px;height:auto;border:1px solid #eee}
.pt{font-size:14px;font-weight:600}.al{font-size:12px;fill:#444}.tk{font-size:10px;fill:#555}.lg{font-size:11px}
.note{font-size:12px;color:#666}
header .note{color:#dde}.verdict b{padding:1px 8px;border-radius:4px;color:#fff}.pass{background:#2e7d32}.warn{background:#b26a00}.fail{background:#c62828}
"#;

/// Marks the document as fully rendered; the headless-browser test checks the mark.
const SCRIPT: &str = r#"document.documentElement.setAttribute("data-rendered", String(document.querySelectorAll("svg.plot").length));"#;

/// The verdict badge and its checks, e.g. `PASS  Q30 bases after filtering 93.10% (pass ≥ 80.00%)`.
fn verdict_line(out: &mut String, v: &Verdict) {
    let _ = write!(
        out,
        "<p class=verdict><b id=verdict class={}>{}</b>",
        v.level.as_str().to_ascii_lowercase(),
        v.level.as_str()
    );
    for c in &v.checks {
        let _ = write!(
            out,
            " &middot; {} {} <span class=note>({}: pass &ge; {}, warn &ge; {})</span>",
            esc(c.name),
            pct(c.value),
            c.level.as_str(),
            pct(c.limits.0),
            pct(c.limits.1)
        );
    }
    out.push_str("</p>");
}

pub(crate) fn pct(x: f64) -> String {
    format!("{:.2}%", x * 100.0)
}

pub(crate) fn int(n: u64) -> String {
    let s = n.to_string();
    let mut o = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            o.push(',');
        }
        o.push(c);
    }
    o
}

fn xy(v: &[f64]) -> Vec<(f64, f64)> {
    v.iter()
        .enumerate()
        .map(|(i, &y)| ((i + 1) as f64, y))
        .collect()
}

fn series(name: &str, i: usize, v: &[f64]) -> Series {
    Series {
        name: name.to_string(),
        color: PALETTE[i % PALETTE.len()].to_string(),
        points: xy(v),
        stems: false,
    }
}

fn summary_table(out: &mut String, r: &FastpReport) {
    let b = &r.summary.before_filtering;
    let a = &r.summary.after_filtering;
    out.push_str(
        "<table><tr><th class=l></th><th>before filtering</th><th>after filtering</th></tr>",
    );
    let rows: [(&str, String, String); 7] = [
        ("reads", int(b.total_reads), int(a.total_reads)),
        ("bases", int(b.total_bases), int(a.total_bases)),
        (
            "Q20 bases",
            format!("{} ({})", int(b.q20_bases), pct(b.q20_rate)),
            format!("{} ({})", int(a.q20_bases), pct(a.q20_rate)),
        ),
        (
            "Q30 bases",
            format!("{} ({})", int(b.q30_bases), pct(b.q30_rate)),
            format!("{} ({})", int(a.q30_bases), pct(a.q30_rate)),
        ),
        ("GC content", pct(b.gc_content), pct(a.gc_content)),
        (
            "read 1 mean length",
            b.read1_mean_length.to_string(),
            a.read1_mean_length.to_string(),
        ),
        (
            "read 2 mean length",
            b.read2_mean_length
                .map_or_else(|| "-".into(), |x| x.to_string()),
            a.read2_mean_length
                .map_or_else(|| "-".into(), |x| x.to_string()),
        ),
    ];
    for (k, x, y) in rows {
        let _ = write!(out, "<tr><th class=l>{k}</th><td>{x}</td><td>{y}</td></tr>");
    }
    let _ = write!(
        out,
        "<tr><th class=l>duplication rate (estimate)</th><td>{}</td><td></td></tr></table>",
        pct(r.duplication.rate)
    );
}

fn mate_section(
    out: &mut String,
    mate: u8,
    before: &ReadReport,
    after: &ReadReport,
    r: &FastpReport,
) {
    let _ = write!(
        out,
        "<section id=\"read{mate}\"><h2>Read {mate}</h2><div class=plots>"
    );
    let qb = &before.quality_curves;
    out.push_str(&line_chart(
        &format!("Read {mate}: mean quality per position"),
        "position (cycle)",
        "Phred quality",
        &[
            series("before", 0, &qb.mean),
            series("after", 1, &after.quality_curves.mean),
        ],
        Some((0.0, 42.0)),
    ));
    out.push_str(&line_chart(
        &format!("Read {mate} before filtering: quality per base"),
        "position (cycle)",
        "Phred quality",
        &[
            series("A", 2, &qb.A),
            series("C", 0, &qb.C),
            series("G", 3, &qb.G),
            series("T", 1, &qb.T),
        ],
        Some((0.0, 42.0)),
    ));
    for (stage, rep) in [("before", before), ("after", after)] {
        let c = &rep.content_curves;
        out.push_str(&line_chart(
            &format!("Read {mate} {stage} filtering: base content"),
            "position (cycle)",
            "fraction of bases",
            &[
                series("A", 2, &c.A),
                series("C", 0, &c.C),
                series("G", 3, &c.G),
                series("T", 1, &c.T),
                series("N", 7, &c.N),
                series("GC", 4, &c.GC),
            ],
            Some((0.0, 1.0)),
        ));
    }
    let lens: Vec<Series> = r
        .panelprep
        .reads
        .iter()
        .filter(|m| m.mate == mate)
        .enumerate()
        .map(|(i, m)| Series {
            name: m.stage.replace('_', " "),
            color: PALETTE[i % PALETTE.len()].to_string(),
            points: m
                .length_histogram
                .iter()
                .map(|p| (p[0] as f64, p[1] as f64))
                .collect(),
            stems: true,
        })
        .collect();
    out.push_str(&line_chart(
        &format!("Read {mate}: read length distribution"),
        "read length",
        "reads",
        &lens,
        None,
    ));
    out.push_str("</div>");
    let ov = &before.overrepresented_sequences.0;
    if ov.is_empty() {
        out.push_str("<p class=note>No overrepresented sequence found.</p>");
    } else {
        out.push_str("<h3>Overrepresented sequences (first 50 bases, before filtering)</h3><table><tr><th class=l>sequence</th><th>reads (estimate)</th><th>fraction</th></tr>");
        for (s, n) in ov.iter().take(30) {
            let frac = *n as f64 / before.total_reads.max(1) as f64;
            let _ = write!(
                out,
                "<tr><td class=l>{}</td><td>{}</td><td>{}</td></tr>",
                esc(s),
                int(*n),
                pct(frac)
            );
        }
        out.push_str("</table>");
    }
    out.push_str("</section>");
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(match n.as_f64() {
            Some(f) if n.is_f64() => format!("{f:.2}"),
            _ => n.to_string(),
        }),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null => Some(String::new()),
        _ => None,
    }
}

/// Renders any JSON value from the coverage engine: scalars as a table, arrays of objects as
/// tables (and a bar chart of a depth column), nested objects as subsections.
fn coverage_value(out: &mut String, name: &str, v: &Value, depth: usize) {
    match v {
        Value::Object(map) => {
            let scalars: Vec<(&String, String)> = map
                .iter()
                .filter_map(|(k, v)| scalar(v).map(|s| (k, s)))
                .collect();
            if !scalars.is_empty() {
                if !name.is_empty() {
                    let _ = write!(out, "<h3>{}</h3>", esc(name));
                }
                out.push_str("<table>");
                for (k, s) in scalars {
                    let _ = write!(
                        out,
                        "<tr><th class=l>{}</th><td class=l>{}</td></tr>",
                        esc(k),
                        esc(&s)
                    );
                }
                out.push_str("</table>");
            }
            if depth < 3 {
                for (k, v) in map {
                    if scalar(v).is_none() {
                        coverage_value(out, k, v, depth + 1);
                    }
                }
            }
        }
        Value::Array(items) => {
            let objs: Vec<&serde_json::Map<String, Value>> =
                items.iter().filter_map(Value::as_object).collect();
            if objs.is_empty() {
                let vals: Vec<String> = items.iter().filter_map(scalar).take(200).collect();
                let _ = write!(
                    out,
                    "<h3>{}</h3><p class=note>{}</p>",
                    esc(name),
                    esc(&vals.join(", "))
                );
                return;
            }
            let cols: Vec<&String> = objs[0]
                .iter()
                .filter(|(_, v)| scalar(v).is_some())
                .map(|(k, _)| k)
                .collect();
            let _ = write!(out, "<h3>{} ({} rows)</h3>", esc(name), objs.len());
            let depth_col = cols
                .iter()
                .find(|c| c.contains("mean"))
                .or_else(|| cols.iter().find(|c| c.contains("depth")))
                .filter(|c| objs[0].get(c.as_str()).is_some_and(Value::is_number));
            let is_str = |c: &&&String| objs[0].get(c.as_str()).is_some_and(Value::is_string);
            let label_col = ["name", "target", "gene", "id"]
                .iter()
                .find_map(|want| cols.iter().find(|c| c.as_str() == *want && is_str(c)))
                .or_else(|| cols.iter().find(is_str));
            if let Some(dc) = depth_col {
                let bars: Vec<(String, f64)> = objs
                    .iter()
                    .take(40)
                    .enumerate()
                    .map(|(i, o)| {
                        let label = label_col
                            .and_then(|l| o.get(l.as_str()))
                            .and_then(Value::as_str)
                            .map_or_else(|| (i + 1).to_string(), str::to_string);
                        (
                            label,
                            o.get(dc.as_str()).and_then(Value::as_f64).unwrap_or(0.0),
                        )
                    })
                    .collect();
                out.push_str("<div class=plots>");
                out.push_str(&bar_chart(&format!("{name}: {dc}"), dc, &bars));
                out.push_str("</div>");
            }
            out.push_str("<table><tr>");
            for c in &cols {
                let _ = write!(out, "<th class=l>{}</th>", esc(c));
            }
            out.push_str("</tr>");
            for o in objs.iter().take(500) {
                out.push_str("<tr>");
                for c in &cols {
                    let s = o.get(c.as_str()).and_then(scalar).unwrap_or_default();
                    let _ = write!(out, "<td class=l>{}</td>", esc(&s));
                }
                out.push_str("</tr>");
            }
            out.push_str("</table>");
        }
        other => {
            if let Some(s) = scalar(other) {
                let _ = write!(out, "<p><b>{}</b>: {}</p>", esc(name), esc(&s));
            }
        }
    }
}

/// Renders the report (and, when given, the coverage engine's result) as one HTML page.
pub fn render(report: &FastpReport, coverage: Option<&Value>) -> String {
    render_titled(report, coverage, None)
}

/// [`render`] with `title` (fastp's `-R/--report_title`) as the page title and heading
/// instead of `panelprep report` / `panelprep QC report`.
pub fn render_titled(
    report: &FastpReport,
    coverage: Option<&Value>,
    title: Option<&str>,
) -> String {
    render_page(
        report,
        coverage,
        &Page {
            title,
            ..Page::default()
        },
    )
}

/// What the page's header shows besides the report itself.
#[derive(Debug, Clone, Default)]
pub struct Page<'a> {
    /// Page title and heading (fastp's `-R`); default `panelprep QC report`.
    pub title: Option<&'a str>,
    /// Sample name (e.g. [`super::sample_name`] of the first input).
    pub sample: Option<&'a str>,
    /// Date of the run (e.g. [`super::rfc3339_utc`] of its start).
    pub date: Option<&'a str>,
    /// Limits of the PASS/WARN/FAIL verdict.
    pub limits: Limits,
}

/// The report as one HTML page with `page`'s header: sample, date and the verdict on top.
pub fn render_page(report: &FastpReport, coverage: Option<&Value>, page: &Page<'_>) -> String {
    let r = report;
    let mut out = String::with_capacity(256 * 1024);
    let (title, heading) = match page.title {
        Some(t) => (esc(t), esc(t)),
        None => ("panelprep report".into(), "panelprep QC report".into()),
    };
    let _ = write!(
        out,
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8><meta name=viewport content=\"width=device-width,initial-scale=1\"><title>{title}</title><style>{STYLE}</style></head><body><header><h1>{heading}</h1>"
    );
    let mut meta = Vec::new();
    if let Some(s) = page.sample {
        meta.push(format!("sample <b id=sample>{}</b>", esc(s)));
    }
    if let Some(d) = page.date {
        meta.push(format!("run <span id=date>{}</span>", esc(d)));
    }
    meta.push(format!("panelprep {}", esc(&r.panelprep.version)));
    meta.push(esc(&r.summary.sequencing));
    meta.push(esc(&r.panelprep.mode.replace('_', "-")));
    let _ = write!(out, "<p>{}</p>", meta.join(" &middot; "));
    verdict_line(&mut out, &judge(r, &page.limits));
    let _ = write!(out, "<p>{}</p></header><main>", esc(&r.command));
    out.push_str("<section id=summary><h2>Summary</h2>");
    summary_table(&mut out, r);
    out.push_str("</section>");

    // Filtering.
    out.push_str("<section id=filtering><h2>Filtering results</h2><div class=plots>");
    let bars: Vec<(String, f64)> = r
        .panelprep
        .filtering
        .0
        .iter()
        .map(|(k, v)| (k.replace('_', " "), *v as f64))
        .collect();
    out.push_str(&bar_chart("Reads per filtering outcome", "reads", &bars));
    out.push_str("</div><table><tr><th class=l>outcome</th><th>reads</th><th>fraction</th></tr>");
    let total = r.summary.before_filtering.total_reads.max(1) as f64;
    for (k, v) in &r.panelprep.filtering.0 {
        let v = *v;
        let _ = write!(
            out,
            "<tr><td class=l>{}</td><td>{}</td><td>{}</td></tr>",
            esc(k),
            int(v),
            pct(v as f64 / total)
        );
    }
    out.push_str("</table></section>");

    // Adapters and trimming.
    out.push_str("<section id=adapters><h2>Adapters and trimming</h2><table><tr><th class=l>mate</th><th>trimmed reads</th><th>adapter reads</th><th>adapter bases</th><th>poly-X bases</th><th>quality bases</th></tr>");
    for t in &r.panelprep.trimming {
        let _ = write!(
            out,
            "<tr><td class=l>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            t.mate,
            int(t.trimmed_reads),
            int(t.adapter_reads),
            int(t.adapter_bases),
            int(t.polyx_bases),
            int(t.quality_bases)
        );
    }
    out.push_str("</table>");
    let ac = &r.adapter_cutting;
    let lists = [
        (
            1,
            &ac.read1_adapter_sequence,
            Some(&ac.read1_adapter_counts),
        ),
        (
            2,
            ac.read2_adapter_sequence
                .as_ref()
                .unwrap_or(&ac.read1_adapter_sequence),
            ac.read2_adapter_counts.as_ref(),
        ),
    ];
    for (mate, adapter, counts) in lists {
        let Some(counts) = counts else { continue };
        let _ = write!(
            out,
            "<h3>Read {mate} adapter: <code>{}</code></h3>",
            esc(adapter)
        );
        if counts.0.is_empty() {
            out.push_str("<p class=note>No adapter found.</p>");
            continue;
        }
        out.push_str("<table><tr><th class=l>sequence cut</th><th>reads</th></tr>");
        for (s, n) in counts.0.iter().take(20) {
            let _ = write!(
                out,
                "<tr><td class=l>{}</td><td>{}</td></tr>",
                esc(s),
                int(*n)
            );
        }
        out.push_str("</table>");
    }
    out.push_str("</section>");

    // Duplication and insert size.
    let d = &r.panelprep.duplication;
    let _ = write!(
        out,
        "<section id=duplication><h2>Duplication and insert size</h2><p>Estimated duplication rate: <b>{}</b> ({} of {} reads sampled, {} distinct; sampling level {}).</p><div class=plots>",
        pct(r.duplication.rate),
        int(d.sampled_reads),
        int(d.reads),
        int(d.sampled_distinct),
        d.sampling_level
    );
    let dup_pts: Vec<f64> = r.duplication.histogram.iter().map(|&n| n as f64).collect();
    out.push_str(&line_chart(
        "Reads by duplication level (sample)",
        "duplication level",
        "reads",
        &[Series {
            stems: true,
            ..series("reads", 0, &dup_pts)
        }],
        None,
    ));
    if let Some(ins) = &r.insert_size {
        let last = ins.histogram.iter().rposition(|&n| n > 0).unwrap_or(0);
        let pts: Vec<(f64, f64)> = ins.histogram[..=last]
            .iter()
            .enumerate()
            .map(|(i, &n)| (i as f64, n as f64))
            .collect();
        out.push_str(&line_chart(
            "Insert size distribution",
            "insert size",
            "pairs",
            &[Series {
                name: format!("peak {}", ins.peak),
                color: PALETTE[2].to_string(),
                points: pts,
                stems: true,
            }],
            None,
        ));
    }
    out.push_str("</div>");
    if let (Some(ins), Some(det)) = (&r.insert_size, &r.panelprep.insert_size) {
        let _ = write!(
            out,
            "<p>Insert size: peak {}, median {}, mean {:.1}; {} pairs with overlap, {} without.</p>",
            ins.peak,
            det.median,
            det.mean,
            int(det.known_pairs),
            int(det.unknown_pairs)
        );
    }
    out.push_str("</section>");

    mate_section(
        &mut out,
        1,
        &r.read1_before_filtering,
        &r.read1_after_filtering,
        r,
    );
    if let (Some(b), Some(a)) = (&r.read2_before_filtering, &r.read2_after_filtering) {
        mate_section(&mut out, 2, b, a, r);
    }
    if let Some(cov) = coverage {
        out.push_str("<section id=coverage><h2>Panel coverage</h2>");
        coverage_value(&mut out, "", cov, 0);
        out.push_str("</section>");
    }
    let _ = writeln!(out, "</main><script>{SCRIPT}</script></body></html>");
    out
}
