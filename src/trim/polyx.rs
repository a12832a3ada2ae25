//! Poly-G (two-colour no-signal cycles) and poly-X tail trimming, fastp-style.

const ALLOW_ONE_MISMATCH_EACH: usize = 8;
const MAX_MISMATCH: usize = 5;

/// Length of a 3' run of `base` to remove (0 if shorter than `min_len`), with fastp's tolerance:
/// one mismatch per 8 bases, at most 5. The run is cut at its last (5'-most) `base`.
pub fn poly_tail(seq: &[u8], base: u8, min_len: usize) -> usize {
    let l = seq.len();
    let min_len = min_len.max(1);
    let mut mismatch = 0;
    let mut first = l; // index of the 5'-most matching base seen
    let mut i = 0;
    while i < l {
        let b = seq[l - 1 - i];
        if b.to_ascii_uppercase() != base {
            mismatch += 1;
        } else {
            first = l - 1 - i;
        }
        let allowed = (i + 1) / ALLOW_ONE_MISMATCH_EACH;
        if mismatch > MAX_MISMATCH || (mismatch > allowed && i + 1 >= min_len) {
            break;
        }
        i += 1;
    }
    if i >= min_len { l - first } else { 0 }
}

/// fastp `--trim_poly_g`: bases to remove from the 3' end.
pub fn poly_g(seq: &[u8], min_len: usize) -> usize {
    poly_tail(seq, b'G', min_len)
}

/// `--trim_poly_x`: the longest of the A, C, G, T tails (same rule as poly-G).
pub fn poly_x(seq: &[u8], min_len: usize) -> usize {
    b"ACGT"
        .iter()
        .map(|&b| poly_tail(seq, b, min_len))
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fastp_polyg_example() {
        let s = b"TTTTAACCCCCCCCCCCCCCCCCCCCCCCCCCCCAAGGGGGGGGGGGGGGGGGAGG";
        let n = poly_g(s, 10);
        assert_eq!(&s[..s.len() - n], b"TTTTAACCCCCCCCCCCCCCCCCCCCCCCCCCCCAA");
    }

    #[test]
    fn short_runs_kept_and_poly_x() {
        assert_eq!(poly_g(b"ACGTACGTGGGGG", 10), 0);
        assert_eq!(poly_g(b"", 10), 0);
        // fastp's tolerance (one mismatch per 8) takes the run through "GT" to the last A.
        assert_eq!(poly_x(b"ACGTCAGTAAAAAAAAAAAAAA", 10), 17);
        assert_eq!(poly_x(b"ACGTCCCCTTAAAAAAAAAAAAAA", 10), 14);
        assert_eq!(poly_g(&[b'G'; 20], 10), 20);
    }
}
