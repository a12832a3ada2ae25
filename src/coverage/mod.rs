//! Panel coverage from a coordinate-sorted BAM and a target BED.

/// Errors of the coverage layer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CoverageError {
    /// Placeholder until the coverage engine lands.
    #[error("coverage: {0}")]
    Other(String),
}
