//! Streaming checksums: MD5 and SHA-256 computed while the bytes go through, no second pass.

use std::io::{self, Write};

use md5::{Digest, Md5};
use sha2::Sha256;

/// The checksums and byte count of one stream, as lower-case hex strings.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Checksums {
    /// MD5 of the bytes, 32 lower-case hex digits (as `md5sum` prints it).
    pub md5: String,
    /// SHA-256 of the bytes, 64 lower-case hex digits (as `sha256sum` prints it).
    pub sha256: String,
    /// Number of bytes hashed.
    pub bytes: u64,
}

/// Incremental MD5 + SHA-256 of a byte stream; feed it input or output bytes as they pass.
#[derive(Clone, Default)]
pub struct Hasher {
    md5: Md5,
    sha256: Sha256,
    bytes: u64,
}

impl std::fmt::Debug for Hasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hasher")
            .field("bytes", &self.bytes)
            .finish()
    }
}

impl Hasher {
    /// A hasher that has seen no bytes.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `bytes` to both digests.
    pub fn update(&mut self, bytes: &[u8]) {
        self.md5.update(bytes);
        self.sha256.update(bytes);
        self.bytes += bytes.len() as u64;
    }

    /// Number of bytes seen so far.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Finishes both digests.
    pub fn finish(self) -> Checksums {
        Checksums {
            md5: to_hex(&self.md5.finalize()),
            sha256: to_hex(&self.sha256.finalize()),
            bytes: self.bytes,
        }
    }
}

fn to_hex(digest: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(digest.len() * 2);
    for &b in digest {
        s.push(HEX[(b >> 4) as usize] as char);
        s.push(HEX[(b & 15) as usize] as char);
    }
    s
}

/// A [`Write`] passthrough that hashes exactly the bytes the inner writer accepted.
#[derive(Debug)]
pub struct HashingWriter<W: Write> {
    inner: W,
    hasher: Hasher,
}

impl<W: Write> HashingWriter<W> {
    /// Wraps `inner`.
    pub fn new(inner: W) -> Self {
        Self {
            inner,
            hasher: Hasher::new(),
        }
    }

    /// The wrapped writer.
    pub fn get_ref(&self) -> &W {
        &self.inner
    }

    /// Bytes written so far.
    pub fn bytes(&self) -> u64 {
        self.hasher.bytes()
    }

    /// Returns the inner writer (not flushed) and the checksums of everything written.
    pub fn finish(self) -> (W, Checksums) {
        (self.inner, self.hasher.finish())
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        // Hash only what the inner writer took: a short write is retried by the caller.
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digests() {
        let c = Hasher::new().finish();
        assert_eq!(c.md5, "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(
            c.sha256,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let mut w = HashingWriter::new(Vec::new());
        w.write_all(b"ab").unwrap();
        w.write_all(b"c").unwrap();
        let (v, c) = w.finish();
        assert_eq!(v, b"abc");
        assert_eq!(c.bytes, 3);
        assert_eq!(c.md5, "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(
            c.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
