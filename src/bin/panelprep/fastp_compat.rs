//! fastp's spellings of `panelprep trim`'s inputs, outputs and report options: `--stdin`,
//! `--stdout` (interleaved pairs on stdout, as fastp), `--dont_overwrite` for the report files
//! (the library checks the read outputs), `-R/--report_title`, and where `--merge` writes.

use std::path::{Path, PathBuf};

use panelprep::pipeline::{Outputs, ReadFiles};
use panelprep::settings::TrimSettings;

/// What the fastp-style switches of `trim` resolve to.
pub struct Resolved {
    pub reads: ReadFiles,
    pub outputs: Outputs,
}

/// Read inputs and outputs from the paths and fastp's `--stdin` / `--stdout`: stdin is read 1's
/// input (`-`), stdout takes every passing read (both mates interleaved for pairs).
#[allow(clippy::too_many_arguments)]
pub fn resolve(
    in1: Option<&Path>,
    in2: Option<&Path>,
    interleaved: bool,
    stdin: bool,
    out: [Option<&Path>; 2],
    stdout: bool,
    unpaired: [Option<&Path>; 2],
) -> Result<Resolved, panelprep::Error> {
    let in1 = match (in1, stdin) {
        (Some(p), false) => p.to_path_buf(),
        (None, true) => PathBuf::from("-"),
        // clap refuses both and neither; kept as errors for callers of this function.
        (Some(_), true) => return Err(opts("--stdin and --in1 both given")),
        (None, false) => return Err(opts("no input: give --in1 or --stdin")),
    };
    let reads = match (in2, interleaved) {
        (Some(_), true) => return Err(opts("--interleaved_in takes one input file")),
        (Some(in2), false) => ReadFiles::Paired(in1, in2.to_path_buf()),
        (None, true) => ReadFiles::Interleaved(in1),
        (None, false) => ReadFiles::Single(in1),
    };
    let [out1, out2] = out.map(|p| p.map(Path::to_path_buf));
    let (out1, out2) = if stdout {
        if out1.is_some() || out2.is_some() {
            return Err(opts("--stdout takes the place of --out1/--out2"));
        }
        (Some(PathBuf::from("-")), None)
    } else {
        (out1, out2)
    };
    let [unpaired1, unpaired2] = unpaired.map(|p| p.map(Path::to_path_buf));
    Ok(Resolved {
        reads,
        outputs: Outputs {
            out1,
            out2,
            unpaired1,
            unpaired2,
        },
    })
}

/// fastp's output rules of `--merge` (`Options::validate` in fastp 0.23.2), applied to
/// `settings` and `outputs`: with --stdout the merged reads go to stdout; without
/// --merged_out, --out1 given alone takes them; with --include_unmerged, --out1/--out2 and
/// --unpaired1/2 are ignored (with a note). --merged_out without --merge is ignored (with a
/// note). Returns the notes to print.
pub fn merge_outputs(
    settings: &mut TrimSettings,
    outputs: &mut Outputs,
    stdout: bool,
) -> Result<Vec<String>, panelprep::Error> {
    let mut notes = Vec::new();
    if !settings.merge {
        if let Some(p) = settings.merged_out.take() {
            notes.push(format!(
                "--merged_out {} ignored: merging is off (-m/--merge)",
                p.display()
            ));
        }
        if settings.include_unmerged {
            notes.push("--include_unmerged ignored: merging is off (-m/--merge)".into());
            settings.include_unmerged = false;
        }
        return Ok(notes);
    }
    if stdout {
        if settings.merged_out.is_some() {
            return Err(opts("--stdout takes the place of --merged_out"));
        }
        settings.merged_out = Some(PathBuf::from("-"));
        outputs.out1 = None;
    } else if settings.merged_out.is_none() && outputs.out2.is_none() {
        match outputs.out1.take() {
            Some(p) => {
                notes.push(format!(
                    "--out1 {} takes the merged reads (no --merged_out), as in fastp",
                    p.display()
                ));
                settings.merged_out = Some(p);
            }
            None => return Err(opts("--merge needs --merged_out or --stdout")),
        }
    } else if settings.merged_out.is_none() {
        return Err(opts("--merge needs --merged_out or --stdout"));
    }
    if settings.include_unmerged {
        let named = [
            ("--out1", &mut outputs.out1),
            ("--out2", &mut outputs.out2),
            ("--unpaired1", &mut outputs.unpaired1),
            ("--unpaired2", &mut outputs.unpaired2),
        ];
        for (name, p) in named {
            if let Some(p) = p.take() {
                notes.push(format!(
                    "{name} {} ignored: --include_unmerged writes every read to --merged_out",
                    p.display()
                ));
            }
        }
    }
    Ok(notes)
}

/// fastp ignores `--unpaired1/2` when splitting (`-s`, `-S`); returns the notes to print.
pub fn split_outputs(settings: &TrimSettings, outputs: &mut Outputs) -> Vec<String> {
    let mut notes = Vec::new();
    if settings.split.is_none() && settings.split_by_lines.is_none() {
        return notes;
    }
    for (name, p) in [
        ("--unpaired1", &mut outputs.unpaired1),
        ("--unpaired2", &mut outputs.unpaired2),
    ] {
        if let Some(p) = p.take() {
            notes.push(format!(
                "{name} {} ignored: unpaired reads are not written when splitting, as in fastp",
                p.display()
            ));
        }
    }
    notes
}

fn opts(m: &str) -> panelprep::Error {
    panelprep::Error::Options(m.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stdin_and_stdout_become_dashes() {
        let r = resolve(None, None, true, true, [None, None], true, [None, None]).expect("ok");
        assert_eq!(r.reads, ReadFiles::Interleaved(PathBuf::from("-")));
        assert_eq!(r.outputs.out1, Some(PathBuf::from("-")));
        assert_eq!(r.outputs.out2, None);
        let o = Path::new("o.fq");
        let e = resolve(
            Some(o),
            None,
            false,
            false,
            [Some(o), None],
            true,
            [None, None],
        );
        assert!(e.is_err());
    }
}
