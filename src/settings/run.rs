//! The settings of a FASTQ run as one flat JSON object: the engine keys of
//! [`EngineSettings`] and the trimming keys of [`TrimSettings`] (what the C API's `pp_options`
//! holds, set by `pp_options_set_json` and read back by `pp_options_to_json`).

use serde::{Deserialize, Serialize};

use super::{TrimSettings, json};
use crate::Error;
use crate::pipeline::{Layout, PipelineOptions};

/// Engine settings of a run, named as the CLI names them (`-` or `_`). [`Default`] is the
/// CLI's (and [`PipelineOptions::default`]'s).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EngineSettings {
    /// Worker threads, 1-256 (`-w/--thread`, alias `threads`). Default 2.
    pub thread: usize,
    /// BGZF compression level of compressed output, 0-12 (`-z/--compression`, alias
    /// `compression_level`). Default 4.
    pub compression: u32,
    /// Input qualities are Phred+64 (`-6/--phred64`). Default false.
    pub phred64: bool,
    /// Accept an input without records (`--allow-empty`). Default false.
    pub allow_empty: bool,
    /// One input holds interleaved pairs (`--interleaved_in`, alias `interleaved`). Default
    /// false.
    pub interleaved_in: bool,
    /// `true`: always BGZF output, `false`: always plain, `null`: by output name (file mode;
    /// plain in streaming mode). Default `null`.
    pub compress: Option<bool>,
    /// Input bytes per batch (`--batch-bytes`). Default 1 MiB.
    pub batch_bytes: usize,
    /// A longer record is an error. Default 256 MiB.
    pub max_record_bytes: usize,
    /// Collect the QC statistics of the report. Default true.
    pub stats: bool,
    /// MD5 and SHA-256 of every input and output. Default false.
    pub checksums: bool,
    /// Validate and copy only: no trimming, no filtering (`--passthrough`). Default false.
    pub passthrough: bool,
}

impl Default for EngineSettings {
    fn default() -> Self {
        let p = PipelineOptions::default();
        Self {
            thread: p.threads,
            compression: p.compression_level,
            phred64: p.phred64,
            allow_empty: p.allow_empty,
            interleaved_in: false,
            compress: p.compress,
            batch_bytes: p.batch_bytes,
            max_record_bytes: p.max_record_bytes,
            stats: p.stats,
            checksums: p.checksums,
            passthrough: false,
        }
    }
}

/// Other names accepted for keys: `(alias, key)`.
pub const RUN_ALIASES: &[(&str, &str)] = &[
    ("threads", "thread"),
    ("compression_level", "compression"),
    ("interleaved", "interleaved_in"),
];

/// Every setting of a FASTQ run: one flat set of keys, the CLI's long option names.
/// [`Default`] is the CLI's defaults.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunSettings {
    /// Engine keys.
    #[serde(flatten)]
    pub engine: EngineSettings,
    /// Trimming, filtering and UMI keys.
    #[serde(flatten)]
    pub trim: TrimSettings,
}

impl RunSettings {
    /// Sets the keys of the JSON object `text` (the others keep their value). Keys are the
    /// CLI's long option names, with `-` or `_`, plus [`RUN_ALIASES`]. An unknown key, a value
    /// of the wrong type or a value [`RunSettings::check`] refuses fails with
    /// [`Error::Options`] naming the key, and changes nothing.
    pub fn set_json(&mut self, text: &str) -> Result<(), Error> {
        json::apply(self, text, RUN_ALIASES, Self::check)
    }

    /// Every key with its current value, as one JSON object (compact).
    pub fn to_json(&self) -> Result<String, Error> {
        json::to_string(self)
    }

    /// Checks every value (also the trimming ones when `passthrough` is set): ranges,
    /// contradictions, adapters, the adapter FASTA file.
    pub fn check(&self) -> Result<(), Error> {
        self.pipeline_options(Layout::Single).map(drop)
    }

    /// The engine options for a run on input laid out as `layout` (adapter detection depends
    /// on it, as in `panelprep trim`).
    pub fn pipeline_options(&self, layout: Layout) -> Result<PipelineOptions, Error> {
        let e = &self.engine;
        let mut p = PipelineOptions {
            threads: e.thread,
            compression_level: e.compression,
            phred64: e.phred64,
            allow_empty: e.allow_empty,
            compress: e.compress,
            batch_bytes: e.batch_bytes,
            max_record_bytes: e.max_record_bytes,
            stats: e.stats,
            checksums: e.checksums,
            ..PipelineOptions::passthrough()
        };
        self.trim.apply(&mut p, layout != Layout::Single)?;
        if let Some(t) = &p.trim {
            crate::trim::Trimmer::new(t)?;
        }
        if e.passthrough {
            p.trim = None;
            p.filter = None;
            p.detect_adapter = [false; 2];
        }
        p.validate()?;
        Ok(p)
    }
}
