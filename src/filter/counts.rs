//! The filter's per-read counts (low-quality bases, Phred sum, `N` bases) in one fused pass.
//!
//! Sixteen bases per step in byte lanes that the compiler maps onto SSE2 registers; the last
//! partial block is the read's last 16 bytes again with the already counted lanes masked off,
//! so a 150-base read costs ten steps and no scalar remainder loop.

/// Sixteen byte lanes.
type Lanes = [u8; 16];

/// Lane masks for the last block: `TAIL[rem..rem + 16]` keeps the last `rem` lanes.
static TAIL: [u8; 32] = {
    let mut t = [0u8; 32];
    let mut i = 16;
    while i < 32 {
        t[i] = 0xff;
        i += 1;
    }
    t
};

/// Blocks per lane-counter flush: a byte lane counts at most 255 and a 16-bit Phred-sum lane
/// at most 255 * 222.
const FLUSH: usize = 255 * 16;

/// Counts of one read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Counts {
    /// Qualities below the qualified character.
    pub low: usize,
    /// Sum of `q.saturating_sub(33)` (only when asked for; 0 otherwise).
    pub total: u64,
    /// `N` or `n` bases.
    pub n: usize,
}

/// Counts of `seq`/`qual` (same length); `qualified` is the lowest good quality character.
/// The Phred sum is computed only when `SUM`.
#[inline]
pub(super) fn counts<const SUM: bool>(seq: &[u8], qual: &[u8], qualified: u8) -> Counts {
    debug_assert_eq!(seq.len(), qual.len());
    let mut c = Counts {
        low: 0,
        total: 0,
        n: 0,
    };
    let mut i = 0;
    while i < seq.len().min(qual.len()) {
        let end = seq.len().min(qual.len()).min(i + FLUSH);
        let p = part::<SUM>(&seq[i..end], &qual[i..end], qualified);
        c.low += p.low;
        c.total += p.total;
        c.n += p.n;
        i = end;
    }
    c
}

/// Counts of at most [`FLUSH`] bases.
#[inline(always)]
fn part<const SUM: bool>(seq: &[u8], qual: &[u8], qualified: u8) -> Counts {
    let (mut low, mut n, mut sum) = ([0u8; 16], [0u8; 16], [0u16; 16]);
    // `while let` on the blocks rather than a counted loop over chunks: given a trip count
    // LLVM vectorizes across blocks (strided gathers) instead of within one.
    let mut i = 0;
    while let (Some(s), Some(q)) = (seq.get(i..i + 16), qual.get(i..i + 16)) {
        let (Ok(s), Ok(q)) = (s.try_into(), q.try_into()) else {
            break;
        };
        block::<SUM>(s, q, qualified, &[0xff; 16], (&mut low, &mut n, &mut sum));
        i += 16;
    }
    let (sr, qr) = (&seq[i.min(seq.len())..], &qual[i.min(qual.len())..]);
    let rem = sr.len().min(qr.len());
    if rem > 0 {
        let mask: &Lanes = TAIL[rem..rem + 16].try_into().unwrap_or(&[0; 16]);
        if let (Some(s), Some(q)) = (seq.last_chunk::<16>(), qual.last_chunk::<16>()) {
            block::<SUM>(s, q, qualified, mask, (&mut low, &mut n, &mut sum));
        } else {
            // A read shorter than one block: right-aligned copies.
            let (mut s, mut q) = ([0u8; 16], [0u8; 16]);
            s[16 - rem..].copy_from_slice(&sr[..rem]);
            q[16 - rem..].copy_from_slice(&qr[..rem]);
            block::<SUM>(&s, &q, qualified, mask, (&mut low, &mut n, &mut sum));
        }
    }
    Counts {
        low: low.iter().map(|&x| usize::from(x)).sum(),
        total: if SUM {
            sum.iter().map(|&x| u64::from(x)).sum()
        } else {
            0
        },
        n: n.iter().map(|&x| usize::from(x)).sum(),
    }
}

/// Adds one block's counts to the lane counters; lanes whose `mask` byte is 0 are skipped.
#[inline(always)]
fn block<const SUM: bool>(
    s: &Lanes,
    q: &Lanes,
    qualified: u8,
    mask: &Lanes,
    (low, n, sum): (&mut Lanes, &mut Lanes, &mut [u16; 16]),
) {
    for k in 0..16 {
        low[k] += u8::from(q[k] < qualified) & mask[k];
        n[k] += u8::from(s[k] | 0x20 == b'n') & mask[k];
        if SUM {
            sum[k] += u16::from(q[k].saturating_sub(33) & mask[k]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};

    /// The plain counts the fused pass must equal.
    fn reference(seq: &[u8], qual: &[u8], qualified: u8) -> Counts {
        Counts {
            low: qual.iter().filter(|&&q| q < qualified).count(),
            total: qual.iter().map(|&q| u64::from(q.saturating_sub(33))).sum(),
            n: seq.iter().filter(|&&b| b == b'N' || b == b'n').count(),
        }
    }

    fn check(seq: &[u8], qual: &[u8], qualified: u8) {
        let want = reference(seq, qual, qualified);
        assert_eq!(counts::<true>(seq, qual, qualified), want, "{}", seq.len());
        let got = counts::<false>(seq, qual, qualified);
        assert_eq!((got.low, got.total, got.n), (want.low, 0, want.n));
    }

    #[test]
    fn fused_counts_equal_plain_counts() {
        let mut rng = rand_pcg::Pcg64::seed_from_u64(7);
        // Every length around the block size and the flush size, all byte values.
        for len in (0..70).chain([127, 128, 150, 151, 4079, 4080, 4081, 4096, 8161, 10000]) {
            for _ in 0..4 {
                let seq: Vec<u8> = (0..len)
                    .map(|_| match rng.random_range(0..4) {
                        0 => b'N',
                        1 => b'n',
                        2 => rng.random(),
                        _ => b"ACGT"[rng.random_range(0..4)],
                    })
                    .collect();
                let qual: Vec<u8> = (0..len).map(|_| rng.random()).collect();
                for qualified in [0, 33, 48, 200, 255] {
                    check(&seq, &qual, qualified);
                }
            }
        }
        // Worst cases for the lane counters: every base counted, maximal Phred sums.
        for len in [4080, 4081, 9000] {
            check(&vec![b'N'; len], &vec![0; len], 255);
            check(&vec![b'n'; len], &vec![255; len], 1);
        }
    }
}
