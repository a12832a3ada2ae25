//! Report files of `panelprep trim`: fastp-compatible JSON, HTML, and the upload manifest.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use panelprep::pipeline::Summary;
use panelprep::report::{self, FileEntry, FileRole, Manifest, RunInfo};

/// Where the reports go; `None` skips one.
#[derive(Debug, Default)]
pub struct ReportPaths {
    pub json: Option<PathBuf>,
    pub html: Option<PathBuf>,
    pub manifest: Option<PathBuf>,
    /// Title and heading of the HTML report (fastp `-R/--report_title`); `None`: panelprep's.
    pub html_title: Option<String>,
    /// The manifest lists MD5 besides SHA-256 (`--manifest-checksums md5,sha256`).
    pub md5: bool,
}

impl ReportPaths {
    /// When any of the three is given, exactly those given are written; otherwise all three go
    /// beside `out1` (`out_R1.fq.gz` -> `out_R1.panelprep.json`, `.panelprep.html`,
    /// `.manifest.json`). No defaults for stdout or validation-only runs.
    pub fn resolve(
        out1: Option<&Path>,
        json: Option<PathBuf>,
        html: Option<PathBuf>,
        manifest: Option<PathBuf>,
        none: bool,
    ) -> Self {
        if none {
            return Self::default();
        }
        if json.is_some() || html.is_some() || manifest.is_some() {
            return Self {
                json,
                html,
                manifest,
                ..Self::default()
            };
        }
        let base = out1.filter(|p| p.as_os_str() != "-").map(stem_path);
        let beside = |suffix: &str| {
            base.as_ref()
                .map(|b| PathBuf::from(format!("{}{suffix}", b.display())))
        };
        Self {
            json: json.or_else(|| beside(".panelprep.json")),
            html: html.or_else(|| beside(".panelprep.html")),
            manifest: manifest.or_else(|| beside(".manifest.json")),
            ..Self::default()
        }
    }

    /// The report files to be written.
    pub fn all(&self) -> impl Iterator<Item = &Path> {
        [&self.json, &self.html, &self.manifest]
            .into_iter()
            .flatten()
            .map(PathBuf::as_path)
    }

    /// True when any report needs the statistics.
    pub fn needs_stats(&self) -> bool {
        self.json.is_some() || self.html.is_some()
    }
}

/// `dir/out_R1.fq.gz` -> `dir/out_R1`.
fn stem_path(p: &Path) -> PathBuf {
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut stem = name.as_str();
    for ext in [".gz", ".bgz", ".fastq", ".fq", ".txt"] {
        if let Some(s) = stem.strip_suffix(ext) {
            stem = s;
        }
    }
    p.with_file_name(if stem.is_empty() { "panelprep" } else { stem })
}

/// Writes the reports of a finished run into `set` (under temporary names; the manifest last,
/// so that a set without its manifest is visibly incomplete).
pub fn write(
    set: &mut panelprep::io::OutputSet,
    paths: &ReportPaths,
    summary: &Summary,
    info: &RunInfo,
    start: SystemTime,
    threads: usize,
    params: serde_json::Value,
) -> Result<(), panelprep::Error> {
    // The report texts (JSON and HTML rendered side by side), then the manifest that lists
    // their checksums; the files are written and synced side by side too.
    let mut written: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    if let Some(stats) = summary.stats.as_deref() {
        let info = RunInfo {
            overrep_sampling: panelprep::stats::OVERREP_SAMPLING,
            ..info.clone()
        };
        let rep = report::build(stats, &info);
        let html = |p: &PathBuf| {
            let sample = summary
                .inputs
                .first()
                .and_then(|i| report::sample_name(&i.path));
            let date = report::rfc3339_utc(start);
            let page = report::html::Page {
                title: paths.html_title.as_deref(),
                sample: sample.as_deref(),
                date: Some(&date),
                ..Default::default()
            };
            (p.clone(), report::html::render_page(&rep, None, &page))
        };
        let (json, html) = std::thread::scope(|scope| {
            let json = paths
                .json
                .as_ref()
                .map(|p| scope.spawn(|| (p.clone(), rep.to_json_string())));
            let html = paths.html.as_ref().map(html);
            let json = json.map(|h| {
                h.join()
                    .map_err(|_| panelprep::Error::Internal("the JSON report stopped".into()))
            });
            (json.transpose(), html)
        });
        written.extend(
            json?
                .into_iter()
                .chain(html)
                .map(|(p, t)| (p, t.into_bytes())),
        );
    }
    let mut manifest = None;
    if let Some(p) = &paths.manifest {
        let mut m = Manifest::new(start, SystemTime::now(), threads, params);
        for i in summary.inputs.iter().chain(&summary.umi_index) {
            if let Some(c) = &i.checksums {
                m.push(FileEntry::new(FileRole::Input, &i.path, c, Some(i.records)));
            }
        }
        for o in &summary.outputs {
            if let Some(c) = &o.checksums {
                m.push(FileEntry::new(
                    FileRole::Output,
                    &o.path,
                    c,
                    Some(o.records),
                ));
            }
        }
        for (path, bytes) in &written {
            let mut h = panelprep::io::Hasher::with_md5(paths.md5);
            h.update(bytes);
            m.push(FileEntry::new(FileRole::Report, path, &h.finish(), None));
        }
        manifest = Some((p.clone(), m.to_json_string().into_bytes()));
    }
    let files: Vec<(&Path, &[u8])> = written
        .iter()
        .chain(&manifest)
        .map(|(p, b)| (p.as_path(), b.as_slice()))
        .collect();
    set.add_all_bytes(&files)?;
    Ok(())
}

/// One line per input, output and report file of a run: what the user reads at the end.
pub fn describe(summary: &Summary, paths: &ReportPaths) -> Vec<String> {
    let mut lines = Vec::new();
    for i in &summary.inputs {
        let (p, n, b, f) = (i.path.display(), i.records, i.bases, i.format);
        lines.push(format!("  input       {p}  ({n} records, {b} bases, {f})"));
    }
    if let Some(i) = &summary.umi_index {
        let (p, n, f) = (i.path.display(), i.records, i.format);
        lines.push(format!("  UMI index   {p}  ({n} records, {f})"));
    }
    for (m, a) in summary.adapters.iter().enumerate() {
        let Some(a) = a else { continue };
        let how = match &summary.detected[m] {
            Some(d) => format!(
                "detected: {}, in {} of the first {} reads",
                d.name.unwrap_or("assembled from the reads"),
                d.reads_with_adapter,
                d.sample
            ),
            None => "given".to_string(),
        };
        lines.push(format!("  adapter R{} {a}  ({how})", m + 1));
    }
    for o in &summary.outputs {
        let (p, n, b) = (o.path.display(), o.records, o.disk_bytes);
        lines.push(format!("  output      {p}  ({n} records, {b} bytes)"));
    }
    let reports = [
        ("JSON report", &paths.json),
        ("HTML report", &paths.html),
        ("manifest", &paths.manifest),
    ];
    for (what, p) in reports {
        if let Some(p) = p {
            lines.push(format!("  {what:<11} {}", p.display()));
        }
    }
    lines
}
