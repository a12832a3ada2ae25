//! The pair's insert when the joint analysis ([`super::overlap::analyze`]) made no call: each
//! mate's own adapter hit proposes an insert length, and a mate whose bases do not contradict
//! it is cut there too. The insert is a property of the pair: once one mate shows its adapter,
//! the other mate (a noisy or failed read 2 above all) is cut at the same insert length unless
//! its own high-quality bases disagree with the first mate over the insert.

use super::tables::complement;

/// One mate as the decision sees it: bases, qualities, bases removed from its 5' end, and the
/// read position of its own adapter hit.
#[derive(Clone, Copy)]
pub(crate) struct MateView<'a> {
    pub seq: &'a [u8],
    pub qual: &'a [u8],
    pub front: usize,
    pub hit: Option<usize>,
}

impl<'a> MateView<'a> {
    /// The view of a read buffer.
    pub(crate) fn of(r: &'a crate::fastq::ReadBuf, front: usize, hit: Option<usize>) -> Self {
        MateView {
            seq: &r.seq,
            qual: &r.qual,
            front,
            hit,
        }
    }

    /// The insert length (fragment coordinates) its own hit proposes.
    fn insert(&self) -> Option<usize> {
        self.hit.map(|p| p + self.front)
    }

    /// Read position of insert end `k`, when the mate reads past it.
    fn cut_at(&self, k: usize) -> Option<usize> {
        k.checked_sub(self.front).filter(|&c| c < self.seq.len())
    }
}

/// True when at least half of a read's bases are below quality character `soft`: a failed
/// read, which can neither confirm nor contradict its mate.
pub(crate) fn unusable(qual: &[u8], soft: u8) -> bool {
    let low = qual.iter().filter(|&&q| q < soft).count();
    !qual.is_empty() && 2 * low >= qual.len()
}

/// True when, for insert length `k`, `a` and `b` do not disagree: over the bases both read of
/// the insert, mismatches where both qualities are at least `soft` (Phred+33 character) stay
/// within 2 + compared/8. A failed mate (all low quality) never disagrees.
fn agree(a: &MateView<'_>, b: &MateView<'_>, k: usize, soft: u8) -> bool {
    let (mut cmp, mut hard) = (0usize, 0usize);
    for i in a.front..k.min(a.front + a.seq.len()) {
        let ia = i - a.front;
        let Some(ib) = (k - 1 - i).checked_sub(b.front) else {
            continue;
        };
        let (Some(&x), Some(&y)) = (a.seq.get(ia), b.seq.get(ib)) else {
            continue;
        };
        let y = complement(y);
        if x == b'N' || y == b'N' {
            continue;
        }
        cmp += 1;
        if x != y && a.qual[ia].min(b.qual[ib]) >= soft {
            hard += 1;
        }
    }
    hard <= 2 + cmp / 8
}

/// Read positions to cut each mate at (as adapter), given each mate's own hit. `soft`: the
/// quality character below which a mismatch does not count; `None` keeps mate-by-mate
/// trimming (fastp's behaviour).
pub(crate) fn decide(m1: &MateView<'_>, m2: &MateView<'_>, soft: Option<u8>) -> [Option<usize>; 2] {
    let own = [m1.hit, m2.hit];
    let Some(soft) = soft else {
        return own;
    };
    let (k1, k2) = (m1.insert(), m2.insert());
    let propose = |k: usize| -> Option<[Option<usize>; 2]> {
        (agree(m1, m2, k, soft)).then(|| [m1.cut_at(k), m2.cut_at(k)])
    };
    match (k1, k2) {
        (Some(a), Some(b)) if a == b => own,
        // Disagreeing hits: the insert the mates' bases support; the shorter first (a hit
        // before the real adapter is rarer than one inside a noisy read's tail).
        (Some(a), Some(b)) => {
            let (lo, hi) = (a.min(b), a.max(b));
            propose(lo).or_else(|| propose(hi)).unwrap_or(own)
        }
        (Some(k), None) => propose(k).unwrap_or_else(|| lone(m1, m2, k, soft, own)),
        (None, Some(k)) => propose(k).unwrap_or_else(|| lone(m2, m1, k, soft, own)),
        (None, None) => own,
    }
}

/// Adapter bases below which a lone hit can be chance (4^-12: about one read in 16 million).
const LONE_HIT_MIN: usize = 12;

/// The decision when one mate's hit at insert `k` is the only evidence and the other mate
/// disagrees over it. A short hit is dropped when the other mate reads as many bases past `k`,
/// all of good quality, and they do not look like the start of an adapter even shifted by an
/// indel: the other mate would show its adapter there (paired adapters share their first
/// bases: TruSeq 13, Nextera 19, MGI 8). Otherwise each mate keeps its own hit.
fn lone(
    hit: &MateView<'_>,
    other: &MateView<'_>,
    k: usize,
    soft: u8,
    own: [Option<usize>; 2],
) -> [Option<usize>; 2] {
    let Some(h) = hit.hit else {
        return own;
    };
    let shown = hit.seq.len().saturating_sub(h);
    let Some(c) = other.cut_at(k) else {
        return own;
    };
    let clean = other
        .qual
        .get(c..c + shown)
        .is_some_and(|q| q.iter().all(|&x| x >= soft));
    if shown < LONE_HIT_MIN && clean && !adapter_like(&hit.seq[h..], other.seq, c) {
        [None, None]
    } else {
        own
    }
}

/// True when `other` holds the start of `adapter` at `c`, give or take two positions (an indel
/// in the insert), over at least 5 bases with at most one mismatch.
fn adapter_like(adapter: &[u8], other: &[u8], c: usize) -> bool {
    (c.saturating_sub(2)..=c + 2).any(|start| {
        let tail = other.get(start..).unwrap_or_default();
        let n = tail.len().min(adapter.len());
        n >= 5
            && tail[..n]
                .iter()
                .zip(&adapter[..n])
                .filter(|(a, b)| a != b)
                .count()
                <= 1
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn revcomp(s: &[u8]) -> Vec<u8> {
        s.iter().rev().map(|&b| complement(b)).collect()
    }

    proptest! {
        /// A pair with insert `k` shorter than the reads, read 1 showing its adapter at `k`:
        /// whatever read 2 holds when it is low quality (a failed read), both mates are cut
        /// at `k`; when read 2 is good and agrees, too.
        #[test]
        fn one_mate_hit_cuts_both(
            frag in proptest::collection::vec(prop::sample::select(b"ACGT".to_vec()), 1..140),
            junk in proptest::collection::vec(prop::sample::select(b"ACGTN".to_vec()), 150),
            failed in any::<bool>(),
            f2 in 0usize..3,
        ) {
            let k = frag.len();
            let len = 150;
            let mut r1 = frag.clone();
            r1.resize(len, b'A');
            let q1 = vec![b'F'; len];
            let (r2, q2) = if failed {
                (junk.clone(), vec![b'#'; len])
            } else {
                let mut r = revcomp(&frag);
                r.resize(len, b'C');
                (r, vec![b'F'; len])
            };
            // Read 2 had f2 bases cut from its 5' end before.
            let m1 = MateView { seq: &r1, qual: &q1, front: 0, hit: Some(k) };
            let m2 = MateView { seq: &r2[f2..], qual: &q2[f2..], front: f2, hit: None };
            let got = decide(&m1, &m2, Some(33 + 15));
            prop_assert_eq!(got[0], Some(k));
            prop_assert_eq!(got[1], k.checked_sub(f2));
            // fastp's mate-by-mate behaviour leaves read 2 alone.
            prop_assert_eq!(decide(&m1, &m2, None), [Some(k), None]);
        }

        /// A false hit in read 1 (inside a long insert) is not copied to a good read 2 whose
        /// bases disagree with it.
        #[test]
        fn false_hit_is_not_propagated(
            frag in proptest::collection::vec(prop::sample::select(b"ACGT".to_vec()), 300..400),
            k in 40usize..142,
        ) {
            let len = 150;
            let r1 = frag[..len].to_vec();
            let r2 = revcomp(&frag)[..len].to_vec();
            let q = vec![b'F'; len];
            let m1 = MateView { seq: &r1, qual: &q, front: 0, hit: Some(k) };
            let m2 = MateView { seq: &r2, qual: &q, front: 0, hit: None };
            // Random sequences agree at ~1 base in 4: the read-2 cut must not follow. A hit
            // of fewer than LONE_HIT_MIN adapter bases, which read 2 reads past without an
            // adapter, is chance and dropped too.
            let got = decide(&m1, &m2, Some(33 + 15));
            if len - k >= LONE_HIT_MIN {
                prop_assert_eq!(got, [Some(k), None]);
            } else {
                prop_assert!(got == [None, None] || got == [Some(k), None], "{:?}", got);
            }
            // A failed read 2 holds no evidence against the hit: both mates are cut there.
            let low = vec![b'#'; len];
            let m2 = MateView { seq: &r2, qual: &low, front: 0, hit: None };
            prop_assert_eq!(decide(&m1, &m2, Some(33 + 15)), [Some(k), Some(k)]);
        }
    }

    /// A mate with nothing cut from its 5' end.
    fn view<'a>(seq: &'a [u8], qual: &'a [u8], hit: Option<usize>) -> MateView<'a> {
        MateView {
            seq,
            qual,
            front: 0,
            hit,
        }
    }

    /// A long insert whose read 1 ends in 8 bases that happen to equal an adapter's start,
    /// read 2 of good quality: chance, not cut. The same hit with read 2 showing the adapter's
    /// start one base further (a deletion in the insert): cut.
    #[test]
    fn lone_short_hit_needs_a_mate_that_does_not_deny_it() {
        let adapter = b"AGATCGGAAGAGC";
        let mut r1 = b"CCGCAAGGCCCAGAAGATTGGGTGCTCTATGGGTCGCAAGTACTGCCAACGGTCGT".to_vec();
        let k = r1.len();
        r1.extend_from_slice(&adapter[..8]);
        let r2_random =
            b"TTGACCGTATCAGGCTAGCATGCCTAGGATTCAGCATTGGACCATGACCTGTTCAATGCCTCATT".to_vec();
        let q = vec![b'F'; r1.len()];
        let m1 = view(&r1, &q, Some(k));
        let m2 = view(&r2_random[..r1.len()], &q, None);
        assert_eq!(decide(&m1, &m2, Some(33 + 15)), [None, None]);
        let mut r2 = r2_random[..k + 1].to_vec();
        r2.extend_from_slice(&adapter[..7]);
        let m2 = view(&r2, &q, None);
        assert_eq!(decide(&m1, &m2, Some(33 + 15)), [Some(k), None]);
        assert_eq!(decide(&m1, &m2, None), [Some(k), None]);
    }

    #[test]
    fn disagreeing_hits_take_the_supported_insert() {
        let frag = b"GATTACAGGCTTAACCGTAGCATGCAAGTCCGATTGGCATCAGGTACCATTGACGTTAGCA";
        let k = 40;
        let mut r1 = frag[..k].to_vec();
        r1.resize(60, b'T');
        let mut r2 = revcomp(&frag[..k]);
        r2.resize(60, b'G');
        let q = vec![b'F'; 60];
        // Read 2's hit is at 52 (a false partial match), read 1's at the true 40.
        let m1 = view(&r1, &q, Some(k));
        let m2 = view(&r2, &q, Some(52));
        assert_eq!(decide(&m1, &m2, Some(33 + 15)), [Some(k), Some(k)]);
        assert_eq!(decide(&m1, &m2, None), [Some(k), Some(52)]);
    }
}
