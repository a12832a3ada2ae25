//! The threaded engine: one feed thread per input decompresses and frames chunks, a reader
//! thread numbers them into batches, the pipeline's own rayon pool processes batches and
//! compresses output blocks, and the calling thread puts everything back in input order.
//! Nothing here touches rayon's global pool.
//!
//! Where to look: [`run`] and the other entry points in `run.rs`; the engine of a run in
//! `engine.rs`; the reader thread in `reader.rs` (inputs framed by `feed.rs`, `umi_index.rs`);
//! per-batch work in `worker/`; the coordinator that writes batches in input order in
//! `reorder.rs`; output writers and block compression in `writer.rs`; the names of inputs and
//! outputs in `route.rs`; push mode in `push/`; [`run_watched`] in `watch.rs`.

mod batch;
mod buffers;
mod control;
mod dedup;
mod detect_sample;
mod engine;
mod failed;
mod feed;
mod merge;
mod names;
mod options;
mod overwrite;
mod push;
mod reader;
mod reorder;
mod route;
mod run;
mod setup;
mod split;
mod umi_index;
mod watch;
mod worker;
mod writer;

use std::path::PathBuf;

pub use batch::InputCounts;
pub use control::Control;
pub use failed::{PAIRED_READ_IS_FAILING, fastp_tag};
pub use options::{
    Inputs, Layout, MergeOptions, Outputs, PipelineOptions, ReadFiles, SplitBy, SplitOptions,
    WorkerPool,
};
pub use overwrite::refuse_existing;
pub use push::{PushError, PushOutput, PushSession};
pub use run::{run, run_files, run_readers, run_readers_writers, run_staged};
pub use split::part_path;
pub use watch::run_watched;
pub use writer::OutputSummary;

use crate::io;

/// What one input held.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InputSummary {
    /// The path as given.
    pub path: PathBuf,
    /// Detected container format (`plain`, `gzip`, `bgzf`).
    pub format: &'static str,
    /// Records read.
    pub records: u64,
    /// Bases read.
    pub bases: u64,
    /// MD5/SHA-256 of the file as stored, when checksums were asked for (not for stdin).
    pub checksums: Option<io::Checksums>,
}

/// What happened to one read (`PipelineOptions::read_results`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadResult {
    /// The read's number in the input (0-based); mates of a pair share it.
    pub record: u64,
    /// 0 = read 1 (or single-end), 1 = read 2.
    pub mate: u8,
    /// Bases removed from the 5' end (UMI, fixed and quality cuts).
    pub trimmed_front: usize,
    /// Bases removed as adapter (with anything after it).
    pub adapter_bases: usize,
    /// Length after trimming.
    pub length: usize,
    /// This read's filter verdict.
    pub reason: crate::filter::Reason,
    /// Written to the read output (for a pair: both mates passed).
    pub kept: bool,
}

/// The result of a run.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Summary {
    /// One entry per read input file.
    pub inputs: Vec<InputSummary>,
    /// The UMI index-read file (`--umi_loc index_file`), when there is one: one record per read
    /// (pair); not counted in `inputs`.
    pub umi_index: Option<InputSummary>,
    /// One entry per output written.
    pub outputs: Vec<OutputSummary>,
    /// Paired-end run.
    pub paired: bool,
    /// The adapter sequences trimmed for read 1 and read 2 (given or detected).
    pub adapters: [Option<String>; 2],
    /// What adapter detection found per mate (when it ran and found an adapter).
    pub detected: [Option<crate::trim::Detection>; 2],
    /// QC statistics, merged over all batches (when `PipelineOptions::stats` is on).
    #[serde(skip)]
    pub stats: Option<Box<crate::stats::RunStats>>,
}

impl Summary {
    /// The run facts of the report for a run made through the library (the C API's file and
    /// streaming modes), which has no command line of its own: the `panelprep trim` command
    /// that reads the same inputs (MultiQC takes the sample name from its `-i`) and the
    /// adapters used.
    pub fn run_info(&self) -> crate::report::RunInfo {
        let names: Vec<String> = self
            .inputs
            .iter()
            .map(|i| i.path.display().to_string())
            .collect();
        let command = match names.as_slice() {
            [a, b] => format!("panelprep trim -i {a} -I {b}"),
            [a] if self.paired => format!("panelprep trim --interleaved_in -i {a}"),
            _ => format!("panelprep trim -i {}", names.join(" ")),
        };
        crate::report::RunInfo {
            command,
            adapters: self.adapters.clone(),
            ..crate::report::RunInfo::default()
        }
    }
}
