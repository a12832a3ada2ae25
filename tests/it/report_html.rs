//! The HTML report is self-contained and renders in headless Chromium with no console error
//! and no network request; a screenshot is written to `target/tmp/report_html/`.
//! The Chromium part skips (with a printed reason) when `/usr/bin/chromium` is absent.

use crate::util::report as report_common;

use std::path::{Path, PathBuf};
use std::process::Command;

use report_common::*;
use serde_json::{Value, json};

use panelprep::report::{RunInfo, build, html};

const CHROMIUM: &str = "/usr/bin/chromium";

fn coverage() -> Value {
    json!({
        "panel": "my-targets.bed",
        "bam": "na12878-chrM-Y-trunc.bam",
        "mean_depth": 82.5,
        "targets": [
            {"name": "MT-RNR1", "chrom": "chrM", "start": 250, "end": 277, "mean_depth": 82.5, "pct_20x": 1.0},
            {"name": "MT-ND1", "chrom": "chrM", "start": 3306, "end": 3400, "mean_depth": 120.25, "pct_20x": 1.0},
            {"name": "SRY", "chrom": "chrY", "start": 2000, "end": 2100, "mean_depth": 12.0, "pct_20x": 0.2},
            {"name": "ZFY", "chrom": "chrY", "start": 15000, "end": 15200, "mean_depth": 0.0, "pct_20x": 0.0}
        ]
    })
}

fn report_html() -> String {
    let Some(d) = data_dir() else {
        // Small synthetic input when the shared data is absent.
        let recs = parse_fastq(b"@a\nACGTACGTAA\n+\nIIIIIIIII5\n@b\nGGGCCCAATT\n+\n5555IIII!!\n");
        let s = stats_before(&recs, Some(&recs));
        return html::render(&build(&s, &RunInfo::default()), Some(&coverage()));
    };
    let (r1, r2) = deinterleave(read_fastq(&d.join("needletail/PRJNA271013_head.fq")));
    let mut s = stats_before(&r1, Some(&r2));
    for (a, b) in r1.iter().zip(&r2) {
        let q_ok = a.2.iter().filter(|&&q| q >= b'5').count() * 10 >= a.2.len() * 9;
        if q_ok {
            let k = a.1.len().saturating_sub(a.1.len() % 13);
            let x = panelprep::fastq::RecordRef {
                seq: &a.1[..k],
                qual: &a.2[..k],
                head: &a.0,
                plus: b"",
            };
            s.add_after(&x, Some(&rec(b)));
            s.add_filter(panelprep::filter::Reason::Passed, 2);
            if k < a.1.len() {
                s.add_adapter(0, &a.1[k..]);
                s.add_trimmed(0, a.1.len() - k, 0, 0);
            }
        } else {
            s.add_filter(panelprep::filter::Reason::LowQuality, 2);
        }
        s.add_insert(
            (a.1[0] != b'N').then_some(150 + (a.1[1] as usize % 7) * 10 + a.1[2] as usize % 5),
        );
    }
    let info = RunInfo {
        command: "panelprep --interleaved --in1 PRJNA271013_head.fq --json r.json --html r.html"
            .into(),
        ..RunInfo::default()
    };
    html::render(&build(&s, &info), Some(&coverage()))
}

#[test]
fn html_is_self_contained() {
    let page = report_html();
    assert!(page.starts_with("<!DOCTYPE html>"));
    let lower = page.to_ascii_lowercase();
    for bad in [
        "http:", "https:", "src=", "href=", "url(", "@import", "<link", "<iframe", "<img",
    ] {
        assert!(
            !lower.contains(bad),
            "report references an external resource: {bad}"
        );
    }
    assert!(page.matches("<svg class=\"plot\"").count() >= 8);
    assert!(page.contains("id=coverage"), "coverage section");
    assert!(page.contains("MT-ND1"));
    // Balanced SVG elements.
    assert_eq!(page.matches("<svg").count(), page.matches("</svg>").count());
}

/// Requests made for the page (not by the browser itself) that left the file system.
fn page_requests(netlog: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(netlog).unwrap_or_default();
    let v: Value = serde_json::from_str(&text)
        .or_else(|_| serde_json::from_str(&format!("{}]}}", text.trim_end().trim_end_matches(','))))
        .unwrap_or_else(|e| panic!("unreadable net log {}: {e}", netlog.display()));
    let mut urls = Vec::new();
    for e in v["events"].as_array().into_iter().flatten() {
        let p = &e["params"];
        let (Some(url), Some(nik)) = (p["url"].as_str(), p["network_isolation_key"].as_str())
        else {
            continue;
        };
        if nik.starts_with("file://") && !url.starts_with("file:") && !url.starts_with("data:") {
            urls.push(url.to_string());
        }
    }
    urls
}

struct Run {
    dom: String,
    console_errors: Vec<String>,
    requests: Vec<String>,
}

fn chromium(page: &Path, out: &Path, screenshot: Option<&Path>) -> Run {
    let mut cmd = Command::new(CHROMIUM);
    let udd = tempfile::tempdir().expect("user data dir");
    let netlog = out.join(format!(
        "{}.netlog.json",
        page.file_stem().and_then(|s| s.to_str()).unwrap_or("p")
    ));
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--enable-logging=stderr",
        "--v=0",
        "--window-size=1200,2000",
    ])
    .arg(format!("--user-data-dir={}", udd.path().display()))
    .arg(format!("--log-net-log={}", netlog.display()));
    match screenshot {
        Some(png) => cmd.arg(format!("--screenshot={}", png.display())),
        None => cmd.arg("--dump-dom"),
    };
    let o = cmd
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("run chromium");
    assert!(
        o.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let err = String::from_utf8_lossy(&o.stderr);
    Run {
        dom: String::from_utf8_lossy(&o.stdout).into_owned(),
        console_errors: err
            .lines()
            .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught"))
            .map(str::to_string)
            .collect(),
        requests: page_requests(&netlog),
    }
}

#[test]
#[cfg_attr(
    not(pp_have_chromium),
    ignore = "live: needs chromium (apt-get install chromium)"
)]
fn html_renders_in_headless_chromium() {
    if !Path::new(CHROMIUM).exists() {
        base::skip(&format!(
            "{CHROMIUM} not found (apt-get install -y chromium)"
        ));
        return;
    }
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report_html");
    std::fs::create_dir_all(&out).expect("mkdir");
    // Control page: the checks must see its console error and its network request.
    let control = out.join("control.html");
    std::fs::write(
        &control,
        "<!DOCTYPE html><html><body><img src=\"http://192.0.2.1/x.png\"><script>undefinedFunction();</script></body></html>",
    )
    .expect("write control");
    let c = chromium(&control, &out, None);
    assert!(
        !c.console_errors.is_empty(),
        "console-error detection does not work"
    );
    assert!(
        c.requests.iter().any(|u| u.contains("192.0.2.1")),
        "request detection does not work: {:?}",
        c.requests
    );

    let page_text = report_html();
    let page = out.join("report.html");
    std::fs::write(&page, &page_text).expect("write report");
    let r = chromium(&page, &out, None);
    assert!(
        r.console_errors.is_empty(),
        "console errors: {:#?}",
        r.console_errors
    );
    assert!(r.requests.is_empty(), "network requests: {:#?}", r.requests);
    // The inline script ran to the end and saw every plot in the live DOM.
    let plots = page_text.matches("<svg class=\"plot\"").count();
    assert!(
        r.dom.contains(&format!("data-rendered=\"{plots}\"")),
        "script did not run or saw a different number of plots than {plots}"
    );
    assert!(r.dom.contains("Panel coverage"));

    let png = out.join("report.png");
    let _ = std::fs::remove_file(&png);
    let s = chromium(&page, &out, Some(&png));
    assert!(
        s.console_errors.is_empty(),
        "console errors: {:#?}",
        s.console_errors
    );
    assert!(s.requests.is_empty(), "network requests: {:#?}", s.requests);
    let bytes = std::fs::read(&png).expect("screenshot written");
    assert!(
        bytes.starts_with(b"\x89PNG") && bytes.len() > 20_000,
        "screenshot looks empty"
    );
    eprintln!("screenshot: {}", png.display());
}

/// The page the CLI writes names the sample (from the first input), the run date and the
/// verdict with its checks; `-R` sets title and heading.
#[test]
fn cli_page_names_sample_date_and_verdict() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let r1 = dir.path().join("S7_L001_R1_001.fastq.gz");
    std::fs::copy(data.join("demo_R1.fq.gz"), &r1).expect("copy");
    let html_path = dir.path().join("r.html");
    let out = Command::new(env!("CARGO_BIN_EXE_panelprep"))
        .args(["trim", "-w", "1", "-i"])
        .arg(&r1)
        .arg("-o")
        .arg(dir.path().join("o.fq.gz"))
        .arg("-h")
        .arg(&html_path)
        .args(["-R", "Run 42 <QC>"])
        .output()
        .expect("run panelprep");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = std::fs::read_to_string(&html_path).expect("html");
    assert!(page.contains("<title>Run 42 &lt;QC&gt;</title>"), "title");
    assert!(page.contains("<b id=sample>S7_L001</b>"), "sample name");
    let date = page.split("<span id=date>").nth(1).expect("date");
    assert!(
        date.starts_with("20") && date[..25].contains('T'),
        "date: {}",
        &date[..30]
    );
    let verdict = page.split("<b id=verdict class=").nth(1).expect("verdict");
    let level = verdict.split('>').nth(1).expect("level");
    assert!(
        ["PASS<", "WARN<", "FAIL<"]
            .iter()
            .any(|l| level.starts_with(l)),
        "verdict: {level}"
    );
    assert!(page.contains("Q30 bases after filtering"));
    assert!(page.contains("reads passing filters"));
}
