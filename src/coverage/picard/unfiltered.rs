//! Picard's "unfiltered" coverage, the input of HET_SNP_SENSITIVITY: after the record
//! filters (duplicate, adapter, MAPQ, overlap clip), every aligned on-target base whose quality
//! is above 2 adds depth, whatever MINIMUM_BASE_QUALITY says. Its quality goes to the
//! base-quality histogram only while the depth at its position, itself included, is at most
//! COVERAGE_CAP: the histogram holds the qualities of the first COVERAGE_CAP bases at each
//! position, in record order (restated from Picard 2.27.5's `TargetMetricsCollector`).
//!
//! Because of that order the depth is counted as records arrive, in a ring of counters that
//! starts at the current record: coordinate order makes every position before it final, so
//! it leaves the ring for the depth histogram. Memory is the longest alignment, not the panel.

/// Bins of Picard's base-quality histogram (qualities 0 to 126).
pub const QUALITY_BINS: usize = 127;

/// First size of the ring (a power of two; it doubles when an alignment is longer).
const FIRST_RING: usize = 1 << 12;

/// Running unfiltered depth and the two histograms.
#[derive(Debug)]
pub struct Unfiltered {
    cap: u32,
    rid: Option<usize>,
    /// Counters of positions `base..end` at `pos & (ring.len() - 1)`; 0 elsewhere.
    ring: Vec<u32>,
    /// First position not final.
    base: u64,
    /// One past the last position counted.
    end: u64,
    /// Target positions with depth > 0 that left the ring.
    covered: u64,
    depth: Vec<u64>,
    /// Per byte value (those that do not count stay 0), in 4 copies by position so that
    /// runs of one quality do not wait on one counter.
    quality: Box<[[u64; 256]; 4]>,
}

/// The finished histograms.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Histograms {
    /// Target bases per unfiltered depth, capped at COVERAGE_CAP (bins 0..=cap).
    pub depth: Vec<u64>,
    /// Bases per quality (bins 0..=126): Picard's `unfiltered_baseq_count`.
    pub quality: Vec<u64>,
}

impl Unfiltered {
    /// Empty, for COVERAGE_CAP `cap`.
    pub fn new(cap: u32) -> Self {
        Self {
            cap,
            rid: None,
            ring: vec![0; FIRST_RING],
            base: 0,
            end: 0,
            covered: 0,
            depth: vec![0; cap as usize + 1],
            quality: Box::new([[0; 256]; 4]),
        }
    }

    /// Whether a base of quality `q` counts (Picard reads qualities as signed bytes, keeps
    /// those above 2, and has no bin for 127).
    #[inline]
    pub fn counts(q: u8) -> bool {
        q > 2 && (q as usize) < QUALITY_BINS
    }

    /// Before the bases of a record on reference `rid` starting at `start`: every position
    /// before `start` is final.
    #[inline]
    pub fn start(&mut self, rid: usize, start: u64) {
        if self.rid != Some(rid) {
            self.settle(self.end);
            self.rid = Some(rid);
            self.end = start;
        } else if start > self.base {
            self.settle(start.min(self.end));
            self.end = self.end.max(start);
        }
        self.base = start;
    }

    /// Moves positions `base..to` to the depth histogram.
    fn settle(&mut self, to: u64) {
        let mask = self.ring.len() as u64 - 1;
        for pos in self.base..to {
            let c = &mut self.ring[(pos & mask) as usize];
            if *c > 0 {
                self.covered += 1;
                self.depth[(*c).min(self.cap) as usize] += 1;
                *c = 0;
            }
        }
        self.base = self.base.max(to);
    }

    /// Doubles the ring until `pos` fits with `base..end`.
    #[cold]
    fn grow(&mut self, pos: u64) {
        let mut len = self.ring.len();
        while (pos - self.base) as usize >= len {
            len *= 2;
        }
        let mut ring = vec![0u32; len];
        let (old, new) = (self.ring.len() as u64 - 1, len as u64 - 1);
        for p in self.base..self.end {
            ring[(p & new) as usize] = self.ring[(p & old) as usize];
        }
        self.ring = ring;
    }

    /// Bases at positions `lo..` (at or after the record's start), one per quality.
    pub fn add_run(&mut self, lo: u64, quals: &[u8]) {
        let hi = lo + quals.len() as u64;
        if hi.saturating_sub(self.base) > self.ring.len() as u64 {
            self.grow(hi - 1);
        }
        self.end = self.end.max(hi);
        let (mask, cap) = (self.ring.len() as u64 - 1, self.cap);
        // branch-free: a base that does not count adds 0
        for (p, &q) in (lo..hi).zip(quals) {
            let w = u32::from(Self::counts(q));
            let c = &mut self.ring[(p & mask) as usize];
            *c += w;
            self.quality[(p & 3) as usize][usize::from(q)] += u64::from(w & u32::from(*c <= cap));
        }
    }

    /// The histograms, over `territory` target bases (those never covered are at depth 0).
    pub fn finish(mut self, territory: u64) -> Histograms {
        self.settle(self.end);
        self.depth[0] += territory.saturating_sub(self.covered);
        Histograms {
            depth: self.depth,
            quality: (0..QUALITY_BINS)
                .map(|q| self.quality.iter().map(|h| h[q]).sum())
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualities_past_the_cap_are_left_out_in_record_order() {
        let mut u = Unfiltered::new(2);
        // three records over position 10 (qualities 30, 31, 32): the third is past the cap
        u.start(0, 5);
        u.add_run(10, &[30]);
        u.add_run(11, &[30]);
        u.start(0, 8);
        u.add_run(10, &[31]);
        u.start(0, 10);
        u.add_run(10, &[32]);
        // a later record settles 10 and 11
        u.start(0, 20);
        u.add_run(20, &[40]);
        // another contig settles the rest
        u.start(1, 3);
        u.add_run(3, &[3]);
        let h = u.finish(100);
        assert_eq!(h.quality[30], 2);
        assert_eq!(h.quality[31], 1);
        assert_eq!(h.quality[32], 0);
        assert_eq!(h.quality[40], 1);
        assert_eq!(h.quality[3], 1);
        // depths: 10 -> 3 (capped 2), 11 -> 1, 20 -> 1, contig 1 pos 3 -> 1; 96 at 0
        assert_eq!(h.depth, vec![96, 3, 1]);
        // Picard's check: bases in the quality histogram = sum of depth x capped count
        let sum_q: u64 = h.quality.iter().sum();
        let sum_d: u64 = h.depth.iter().enumerate().map(|(d, &c)| d as u64 * c).sum();
        assert_eq!(sum_q, sum_d);
        assert!(!Unfiltered::counts(2) && Unfiltered::counts(3));
        // an alignment longer than the ring (a spliced read) grows it without losing counts
        let mut u = Unfiltered::new(200);
        u.start(0, 100);
        u.add_run(100, &[30]);
        u.add_run(100 + FIRST_RING as u64 * 3, &[30]);
        u.start(0, 101);
        u.add_run(100 + FIRST_RING as u64 * 3, &[31]);
        let h = u.finish(10);
        assert_eq!(h.depth[1..3], [1, 1]);
        assert_eq!(h.depth[0], 8);
        assert_eq!((h.quality[30], h.quality[31]), (2, 1));
        assert!(Unfiltered::counts(126) && !Unfiltered::counts(127) && !Unfiltered::counts(0xff));
    }
}
