//! The depth engine: one difference array per merged target span (+1/-1 per counted interval
//! clipped to the span, one prefix sum at the end), record filters and mate-overlap handling.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::path::Path;

use serde::Serialize;

use super::CoverageError;
use super::bam::{BamHeader, RawRecord};
use super::options::{CountMode, CoverageOptions, MateOverlap, flags};
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
fn apply(spans: &mut [SpanDepth], from: usize, a: u64, b: u64, w: i32) -> u64 {
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
    cursor: usize,
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
}

impl<'a> Engine<'a> {
    /// An engine over `spans[ref_id]` (merged target spans per reference).
    pub fn new(
        opts: &'a CoverageOptions,
        path: &'a Path,
        header: &'a BamHeader,
        spans: Vec<Vec<Span>>,
    ) -> Self {
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
                    && flag & flags::REVERSE == 0
                    && flag & flags::MATE_REVERSE != 0
                    && mpos >= pos
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
                // mosdepth's arithmetic for a mate ending before this record starts
                removed += apply(&mut c.spans, c.cursor, mate.stop, start, 1);
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

fn push_merged(buf: &mut Vec<(u64, u64)>, a: u64, b: u64) {
    if let Some(last) = buf.last_mut() {
        if last.1 == a {
            last.1 = b;
            return;
        }
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
