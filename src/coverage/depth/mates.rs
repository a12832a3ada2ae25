//! Mate overlap: mosdepth's correction (the bases both mates of a proper pair cover count
//! once) and Picard's clip of the later mate at the earlier one's mate position.

use std::collections::HashMap;

use super::super::bam::RawRecord;
use super::super::options::flags;
use super::spans::ContigDepth;

/// What is kept of the first mate until the second arrives.
struct Stored {
    stop: u64,
    single_op: bool,
    blocks: Vec<(u64, u64)>,
}

/// mosdepth's pending first mates, by read name. foldhash (hashbrown's default hasher): read
/// names are short keys looked up once or twice each, where SipHash costs more than the rest
/// of the lookup; its per-process seed keeps crafted names from colliding on purpose. The
/// map is only looked up, never iterated for output, so its order cannot reach the results.
#[derive(Default)]
pub(crate) struct MosdepthMates {
    seen: HashMap<Vec<u8>, Stored, foldhash::fast::RandomState>,
    events: Vec<(u64, i32)>,
}

impl MosdepthMates {
    /// Forgets every pending mate (records moved to another contig).
    pub(crate) fn clear(&mut self) {
        self.seen.clear();
    }

    /// Forgets the pending mates that end at or before `start` (their mates cannot overlap).
    pub(crate) fn evict(&mut self, start: u64) {
        self.seen.retain(|_, m| m.stop > start);
    }

    /// mosdepth's mate-overlap correction (same conditions and event order as mosdepth 0.3)
    /// for a passing record on contig `rid` aligned at `[start, stop)` with counted `blocks`;
    /// returns the target bases no longer counted twice.
    pub(crate) fn pair(
        &mut self,
        rec: &RawRecord<'_>,
        (rid, start, stop): (usize, u64, u64),
        blocks: &[(u64, u64)],
        c: &mut ContigDepth,
        no_bq: bool,
    ) -> u64 {
        let flag = rec.flag();
        if flag & flags::PROPER_PAIR == 0 || flag & flags::SUPPLEMENTARY != 0 {
            return 0;
        }
        let mpos = i64::from(rec.mate_pos());
        let same = i64::from(rec.mate_ref_id()) == rid as i64;
        let s = start as i64;
        let store = same
            && (stop as i64) > mpos
            && (s < mpos || (s == mpos && !self.seen.contains_key(rec.name())));
        if store {
            // the later correction lies in [mate_pos, stop): skip when no target is there
            if c.touched(mpos.max(0) as u64, stop) > 0 {
                self.seen.insert(
                    rec.name().to_vec(),
                    Stored {
                        stop,
                        single_op: rec.n_cigar() == 1,
                        blocks: blocks.to_vec(),
                    },
                );
            }
            return 0;
        }
        let Some(mate) = self.seen.remove(rec.name()) else {
            return 0;
        };
        let mut removed = 0;
        if rec.n_cigar() == 1 && mate.single_op && no_bq {
            if start < mate.stop {
                removed += c.add(start, mate.stop, -1);
            } else if mate.stop < start {
                // mosdepth's arithmetic for a mate ending before this record starts (a
                // record of the same name that is not the mate, e.g. a secondary alignment
                // when its mate was filtered out): +1 over [mate stop, start), which lies
                // behind the cursor, so the spans are searched from the first one it reaches
                let from = c.spans.partition_point(|s| s.end <= mate.stop);
                removed += super::spans::apply(&mut c.spans, from, mate.stop, start, 1);
            }
        } else {
            // events of this record first, then the mate's, stably sorted by position
            self.events.clear();
            for &(a, b) in blocks.iter().chain(&mate.blocks) {
                self.events.push((a, 1));
                self.events.push((b, -1));
            }
            self.events.sort_by_key(|e| e.0);
            let mut depth = 0;
            let mut last = 0u64;
            for &(p, v) in &self.events {
                if v == -1 && depth == 2 && p > last {
                    removed += c.add(last, p, -1);
                }
                depth += v;
                last = p;
            }
        }
        removed
    }
}

/// Picard's overlap clip: the first mate of an FR pair on one contig loses its counted bases
/// from its mate's start on (the overlap then counts once, in the mate); `blocks` are cut in
/// place. Returns the target bases removed. `pos` is the record's 0-based position and
/// `env_end` the end of its counted blocks.
pub(crate) fn picard_clip(
    rec: &RawRecord<'_>,
    (rid, pos, env_end): (usize, i64, u64),
    blocks: &mut Vec<(u64, u64)>,
    c: &ContigDepth,
) -> u64 {
    let flag = rec.flag();
    let mpos = i64::from(rec.mate_pos());
    let clip = flag & flags::PAIRED != 0
        && flag & flags::MATE_UNMAPPED == 0
        && i64::from(rec.mate_ref_id()) == rid as i64
        && (flag & flags::REVERSE == 0) != (flag & flags::MATE_REVERSE == 0)
        && (mpos > pos || (mpos == pos && flag & flags::FIRST_OF_PAIR == 0))
        && (mpos as u64) < env_end;
    if !clip {
        return 0;
    }
    let m = mpos as u64;
    let mut removed = 0;
    for iv in blocks.iter_mut() {
        if iv.1 > m {
            removed += c.touched(iv.0.max(m), iv.1);
            iv.1 = iv.0.max(m);
        }
    }
    blocks.retain(|iv| iv.1 > iv.0);
    removed
}
