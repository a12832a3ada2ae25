//! The CIGAR walk: the reference intervals a passing record adds, by counting mode, with the
//! base-quality floor cutting aligned blocks into runs of good bases.

use super::super::bam::RawRecord;
use super::super::cigar::Op;
use super::super::options::{CountMode, CoverageOptions, flags};
use super::spans::ContigDepth;

/// Appends `[a, b)` to `buf`, joined to the last interval when they touch.
pub(crate) fn push_merged(buf: &mut Vec<(u64, u64)>, a: u64, b: u64) {
    if let Some(last) = buf.last_mut()
        && last.1 == a
    {
        last.1 = b;
        return;
    }
    buf.push((a, b));
}

/// Builds the counted intervals of `rec` (aligned at `[start, stop)`) into `buf` under
/// `opts.count`; in fragment mode `buf` stays empty for a record that adds nothing. With `bq`
/// the base-quality floor applies (when the record has qualities), and the return value is
/// the number of target bases of `contig` it removed; 0 otherwise.
pub(crate) fn counted_intervals(
    opts: &CoverageOptions,
    rec: &RawRecord<'_>,
    (start, stop): (u64, u64),
    bq: bool,
    contig: Option<&ContigDepth>,
    buf: &mut Vec<(u64, u64)>,
) -> u64 {
    buf.clear();
    match opts.count {
        CountMode::AlignmentSpan => {
            buf.push((start, stop));
            0
        }
        CountMode::Fragment => {
            let f = rec.flag();
            if f & flags::PROPER_PAIR != 0 && f & flags::SUPPLEMENTARY == 0 && rec.tlen() > 0 {
                buf.push((start, start + rec.tlen() as u64));
            }
            0
        }
        CountMode::AlignedBlocks => {
            let floor = opts.min_base_quality;
            let qual = rec.qual();
            let use_bq = bq && floor > 0 && qual.first().is_some_and(|&q| q != 0xff);
            aligned_blocks(rec, start, use_bq.then_some((qual, floor)), buf);
            if use_bq {
                removed_by_floor(rec, start, contig, buf)
            } else {
                0
            }
        }
    }
}

/// The aligned blocks (`M`, `=`, `X`) of `rec` from `start`, adjacent ones joined; with
/// `floor = Some((qualities, q))` only the runs of bases of quality `q` or more.
fn aligned_blocks(
    rec: &RawRecord<'_>,
    start: u64,
    floor: Option<(&[u8], u8)>,
    buf: &mut Vec<(u64, u64)>,
) {
    let mut pos = start;
    let mut qpos = 0usize;
    for (op, len) in rec.ops() {
        match op {
            Op::Match | Op::SeqMatch | Op::SeqMismatch => {
                if let Some((qual, floor)) = floor {
                    let mut run: Option<u64> = None;
                    for k in 0..len {
                        let q = qual.get(qpos + k as usize).copied().unwrap_or(0xff);
                        if q >= floor {
                            if run.is_none() {
                                run = Some(pos + k);
                            }
                        } else if let Some(s) = run.take() {
                            push_merged(buf, s, pos + k);
                        }
                    }
                    if let Some(s) = run {
                        push_merged(buf, s, pos + len);
                    }
                } else if len > 0 {
                    push_merged(buf, pos, pos + len);
                }
                pos += len;
                qpos += len as usize;
            }
            Op::Insertion | Op::SoftClip => qpos += len as usize,
            Op::Deletion | Op::Skip => pos += len,
            Op::HardClip | Op::Padding => {}
        }
    }
}

/// Target bases of the raw aligned blocks of `rec` minus those `kept` after the floor.
fn removed_by_floor(
    rec: &RawRecord<'_>,
    start: u64,
    contig: Option<&ContigDepth>,
    kept: &[(u64, u64)],
) -> u64 {
    let Some(c) = contig else {
        return 0;
    };
    let mut raw = 0;
    let mut p = start;
    for (op, len) in rec.ops() {
        if op.is_aligned() {
            raw += c.touched(p, p + len);
            p += len;
        } else if op.consumes_reference() {
            p += len;
        }
    }
    let kept: u64 = kept.iter().map(|&(a, b)| c.touched(a, b)).sum();
    raw.saturating_sub(kept)
}
