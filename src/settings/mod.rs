//! Settings with the CLI's names: the options of `panelprep trim` and `panelprep coverage` as
//! plain serde structs, their defaults (the CLI's, fastp's and mosdepth's), and their mapping to
//! the library's option structs.
//!
//! The same structs are the CLI's arguments (they derive `clap::Args` with the default `cli`
//! feature), the Rust API, and the JSON keys of the C API (`pp_options_set_json`,
//! `pp_coverage_options_set_json`), so there is one list of names, defaults and help texts.
//!
//! # Examples
//!
//! Settings from JSON, as the C API's `pp_options_set_json` takes them:
//!
//! ```
//! use panelprep::settings::RunSettings;
//! let mut s = RunSettings::default();
//! s.set_json(r#"{"thread": 4, "adapter_sequence": "AGATCGGAAGAGC", "cut_tail": true}"#)?;
//! assert!(s.trim.cut_tail);
//! let err = s.set_json(r#"{"cut_tails": true}"#).unwrap_err();
//! assert!(err.to_string().contains("cut_tails"));
//! # Ok::<(), panelprep::Error>(())
//! ```

mod coverage;
mod json;
mod run;
mod trim;
mod trim_options;
mod trim_values;

#[cfg(test)]
mod tests;

pub use coverage::{COVERAGE_ALIASES, CoverageSettings, MateOverlapName, PresetName, ScanName};
pub use run::{EngineSettings, RUN_ALIASES, RunSettings};
pub use trim::TrimSettings;
pub use trim_values::{AdapterPresetName, UmiLocName};
