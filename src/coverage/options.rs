//! Coverage options and the named presets (`mosdepth`, `mosdepth-fast`, `picard-hs`).

use serde::Serialize;

use super::CoverageError;

/// SAM flag bits, named for readability.
pub mod flags {
    /// Template has multiple segments (paired).
    pub const PAIRED: u16 = 0x1;
    /// Each segment properly aligned (proper pair).
    pub const PROPER_PAIR: u16 = 0x2;
    /// Segment unmapped.
    pub const UNMAPPED: u16 = 0x4;
    /// Mate unmapped.
    pub const MATE_UNMAPPED: u16 = 0x8;
    /// Segment on the reverse strand.
    pub const REVERSE: u16 = 0x10;
    /// Mate on the reverse strand.
    pub const MATE_REVERSE: u16 = 0x20;
    /// First segment of the template.
    pub const FIRST_OF_PAIR: u16 = 0x40;
    /// Secondary alignment.
    pub const SECONDARY: u16 = 0x100;
    /// Failed platform/vendor quality checks.
    pub const QC_FAIL: u16 = 0x200;
    /// PCR or optical duplicate.
    pub const DUPLICATE: u16 = 0x400;
    /// Supplementary alignment.
    pub const SUPPLEMENTARY: u16 = 0x800;
}

/// Which reference bases a passing record adds depth to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CountMode {
    /// Only CIGAR operations that consume both read and reference (M, =, X): deletions,
    /// reference skips and clips add nothing (mosdepth's default, Picard's per-base rule).
    AlignedBlocks,
    /// The whole alignment span from the first to the last reference base, deletions and
    /// skips included (mosdepth `--fast-mode`).
    AlignmentSpan,
    /// The whole fragment of a proper pair, counted once from the leftmost mate's start over
    /// the template length; records that are not the leftmost mate of a proper pair add nothing.
    Fragment,
}

/// How bases covered by both mates of one pair are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MateOverlap {
    /// Both mates count (depth 2 where they overlap).
    CountBoth,
    /// mosdepth's correction: for proper pairs (not supplementary) on one contig, a base covered
    /// by both mates counts once; the same algorithm and edge cases as mosdepth 0.3.
    Mosdepth,
    /// Picard's `CLIP_OVERLAPPING_READS` (`SAMUtils.getNumOverlappingAlignedBasesToClip`): in a
    /// pair with mates on opposite strands of one contig, the mate that starts first (at equal
    /// starts, the second of pair) loses every aligned base from its mate's start onwards.
    PicardClip,
}

/// Which part of the BAM is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ScanMode {
    /// Use the BAI when `BAM.bai` or `BAM-without-.bam.bai` exists, else read everything.
    Auto,
    /// Read every record (needed for the on-target shares of reads and bases).
    Full,
    /// Read only the BGZF chunks the BAI lists for the targets (error when there is no BAI).
    Index,
}

/// A named set of rules; every rule is listed in the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Preset {
    /// mosdepth 0.3 defaults: flags 1796 excluded, MAPQ >= 0, aligned blocks, mate overlap
    /// counted once.
    Mosdepth,
    /// mosdepth `--fast-mode`: flags 1796 excluded, whole alignment span, no overlap correction.
    MosdepthFast,
    /// Picard CollectHsMetrics 2.27.5 defaults and rules: secondary, QC-fail, duplicate and
    /// unmapped records add no depth (supplementary ones do), MAPQ >= 20, base quality >= 20,
    /// overlapping mates clipped as htsjdk clips them, depth histogram capped at
    /// [`CoverageOptions::coverage_cap`]; writes Picard's HsMetrics and per-target files.
    PicardHs,
}

impl Preset {
    /// Parses `mosdepth`, `mosdepth-fast` or `picard-hs`.
    pub fn parse(name: &str) -> Result<Self, CoverageError> {
        match name {
            "mosdepth" => Ok(Self::Mosdepth),
            "mosdepth-fast" | "fast" => Ok(Self::MosdepthFast),
            "picard-hs" | "picard" => Ok(Self::PicardHs),
            other => Err(CoverageError::Options(format!(
                "unknown preset {other:?} (expected mosdepth, mosdepth-fast or picard-hs)"
            ))),
        }
    }

    /// The options this preset stands for (thresholds and the rest at their defaults).
    pub fn options(self) -> CoverageOptions {
        let base = CoverageOptions {
            preset: self,
            exclude_flags: 1796,
            include_flags: 0,
            min_mapq: 0,
            min_base_quality: 0,
            count: CountMode::AlignedBlocks,
            mate_overlap: MateOverlap::Mosdepth,
            thresholds: DEFAULT_THRESHOLDS.to_vec(),
            low_coverage: 100,
            threads: 2,
            scan: ScanMode::Auto,
            gate: Vec::new(),
            coverage_cap: DEFAULT_COVERAGE_CAP,
            reference: None,
        };
        match self {
            Self::Mosdepth => base,
            Self::MosdepthFast => CoverageOptions {
                count: CountMode::AlignmentSpan,
                mate_overlap: MateOverlap::CountBoth,
                ..base
            },
            // Picard's record rules are its own (see `coverage::picard`); the flags here only
            // document them: unmapped, secondary, QC-fail and duplicate records add no depth,
            // supplementary records do. Every record is read, for Picard's read counts.
            Self::PicardHs => CoverageOptions {
                exclude_flags: flags::UNMAPPED
                    | flags::SECONDARY
                    | flags::QC_FAIL
                    | flags::DUPLICATE,
                min_mapq: 20,
                min_base_quality: 20,
                mate_overlap: MateOverlap::PicardClip,
                scan: ScanMode::Full,
                ..base
            },
        }
    }
}

/// Picard's COVERAGE_CAP default: depths above it count as this in the `picard-hs` histogram
/// (MEDIAN_TARGET_COVERAGE, FOLD_80_BASE_PENALTY).
pub const DEFAULT_COVERAGE_CAP: u32 = 200;

/// Default depth thresholds (x) reported per target, gene and panel.
pub const DEFAULT_THRESHOLDS: [u32; 6] = [20, 50, 100, 250, 500, 1000];

/// Everything that decides how depth is computed and what is reported.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoverageOptions {
    /// The preset these options started from (informational once fields are changed).
    pub preset: Preset,
    /// Records with any of these flag bits are excluded (mosdepth `-F`).
    pub exclude_flags: u16,
    /// When non-zero, records must have at least one of these bits (mosdepth `-i`).
    pub include_flags: u16,
    /// Records with a lower mapping quality are excluded.
    pub min_mapq: u8,
    /// Aligned bases with a lower base quality add no depth (0 = off; mosdepth has no such
    /// option). Records without qualities (`*`) pass.
    pub min_base_quality: u8,
    /// Which reference bases a record covers.
    pub count: CountMode,
    /// How mate overlaps are counted.
    pub mate_overlap: MateOverlap,
    /// Depth thresholds (sorted, unique) for the `>= Nx` shares and the thresholds file.
    pub thresholds: Vec<u32>,
    /// Bases below this depth go to the low-coverage BED.
    pub low_coverage: u32,
    /// Threads that inflate BGZF blocks (a pool owned by the run, never rayon's global pool).
    pub threads: usize,
    /// Whole file or index-guided reading.
    pub scan: ScanMode,
    /// QC limits checked after the run.
    pub gate: Vec<GateLimit>,
    /// `picard-hs`: depths above this count as this in Picard's histogram (COVERAGE_CAP).
    pub coverage_cap: u32,
    /// Reference FASTA (with `.fai`): needed to read CRAM, and gives the `%gc` column and
    /// AT/GC_DROPOUT of the `picard-hs` outputs.
    pub reference: Option<std::path::PathBuf>,
}

impl Default for CoverageOptions {
    fn default() -> Self {
        Preset::Mosdepth.options()
    }
}

impl CoverageOptions {
    /// Sorts and de-duplicates thresholds and rejects contradictory settings.
    pub fn validate(&mut self) -> Result<(), CoverageError> {
        self.thresholds.sort_unstable();
        self.thresholds.dedup();
        if self.threads == 0 {
            self.threads = 1;
        }
        if self.count == CountMode::Fragment && self.mate_overlap != MateOverlap::CountBoth {
            // A fragment is already counted once per pair.
            self.mate_overlap = MateOverlap::CountBoth;
        }
        if self.threads > 1024 {
            return Err(CoverageError::Options(format!(
                "{} threads is more than 1024",
                self.threads
            )));
        }
        Ok(())
    }
}

/// Comparison of a metric with its limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Cmp {
    /// The metric must be at least the limit.
    #[serde(rename = ">=")]
    AtLeast,
    /// The metric must be at most the limit.
    #[serde(rename = "<=")]
    AtMost,
}

/// One QC limit, e.g. `median_target_coverage>=150`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GateLimit {
    /// Metric name (see [`METRICS`]).
    pub metric: String,
    /// Comparison.
    pub cmp: Cmp,
    /// Limit.
    pub limit: f64,
}

/// Metric names a limit may use; `pct_target_bases_<N>x` needs N among the thresholds.
pub const METRICS: &[&str] = &[
    "mean_target_coverage",
    "median_target_coverage",
    "min_target_coverage",
    "min_target_mean",
    "pct_target_bases_<N>x",
    "uniformity_pct_0_2x_mean",
    "fold_80_base_penalty",
    "zero_cvg_targets",
    "zero_cvg_targets_pct",
    "low_coverage_bases",
    "pct_mapped_reads_on_target",
    "pct_reads_on_target",
    "pct_bases_on_target",
];

impl GateLimit {
    /// Parses `metric>=value` or `metric<=value`.
    pub fn parse(s: &str) -> Result<Self, CoverageError> {
        let (metric, cmp, value) = if let Some((m, v)) = s.split_once(">=") {
            (m, Cmp::AtLeast, v)
        } else if let Some((m, v)) = s.split_once("<=") {
            (m, Cmp::AtMost, v)
        } else {
            return Err(CoverageError::Options(format!(
                "gate limit {s:?}: expected METRIC>=VALUE or METRIC<=VALUE"
            )));
        };
        let limit: f64 = value.trim().parse().map_err(|_| {
            CoverageError::Options(format!("gate limit {s:?}: {value:?} is not a number"))
        })?;
        if !limit.is_finite() {
            return Err(CoverageError::Options(format!(
                "gate limit {s:?}: limit must be finite"
            )));
        }
        Ok(Self {
            metric: metric.trim().to_string(),
            cmp,
            limit,
        })
    }
}
