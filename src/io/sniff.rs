//! Input format detection from magic bytes (never from the file name).

/// The container of an input stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Uncompressed text.
    Plain,
    /// gzip, one or more members (not BGZF).
    Gzip,
    /// BGZF: gzip members carrying the `BC` extra field, inflatable block by block in parallel.
    Bgzf,
}

impl Format {
    /// Short lower-case name for messages and reports.
    pub fn name(self) -> &'static str {
        match self {
            Format::Plain => "plain",
            Format::Gzip => "gzip",
            Format::Bgzf => "bgzf",
        }
    }
}

/// Detects the format from the first bytes (at least 18 for BGZF detection when available).
pub fn sniff(head: &[u8]) -> Format {
    if head.len() < 2 || head[0] != 0x1f || head[1] != 0x8b {
        return Format::Plain;
    }
    if is_bgzf_header(head) {
        Format::Bgzf
    } else {
        Format::Gzip
    }
}

/// True when `h` starts a BGZF block header: gzip with FEXTRA whose first subfield is `BC`, 2 bytes.
pub fn is_bgzf_header(h: &[u8]) -> bool {
    h.len() >= 18
        && h[0] == 0x1f
        && h[1] == 0x8b
        && h[2] == 8
        && h[3] & 4 != 0
        && u16::from_le_bytes([h[10], h[11]]) >= 6
        && h[12] == b'B'
        && h[13] == b'C'
        && u16::from_le_bytes([h[14], h[15]]) == 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_by_magic() {
        assert_eq!(sniff(b"@r\nA\n+\nI\n"), Format::Plain);
        assert_eq!(sniff(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]), Format::Gzip);
        let bgzf = [31, 139, 8, 4, 0, 0, 0, 0, 0, 255, 6, 0, 66, 67, 2, 0, 27, 0];
        assert_eq!(sniff(&bgzf), Format::Bgzf);
        assert_eq!(sniff(b""), Format::Plain);
    }
}
