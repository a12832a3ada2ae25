//! `java.util.Random`, bit for bit: the 48-bit linear congruential generator of the Java
//! platform specification (`seed = (seed * 0x5DEECE66D + 0xB) mod 2^48`, the constructor
//! scrambling its seed with `0x5DEECE66D`), and the affine jumps that move it `k` steps at once.
//!
//! Picard's theoretical het-SNP sensitivity draws its base qualities from this generator with a
//! fixed seed, so its output is reproducible exactly; [`super::wheel`] relies on that.

/// The generator's multiplier (`0x5DEECE66D`).
pub const MULTIPLIER: u64 = 0x5_DEEC_E66D;
/// The generator's addend.
pub const ADDEND: u64 = 0xB;
/// The state is 48 bits.
pub const MASK: u64 = (1 << 48) - 1;
/// `nextDouble`'s unit, 2^-53.
pub const DOUBLE_UNIT: f64 = 1.0 / (1u64 << 53) as f64;

/// One step of the generator on a raw 48-bit state.
#[inline]
pub fn step(state: u64) -> u64 {
    state.wrapping_mul(MULTIPLIER).wrapping_add(ADDEND) & MASK
}

/// The affine map `state -> (mul * state + add) mod 2^48`: `k` generator steps at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Jump {
    /// Multiplier.
    pub mul: u64,
    /// Addend.
    pub add: u64,
}

impl Jump {
    /// The identity (0 steps).
    pub const IDENTITY: Self = Self { mul: 1, add: 0 };
    /// One step.
    pub const ONE: Self = Self {
        mul: MULTIPLIER,
        add: ADDEND,
    };

    /// `self` followed by `next`.
    #[inline]
    pub fn then(self, next: Self) -> Self {
        Self {
            mul: next.mul.wrapping_mul(self.mul) & MASK,
            add: next.mul.wrapping_mul(self.add).wrapping_add(next.add) & MASK,
        }
    }

    /// `k` steps (square and multiply).
    pub fn steps(mut k: u64) -> Self {
        let (mut acc, mut pow) = (Self::IDENTITY, Self::ONE);
        while k > 0 {
            if k & 1 == 1 {
                acc = acc.then(pow);
            }
            pow = pow.then(pow);
            k >>= 1;
        }
        acc
    }

    /// Applies the jump to a raw state.
    #[inline]
    pub fn apply(self, state: u64) -> u64 {
        self.mul.wrapping_mul(state).wrapping_add(self.add) & MASK
    }
}

/// `java.util.Random`: the seeding is what the sampler needs; the draws (`next*`) are built in
/// tests only, to check the generator against the JDK and to run Picard's loops as written.
#[derive(Debug, Clone)]
pub struct JavaRandom {
    state: u64,
}

impl JavaRandom {
    /// `new Random(seed)`.
    pub fn new(seed: i64) -> Self {
        Self {
            state: (seed as u64 ^ MULTIPLIER) & MASK,
        }
    }

    /// The raw 48-bit state (the value `next` steps from).
    pub fn state(&self) -> u64 {
        self.state
    }

    /// `next(bits)`: the top `bits` bits of the next state, as Java's `int`.
    #[inline]
    #[cfg(test)]
    pub fn next(&mut self, bits: u32) -> i32 {
        self.state = step(self.state);
        (self.state >> (48 - bits)) as u32 as i32
    }

    /// `nextInt()`.
    #[cfg(test)]
    pub fn next_int(&mut self) -> i32 {
        self.next(32)
    }

    /// `nextInt(bound)` (`bound > 0`; `None` otherwise, where Java throws).
    #[cfg(test)]
    pub fn next_int_bounded(&mut self, bound: i32) -> Option<i32> {
        if bound <= 0 {
            return None;
        }
        let mut r = self.next(31);
        let m = bound - 1;
        if bound & m == 0 {
            return Some(((i64::from(bound) * i64::from(r)) >> 31) as i32);
        }
        let mut u = r;
        loop {
            r = u % bound;
            // Java's overflow test: reject the top, incomplete run of `bound` values
            if u.wrapping_sub(r).wrapping_add(m) >= 0 {
                return Some(r);
            }
            u = self.next(31);
        }
    }

    /// `nextLong()`.
    #[cfg(test)]
    pub fn next_long(&mut self) -> i64 {
        let hi = i64::from(self.next(32));
        let lo = i64::from(self.next(32));
        (hi << 32).wrapping_add(lo)
    }

    /// `nextDouble()`: 53 random bits (26 then 27) times 2^-53.
    #[inline]
    #[cfg(test)]
    pub fn next_double(&mut self) -> f64 {
        let hi = i64::from(self.next(26));
        let lo = i64::from(self.next(27));
        ((hi << 27) + lo) as f64 * DOUBLE_UNIT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values from OpenJDK 17 (jshell):
    //   var r = new java.util.Random(42); r.nextInt(); r.nextInt(); r.nextInt();
    //   var d = new java.util.Random(51); d.nextDouble(); d.nextDouble(); d.nextDouble();
    //   var b = new java.util.Random(42); b.nextInt(10); b.nextInt(1000); b.nextInt(1 << 20);
    //   b.nextLong();
    // The first nextInt of seed 42 is also the widely quoted -1170105035.

    #[test]
    fn next_int_matches_the_jdk() {
        let mut r = JavaRandom::new(42);
        assert_eq!(r.next_int(), -1_170_105_035);
        assert_eq!(r.next_int(), 234_785_527);
        assert_eq!(r.next_int(), -1_360_544_799);
    }

    #[test]
    fn next_double_matches_the_jdk() {
        // seed 51 is Picard's TheoreticalSensitivity seed
        let mut r = JavaRandom::new(51);
        assert_eq!(r.next_double(), 0.7296240607935824);
        assert_eq!(r.next_double(), 0.7837023678833833);
        assert_eq!(r.next_double(), 0.19187875415120714);
    }

    #[test]
    fn bounded_ints_and_longs_match_the_jdk() {
        let mut r = JavaRandom::new(42);
        assert_eq!(r.next_int_bounded(10), Some(0));
        assert_eq!(r.next_int_bounded(1000), Some(763));
        assert_eq!(r.next_int_bounded(1 << 20), Some(716_411));
        assert_eq!(r.next_long(), 884_324_181_205_335_268);
        assert_eq!(r.next_int_bounded(0), None);
    }

    #[test]
    fn first_state_follows_the_definition() {
        // scrambled seed, then one step: (s * 0x5DEECE66D + 0xB) mod 2^48, top 32 bits
        let s0 = (42u64 ^ 0x5_DEEC_E66D) & ((1 << 48) - 1);
        let s1 = ((u128::from(s0) * 0x5_DEEC_E66D + 0xB) % (1 << 48)) as u64;
        let mut r = JavaRandom::new(42);
        assert_eq!(r.state(), s0);
        assert_eq!(r.next_int(), (s1 >> 16) as u32 as i32);
    }

    #[test]
    fn jumps_equal_repeated_steps() {
        let mut r = JavaRandom::new(51);
        let start = r.state();
        for k in [0u64, 1, 2, 3, 4, 7, 64, 255, 1000] {
            let mut s = start;
            for _ in 0..k {
                s = step(s);
            }
            assert_eq!(Jump::steps(k).apply(start), s, "{k} steps");
        }
        for _ in 0..10 {
            r.next(32);
        }
        assert_eq!(Jump::steps(10).apply(start), r.state());
        assert_eq!(Jump::steps(3).then(Jump::steps(4)), Jump::steps(7));
    }
}
