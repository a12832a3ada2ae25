//! Instrument quality profiles of the simulator: per cycle and mate, a quality drawn from a
//! distribution shaped like a real run, and the base's error probability implied by it.
//!
//! The shapes follow what public runs show (FastQC/fastp reports of NovaSeq 6000, MiSeq v3 and
//! HiSeq 2500 data): NovaSeq 6000 writes four quality bins (2, 12, 23, 37) with ~90% of bases at
//! Q37 and read 2 decaying faster than read 1; MiSeq and HiSeq write full-resolution scores
//! (Q2..Q38 and Q2..Q41) whose mean falls along the read, more steeply on read 2 (MiSeq most).
//! Errors are calibrated: a base of quality Q is wrong with probability 10^(-Q/10) (a binned
//! score stands for its bin's range, so Q37 is given the error of ~Q35).

use rand::{Rng, RngExt};

/// Which instrument's qualities to imitate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Profile {
    /// The original generator (error rising linearly from `error_start` to `error_end`,
    /// qualities binned from it): kept byte-identical for the stored demo data.
    #[default]
    Legacy,
    /// NovaSeq 6000: four bins, Q37-dominant, read 2 decaying.
    NovaSeq,
    /// MiSeq (v3 chemistry): full resolution up to Q38, steep read-2 decay.
    MiSeq,
    /// HiSeq 2500: full resolution up to Q41, mild decay.
    HiSeq,
}

impl std::str::FromStr for Profile {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "legacy" => Ok(Profile::Legacy),
            "novaseq" => Ok(Profile::NovaSeq),
            "miseq" => Ok(Profile::MiSeq),
            "hiseq" => Ok(Profile::HiSeq),
            _ => Err(format!(
                "unknown profile {s:?} (legacy, novaseq, miseq, hiseq)"
            )),
        }
    }
}

/// A uniform draw in [0, 1) from 53 random bits.
pub(crate) fn unit(rng: &mut impl Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A standard normal draw (Box-Muller).
fn normal(rng: &mut impl Rng) -> f64 {
    let u1 = unit(rng).max(1e-300);
    let u2 = unit(rng);
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Error probability of a base written with Phred score `q` under `profile`.
pub(crate) fn error_of(profile: Profile, q: u8) -> f64 {
    let q = match (profile, q) {
        // Bins stand for ranges: 37 for Q30-41 (errors mostly from its lower end), 23 for 18-29.
        (Profile::NovaSeq, 37) => 35.0,
        (Profile::NovaSeq, 23) => 22.0,
        (Profile::NovaSeq, 12) => 11.0,
        (_, q) => f64::from(q),
    };
    10f64.powf(-q / 10.0).min(0.75)
}

impl Profile {
    /// Highest quality the instrument writes.
    fn max_q(self) -> f64 {
        match self {
            Profile::MiSeq => 38.0,
            _ => 41.0,
        }
    }

    /// Quality of a base at `cycle` of `len` in `mate` (0 or 1) on a healthy read.
    pub(crate) fn draw(self, rng: &mut impl Rng, mate: usize, cycle: usize, len: usize) -> u8 {
        let f = if len > 1 {
            cycle as f64 / (len - 1) as f64
        } else {
            0.0
        };
        match self {
            Profile::NovaSeq | Profile::Legacy => {
                // Share of Q37 falls from 96% to 89% (read 1) or 94% to 80% (read 2); the
                // rest is mostly Q23, some Q12, a few Q2 (uncalled-like bases).
                let p37 = if mate == 0 {
                    0.96 - 0.07 * f
                } else {
                    0.94 - 0.14 * f
                };
                let u = unit(rng);
                if u < p37 {
                    37
                } else {
                    let v = (u - p37) / (1.0 - p37);
                    if v < 0.72 {
                        23
                    } else if v < 0.97 {
                        12
                    } else {
                        2
                    }
                }
            }
            Profile::MiSeq | Profile::HiSeq => {
                let (start, drop, sd) = match (self, mate) {
                    (Profile::MiSeq, 0) => (36.0, 6.0, 4.0),
                    (Profile::MiSeq, _) => (35.0, 11.0, 5.0),
                    (_, 0) => (39.0, 3.0, 3.0),
                    _ => (38.0, 6.0, 4.0),
                };
                let mean = start - drop * f * f;
                (mean + sd * normal(rng)).round().clamp(2.0, self.max_q()) as u8
            }
        }
    }

    /// Quality of a base in a failing stretch (the low-quality tail of a read, or a read 2
    /// whose cluster lost its signal).
    pub(crate) fn draw_low(self, rng: &mut impl Rng) -> u8 {
        match self {
            Profile::NovaSeq | Profile::Legacy => {
                if rng.next_u64().is_multiple_of(3) {
                    2
                } else {
                    12
                }
            }
            _ => rng.random_range(2..=14),
        }
    }
}

/// Maps a Phred score to NovaSeq's four bins (2, 12, 23, 37).
pub(crate) fn bin_quality(q: u8) -> u8 {
    match q {
        0..=2 => 2,
        3..=17 => 12,
        18..=29 => 23,
        _ => 37,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_pcg::Pcg64Mcg;

    fn q30_share(p: Profile, mate: usize) -> (f64, usize) {
        let mut rng = Pcg64Mcg::seed_from_u64(3);
        let mut seen = [false; 64];
        let (mut hi, mut n) = (0usize, 0usize);
        for _ in 0..200 {
            for c in 0..150 {
                let q = p.draw(&mut rng, mate, c, 150);
                seen[usize::from(q)] = true;
                hi += usize::from(q >= 30);
                n += 1;
            }
        }
        (hi as f64 / n as f64, seen.iter().filter(|&&s| s).count())
    }

    #[test]
    fn shapes_match_instruments() {
        let (r1, v1) = q30_share(Profile::NovaSeq, 0);
        let (r2, _) = q30_share(Profile::NovaSeq, 1);
        assert_eq!(v1, 4, "NovaSeq writes four bins");
        assert!((0.88..0.96).contains(&r1), "NovaSeq R1 Q30 {r1}");
        assert!(
            r2 < r1 && r2 > 0.8,
            "NovaSeq R2 Q30 {r2} decays below R1 {r1}"
        );
        let (m1, mv) = q30_share(Profile::MiSeq, 0);
        let (m2, _) = q30_share(Profile::MiSeq, 1);
        assert!(mv >= 15, "MiSeq is full resolution ({mv} values)");
        assert!(m2 < m1, "MiSeq R2 {m2} below R1 {m1}");
        let (_, hv) = q30_share(Profile::HiSeq, 1);
        assert!(hv >= 15, "HiSeq is full resolution ({hv} values)");
        assert!(error_of(Profile::HiSeq, 20) > 0.009 && error_of(Profile::HiSeq, 20) < 0.011);
        assert_eq!("MiSeq".parse::<Profile>(), Ok(Profile::MiSeq));
        assert!("x".parse::<Profile>().is_err());
    }
}
