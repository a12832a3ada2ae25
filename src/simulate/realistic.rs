//! The profiled read maker ([`Profile`] other than `Legacy`): insert classes (dimers, very
//! short inserts), indels in the insert part, calibrated errors from the profile's qualities,
//! failing read tails and failed reads 2. Each read's own cut point (where its adapter starts)
//! is returned, since indels move it away from the insert length.

use rand::{Rng, RngExt};

use super::profile::{Profile, error_of, unit};
use super::{BASES, Simulator, complement};

impl Simulator {
    /// Draws the insert length of a profiled pair: a dimer, a very short insert, or the normal
    /// distribution of the options.
    pub(super) fn draw_insert_profiled(&mut self) -> usize {
        let u = unit(&mut self.rng);
        let o = &self.opts;
        if u < o.dimer_fraction {
            0
        } else if u < o.dimer_fraction + o.short_fraction {
            self.rng.random_range(1..40)
        } else {
            self.draw_insert()
        }
    }

    /// Fills `self.seq`/`self.qual` with one profiled read and returns its cut point (read
    /// bases taken from the insert). `failed`: the whole read is low quality.
    pub(super) fn make_read_profiled(&mut self, mate: usize, insert: usize, failed: bool) -> usize {
        let len = self.opts.read_len;
        let profile = self.opts.profile;
        self.seq.clear();
        self.qual.clear();
        // The insert as this mate reads it, with indels.
        let rate = self.opts.indel_rate;
        let mut i = 0;
        while i < insert && self.seq.len() < len {
            let b = if mate == 0 {
                self.frag[i]
            } else {
                complement(self.frag[insert - 1 - i])
            };
            if rate > 0.0 && unit(&mut self.rng) < rate {
                if self.rng.next_u64() & 1 == 0 {
                    i += 1; // deletion
                    continue;
                }
                self.seq.push(BASES[(self.rng.next_u64() & 3) as usize]); // insertion
                if self.seq.len() == len {
                    break;
                }
            }
            self.seq.push(b);
            i += 1;
        }
        let cut = self.seq.len();
        if cut < len {
            let ad = if mate == 0 {
                &self.opts.adapter_r1
            } else {
                &self.opts.adapter_r2
            };
            let take = ad.len().min(len - cut);
            self.seq.extend_from_slice(&ad[..take]);
        }
        let tail_start = self.seq.len();
        while self.seq.len() < len {
            let r = self.rng.next_u64();
            self.seq.push(if self.opts.two_colour {
                b'G'
            } else {
                BASES[(r & 3) as usize]
            });
        }
        // Where the read starts failing (len: never).
        let share = if mate == 0 {
            self.opts.low_tail_fraction / 5.0
        } else {
            self.opts.low_tail_fraction
        };
        let low_from = if failed {
            0
        } else if share > 0.0 && unit(&mut self.rng) < share {
            self.rng.random_range(len / 3..len.max(len / 3 + 1))
        } else {
            len
        };
        for c in 0..len {
            let q = if c >= low_from {
                profile.draw_low(&mut self.rng)
            } else if c >= tail_start && self.opts.two_colour {
                // No-signal cycles of two-colour chemistry: G at high quality, as real runs show.
                if profile == Profile::NovaSeq { 37 } else { 30 }
            } else {
                profile.draw(&mut self.rng, mate, c, len)
            };
            let p = if failed { 0.5 } else { error_of(profile, q) };
            if unit(&mut self.rng) < p && !(c >= tail_start && self.opts.two_colour) {
                let r = self.rng.next_u64();
                if q <= 2 && r & 1 == 0 {
                    self.seq[c] = b'N';
                } else {
                    let k = BASES.iter().position(|&b| b == self.seq[c]).unwrap_or(0);
                    self.seq[c] = BASES[(k + 1 + ((r >> 1) % 3) as usize) % 4];
                }
            }
            let q = if self.seq[c] == b'N' { 2 } else { q };
            self.qual.push(q + 33);
        }
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::super::*;

    fn fields(rec: &[u8]) -> (usize, usize, Vec<u8>, Vec<u8>) {
        let l: Vec<&[u8]> = rec.split(|&b| b == b'\n').collect();
        let ins = insert_from_title(l[0]).unwrap_or(usize::MAX);
        let cut = cut_from_title(l[0]).unwrap_or(usize::MAX);
        (ins, cut, l[1].to_vec(), l[3].to_vec())
    }

    #[test]
    fn realistic_novaseq_classes_and_truth() {
        let opts = SimOptions {
            pairs: 4000,
            ..SimOptions::realistic(Profile::NovaSeq)
        };
        let mut sim = Simulator::new(opts.clone());
        let (mut dimers, mut short, mut q30, mut bases, mut failed) = (0, 0, 0usize, 0usize, 0);
        let mut cut_differs = 0;
        while let Some(p) = sim.next_pair() {
            let (ins, cut1, s1, q1) = fields(p.r1);
            let (_, cut2, s2, q2) = fields(p.r2);
            assert_eq!(s1.len(), 150);
            assert_eq!(q2.len(), 150);
            dimers += usize::from(ins == 0);
            short += usize::from((1..40).contains(&ins));
            cut_differs += usize::from(cut1 != ins.min(150));
            for (s, q, c, ad) in [
                (&s1, &q1, cut1, &opts.adapter_r1),
                (&s2, &q2, cut2, &opts.adapter_r2),
            ] {
                if c + 20 <= 150 {
                    // The adapter starts exactly at the cut, up to errors at low-quality bases.
                    let wrong = (0..20)
                        .filter(|&j| s[c + j] != ad[j] && q[c + j] >= 33 + 30)
                        .count();
                    assert!(
                        wrong <= 2,
                        "adapter at cut {c}: {wrong} high-quality mismatches"
                    );
                }
            }
            failed += usize::from(q2.iter().all(|&q| q < 33 + 15));
            q30 += q1.iter().chain(&q2).filter(|&&q| q >= 33 + 30).count();
            bases += 300;
            assert!(q1.iter().chain(&q2).all(|q| b"#-8F".contains(q)));
        }
        let q30 = q30 as f64 / bases as f64;
        assert!((0.85..0.95).contains(&q30), "Q30 share {q30}");
        assert!((40..130).contains(&dimers), "dimers {dimers}");
        assert!((70..190).contains(&short), "short {short}");
        assert!((15..80).contains(&failed), "failed reads 2 {failed}");
        assert!(cut_differs > 0, "indels move some cut points");
    }

    #[test]
    fn full_resolution_profiles() {
        for prof in [Profile::MiSeq, Profile::HiSeq] {
            let mut sim = Simulator::new(SimOptions {
                pairs: 300,
                ..SimOptions::realistic(prof)
            });
            let mut seen = std::collections::BTreeSet::new();
            while let Some(p) = sim.next_pair() {
                seen.extend(fields(p.r1).3);
                assert!(p.r1.starts_with(b"@SIM:"));
            }
            assert!(seen.len() >= 25, "{prof:?}: {} values", seen.len());
        }
    }
}
