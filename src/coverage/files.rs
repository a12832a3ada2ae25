//! A coverage run on files, as `panelprep coverage` and the C API's `pp_coverage_run*` do it:
//! the files checked against each other, the report computed ([`super::run_logged`]) and, with
//! a prefix, every output written (all or none), the run cancellable until the last moment.

use std::path::{Path, PathBuf};

use super::report::stage_outputs;
use super::{CoverageError, CoverageOptions, CoverageReport, run_logged};
use crate::io::{IoError, RunFile, check_distinct, identity};
use crate::log::Log;

/// The files of a coverage run: the BAM (or CRAM), the target BED and, when the outputs are
/// to be written, their prefix (`PREFIX.coverage.json`, `PREFIX.regions.bed.gz`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverageFiles {
    /// Coordinate-sorted BAM (its `.bai` is used when present) or CRAM (`--bam`).
    pub bam: PathBuf,
    /// Panel BED (`--targets`).
    pub targets: PathBuf,
    /// Output prefix (`--prefix`); `None` computes the report without writing a file.
    pub prefix: Option<PathBuf>,
}

/// Computes the coverage of `files.bam` over `files.targets` with `opts` and, when there is a
/// prefix, writes every output of [`super::write_outputs`]: the run of `panelprep coverage`
/// and of the C API's `pp_coverage_run*`.
///
/// Before anything is read, a prefix is checked against the inputs ([`check_paths`]). Every
/// warning of the report goes to `log` as soon as it is known. `cancelled` is asked every
/// 4,096 records, between the steps of the run and once more before the outputs are renamed
/// into place: once it returns true the run stops with [`CoverageError::Cancelled`] and leaves
/// no file. On any error no output exists under its final name.
pub fn run_on_files(
    opts: &CoverageOptions,
    files: &CoverageFiles,
    cancelled: &dyn Fn() -> bool,
    log: &Log,
) -> Result<CoverageReport, CoverageError> {
    if let Some(prefix) = &files.prefix {
        check_paths(&files.bam, &files.targets, prefix)?;
    }
    let report = run_logged(opts, &files.bam, &files.targets, cancelled, log)?;
    let stop = || {
        if cancelled() {
            Err(CoverageError::Cancelled)
        } else {
            Ok(())
        }
    };
    stop()?;
    if let Some(prefix) = &files.prefix {
        let set = stage_outputs(&report, prefix)?;
        stop()?;
        set.commit().map_err(CoverageError::Files)?;
    }
    Ok(report)
}

/// Refuses, before anything is read, a coverage run whose files collide: the BAM, the BED and
/// the BAI compared by identity, and any of them that an output would replace. Every output is
/// named `PREFIX.<suffix>`, so an input collides when its resolved name (links followed) is in
/// the prefix's directory and starts with the prefix's file name and a dot.
pub fn check_paths(bam: &Path, bed: &Path, prefix: &Path) -> Result<(), CoverageError> {
    let mut ins = vec![RunFile::new("--bam", bam), RunFile::new("--targets", bed)];
    if let Some(bai) = super::bam::find_bai(bam) {
        ins.push(RunFile::new("BAM index", bai));
    }
    if let Some(crai) = super::cram::find_crai(bam) {
        ins.push(RunFile::new("CRAM index", crai));
    }
    check_distinct(&ins, &[]).map_err(CoverageError::Files)?;
    let Some(stem) = prefix.file_name() else {
        return Err(CoverageError::PrefixNotAFileName(prefix.to_path_buf()));
    };
    let mut start = stem.to_owned();
    start.push(".");
    let dir_of = |p: &Path| match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let out_dir = identity(&dir_of(prefix));
    for f in &ins {
        let real = std::fs::canonicalize(&f.path).unwrap_or_else(|_| f.path.clone());
        let Some(name) = real.file_name() else {
            continue;
        };
        let clash = name
            .as_encoded_bytes()
            .starts_with(start.as_encoded_bytes())
            && out_dir.is_some()
            && identity(&dir_of(&real)) == out_dir;
        if clash {
            return Err(CoverageError::Files(IoError::OutputIsInput {
                output: dir_of(prefix).join(name),
                input: f.path.clone(),
            }));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::coverage::Preset;

    fn corpus(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/corpus")
            .join(name)
    }

    fn files(prefix: Option<PathBuf>) -> CoverageFiles {
        CoverageFiles {
            bam: corpus("cov_ok.bam"),
            targets: corpus("cov_panel.bed"),
            prefix,
        }
    }

    #[test]
    fn writes_the_outputs_of_run_and_write_outputs() {
        let dir = tempfile::tempdir().unwrap();
        let opts = Preset::Mosdepth.options();
        let log = Log::new();
        let r =
            run_on_files(&opts, &files(Some(dir.path().join("a"))), &|| false, &log).expect("run");
        let alone =
            super::super::run(&opts, &corpus("cov_ok.bam"), &corpus("cov_panel.bed")).expect("run");
        assert_eq!(r.panel.targets, alone.panel.targets);
        assert_eq!(
            r.pct_bases_at_least(20),
            alone.panel.pct_target_bases_at(20)
        );
        assert_eq!(r.pct_bases_at_least(21), None);
        super::super::write_outputs(&alone, &dir.path().join("b")).expect("write");
        for suffix in [".regions.bed.gz", ".targets.tsv", ".mosdepth.summary.txt"] {
            let read = |p: &str| std::fs::read(dir.path().join(format!("{p}{suffix}"))).unwrap();
            assert_eq!(read("a"), read("b"), "{suffix}");
        }
        // Without a prefix nothing is written.
        let r = run_on_files(&opts, &files(None), &|| false, &log).expect("run");
        assert_eq!(r.panel.targets, 3);
    }

    #[test]
    fn refuses_colliding_files_and_stops_when_cancelled() {
        let dir = tempfile::tempdir().unwrap();
        let opts = Preset::Mosdepth.options();
        let log = Log::new();
        let bam = dir.path().join("s.bam");
        std::fs::copy(corpus("cov_ok.bam"), &bam).unwrap();
        let clash = CoverageFiles {
            bam,
            ..files(Some(dir.path().join("s")))
        };
        let e = run_on_files(&opts, &clash, &|| false, &log).unwrap_err();
        assert!(
            matches!(e, CoverageError::Files(IoError::OutputIsInput { .. })),
            "{e}"
        );
        let e = run_on_files(&opts, &files(Some(PathBuf::from("/"))), &|| false, &log);
        assert!(matches!(e, Err(CoverageError::PrefixNotAFileName(_))));
        let prefix = dir.path().join("c");
        let e = run_on_files(&opts, &files(Some(prefix)), &|| true, &log).unwrap_err();
        assert!(matches!(e, CoverageError::Cancelled), "{e}");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "only the copied BAM: {left:?}");
    }
}
