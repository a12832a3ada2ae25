//! The depth engine: records arrive coordinate-sorted and each one goes through the record
//! filter ([`filter`]), the CIGAR walk that gives its counted intervals ([`walk`]), the
//! mate-overlap rule ([`mates`]) and into the difference arrays of the target spans
//! ([`spans`]). This file holds the order of those steps, the sort check and the counts.

mod filter;
mod mates;
mod spans;
mod walk;

use std::path::Path;

use serde::Serialize;

use super::CoverageError;
use super::bam::{BamHeader, RawRecord};
use super::options::{CountMode, CoverageOptions, MateOverlap, Preset, flags};
use super::targets::Span;
use crate::Location;

pub use filter::{Excluded, FilterCounts};
pub use spans::{ContigDepth, SpanDepth};

use filter::Reason;
use mates::MosdepthMates;

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

/// Records between two evictions of mosdepth's pending mates.
const EVICT_EVERY: u32 = 1 << 16;

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
    mates: MosdepthMates,
    buf: Vec<(u64, u64)>,
    last: (i64, i64),
    sort_unplaced: bool,
    last_rid: i64,
    since_evict: u32,
    /// Picard CollectHsMetrics' collector (`picard-hs` preset), which then owns the record
    /// rules and the depth.
    pub(crate) picard: Option<super::picard::Collector>,
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
            mates: MosdepthMates::default(),
            buf: Vec::new(),
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
            self.mates.clear();
            self.last_rid = rid as i64;
        }
        let start = pos as u64;
        let stop = start + rec.ref_len().max(1);
        self.counts.mapped += 1;
        let on_target = self.contigs[rid].advance(start, stop);
        if on_target {
            self.counts.mapped_on_target += 1;
        }
        if let Some(p) = &mut self.picard {
            if p.mapped(rec, rid, &mut self.contigs[rid]) {
                self.counts.passing += 1;
            }
            return Ok(());
        }
        if let Some(reason) = Reason::of(self.opts, flag, rec.mapq()) {
            let mut bases = 0;
            if on_target || self.opts.count == CountMode::Fragment {
                walk::counted_intervals(self.opts, rec, (start, stop), false, None, &mut self.buf);
                let c = &self.contigs[rid];
                bases = self.buf.iter().map(|&(a, b)| c.touched(a, b)).sum();
            }
            let e = reason.slot(&mut self.counts.excluded);
            e.records += 1;
            e.target_bases += bases;
            return Ok(());
        }
        self.count_passing(rec, rid, pos, stop);
        self.since_evict += 1;
        if self.since_evict >= EVICT_EVERY {
            self.since_evict = 0;
            self.mates.evict(start);
        }
        Ok(())
    }

    /// A record that passed every filter: its intervals, the mate-overlap rule, the spans.
    fn count_passing(&mut self, rec: &RawRecord<'_>, rid: usize, pos: i64, stop: u64) {
        let start = pos as u64;
        let bq_removed = walk::counted_intervals(
            self.opts,
            rec,
            (start, stop),
            true,
            self.contigs.get(rid),
            &mut self.buf,
        );
        self.counts.excluded.low_base_quality_bases += bq_removed;
        if self.buf.is_empty() && self.opts.count == CountMode::Fragment {
            self.counts.excluded.not_fragment_start.records += 1;
            return;
        }
        self.counts.passing += 1;
        let env = match (self.buf.first(), self.buf.last()) {
            (Some(&(a, _)), Some(&(_, b))) => (a, b),
            _ => (start, start),
        };
        self.counts.passing_bases += self.buf.iter().map(|&(a, b)| b - a).sum::<u64>();
        let c = &mut self.contigs[rid];
        let touches = c.touched(env.0, env.1) > 0;
        self.counts.excluded.mate_overlap_bases += match self.opts.mate_overlap {
            MateOverlap::Mosdepth => {
                let no_bq = self.opts.min_base_quality == 0;
                self.mates
                    .pair(rec, (rid, start, stop), &self.buf, c, no_bq)
            }
            MateOverlap::PicardClip => mates::picard_clip(rec, (rid, pos, env.1), &mut self.buf, c),
            MateOverlap::CountBoth => 0,
        };
        if touches {
            self.counts.passing_on_target += 1;
            let mut t = 0;
            for &(a, b) in &self.buf {
                t += c.add(a, b, 1);
            }
            self.counts.passing_bases_on_target += t;
        }
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

#[cfg(test)]
mod tests;
