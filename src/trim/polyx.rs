//! Poly-G (two-colour no-signal cycles) and poly-X tail trimming, fastp-style.

const ALLOW_ONE_MISMATCH_EACH: usize = 8;
const MAX_MISMATCH: usize = 5;

/// Length of a 3' run of `base` to remove (0 if shorter than `min_len`), with fastp's tolerance:
/// one mismatch per 8 bases, at most 5. The run is cut at its last (5'-most) `base`.
///
/// fastp walks from the 3' end base by base; here each 64 bases become one bit mask of the
/// non-matching ones and only the positions where the walk can stop are visited (see
/// `stop_in_window`). Reads shorter than 64 bases are walked base by base.
#[inline]
pub fn poly_tail(seq: &[u8], base: u8, min_len: usize) -> usize {
    let l = seq.len();
    let min_len = min_len.max(1);
    if l < WINDOW || !base.is_ascii_uppercase() {
        return walk(seq, base, min_len);
    }
    // `first`: index of the 5'-most matching base seen; `mm`: mismatches before `off`.
    let (mut off, mut mm, mut first) = (0usize, 0u32, l);
    while off < l {
        let rem = l - off;
        // Bit j: base `off + j` from the 3' end, for j < span (higher bits 0).
        let (miss, span) = if rem >= WINDOW {
            (mismatch_mask(&seq[rem - WINDOW..rem], base), WINDOW)
        } else {
            (mismatch_mask(&seq[..WINDOW], base) >> (WINDOW - rem), rem)
        };
        let stop = stop_in_window(miss, span, off, mm, min_len);
        let last = stop.map_or(span - 1, |j| j as usize);
        let matched = !miss & (2u64 << last).wrapping_sub(1);
        if matched != 0 {
            first = l - 1 - (off + 63 - matched.leading_zeros() as usize);
        }
        if let Some(j) = stop {
            let i = off + j as usize;
            return if i >= min_len { l - first } else { 0 };
        }
        mm += miss.count_ones();
        off += span;
    }
    if l >= min_len { l - first } else { 0 }
}

/// Bases one bit mask of [`poly_tail`] covers.
const WINDOW: usize = 64;

/// Where fastp's walk stops within the `span` bases `off..off + span` from the 3' end, given
/// their mismatches as a mask (bit `j` = base `off + j`) and `mm0` mismatches before: the walk
/// stops at `i` when the mismatches so far exceed 5, or exceed `(i + 1) / 8` with
/// `i + 1 >= min_len`. Between mismatches the count stays and the allowance only grows, so the
/// stop can first come at a mismatch or at `i + 1 == min_len`: only those positions are
/// tested. `None` when the walk passes all `span`.
#[inline]
fn stop_in_window(miss: u64, span: usize, off: usize, mm0: u32, min_len: usize) -> Option<u32> {
    let stops = |j: u32, mm: u32| {
        let i = off + j as usize;
        mm as usize > MAX_MISMATCH
            || (mm as usize > (i + 1) / ALLOW_ONE_MISMATCH_EACH && i + 1 >= min_len)
    };
    let counted = |j: u32| mm0 + (miss & (2u64 << j).wrapping_sub(1)).count_ones();
    // The lane where the length condition turns true, if inside the span.
    let mut probe = (min_len - 1)
        .checked_sub(off)
        .filter(|&p| p < span)
        .map(|p| p as u32);
    let mut bits = miss;
    let mut mm = mm0;
    while bits != 0 {
        let j = bits.trailing_zeros();
        if let Some(p) = probe
            && p <= j
        {
            probe = None;
            if p < j && stops(p, counted(p)) {
                return Some(p);
            }
        }
        mm += 1;
        if stops(j, mm) {
            return Some(j);
        }
        bits &= bits - 1;
    }
    probe.filter(|&p| stops(p, counted(p)))
}

/// Bit `j` set when `window[j]` (64 bytes) is not `base` in either case (`base` an uppercase
/// letter), reversed: bit `i` is the `i`-th base from the end.
#[inline]
fn mismatch_mask(window: &[u8], base: u8) -> u64 {
    let window = &window[..WINDOW];
    let mut eq = 0u64;
    #[cfg(target_arch = "x86_64")]
    #[allow(unsafe_code)] // measured hot spot: the poly-G check of every read
    for (k, chunk) in window.chunks_exact(16).enumerate() {
        use std::arch::x86_64::{
            __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128,
            _mm_set1_epi8,
        };
        // SAFETY: SSE2 is part of the x86_64 baseline; the load reads the 16 bytes of `chunk`.
        let m = unsafe {
            let v = _mm_or_si128(
                _mm_loadu_si128(chunk.as_ptr().cast::<__m128i>()),
                _mm_set1_epi8(0x20),
            );
            _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8((base | 0x20) as i8))) as u64
        };
        eq |= m << (16 * k);
    }
    #[cfg(not(target_arch = "x86_64"))]
    for (j, &b) in window.iter().enumerate() {
        eq |= u64::from(b | 0x20 == base | 0x20) << j;
    }
    (!eq).reverse_bits()
}

/// fastp's walk from the 3' end, base by base (`min_len` at least 1).
fn walk(seq: &[u8], base: u8, min_len: usize) -> usize {
    let l = seq.len();
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

    /// fastp's walk, base by base (the form before the bit mask; still the path of short reads).
    fn poly_tail_per_base(seq: &[u8], base: u8, min_len: usize) -> usize {
        walk(seq, base, min_len.max(1))
    }

    /// The bit-mask form equals the walk on random tails (runs with sparse or clustered
    /// errors, lowercase, N, other bytes), every length around the window and every `min_len`
    /// regime, for all four bases and some non-letters.
    #[test]
    fn poly_tail_equals_the_per_base_walk() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_pcg::Pcg64::seed_from_u64(0x9017_6000);
        let mut cut = 0usize;
        for case in 0..200_000 {
            let l = match case % 4 {
                0 => rng.random_range(0..200),
                1 => rng.random_range(60..70),
                _ => rng.random_range(100..160),
            };
            let base = b"ACGTGGG"[rng.random_range(0..7)];
            let run = rng.random_range(0..=l);
            let err = [0, 1, 3, 8, 15, 40][rng.random_range(0..6)];
            let mut seq: Vec<u8> = (0..l)
                .map(|_| b"ACGTNacgtn"[rng.random_range(0..10)])
                .collect();
            for b in &mut seq[l - run..] {
                *b = if rng.random_range(0..100) < err {
                    b"ACGTNacgtn.\0\xff"[rng.random_range(0..13)]
                } else if rng.random_range(0..8) == 0 {
                    base.to_ascii_lowercase()
                } else {
                    base
                };
            }
            let min_len = [0, 1, 2, 7, 10, 17, 63, 64, 65, 100, 500][rng.random_range(0..11)];
            let want = poly_tail_per_base(&seq, base, min_len);
            assert_eq!(
                poly_tail(&seq, base, min_len),
                want,
                "{case}: {seq:?} {min_len}"
            );
            cut += usize::from(want > 0);
        }
        assert!(cut > 20_000, "{cut}");
        // Edge cases: empty, all G (either case), all N, non-letter bases.
        for l in 0..200 {
            for min_len in [0, 1, 5, 10, 64, l, l + 1, 1000] {
                for seq in [vec![b'G'; l], vec![b'g'; l], vec![b'N'; l]] {
                    for base in [b'G', b'A', b'g', b'1'] {
                        assert_eq!(
                            poly_tail(&seq, base, min_len),
                            poly_tail_per_base(&seq, base, min_len),
                            "{l} {min_len} {base}"
                        );
                    }
                }
            }
        }
    }

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
