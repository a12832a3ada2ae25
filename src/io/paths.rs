//! Paths compared by file identity, not by text: `s/p.fq`, `s/../s/p.fq`, `./s/p.fq` and a
//! symbolic link to it are one file. Every input and output of a run is resolved once, before
//! any byte is read, and any two that name the same file are refused.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};

use super::IoError;

/// What a path names: an existing file by device and inode (after following links), or a file
/// to be created by its resolved directory and its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileId {
    /// An existing file (links followed).
    Existing {
        /// Device number.
        dev: u64,
        /// Inode number.
        ino: u64,
    },
    /// A file that does not exist yet: its directory's identity and its name.
    New {
        /// The directory's device number.
        dev: u64,
        /// The directory's inode number.
        ino: u64,
        /// The file name.
        name: OsString,
    },
    /// A path whose directory does not exist either (creating it will fail; compared as the
    /// absolute, lexically normalised text).
    Unresolved(PathBuf),
}

#[cfg(unix)]
fn dev_ino(m: &fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (m.dev(), m.ino())
}

#[cfg(not(unix))]
fn dev_ino(_: &fs::Metadata) -> (u64, u64) {
    (0, 0)
}

/// Resolves `path` to its identity; `None` for `-` (standard input or output).
pub fn identity(path: &Path) -> Option<FileId> {
    if path.as_os_str() == "-" {
        return None;
    }
    if let Ok(m) = fs::metadata(path)
        && cfg!(unix)
    {
        let (dev, ino) = dev_ino(&m);
        return Some(FileId::Existing { dev, ino });
    }
    let parent = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    match (fs::metadata(parent), path.file_name()) {
        (Ok(m), Some(name)) if cfg!(unix) => {
            let (dev, ino) = dev_ino(&m);
            Some(FileId::New {
                dev,
                ino,
                name: name.to_owned(),
            })
        }
        _ => Some(FileId::Unresolved(normalise(path))),
    }
}

/// The absolute path with `.` and `..` removed lexically (for paths that cannot be resolved).
fn normalise(path: &Path) -> PathBuf {
    let abs = std::env::current_dir()
        .map(|d| d.join(path))
        .unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// True for a character device (`/dev/null`): written in place, any number of times.
fn is_char_device(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        fs::metadata(path).is_ok_and(|m| m.file_type().is_char_device())
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        false
    }
}

/// One file of a run and its role in messages (`-i`, `--json`, `BAM`...).
#[derive(Debug, Clone)]
pub struct RunFile {
    /// The role, as the user named it.
    pub role: String,
    /// The path as given.
    pub path: PathBuf,
}

impl RunFile {
    /// A file with its role.
    pub fn new(role: impl Into<String>, path: impl Into<PathBuf>) -> Self {
        Self {
            role: role.into(),
            path: path.into(),
        }
    }
}

/// Refuses any two files of a run that are the same file: two inputs (the same file as `-i`
/// and `-I`), an output that is an input (it would be replaced), two outputs (one would
/// replace the other). `-` (standard input or output) is compared by its role only: stdin
/// cannot be read twice. Character devices such as `/dev/null` may be several outputs.
pub fn check_distinct(inputs: &[RunFile], outputs: &[RunFile]) -> Result<(), IoError> {
    let ids = |files: &[RunFile]| -> Vec<Option<FileId>> {
        files.iter().map(|f| identity(&f.path)).collect()
    };
    let (in_ids, out_ids) = (ids(inputs), ids(outputs));
    let same = |a: &RunFile, b: &RunFile| IoError::SameFile {
        first: a.role.clone(),
        first_path: a.path.clone(),
        second: b.role.clone(),
        second_path: b.path.clone(),
    };
    for i in 0..inputs.len() {
        for j in 0..i {
            let both_stdin = inputs[i].path.as_os_str() == "-" && inputs[j].path.as_os_str() == "-";
            let same_file = in_ids[i].is_some() && in_ids[i] == in_ids[j];
            if both_stdin || (same_file && !is_char_device(&inputs[i].path)) {
                return Err(same(&inputs[j], &inputs[i]));
            }
        }
    }
    for (o, oid) in outputs.iter().zip(&out_ids) {
        let Some(oid) = oid else { continue };
        for (i, iid) in inputs.iter().zip(&in_ids) {
            if iid.as_ref() == Some(oid) && !is_char_device(&o.path) {
                return Err(IoError::OutputIsInput {
                    output: o.path.clone(),
                    input: i.path.clone(),
                });
            }
        }
    }
    for i in 0..outputs.len() {
        for j in 0..i {
            let both_stdout =
                outputs[i].path.as_os_str() == "-" && outputs[j].path.as_os_str() == "-";
            let same_file = out_ids[i].is_some() && out_ids[i] == out_ids[j];
            if both_stdout || (same_file && !is_char_device(&outputs[i].path)) {
                return Err(same(&outputs[j], &outputs[i]));
            }
        }
    }
    Ok(())
}

/// True when `a` and `b` name the same file (by identity; `-` equals only `-`).
pub fn same_file(a: &Path, b: &Path) -> bool {
    if a.as_os_str() == "-" || b.as_os_str() == "-" {
        return a == b;
    }
    identity(a) == identity(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_of_one_file_are_one_identity() {
        let dir = tempfile::tempdir().expect("tempdir");
        let s = dir.path().join("s");
        fs::create_dir(&s).expect("mkdir");
        let direct = s.join("p.fq");
        let dotted = s.join("..").join("s").join(".").join("p.fq");
        // Not yet existing: by resolved parent and name.
        assert!(same_file(&direct, &dotted));
        fs::write(&direct, b"x").expect("write");
        assert!(same_file(&direct, &dotted));
        #[cfg(unix)]
        {
            let link = dir.path().join("link.fq");
            std::os::unix::fs::symlink(&direct, &link).expect("symlink");
            assert!(same_file(&direct, &link));
        }
        assert!(!same_file(&direct, &s.join("q.fq")));
    }

    #[test]
    fn collisions_are_refused_with_both_roles() {
        let dir = tempfile::tempdir().expect("tempdir");
        let r1 = dir.path().join("R1.fq");
        fs::write(&r1, b"@r\nA\n+\nI\n").expect("write");
        let alias = dir.path().join(".").join("R1.fq");
        let e = check_distinct(&[RunFile::new("-i", &r1), RunFile::new("-I", &alias)], &[])
            .expect_err("same input twice");
        assert!(e.to_string().contains("-i"), "{e}");
        assert!(e.to_string().contains("-I"), "{e}");
        let e = check_distinct(
            &[RunFile::new("-i", &r1)],
            &[RunFile::new("--json", &alias)],
        )
        .expect_err("report over an input");
        assert!(
            e.to_string().contains("refusing to overwrite an input"),
            "{e}"
        );
        let o = dir.path().join("o.fq");
        let o2 = dir.path().join("x").join("..").join("o.fq");
        fs::create_dir(dir.path().join("x")).expect("mkdir");
        let e = check_distinct(&[], &[RunFile::new("-o", &o), RunFile::new("-O", &o2)])
            .expect_err("two outputs");
        assert!(e.to_string().contains("are the same file"), "{e}");
        let null = Path::new("/dev/null");
        if null.exists() {
            check_distinct(
                &[],
                &[RunFile::new("--json", null), RunFile::new("--html", null)],
            )
            .expect("a device may take several outputs");
        }
    }
}
