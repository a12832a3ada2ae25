//! Opens an input path (or `-` for stdin), detects its format and returns decompressed bytes.

use std::fs::File;
use std::io::{self, Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use std::sync::Mutex;

use super::sniff::{Format, header_len, sniff};
use super::{Checksums, Hasher, IoError, bgzf_reader, gzip_reader};

/// Where a hashed input's checksums appear once it has been read to the end.
pub type ChecksumSlot = Arc<Mutex<Option<Checksums>>>;

/// Hashes the raw (still compressed) bytes as they are read; stores the result at end of input.
struct HashTee<R> {
    inner: R,
    hasher: Option<Hasher>,
    slot: ChecksumSlot,
}

impl<R: Read> Read for HashTee<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 {
            if let Some(h) = self.hasher.take()
                && let Ok(mut slot) = self.slot.lock()
            {
                *slot = Some(h.finish());
            }
        } else if let Some(h) = self.hasher.as_mut() {
            h.update(&buf[..n]);
        }
        Ok(n)
    }
}

/// Adds the bytes read to a shared counter (progress).
struct Counted<R> {
    inner: R,
    counter: Arc<AtomicU64>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.counter.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// A decompressed input stream and the format it was stored in.
pub struct Source {
    /// Decompressed bytes.
    pub reader: Box<dyn Read + Send>,
    /// The detected container format.
    pub format: Format,
    /// The path as given (`-` for stdin).
    pub path: PathBuf,
    /// MD5/SHA-256 of the raw bytes, filled in once the input was read to the end (when asked).
    pub checksums: Option<ChecksumSlot>,
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Source")
            .field("format", &self.format)
            .field("path", &self.path)
            .finish()
    }
}

/// Where a gzip stream is inflated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GzipOn {
    /// A thread of its own, beside the thread that reads the [`Source`].
    OwnThread,
    /// The thread that reads the [`Source`]: for callers that read each input on a thread of
    /// its own anyway (the bytes then land in the caller's buffer with no copy between threads).
    Reader,
}

/// Opens `path` (`-` = stdin). BGZF blocks are inflated on `pool`; gzip on a thread of its own.
/// With `hash`, MD5 and SHA-256 of the raw bytes are computed as they are read.
pub fn open(path: &Path, pool: Arc<rayon::ThreadPool>, hash: bool) -> Result<Source, IoError> {
    open_on(path, pool, hash, GzipOn::OwnThread)
}

/// Like [`open`], with gzip inflated where `gzip` says.
pub fn open_on(
    path: &Path,
    pool: Arc<rayon::ThreadPool>,
    hash: bool,
    gzip: GzipOn,
) -> Result<Source, IoError> {
    open_counted(path, pool, hash.then(Hasher::new), gzip, None)
}

/// Like [`open_on`]; the raw (still compressed) bytes go through `hasher` when one is given
/// (its checksums appear in [`Source::checksums`] at the end), and every raw byte read is also
/// added to `read`, so that a caller can show how much of a file has been read.
pub fn open_counted(
    path: &Path,
    pool: Arc<rayon::ThreadPool>,
    hasher: Option<Hasher>,
    gzip: GzipOn,
    read: Option<Arc<AtomicU64>>,
) -> Result<Source, IoError> {
    let raw: Box<dyn Read + Send> = if path.as_os_str() == "-" {
        Box::new(io::stdin())
    } else {
        let file = File::open(path).map_err(|source| IoError::File {
            path: path.to_path_buf(),
            action: "open",
            source,
        })?;
        match read {
            Some(counter) => Box::new(Counted {
                inner: file,
                counter,
            }),
            None => Box::new(file),
        }
    };
    let (raw, slot) = match hasher {
        Some(h) => tee_with(raw, h),
        None => (raw, None),
    };
    let mut src = from_reader_on(raw, path.to_path_buf(), pool, gzip)?;
    src.checksums = slot;
    Ok(src)
}

/// Wraps `raw` so that its bytes are hashed (MD5 and SHA-256) as they stream through.
pub fn tee(raw: Box<dyn Read + Send>) -> (Box<dyn Read + Send>, Option<ChecksumSlot>) {
    tee_with(raw, Hasher::new())
}

/// Wraps `raw` so that its bytes go through `hasher` as they stream through.
pub fn tee_with(
    raw: Box<dyn Read + Send>,
    hasher: Hasher,
) -> (Box<dyn Read + Send>, Option<ChecksumSlot>) {
    let slot: ChecksumSlot = Arc::new(Mutex::new(None));
    let tee = HashTee {
        inner: raw,
        hasher: Some(hasher),
        slot: slot.clone(),
    };
    (Box::new(tee), Some(slot))
}

/// Detects the format of any byte stream and wraps it in the matching decompressor (gzip on a
/// thread of its own).
pub fn from_reader(
    raw: Box<dyn Read + Send>,
    path: PathBuf,
    pool: Arc<rayon::ThreadPool>,
) -> Result<Source, IoError> {
    from_reader_on(raw, path, pool, GzipOn::OwnThread)
}

/// Like [`from_reader`], with gzip inflated where `gzip` says.
pub fn from_reader_on(
    mut raw: Box<dyn Read + Send>,
    path: PathBuf,
    pool: Arc<rayon::ThreadPool>,
    gzip: GzipOn,
) -> Result<Source, IoError> {
    // The fixed member header, then (gzip with an extra field) the whole extra field, so that
    // a `BC` subfield after other subfields is seen.
    let mut head = Vec::with_capacity(64);
    read_up_to(&mut raw, &mut head, super::bgzf::FIXED_HEADER, &path)?;
    let want = header_len(&head);
    read_up_to(&mut raw, &mut head, want, &path)?;
    let format = sniff(&head);
    let joined = Cursor::new(head).chain(raw);
    let spawn_err = |source| IoError::File {
        path: path.clone(),
        action: "start reader thread",
        source,
    };
    let reader: Box<dyn Read + Send> = match format {
        Format::Plain => Box::new(joined),
        Format::Gzip if gzip == GzipOn::Reader => {
            Box::new(gzip_reader::GzipReader::new(joined, path.clone()))
        }
        Format::Gzip => Box::new(gzip_reader::spawn_gzip(joined, path.clone()).map_err(spawn_err)?),
        Format::Bgzf => {
            Box::new(bgzf_reader::spawn_bgzf(joined, path.clone(), pool).map_err(spawn_err)?)
        }
    };
    Ok(Source {
        reader,
        format,
        path,
        checksums: None,
    })
}

/// Reads from `raw` until `head` holds `want` bytes or the input ends.
fn read_up_to(
    raw: &mut Box<dyn Read + Send>,
    head: &mut Vec<u8>,
    want: usize,
    path: &Path,
) -> Result<(), IoError> {
    let mut n = head.len();
    if n >= want {
        return Ok(());
    }
    head.resize(want, 0);
    while n < want {
        match raw.read(&mut head[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(source) => {
                return Err(IoError::File {
                    path: path.to_path_buf(),
                    action: "read",
                    source,
                });
            }
        }
    }
    head.truncate(n);
    Ok(())
}
