//! `pp_validate_file`: check one FASTQ file (any container format) and count its records.

use std::ffi::c_char;
use std::path::PathBuf;

use super::boundary::{arg_str, boundary};
use super::pp_status;
use crate::pipeline::{self, Control, Inputs, Layout, Outputs};
use crate::settings::EngineSettings;

/// Validates the FASTQ file at `path` with `threads` workers (0 = 2) and writes its record
/// count to `*records` (may be NULL). Returns `PP_STATUS_OK` or the first error's status; the
/// message is in `pp_last_error_message()`. `path` is borrowed for the call only. A shortcut
/// for `pp_run_se` with no output.
#[unsafe(no_mangle)]
pub extern "C" fn pp_validate_file(
    path: *const c_char,
    threads: u32,
    records: *mut u64,
) -> pp_status {
    boundary(|| {
        let path = PathBuf::from(arg_str(path, "path")?);
        let engine = EngineSettings {
            thread: match threads {
                0 => EngineSettings::default().thread,
                n => n as usize,
            },
            ..EngineSettings::default()
        };
        let opts = engine.validation_options(Layout::Single)?;
        let s = pipeline::run(
            &opts,
            &Inputs::single(path),
            &Outputs::default(),
            &Control::new(),
        )?;
        if let Some(out) = super::handle::out(records) {
            *out = s.inputs.first().map_or(0, |i| i.records);
        }
        Ok(())
    })
}

super::symver::versions!("validate.rs");
