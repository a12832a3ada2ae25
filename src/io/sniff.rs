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

/// Detects the format from the first bytes: a BGZF block header is recognised when `head`
/// holds its whole extra field.
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

/// True when `h` starts a BGZF block header: a gzip member whose extra field holds a `BC`
/// subfield of 2 bytes, among any others (`h` must hold the whole extra field).
pub fn is_bgzf_header(h: &[u8]) -> bool {
    super::bgzf::parse_header(h).is_ok()
}

/// How many leading bytes [`sniff`] needs to see a whole member header, given the first
/// [`super::bgzf::FIXED_HEADER`] bytes (gzip with an extra field: 12 + XLEN).
pub fn header_len(first: &[u8]) -> usize {
    match super::bgzf::extra_len(first) {
        Ok(xlen) => super::bgzf::FIXED_HEADER + xlen,
        Err(_) => first.len(),
    }
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

    /// A block whose extra field holds another subfield before `BC` (legal, RFC 1952) is BGZF.
    #[test]
    fn bc_after_another_subfield_is_bgzf() {
        let mut h = vec![31, 139, 8, 4, 0, 0, 0, 0, 0, 255, 14, 0];
        h.extend_from_slice(&[b'X', b'Y', 4, 0, 1, 2, 3, 4]);
        h.extend_from_slice(&[b'B', b'C', 2, 0, 27, 0]);
        assert_eq!(header_len(&h[..12]), 26);
        assert_eq!(sniff(&h), Format::Bgzf);
        assert_eq!(
            sniff(&h[..18]),
            Format::Gzip,
            "a cut extra field is not BGZF"
        );
    }
}
