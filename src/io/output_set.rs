//! All outputs of a run or none: every file is written and synced under a temporary name, and
//! only when all of them are complete are they renamed to their final names, one after the
//! other; if a rename fails, the files already renamed are removed again.
//!
//! What remains possible: a crash (power loss, SIGKILL) between two renames leaves the outputs
//! renamed so far under their final names and the others as hidden `.NAME.panelprep-PID.tmp`
//! files. The manifest is renamed last, so a set whose manifest is missing, or whose manifest
//! checksums do not match the files, is incomplete. Two runs committing to the same names at
//! once are serialised by an exclusive lock on each output directory, so the files left on
//! disk are all from one run and its manifest describes them.

use std::fs::{self, File};
use std::path::{Path, PathBuf};

use super::{AtomicFile, IoError};

/// One output whose bytes are complete and synced under a temporary name.
#[derive(Debug)]
pub struct Staged {
    /// The temporary file; `None` for a device or fifo written in place (nothing to rename).
    pub(super) tmp: Option<PathBuf>,
    /// The final name.
    pub(super) path: PathBuf,
}

/// The outputs of one run, committed together by [`OutputSet::commit`]; dropping the set
/// uncommitted removes every temporary file.
#[derive(Debug, Default)]
pub struct OutputSet {
    staged: Vec<Staged>,
}

impl OutputSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Flushes and syncs `file` and adds it to the set (its final name is not touched yet). On
    /// failure the file's temporary name is removed and the error names the OS cause.
    pub fn add(&mut self, file: AtomicFile) -> Result<(), IoError> {
        self.staged.push(file.finish()?);
        Ok(())
    }

    /// Writes `bytes` to a new temporary file for `path` and adds it to the set.
    pub fn add_bytes(&mut self, path: &Path, bytes: &[u8]) -> Result<(), IoError> {
        self.staged.push(write_synced(path, bytes)?);
        Ok(())
    }

    /// Like [`OutputSet::add_bytes`] for several files at once, written and synced side by side
    /// (one thread each) and added in the order given. On failure none of them is added, and
    /// the first error in that order is returned.
    pub fn add_all_bytes(&mut self, files: &[(&Path, &[u8])]) -> Result<(), IoError> {
        let written: Vec<Result<Staged, IoError>> = std::thread::scope(|scope| {
            let handles: Vec<_> = files
                .iter()
                .map(|&(path, bytes)| scope.spawn(move || write_synced(path, bytes)))
                .collect();
            handles
                .into_iter()
                .zip(files)
                .map(|(h, (path, _))| {
                    h.join().unwrap_or_else(|_| {
                        Err(IoError::File {
                            path: path.to_path_buf(),
                            action: "write",
                            source: std::io::Error::other("the writing thread stopped"),
                        })
                    })
                })
                .collect()
        });
        // The complete files are held in a set of their own: on an error it is dropped, which
        // removes them, so nothing of this call stays behind.
        let mut done = OutputSet::new();
        let mut first_err = None;
        for w in written {
            match w {
                Ok(s) => done.staged.push(s),
                Err(e) => {
                    first_err.get_or_insert(e);
                }
            }
        }
        match first_err {
            Some(e) => Err(e),
            None => {
                self.extend(done);
                Ok(())
            }
        }
    }

    /// Moves the files of `other` into this set (they are committed with it).
    pub fn extend(&mut self, mut other: OutputSet) {
        self.staged.append(&mut other.staged);
    }

    /// The final names, in commit order.
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.staged.iter().map(|s| s.path.as_path())
    }

    /// Renames every file to its final name, in the order added, holding an exclusive lock on
    /// each output directory meanwhile. If a rename fails, the files renamed before it are
    /// removed and the rest stay temporary (removed on drop): no final name is left.
    pub fn commit(mut self) -> Result<(), IoError> {
        let _locks = lock_dirs(&self.staged)?;
        let mut done = 0;
        let mut failure = None;
        for s in &self.staged {
            if let Some(tmp) = &s.tmp
                && let Err(source) = fs::rename(tmp, &s.path)
            {
                failure = Some(IoError::File {
                    path: s.path.clone(),
                    action: "rename",
                    source,
                });
                break;
            }
            done += 1;
        }
        if let Some(e) = failure {
            for s in &mut self.staged[..done] {
                if s.tmp.take().is_some() {
                    let _ = fs::remove_file(&s.path);
                }
            }
            return Err(e);
        }
        // Make the renames durable (best effort: some file systems cannot sync a directory).
        for dir in dirs(&self.staged) {
            if let Ok(d) = File::open(&dir) {
                let _ = d.sync_all();
            }
        }
        self.staged.clear();
        Ok(())
    }
}

/// `bytes` written to a new temporary file for `path`, synced.
fn write_synced(path: &Path, bytes: &[u8]) -> Result<Staged, IoError> {
    let mut f = AtomicFile::create(path)?;
    std::io::Write::write_all(&mut f, bytes).map_err(|source| IoError::File {
        path: path.to_path_buf(),
        action: "write",
        source,
    })?;
    f.finish()
}

impl Drop for OutputSet {
    fn drop(&mut self) {
        for s in &self.staged {
            if let Some(tmp) = &s.tmp {
                let _ = fs::remove_file(tmp);
            }
        }
    }
}

/// The distinct directories of the renamed files, sorted (a fixed lock order: no deadlock).
fn dirs(staged: &[Staged]) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = staged
        .iter()
        .filter_map(|s| s.tmp.as_ref())
        .map(|t| match t.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        })
        .map(|d| fs::canonicalize(&d).unwrap_or(d))
        .collect();
    v.sort();
    v.dedup();
    v
}

/// Takes an exclusive advisory lock on every output directory; released on drop.
#[cfg(unix)]
fn lock_dirs(staged: &[Staged]) -> Result<Vec<File>, IoError> {
    use rustix::fs::{FlockOperation, flock};
    let mut held = Vec::new();
    for dir in dirs(staged) {
        let f = File::open(&dir).map_err(|source| IoError::File {
            path: dir.clone(),
            action: "open output directory to lock",
            source,
        })?;
        flock(&f, FlockOperation::LockExclusive).map_err(|e| IoError::File {
            path: dir.clone(),
            action: "lock output directory",
            source: e.into(),
        })?;
        held.push(f);
    }
    Ok(held)
}

/// Elsewhere no lock is taken.
#[cfg(not(unix))]
fn lock_dirs(_: &[Staged]) -> Result<Vec<File>, IoError> {
    Ok(Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .expect("read_dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn all_files_appear_together() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut set = OutputSet::new();
        set.add_bytes(&dir.path().join("a"), b"A").expect("a");
        set.add_bytes(&dir.path().join("b"), b"B").expect("b");
        assert!(
            !dir.path().join("a").exists(),
            "nothing final before commit"
        );
        set.commit().expect("commit");
        assert_eq!(names(dir.path()), vec!["a", "b"]);
        assert_eq!(fs::read(dir.path().join("b")).expect("b"), b"B");
    }

    #[test]
    fn a_failed_rename_removes_what_was_renamed() {
        let dir = tempfile::tempdir().expect("tempdir");
        fs::create_dir(dir.path().join("c")).expect("mkdir");
        fs::write(dir.path().join("c").join("x"), b"x").expect("fill dir");
        let mut set = OutputSet::new();
        set.add_bytes(&dir.path().join("a"), b"A").expect("a");
        set.add_bytes(&dir.path().join("b"), b"B").expect("b");
        let mut f = AtomicFile::create(dir.path().join("c")).expect("c");
        f.write_all(b"C").expect("write");
        set.add(f).expect("c staged");
        let e = set.commit().expect_err("c is a non-empty directory");
        assert!(e.to_string().contains("c: rename failed"), "{e}");
        assert_eq!(
            names(dir.path()),
            vec!["c"],
            "a and b removed, no temporary left"
        );
    }

    #[test]
    fn files_added_side_by_side_keep_their_order_or_are_all_removed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (a, b, m) = (
            dir.path().join("a"),
            dir.path().join("b"),
            dir.path().join("m"),
        );
        let mut set = OutputSet::new();
        set.add_bytes(&dir.path().join("first"), b"0")
            .expect("first");
        set.add_all_bytes(&[(&a, b"A"), (&b, b"BB"), (&m, b"M")])
            .expect("three files");
        let order: Vec<_> = set.paths().map(Path::to_path_buf).collect();
        assert_eq!(order, vec![dir.path().join("first"), a.clone(), b, m]);
        set.commit().expect("commit");
        assert_eq!(names(dir.path()), vec!["a", "b", "first", "m"]);
        assert_eq!(fs::read(&a).expect("a"), b"A");

        // One file cannot be created: the error names it, and the others of the call are gone.
        let dir = tempfile::tempdir().expect("tempdir");
        let (x, bad, y) = (
            dir.path().join("x"),
            dir.path().join("missing").join("bad"),
            dir.path().join("y"),
        );
        let mut set = OutputSet::new();
        let e = set
            .add_all_bytes(&[(&x, b"X"), (&bad, b"B"), (&y, b"Y")])
            .expect_err("no such directory");
        assert!(e.to_string().contains("bad"), "{e}");
        assert_eq!(set.paths().count(), 0, "nothing of the failed call staged");
        assert!(names(dir.path()).is_empty(), "no temporary file left");
    }

    #[test]
    fn dropping_an_uncommitted_set_leaves_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        {
            let mut set = OutputSet::new();
            set.add_bytes(&dir.path().join("a"), b"A").expect("a");
        }
        assert!(names(dir.path()).is_empty());
    }
}
