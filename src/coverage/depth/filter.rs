//! Record filters (flags, include flags, MAPQ), first match wins, and what each removed.

use serde::Serialize;

use super::super::options::{CoverageOptions, flags};

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

/// Why a mapped record is not counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reason {
    Secondary,
    Supplementary,
    QcFail,
    Duplicate,
    OtherFlags,
    IncludeFlags,
    LowMapq,
}

impl Reason {
    /// The first filter of `opts` that removes a mapped record with `flag` and `mapq`.
    #[inline]
    pub(crate) fn of(opts: &CoverageOptions, flag: u16, mapq: u8) -> Option<Self> {
        let hit = flag & opts.exclude_flags;
        if hit != 0 {
            Some(if hit & flags::SECONDARY != 0 {
                Self::Secondary
            } else if hit & flags::SUPPLEMENTARY != 0 {
                Self::Supplementary
            } else if hit & flags::QC_FAIL != 0 {
                Self::QcFail
            } else if hit & flags::DUPLICATE != 0 {
                Self::Duplicate
            } else {
                Self::OtherFlags
            })
        } else if opts.include_flags != 0 && flag & opts.include_flags == 0 {
            Some(Self::IncludeFlags)
        } else if mapq < opts.min_mapq {
            Some(Self::LowMapq)
        } else {
            None
        }
    }

    /// The counter of this filter in `f`.
    pub(crate) fn slot(self, f: &mut FilterCounts) -> &mut Excluded {
        match self {
            Self::Secondary => &mut f.secondary,
            Self::Supplementary => &mut f.supplementary,
            Self::QcFail => &mut f.qc_fail,
            Self::Duplicate => &mut f.duplicate,
            Self::OtherFlags => &mut f.other_flags,
            Self::IncludeFlags => &mut f.include_flags,
            Self::LowMapq => &mut f.low_mapq,
        }
    }
}
