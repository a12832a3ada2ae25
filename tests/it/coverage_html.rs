//! The coverage report a lab reads (`PREFIX.coverage.html`) and the MultiQC custom-content
//! tables (`PREFIX.*_mqc.tsv`) on the bundled demo panel: verdict and limits in the header,
//! genes and targets worst first, low-coverage regions with their genes, an inline SVG plot,
//! nothing fetched from the network, identical bytes apart from the run date.

use crate::util::coverage as common;

use common::*;
use panelprep::coverage::low_share;
use panelprep::coverage::{self, CoverageOptions, CoverageReport, GateLimit, Preset, render_html};

fn demo(gates: &[&str]) -> CoverageReport {
    let (bam, bed) = demo_panel();
    let mut o: CoverageOptions = Preset::Mosdepth.options();
    o.low_coverage = 20;
    o.gate = gates
        .iter()
        .map(|g| GateLimit::parse(g).expect("gate"))
        .collect();
    coverage::run(&o, &bam, &bed).expect("coverage run")
}

/// The text between `start` and the next `end` after it.
fn between<'a>(s: &'a str, start: &str, end: &str) -> &'a str {
    let i = s
        .find(start)
        .unwrap_or_else(|| panic!("{start:?} not found"));
    let rest = &s[i + start.len()..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

/// First cell of each row of the table with `id`.
fn first_cells(page: &str, id: &str) -> Vec<String> {
    let table = between(page, &format!("<table id={id}>"), "</table>");
    table
        .split("<tr")
        .skip(2) // before the first row, the header row
        .filter_map(|row| {
            let cell = row.split("<td class=l>").nth(1)?;
            Some(cell[..cell.find("</td>")?].to_string())
        })
        .collect()
}

#[test]
fn html_shows_verdict_worst_first_low_regions_and_a_plot() {
    let r = demo(&["median_target_coverage>=20", "pct_target_bases_20x>=0.5"]);
    let page = render_html(&r, "2026-01-02T03:04:05Z");
    // header: sample from the read group (SM:panel), run date, verdict with its limits
    let header = between(&page, "<header>", "</header>");
    assert!(header.contains("<b id=sample>panel</b>"), "{header}");
    assert!(header.contains("2026-01-02T03:04:05Z"), "{header}");
    assert!(header.contains("QC gate: PASS"), "{header}");
    assert!(
        header.contains("median_target_coverage") && header.contains("&ge; 20"),
        "{header}"
    );
    assert!(header.contains("pct_target_bases_20x") && header.contains("&ge; 0.5"));
    // genes worst first: the largest share of bases below 20x on top
    let genes = first_cells(&page, "genes-table");
    assert_eq!(genes.len(), r.genes.len());
    let worst = r
        .genes
        .iter()
        .max_by(|a, b| {
            low_share(a.low_coverage_bases, a.length)
                .total_cmp(&low_share(b.low_coverage_bases, b.length))
        })
        .expect("genes");
    assert_eq!(genes[0], worst.gene, "{genes:?}");
    let shares: Vec<f64> = genes
        .iter()
        .map(|n| {
            let g = r.genes.iter().find(|g| &g.gene == n).expect("gene");
            low_share(g.low_coverage_bases, g.length)
        })
        .collect();
    assert!(shares.windows(2).all(|w| w[0] >= w[1]), "{shares:?}");
    let targets = first_cells(&page, "targets-table");
    assert_eq!(targets.len(), r.targets.len());
    // low-coverage regions, named by their genes (1-based regions)
    assert!(!r.low_coverage.is_empty(), "the demo has bases below 20x");
    let low = between(&page, "<table id=low-table>", "</table>");
    for l in &r.low_coverage {
        let row = format!(
            "<td class=l>{}:{}-{}</td><td class=l>{}</td>",
            l.contig,
            l.start + 1,
            l.end,
            l.genes
        );
        assert!(low.contains(&row), "missing {row}");
    }
    // the depth distribution as inline SVG; nothing from the network, no script
    let depth = between(&page, "<section id=depth>", "</section>");
    assert!(
        depth.contains("<svg") && depth.contains("<path d=\"M"),
        "{depth}"
    );
    for bad in ["http://", "https://", "<script", "<link", "src="] {
        assert!(!page.contains(bad), "the page holds {bad:?}");
    }
    assert!(page.starts_with("<!DOCTYPE html>") && page.trim_end().ends_with("</html>"));
    // deterministic: only the date differs
    let again = render_html(&r, "2030-12-31T00:00:00Z");
    assert_eq!(
        page.replace("2026-01-02T03:04:05Z", "DATE"),
        again.replace("2030-12-31T00:00:00Z", "DATE")
    );
}

#[test]
fn html_shows_a_failed_gate_and_no_gate() {
    let r = demo(&["median_target_coverage>=100", "pct_target_bases_20x>=0.5"]);
    let page = render_html(&r, "d");
    let header = between(&page, "<header>", "</header>");
    assert!(header.contains("QC gate: FAIL"), "{header}");
    assert!(header.contains("<tr class=fail><td class=l>median_target_coverage</td>"));
    let none = render_html(&demo(&[]), "d");
    assert!(none.contains("QC gate: not set"));
}

#[test]
fn outputs_include_html_and_multiqc_tables_in_one_set() {
    let r = demo(&["median_target_coverage>=20"]);
    let t = tempfile::tempdir().expect("tmp");
    let prefix = t.path().join("S1");
    let written = coverage::write_outputs(&r, &prefix).expect("write");
    for suffix in [
        ".coverage.html",
        ".gate_mqc.tsv",
        ".genes_mqc.tsv",
        ".low_coverage_mqc.tsv",
    ] {
        assert!(
            written.contains(&with(&prefix, suffix)),
            "{suffix} not written"
        );
    }
    let read = |s: &str| std::fs::read_to_string(with(&prefix, s)).expect("read");
    let page = read(".coverage.html");
    let date = between(&page, "<span id=run-date>", "</span>").to_string();
    assert_eq!(page, render_html(&r, &date));
    for (suffix, id, name) in [
        (".gate_mqc.tsv", "panelprep_coverage_gate", "QC gate"),
        (".genes_mqc.tsv", "panelprep_coverage_genes", "genes"),
        (
            ".low_coverage_mqc.tsv",
            "panelprep_coverage_low_coverage",
            "low-coverage regions",
        ),
    ] {
        let text = read(suffix);
        assert!(text.contains(&format!("# id: '{id}'\n")), "{text}");
        assert!(
            text.contains(&format!("# section_name: 'panelprep coverage: {name}'\n")),
            "{text}"
        );
        assert!(text.contains("# plot_type: 'table'\n"), "{text}");
    }
    // rows keyed by the prefix's file name; genes worst first; one row per low region
    let gate = read(".gate_mqc.tsv");
    assert!(
        gate.lines()
            .any(|l| l.starts_with("S1\tPASS\tnone\tpanel\t")),
        "{gate}"
    );
    let genes = read(".genes_mqc.tsv");
    let rows: Vec<&str> = genes.lines().filter(|l| l.starts_with("S1: ")).collect();
    assert_eq!(rows.len(), r.genes.len());
    let first = coverage::genes_worst_first(&r.genes)[0];
    assert!(
        rows[0].starts_with(&format!("S1: {}\t", first.gene)),
        "{}",
        rows[0]
    );
    let low = read(".low_coverage_mqc.tsv");
    assert_eq!(
        low.lines().filter(|l| l.starts_with("S1: ")).count(),
        r.low_coverage.len()
    );
    // without limits: no gate files
    let p2 = t.path().join("S2");
    coverage::write_outputs(&demo(&[]), &p2).expect("write");
    assert!(!with(&p2, ".gate_mqc.tsv").exists() && with(&p2, ".coverage.html").exists());
}

#[test]
fn sample_falls_back_to_the_bam_file_stem() {
    // the demo BAM with its read-group lines removed from the header text
    let (bam, bed) = demo_panel();
    let t = tempfile::tempdir().expect("tmp");
    let text = {
        use std::io::Read;
        let mut s = Vec::new();
        noodles::bgzf::io::Reader::new(std::fs::File::open(&bam).expect("open"))
            .read_to_end(&mut s)
            .expect("inflate");
        s
    };
    let l_text = u32::from_le_bytes(text[4..8].try_into().expect("4 bytes")) as usize;
    let header = String::from_utf8_lossy(&text[8..8 + l_text]).into_owned();
    let kept: String = header
        .lines()
        .filter(|l| !l.starts_with("@RG"))
        .map(|l| format!("{l}\n"))
        .collect();
    let mut out = b"BAM\x01".to_vec();
    out.extend_from_slice(&(kept.len() as u32).to_le_bytes());
    out.extend_from_slice(kept.as_bytes());
    out.extend_from_slice(&text[8 + l_text..]);
    let copy = t.path().join("tumour_42.bam");
    let mut w = noodles::bgzf::io::Writer::new(std::fs::File::create(&copy).expect("create"));
    std::io::Write::write_all(&mut w, &out).expect("write");
    w.finish().expect("finish");
    let r = coverage::run(&Preset::Mosdepth.options(), &copy, &bed).expect("run");
    assert_eq!(r.sample, "tumour_42");
    assert_eq!(demo(&[]).sample, "panel");
}
