//! Inline SVG plots (line and bar charts) generated in Rust: no script, no external resource.

use std::fmt::Write as _;

const W: f64 = 640.0;
const H: f64 = 300.0;
const ML: f64 = 60.0;
const MR: f64 = 130.0;
const MT: f64 = 30.0;
const MB: f64 = 45.0;

/// Colours of successive series.
pub const PALETTE: [&str; 8] = [
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
];

/// Escapes text for HTML/SVG content and attribute values.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

/// One line of a line chart.
pub struct Series {
    /// Legend text.
    pub name: String,
    /// CSS colour.
    pub color: String,
    /// `(x, y)` points in x order.
    pub points: Vec<(f64, f64)>,
    /// Draw each point as a vertical stem from 0 with a dot (histograms) instead of a line.
    pub stems: bool,
}

/// Axis ticks at "nice" steps covering `[lo, hi]`.
fn ticks(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    let span = (hi - lo).max(1e-9);
    let raw = span / n.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let mut v = Vec::new();
    let mut t = (lo / step).ceil() * step;
    while t <= hi + step * 1e-9 {
        v.push(t);
        t += step;
    }
    v
}

fn fmt_tick(t: f64) -> String {
    if t.abs() >= 1e6 {
        format!("{:.1}M", t / 1e6)
    } else if t.abs() >= 1e4 {
        format!("{:.0}k", t / 1e3)
    } else if (t - t.round()).abs() < 1e-9 {
        format!("{}", t.round() as i64)
    } else {
        format!("{t:.2}")
    }
}

fn frame(out: &mut String, title: &str, xlab: &str, ylab: &str) {
    let _ = write!(
        out,
        r##"<svg class="plot" viewBox="0 0 {W} {H}" role="img" aria-label="{t}"><title>{t}</title><rect x="0" y="0" width="{W}" height="{H}" fill="#fff"/><text x="{cx}" y="18" text-anchor="middle" class="pt">{t}</text><text x="{cx}" y="{xy}" text-anchor="middle" class="al">{xl}</text><text transform="translate(14 {cy}) rotate(-90)" text-anchor="middle" class="al">{yl}</text>"##,
        t = esc(title),
        cx = ML + (W - ML - MR) / 2.0,
        xy = H - 8.0,
        cy = MT + (H - MT - MB) / 2.0,
        xl = esc(xlab),
        yl = esc(ylab),
    );
}

fn axes(
    out: &mut String,
    x0: f64,
    x1: f64,
    y0: f64,
    y1: f64,
) -> (impl Fn(f64) -> f64 + use<>, impl Fn(f64) -> f64 + use<>) {
    let pw = W - ML - MR;
    let ph = H - MT - MB;
    let xs = move |x: f64| ML + (x - x0) / (x1 - x0).max(1e-12) * pw;
    let ys = move |y: f64| MT + ph - (y - y0) / (y1 - y0).max(1e-12) * ph;
    for t in ticks(y0, y1, 5) {
        let y = ys(t);
        let _ = write!(
            out,
            r##"<line x1="{ML}" x2="{x2}" y1="{y:.1}" y2="{y:.1}" stroke="#e5e5e5"/><text x="{tx}" y="{ty:.1}" text-anchor="end" class="tk">{l}</text>"##,
            x2 = ML + pw,
            tx = ML - 4.0,
            ty = y + 4.0,
            l = fmt_tick(t)
        );
    }
    for t in ticks(x0, x1, 8) {
        let x = xs(t);
        let _ = write!(
            out,
            r##"<line x1="{x:.1}" x2="{x:.1}" y1="{yb}" y2="{yt}" stroke="#888"/><text x="{x:.1}" y="{ty}" text-anchor="middle" class="tk">{l}</text>"##,
            yb = MT + ph,
            yt = MT + ph + 4.0,
            ty = MT + ph + 16.0,
            l = fmt_tick(t)
        );
    }
    let _ = write!(
        out,
        r##"<rect x="{ML}" y="{MT}" width="{pw}" height="{ph}" fill="none" stroke="#888"/>"##
    );
    (xs, ys)
}

fn legend(out: &mut String, names: &[(String, String)]) {
    for (i, (name, color)) in names.iter().enumerate() {
        let y = MT + 8.0 + i as f64 * 18.0;
        let _ = write!(
            out,
            r#"<rect x="{x}" y="{ry}" width="12" height="12" fill="{c}"/><text x="{tx}" y="{ty}" class="lg">{n}</text>"#,
            x = W - MR + 10.0,
            ry = y - 10.0,
            c = esc(color),
            tx = W - MR + 27.0,
            ty = y,
            n = esc(name)
        );
    }
}

/// A line chart. `y_range` fixes the y axis; otherwise it spans 0 to the largest value.
pub fn line_chart(
    title: &str,
    xlab: &str,
    ylab: &str,
    series: &[Series],
    y_range: Option<(f64, f64)>,
) -> String {
    let mut out = String::new();
    frame(&mut out, title, xlab, ylab);
    let pts = || series.iter().flat_map(|s| s.points.iter());
    let (mut x0, mut x1) = (f64::INFINITY, f64::NEG_INFINITY);
    let mut ymax: f64 = 0.0;
    for &(x, y) in pts() {
        x0 = x0.min(x);
        x1 = x1.max(x);
        ymax = ymax.max(y);
    }
    if !x0.is_finite() {
        out.push_str(
            r#"<text x="320" y="150" text-anchor="middle" class="al">no data</text></svg>"#,
        );
        return out;
    }
    if x1 <= x0 {
        x0 -= 1.0;
        x1 += 1.0;
    }
    let (y0, y1) = y_range.unwrap_or((0.0, if ymax > 0.0 { ymax * 1.05 } else { 1.0 }));
    let (xs, ys) = axes(&mut out, x0, x1, y0, y1);
    for s in series {
        if s.points.is_empty() {
            continue;
        }
        if s.stems {
            let c = esc(&s.color);
            let base = ys(y0.max(0.0));
            for &(x, y) in &s.points {
                if y <= 0.0 {
                    continue;
                }
                let _ = write!(
                    out,
                    r#"<line x1="{x:.1}" x2="{x:.1}" y1="{base:.1}" y2="{yv:.1}" stroke="{c}" stroke-width="1.5"/><circle cx="{x:.1}" cy="{yv:.1}" r="2.2" fill="{c}"><title>{xr}: {yr}</title></circle>"#,
                    x = xs(x),
                    yv = ys(y.clamp(y0, y1)),
                    xr = fmt_tick(x),
                    yr = y
                );
            }
            continue;
        }
        let mut d = String::new();
        for (i, &(x, y)) in s.points.iter().enumerate() {
            let _ = write!(
                d,
                "{}{:.1},{:.1}",
                if i == 0 { "M" } else { "L" },
                xs(x),
                ys(y.clamp(y0, y1))
            );
        }
        let _ = write!(
            out,
            r#"<path d="{d}" fill="none" stroke="{c}" stroke-width="1.6"><title>{n}</title></path>"#,
            c = esc(&s.color),
            n = esc(&s.name)
        );
    }
    let names: Vec<(String, String)> = series
        .iter()
        .map(|s| (s.name.clone(), s.color.clone()))
        .collect();
    legend(&mut out, &names);
    out.push_str("</svg>");
    out
}

/// A horizontal bar chart of labelled values (labels on the left, value at the bar's end).
pub fn bar_chart(title: &str, xlab: &str, bars: &[(String, f64)]) -> String {
    let row = 22.0;
    let lw = 150.0;
    let h = MT + bars.len().max(1) as f64 * row + 40.0;
    let pw = W - lw - 90.0;
    let mut out = String::new();
    let _ = write!(
        out,
        r##"<svg class="plot" viewBox="0 0 {W} {h}" role="img" aria-label="{t}"><title>{t}</title><rect x="0" y="0" width="{W}" height="{h}" fill="#fff"/><text x="{cx}" y="18" text-anchor="middle" class="pt">{t}</text><text x="{cx}" y="{xy}" text-anchor="middle" class="al">{xl}</text>"##,
        t = esc(title),
        cx = W / 2.0,
        xy = h - 8.0,
        xl = esc(xlab),
    );
    let xmax = bars.iter().map(|b| b.1).fold(0.0, f64::max);
    let x1 = if xmax > 0.0 { xmax } else { 1.0 };
    let xs = |x: f64| lw + x / x1 * pw;
    let bottom = MT + bars.len() as f64 * row;
    for t in ticks(0.0, x1, 5) {
        let _ = write!(
            out,
            r##"<line x1="{x:.1}" x2="{x:.1}" y1="{MT}" y2="{bottom}" stroke="#e5e5e5"/><text x="{x:.1}" y="{ty}" text-anchor="middle" class="tk">{l}</text>"##,
            x = xs(t),
            ty = bottom + 14.0,
            l = fmt_tick(t)
        );
    }
    for (i, (label, v)) in bars.iter().enumerate() {
        let y = MT + i as f64 * row;
        let _ = write!(
            out,
            r#"<text x="{lx}" y="{ty:.1}" text-anchor="end" class="lg">{l}</text><rect x="{lw}" y="{ry:.1}" width="{w:.1}" height="{bh:.1}" fill="{c}"><title>{l}: {v}</title></rect><text x="{vx:.1}" y="{ty:.1}" class="tk">{v}</text>"#,
            lx = lw - 6.0,
            ty = y + row * 0.65,
            l = esc(label),
            ry = y + row * 0.15,
            w = (xs(*v) - lw).max(0.0),
            bh = row * 0.7,
            c = PALETTE[i % PALETTE.len()],
            vx = xs(*v) + 4.0,
        );
    }
    let _ = write!(
        out,
        r##"<line x1="{lw}" x2="{lw}" y1="{MT}" y2="{bottom}" stroke="#888"/></svg>"##
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_ticks() {
        assert_eq!(ticks(0.0, 40.0, 5), vec![0.0, 10.0, 20.0, 30.0, 40.0]);
        assert_eq!(ticks(1.0, 151.0, 8).first().copied(), Some(20.0));
        assert_eq!(esc("<a&\"b'>"), "&lt;a&amp;&quot;b&#39;&gt;");
    }
}
