//! Whether a read holds the adapter at all, for counting: the same answer as
//! `Adapter::find(seq, min_overlap).is_some()`, cheaper on the reads that do not.
//!
//! A hit at position p compares n = min(adapter length, read length - p) bases with at most
//! floor(n * rate) mismatches, so among the adapter's first min([`PROBE`], n) bases at least
//! min(PROBE, n) - floor(n * rate) match. A base that matches the adapter's (either case, `U`
//! as `T`) has the adapter base's 2-bit code `(b >> 1) & 3` (A 0, C 1, T 2, G 3), so counting
//! equal codes over-counts the matches at worst: a position failing the count cannot be a hit.
//! The count runs on 32 positions at once over plain byte arrays (vectorised by the compiler);
//! only reads with a position passing it are searched with `find`.

use super::{Adapter, allowed_mismatches};

/// Adapter bases compared by the prefilter (fewer for shorter adapters).
const PROBE: usize = 16;
/// Read positions counted side by side.
const LANES: usize = 32;
/// Longest read the prefilter handles (longer ones are searched directly).
const MAX_READ: usize = 256;
/// Code of the positions past the read's end: equal to no adapter code.
const PAD: u8 = 4;
/// Matches needed where no hit is possible.
const NEVER: u8 = u8::MAX;

/// [`Adapter::find`]'s yes-or-no answer for one adapter and minimum overlap, with the
/// prefilter's tables built once.
pub(crate) struct Holds<'a> {
    adapter: &'a Adapter,
    min_overlap: usize,
    /// The adapter's first `probe` codes; empty when the prefilter does not apply (IUPAC
    /// wildcards), and then every read is searched.
    codes: Vec<u8>,
    /// Matches needed at a position with `r` read bases from it on, stored so that the 32
    /// lanes of a block with q bases left read `need[len + LANES - 1 - q..][..LANES]`:
    /// `need[t]` is for r = len + LANES - 1 - t, with `len` the adapter length.
    need: Vec<u8>,
    /// Matches needed where the whole adapter fits in the read.
    need_full: u8,
}

impl Adapter {
    /// The yes-or-no search of reads for this adapter, at least `min_overlap` bases.
    pub(crate) fn holds(&self, min_overlap: usize) -> Holds<'_> {
        let len = self.seq.len();
        let probe = len.min(PROBE);
        let min = min_overlap.max(1);
        // Matches needed among the first min(probe, n) bases with r bases left.
        let need_at = |r: usize| -> u8 {
            if r < min {
                return NEVER;
            }
            let n = r.min(len);
            let p = probe.min(n);
            p.saturating_sub(allowed_mismatches(n, self.rate)) as u8
        };
        let need = (0..len + 2 * LANES)
            .map(|t| (len + LANES - 1).checked_sub(t).map_or(NEVER, need_at))
            .collect();
        let codes = if self.wildcard {
            Vec::new()
        } else {
            self.seq[..probe].iter().map(|&b| (b >> 1) & 3).collect()
        };
        Holds {
            adapter: self,
            min_overlap,
            codes,
            need,
            need_full: need_at(len),
        }
    }
}

impl Holds<'_> {
    /// `self.adapter.find(seq, self.min_overlap).is_some()`.
    pub(crate) fn holds(&self, seq: &[u8]) -> bool {
        if self.codes.is_empty() || seq.len() > MAX_READ || self.maybe(seq) {
            self.adapter.find(seq, self.min_overlap).is_some()
        } else {
            false
        }
    }

    /// False when no position of `seq` (at most [`MAX_READ`] bases) can be a hit.
    fn maybe(&self, seq: &[u8]) -> bool {
        let mut codes = [PAD; MAX_READ + LANES + PROBE];
        for (c, &b) in codes.iter_mut().zip(seq) {
            *c = (b >> 1) & 3;
        }
        let len = self.adapter.seq.len();
        let mut p0 = 0;
        while p0 < seq.len() {
            let mut matches = [0u8; LANES];
            for (j, &a) in self.codes.iter().enumerate() {
                let Some(w) = codes.get(p0 + j..p0 + j + LANES) else {
                    return true;
                };
                for (m, &c) in matches.iter_mut().zip(w) {
                    *m += u8::from(c == a);
                }
            }
            let left = seq.len() - p0;
            let pass = if left >= len + LANES {
                matches
                    .iter()
                    .fold(false, |any, &m| any | (m >= self.need_full))
            } else {
                let from = len + LANES - 1 - left;
                let Some(need) = self.need.get(from..from + LANES) else {
                    return true;
                };
                (matches.iter().zip(need)).fold(false, |any, (&m, &n)| any | (m >= n))
            };
            if pass {
                return true;
            }
            p0 += LANES;
        }
        false
    }
}
