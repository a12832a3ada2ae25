//! fastp's `--dont_overwrite`: a run refuses to start when one of its output files exists.

use std::path::{Path, PathBuf};

use crate::error::Error;

/// Fails, naming the first of `paths` that exists (stdout, `-`, is never refused), when
/// `dont_overwrite` is set; checked before any input is opened or output created.
pub fn refuse_existing<'a>(
    dont_overwrite: bool,
    paths: impl IntoIterator<Item = &'a Path>,
) -> Result<(), Error> {
    if !dont_overwrite {
        return Ok(());
    }
    for p in paths {
        if p.as_os_str() != "-" && p.symlink_metadata().is_ok() {
            return Err(Error::Options(format!(
                "{} already exists and --dont_overwrite is set",
                p.display()
            )));
        }
    }
    Ok(())
}

/// Every file a file-mode run writes (reads, unpaired mates, failed reads).
pub(crate) fn run_outputs(outputs: &super::Outputs, failed: Option<&PathBuf>) -> Vec<PathBuf> {
    let mut all = outputs.paths();
    all.extend(failed.cloned());
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_an_existing_file_only_when_asked() {
        let dir = tempfile::tempdir().expect("tempdir");
        let there = dir.path().join("out.fq");
        std::fs::write(&there, b"").expect("write");
        let absent = dir.path().join("new.fq");
        let both = [absent.as_path(), there.as_path()];
        assert!(refuse_existing(false, both).is_ok());
        let e = refuse_existing(true, both).expect_err("exists");
        assert!(e.to_string().contains("out.fq already exists"), "{e}");
        assert!(refuse_existing(true, [absent.as_path(), Path::new("-")]).is_ok());
    }
}
