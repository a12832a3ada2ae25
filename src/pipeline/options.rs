//! What a pipeline run reads, writes and how: [`PipelineOptions`] and the option types it
//! holds ([`MergeOptions`], [`SplitOptions`], [`WorkerPool`]). The features' own modules
//! (`merge`, `split`) use these; this file depends on none of them.

use std::path::PathBuf;
use std::sync::Arc;

use crate::error::Error;

/// The FASTQ read files of a run and how they hold the reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadFiles {
    /// Single-end reads (`-` = stdin).
    Single(PathBuf),
    /// Paired-end reads in two files, R1 and R2.
    Paired(PathBuf, PathBuf),
    /// Paired-end reads interleaved in one file (R1, R2, R1, R2...).
    Interleaved(PathBuf),
}

/// How reads are laid out in the inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Single-end reads, one input.
    Single,
    /// Mates in two inputs.
    Paired,
    /// Mates alternating in one input.
    Interleaved,
}

impl ReadFiles {
    /// The layout of these reads.
    pub fn layout(&self) -> Layout {
        match self {
            ReadFiles::Single(_) => Layout::Single,
            ReadFiles::Paired(..) => Layout::Paired,
            ReadFiles::Interleaved(_) => Layout::Interleaved,
        }
    }

    /// The read paths, R1 first.
    pub fn paths(&self) -> Vec<PathBuf> {
        match self {
            ReadFiles::Single(p) | ReadFiles::Interleaved(p) => vec![p.clone()],
            ReadFiles::Paired(a, b) => vec![a.clone(), b.clone()],
        }
    }
}

/// Every input file of a run: the reads and, with `--umi_loc index_file`, the UMI index-read
/// file. Build them with [`Inputs::single`], [`Inputs::paired`] or [`Inputs::interleaved`]
/// (and [`Inputs::with_umi_index`]), or from [`ReadFiles`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inputs {
    /// The read files.
    pub reads: ReadFiles,
    /// The UMI index-read FASTQ (`--umi_index_file`; plain, gzip or BGZF): record N holds the
    /// UMI of read (pair) N and carries read 1's name. Required with
    /// [`crate::trim::UmiLoc::IndexFile`], refused without it.
    pub umi_index: Option<PathBuf>,
}

impl From<ReadFiles> for Inputs {
    fn from(reads: ReadFiles) -> Self {
        Self {
            reads,
            umi_index: None,
        }
    }
}

impl Inputs {
    /// Single-end reads in one file (`-` = stdin).
    pub fn single(path: impl Into<PathBuf>) -> Self {
        ReadFiles::Single(path.into()).into()
    }

    /// Paired-end reads in two files, R1 and R2.
    pub fn paired(r1: impl Into<PathBuf>, r2: impl Into<PathBuf>) -> Self {
        ReadFiles::Paired(r1.into(), r2.into()).into()
    }

    /// Paired-end reads interleaved in one file.
    pub fn interleaved(path: impl Into<PathBuf>) -> Self {
        ReadFiles::Interleaved(path.into()).into()
    }

    /// These inputs with `path` as the UMI index-read file.
    pub fn with_umi_index(self, path: impl Into<PathBuf>) -> Self {
        Self {
            umi_index: Some(path.into()),
            ..self
        }
    }

    /// The layout of the reads.
    pub fn layout(&self) -> Layout {
        self.reads.layout()
    }

    /// The read paths, R1 first (not the UMI index file: see [`Inputs::all_paths`]).
    pub fn paths(&self) -> Vec<PathBuf> {
        self.reads.paths()
    }

    /// Every input path: the reads (R1 first), then the UMI index file.
    pub fn all_paths(&self) -> Vec<PathBuf> {
        let mut paths = self.reads.paths();
        paths.extend(self.umi_index.clone());
        paths
    }

    /// True for paired-end input (two files or interleaved).
    pub fn is_paired(&self) -> bool {
        !matches!(self.reads, ReadFiles::Single(_))
    }
}

/// Where the surviving reads go. `None` paths discard (validation only); `-` is stdout.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outputs {
    /// R1 (or single-end) output; for paired input without `out2`, both mates interleaved.
    pub out1: Option<PathBuf>,
    /// R2 output for paired input.
    pub out2: Option<PathBuf>,
    /// Read 1 of pairs whose read 2 failed a filter (fastp `--unpaired1`).
    pub unpaired1: Option<PathBuf>,
    /// Read 2 of pairs whose read 1 failed a filter (fastp `--unpaired2`; the same path as
    /// `unpaired1` writes both there).
    pub unpaired2: Option<PathBuf>,
}

impl Outputs {
    /// Reads to `out1` (and `out2` for pairs).
    pub fn new(out1: impl Into<PathBuf>, out2: Option<PathBuf>) -> Self {
        Self {
            out1: Some(out1.into()),
            out2,
            ..Self::default()
        }
    }

    /// Every output path given.
    pub fn paths(&self) -> Vec<PathBuf> {
        [&self.out1, &self.out2, &self.unpaired1, &self.unpaired2]
            .into_iter()
            .flatten()
            .cloned()
            .collect()
    }
}

/// Engine settings. Defaults: fastp's trimming and filtering defaults, 2 worker threads, 1 MiB
/// batches, Phred+33, compression level 4 (fastp's default), gzip output chosen by a `.gz`
/// output name. [`PipelineOptions::passthrough`] validates and copies reads unchanged.
#[derive(Debug, Clone, PartialEq)]
pub struct PipelineOptions {
    /// Trimming steps; `None` leaves reads as they are.
    pub trim: Option<crate::trim::TrimOptions>,
    /// Read filters; `None` keeps every read.
    pub filter: Option<crate::filter::FilterOptions>,
    /// Detect the 3' adapter of read 1 / read 2 from the first reads when none is given (fastp
    /// does it for single-end input; not possible on stdin, where it is skipped as in fastp).
    pub detect_adapter: [bool; 2],
    /// Worker threads in the pipeline's own pool (decompression of plain gzip and the ordered
    /// writer have a thread each besides these).
    pub threads: usize,
    /// Input bytes per batch; batches are cut at the first record boundary past this size.
    pub batch_bytes: usize,
    /// Input qualities are Phred+64 (converted to Phred+33 on output, as fastp does).
    pub phred64: bool,
    /// Compression level for gzip (BGZF) output, 0-12 (libdeflate levels; 1-9 match gzip's).
    pub compression_level: u32,
    /// Force BGZF output even when the output name does not end in `.gz` (`Some(false)` forces
    /// plain output); `None` decides by the name.
    pub compress: Option<bool>,
    /// A record longer than this many bytes is an error.
    pub max_record_bytes: usize,
    /// Accept an input without any record (an empty file is an error by default: for an upload
    /// it almost always means a failed copy or run).
    pub allow_empty: bool,
    /// Collect the QC statistics (before/after filtering, duplication, overrepresented
    /// sequences...) that feed the JSON and HTML reports.
    pub stats: bool,
    /// Compute SHA-256 (and MD5 unless `checksum_md5` is off) of every input and output file
    /// as the bytes stream through (for the upload manifest).
    pub checksums: bool,
    /// With `checksums`, MD5 too (default true; `panelprep trim` turns it off unless
    /// `--manifest-checksums` names `md5`: MD5 costs ~2.7 times SHA-256 per byte).
    pub checksum_md5: bool,

    // --- fastp command-line compatibility (issue 20). ---
    /// Process only the first N reads (single-end) or pairs, 0 = all (fastp
    /// `--reads_to_process`); the rest of the input is not read.
    pub reads_to_process: u64,
    /// Fail before reading anything when an output file already exists (fastp
    /// `--dont_overwrite`).
    pub dont_overwrite: bool,
    /// Reads that fail a filter, with the reason in the title (fastp `--failed_out`); file
    /// mode only (see `pipeline::failed`).
    pub failed_out: Option<PathBuf>,
    /// Merge overlapping pairs into one read (fastp `--merge`); file mode only (see
    /// `pipeline::merge`).
    pub merge: Option<MergeOptions>,
    /// Drop reads (pairs) whose sequences repeat an earlier one's, keeping the first in input
    /// order (fastp `--dedup`; see `pipeline::dedup`).
    pub dedup: bool,
    /// A space before a title's trailing `/1` `/2` (fastp `--fix_mgi_id`).
    pub fix_mgi_id: bool,
    /// Barcode files of index 1 / index 2: reads (pairs) whose index in the title matches one
    /// are dropped (fastp `--filter_by_index1/2`; see `pipeline::names`).
    pub filter_by_index: [Option<PathBuf>; 2],
    /// Mismatches allowed by `filter_by_index` (fastp `--filter_by_index_threshold`).
    pub filter_by_index_threshold: usize,
    /// Split `out1`/`out2` into numbered files (fastp `-s`, `-S`, `-d`); file mode only (see
    /// `pipeline::split`).
    pub split: Option<SplitOptions>,

    /// A worker pool shared with other runs: `None` (the default) starts a pool of
    /// [`PipelineOptions::threads`] threads for each run; `Some` runs the batches and the
    /// parallel (de)compression on the given pool instead (then `threads` only sizes the
    /// number of batches in flight).
    pub pool: Option<WorkerPool>,
    /// Record what happened to every read ([`super::ReadResult`]) for
    /// [`super::Control::take_read_results`]. Off by default: costs memory until taken.
    pub read_results: bool,
}

/// A pool of worker threads several runs can share (three sessions on a 4-thread pool use 4
/// worker threads, not 3 x 4). Cheap to clone; the threads exit when the last clone is
/// dropped. Runs never touch rayon's global pool.
#[derive(Clone)]
pub struct WorkerPool(std::sync::Arc<rayon::ThreadPool>);

impl WorkerPool {
    /// Starts `threads` worker threads (1-256).
    pub fn new(threads: usize) -> Result<Self, crate::Error> {
        if !(1..=256).contains(&threads) {
            return Err(crate::Error::Options(format!(
                "a worker pool has 1 to 256 threads, not {threads}"
            )));
        }
        build_pool(threads).map(Self)
    }

    /// Its number of threads.
    pub fn threads(&self) -> usize {
        self.0.current_num_threads()
    }

    pub(crate) fn rayon(&self) -> std::sync::Arc<rayon::ThreadPool> {
        self.0.clone()
    }
}

impl std::fmt::Debug for WorkerPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "WorkerPool({} threads)", self.threads())
    }
}

impl PartialEq for WorkerPool {
    /// The same pool.
    fn eq(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Default for PipelineOptions {
    fn default() -> Self {
        Self {
            trim: Some(crate::trim::TrimOptions::default()),
            filter: Some(crate::filter::FilterOptions::default()),
            detect_adapter: [true, false],
            threads: 2,
            batch_bytes: 1 << 20,
            phred64: false,
            compression_level: 4,
            compress: None,
            max_record_bytes: 256 << 20,
            allow_empty: false,
            stats: true,
            checksums: false,
            checksum_md5: true,
            reads_to_process: 0,
            dont_overwrite: false,
            failed_out: None,
            merge: None,
            dedup: false,
            fix_mgi_id: false,
            filter_by_index: [None, None],
            filter_by_index_threshold: 0,
            split: None,
            pool: None,
            read_results: false,
        }
    }
}

impl PipelineOptions {
    /// A fresh hasher for one input or output when checksums are on.
    pub(crate) fn hasher(&self) -> Option<crate::io::Hasher> {
        self.checksums
            .then(|| crate::io::Hasher::with_md5(self.checksum_md5))
    }

    /// Validation only: no trimming, no filtering, reads copied unchanged.
    pub fn passthrough() -> Self {
        Self {
            trim: None,
            filter: None,
            detect_adapter: [false; 2],
            ..Self::default()
        }
    }

    /// Checks ranges; returns a message naming the bad option.
    pub fn validate(&self) -> Result<(), crate::Error> {
        let bad = |m: String| Err(crate::Error::Options(m));
        if self.threads == 0 || self.threads > 256 {
            return bad(format!("threads must be 1-256, got {}", self.threads));
        }
        if self.compression_level > 12 {
            return bad(format!(
                "compression level must be 0-12, got {}",
                self.compression_level
            ));
        }
        if self.batch_bytes == 0 || self.batch_bytes > 256 << 20 {
            return bad(format!(
                "batch size must be 1 B - 256 MiB, got {}",
                self.batch_bytes
            ));
        }
        if let Some(s) = &self.split {
            s.validate()?;
            if self.merge.is_some() {
                return bad(
                    "splitting (--split, --split_by_lines) cannot work with --merge".into(),
                );
            }
        }
        if let Some(u) = self.trim.as_ref().and_then(|t| t.umi.as_ref()) {
            u.validate().or_else(bad)?;
        }
        Ok(())
    }

    /// Whether output to `path` is compressed.
    pub fn compresses(&self, path: &std::path::Path) -> bool {
        self.compress.unwrap_or_else(|| {
            path.extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("gz") || e == "bgz")
        })
    }
}

/// fastp's merging mode.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MergeOptions {
    /// Where merged reads go (`-` = stdout; `None` discards them).
    pub out: Option<PathBuf>,
    /// Unmerged pairs' passing reads go to `out` too, one by one (fastp
    /// `--include_unmerged`), instead of the read outputs.
    pub include_unmerged: bool,
}

/// How the read outputs are split.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SplitBy {
    /// Into this many files (fastp `-s`), 2-999.
    Files(usize),
    /// Into files of this many lines (fastp `-S`): a multiple of 4, at least 1000.
    Lines(u64),
}

/// fastp's splitting of the read outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SplitOptions {
    /// By file count or by lines.
    pub by: SplitBy,
    /// Digits of the file number, 0-10 (fastp `-d`, default 4; 0 = no padding).
    pub digits: usize,
}

impl SplitOptions {
    /// fastp's ranges.
    pub fn validate(&self) -> Result<(), Error> {
        let bad = |m: String| Err(Error::Options(m));
        if self.digits > 10 {
            return bad(format!(
                "--split_prefix_digits must be 0-10, got {}",
                self.digits
            ));
        }
        match self.by {
            SplitBy::Files(n) if !(2..=999).contains(&n) => {
                bad(format!("--split must be 2-999, got {n}"))
            }
            SplitBy::Lines(l) if l % 4 != 0 || l < 1000 => bad(format!(
                "--split_by_lines must be a multiple of 4 and at least 1000, got {l}"
            )),
            _ => Ok(()),
        }
    }
}

/// A pool of `threads` worker threads, named `panelprep-worker-N`.
pub(crate) fn build_pool(threads: usize) -> Result<Arc<rayon::ThreadPool>, Error> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("panelprep-worker-{i}"))
        .build()
        .map(Arc::new)
        .map_err(|e| Error::Internal(format!("cannot start worker threads: {e}")))
}
