//! Panel BED parsing: targets, their names, and per-contig merged spans.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::CoverageError;
use crate::Location;

/// One BED line: a target interval (0-based, half-open) and its name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Target {
    /// Contig name as written in the BED.
    pub contig: String,
    /// 0-based start.
    pub start: u64,
    /// 0-based exclusive end.
    pub end: u64,
    /// The 4th column (target or gene name), if present and not empty.
    pub name: Option<String>,
    /// 1-based line number in the BED.
    pub line: u64,
}

impl Target {
    /// Number of bases.
    pub fn len(&self) -> u64 {
        self.end - self.start
    }

    /// The gene this target is grouped under: its name, or `chrom:start-end` without one.
    pub fn gene(&self) -> String {
        match &self.name {
            Some(n) => n.clone(),
            None => format!("{}:{}-{}", self.contig, self.start, self.end),
        }
    }
}

/// A parsed panel: the targets in file order.
#[derive(Debug, Clone, Default)]
pub struct Panel {
    /// The BED path (for messages).
    pub path: PathBuf,
    /// Targets in file order.
    pub targets: Vec<Target>,
}

/// Reads a BED file (plain or gzip/BGZF-compressed).
pub fn read_bed(path: &Path) -> Result<Panel, CoverageError> {
    let file = std::fs::File::open(path).map_err(|source| CoverageError::Io {
        path: path.to_path_buf(),
        action: "open BED",
        source,
    })?;
    let mut reader = BufReader::new(file);
    let gz = {
        let head = reader.fill_buf().map_err(|source| CoverageError::Io {
            path: path.to_path_buf(),
            action: "read BED",
            source,
        })?;
        head.len() >= 2 && head[0] == 0x1f && head[1] == 0x8b
    };
    if gz {
        parse_bed(
            BufReader::new(flate2::read::MultiGzDecoder::new(reader)),
            path,
        )
    } else {
        parse_bed(reader, path)
    }
}

/// Parses BED text: 3 or more TAB-separated columns; empty, `#`, `track` and `browser` lines
/// are skipped; column 4 names the target. Unsorted and overlapping intervals are accepted.
pub fn parse_bed<R: Read>(reader: BufReader<R>, path: &Path) -> Result<Panel, CoverageError> {
    let mut targets = Vec::new();
    let err = |line: u64, message: String| CoverageError::Bed {
        at: Location {
            path: path.to_path_buf(),
            record: 0,
            line,
        },
        message,
    };
    for (i, line) in reader.split(b'\n').enumerate() {
        let lineno = i as u64 + 1;
        let line = line.map_err(|source| CoverageError::Io {
            path: path.to_path_buf(),
            action: "read BED",
            source,
        })?;
        let line = match std::str::from_utf8(&line) {
            Ok(s) => s,
            Err(_) => return Err(err(lineno, "line is not valid UTF-8 text".into())),
        };
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let first = line.split([' ', '\t']).next().unwrap_or("");
        if first == "track" || first == "browser" {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 3 {
            let hint = if line.contains(' ') {
                " (columns must be separated by TABs, not spaces)"
            } else {
                ""
            };
            return Err(err(
                lineno,
                format!(
                    "expected at least 3 TAB-separated columns (chrom, start, end), found {}{hint}",
                    cols.len()
                ),
            ));
        }
        let contig = cols[0];
        if contig.is_empty() || contig.contains(' ') {
            return Err(err(
                lineno,
                format!("bad chromosome name {contig:?} (empty or containing a space)"),
            ));
        }
        let start = parse_coord(cols[1]).map_err(|m| err(lineno, format!("start: {m}")))?;
        let end = parse_coord(cols[2]).map_err(|m| err(lineno, format!("end: {m}")))?;
        if end < start {
            return Err(err(lineno, format!("end {end} is less than start {start}")));
        }
        let name = cols
            .get(3)
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        targets.push(Target {
            contig: contig.to_owned(),
            start,
            end,
            name,
            line: lineno,
        });
    }
    Ok(Panel {
        path: path.to_path_buf(),
        targets,
    })
}

fn parse_coord(s: &str) -> Result<u64, String> {
    if s.is_empty() {
        return Err("empty value".into());
    }
    if s.starts_with('-') {
        return Err(format!("{s:?} is negative"));
    }
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{s:?} is not a whole number"));
    }
    s.parse::<u64>()
        .ok()
        .filter(|&v| v <= (1u64 << 40))
        .ok_or_else(|| format!("{s:?} is too large"))
}

/// A merged run of target bases on one contig (every base of the territory once).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// 0-based start.
    pub start: u64,
    /// 0-based exclusive end.
    pub end: u64,
}

/// Merges intervals (sorted by the function) that overlap or touch.
pub fn merge_intervals(mut iv: Vec<(u64, u64)>) -> Vec<Span> {
    iv.sort_unstable();
    let mut out: Vec<Span> = Vec::with_capacity(iv.len());
    for (s, e) in iv {
        if s == e {
            continue;
        }
        match out.last_mut() {
            Some(last) if s <= last.end => last.end = last.end.max(e),
            _ => out.push(Span { start: s, end: e }),
        }
    }
    out
}

/// Checks the panel against the BAM's reference sequences (`lengths[rid]`; `rids[i]` is target
/// `i`'s reference, `None` when its contig is not in the BAM) and returns warnings.
///
/// A target that runs past the end of its contig is clipped to the contig's end, with a warning
/// naming its line (unclipped, the bases past the end would count as zero depth); one that
/// starts at or after the end is an error naming its line, and so is a panel none of whose
/// contigs is in the BAM (nothing would be measured).
pub fn check_against_bam(
    panel: &mut Panel,
    rids: &[Option<usize>],
    lengths: &[u64],
    bam: &Path,
) -> Result<Vec<String>, CoverageError> {
    let at = |line| Location {
        path: panel.path.clone(),
        record: 0,
        line,
    };
    let mut clipped = Vec::new();
    for (t, r) in panel.targets.iter_mut().zip(rids) {
        let Some(&len) = r.and_then(|r| lengths.get(r)) else {
            continue;
        };
        if t.end <= len {
            continue;
        }
        let what = format!("target {}:{}-{}", t.contig, t.start, t.end);
        if t.start >= len {
            return Err(CoverageError::Bed {
                at: at(t.line),
                message: format!(
                    "{what} starts past the end of {} ({len} bases in {})",
                    t.contig,
                    bam.display()
                ),
            });
        }
        clipped.push(format!("line {}: {what} clipped to {len}", t.line));
        t.end = len;
    }
    if !panel.targets.is_empty() && rids.iter().all(Option::is_none) {
        let mut contigs: Vec<&str> = panel.targets.iter().map(|t| t.contig.as_str()).collect();
        contigs.dedup();
        let more = if contigs.len() > 5 { ", ..." } else { "" };
        contigs.truncate(5);
        return Err(CoverageError::Bed {
            at: at(0),
            message: format!(
                "none of its contigs ({}{more}) is in the header of {}: wrong reference build or \
                 naming (chr1 vs 1)?",
                contigs.join(", "),
                bam.display()
            ),
        });
    }
    let mut warnings = Vec::new();
    if !clipped.is_empty() {
        warnings.push(format!(
            "{}: {} target(s) run past the end of their contig (per the BAM header) and were \
             clipped: {}",
            panel.path.display(),
            clipped.len(),
            clipped.join("; ")
        ));
    }
    Ok(warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Panel, CoverageError> {
        parse_bed(BufReader::new(s.as_bytes()), Path::new("t.bed"))
    }

    #[test]
    fn skips_headers_and_reads_names() {
        let p = parse(
            "track name=x\nbrowser position chr1\n# c\n\nchr1\t10\t20\tBRCA1\t0\t+\nchr1\t5\t8\n",
        )
        .expect("parse");
        assert_eq!(p.targets.len(), 2);
        assert_eq!(p.targets[0].name.as_deref(), Some("BRCA1"));
        assert_eq!(p.targets[0].line, 5);
        assert_eq!(p.targets[1].name, None);
        assert_eq!(p.targets[1].gene(), "chr1:5-8");
    }

    #[test]
    fn rejects_bad_lines_with_line_numbers() {
        for (text, want) in [
            ("chr1\t1\t2\nchr1\t20\t10\n", "line 2"),
            ("chr1\tx\t2\n", "not a whole number"),
            ("chr1\t-1\t2\n", "negative"),
            ("chr1\t1.5\t2\n", "not a whole number"),
            ("chr1 1 2\n", "TABs"),
            ("MT\t2\n", "at least 3"),
        ] {
            let e = parse(text).expect_err(text).to_string();
            assert!(e.contains(want), "{e} should contain {want}");
            assert!(e.contains("t.bed"), "{e}");
        }
    }

    #[test]
    fn merges_overlapping_and_touching() {
        let m = merge_intervals(vec![(10, 20), (5, 12), (20, 25), (30, 31), (40, 40)]);
        assert_eq!(
            m,
            vec![Span { start: 5, end: 25 }, Span { start: 30, end: 31 }]
        );
    }
}
