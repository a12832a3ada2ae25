//! Quality trimming: fastp's sliding-window cuts (`--cut_front`, `--cut_tail`, `--cut_right`)
//! and cutadapt's BWA-style `-q` trimming (optionally treating trailing G as low quality, as
//! `--nextseq-trim`). All functions work on Phred+33 quality strings and return positions.

/// fastp `--cut_front`: slides a window of `w` bases from the 5' end and stops at the first
/// window whose mean quality is at least `q`. Returns the number of bases to drop from the front.
///
/// Follows fastp 0.23: once a good window is found after the first position, the cut moves to
/// that window's last base, then leading `N` bases are dropped too.
pub fn cut_front(seq: &[u8], qual: &[u8], w: usize, q: u8) -> usize {
    let l = qual.len();
    let w = w.max(1);
    if l <= w {
        return l;
    }
    let need = (33 + q as u32) * w as u32;
    let mut sum: u32 = qual[..w - 1].iter().map(|&c| c as u32).sum();
    let mut s = 0;
    while s + w < l {
        sum += qual[s + w - 1] as u32;
        if s > 0 {
            sum -= qual[s - 1] as u32;
        }
        if sum >= need {
            break;
        }
        s += 1;
    }
    if s > 0 {
        s += w - 1;
    }
    while s < l && seq[s] == b'N' {
        s += 1;
    }
    s.min(l)
}

/// fastp `--cut_tail`: slides a window from the 3' end and stops at the first window whose mean
/// quality is at least `q`. Returns the number of bases to keep.
///
/// Follows fastp 0.23: when anything is cut, the cut moves back to the good window's first
/// base; trailing `N` bases are dropped too.
pub fn cut_tail(seq: &[u8], qual: &[u8], w: usize, q: u8) -> usize {
    let l = qual.len();
    let w = w.max(1);
    if l <= w {
        return 0;
    }
    let need = (33 + q as u32) * w as u32;
    let mut t = l - 1;
    let mut sum: u32 = (0..w - 1).map(|i| qual[t - i] as u32).sum();
    loop {
        sum += qual[t + 1 - w] as u32;
        if t < l - 1 {
            sum -= qual[t + 1] as u32;
        }
        if sum >= need || t < w {
            break;
        }
        t -= 1;
    }
    let mut keep = if t < l - 1 { t + 2 - w } else { t + 1 };
    while keep > 0 && seq[keep - 1] == b'N' {
        keep -= 1;
    }
    keep
}

/// fastp `--cut_right`: slides a window from the 5' end; at the first window whose mean quality
/// is below `q`, keeps the good bases at the window's start and drops everything after.
/// Returns the number of bases to keep.
pub fn cut_right(qual: &[u8], w: usize, q: u8) -> usize {
    let l = qual.len();
    let w = w.max(1);
    if l <= w {
        return 0;
    }
    let need = (33 + q as u32) * w as u32;
    let mut sum: u32 = qual[..w - 1].iter().map(|&c| c as u32).sum();
    let mut s = 0;
    while s + w < l {
        sum += qual[s + w - 1] as u32;
        if s > 0 {
            sum -= qual[s - 1] as u32;
        }
        if sum < need {
            while s < l - 1 && qual[s] >= 33 + q {
                s += 1;
            }
            return s;
        }
        s += 1;
    }
    l
}

/// cutadapt `-q FRONT,BACK` (BWA algorithm): returns the `(start, stop)` range to keep.
/// A cutoff of 0 disables that end. With `nextseq`, G bases at the 3' end count as quality
/// `back - 1` (cutadapt `--nextseq-trim`).
pub fn bwa_trim(seq: &[u8], qual: &[u8], front: u8, back: u8, nextseq: bool) -> (usize, usize) {
    let l = qual.len();
    let mut start = 0;
    if front > 0 {
        let (mut s, mut max) = (0i32, 0i32);
        for (i, &c) in qual.iter().enumerate() {
            s += front as i32 - (c as i32 - 33);
            if s < 0 {
                break;
            }
            if s > max {
                max = s;
                start = i + 1;
            }
        }
    }
    let mut stop = l;
    if back > 0 {
        let (mut s, mut max) = (0i32, 0i32);
        for i in (0..l).rev() {
            let mut q = qual[i] as i32 - 33;
            if nextseq && seq.get(i) == Some(&b'G') {
                q = back as i32 - 1;
            }
            s += back as i32 - q;
            if s < 0 {
                break;
            }
            if s > max {
                max = s;
                stop = i;
            }
        }
    }
    if start >= stop { (0, 0) } else { (start, stop) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fastp_window_example() {
        // fastp's own unit-test read: cut_front + cut_tail W4 M20 after a 1-base tail trim.
        let seq = b"TTTTAACCCCCCCCCCCCCCCCCCCCCCCCCCCCAATTTT";
        let qual = b"/////CCCCCCCCCCCC////CCCCCCCCCCCCCC////E";
        let (seq, qual) = (&seq[..seq.len() - 1], &qual[..qual.len() - 1]);
        let f = cut_front(seq, qual, 4, 20);
        let keep = cut_tail(&seq[f..], &qual[f..], 4, 20);
        assert_eq!(&seq[f..f + keep], b"CCCCCCCCCCCCCCCCCCCCCCCCCCCC");
        assert_eq!(&qual[f..f + keep], b"CCCCCCCCCCC////CCCCCCCCCCCCC");
    }

    #[test]
    fn right_and_bwa() {
        let qual = b"IIIIIIIIII####IIIII";
        let seq = vec![b'A'; qual.len()];
        assert_eq!(cut_right(qual, 4, 20), 10);
        // BWA: cutoff 10 removes the low tail only when it outweighs later good bases.
        let q2 = b"IIIIIIIIII#####";
        assert_eq!(bwa_trim(&seq[..15], q2, 0, 10, false), (0, 10));
        assert_eq!(bwa_trim(&seq, qual, 0, 10, false), (0, 19));
        // All-low read: empty.
        assert_eq!(bwa_trim(b"AAAA", b"####", 10, 10, false), (0, 0));
        // nextseq: trailing G with high quality is still removed.
        assert_eq!(bwa_trim(b"ACGTGGGG", b"IIIIIIII", 0, 20, true), (0, 4));
    }

    /// Oracle for BWA trimming: the cut maximising the sum of (cutoff - q) over the removed tail.
    fn naive_bwa_back(qual: &[u8], cutoff: i32) -> usize {
        let l = qual.len();
        let mut best = (0i32, l);
        for stop in (0..l).rev() {
            let s: i32 = qual[stop..].iter().map(|&c| cutoff - (c as i32 - 33)).sum();
            let prefix_ok = (stop..l).all(|i| {
                qual[i..]
                    .iter()
                    .map(|&c| cutoff - (c as i32 - 33))
                    .sum::<i32>()
                    >= 0
            });
            if !prefix_ok {
                break;
            }
            if s > best.0 {
                best = (s, stop);
            }
        }
        best.1
    }

    proptest::proptest! {
        #[test]
        fn bwa_matches_oracle(q in proptest::collection::vec(35u8..75, 0..60), cutoff in 1u8..40) {
            let seq = vec![b'A'; q.len()];
            let (_, stop) = bwa_trim(&seq, &q, 0, cutoff, false);
            proptest::prop_assert_eq!(stop, naive_bwa_back(&q, cutoff as i32));
        }
    }
}
