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
    casava_at(&head[space + 1..])
}

/// True when two titles certainly pass the pairing rules ([`names_match`], and for equal names
/// no Casava comment naming the wrong mate); `false` means "not decided here", not a mismatch.
///
/// The common cases in one scan, eight bytes at a time: titles equal up to a space in both
/// (then the two Casava comments), identical titles, or names differing only in a `/1` `/2`
/// (`.1` `.2`) suffix. Everything else goes through the full rules.
pub fn quick_mates(r1: &[u8], r2: &[u8]) -> bool {
    let i = first_stop(r1, r2);
    match (r1.get(i), r2.get(i)) {
        (None, None) => true,
        (Some(b' '), Some(b' ')) => {
            casava_at(&r1[i + 1..]) != Some(2) && casava_at(&r2[i + 1..]) != Some(1)
        }
        (Some(b'1'), Some(b'2')) if i > 0 && matches!(r1[i - 1], b'/' | b'.') => {
            let ends = |h: &[u8]| matches!(h.get(i + 1), None | Some(b' ' | b'\t'));
            ends(r1) && ends(r2)
        }
        _ => false,
    }
}

/// An index where `r1` and `r2` agree before it and where they differ, or `r1` has a space or
/// a tab, or maybe another byte of `!()\0\x01\x08` (each of which the caller refuses); at most
/// the shorter length.
fn first_stop(r1: &[u8], r2: &[u8]) -> usize {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // High bit of each byte set exactly when that byte is not zero (no carries between bytes).
    let nonzero = |x: u64| ((x & LOW7) + LOW7) | x;
    let (w1, _) = r1.as_chunks::<8>();
    let (w2, _) = r2.as_chunks::<8>();
    for (k, (a, b)) in w1.iter().zip(w2).enumerate() {
        let (a, b) = (u64::from_le_bytes(*a), u64::from_le_bytes(*b));
        // Space (0x20) and tab (0x09) have no bit outside 0x29: such bytes stop the scan.
        let stop = (nonzero(a ^ b) | !nonzero(a & !0x2929_2929_2929_2929)) & HIGH;
        if stop != 0 {
            return k * 8 + (stop.trailing_zeros() / 8) as usize;
        }
    }
    let len = r1.len().min(r2.len());
    let mut i = len & !7;
    while i < len && r1[i] == r2[i] && r1[i] != b' ' && r1[i] != b'\t' {
        i += 1;
    }
    i
}

/// The mate number of a Casava comment that starts `comment` (the text after the first space).
fn casava_at(comment: &[u8]) -> Option<u8> {
    match comment {
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

    /// The pairing rules as `check_names` applies them: names match, and equal names carry no
    /// Casava comment naming the other mate.
    fn full_rules(r1: &[u8], r2: &[u8]) -> bool {
        use super::{casava_mate, same_name};
        names_match(r1, r2)
            && (!same_name(r1, r2) || (casava_mate(r1) != Some(2) && casava_mate(r2) != Some(1)))
    }

    #[test]
    fn quick_mates_never_accepts_what_the_rules_reject() {
        use super::quick_mates;
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_pcg::Pcg64::seed_from_u64(11);
        let alphabet = b"AB19:/. \t12NY:";
        let mut accepted = 0;
        for _ in 0..200_000 {
            let len = rng.random_range(0..40);
            let r1: Vec<u8> = (0..len)
                .map(|_| alphabet[rng.random_range(0..alphabet.len())])
                .collect();
            // R2 is R1 with a few bytes changed, cut or added, or a Casava-like rewrite.
            let mut r2 = r1.clone();
            for _ in 0..rng.random_range(0..3) {
                match rng.random_range(0..4) {
                    0 if !r2.is_empty() => {
                        let k = rng.random_range(0..r2.len());
                        r2[k] = alphabet[rng.random_range(0..alphabet.len())];
                    }
                    1 if !r2.is_empty() => r2.truncate(rng.random_range(0..r2.len())),
                    2 => r2.push(alphabet[rng.random_range(0..alphabet.len())]),
                    _ => {}
                }
            }
            let quick = quick_mates(&r1, &r2);
            assert!(
                !quick || full_rules(&r1, &r2),
                "{:?} {:?}",
                String::from_utf8_lossy(&r1),
                String::from_utf8_lossy(&r2)
            );
            accepted += usize::from(quick);
        }
        assert!(accepted > 10_000, "the quick path decides common cases");
        // The common real-world shapes are decided quickly, and rightly.
        let base = b"A00123:8:H7KJ2DSXY:1:1101:10004:10019";
        for (r1, r2, want) in [
            (
                b" 1:N:0:ACGTACGT+TTGCAAGC".as_slice(),
                b" 2:N:0:ACGTACGT+TTGCAAGC".as_slice(),
                true,
            ),
            (b" 2:N:0:ACGT", b" 1:N:0:ACGT", false),
            (b"/1", b"/2", true),
            (b"/1 x", b"/2\ty", true),
            (b"", b"", true),
            (b" c", b" c", true),
        ] {
            let (a, b) = ([base, r1].concat(), [base, r2].concat());
            assert_eq!(quick_mates(&a, &b), want);
            assert_eq!(full_rules(&a, &b), want);
        }
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
