//! Picard's overlapping-mate clip (`CLIP_OVERLAPPING_READS=true`), with htsjdk 3.0's rules
//! (`SAMUtils.getNumOverlappingAlignedBasesToClip` and `clipOverlappingAlignedBases`).
//!
//! Facts, restated: a mapped, paired record whose mate is mapped is clipped when its mate's
//! start is after its own start, or equal to it and the record is not the first of pair;
//! neither the strands nor the mate's contig are looked at. The number clipped counts, for
//! every CIGAR element that reaches the mate's start: the `M` bases from the mate's start on,
//! every read base of an `I`, `=` or `X` element (whole elements, even when the mate's start
//! is inside them), nothing for `S`, `H`, `P`, `N` or `D`. That number is then soft-clipped
//! from the end of SEQ (less a final soft clip), and a record whose mate starts at or before
//! its own start is dropped altogether.

use crate::coverage::bam::RawRecord;
use crate::coverage::cigar::Op;
use crate::coverage::options::flags;

/// What the clip does to one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clip {
    /// Not clipped.
    None,
    /// `bases` clipped (Picard's PCT_EXC_OVERLAP count); read offsets at or after
    /// `keep_below` are no longer aligned.
    Tail {
        /// Bases counted as clipped.
        bases: u64,
        /// First 0-based SEQ offset that is clipped.
        keep_below: i64,
    },
    /// `bases` clipped and the whole record dropped (mate starts at or before it).
    Dropped {
        /// Bases counted as clipped.
        bases: u64,
    },
}

impl Clip {
    /// Bases Picard adds to PCT_EXC_OVERLAP.
    pub fn bases(self) -> u64 {
        match self {
            Self::None => 0,
            Self::Tail { bases, .. } | Self::Dropped { bases } => bases,
        }
    }
}

/// The clip of a mapped record.
pub fn overlap_clip(rec: &RawRecord<'_>) -> Clip {
    let f = rec.flag();
    if f & flags::PAIRED == 0 || f & flags::UNMAPPED != 0 || f & flags::MATE_UNMAPPED != 0 {
        return Clip::None;
    }
    let pos = i64::from(rec.pos());
    let mate = i64::from(rec.mate_pos());
    if mate < pos || (mate == pos && f & flags::FIRST_OF_PAIR != 0) {
        return Clip::None;
    }
    let mut n: i64 = 0;
    let mut refpos = pos;
    let mut last = None;
    for w in rec.cigar_raw() {
        let (op, len) = Op::decode(w);
        let len = len as i64;
        let reflen = if op.consumes_reference() { len } else { 0 };
        if mate < refpos + reflen {
            match op {
                Op::Match => {
                    n += if mate < refpos {
                        reflen
                    } else {
                        refpos + reflen - mate
                    };
                }
                Op::SoftClip | Op::HardClip | Op::Padding | Op::Skip => {}
                _ => {
                    if op.consumes_read() {
                        n += len;
                    }
                }
            }
        }
        refpos += reflen;
        last = Some((op, len));
    }
    if n <= 0 {
        return Clip::None;
    }
    if mate <= pos {
        return Clip::Dropped { bases: n as u64 };
    }
    let mut clip_from = rec.l_seq() as i64 - n + 1;
    if let Some((Op::SoftClip, len)) = last {
        clip_from -= len;
    }
    Clip::Tail {
        bases: n as u64,
        keep_below: clip_from - 1,
    }
}
