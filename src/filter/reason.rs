//! Why a read was dropped; ordered so that a pair takes the worse of its mates' reasons.

/// The outcome of filtering one read. Later variants are "worse": a pair's reason is the max.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Reason {
    /// The read passed every filter.
    Passed,
    /// Too many bases below the qualified quality (fastp `low_quality_reads`).
    LowQuality,
    /// Mean quality below the limit (fastp counts these as `low_quality_reads` too).
    LowMeanQuality,
    /// Too many N bases (fastp `too_many_N_reads`).
    TooManyN,
    /// Low sequence complexity (fastp `low_complexity_reads`).
    LowComplexity,
    /// Shorter than the required length after trimming (fastp `too_short_reads`).
    TooShort,
    /// Longer than the maximum length (fastp `too_long_reads`).
    TooLong,
}

impl Reason {
    /// Every reason, in report order.
    pub const ALL: [Reason; 7] = [
        Reason::Passed,
        Reason::LowQuality,
        Reason::LowMeanQuality,
        Reason::TooManyN,
        Reason::LowComplexity,
        Reason::TooShort,
        Reason::TooLong,
    ];

    /// The key fastp's JSON report uses under `filtering_result` for this reason.
    pub fn fastp_key(self) -> &'static str {
        match self {
            Reason::Passed => "passed_filter_reads",
            Reason::LowQuality | Reason::LowMeanQuality => "low_quality_reads",
            Reason::TooManyN => "too_many_N_reads",
            Reason::LowComplexity => "low_complexity_reads",
            Reason::TooShort => "too_short_reads",
            Reason::TooLong => "too_long_reads",
        }
    }

    /// Position of this reason in [`Reason::ALL`], for counting arrays.
    pub fn index(self) -> usize {
        self as usize
    }
}
