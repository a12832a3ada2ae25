//! Per-read statistics of one mate at one stage: counts per cycle (position), integers only.

use std::collections::BTreeMap;

/// Quality histogram bins: Phred 0..=63; higher qualities are counted in the last bin.
pub const QUAL_BINS: usize = 64;
/// Cycles (positions) tracked one by one; bases at later positions are pooled in one bin.
pub const MAX_CYCLES: usize = 4096;
/// Read lengths below this are counted in a flat array, longer ones in a map.
const LEN_FLAT: usize = 4096;

/// Index of a base in the per-cycle count arrays: `base & 7` (A=1, C=3, T=4, N=6, G=7).
#[inline]
pub fn base_index(b: u8) -> usize {
    (b & 7) as usize
}

/// Indices of A, C, G, T in the `base & 7` arrays.
pub const IDX_A: usize = 1;
/// Index of C.
pub const IDX_C: usize = 3;
/// Index of G.
pub const IDX_G: usize = 7;
/// Index of T.
pub const IDX_T: usize = 4;

/// Counts at one cycle (read position).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cycle {
    /// Bases seen, indexed by [`base_index`]; anything but A/C/G/T counts as N in reports.
    pub base: [u64; 8],
    /// Sum of Phred qualities of those bases, indexed like `base`.
    pub qual_sum: [u64; 8],
    /// Histogram of Phred qualities (0..=63, the last bin holds 63 and above).
    pub qual_hist: [u64; QUAL_BINS],
}

impl Default for Cycle {
    fn default() -> Self {
        Self {
            base: [0; 8],
            qual_sum: [0; 8],
            qual_hist: [0; QUAL_BINS],
        }
    }
}

impl Cycle {
    /// Bases at this cycle.
    pub fn total(&self) -> u64 {
        self.base.iter().sum()
    }

    /// Bases with Phred quality at least `q` (`q` < 64).
    pub fn at_least(&self, q: usize) -> u64 {
        self.qual_hist[q.min(QUAL_BINS - 1)..].iter().sum()
    }

    /// Sum of all qualities at this cycle.
    pub fn qual_total(&self) -> u64 {
        self.qual_sum.iter().sum()
    }
}

/// Rows of the joint count table: one per (base, quality) pair, `(base & 7) << 6 | min(phred, 63)`.
const ROWS: usize = 8 * QUAL_BINS;
/// Cycles per block of the count table.
const BLOCK: usize = 64;
/// Cells per row within a block: 64 cycles and 8 spare, so that rows lie an odd number of
/// 16-byte units apart and one read's increments do not pile into a few cache sets.
const ROW_CELLS: usize = BLOCK + 8;
/// Cells per block of `counts`.
const BLOCK_CELLS: usize = ROWS * ROW_CELLS;
/// Cells per block of `hot`: every 16-bit offset is inside its block (the cells past
/// `BLOCK_CELLS` are never touched, so they take address space but no memory or cache), which
/// lets the increments go without bounds checks.
const HOT_BLOCK: usize = 1 << 16;
const _: () = assert!(BLOCK_CELLS <= HOT_BLOCK);

/// Statistics of the reads of one mate at one stage (before or after filtering).
///
/// `add` costs one counter increment per base and one per read: joint (base, quality) counts
/// per cycle, in blocks of 64 cycles stored row-major by (base, quality), so that one read's
/// increments stay within a few cache lines (real qualities take few distinct values) and a
/// cell's offset within its block is a 16-bit number (computed in 16-bit vector lanes).
/// Per-cycle curves, totals, Q20/Q30 and GC are derived from these counts when a report is built.
#[derive(Debug, Clone, Default)]
pub struct ReadStats {
    reads: u64,
    /// `counts[block * BLOCK_CELLS + row * ROW_CELLS + cycle % BLOCK]`: counts spilled from `hot`.
    counts: Vec<u64>,
    /// Recent counts, laid out like `counts` in blocks of [`HOT_BLOCK`] cells: 16-bit cells
    /// keep a read's increments in few cache lines; spilled into `counts` before any cell can
    /// overflow.
    hot: Vec<u16>,
    /// Reads counted into `hot` since its last spill (each adds at most one per cell).
    hot_reads: u32,
    /// Cycles seen (the longest read, capped at [`MAX_CYCLES`]).
    used: usize,
    /// Bases at positions >= [`MAX_CYCLES`], pooled, by row.
    tail: Vec<u64>,
    len_flat: Vec<u64>,
    len_long: BTreeMap<usize, u64>,
    /// The run's quality values for [`ReadStats::add_batch`] once learned (`Some(None)`: not
    /// binned, or no AVX2). Not a statistic: equality ignores it.
    dict: Option<Option<batch::QualDict>>,
}

impl PartialEq for ReadStats {
    fn eq(&self, o: &Self) -> bool {
        let tails_eq = (0..ROWS)
            .all(|r| self.tail.get(r).copied().unwrap_or(0) == o.tail.get(r).copied().unwrap_or(0));
        let trim = |v: &[u64]| v.len() - v.iter().rev().take_while(|&&x| x == 0).count();
        self.reads == o.reads
            && self.used == o.used
            && (0..ROWS).all(|r| (0..self.used).all(|c| self.at(r, c) == o.at(r, c)))
            && tails_eq
            && self.len_flat[..trim(&self.len_flat)] == o.len_flat[..trim(&o.len_flat)]
            && self.len_long == o.len_long
    }
}

impl Eq for ReadStats {}

/// Index of the cell of `row` at `cycle` in `counts`.
#[inline]
fn cell(row: usize, cycle: usize) -> usize {
    (cycle / BLOCK) * BLOCK_CELLS + row * ROW_CELLS + cycle % BLOCK
}

/// Index of the cell of `row` at `cycle` in `hot`.
#[inline]
fn hot_cell(row: usize, cycle: usize) -> usize {
    (cycle / BLOCK) * HOT_BLOCK + row * ROW_CELLS + cycle % BLOCK
}

impl ReadStats {
    #[inline]
    fn at(&self, row: usize, cycle: usize) -> u64 {
        match (
            self.counts.get(cell(row, cycle)),
            self.hot.get(hot_cell(row, cycle)),
        ) {
            (Some(&c), Some(&h)) => c.wrapping_add(u64::from(h)),
            _ => 0,
        }
    }

    /// Counts of `row` at cycles `block * BLOCK..` (`len` of them, within the block), spilled
    /// plus recent; empty where the table has no cells.
    #[inline]
    fn run(&self, row: usize, block: usize, len: usize) -> impl Iterator<Item = u64> + '_ {
        let i = block * BLOCK_CELLS + row * ROW_CELLS;
        let h = block * HOT_BLOCK + row * ROW_CELLS;
        let counts = self.counts.get(i..i + len).unwrap_or(&[]);
        let hot = self.hot.get(h..h + len).unwrap_or(&[]);
        counts
            .iter()
            .zip(hot)
            .map(|(&c, &h)| c.wrapping_add(u64::from(h)))
    }

    /// Moves the 16-bit counts into the 64-bit ones.
    fn spill(&mut self) {
        if self.hot_reads == 0 {
            return;
        }
        let blocks = self.counts.chunks_exact_mut(BLOCK_CELLS);
        for (cb, hb) in blocks.zip(self.hot.chunks_exact_mut(HOT_BLOCK)) {
            let rows = cb
                .chunks_exact_mut(ROW_CELLS)
                .zip(hb.chunks_exact_mut(ROW_CELLS));
            for (cs, hs) in rows {
                // Only non-zero cells are written: the 64-bit pages of rows no read reached
                // (most of them, quality scores being few) are never made resident.
                for (c, h) in cs[..BLOCK].iter_mut().zip(&mut hs[..BLOCK]) {
                    if *h != 0 {
                        *c = c.wrapping_add(u64::from(*h));
                        *h = 0;
                    }
                }
            }
        }
        self.hot_reads = 0;
    }

    /// Makes room for `cycles` cycles (whole blocks; existing cells keep their places).
    fn grow(&mut self, cycles: usize) {
        let blocks = cycles.min(MAX_CYCLES).div_ceil(BLOCK);
        if blocks * BLOCK_CELLS > self.counts.len() {
            // Fresh zeroed allocations (no memset of fresh pages), the cells in use copied.
            let mut counts = vec![0u64; blocks * BLOCK_CELLS];
            counts[..self.counts.len()].copy_from_slice(&self.counts);
            self.counts = counts;
            // The hot table likewise, each block's cells copied: the cells past each
            // block's table are never written, so their pages are never made resident.
            let mut hot = vec![0u16; blocks * HOT_BLOCK];
            let old = self.hot.chunks_exact(HOT_BLOCK);
            for (new, old) in hot.chunks_exact_mut(HOT_BLOCK).zip(old) {
                new[..BLOCK_CELLS].copy_from_slice(&old[..BLOCK_CELLS]);
            }
            self.hot = hot;
        }
    }

    fn tail_cycle(&self) -> Cycle {
        let mut cy = Cycle::default();
        for (row, &n) in self.tail.iter().enumerate() {
            if n > 0 {
                add_row(&mut cy, row, n);
            }
        }
        cy
    }
}

fn add_row(cy: &mut Cycle, row: usize, n: u64) {
    let (b, q) = (row >> 6, row & (QUAL_BINS - 1));
    cy.base[b] += n;
    cy.qual_sum[b] += n * q as u64;
    cy.qual_hist[q] += n;
}

#[inline(always)]
fn row(b: u8, q: u8) -> usize {
    (base_index(b) << 6) | usize::from(q.saturating_sub(33)).min(QUAL_BINS - 1)
}

/// [`row`] times [`ROW_CELLS`], in 16 bits: the row's offset within a block.
#[inline(always)]
fn row_offset(b: u8, q: u8) -> u16 {
    let q = q.saturating_sub(33).min(QUAL_BINS as u8 - 1);
    (u16::from(b & 7) << 6 | u16::from(q)) * ROW_CELLS as u16
}

/// Totals derived from a [`ReadStats`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    /// Number of reads.
    pub reads: u64,
    /// Number of bases.
    pub bases: u64,
    /// Bases with quality >= 20.
    pub q20: u64,
    /// Bases with quality >= 30.
    pub q30: u64,
    /// G or C bases.
    pub gc: u64,
    /// Bases other than A, C, G, T.
    pub n: u64,
    /// Sum of base qualities.
    pub qual_sum: u64,
    /// Longest read (0 when there are none).
    pub max_len: usize,
}

impl ReadStats {
    /// Empty statistics.
    pub fn new() -> Self {
        Self::default()
    }

    /// Counts one read. `qual` is Phred+33; if it is shorter than `seq`, only the bases with
    /// a quality are counted per cycle (the parser guarantees equal lengths).
    #[inline]
    pub fn add(&mut self, seq: &[u8], qual: &[u8]) {
        self.reads += 1;
        self.count_length(seq.len());
        self.add_positions(seq, qual, 0);
    }

    /// Counts a batch of reads: the same counts as [`ReadStats::add`] for each. When the run's
    /// qualities take at most four values (binned), 32 cycles at a time in vector lanes
    /// instead of one table increment per base (see `read/batch.rs`).
    pub fn add_batch(&mut self, reads: &[(&[u8], &[u8])]) {
        if reads.is_empty() {
            return;
        }
        for r in reads {
            self.reads += 1;
            self.count_length(r.0.len());
        }
        match *self.dict.get_or_insert_with(|| batch::learn(reads)) {
            Some(d) => self.add_positions_batch(reads, &d),
            None => {
                for r in reads {
                    self.add_positions(r.0, r.1, 0);
                }
            }
        }
    }

    /// Counts one read of length `len` in the length histogram only.
    #[inline]
    pub fn count_length(&mut self, len: usize) {
        match self.len_flat.get_mut(len) {
            Some(n) => *n += 1,
            None => self.count_new_length(len),
        }
    }

    /// [`ReadStats::count_length`] for a length the flat histogram has no cell for yet.
    #[cold]
    fn count_new_length(&mut self, len: usize) {
        if len < LEN_FLAT {
            if self.len_flat.len() <= len {
                self.len_flat.resize(len + 1, 0);
            }
            self.len_flat[len] += 1;
        } else {
            *self.len_long.entry(len).or_insert(0) += 1;
        }
    }

    /// Counts the bases of `seq[from..]` at their positions (no read or length count): the
    /// tail a 3' trim removed, when after-filtering statistics are derived from before-filtering
    /// ones (see [`ReadStats::derive`]).
    #[inline]
    pub fn add_positions(&mut self, seq: &[u8], qual: &[u8], from: usize) {
        let n = seq.len().min(qual.len());
        let head = n.min(MAX_CYCLES);
        if head > self.counts.len() / BLOCK_CELLS * BLOCK {
            self.grow(head);
        }
        self.used = self.used.max(head);
        // Per block: cell offsets first (a vectorized pass in 16-bit lanes), then the increments.
        let mut at = [0u16; BLOCK];
        let mut c = from.min(head);
        while c < head {
            let end = (c / BLOCK * BLOCK + BLOCK).min(head);
            let j0 = (c % BLOCK) as u16;
            let at = &mut at[..end - c];
            for (j, ((a, &b), &q)) in at
                .iter_mut()
                .zip(&seq[c..end])
                .zip(&qual[c..end])
                .enumerate()
            {
                *a = row_offset(b, q) + j0 + j as u16;
            }
            let start = c / BLOCK * HOT_BLOCK;
            let Ok(block) = <&mut [u16; HOT_BLOCK]>::try_from(&mut self.hot[start..][..HOT_BLOCK])
            else {
                break; // cannot happen: the slice is HOT_BLOCK long
            };
            let mut quads = at.chunks_exact(4);
            for quad in &mut quads {
                for &i in quad {
                    block[usize::from(i)] = block[usize::from(i)].wrapping_add(1);
                }
            }
            for &i in quads.remainder() {
                block[usize::from(i)] = block[usize::from(i)].wrapping_add(1);
            }
            c = end;
        }
        self.hot_reads += 1;
        if self.hot_reads == u32::from(u16::MAX) {
            self.spill();
        }
        if n > head {
            if self.tail.is_empty() {
                self.tail = vec![0; ROWS];
            }
            let start = from.max(head).min(n);
            for (&b, &q) in seq[start..n].iter().zip(&qual[start..n]) {
                self.tail[row(b, q)] += 1;
            }
        }
    }

    /// Sets each spilled cell to `op(cell, other's count)` over the cycles `other` uses, a
    /// row's run of a block at a time (room for them must already exist: [`ReadStats::grow`]).
    fn combine(&mut self, other: &Self, op: fn(u64, u64) -> u64) {
        for block in 0..other.used.div_ceil(BLOCK) {
            let len = (other.used - block * BLOCK).min(BLOCK);
            for r in 0..ROWS {
                let i = cell(r, block * BLOCK);
                // Zero adds or removes nothing: skipping it leaves unused rows' pages untouched.
                for (c, n) in self.counts[i..i + len]
                    .iter_mut()
                    .zip(other.run(r, block, len))
                {
                    if n != 0 {
                        *c = op(*c, n);
                    }
                }
            }
        }
    }

    /// `base + added - removed`, exactly (every removed count was counted in `base`).
    pub fn derive(base: &Self, added: &Self, removed: &Self) -> Self {
        let mut out = base.clone();
        out.merge(added); // leaves no 16-bit counts behind
        out.reads = out.reads.wrapping_sub(removed.reads);
        out.grow(removed.used);
        out.combine(removed, u64::wrapping_sub);
        for (a, b) in out.tail.iter_mut().zip(&removed.tail) {
            *a = a.wrapping_sub(*b);
        }
        for (l, &n) in removed.len_flat.iter().enumerate() {
            if n > 0 {
                out.len_flat[l] = out.len_flat[l].wrapping_sub(n);
            }
        }
        for (&l, &n) in &removed.len_long {
            let e = out.len_long.entry(l).or_insert(0);
            *e = e.wrapping_sub(n);
            if *e == 0 {
                out.len_long.remove(&l);
            }
        }
        while out.used > 0 && (0..ROWS).all(|r| out.counts[cell(r, out.used - 1)] == 0) {
            out.used -= 1;
        }
        out
    }

    /// Adds `other`'s counts to these (exact: integer sums).
    pub fn merge(&mut self, other: &Self) {
        self.reads += other.reads;
        self.grow(other.used);
        self.spill();
        self.used = self.used.max(other.used);
        self.combine(other, u64::wrapping_add);
        if !other.tail.is_empty() {
            if self.tail.is_empty() {
                self.tail = vec![0; ROWS];
            }
            for (a, b) in self.tail.iter_mut().zip(&other.tail) {
                *a += b;
            }
        }
        if self.len_flat.len() < other.len_flat.len() {
            self.len_flat.resize(other.len_flat.len(), 0);
        }
        for (a, b) in self.len_flat.iter_mut().zip(&other.len_flat) {
            *a += b;
        }
        for (&k, &v) in &other.len_long {
            *self.len_long.entry(k).or_insert(0) += v;
        }
    }

    /// Number of reads counted.
    pub fn reads(&self) -> u64 {
        self.reads
    }

    /// Per-cycle counts, position 0 first (at most [`MAX_CYCLES`] entries), derived from the
    /// joint counts.
    pub fn cycles(&self) -> Vec<Cycle> {
        let mut out = vec![Cycle::default(); self.used];
        // A row's cells of a block are contiguous: one run at a time, not cell by cell.
        for (block, cycles) in out.chunks_mut(BLOCK).enumerate() {
            let len = cycles.len();
            for row in 0..ROWS {
                for (cy, n) in cycles.iter_mut().zip(self.run(row, block, len)) {
                    if n > 0 {
                        add_row(cy, row, n);
                    }
                }
            }
        }
        out
    }

    /// Read length histogram as sorted `(length, reads)` pairs, lengths with no read omitted.
    pub fn length_histogram(&self) -> Vec<(usize, u64)> {
        let mut v: Vec<(usize, u64)> = self
            .len_flat
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(|(l, &c)| (l, c))
            .collect();
        v.extend(self.len_long.iter().map(|(&l, &c)| (l, c)));
        v
    }

    /// Totals over all cycles.
    pub fn totals(&self) -> Totals {
        let mut t = Totals {
            reads: self.reads,
            ..Totals::default()
        };
        for c in self
            .cycles()
            .into_iter()
            .chain(std::iter::once(self.tail_cycle()))
        {
            let total = c.total();
            t.bases += total;
            t.q20 += c.at_least(20);
            t.q30 += c.at_least(30);
            t.gc += c.base[IDX_G] + c.base[IDX_C];
            t.n += total - c.base[IDX_A] - c.base[IDX_C] - c.base[IDX_G] - c.base[IDX_T];
            t.qual_sum += c.qual_total();
        }
        t.max_len = self.length_histogram().last().map_or(0, |&(l, _)| l);
        t
    }
}

mod batch;

#[cfg(test)]
mod tests;
