//! The settings of a FASTQ run as one flat JSON object: the engine keys of
//! [`EngineSettings`] and the trimming keys of [`TrimSettings`] (what the C API's `pp_options`
//! holds, set by `pp_options_set_json` and read back by `pp_options_to_json`).

use serde::{Deserialize, Serialize};

use super::{TrimSettings, json};
use crate::Error;
use crate::pipeline::{Inputs, Layout, Outputs, PipelineOptions, ReadFiles};

/// Engine settings of a run, named as the CLI names them (`-` or `_`). [`Default`] is the
/// CLI's (and [`PipelineOptions::default`]'s). With the `cli` feature they are the engine
/// options of `panelprep trim` and `panelprep validate` (clap takes its defaults from
/// [`Default`]); the keys without a flag are set by the CLI from its other options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[serde(deny_unknown_fields, default)]
pub struct EngineSettings {
    /// Worker threads, 1-256 (`-w/--thread`, alias `threads`). Default 2.
    #[cfg_attr(feature = "cli", arg(
        short = 'w',
        long = "thread",
        visible_alias = "threads",
        default_value_t = EngineSettings::default().thread,
        value_name = "THREADS",
        help = "Worker threads"
    ))]
    pub thread: usize,
    /// BGZF compression level of compressed output, 0-12 (`-z/--compression`, alias
    /// `compression_level`). Default 4.
    #[cfg_attr(feature = "cli", arg(
        short = 'z',
        long = "compression",
        default_value_t = EngineSettings::default().compression,
        help = "Compression level of gzip (BGZF) output, 0-12"
    ))]
    pub compression: u32,
    /// Input qualities are Phred+64 (`-6/--phred64`). Default false.
    #[cfg_attr(
        feature = "cli",
        arg(
            short = '6',
            long = "phred64",
            help = "Input qualities are Phred+64 (converted to Phred+33 on output)"
        )
    )]
    pub phred64: bool,
    /// Accept an input without records (`--allow-empty`). Default false.
    #[cfg_attr(
        feature = "cli",
        arg(
            long = "allow-empty",
            help = "Accept inputs that hold no record (an error by default)"
        )
    )]
    pub allow_empty: bool,
    /// One input holds interleaved pairs (`--interleaved_in`, alias `interleaved`). Default
    /// false. The CLI sets it from its input options.
    #[cfg_attr(feature = "cli", arg(skip))]
    pub interleaved_in: bool,
    /// `true`: always BGZF output, `false`: always plain, `null`: by output name (file mode;
    /// plain in streaming mode). Default `null`.
    #[cfg_attr(feature = "cli", arg(skip))]
    pub compress: Option<bool>,
    /// Input bytes per batch (`--batch-bytes`). Default 1 MiB.
    #[cfg_attr(feature = "cli", arg(
        long = "batch-bytes",
        default_value_t = EngineSettings::default().batch_bytes,
        hide = true,
        help = "Input bytes per batch"
    ))]
    pub batch_bytes: usize,
    /// A longer record is an error. Default 256 MiB.
    #[cfg_attr(feature = "cli", arg(skip = EngineSettings::default().max_record_bytes))]
    pub max_record_bytes: usize,
    /// Collect the QC statistics of the report. Default true. The CLI sets it from its report
    /// options.
    #[cfg_attr(feature = "cli", arg(skip = EngineSettings::default().stats))]
    pub stats: bool,
    /// MD5 and SHA-256 of every input and output. Default false. The CLI sets it from
    /// `--manifest`.
    #[cfg_attr(feature = "cli", arg(skip))]
    pub checksums: bool,
    /// Validate and copy only: no trimming, no filtering (`--passthrough`). Default false.
    /// The CLI sets it from its own flag.
    #[cfg_attr(feature = "cli", arg(skip))]
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

impl EngineSettings {
    /// The engine options of a validation-only run on input laid out as `layout`
    /// (`panelprep validate`, `pp_validate_file`): every record checked and counted, nothing
    /// trimmed or filtered, no report statistics.
    pub fn validation_options(&self, layout: Layout) -> Result<PipelineOptions, Error> {
        RunSettings {
            engine: EngineSettings {
                interleaved_in: layout == Layout::Interleaved,
                passthrough: true,
                stats: false,
                ..self.clone()
            },
            trim: TrimSettings::default(),
        }
        .pipeline_options(layout)
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

    /// The `params` of the upload manifest of a run on `inputs` into `outputs`: every key of
    /// [`RunSettings::to_json`] with its value, plus `inputs` (the input paths) and `outputs`
    /// (read 1's and read 2's output, `null` when none).
    pub fn manifest_params(
        &self,
        inputs: &Inputs,
        outputs: &Outputs,
    ) -> Result<serde_json::Value, Error> {
        let mut params = json::object(self)?;
        let paths = |v: &[Option<&std::path::Path>]| serde_json::json!(v);
        params.insert("inputs".into(), serde_json::json!(inputs.paths()));
        params.insert(
            "outputs".into(),
            paths(&[outputs.out1.as_deref(), outputs.out2.as_deref()]),
        );
        Ok(serde_json::Value::Object(params))
    }

    /// The inputs of a run on `reads`: the reads and the UMI index-read file of
    /// `umi_index_file` (none with `passthrough`, which extracts no UMI).
    pub fn inputs(&self, reads: ReadFiles) -> Inputs {
        Inputs {
            reads,
            umi_index: self
                .trim
                .umi_index_file
                .clone()
                .filter(|_| !self.engine.passthrough),
        }
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
