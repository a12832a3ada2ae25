//! `.crai`-guided reading: the containers whose index entries overlap a target.

use std::collections::HashMap;
use std::path::Path;

use noodles::cram;

use super::super::CoverageError;
use super::super::bam::IndexCounts;

/// Offsets of the containers that the `.crai` lists as overlapping a target region (in file
/// order, each once), and the references that have records (a CRAI has no record counts, so
/// `mapped` stays 0). An index older than its CRAM, or pointing past its end, is refused.
pub fn index_containers(
    cram: &Path,
    crai: &Path,
    regions: &[(usize, u64, u64)],
) -> Result<(Vec<u64>, IndexCounts), CoverageError> {
    let index_err = |detail: String| CoverageError::Index {
        path: crai.to_path_buf(),
        detail,
    };
    let meta = |p: &Path| {
        std::fs::metadata(p).map_err(|source| CoverageError::Io {
            path: p.to_path_buf(),
            action: "stat",
            source,
        })
    };
    let (cram_meta, crai_meta) = (meta(cram)?, meta(crai)?);
    let secs = |m: &std::fs::Metadata| {
        m.modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_secs())
    };
    if let (Some(a), Some(i)) = (secs(&cram_meta), secs(&crai_meta))
        && i < a
    {
        return Err(index_err(format!(
            "does not belong to {}: the index is older than the CRAM ({} s); rebuild it with \
             `samtools index`, or run with --scan full",
            cram.display(),
            a - i
        )));
    }
    let index =
        cram::crai::fs::read(crai).map_err(|e| index_err(format!("cannot be read: {e}")))?;
    let mut by_ref: HashMap<usize, Vec<(u64, u64)>> = HashMap::new();
    for &(r, s, e) in regions {
        if e > s {
            by_ref.entry(r).or_default().push((s, e));
        }
    }
    for v in by_ref.values_mut() {
        v.sort_unstable();
    }
    let mut offsets = Vec::new();
    let mut with_records: Vec<usize> = Vec::new();
    for rec in index.iter() {
        let (Some(r), Some(start)) = (rec.reference_sequence_id(), rec.alignment_start()) else {
            continue;
        };
        if !with_records.contains(&r) {
            with_records.push(r);
        }
        if rec.offset() >= cram_meta.len() {
            return Err(index_err(format!(
                "does not belong to {}: a container starts at byte {}, past the end of the \
                 {}-byte CRAM; rebuild it with `samtools index`, or run with --scan full",
                cram.display(),
                rec.offset(),
                cram_meta.len()
            )));
        }
        let a = usize::from(start) as u64 - 1;
        let b = a + rec.alignment_span().max(1) as u64;
        let Some(spans) = by_ref.get(&r) else {
            continue;
        };
        // spans sorted by start: the first span starting at or after `b` ends the search
        let upto = spans.partition_point(|&(s, _)| s < b);
        if spans[..upto].iter().any(|&(_, e)| e > a) {
            offsets.push(rec.offset());
        }
    }
    offsets.sort_unstable();
    offsets.dedup();
    let counts = IndexCounts {
        mapped: 0,
        per_reference: with_records.into_iter().map(|r| (r, 1)).collect(),
        unplaced_unmapped: 0,
        references: 0,
    };
    Ok((offsets, counts))
}
