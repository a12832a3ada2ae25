//! Early writeback of output files: the kernel is asked to start writing a file's pages to disk
//! every few MiB while the run goes on, so that the final `fsync` of a committed output waits
//! for the last few MiB only instead of the whole file (on Linux; elsewhere a plain file).

use std::fs::File;
use std::io::{self, Write};

/// Bytes written between two writeback requests.
const STEP: u64 = 8 << 20;

/// A file that asks the kernel, every [`STEP`] bytes, to start writing the bytes written since
/// the last request (`posix_fadvise(POSIX_FADV_DONTNEED)`: asynchronous writeback; the pages
/// still dirty or under writeback stay cached). Best effort: a failed request is ignored, the
/// final `fsync` still makes the file durable.
#[derive(Debug)]
pub(crate) struct Writeback {
    file: File,
    /// Bytes written to the file.
    written: u64,
    /// Bytes already handed to the kernel for writeback.
    requested: u64,
    /// Whether to request writeback at all (regular files only: not for devices or fifos).
    enabled: bool,
}

impl Writeback {
    /// Wraps `file`; `enabled` is false for devices and fifos written in place.
    pub(crate) fn new(file: File, enabled: bool) -> Self {
        Self {
            file,
            written: 0,
            requested: 0,
            enabled,
        }
    }

    /// The file, for the final sync.
    pub(crate) fn into_file(self) -> File {
        self.file
    }

    /// Bytes written to the file so far.
    #[cfg(test)]
    pub(crate) fn written(&self) -> u64 {
        self.written
    }

    /// Bytes handed to the kernel for writeback so far.
    #[cfg(test)]
    pub(crate) fn requested(&self) -> u64 {
        self.requested
    }

    fn after_write(&mut self, n: usize) {
        self.written += n as u64;
        if self.enabled && self.written - self.requested >= STEP {
            start_writeback(&self.file, self.requested, self.written - self.requested);
            self.requested = self.written;
        }
    }
}

#[cfg(target_os = "linux")]
fn start_writeback(file: &File, offset: u64, len: u64) {
    use rustix::fs::{Advice, fadvise};
    let _ = std::num::NonZeroU64::new(len)
        .map(|len| fadvise(file, offset, Some(len), Advice::DontNeed));
}

#[cfg(not(target_os = "linux"))]
fn start_writeback(_: &File, _: u64, _: u64) {}

impl Write for Writeback {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.file.write(buf)?;
        self.after_write(n);
        Ok(n)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.file.write_all(buf)?;
        self.after_write(buf.len());
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn bytes_reach_the_file_and_writeback_is_requested_per_step() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out");
        let mut w = Writeback::new(File::create(&path).unwrap(), true);
        let chunk: Vec<u8> = (0..=255u8).cycle().take(3 << 20).collect();
        for _ in 0..6 {
            w.write_all(&chunk).unwrap();
        }
        // 18 MiB written: requests at 9 and 18 MiB (each after at least STEP new bytes).
        assert_eq!(w.written(), 18 << 20);
        assert_eq!(w.requested(), 18 << 20);
        w.write_all(b"tail").unwrap();
        assert_eq!(w.requested(), 18 << 20);
        let file = w.into_file();
        file.sync_all().unwrap();
        let mut back = Vec::new();
        File::open(&path).unwrap().read_to_end(&mut back).unwrap();
        assert_eq!(back.len(), (18 << 20) + 4);
        assert_eq!(&back[..chunk.len()], &chunk[..]);
        assert_eq!(&back[back.len() - 4..], b"tail");
    }

    #[test]
    fn disabled_requests_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = Writeback::new(File::create(dir.path().join("o")).unwrap(), false);
        w.write_all(&vec![7u8; (STEP + 1) as usize]).unwrap();
        assert_eq!((w.written(), w.requested()), (STEP + 1, 0));
    }
}
