//! mosdepth-compatible outputs: `regions.bed.gz`, `thresholds.bed.gz` and `region.dist.txt`
//! byte-equal to mosdepth 0.3 (`-n --by BED -T ...`); `summary.txt` with mosdepth's `_region`
//! lines and per-contig/total lines over the target territory; `global.dist.txt` over the
//! territory.

use std::io::Write;

use super::metrics::{Computed, DepthStat, Hist};

/// `{:.2}` like mosdepth's `format_float(ffDecimal, precision=2)` (C `%.2f`).
fn f2(x: f64) -> String {
    format!("{x:.2}")
}

/// The regions file body (uncompressed): `chrom start end [name] mean`.
pub fn regions(c: &Computed) -> String {
    let mut s = String::new();
    for ct in &c.mosdepth.contigs {
        for &i in &ct.order {
            let t = &c.targets[i];
            s.push_str(&format!("{}\t{}\t{}\t", t.contig, t.start, t.end));
            if let Some(n) = &t.name {
                s.push_str(n);
                s.push('\t');
            }
            s.push_str(&f2(t.mean));
            s.push('\n');
        }
    }
    s
}

/// The thresholds file body (uncompressed), with mosdepth's header line.
pub fn thresholds(c: &Computed, thresholds: &[u32]) -> String {
    let mut s = String::from("#chrom\tstart\tend\tregion");
    for t in thresholds {
        s.push_str(&format!("\t{t}X"));
    }
    s.push('\n');
    for ct in &c.mosdepth.contigs {
        for &i in &ct.order {
            let t = &c.targets[i];
            s.push_str(&format!(
                "{}\t{}\t{}\t{}",
                t.contig,
                t.start,
                t.end,
                t.name.as_deref().unwrap_or("unknown")
            ));
            for n in &t.bases_at_threshold {
                // mosdepth writes 0 for every threshold (even 0X) on a contig without records
                let n = if ct.has_records { *n } else { 0 };
                s.push_str(&format!("\t{n}"));
            }
            s.push('\n');
        }
    }
    s
}

/// mosdepth's cumulative distribution lines for one contig (nothing when empty).
pub fn dist_lines(out: &mut String, chrom: &str, h: &Hist) {
    let sum = h.n();
    if sum < 1 {
        return;
    }
    let mut cum = 0f64;
    let top = h.counts.len().max(301);
    for irev in (0..top).rev() {
        let v = h.counts.get(irev).copied().unwrap_or(0);
        if irev > 300 && v == 0 {
            continue;
        }
        cum += v as f64 / sum as f64;
        if cum < 8e-5 {
            continue;
        }
        out.push_str(&format!("{chrom}\t{irev}\t{}\n", f2(cum)));
    }
}

/// `region.dist.txt`: per contig with records, then `total` (as mosdepth).
pub fn region_dist(c: &Computed) -> String {
    let mut s = String::new();
    let mut total = Hist::default();
    for ct in &c.mosdepth.contigs {
        if !ct.has_records {
            continue;
        }
        dist_lines(&mut s, &ct.name, &ct.region_hist);
        total.merge(&ct.region_hist);
    }
    dist_lines(&mut s, "total", &total);
    s
}

/// `global.dist.txt` over the target territory (each target base once).
pub fn global_dist(c: &Computed) -> String {
    let mut s = String::new();
    let mut total = Hist::default();
    for ct in &c.mosdepth.contigs {
        if !ct.has_records {
            continue;
        }
        dist_lines(&mut s, &ct.name, &ct.territory_hist);
        total.merge(&ct.territory_hist);
    }
    dist_lines(&mut s, "total", &total);
    s
}

fn stat_line(s: &mut String, name: &str, st: &DepthStat) {
    let mean = if st.length > 0 {
        st.sum as f64 / st.length as f64
    } else {
        0.0
    };
    s.push_str(&format!(
        "{name}\t{}\t{}\t{}\t{}\t{}\n",
        st.length,
        st.sum,
        f2(mean),
        st.min.unwrap_or(0),
        st.max
    ));
}

/// `summary.txt`: `chrom` lines over the territory, `chrom_region` lines as mosdepth.
pub fn summary(c: &Computed) -> String {
    let mut s = String::from("chrom\tlength\tbases\tmean\tmin\tmax\n");
    let mut total = DepthStat::default();
    // mosdepth starts its region accumulators at min 0 (and resets them to "none" after the
    // first contig), so the first contig's `_region` min and `total_region` min are always 0.
    let mut total_region = DepthStat {
        min: Some(0),
        ..Default::default()
    };
    let mut first = true;
    for ct in &c.mosdepth.contigs {
        if !ct.has_records {
            continue;
        }
        stat_line(&mut s, &ct.name, &ct.territory_stat);
        let mut rs = ct.region_stat;
        if first {
            rs.min = Some(0);
            first = false;
        }
        stat_line(&mut s, &format!("{}_region", ct.name), &rs);
        total.merge(&ct.territory_stat);
        total_region.merge(&ct.region_stat);
    }
    stat_line(&mut s, "total", &total);
    stat_line(&mut s, "total_region", &total_region);
    s
}

/// Writes `text` BGZF-compressed (readable by `zcat`, `tabix`, MultiQC).
pub fn write_bgzf<W: Write>(w: W, text: &str) -> std::io::Result<W> {
    let mut z = noodles::bgzf::io::Writer::new(w);
    z.write_all(text.as_bytes())?;
    z.finish()
}
