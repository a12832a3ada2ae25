//! Atomic output files: written under a temporary name beside the target, renamed on commit.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use super::IoError;
use super::writeback::Writeback;

/// A file written under a hidden temporary name in the target's directory.
///
/// [`AtomicFile::commit`] flushes, syncs and renames it to the final name; dropping it
/// uncommitted removes the temporary file, so an error never leaves a partial output behind.
#[derive(Debug)]
pub struct AtomicFile {
    inner: Option<BufWriter<Writeback>>,
    /// The temporary file; `None` when the target is a device or fifo written in place.
    tmp: Option<PathBuf>,
    path: PathBuf,
    /// Set once the rename succeeded; until then dropping removes the temporary file.
    committed: bool,
}

impl AtomicFile {
    /// Creates the temporary file for `path` (the final name is not touched until commit).
    pub fn create(path: impl AsRef<Path>) -> Result<Self, IoError> {
        let path = path.as_ref().to_path_buf();
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = path.file_name().ok_or_else(|| IoError::File {
            path: path.clone(),
            action: "create (not a file name)",
            source: io::Error::from(io::ErrorKind::InvalidInput),
        })?;
        // An existing device, fifo or socket (`/dev/null`, `/dev/stdout`, a named pipe) is written
        // in place: renaming a temporary file over it would replace the device with a file.
        if fs::metadata(&path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
            let file = fs::OpenOptions::new()
                .write(true)
                .open(&path)
                .map_err(|source| IoError::File {
                    path: path.clone(),
                    action: "open",
                    source,
                })?;
            let inner = Some(BufWriter::with_capacity(
                1 << 20,
                Writeback::new(file, false),
            ));
            return Ok(Self {
                inner,
                tmp: None,
                path,
                committed: false,
            });
        }
        // Unique per process and per file: two runs (or two threads of one embedder) writing
        // the same output never share a temporary file.
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut tmp_name = std::ffi::OsString::from(".");
        tmp_name.push(name);
        tmp_name.push(format!(".panelprep-{}-{n}.tmp", std::process::id()));
        let tmp = dir.join(tmp_name);
        let created = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp);
        let file = created.map_err(|source| IoError::File {
            path: path.clone(),
            action: "create",
            source,
        })?;
        Ok(Self {
            inner: Some(BufWriter::with_capacity(
                1 << 20,
                Writeback::new(file, true),
            )),
            tmp: Some(tmp),
            path,
            committed: false,
        })
    }

    /// The final path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The temporary path the bytes go to until commit.
    pub fn temp_path(&self) -> &Path {
        self.tmp.as_deref().unwrap_or(&self.path)
    }

    /// Flushes, syncs and renames the file to its final name (a set of one: see
    /// [`super::OutputSet`] for several files that must appear together).
    pub fn commit(self) -> Result<(), IoError> {
        let mut set = super::OutputSet::new();
        set.add(self)?;
        set.commit()
    }

    /// Flushes and syncs the temporary file, and hands it over for renaming. On failure the
    /// temporary file is removed (by drop) and the error carries the OS cause.
    pub fn finish(mut self) -> Result<super::output_set::Staged, IoError> {
        let err = |action, source| IoError::File {
            path: self.path.clone(),
            action,
            source,
        };
        if let Some(w) = self.inner.take() {
            let file = w
                .into_inner()
                .map_err(|e| err("write", e.into_error()))?
                .into_file();
            if self.tmp.is_some() {
                file.sync_all().map_err(|e| err("sync", e))?;
            }
        }
        self.committed = true;
        Ok(super::output_set::Staged {
            tmp: self.tmp.take(),
            path: self.path.clone(),
        })
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self.inner.as_mut() {
            Some(w) => w.write(buf),
            None => Err(io::Error::other("file already committed")),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self.inner.as_mut() {
            Some(w) => w.write_all(buf),
            None => Err(io::Error::other("file already committed")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self.inner.as_mut() {
            Some(w) => w.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        // Also after a failed commit (final flush, sync or rename): nothing half-written stays.
        drop(self.inner.take());
        if let (false, Some(tmp)) = (self.committed, &self.tmp) {
            let _ = fs::remove_file(tmp);
        }
    }
}

/// Refuses an output path that names an existing input (same path or same inode).
pub fn check_not_input(output: &Path, inputs: &[PathBuf]) -> Result<(), IoError> {
    if output.as_os_str() == "-" {
        return Ok(());
    }
    let out_canon = canonical_target(output);
    for input in inputs {
        if input.as_os_str() == "-" {
            continue;
        }
        let same = match (fs::canonicalize(input), &out_canon) {
            (Ok(a), Some(b)) => &a == b,
            _ => false,
        } || same_inode(input, output);
        if same {
            return Err(IoError::OutputIsInput {
                output: output.to_path_buf(),
                input: input.clone(),
            });
        }
    }
    Ok(())
}

fn canonical_target(p: &Path) -> Option<PathBuf> {
    if let Ok(c) = fs::canonicalize(p) {
        return Some(c);
    }
    let parent = match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    Some(fs::canonicalize(parent).ok()?.join(p.file_name()?))
}

#[cfg(unix)]
fn same_inode(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (fs::metadata(a), fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_inode(_: &Path, _: &Path) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uncommitted_file_leaves_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("out.fq");
        {
            let mut f = AtomicFile::create(&target).expect("create");
            f.write_all(b"partial").expect("write");
            assert!(f.temp_path().exists());
        }
        assert_eq!(fs::read_dir(dir.path()).expect("read_dir").count(), 0);
    }

    #[test]
    fn commit_renames() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("out.fq");
        let mut f = AtomicFile::create(&target).expect("create");
        f.write_all(b"data").expect("write");
        f.commit().expect("commit");
        assert_eq!(fs::read(&target).expect("read"), b"data");
        assert_eq!(fs::read_dir(dir.path()).expect("read_dir").count(), 1);
    }

    /// Regression: renaming a temporary file over `/dev/null` once replaced the device with a
    /// regular file. A fifo stands in for the device here, so a failure breaks nothing shared.
    #[cfg(unix)]
    #[test]
    fn a_fifo_target_is_written_in_place_not_replaced() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("SKIP: mkfifo is not available");
            return;
        }
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || fs::read(fifo).expect("read fifo"))
        };
        let mut f = AtomicFile::create(&fifo).expect("open fifo");
        f.write_all(b"through the pipe").expect("write");
        f.commit().expect("commit");
        let kind = fs::symlink_metadata(&fifo).expect("stat").file_type();
        assert!(kind.is_fifo(), "the fifo was replaced by {kind:?}");
        assert_eq!(reader.join().expect("reader"), b"through the pipe");
        assert_eq!(
            fs::read_dir(dir.path()).expect("read_dir").count(),
            1,
            "no temporary file left"
        );
    }

    #[test]
    fn output_equal_to_input_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let input = dir.path().join("in.fq");
        fs::write(&input, b"@r\nA\n+\nI\n").expect("write");
        let alias = dir.path().join(".").join("in.fq");
        assert!(check_not_input(&alias, std::slice::from_ref(&input)).is_err());
        assert!(check_not_input(&dir.path().join("other.fq"), &[input]).is_ok());
    }
}
