//! What a run checks and prepares before the engine starts: output paths against the inputs,
//! and adapter detection from the first records of path inputs.

use std::path::PathBuf;
use std::sync::Arc;

use super::reader::BatchSource;
use super::{Inputs, Outputs, PipelineOptions};
use crate::error::Error;
use crate::fastq::Chunker;
use crate::io;

/// Reads the first records of path inputs and fills in the adapters asked to be detected.
pub(super) fn detect_adapters(
    opts: &mut PipelineOptions,
    inputs: &Inputs,
    pool: &Arc<rayon::ThreadPool>,
) -> Result<(), Error> {
    const SAMPLE: usize = 32 * 1024;
    let Some(trim) = opts.trim.as_mut() else {
        return Ok(());
    };
    if !trim.adapter_trimming {
        return Ok(());
    }
    let want = [
        opts.detect_adapter[0] && trim.adapter_r1.is_none(),
        opts.detect_adapter[1] && trim.adapter_r2.is_none(),
    ];
    let paths = inputs.paths();
    for mate in 0..2 {
        if !want[mate] {
            continue;
        }
        let (path, stride, offset) = match inputs {
            Inputs::Single(p) => (p, 1, 0),
            Inputs::Paired(..) => (&paths[mate], 1, 0),
            Inputs::Interleaved(p) => (p, 2, mate),
        };
        if path.as_os_str() == "-" || (matches!(inputs, Inputs::Single(_)) && mate == 1) {
            continue; // stdin cannot be read twice (fastp skips detection there too)
        }
        if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
            continue; // nor can a fifo or a pipe (`-i <(zcat x.gz)`): only regular files
        }
        let src = io::open(path, pool.clone(), false)?;
        let copts = BatchSource::chunker_options(path.clone(), 1 << 20, opts.max_record_bytes);
        let mut chunker = Chunker::new(src.reader, copts);
        if let Some(chunk) = chunker.next_chunk(Some(SAMPLE * stride))? {
            let recs: Vec<_> = chunk.records().skip(offset).step_by(stride).collect();
            let found = crate::trim::detect_adapter_se(&recs);
            if mate == 0 {
                trim.adapter_r1 = found
            } else {
                trim.adapter_r2 = found
            }
        }
    }
    Ok(())
}

/// Refuses outputs that contradict the inputs or each other, or that would overwrite an input
/// (`in_paths`: every input file, the UMI index file included).
pub(super) fn check_outputs(
    inputs: &Inputs,
    outputs: &Outputs,
    in_paths: &[PathBuf],
) -> Result<(), Error> {
    if !inputs.is_paired() && outputs.out2.is_some() {
        return Err(Error::Options("a second output needs paired input".into()));
    }
    if outputs.out2.is_some() && outputs.out1.is_none() {
        return Err(Error::Options(
            "a second output needs a first output".into(),
        ));
    }
    if let (Some(a), Some(b)) = (&outputs.out1, &outputs.out2) {
        if a == b && a.as_os_str() != "-" {
            return Err(Error::Options(format!("both outputs are {}", a.display())));
        }
        if a.as_os_str() == "-" && b.as_os_str() == "-" {
            return Err(Error::Options("only one output can go to stdout".into()));
        }
    }
    if !inputs.is_paired() && (outputs.unpaired1.is_some() || outputs.unpaired2.is_some()) {
        return Err(Error::Options("unpaired outputs need paired input".into()));
    }
    let all = outputs.paths();
    for (i, out) in all.iter().enumerate() {
        io::check_not_input(out, in_paths)?;
        let dup = all[..i].iter().any(|o| o == out && o.as_os_str() != "-");
        let same_unpaired = i == 3 && outputs.unpaired1 == outputs.unpaired2;
        if dup && !same_unpaired {
            return Err(Error::Options(format!(
                "{} is given as two different outputs",
                out.display()
            )));
        }
    }
    Ok(())
}
