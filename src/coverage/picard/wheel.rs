//! Picard's roulette wheel (`TheoreticalSensitivity.RouletteWheel`), bit for bit and fast.
//!
//! Restated from Picard 2.27.5 (facts, not code): the wheel holds each bin's weight over the
//! largest weight and a `java.util.Random` seeded 51; a draw makes tries until one is
//! accepted: a try picks bin `(int) (bins * nextDouble())` and accepts it when a second
//! `nextDouble()` is below that bin's weight over the largest; after 600 rejected tries the
//! draw returns 0.
//!
//! Draws cost about `bins * largest weight / total` tries each, which for binned Illumina
//! qualities (one bin of 127 with most of the weight) is some 100 tries, 2 x 10^8 for the
//! 2 x 10^6 draws of HET_SNP_SENSITIVITY at the default cap. [`Wheel`] decides most tries
//! from one multiplication; the tests compare its draws with Picard's loop as written.

use super::java_random::{DOUBLE_UNIT, JavaRandom, Jump, step};

/// The seed of Picard's roulette wheel.
pub const RANDOM_SEED: i64 = 51;
/// Tries after which a draw gives up and returns 0.
pub const SAMPLING_MAX: u32 = 600;
/// Interleaved generator lanes of [`Wheel`]'s scan: lane `j` holds try `t + j`.
const LANES: usize = 8;
/// Rounds of `LANES` tries per scan block.
const ROUNDS: usize = 8;
/// The first double's 53 bits are cut into cells of 2^42 for the quick reject: 2^11 cells,
/// named by the state's top 11 bits (bins are about 2^46 wide).
const CELL_BITS: u32 = 42;
const CELLS: usize = 1 << (53 - CELL_BITS);
/// A shifted state's cell: its top bits.
const CELL_SHIFT: u32 = 64 - (53 - CELL_BITS);
/// [`Wheel::cell_bin`] of a cell that straddles two bins (wheels have fewer bins).
const STRADDLES: u8 = u8::MAX;

/// Picard's roulette wheel over the bins of a histogram, on `java.util.Random(51)`.
///
/// Try `t` uses generator states `4t + 1` to `4t + 4` (two doubles) whatever the tries before
/// it did, so the tries are scanned ahead of the draws: the first states of 8 consecutive
/// tries advance together by one 32-step jump (8 independent chains instead of one chain of
/// 4 steps per try), each state's top 11 bits look up whether its try can land on a bin
/// with weight, and only those tries are finished exactly. The lanes hold the states
/// shifted left by 16, so that the arithmetic modulo 2^64 is the generator's modulo 2^48
/// and the top bits need one shift. The draws then read the accepted tries in order.
pub struct Wheel {
    /// Number of bins (`N` of the wheel, the histogram's length), as Java multiplies it.
    bins: f64,
    /// Per bin: a try on it is accepted when its second double's 53 bits are below this
    /// (`ceil(weight / max weight * 2^53)`; 0 for an empty bin).
    limit: Vec<u64>,
    /// Per lane `j`, per cell of the first double: `1 << j` when a try there can land on a
    /// bin with weight, else 0 (a round's lookups OR into its mask of lanes).
    maybe: Box<[[u8; CELLS]; LANES]>,
    /// Per cell: its bin when the whole cell lies in one, else [`STRADDLES`].
    cell_bin: Box<[u8; CELLS]>,
    /// First states, shifted left by 16, of the next tries to scan.
    lanes: [u64; LANES],
    /// Jump of `LANES` tries, on shifted states: (multiplier, addend << 16).
    lanes_jump: (u64, u64),
    /// Jumps of `r * LANES` tries (`r < ROUNDS`), on shifted states.
    round_jumps: [(u64, u64); ROUNDS],
    /// Index of the try in `lanes[0]`.
    scanned: u64,
    /// Accepted tries scanned and not used yet (index, bin), in order from `next`.
    accepted: Vec<(u64, usize)>,
    next: usize,
    /// Tries used by the draws so far.
    used: u64,
}

impl Wheel {
    /// A wheel over `weights` (Picard passes a normalised histogram). None when they are
    /// all 0 (Picard stops with "Quality score distribution is empty") or have 255 bins or
    /// more (a bin is kept in a byte; base qualities have 127).
    pub fn new(weights: &[f64]) -> Option<Self> {
        if weights.len() >= usize::from(STRADDLES) {
            return None;
        }
        let max = weights.iter().copied().fold(0.0f64, f64::max);
        if max == 0.0 || max.is_nan() {
            return None;
        }
        let limit: Vec<u64> = weights
            .iter()
            .map(|&w| ((w / max) * (1u64 << 53) as f64).ceil() as u64)
            .collect();
        let bins = weights.len() as f64;
        let mut maybe = Box::new([[0u8; CELLS]; LANES]);
        let mut cell_bin = Box::new([STRADDLES; CELLS]);
        for c in 0..CELLS {
            let lo = (c as u64) << CELL_BITS;
            let (first, last) = (bin_of(bins, lo), bin_of(bins, lo + (1 << CELL_BITS) - 1));
            let live = (first..=last).any(|n| limit.get(n).is_some_and(|&l| l > 0));
            for (j, m) in maybe.iter_mut().enumerate() {
                m[c] = u8::from(live) << j;
            }
            if first == last {
                cell_bin[c] = first as u8;
            }
        }
        let seed = JavaRandom::new(RANDOM_SEED).state();
        let mut lanes = [0u64; LANES];
        for (j, l) in lanes.iter_mut().enumerate() {
            *l = Jump::steps(4 * j as u64 + 1).apply(seed) << 16;
        }
        let jump = Jump::steps(4 * LANES as u64);
        let mut round_jumps = [(1, 0); ROUNDS];
        for (r, rj) in round_jumps.iter_mut().enumerate() {
            let j = Jump::steps(4 * (r * LANES) as u64);
            *rj = (j.mul, j.add << 16);
        }
        Some(Self {
            bins,
            limit,
            maybe,
            cell_bin,
            lanes,
            lanes_jump: (jump.mul, jump.add << 16),
            round_jumps,
            scanned: 0,
            accepted: Vec::new(),
            next: 0,
            used: 0,
        })
    }

    /// Scans blocks of `ROUNDS * LANES` tries until one is accepted or the tries before
    /// `end` are scanned.
    fn scan(&mut self, end: u64) {
        if self.next == self.accepted.len() {
            self.accepted.clear();
            self.next = 0;
        }
        let (mul, add) = self.lanes_jump;
        let mut lanes = self.lanes;
        let mut t = self.scanned;
        let mut found = false;
        while !found && t < end {
            let first = lanes;
            // bit r * LANES + j: try t + r * LANES + j may land on a bin with weight
            let mut hits = 0u64;
            for r in 0..ROUNDS {
                let mut m = 0u8;
                for (table, l) in self.maybe.iter().zip(lanes) {
                    m |= table[(l >> CELL_SHIFT) as usize];
                }
                hits |= u64::from(m) << (r * LANES);
                for l in &mut lanes {
                    *l = l.wrapping_mul(mul).wrapping_add(add);
                }
            }
            if hits != 0 {
                found = self.finish_block(first, hits, t);
            }
            t += (ROUNDS * LANES) as u64;
        }
        self.lanes = lanes;
        self.scanned = t;
    }

    /// Finishes the tries of a block (first states `first`, first index `t`) set in `hits`;
    /// true when one was accepted. Out of line, so that the scan keeps its lanes in
    /// registers.
    #[inline(never)]
    fn finish_block(&mut self, first: [u64; LANES], mut hits: u64, t: u64) -> bool {
        let mut found = false;
        while hits != 0 {
            let i = hits.trailing_zeros() as usize;
            hits &= hits - 1;
            let (mul, add) = self.round_jumps[i / LANES];
            let l = first[i % LANES].wrapping_mul(mul).wrapping_add(add);
            if let Some(n) = self.finish_try(l) {
                self.accepted.push((t + i as u64, n));
                found = true;
            }
        }
        found
    }

    /// The rest of a try whose first state, shifted left by 16, is `l`: its bin when
    /// accepted. The bin needs the second state only when the cell straddles two bins, and
    /// the acceptance needs the third and fourth only below the largest weight.
    #[inline]
    fn finish_try(&self, l: u64) -> Option<usize> {
        let s1 = l >> 16;
        let s2 = step(s1);
        let n = match self.cell_bin[(l >> CELL_SHIFT) as usize] {
            STRADDLES => bin_of(self.bins, ((s1 >> 22) << 27) + (s2 >> 21)),
            b => usize::from(b),
        };
        let limit = self.limit.get(n).copied().unwrap_or(0);
        if limit == 0 {
            return None;
        }
        if limit > (1 << 53) - 1 {
            return Some(n); // every double is below 1
        }
        let s3 = step(s2);
        let s4 = step(s3);
        (((s3 >> 22) << 27) + (s4 >> 21) < limit).then_some(n)
    }

    /// Picard's `RouletteWheel.draw`: the bin of the first accepted try within
    /// `SAMPLING_MAX` tries, else 0 after `SAMPLING_MAX` tries.
    #[inline]
    pub fn draw(&mut self) -> usize {
        let give_up = self.used + u64::from(SAMPLING_MAX);
        loop {
            if let Some(&(t, n)) = self.accepted.get(self.next) {
                if t < give_up {
                    self.next += 1;
                    self.used = t + 1;
                    return n;
                }
                break;
            }
            if self.scanned >= give_up {
                break;
            }
            self.scan(give_up);
        }
        self.used = give_up;
        0
    }
}

/// The bin a try lands on: `(int) (bins * nextDouble())` for the double of 53 bits `x`.
#[inline]
fn bin_of(bins: f64, x: u64) -> usize {
    (bins * (x as i64 as f64 * DOUBLE_UNIT)) as i64 as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coverage::picard::sensitivity::normalise;

    /// `RouletteWheel.draw` as Picard writes it: two doubles per try, one try at a time.
    struct Naive {
        probs: Vec<f64>,
        rng: JavaRandom,
        count: u32,
    }

    impl Naive {
        fn new(weights: &[f64]) -> Self {
            let max = weights.iter().copied().fold(0.0f64, f64::max);
            Self {
                probs: weights.iter().map(|w| w / max).collect(),
                rng: JavaRandom::new(RANDOM_SEED),
                count: 0,
            }
        }

        fn draw(&mut self) -> usize {
            loop {
                let n = (self.probs.len() as f64 * self.rng.next_double()) as usize;
                self.count += 1;
                if self.rng.next_double() < self.probs[n] {
                    self.count = 0;
                    return n;
                } else if self.count >= SAMPLING_MAX {
                    self.count = 0;
                    return 0;
                }
            }
        }
    }

    #[test]
    fn draws_equal_picards_loop() {
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for case in 0..30 {
            // one dominant bin (long runs of rejections, some draws give up), a few binned
            // qualities, or many bins; 127 bins as for base qualities, or a few
            let bins = if case % 5 == 4 {
                2 + (next() % 9) as usize
            } else {
                127
            };
            let mut counts = vec![0u64; bins];
            let live = [1, 4, 60][case % 3];
            for _ in 0..live {
                counts[(next() % bins as u64) as usize] += 1 + next() % 10_000;
            }
            let w = normalise(&counts);
            let (mut fast, mut slow) = (Wheel::new(&w).expect("wheel"), Naive::new(&w));
            for i in 0..20_000 {
                assert_eq!(fast.draw(), slow.draw(), "case {case} draw {i}: {counts:?}");
            }
        }
    }

    #[test]
    fn one_bin_with_all_the_weight_gives_up_now_and_then() {
        // one live bin of 127: a try lands on it with probability 1/127 and is then always
        // accepted, so a draw gives up (returns 0) when 600 tries miss: (126/127)^600 ~ 0.9%
        let mut q = vec![0u64; 127];
        q[40] = 5;
        let mut w = Wheel::new(&normalise(&q)).expect("wheel");
        let draws: Vec<usize> = (0..20_000).map(|_| w.draw()).collect();
        assert!(draws.iter().all(|&d| d == 0 || d == 40));
        let zeros = draws.iter().filter(|&&d| d == 0).count();
        assert!((100..300).contains(&zeros), "{zeros} draws gave up");
        assert!(Wheel::new(&[0.0, 0.0, 0.0]).is_none());
        assert!(Wheel::new(&[1.0; 255]).is_none());
    }
}
