//! Whether a read can hold the adapter at all: a necessary condition of every hit of
//! `Adapter::find_q`, checked before its seeded search so that the reads without the adapter
//! (most reads of most runs) cost one vectorised pass instead of a search per seed.
//!
//! A hit at position p compares n = min(adapter length, read length - p) bases and allows at
//! most floor(n * rate) mismatches at bases of Q15 or more (with qualities, mismatches below
//! Q15 are tolerated on top of these; without them every mismatch counts). So among the
//! adapter's first min([`PROBE`], n) bases at least min(PROBE, n) - floor(n * rate) match or
//! have a quality below Q15. A base that matches the adapter's (either case, `U` as `T`) has
//! the adapter base's 2-bit code `(b >> 1) & 3` (A 0, C 1, T 2, G 3), so counting equal codes
//! over-counts the matches at worst: a position failing the count cannot be a hit. The count
//! runs on 32 positions at once over plain byte arrays (vectorised by the compiler).

use super::{TOLERATED_BELOW, allowed_mismatches};

/// Adapter bases compared by the screen (fewer for shorter adapters).
const PROBE: usize = 16;
/// Read positions counted side by side.
const LANES: usize = 32;
/// Longest read the screen handles (longer ones are searched directly).
const MAX_READ: usize = 256;
/// Code of a base below Q15 (when qualities count): agrees with every adapter code.
const ANY: u8 = 4;
/// Code of the positions past the read's end: agrees with no adapter code.
const PAD: u8 = 5;
/// Agreements needed where no hit is possible.
const NEVER: u8 = u8::MAX;

/// The screen's tables, built once per adapter (none for adapters with IUPAC wildcards, which
/// are searched position by position anyway).
#[derive(Clone, Debug)]
pub(super) struct Screen {
    /// The adapter's first `min(PROBE, len)` 2-bit codes.
    codes: Vec<u8>,
    /// Agreements needed at a position with r read bases from it on (any r >= 1), stored so
    /// that the 32 lanes of a block with q bases left read `need[len + LANES - 1 - q..][..LANES]`:
    /// `need[t]` is for r = len + LANES - 1 - t, with `len` the adapter length.
    need: Vec<u8>,
    /// Agreements needed where the whole adapter fits in the read.
    need_full: u8,
}

impl Screen {
    /// The tables of adapter `seq` (upper case, no wildcards) at error rate `rate`.
    pub(super) fn new(seq: &[u8], rate: f64) -> Self {
        let len = seq.len();
        let probe = len.min(PROBE);
        let need_at = |r: usize| -> u8 {
            let n = r.min(len);
            probe
                .min(n)
                .saturating_sub(allowed_mismatches(n, rate))
                .try_into()
                .unwrap_or(NEVER)
        };
        let need = (0..len + 2 * LANES)
            .map(|t| match (len + LANES - 1).checked_sub(t) {
                Some(r) if r >= 1 => need_at(r),
                _ => NEVER,
            })
            .collect();
        Screen {
            codes: seq[..probe].iter().map(|&b| (b >> 1) & 3).collect(),
            need,
            need_full: need_at(len),
        }
    }

    /// False when no position of `seq` leaving at least `min_overlap` bases can be a hit
    /// (with `qual`, mismatches below Q15 tolerated as `find_q` tolerates them); true also for
    /// reads longer than [`MAX_READ`], which are not screened.
    #[inline]
    pub(super) fn may_hit(&self, seq: &[u8], qual: Option<&[u8]>, min_overlap: usize) -> bool {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            #[allow(unsafe_code)] // measured hot spot: 32 lanes a vector instead of 16
            // SAFETY: the processor has AVX2 (checked above).
            return unsafe { self.may_hit_avx2(seq, qual, min_overlap) };
        }
        self.may_hit_body(seq, qual, min_overlap)
    }

    /// [`Screen::may_hit`] compiled with AVX2.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn may_hit_avx2(&self, seq: &[u8], qual: Option<&[u8]>, min_overlap: usize) -> bool {
        self.may_hit_body(seq, qual, min_overlap)
    }

    /// The body of [`Screen::may_hit`].
    #[inline(always)]
    fn may_hit_body(&self, seq: &[u8], qual: Option<&[u8]>, min_overlap: usize) -> bool {
        let Some(last) = seq.len().checked_sub(min_overlap.max(1)) else {
            return false;
        };
        if seq.len() > MAX_READ {
            return true;
        }
        let mut codes = [PAD; MAX_READ + LANES + PROBE];
        for (c, &b) in codes.iter_mut().zip(seq) {
            *c = (b >> 1) & 3;
        }
        if let Some(q) = qual {
            for (c, &q) in codes.iter_mut().zip(q.iter().take(seq.len())) {
                if q < TOLERATED_BELOW {
                    *c = ANY;
                }
            }
        }
        let mut p0 = 0;
        while p0 <= last {
            let mut agree = [0u8; LANES];
            for (j, &a) in self.codes.iter().enumerate() {
                let Some(w) = codes.get(p0 + j..p0 + j + LANES) else {
                    return true;
                };
                for (m, &c) in agree.iter_mut().zip(w) {
                    *m += u8::from(c == a) | u8::from(c == ANY);
                }
            }
            let left = seq.len() - p0;
            let mut need = [self.need_full; LANES];
            // `need` holds the adapter length plus 2 * LANES entries.
            let len = self.need.len() - 2 * LANES;
            if left < len + LANES {
                let from = len + LANES - 1 - left;
                let Some(n) = self.need.get(from..from + LANES) else {
                    return true;
                };
                need.copy_from_slice(n);
            }
            // Lanes past the last position that leaves `min_overlap` bases cannot hit.
            if let Some(stop) = (last + 1).checked_sub(p0).filter(|&s| s < LANES) {
                need[stop..].fill(NEVER);
            }
            if (agree.iter().zip(&need)).fold(false, |any, (&m, &n)| any | (m >= n)) {
                return true;
            }
            p0 += LANES;
        }
        false
    }
}
