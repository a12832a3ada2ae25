//! The reference FASTA (`--reference`/`-f`, with its `.fai`): G+C shares of the merged
//! targets for Picard's `%gc` column and AT/GC_DROPOUT.

use std::path::Path;

use noodles::core::{Position, Region};
use noodles::fasta;

use super::CoverageError;
use super::depth::ContigDepth;

fn err(path: &Path, detail: String) -> CoverageError {
    CoverageError::Reference {
        path: path.to_path_buf(),
        detail,
    }
}

/// G+C share (`C`, `G`, `c`, `g` over all bases, as htsjdk's `calculateGc`) of every merged
/// span, per reference (`names[ref]`).
pub fn gc_per_span(
    path: &Path,
    names: &[String],
    contigs: &[ContigDepth],
) -> Result<Vec<Vec<f64>>, CoverageError> {
    let mut reader = fasta::io::indexed_reader::Builder::default()
        .build_from_path(path)
        .map_err(|e| err(path, format!("cannot open it with its .fai index: {e}")))?;
    let mut out = Vec::with_capacity(contigs.len());
    for (name, c) in names.iter().zip(contigs) {
        let mut v = Vec::with_capacity(c.spans.len());
        for s in &c.spans {
            let (Some(a), Some(b)) = (
                Position::new(s.start as usize + 1),
                Position::new(s.end as usize),
            ) else {
                return Err(err(path, format!("bad span {name}:{}-{}", s.start, s.end)));
            };
            let region = Region::new(name.as_str(), a..=b);
            let rec = reader
                .query(&region)
                .map_err(|e| err(path, format!("{name}:{}-{}: {e}", s.start + 1, s.end)))?;
            let seq = rec.sequence().as_ref();
            let gc = seq
                .iter()
                .filter(|&&b| matches!(b, b'C' | b'G' | b'c' | b'g'))
                .count();
            v.push(gc as f64 / seq.len() as f64);
        }
        out.push(v);
    }
    Ok(out)
}
