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
    if !inputs.is_paired() && (outputs.unpaired1.is_some() || outputs.unpaired2.is_some()) {
        return Err(Error::Options("unpaired outputs need paired input".into()));
    }
    io::check_distinct(&input_files(inputs, in_paths), &output_files(outputs))?;
    Ok(())
}

/// The inputs with their option names: reads (`-i`, `-I`), then the UMI index file.
pub(crate) fn input_files(inputs: &Inputs, in_paths: &[PathBuf]) -> Vec<io::RunFile> {
    let reads = inputs.paths().len();
    in_paths
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let role = match i {
                0 => "-i",
                1 if i < reads => "-I",
                _ => "--umi_index_file",
            };
            io::RunFile::new(role, p)
        })
        .collect()
}

/// The read outputs with their option names; one unpaired file for both mates counts once.
pub(crate) fn output_files(outputs: &Outputs) -> Vec<io::RunFile> {
    let mut v = Vec::new();
    let named = [
        ("-o", &outputs.out1),
        ("-O", &outputs.out2),
        ("--unpaired1", &outputs.unpaired1),
        ("--unpaired2", &outputs.unpaired2),
    ];
    for (role, p) in named {
        if let Some(p) = p {
            v.push(io::RunFile::new(role, p));
        }
    }
    if same_unpaired(outputs) {
        v.pop();
    }
    v
}

/// Both mates' unpaired reads go to one file (the same file, however it is spelled).
pub(crate) fn same_unpaired(outputs: &Outputs) -> bool {
    match (&outputs.unpaired1, &outputs.unpaired2) {
        (Some(a), Some(b)) => io::same_file(a, b),
        _ => false,
    }
}
