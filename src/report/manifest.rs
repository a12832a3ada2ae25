//! The upload manifest: every input and output file with size and checksums, the version,
//! every parameter in effect, start and end time and the thread count.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::io::{Checksums, IoError};

/// Version of the manifest layout (bumped when a field changes meaning or is removed).
/// Format 2: `md5` is present only when MD5 was asked for (`panelprep trim` computes SHA-256
/// only unless `--manifest-checksums md5,sha256`); format 1 always had it.
/// Format 3: `panelprep trim`'s `params` are its settings as `pp_options_to_json` writes
/// them (every engine, trimming, filtering and UMI key, `thread` and `compression` instead
/// of format 2's `threads` and `compression_level`), plus `inputs` and `outputs`.
pub const MANIFEST_FORMAT: u32 = 3;

/// Whether a file was read or written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileRole {
    /// Read by the run.
    Input,
    /// Written by the run.
    Output,
    /// A report written by the run (JSON, HTML).
    Report,
}

/// One file of the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Input or output.
    pub role: FileRole,
    /// The path as given on the command line (`-` for standard input/output).
    pub path: String,
    /// Size in bytes (of the file as stored: compressed bytes for a compressed file).
    pub size: u64,
    /// MD5 of those bytes, lower-case hex, when MD5 was computed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub md5: Option<String>,
    /// SHA-256 of those bytes, lower-case hex.
    pub sha256: String,
    /// FASTQ records in the file (`None` for files that are not FASTQ, e.g. reports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub records: Option<u64>,
}

impl FileEntry {
    /// An entry from checksums computed while the bytes streamed through.
    pub fn new(
        role: FileRole,
        path: impl AsRef<Path>,
        sums: &Checksums,
        records: Option<u64>,
    ) -> Self {
        Self {
            role,
            path: path.as_ref().to_string_lossy().into_owned(),
            size: sums.bytes,
            md5: sums.md5.clone(),
            sha256: sums.sha256.clone(),
            records,
        }
    }
}

/// The manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`MANIFEST_FORMAT`].
    pub manifest_format: u32,
    /// Always `panelprep`.
    pub program: String,
    /// panelprep's version.
    pub version: String,
    /// Start of the run, RFC 3339 UTC (`2026-01-31T12:00:00.123Z`).
    pub start_time: String,
    /// End of the run, RFC 3339 UTC.
    pub end_time: String,
    /// Worker threads used.
    pub threads: usize,
    /// Every parameter in effect (defaults included), as the caller serialises its options.
    pub params: serde_json::Value,
    /// Inputs first, then outputs, each in the order given.
    pub files: Vec<FileEntry>,
}

impl Manifest {
    /// A manifest with no files yet.
    pub fn new(
        start: SystemTime,
        end: SystemTime,
        threads: usize,
        params: serde_json::Value,
    ) -> Self {
        Self {
            manifest_format: MANIFEST_FORMAT,
            program: String::from("panelprep"),
            version: crate::VERSION.to_string(),
            start_time: rfc3339_utc(start),
            end_time: rfc3339_utc(end),
            threads,
            params,
            files: Vec::new(),
        }
    }

    /// Adds a file.
    pub fn push(&mut self, entry: FileEntry) {
        self.files.push(entry);
    }

    /// The manifest as pretty-printed JSON.
    pub fn to_json_string(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Writes the manifest to `path` atomically.
    pub fn write(&self, path: &Path) -> Result<(), IoError> {
        super::write_atomic(path, self.to_json_string().as_bytes())
    }
}

/// Formats a time as RFC 3339 in UTC with milliseconds: `YYYY-MM-DDTHH:MM:SS.mmmZ`
/// (times before 1970 are written as 1970-01-01T00:00:00.000Z).
pub fn rfc3339_utc(t: SystemTime) -> String {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs();
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, day) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        d.subsec_millis()
    )
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn rfc3339_known_dates() {
        let at = |s: u64, ms: u64| {
            rfc3339_utc(UNIX_EPOCH + Duration::from_secs(s) + Duration::from_millis(ms))
        };
        assert_eq!(at(0, 0), "1970-01-01T00:00:00.000Z");
        // `date -u -d @951782400` = Tue Feb 29 00:00:00 UTC 2000
        assert_eq!(at(951_782_400, 5), "2000-02-29T00:00:00.005Z");
        // `date -u -d @1767225599` = Wed Dec 31 23:59:59 UTC 2025
        assert_eq!(at(1_767_225_599, 999), "2025-12-31T23:59:59.999Z");
        assert_eq!(at(4_107_542_400, 0), "2100-03-01T00:00:00.000Z");
    }
}
