//! BAI-guided reading: the chunks of every target region, and the BAI's record counts.

use std::path::Path;

use super::super::CoverageError;
use super::{ReadRange, VPos};

/// Index-guided ranges: the BAI chunks of every target region, merged per reference.
pub fn index_ranges(
    bai: &Path,
    regions: &[(usize, u64, u64)],
) -> Result<(Vec<ReadRange>, IndexCounts), CoverageError> {
    use noodles::core::Position;
    use noodles::core::region::Interval;
    use noodles::csi::BinningIndex;
    use noodles::csi::binning_index::ReferenceSequence as _;
    let index = noodles::bam::bai::fs::read(bai).map_err(|e| CoverageError::Index {
        path: bai.to_path_buf(),
        detail: e.to_string(),
    })?;
    let mut chunks = Vec::new();
    for &(rid, start, end) in regions {
        if end <= start {
            continue;
        }
        let s = Position::try_from(start as usize + 1).map_err(|e| CoverageError::Index {
            path: bai.to_path_buf(),
            detail: e.to_string(),
        })?;
        let e = Position::try_from(end as usize).map_err(|e| CoverageError::Index {
            path: bai.to_path_buf(),
            detail: e.to_string(),
        })?;
        let q = index
            .query(rid, Interval::from(s..=e))
            .map_err(|e| CoverageError::Index {
                path: bai.to_path_buf(),
                detail: format!("query of reference {rid}: {e}"),
            })?;
        chunks.extend(q);
    }
    let merged = noodles::csi::binning_index::merge_chunks(&chunks);
    let ranges = merged
        .iter()
        .map(|c| ReadRange {
            start: VPos {
                block: c.start().compressed(),
                within: c.start().uncompressed(),
            },
            end: Some(VPos {
                block: c.end().compressed(),
                within: c.end().uncompressed(),
            }),
        })
        .collect();
    let mut counts = IndexCounts {
        references: index.reference_sequences().len(),
        ..IndexCounts::default()
    };
    for (i, rs) in index.reference_sequences().iter().enumerate() {
        if let Some(m) = rs.metadata() {
            counts.mapped += m.mapped_record_count();
            counts
                .per_reference
                .push((i, m.mapped_record_count() + m.unmapped_record_count()));
        }
    }
    counts.unplaced_unmapped = index.unplaced_unmapped_record_count().unwrap_or(0);
    Ok((ranges, counts))
}

/// Record counts stored in the BAI's metadata pseudo-bins.
#[derive(Debug, Clone, Default)]
pub struct IndexCounts {
    /// Mapped records over all references.
    pub mapped: u64,
    /// (reference id, records placed on it) for references with metadata.
    pub per_reference: Vec<(usize, u64)>,
    /// Unmapped records without a position.
    pub unplaced_unmapped: u64,
    /// Reference sequences the index lists.
    pub references: usize,
}
