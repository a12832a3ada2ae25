//! The sample name a report shows, from the first input's file name, as MultiQC cleans it.

use std::path::Path;

/// File-name endings removed, longest first, then read-number suffixes.
const EXTENSIONS: [&str; 6] = [".fastq.gz", ".fq.gz", ".fastq", ".fq", ".gz", ".bgz"];
const MATE_SUFFIXES: [&str; 6] = ["_R1_001", "_R1", ".R1", "_1", "_001", ".1"];

/// `S1_L001_R1_001.fastq.gz` → `S1_L001`; `-` (stdin) → `None`.
pub fn sample_name(path: &Path) -> Option<String> {
    if path.as_os_str() == "-" {
        return None;
    }
    let mut name = path.file_name()?.to_string_lossy().into_owned();
    if let Some(e) = EXTENSIONS.iter().find(|e| name.ends_with(*e)) {
        name.truncate(name.len() - e.len());
    }
    if let Some(s) = MATE_SUFFIXES
        .iter()
        .find(|s| name.len() > s.len() && name.ends_with(*s))
    {
        name.truncate(name.len() - s.len());
    }
    (!name.is_empty()).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_as_multiqc() {
        let n = |p: &str| sample_name(Path::new(p));
        assert_eq!(
            n("runs/S1_L001_R1_001.fastq.gz").as_deref(),
            Some("S1_L001")
        );
        assert_eq!(n("P7_1.fq.gz").as_deref(), Some("P7"));
        assert_eq!(n("reads.fq").as_deref(), Some("reads"));
        assert_eq!(n("-"), None);
        assert_eq!(n("_R1.fq").as_deref(), Some("_R1"));
    }
}
