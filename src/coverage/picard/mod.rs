//! Picard CollectHsMetrics 2.27.5 (`picard-hs` preset): its record rules, its per-base
//! coverage of the merged targets, and every HsMetrics field.
//!
//! The rules, restated from Picard's `TargetMetricsCollector` (facts, not code):
//! - secondary records are ignored altogether; supplementary records count their aligned
//!   bases but are not reads (TOTAL_READS, PF_READS, PF_BASES leave them out);
//! - QC-fail records only count in TOTAL_READS; unmapped ones stop after the read counts;
//! - the bait shares (ON/NEAR/OFF_BAIT_BASES) are taken before the duplicate, adapter, MAPQ
//!   and overlap filters, over all aligned (`M`/`=`/`X`) bases: a read within 250 bases of a
//!   bait is "selected", its bases inside baits are on bait, the rest near bait;
//! - then, in order: duplicates (PCT_EXC_DUPE), MAPQ 0 reads that start with an Illumina
//!   adapter (PCT_EXC_ADAPTER), MAPQ below the floor (PCT_EXC_MAPQ), the overlap clip
//!   (PCT_EXC_OVERLAP, see [`clip`]); each counts the record's aligned bases;
//! - every remaining aligned base is low quality (PCT_EXC_BASEQ), off target
//!   (PCT_EXC_OFF_TARGET) or on target (ON_TARGET_BASES); it adds depth to its target when
//!   its quality is at least the floor and above 2;
//! - every such base on a target with a quality above 2, whatever the floor, also adds to
//!   the "unfiltered" depth and base-quality histograms that HET_SNP_SENSITIVITY is drawn
//!   from ([`unfiltered`], [`sensitivity`], [`wheel`]).
//!
//! [`hs`] turns the counts and the depths into HsMetrics and Picard's files.
//!
//! Over 400 lines: the collector applies the rules above in Picard's order in one place;
//! split per rule, the order (which decides every PCT_EXC_* share) would not read in one place.

pub mod adapter;
pub mod clip;
pub mod format;
pub mod hs;
pub mod java_random;
pub mod sensitivity;
pub mod unfiltered;
pub mod wheel;

use serde::Serialize;

use super::bam::RawRecord;
use super::cigar::Op;
use super::depth::ContigDepth;
use super::options::{CoverageOptions, MateOverlap, flags};

/// Picard's NEAR_DISTANCE default: a read this close to a bait is "selected".
pub const NEAR_DISTANCE: u64 = 250;

/// Record and base counts of Picard's TargetMetrics (integers; the shares are made in `hs`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct HsCounts {
    /// Primary records (not secondary, not supplementary).
    pub total_reads: u64,
    /// ... of them not QC-fail.
    pub pf_reads: u64,
    /// SEQ bases of PF primary records.
    pub pf_bases: u64,
    /// PF primary records that are not duplicates.
    pub pf_unique_reads: u64,
    /// ... of them mapped.
    pub pf_uq_reads_aligned: u64,
    /// Aligned bases of PF mapped records (supplementary included).
    pub pf_bases_aligned: u64,
    /// ... of them not duplicates.
    pub pf_uq_bases_aligned: u64,
    /// Bases of high quality on a target after every filter.
    pub on_target_bases: u64,
    /// ... of them from records mapped in a pair (mate mapped, not supplementary).
    pub on_target_from_pair_bases: u64,
    /// Aligned bases inside baits of reads within NEAR_DISTANCE of a bait.
    pub on_bait_bases: u64,
    /// The other aligned bases of those reads.
    pub near_bait_bases: u64,
    /// Aligned bases of reads farther from every bait.
    pub off_bait_bases: u64,
    /// First-of-pair primary records with both mates mapped near a bait.
    pub pf_selected_pairs: u64,
    /// ... of them not duplicates.
    pub pf_selected_unique_pairs: u64,
    /// Aligned bases of duplicates.
    pub exc_dupe: u64,
    /// Aligned bases of MAPQ 0 adapter reads.
    pub exc_adapter: u64,
    /// Aligned bases of reads below the MAPQ floor.
    pub exc_mapq: u64,
    /// Aligned bases below the base-quality floor.
    pub exc_baseq: u64,
    /// Bases removed by the overlap clip (Picard's count).
    pub exc_overlap: u64,
    /// High-quality aligned bases off every target.
    pub exc_off_target: u64,
}

/// Picard's per-record collector. Baits are merged spans per reference (the targets when no
/// bait file is given, as with `BAIT_INTERVALS` = `TARGET_INTERVALS`).
pub struct Collector {
    min_mapq: u8,
    min_bq: u8,
    clip: bool,
    baits: Vec<Vec<(u64, u64)>>,
    bait_cursor: Vec<usize>,
    adapters: adapter::Adapters,
    /// Counts so far.
    pub counts: HsCounts,
    /// Per reference, per merged target: records that added depth to it (Picard's
    /// `read_count`).
    pub read_counts: Vec<Vec<u64>>,
    /// Unfiltered depth and base qualities (HET_SNP_SENSITIVITY's input).
    unfiltered: unfiltered::Unfiltered,
}

impl Collector {
    /// A collector for `opts`; `baits[ref]` are merged bait spans, `targets_per_ref[ref]` the
    /// number of merged targets.
    pub fn new(
        opts: &CoverageOptions,
        baits: Vec<Vec<(u64, u64)>>,
        targets_per_ref: &[usize],
    ) -> Self {
        Self {
            min_mapq: opts.min_mapq,
            min_bq: opts.min_base_quality,
            clip: opts.mate_overlap == MateOverlap::PicardClip,
            bait_cursor: vec![0; baits.len()],
            baits,
            adapters: adapter::Adapters::default(),
            counts: HsCounts::default(),
            read_counts: targets_per_ref.iter().map(|&n| vec![0; n]).collect(),
            unfiltered: unfiltered::Unfiltered::new(opts.coverage_cap),
        }
    }

    /// An unmapped record: read counts only.
    pub fn unmapped(&mut self, rec: &RawRecord<'_>) {
        let f = rec.flag();
        if f & (flags::SECONDARY | flags::SUPPLEMENTARY) != 0 {
            return;
        }
        let c = &mut self.counts;
        c.total_reads += 1;
        if f & flags::QC_FAIL == 0 {
            c.pf_reads += 1;
            c.pf_bases += rec.l_seq() as u64;
            if f & flags::DUPLICATE == 0 {
                c.pf_unique_reads += 1;
            }
        }
    }

    /// A mapped record on reference `rid` (whose spans' cursor is at the first span ending
    /// after the record's start). Returns true when the record reached the per-base stage.
    pub fn mapped(&mut self, rec: &RawRecord<'_>, rid: usize, contig: &mut ContigDepth) -> bool {
        let f = rec.flag();
        if f & flags::SECONDARY != 0 {
            return false;
        }
        let supp = f & flags::SUPPLEMENTARY != 0;
        let dup = f & flags::DUPLICATE != 0;
        let aligned: u64 = rec
            .cigar_raw()
            .map(Op::decode)
            .filter(|(op, _)| op.is_aligned())
            .map(|(_, l)| l)
            .sum();
        let c = &mut self.counts;
        if !supp {
            c.total_reads += 1;
            if f & flags::QC_FAIL == 0 {
                c.pf_reads += 1;
                if !dup {
                    c.pf_unique_reads += 1;
                    c.pf_uq_reads_aligned += 1;
                }
            }
        }
        if f & flags::QC_FAIL != 0 {
            return false;
        }
        if !supp {
            c.pf_bases += rec.l_seq() as u64;
        }
        c.pf_bases_aligned += aligned;
        if !dup {
            c.pf_uq_bases_aligned += aligned;
        }
        let start = rec.pos().max(0) as u64;
        let ref_len = rec.ref_len();
        let near = ref_len > 0 && self.near_bait(rid, start, start + ref_len);
        let paired_mapped = f & flags::PAIRED != 0 && f & flags::MATE_UNMAPPED == 0;
        if !supp && paired_mapped && f & flags::FIRST_OF_PAIR != 0 && near {
            self.counts.pf_selected_pairs += 1;
            if !dup {
                self.counts.pf_selected_unique_pairs += 1;
            }
        }
        if near {
            let on = self.on_bait(rec, rid, start);
            self.counts.on_bait_bases += on;
            self.counts.near_bait_bases += aligned - on;
        } else {
            self.counts.off_bait_bases += aligned;
        }
        if dup {
            self.counts.exc_dupe += aligned;
            return false;
        }
        if rec.mapq() == 0 && self.adapters.is_adapter(rec, f & flags::REVERSE != 0) {
            self.counts.exc_adapter += aligned;
            return false;
        }
        if rec.mapq() < self.min_mapq {
            self.counts.exc_mapq += aligned;
            return false;
        }
        let mut keep_below = i64::MAX;
        if self.clip {
            let cl = clip::overlap_clip(rec);
            self.counts.exc_overlap += cl.bases();
            match cl {
                clip::Clip::Dropped { .. } => return false,
                clip::Clip::Tail { keep_below: k, .. } => keep_below = k,
                clip::Clip::None => {}
            }
        }
        self.bases(rec, rid, start, keep_below, contig, !supp && paired_mapped);
        true
    }

    /// Whether `[start, end)` lies within NEAR_DISTANCE of a bait (reads arrive sorted).
    fn near_bait(&mut self, rid: usize, start: u64, end: u64) -> bool {
        let (Some(b), Some(cur)) = (self.baits.get(rid), self.bait_cursor.get_mut(rid)) else {
            return false;
        };
        while *cur < b.len() && b[*cur].1 + NEAR_DISTANCE <= start {
            *cur += 1;
        }
        *cur < b.len() && b[*cur].0 < end + NEAR_DISTANCE
    }

    /// Aligned bases of `rec` (unclipped) inside baits.
    fn on_bait(&self, rec: &RawRecord<'_>, rid: usize, start: u64) -> u64 {
        let b = &self.baits[rid][self.bait_cursor[rid]..];
        let mut pos = start;
        let mut on = 0;
        for (op, len) in rec.cigar_raw().map(Op::decode) {
            if op.is_aligned() {
                for &(bs, be) in b {
                    if bs >= pos + len {
                        break;
                    }
                    if be > pos {
                        on += (pos + len).min(be) - pos.max(bs);
                    }
                }
            }
            if op.consumes_reference() {
                pos += len;
            }
        }
        on
    }

    /// The per-base stage: classifies every aligned base still in the read and adds depth.
    /// Each aligned block is cut at the target spans; within a piece the depth differences
    /// are written base by base (`+w - previous w`, `w` = 1 for a base that adds depth), so
    /// that base qualities steer no branch.
    fn bases(
        &mut self,
        rec: &RawRecord<'_>,
        rid: usize,
        start: u64,
        keep_below: i64,
        contig: &mut ContigDepth,
        in_pair: bool,
    ) {
        let qual = rec.qual();
        let min_bq = self.min_bq;
        let spans = &mut contig.spans;
        let mut si = contig.cursor;
        let mut credited = usize::MAX;
        let mut pos = start;
        let mut q = 0i64;
        let (mut baseq, mut high, mut on_t) = (0u64, 0u64, 0u64);
        let counts = &mut self.read_counts[rid];
        self.unfiltered.start(rid, start);
        for (op, len) in rec.cigar_raw().map(Op::decode) {
            if op.is_aligned() {
                // the block's bases before the clip; those past the end of QUAL read as 0xff
                let n = (keep_below - q).clamp(0, len as i64) as u64;
                let from = q as usize;
                let quals = qual
                    .get(from..(from + n as usize).min(qual.len()))
                    .unwrap_or(&[]);
                let low = quals.iter().filter(|&&v| v < min_bq).count() as u64;
                baseq += low;
                high += n - low;
                let end = pos + n;
                while si < spans.len() && spans[si].end <= pos {
                    si += 1;
                }
                let mut i = si;
                while let Some(s) = spans.get_mut(i)
                    && s.start < end
                {
                    let (lo, hi) = (s.start.max(pos), s.end.min(end));
                    let (a, b) = ((lo - pos) as usize, (hi - pos) as usize);
                    let piece = quals.get(a..b.min(quals.len())).unwrap_or(&[]);
                    let d = &mut s.depth[(lo - s.start) as usize..=(hi - s.start) as usize];
                    let (on_high, added) = add_depth(d, piece, min_bq);
                    on_t += on_high;
                    if added && credited != i {
                        counts[i] += 1;
                        credited = i;
                    }
                    self.unfiltered.add_run(lo, piece);
                    if s.end > end {
                        break;
                    }
                    i += 1;
                }
            }
            if op.consumes_reference() {
                pos += len;
            }
            if op.consumes_read() {
                q += len as i64;
            }
        }
        let c = &mut self.counts;
        c.exc_baseq += baseq;
        c.exc_off_target += high - on_t;
        c.on_target_bases += on_t;
        if in_pair {
            c.on_target_from_pair_bases += on_t;
        }
    }
}

/// Adds depth over one piece of a block inside a target: `d` holds the span's differences
/// from the piece's first base on (one more entry than the piece has bases), `quals` the
/// piece's qualities (bases past its end read as 0xff). A base adds depth when its quality
/// is at least `min_bq` and above 2. Returns (bases of at least `min_bq`, whether any added).
fn add_depth(d: &mut [i32], quals: &[u8], min_bq: u8) -> (u64, bool) {
    let n = d.len() - 1;
    let (mut prev, mut any, mut high) = (0i32, 0i32, 0u64);
    let (with_qual, rest) = d[..n].split_at_mut(quals.len().min(n));
    for (dk, &qv) in with_qual.iter_mut().zip(quals) {
        let h = qv >= min_bq;
        high += u64::from(h);
        let w = i32::from(h & (qv > 2));
        *dk += w - prev;
        prev = w;
        any |= w;
    }
    if !rest.is_empty() {
        // no quality: 0xff, which passes any floor
        high += rest.len() as u64;
        rest[0] += 1 - prev;
        prev = 1;
        any = 1;
    }
    d[n] -= prev;
    (high, any != 0)
}

/// What the `picard-hs` preset adds to a coverage report.
#[derive(Debug, Clone, Serialize)]
pub struct PicardReport {
    /// Picard's integer counts.
    pub counts: HsCounts,
    /// The HsMetrics line.
    pub metrics: hs::HsMetrics,
    /// Merged targets (Picard's unit for depth, ZERO_CVG and the per-target file).
    pub merged_targets: Vec<hs::MergedTarget>,
    /// `PREFIX.hs_metrics.txt` (Picard's `O=` file).
    #[serde(skip)]
    pub metrics_file: String,
    /// `PREFIX.per_target_coverage.txt` (Picard's `PER_TARGET_COVERAGE=` file).
    #[serde(skip)]
    pub per_target_file: String,
}

/// Everything [`report`] needs from the run.
pub struct RunParts<'a> {
    /// Finished depths per reference.
    pub contigs: &'a [ContigDepth],
    /// BED lines.
    pub targets: &'a [super::targets::Target],
    /// Reference id of each BED line (None: contig not in the BAM).
    pub rids: &'a [Option<usize>],
    /// Reference names and lengths of the BAM header.
    pub references: &'a [(String, u64)],
    /// The target BED (its name gives BAIT_SET).
    pub bed: &'a std::path::Path,
    /// G+C share per reference per merged span, when a reference was given.
    pub gc: Option<Vec<Vec<f64>>>,
}

/// BAIT_SET as Picard derives it from the bait file: its name up to the first dot.
pub fn bait_set_name(path: &std::path::Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    name.split('.').next().unwrap_or_default().to_string()
}

/// Finishes Picard's metrics and files.
pub fn report(c: Collector, parts: &RunParts<'_>, opts: &CoverageOptions) -> PicardReport {
    // names of the BED lines in each merged span, in coordinate order
    let mut lines: Vec<(usize, u64, u64, usize)> = Vec::new();
    for (i, (t, r)) in parts.targets.iter().zip(parts.rids).enumerate() {
        if let Some(r) = r {
            lines.push((*r, t.start, t.end, i));
        }
    }
    lines.sort_unstable();
    let mut names: Vec<Vec<Vec<&str>>> = parts
        .contigs
        .iter()
        .map(|c| vec![Vec::new(); c.spans.len()])
        .collect();
    for &(r, s, _, i) in &lines {
        let spans = &parts.contigs[r].spans;
        let k = spans.partition_point(|sp| sp.end <= s);
        if let (Some(n), Some(name)) = (names[r].get_mut(k), parts.targets[i].name.as_deref())
            && !n.contains(&name)
        {
            n.push(name);
        }
    }
    let mut merged = Vec::new();
    for (r, cd) in parts.contigs.iter().enumerate() {
        for (k, s) in cd.spans.iter().enumerate() {
            let n = &names[r][k];
            merged.push(hs::MergedTarget {
                contig: parts.references[r].0.clone(),
                start: s.start,
                end: s.end,
                name: if n.is_empty() {
                    "null".into()
                } else {
                    n.join("|")
                },
                rid: r,
                span: k,
                gc: parts
                    .gc
                    .as_ref()
                    .and_then(|g| g.get(r))
                    .and_then(|v| v.get(k))
                    .copied(),
            });
        }
    }
    let bait_territory: u64 = c
        .baits
        .iter()
        .flat_map(|v| v.iter().map(|(a, b)| b - a))
        .sum();
    let territory = merged.iter().map(|t| t.end - t.start).sum();
    let het_input = c.unfiltered.finish(territory);
    let inputs = hs::HsInputs {
        bait_set: bait_set_name(parts.bed),
        targets: &merged,
        n_intervals: parts.rids.iter().filter(|r| r.is_some()).count(),
        bait_territory,
        genome_size: parts.references.iter().map(|r| r.1).sum(),
        coverage_cap: opts.coverage_cap,
        unfiltered: &het_input,
    };
    let metrics = hs::compute(&c.counts, parts.contigs, &inputs);
    let command = format!(
        "panelprep coverage --preset picard-hs MINIMUM_MAPPING_QUALITY={} MINIMUM_BASE_QUALITY={} \
         CLIP_OVERLAPPING_READS={} COVERAGE_CAP={} NEAR_DISTANCE={NEAR_DISTANCE}",
        opts.min_mapq, opts.min_base_quality, c.clip, opts.coverage_cap
    );
    PicardReport {
        metrics_file: metrics.to_picard_file(&command),
        per_target_file: hs::per_target_file(&metrics, parts.contigs, &merged, &c.read_counts),
        counts: c.counts,
        metrics,
        merged_targets: merged,
    }
}
