//! What a run checks before the engine starts: output paths against the inputs (adapter
//! detection is in `detect_sample.rs`).

use super::{Inputs, Outputs};
use crate::error::Error;
use crate::io;

/// Refuses outputs that contradict the inputs or each other (file identities: see
/// [`super::run_files`] and [`io::check_distinct`]).
pub(super) fn check_outputs(inputs: &Inputs, outputs: &Outputs) -> Result<(), Error> {
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
    Ok(())
}

/// The inputs with their option names: reads (`-i`, `-I`), then the UMI index file.
pub(crate) fn input_files(inputs: &Inputs) -> Vec<io::RunFile> {
    let reads = inputs.paths();
    let mut files: Vec<io::RunFile> = reads
        .iter()
        .zip(["-i", "-I"])
        .map(|(p, role)| io::RunFile::new(role, p))
        .collect();
    files.extend(
        inputs
            .umi_index
            .as_ref()
            .map(|p| io::RunFile::new("--umi_index_file", p)),
    );
    files
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
