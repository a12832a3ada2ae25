//! What a run checks before the engine starts: output paths against the inputs (adapter
//! detection is in `detect_sample.rs`).

use std::path::PathBuf;

use super::{Inputs, Outputs};
use crate::error::Error;
use crate::io;

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
