//! Byte lookup tables shared by the trimming kernels.

/// IUPAC bit masks (A=1, C=2, G=4, T/U=8); 0 for anything else. Case-insensitive.
pub(crate) const IUPAC: [u8; 256] = {
    let mut t = [0u8; 256];
    let pairs: [(u8, u8); 16] = [
        (b'A', 1),
        (b'C', 2),
        (b'G', 4),
        (b'T', 8),
        (b'U', 8),
        (b'R', 1 | 4),
        (b'Y', 2 | 8),
        (b'S', 2 | 4),
        (b'W', 1 | 8),
        (b'K', 4 | 8),
        (b'M', 1 | 2),
        (b'B', 2 | 4 | 8),
        (b'D', 1 | 4 | 8),
        (b'H', 1 | 2 | 8),
        (b'V', 1 | 2 | 4),
        (b'N', 15),
    ];
    let mut i = 0;
    while i < pairs.len() {
        let (c, m) = pairs[i];
        t[c as usize] = m;
        t[(c + 32) as usize] = m;
        i += 1;
    }
    t
};

/// Read-base masks: only A, C, G, T (and U) have a bit; N and others match nothing.
pub(crate) const READ_MASK: [u8; 256] = {
    let mut t = [0u8; 256];
    t[b'A' as usize] = 1;
    t[b'a' as usize] = 1;
    t[b'C' as usize] = 2;
    t[b'c' as usize] = 2;
    t[b'G' as usize] = 4;
    t[b'g' as usize] = 4;
    t[b'T' as usize] = 8;
    t[b't' as usize] = 8;
    t[b'U' as usize] = 8;
    t[b'u' as usize] = 8;
    t
};

/// Complement mask of a read base (A<->T, C<->G), 0 for N and others.
#[cfg(test)]
pub(crate) const COMP_MASK: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = match READ_MASK[i] {
            1 => 8,
            2 => 4,
            4 => 2,
            8 => 1,
            _ => 0,
        };
        i += 1;
    }
    t
};

/// Complement of a base character (keeps case for ACGT, N for anything else).
pub(crate) fn complement(b: u8) -> u8 {
    match b {
        b'A' => b'T',
        b'C' => b'G',
        b'G' => b'C',
        b'T' | b'U' => b'A',
        b'a' => b't',
        b'c' => b'g',
        b'g' => b'c',
        b't' | b'u' => b'a',
        _ => b'N',
    }
}

/// Log-likelihood-ratio weights (in hundredths of a nat) of a match and a mismatch at a base of
/// Phred quality `q`, versus unrelated random sequence.
#[derive(Debug, Clone)]
pub(crate) struct Weights {
    pub matched: [i32; 128],
    pub mismatched: [i32; 128],
    /// Both by quality character: `by_char[(mismatch << 8) | char]`.
    pub by_char: [i32; 512],
    /// The match weights as bytes for 16-lane table lookups: character `c` weighs
    /// `match_lut[min(c - 33, 47)]` (0 below `!`). `None` unless that equals `by_char[c]` for
    /// every character and the weight of character 0 (an uncompared lane) is 0.
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    pub match_lut: Option<[u8; 48]>,
}

impl Weights {
    pub(crate) fn new() -> Self {
        let mut matched = [0i32; 128];
        let mut mismatched = [0i32; 128];
        for q in 0..128usize {
            let e = 10f64.powf(-(q as f64) / 10.0).clamp(1e-4, 0.75);
            matched[q] = (100.0 * (4.0 * (1.0 - e)).ln()).round() as i32;
            mismatched[q] = (100.0 * (4.0 / 3.0 * e).ln()).round() as i32;
        }
        let mut by_char = [0i32; 512];
        for c in 0..256usize {
            by_char[c] = matched[Self::qi(c as u8)];
            by_char[256 + c] = mismatched[Self::qi(c as u8)];
        }
        let lut: [u8; 48] = std::array::from_fn(|i| matched[i].clamp(0, 255) as u8);
        let exact = (0..256usize)
            .all(|c| by_char[c] == i32::from(lut[c.saturating_sub(33).min(47)]))
            && by_char[0] == 0;
        Weights {
            matched,
            mismatched,
            by_char,
            match_lut: exact.then_some(lut),
        }
    }

    /// Weight index from a Phred+33 quality character.
    #[inline]
    pub(crate) fn qi(c: u8) -> usize {
        (c.saturating_sub(33) as usize).min(127)
    }
}
