//! The depth engine: one difference array per merged target span (+1/-1 per counted interval
//! clipped to the span, one prefix sum at the end), record filters and mate-overlap handling.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::path::Path;

use serde::Serialize;

use super::CoverageError;
use super::bam::{BamHeader, RawRecord};
use super::options::{CountMode, CoverageOptions, MateOverlap, Preset, flags};
use super::targets::Span;
use crate::Location;

/// Depth over one merged target span. Before [`SpanDepth::finish`] `depth` holds differences
/// (length + 1 entries); after it, the depth of each base.
#[derive(Debug, Clone)]
pub struct SpanDepth {
    /// 0-based start on the contig.
    pub start: u64,
    /// 0-based exclusive end.
    pub end: u64,
    /// Differences, then depths.
    pub depth: Vec<i32>,
}

impl SpanDepth {
    /// An all-zero span.
    pub fn new(span: &Span) -> Self {
        Self {
            start: span.start,
            end: span.end,
            depth: vec![0; (span.end - span.start) as usize + 1],
        }
    }

    /// Turns the differences into depths (one prefix sum).
    pub fn finish(&mut self) {
        let mut d = 0i32;
        for v in self.depth.iter_mut() {
            d += *v;
            *v = d;
        }
        self.depth.pop();
    }

    /// Depth at contig position `pos` (0 outside the span).
    pub fn at(&self, pos: u64) -> i32 {
        if pos < self.start || pos >= self.end {
            return 0;
        }
        self.depth[(pos - self.start) as usize]
    }
}

/// Adds `w` over `[a, b)` to every span it meets, starting at `spans[from]`; returns the
/// number of target bases touched.
#[inline]
pub(crate) fn apply(spans: &mut [SpanDepth], from: usize, a: u64, b: u64, w: i32) -> u64 {
    let mut total = 0;
    for s in spans.iter_mut().skip(from) {
        if s.start >= b {
            break;
        }
        if s.end <= a {
            continue;
        }
        let lo = a.max(s.start);
        let hi = b.min(s.end);
        s.depth[(lo - s.start) as usize] += w;
        s.depth[(hi - s.start) as usize] -= w;
        total += hi - lo;
    }
    total
}

/// Target bases `[a, b)` would touch, without changing anything.
fn touched(spans: &[SpanDepth], from: usize, a: u64, b: u64) -> u64 {
    let mut total = 0;
    for s in spans.iter().skip(from) {
        if s.start >= b {
            break;
        }
        if s.end <= a {
            continue;
        }
        total += b.min(s.end) - a.max(s.start);
    }
    total
}

/// Records and target bases removed by one filter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Excluded {
    /// Records removed.
    pub records: u64,
    /// Target bases those records would otherwise have added.
    pub target_bases: u64,
}

/// What each filter removed, in the order the filters are applied (a record counts under the
/// first filter that removes it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FilterCounts {
    /// Unmapped records (flag 0x4 or no reference).
    pub unmapped: Excluded,
    /// Secondary alignments (0x100), when excluded.
    pub secondary: Excluded,
    /// Supplementary alignments (0x800), when excluded.
    pub supplementary: Excluded,
    /// QC-fail records (0x200), when excluded.
    pub qc_fail: Excluded,
    /// Duplicates (0x400), when excluded.
    pub duplicate: Excluded,
    /// Other excluded flag bits.
    pub other_flags: Excluded,
    /// Records lacking every include-flag bit.
    pub include_flags: Excluded,
    /// Records below the MAPQ floor.
    pub low_mapq: Excluded,
    /// Fragment mode: records that are not the leftmost mate of a proper pair.
    pub not_fragment_start: Excluded,
    /// Aligned target bases below the base-quality floor (records are kept).
    pub low_base_quality_bases: u64,
    /// Target bases counted once instead of twice because both mates cover them.
    pub mate_overlap_bases: u64,
}

/// Record and base totals of the scan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RecordCounts {
    /// Records read (all of them in a full scan; those of the index chunks otherwise).
    pub records_read: u64,
    /// Mapped records read (any flags).
    pub mapped: u64,
    /// Mapped records (any flags) whose alignment overlaps a target.
    pub mapped_on_target: u64,
    /// Records that passed every filter.
    pub passing: u64,
    /// Passing records whose counted bases overlap a target.
    pub passing_on_target: u64,
    /// Bases passing records add (after the base-quality floor, before mate-overlap
    /// correction), anywhere.
    pub passing_bases: u64,
    /// The part of `passing_bases` inside targets.
    pub passing_bases_on_target: u64,
    /// Per-filter exclusions.
    pub excluded: FilterCounts,
}

#[derive(Default)]
struct Fnv(u64);
impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

struct Stored {
    stop: u64,
    single_op: bool,
    blocks: Vec<(u64, u64)>,
}

/// Per-contig state: its spans and the first span that can still be reached.
#[derive(Debug, Default)]
pub struct ContigDepth {
    /// Merged spans in order.
    pub spans: Vec<SpanDepth>,
    pub(crate) cursor: usize,
}

/// The streaming depth engine (records must arrive coordinate-sorted).
pub struct Engine<'a> {
    opts: &'a CoverageOptions,
    path: &'a Path,
    header: &'a BamHeader,
    /// Per reference id.
    pub contigs: Vec<ContigDepth>,
    /// Per reference id: any record (any flags) placed on it was seen.
    pub has_records: Vec<bool>,
    /// Totals.
    pub counts: RecordCounts,
    seen: HashMap<Vec<u8>, Stored, BuildHasherDefault<Fnv>>,
    buf: Vec<(u64, u64)>,
    events: Vec<(u64, i32)>,
    last: (i64, i64),
    sort_unplaced: bool,
    last_rid: i64,
    since_evict: u32,
    /// Picard CollectHsMetrics' collector (`picard-hs` preset), which then owns the record
    /// rules and the depth.
    pub picard: Option<super::picard::Collector>,
}

impl<'a> Engine<'a> {
    /// An engine over `spans[ref_id]` (merged target spans per reference).
    pub fn new(
        opts: &'a CoverageOptions,
        path: &'a Path,
        header: &'a BamHeader,
        spans: Vec<Vec<Span>>,
    ) -> Self {
        let picard = (opts.preset == Preset::PicardHs).then(|| {
            let baits: Vec<Vec<(u64, u64)>> = spans
                .iter()
                .map(|v| v.iter().map(|s| (s.start, s.end)).collect())
                .collect();
            let n: Vec<usize> = spans.iter().map(Vec::len).collect();
            super::picard::Collector::new(opts, baits, &n)
        });
        let contigs = spans
            .into_iter()
            .map(|v| ContigDepth {
                spans: v.iter().map(SpanDepth::new).collect(),
                cursor: 0,
            })
            .collect();
        Self {
            opts,
            path,
            header,
            contigs,
            has_records: vec![false; header.references.len()],
            counts: RecordCounts::default(),
            seen: HashMap::default(),
            buf: Vec::new(),
            events: Vec::new(),
            last: (-1, -1),
            sort_unplaced: false,
            last_rid: -2,
            since_evict: 0,
            picard,
        }
    }

    fn err(&self, record: u64, message: String) -> CoverageError {
        CoverageError::Bam {
            at: Location {
                path: self.path.to_path_buf(),
                record,
                line: 0,
            },
            message,
        }
    }

    fn name_of(&self, rid: i64) -> String {
        usize::try_from(rid)
            .ok()
            .and_then(|r| self.header.references.get(r))
            .map_or_else(|| "*".to_string(), |r| r.name.clone())
    }

    /// Starts a new index chunk: sortedness is checked within a chunk only.
    pub fn new_range(&mut self) {
        self.last = (-1, -1);
        self.sort_unplaced = false;
    }

    fn check_sorted(&mut self, rid: i64, pos: i64, n: u64) -> Result<(), CoverageError> {
        if rid < 0 {
            self.sort_unplaced = true;
            return Ok(());
        }
        let (lr, lp) = self.last;
        if self.sort_unplaced || rid < lr || (rid == lr && pos < lp) {
            let before = if self.sort_unplaced {
                "unplaced unmapped records".to_string()
            } else {
                format!("{}:{}", self.name_of(lr), lp + 1)
            };
            return Err(self.err(
                n,
                format!(
                    "the BAM is not coordinate-sorted: {}:{} comes after {before} (sort it with `samtools sort`)",
                    self.name_of(rid),
                    pos + 1,
                ),
            ));
        }
        self.last = (rid, pos);
        Ok(())
    }

    /// Builds the counted intervals of `rec` into `self.buf` (no base-quality floor);
    /// returns false when the record adds nothing in fragment mode.
    fn intervals(&mut self, rec: &RawRecord<'_>, start: u64, stop: u64, bq: bool) -> u64 {
        self.buf.clear();
        let mut removed_target = 0;
        match self.opts.count {
            CountMode::AlignmentSpan => self.buf.push((start, stop)),
            CountMode::Fragment => {
                let f = rec.flag();
                if f & flags::PROPER_PAIR != 0 && f & flags::SUPPLEMENTARY == 0 && rec.tlen() > 0 {
                    self.buf.push((start, start + rec.tlen() as u64));
                }
            }
            CountMode::AlignedBlocks => {
                let floor = self.opts.min_base_quality;
                let qual = rec.qual();
                let use_bq = bq && floor > 0 && qual.first().is_some_and(|&q| q != 0xff);
                let mut pos = start;
                let mut qpos = 0usize;
                for op in rec.cigar_raw() {
                    let len = u64::from(op >> 4);
                    match op & 0xf {
                        0 | 7 | 8 => {
                            if use_bq {
                                let mut run: Option<u64> = None;
                                for k in 0..len {
                                    let q = qual.get(qpos + k as usize).copied().unwrap_or(0xff);
                                    if q >= floor {
                                        if run.is_none() {
                                            run = Some(pos + k);
                                        }
                                    } else if let Some(s) = run.take() {
                                        push_merged(&mut self.buf, s, pos + k);
                                    }
                                }
                                if let Some(s) = run {
                                    push_merged(&mut self.buf, s, pos + len);
                                }
                            } else if len > 0 {
                                push_merged(&mut self.buf, pos, pos + len);
                            }
                            pos += len;
                            qpos += len as usize;
                        }
                        1 | 4 => qpos += len as usize,
                        2 | 3 => pos += len,
                        _ => {}
                    }
                }
                if use_bq {
                    // target bases of the raw blocks minus those kept
                    let mut raw = 0;
                    let mut p = start;
                    let c = &self.contig_ref(rec);
                    for op in rec.cigar_raw() {
                        let len = u64::from(op >> 4);
                        match op & 0xf {
                            0 | 7 | 8 => {
                                if let Some(c) = c {
                                    raw += touched(&c.spans, c.cursor, p, p + len);
                                }
                                p += len;
                            }
                            2 | 3 => p += len,
                            _ => {}
                        }
                    }
                    let kept: u64 = c.map_or(0, |c| {
                        self.buf
                            .iter()
                            .map(|&(a, b)| touched(&c.spans, c.cursor, a, b))
                            .sum()
                    });
                    removed_target = raw.saturating_sub(kept);
                }
            }
        }
        removed_target
    }

    fn contig_ref(&self, rec: &RawRecord<'_>) -> Option<&ContigDepth> {
        usize::try_from(rec.ref_id())
            .ok()
            .and_then(|r| self.contigs.get(r))
    }

    /// Handles one record (`n` = 1-based record number).
    pub fn process(&mut self, rec: &RawRecord<'_>, n: u64) -> Result<(), CoverageError> {
        self.counts.records_read += 1;
        let flag = rec.flag();
        let rid = i64::from(rec.ref_id());
        let pos = i64::from(rec.pos());
        self.check_sorted(rid, pos, n)?;
        if rid >= self.header.references.len() as i64 || rid < -1 {
            return Err(self.err(
                n,
                format!(
                    "reference id {rid} is not in the header ({} references)",
                    self.header.references.len()
                ),
            ));
        }
        if rid >= 0 {
            self.has_records[rid as usize] = true;
        }
        if rid < 0 || flag & flags::UNMAPPED != 0 {
            self.counts.excluded.unmapped.records += 1;
            if let Some(p) = &mut self.picard {
                p.unmapped(rec);
            }
            return Ok(());
        }
        if pos < 0 {
            return Err(self.err(n, "mapped record without a position".into()));
        }
        let rid = rid as usize;
        if rid as i64 != self.last_rid {
            self.seen.clear();
            self.last_rid = rid as i64;
        }
        let start = pos as u64;
        let stop = start + rec.ref_len().max(1);
        self.counts.mapped += 1;
        let on_target = {
            let c = &mut self.contigs[rid];
            while c.cursor < c.spans.len() && c.spans[c.cursor].end <= start {
                c.cursor += 1;
            }
            c.cursor < c.spans.len() && c.spans[c.cursor].start < stop
        };
        if on_target {
            self.counts.mapped_on_target += 1;
        }
        if let Some(p) = &mut self.picard {
            if p.mapped(rec, rid, &mut self.contigs[rid]) {
                self.counts.passing += 1;
            }
            return Ok(());
        }
        // record filters, first match wins
        let ex = self.opts.exclude_flags;
        let reason = if flag & ex != 0 {
            let hit = flag & ex;
            Some(if hit & flags::SECONDARY != 0 {
                Reason::Secondary
            } else if hit & flags::SUPPLEMENTARY != 0 {
                Reason::Supplementary
            } else if hit & flags::QC_FAIL != 0 {
                Reason::QcFail
            } else if hit & flags::DUPLICATE != 0 {
                Reason::Duplicate
            } else {
                Reason::OtherFlags
            })
        } else if self.opts.include_flags != 0 && flag & self.opts.include_flags == 0 {
            Some(Reason::IncludeFlags)
        } else if rec.mapq() < self.opts.min_mapq {
            Some(Reason::LowMapq)
        } else {
            None
        };
        if let Some(pick) = reason {
            let mut bases = 0;
            if on_target || self.opts.count == CountMode::Fragment {
                self.intervals(rec, start, stop, false);
                let c = &self.contigs[rid];
                bases = self
                    .buf
                    .iter()
                    .map(|&(a, b)| touched(&c.spans, c.cursor, a, b))
                    .sum();
            }
            let e = slot(&mut self.counts.excluded, pick);
            e.records += 1;
            e.target_bases += bases;
            return Ok(());
        }
        // passing record
        let bq_removed = self.intervals(rec, start, stop, true);
        self.counts.excluded.low_base_quality_bases += bq_removed;
        if self.buf.is_empty() && self.opts.count == CountMode::Fragment {
            self.counts.excluded.not_fragment_start.records += 1;
            return Ok(());
        }
        self.counts.passing += 1;
        let env = match (self.buf.first(), self.buf.last()) {
            (Some(&(a, _)), Some(&(_, b))) => (a, b),
            _ => (start, start),
        };
        self.counts.passing_bases += self.buf.iter().map(|&(a, b)| b - a).sum::<u64>();
        let cursor = self.contigs[rid].cursor;
        let touches = {
            let s = &self.contigs[rid].spans;
            touched(s, cursor, env.0, env.1) > 0
        };
        match self.opts.mate_overlap {
            MateOverlap::Mosdepth => self.mosdepth_pairs(rec, rid, start, stop, touches),
            MateOverlap::PicardClip => {
                let mpos = i64::from(rec.mate_pos());
                if flag & flags::PAIRED != 0
                    && flag & flags::MATE_UNMAPPED == 0
                    && i64::from(rec.mate_ref_id()) == rid as i64
                    && (flag & flags::REVERSE == 0) != (flag & flags::MATE_REVERSE == 0)
                    && (mpos > pos || (mpos == pos && flag & flags::FIRST_OF_PAIR == 0))
                    && (mpos as u64) < env.1
                {
                    let m = mpos as u64;
                    let c = &self.contigs[rid];
                    let mut removed = 0;
                    for iv in self.buf.iter_mut() {
                        if iv.1 > m {
                            let cut = (iv.0.max(m), iv.1);
                            removed += touched(&c.spans, c.cursor, cut.0, cut.1);
                            iv.1 = iv.0.max(m);
                        }
                    }
                    self.buf.retain(|iv| iv.1 > iv.0);
                    self.counts.excluded.mate_overlap_bases += removed;
                }
            }
            MateOverlap::CountBoth => {}
        }
        if touches {
            self.counts.passing_on_target += 1;
            let c = &mut self.contigs[rid];
            let mut t = 0;
            for &(a, b) in &self.buf {
                t += apply(&mut c.spans, c.cursor, a, b, 1);
            }
            self.counts.passing_bases_on_target += t;
        }
        self.since_evict += 1;
        if self.since_evict >= 1 << 16 {
            self.since_evict = 0;
            self.seen.retain(|_, m| m.stop > start);
        }
        Ok(())
    }

    /// mosdepth's mate-overlap correction (same conditions and event order as mosdepth 0.3).
    fn mosdepth_pairs(
        &mut self,
        rec: &RawRecord<'_>,
        rid: usize,
        start: u64,
        stop: u64,
        touches: bool,
    ) {
        let flag = rec.flag();
        if flag & flags::PROPER_PAIR == 0 || flag & flags::SUPPLEMENTARY != 0 {
            return;
        }
        let mpos = i64::from(rec.mate_pos());
        let same = i64::from(rec.mate_ref_id()) == rid as i64;
        let s = start as i64;
        let store = same
            && (stop as i64) > mpos
            && (s < mpos || (s == mpos && !self.seen.contains_key(rec.name())));
        if store {
            // the later correction lies in [mate_pos, stop): skip when no target is there
            let c = &self.contigs[rid];
            if touched(&c.spans, c.cursor, mpos.max(0) as u64, stop) > 0 {
                self.seen.insert(
                    rec.name().to_vec(),
                    Stored {
                        stop,
                        single_op: rec.n_cigar() == 1,
                        blocks: self.buf.clone(),
                    },
                );
            }
            return;
        }
        let _ = touches;
        let Some(mate) = self.seen.remove(rec.name()) else {
            return;
        };
        let c = &mut self.contigs[rid];
        let mut removed = 0;
        let no_bq = self.opts.min_base_quality == 0;
        if rec.n_cigar() == 1 && mate.single_op && no_bq {
            if start < mate.stop {
                removed += apply(&mut c.spans, c.cursor, start, mate.stop, -1);
            } else if mate.stop < start {
                // mosdepth's arithmetic for a mate ending before this record starts (a
                // record of the same name that is not the mate, e.g. a secondary alignment
                // when its mate was filtered out): +1 over [mate stop, start), which lies
                // behind the cursor, so the spans are searched from the first one it reaches
                let from = c.spans.partition_point(|s| s.end <= mate.stop);
                removed += apply(&mut c.spans, from, mate.stop, start, 1);
            }
        } else {
            // events of this record first, then the mate's, stably sorted by position
            self.events.clear();
            for &(a, b) in &self.buf {
                self.events.push((a, 1));
                self.events.push((b, -1));
            }
            for &(a, b) in &mate.blocks {
                self.events.push((a, 1));
                self.events.push((b, -1));
            }
            self.events.sort_by_key(|e| e.0);
            let mut depth = 0;
            let mut last = 0u64;
            for &(p, v) in &self.events {
                if v == -1 && depth == 2 && p > last {
                    removed += apply(&mut c.spans, c.cursor, last, p, -1);
                }
                depth += v;
                last = p;
            }
        }
        self.counts.excluded.mate_overlap_bases += removed;
    }

    /// Turns every span's differences into depths.
    pub fn finish(&mut self) {
        for c in &mut self.contigs {
            for s in &mut c.spans {
                s.finish();
            }
        }
    }
}

pub(crate) fn push_merged(buf: &mut Vec<(u64, u64)>, a: u64, b: u64) {
    if let Some(last) = buf.last_mut()
        && last.1 == a
    {
        last.1 = b;
        return;
    }
    buf.push((a, b));
}

#[derive(Clone, Copy)]
enum Reason {
    Secondary,
    Supplementary,
    QcFail,
    Duplicate,
    OtherFlags,
    IncludeFlags,
    LowMapq,
}

fn slot(f: &mut FilterCounts, r: Reason) -> &mut Excluded {
    match r {
        Reason::Secondary => &mut f.secondary,
        Reason::Supplementary => &mut f.supplementary,
        Reason::QcFail => &mut f.qc_fail,
        Reason::Duplicate => &mut f.duplicate,
        Reason::OtherFlags => &mut f.other_flags,
        Reason::IncludeFlags => &mut f.include_flags,
        Reason::LowMapq => &mut f.low_mapq,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coverage::bam::Reference;
    use crate::coverage::options::Preset;
    use proptest::prelude::*;

    /// One test read: (pos, cigar ops (code, len), flag, mapq, name, quals, mate pos).
    #[derive(Debug, Clone)]
    struct Read {
        pos: u32,
        cigar: Vec<(u32, u32)>,
        flag: u16,
        mapq: u8,
        name: String,
        qual: Vec<u8>,
        mate_pos: u32,
    }

    fn raw(r: &Read) -> Vec<u8> {
        let l_seq: usize = r
            .cigar
            .iter()
            .filter(|c| matches!(c.0, 0 | 1 | 4 | 7 | 8))
            .map(|c| c.1 as usize)
            .sum();
        let mut v = Vec::new();
        v.extend_from_slice(&0i32.to_le_bytes());
        v.extend_from_slice(&(r.pos as i32).to_le_bytes());
        v.push(r.name.len() as u8 + 1);
        v.push(r.mapq);
        v.extend_from_slice(&0u16.to_le_bytes());
        v.extend_from_slice(&(r.cigar.len() as u16).to_le_bytes());
        v.extend_from_slice(&r.flag.to_le_bytes());
        v.extend_from_slice(&(l_seq as u32).to_le_bytes());
        v.extend_from_slice(&0i32.to_le_bytes());
        v.extend_from_slice(&(r.mate_pos as i32).to_le_bytes());
        v.extend_from_slice(&0i32.to_le_bytes());
        v.extend_from_slice(r.name.as_bytes());
        v.push(0);
        for &(op, len) in &r.cigar {
            v.extend_from_slice(&((len << 4) | op).to_le_bytes());
        }
        v.extend(std::iter::repeat_n(0x11u8, l_seq.div_ceil(2)));
        let mut q = r.qual.clone();
        q.resize(l_seq, 30);
        v.extend_from_slice(&q);
        v
    }

    fn ref_end(r: &Read) -> u32 {
        let rl: u32 = r
            .cigar
            .iter()
            .filter(|c| matches!(c.0, 0 | 2 | 3 | 7 | 8))
            .map(|c| c.1)
            .sum();
        r.pos + rl.max(1)
    }

    /// Naive per-base oracle: a base counts once per passing read, or once per pair where
    /// both passing mates of a proper pair cover it.
    fn naive(reads: &[Read], opts: &CoverageOptions, len: usize) -> Vec<i32> {
        let pass = |r: &Read| r.flag & opts.exclude_flags == 0 && r.mapq >= opts.min_mapq;
        let cover = |r: &Read| -> Vec<bool> {
            let mut c = vec![false; len + 1000];
            if opts.count == CountMode::AlignmentSpan {
                for p in r.pos..ref_end(r) {
                    c[p as usize] = true;
                }
                return c;
            }
            let (mut p, mut q) = (r.pos as usize, 0usize);
            for &(op, l) in &r.cigar {
                let l = l as usize;
                match op {
                    0 | 7 | 8 => {
                        for k in 0..l {
                            let bq = r.qual.get(q + k).copied().unwrap_or(30);
                            if bq >= opts.min_base_quality {
                                c[p + k] = true;
                            }
                        }
                        p += l;
                        q += l;
                    }
                    1 | 4 => q += l,
                    2 | 3 => p += l,
                    _ => {}
                }
            }
            c
        };
        let mut depth = vec![0i32; len + 1000];
        let mut done = std::collections::HashSet::new();
        for (i, r) in reads.iter().enumerate() {
            if !pass(r) || done.contains(&i) {
                continue;
            }
            let mate = reads.iter().enumerate().position(|(j, m)| {
                j != i && m.name == r.name && pass(m) && r.flag & flags::PROPER_PAIR != 0
            });
            let mut c = cover(r);
            if opts.mate_overlap == MateOverlap::Mosdepth
                && let Some(j) = mate
            {
                let cm = cover(&reads[j]);
                for (a, b) in c.iter_mut().zip(cm) {
                    *a |= b;
                }
                done.insert(j);
            }
            for (d, x) in depth.iter_mut().zip(c) {
                *d += i32::from(x);
            }
        }
        depth.truncate(len);
        depth
    }

    fn cigar_strategy() -> impl Strategy<Value = Vec<(u32, u32)>> {
        prop_oneof![
            (5u32..60).prop_map(|l| vec![(0, l)]),
            (1u32..10, 5u32..50).prop_map(|(s, m)| vec![(4, s), (0, m)]),
            (5u32..30, 1u32..5, 5u32..30).prop_map(|(a, d, b)| vec![(0, a), (2, d), (0, b)]),
            (5u32..30, 1u32..5, 5u32..30).prop_map(|(a, i, b)| vec![
                (0, a),
                (1, i),
                (0, b),
                (4, 3)
            ]),
            (5u32..30, 10u32..40, 5u32..30).prop_map(|(a, n, b)| vec![(7, a), (3, n), (8, b)]),
        ]
    }

    prop_compose! {
        fn pair_strategy(id: usize)(
            p1 in 0u32..200, gap in 0u32..60, c1 in cigar_strategy(), c2 in cigar_strategy(),
            proper in prop::bool::weighted(0.8), dup in prop::bool::weighted(0.1),
            mq in prop_oneof![Just(0u8), Just(60u8)], q1 in prop::collection::vec(0u8..41, 120),
            q2 in prop::collection::vec(0u8..41, 120), single in prop::bool::weighted(0.2),
        ) -> Vec<Read> {
            let name = format!("p{id}");
            let f = flags::PAIRED | if proper { flags::PROPER_PAIR } else { 0 } | if dup { flags::DUPLICATE } else { 0 };
            let mut a = Read { pos: p1, cigar: c1, flag: f, mapq: mq, name: name.clone(), qual: q1, mate_pos: p1 + gap };
            let mut b = Read { pos: p1 + gap, cigar: c2, flag: f | flags::REVERSE, mapq: 60, name, qual: q2, mate_pos: p1 };
            // mosdepth's single-op shortcut assumes the later mate ends no earlier than the first
            if a.cigar.len() == 1 && b.cigar.len() == 1 && ref_end(&b) < ref_end(&a) {
                b.cigar[0].1 += ref_end(&a) - ref_end(&b);
            }
            if single {
                a.flag = 0;
                a.mate_pos = 0;
                vec![a]
            } else {
                vec![a, b]
            }
        }
    }

    fn run_engine(
        reads: &mut [Read],
        opts: &CoverageOptions,
        targets: &[(u64, u64)],
    ) -> Vec<SpanDepth> {
        reads.sort_by_key(|r| r.pos);
        let header = BamHeader {
            references: vec![Reference {
                name: "c".into(),
                length: 1000,
            }],
            sort_order: None,
            samples: Vec::new(),
        };
        let spans = crate::coverage::targets::merge_intervals(targets.to_vec());
        let path = Path::new("t.bam");
        let mut e = Engine::new(opts, path, &header, vec![spans]);
        for (i, r) in reads.iter().enumerate() {
            let bytes = raw(r);
            let rec = RawRecord::new(&bytes).expect("valid record");
            e.process(&rec, i as u64 + 1).expect("process");
        }
        e.finish();
        e.contigs.swap_remove(0).spans
    }

    fn check(
        mut reads: Vec<Read>,
        opts: &CoverageOptions,
        targets: &[(u64, u64)],
    ) -> Result<(), TestCaseError> {
        let spans = run_engine(&mut reads, opts, targets);
        let want = naive(&reads, opts, 1000);
        for s in &spans {
            for p in s.start..s.end {
                prop_assert_eq!(s.at(p), want[p as usize], "pos {} reads {:?}", p, reads);
            }
        }
        Ok(())
    }

    fn reads_strategy() -> impl Strategy<Value = Vec<Read>> {
        (1usize..12).prop_flat_map(|n| {
            (0..n)
                .map(pair_strategy)
                .collect::<Vec<_>>()
                .prop_map(|v| v.concat())
        })
    }

    fn targets_strategy() -> impl Strategy<Value = Vec<(u64, u64)>> {
        prop::collection::vec((0u64..300, 1u64..120).prop_map(|(s, l)| (s, s + l)), 1..5)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn mosdepth_mode_matches_naive(reads in reads_strategy(), targets in targets_strategy()) {
            check(reads, &Preset::Mosdepth.options(), &targets)?;
        }

        #[test]
        fn fast_mode_matches_naive(reads in reads_strategy(), targets in targets_strategy()) {
            check(reads, &Preset::MosdepthFast.options(), &targets)?;
        }

        #[test]
        fn base_quality_and_mapq_match_naive(reads in reads_strategy(), targets in targets_strategy(), bq in 0u8..35, mq in 0u8..61) {
            let mut o = Preset::Mosdepth.options();
            o.min_base_quality = bq;
            o.min_mapq = mq;
            check(reads, &o, &targets)?;
        }
    }

    #[test]
    fn unsorted_records_are_rejected() {
        let mk = |pos| Read {
            pos,
            cigar: vec![(0, 10)],
            flag: 0,
            mapq: 60,
            name: "r".into(),
            qual: vec![],
            mate_pos: 0,
        };
        let header = BamHeader {
            references: vec![Reference {
                name: "c".into(),
                length: 1000,
            }],
            sort_order: None,
            samples: Vec::new(),
        };
        let opts = CoverageOptions::default();
        let mut e = Engine::new(&opts, Path::new("t.bam"), &header, vec![vec![]]);
        let (a, b) = (raw(&mk(50)), raw(&mk(10)));
        e.process(&RawRecord::new(&a).expect("rec"), 1)
            .expect("first");
        let err = e
            .process(&RawRecord::new(&b).expect("rec"), 2)
            .expect_err("unsorted");
        let msg = err.to_string();
        assert!(
            msg.contains("record 2") && msg.contains("not coordinate-sorted"),
            "{msg}"
        );
    }
}
