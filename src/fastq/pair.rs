//! Pairing rules: mates' names must agree up to the first space, ignoring a mate suffix.

/// True when an R1 name and an R2 name belong to the same fragment.
///
/// Names are compared up to the first space or tab. A trailing `/1` on R1 with `/2` on R2 (or
/// the SRA-style `.1` with `.2`) is ignored; a suffix only on one side, or the same suffix on
/// both, is compared as written.
pub fn names_match(r1: &[u8], r2: &[u8]) -> bool {
    let (a, b) = (name(r1), name(r2));
    if a == b {
        return true;
    }
    match (strip_mate(a, b'1'), strip_mate(b, b'2')) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// True when both names are the same up to the first space or tab (no `/1` `/2` mate suffix
/// tells the mates apart: then only a Casava comment can).
pub fn same_name(r1: &[u8], r2: &[u8]) -> bool {
    name(r1) == name(r2)
}

/// The mate number of a Casava 1.8+ comment (`@name 1:N:0:ACGT`): `Some(1)` or `Some(2)`.
pub fn casava_mate(head: &[u8]) -> Option<u8> {
    let space = memchr::memchr(b' ', head)?;
    match &head[space + 1..] {
        [m @ (b'1' | b'2'), b':', b'Y' | b'N', b':', ..] => Some(m - b'0'),
        _ => None,
    }
}

fn name(head: &[u8]) -> &[u8] {
    let end = memchr::memchr2(b' ', b'\t', head).unwrap_or(head.len());
    &head[..end]
}

fn strip_mate(name: &[u8], mate: u8) -> Option<&[u8]> {
    match name {
        [rest @ .., b'/' | b'.', m] if *m == mate => Some(rest),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::names_match;

    #[test]
    fn mate_suffixes_and_comments() {
        assert!(names_match(b"r1/1 x", b"r1/2 y"));
        assert!(names_match(b"r1 1:N:0", b"r1 2:N:0"));
        assert!(names_match(b"SRR1.7.1 a", b"SRR1.7.2 a"));
        assert!(names_match(b"r1", b"r1"));
        assert!(!names_match(b"r1/1", b"r2/2"));
        assert!(!names_match(b"r1/2", b"r1/1"));
        assert!(!names_match(b"r1/1", b"r1"));
    }

    #[test]
    fn casava_mate_numbers() {
        use super::casava_mate;
        assert_eq!(casava_mate(b"M1:1:FC:1:1:1:1 1:N:0:ACGT"), Some(1));
        assert_eq!(casava_mate(b"M1:1:FC:1:1:1:1 2:Y:0:1"), Some(2));
        assert_eq!(casava_mate(b"r1 c:12"), None);
        assert_eq!(casava_mate(b"r1/1"), None);
        assert_eq!(casava_mate(b"r1 3:N:0"), None);
    }
}
