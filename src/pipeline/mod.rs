//! The threaded engine: one feed thread per input decompresses and frames chunks, a reader
//! thread numbers them into batches, the pipeline's own rayon pool processes batches and
//! compresses output blocks, and the calling thread puts everything back in input order.
//! Nothing here touches rayon's global pool.

mod batch;
mod buffers;
mod control;
mod dedup;
mod detect_sample;
mod failed;
mod feed;
mod merge;
mod names;
mod options;
mod overwrite;
mod push;
mod reader;
mod setup;
mod split;
mod umi_index;
mod worker;
mod writer;

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, SyncSender, channel, sync_channel};
use std::time::Duration;

pub use batch::InputCounts;
pub use control::Control;
pub use failed::{PAIRED_READ_IS_FAILING, fastp_tag};
pub use merge::MergeOptions;
pub use options::{Inputs, Layout, Outputs, PipelineOptions, WorkerPool};
pub use overwrite::refuse_existing;
pub use push::{PushError, PushOutput, PushSession, run_watched};
pub use split::{SplitBy, SplitOptions, part_path};
pub use writer::StreamSummary;

use crate::error::Error;
use crate::fastq::Chunker;
use crate::io::{self, bgzf};
use batch::{Batch, Done};
use buffers::Buffers;
use feed::Feed;
use reader::{BatchSource, Framing};
use umi_index::IndexSource;
use worker::WorkConfig;
use writer::{BlockData, Stream};

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
    /// One entry per output stream written.
    pub outputs: Vec<StreamSummary>,
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

/// How often the coordinator looks at the cancel flag while no message arrives (a stalled
/// input, such as a fifo or a socket with no data, must not make cancellation wait for it).
const CANCEL_POLL: Duration = Duration::from_millis(50);

enum Msg {
    Batch {
        seq: u64,
        result: Result<Box<Done>, Error>,
    },
    /// Compressed blocks of one stream, with their numbers.
    Blocks {
        stream: usize,
        blocks: Vec<(u64, Vec<u8>)>,
    },
    End {
        batches: u64,
    },
    Failed(Error),
}

/// Every input (reads, UMI index) and read output of a run with its option name, for
/// [`io::check_distinct`] together with the caller's own outputs (reports, manifest).
pub fn run_files(
    opts: &PipelineOptions,
    inputs: &Inputs,
    outputs: &Outputs,
) -> (Vec<io::RunFile>, Vec<io::RunFile>) {
    let mut in_paths = inputs.paths();
    in_paths.extend(opts.umi_index_file().map(|p| p.to_path_buf()));
    let mut outs = setup::output_files(outputs);
    outs.extend(
        opts.failed_out
            .as_ref()
            .map(|p| io::RunFile::new("--failed_out", p)),
    );
    outs.extend(
        opts.merge
            .as_ref()
            .and_then(|m| m.out.as_ref())
            .map(|p| io::RunFile::new("--merged_out", p)),
    );
    (setup::input_files(inputs, &in_paths), outs)
}

/// Runs the engine: reads `inputs`, validates every record and writes `outputs`.
///
/// On any error nothing is left under the output names and the first error in input order is
/// returned, whatever the thread count. The output files appear together, or none of them.
pub fn run(
    opts: &PipelineOptions,
    inputs: &Inputs,
    outputs: &Outputs,
    control: &Control,
) -> Result<Summary, Error> {
    let (summary, set) = run_staged(opts, inputs, outputs, control)?;
    if control.is_cancelled() {
        return Err(Error::Cancelled);
    }
    set.commit()?;
    Ok(summary)
}

/// Like [`run`], but reads the inputs from `readers` (one per input path of `inputs`, R1
/// first: raw bytes in any container format) instead of opening those paths; the paths only
/// name the inputs in messages and the report. For inputs the caller opened itself (a file
/// descriptor, a socket). Outputs are files, as in [`run`].
pub fn run_readers(
    opts: &PipelineOptions,
    inputs: &Inputs,
    readers: Vec<Box<dyn std::io::Read + Send>>,
    outputs: &Outputs,
    control: &Control,
) -> Result<Summary, Error> {
    if readers.len() != inputs.paths().len() {
        return Err(Error::Options(format!(
            "{} input(s) need as many readers, got {}",
            inputs.paths().len(),
            readers.len()
        )));
    }
    let (summary, set) = run_staged_from(opts, inputs, Some(readers), outputs, control)?;
    if control.is_cancelled() {
        return Err(Error::Cancelled);
    }
    set.commit()?;
    Ok(summary)
}

/// Like [`run`], but the output files are left complete and synced under temporary names in
/// the returned [`io::OutputSet`]: the caller adds its own files (reports, manifest) and
/// commits them all together, or drops the set to remove them all.
pub fn run_staged(
    opts: &PipelineOptions,
    inputs: &Inputs,
    outputs: &Outputs,
    control: &Control,
) -> Result<(Summary, io::OutputSet), Error> {
    run_staged_from(opts, inputs, None, outputs, control)
}

/// [`run_staged`], with the inputs read from `readers` when given instead of opened by path.
fn run_staged_from(
    opts: &PipelineOptions,
    inputs: &Inputs,
    readers: Option<Vec<Box<dyn std::io::Read + Send>>>,
    outputs: &Outputs,
    control: &Control,
) -> Result<(Summary, io::OutputSet), Error> {
    opts.validate()?;
    let in_paths = inputs.paths();
    umi_index::check_not_a_read(opts, &in_paths)?;
    setup::check_outputs(inputs, outputs)?;
    // Every input and output of the run (failed and merged reads included) by identity.
    let (ins, outs) = run_files(opts, inputs, outputs);
    io::check_distinct(&ins, &outs)?;
    merge::check(opts, inputs.is_paired())?;
    let merged_out = opts.merge.as_ref().and_then(|m| m.out.clone());
    let mut all_outputs = overwrite::run_outputs(outputs, opts.failed_out.as_ref());
    all_outputs.extend(merged_out.clone());
    if opts.split.is_some() {
        // Split runs write numbered parts, not --out1/--out2 (checked in `split_setup`).
        let unsplit = [&outputs.out1, &outputs.out2];
        all_outputs.retain(|p| !unsplit.iter().any(|u| u.as_ref() == Some(p)));
    }
    refuse_existing(
        opts.dont_overwrite,
        all_outputs.iter().map(PathBuf::as_path),
    )?;
    let pool = run_pool(opts)?;
    let mut sources = Vec::new();
    match readers {
        None => {
            for p in &in_paths {
                sources.push(io::open_counted(
                    p,
                    pool.clone(),
                    opts.hasher().filter(|_| p.as_os_str() != "-"),
                    io::GzipOn::Reader,
                    Some(control.input_counter()),
                )?);
            }
        }
        Some(readers) => {
            for (p, r) in in_paths.iter().zip(readers) {
                let (r, slot) = match opts.hasher() {
                    Some(h) => io::tee_with(r, h),
                    None => (r, None),
                };
                let mut src = io::from_reader_on(r, p.clone(), pool.clone(), io::GzipOn::Reader)?;
                src.checksums = slot;
                sources.push(src);
            }
        }
    }
    let sources = Sources {
        layout: inputs.layout(),
        reads: sources,
        umi_index: umi_index::open(opts, &in_paths, &pool)?,
    };
    let paired = inputs.is_paired();
    let level = |p: &Option<PathBuf>| match p {
        Some(p) if opts.compresses(p) => Some(opts.compression_level),
        _ => None,
    };
    let stream = |p: &Option<PathBuf>| -> Result<Stream, Error> {
        Ok(Stream::new(p.clone(), level(p))?.hash(opts.hasher()))
    };
    let same_unpaired = setup::same_unpaired(outputs);
    let splitter = split_setup(opts, inputs, outputs)?;
    let first_part = |m: usize, p: &Option<PathBuf>| match &splitter {
        Some(sp) => sp.path(m, 0),
        None => p.clone(),
    };
    let streams = vec![
        stream(&first_part(0, &outputs.out1))?,
        stream(&first_part(1, &outputs.out2))?,
        stream(&outputs.unpaired1)?,
        if same_unpaired {
            stream(&None)?
        } else {
            stream(&outputs.unpaired2)?
        },
        stream(&opts.failed_out)?,
        stream(&merged_out)?,
    ];
    let routing = Routing {
        interleave_out: paired && outputs.out2.is_none(),
        unpaired: [
            outputs.unpaired1.as_ref().map(|_| 2),
            if same_unpaired {
                Some(2)
            } else {
                outputs.unpaired2.as_ref().map(|_| 3)
            },
        ],
        failed: opts.failed_out.as_ref().map(|_| failed::FAILED_STREAM),
    };
    debug_assert_eq!(streams.len(), worker::STREAMS);
    // After the outputs exist (the run has started), before the engine: detection may wait
    // on a slow input, and stays cancellable.
    let mut opts = opts.clone();
    let mut sources = sources;
    let detected = detect_sample::detect(&mut opts, sources.layout, &mut sources.reads, control)?;
    let (mut summary, set) = execute(&opts, sources, streams, routing, splitter, pool, control)?;
    summary.detected = detected;
    Ok((summary, set))
}

/// The splitter of a file run with `--split`/`--split_by_lines` and a read output (fastp
/// splits nothing without `--out1`), counting the input first for `--split`.
fn split_setup(
    opts: &PipelineOptions,
    inputs: &Inputs,
    outputs: &Outputs,
) -> Result<Option<split::Splitter>, Error> {
    let Some(sp) = &opts.split else {
        return Ok(None);
    };
    let Some(out1) = &outputs.out1 else {
        return Ok(None);
    };
    if out1.as_os_str() == "-" {
        return Err(Error::Options(
            "splitting cannot write to stdout: give --out1".into(),
        ));
    }
    let fragments = match sp.by {
        SplitBy::Files(_) => {
            let path = &inputs.paths()[0];
            let interleaved = inputs.layout() == Layout::Interleaved;
            split::count_fragments(path, interleaved, opts.reads_to_process)?
        }
        SplitBy::Lines(_) => 0,
    };
    let level = |p: &Option<PathBuf>| match p {
        Some(p) if opts.compresses(p) => Some(opts.compression_level),
        _ => None,
    };
    let paired_out = inputs.is_paired() && outputs.out2.is_none();
    let mut splitter = split::Splitter::new(
        sp,
        fragments,
        [outputs.out1.clone(), outputs.out2.clone()],
        [level(&outputs.out1), level(&outputs.out2)],
        opts.hasher(),
        paired_out,
    );
    splitter.dont_overwrite = opts.dont_overwrite;
    let known = splitter.known_paths();
    refuse_existing(opts.dont_overwrite, known.iter().map(PathBuf::as_path))?;
    Ok(Some(splitter))
}

/// Runs the engine on caller-supplied streams: `readers` holds one raw input (`Single`,
/// `Interleaved`) or two (`Paired`), each `(name for messages, bytes)` in any container format;
/// `writers` holds one output, or two for paired output. Output is BGZF when
/// `opts.compress == Some(true)`, plain otherwise.
pub fn run_streams(
    opts: &PipelineOptions,
    layout: Layout,
    readers: Vec<(PathBuf, Box<dyn std::io::Read + Send>)>,
    writers: Vec<(PathBuf, Box<dyn std::io::Write + Send>)>,
    control: &Control,
) -> Result<Summary, Error> {
    opts.validate()?;
    umi_index::refuse_in_streams(opts)?;
    failed::refuse_in_streams(opts)?;
    merge::refuse_in_streams(opts)?;
    if opts.split.is_some() {
        return Err(Error::Options(
            "split needs file mode: streaming runs write one output per mate".into(),
        ));
    }
    let want = if layout == Layout::Paired { 2 } else { 1 };
    if readers.len() != want || writers.is_empty() || writers.len() > 2 {
        return Err(Error::Options(format!(
            "{layout:?} input takes {want} reader(s) and 1-2 writers, got {} and {}",
            readers.len(),
            writers.len()
        )));
    }
    if layout == Layout::Single && writers.len() == 2 {
        return Err(Error::Options("a second output needs paired input".into()));
    }
    let pool = run_pool(opts)?;
    let mut sources = Vec::new();
    for (name, r) in readers {
        let (r, slot) = match opts.hasher() {
            Some(h) => io::tee_with(r, h),
            None => (r, None),
        };
        let mut src = io::from_reader_on(r, name, pool.clone(), io::GzipOn::Reader)?;
        src.checksums = slot;
        sources.push(src);
    }
    let level = (opts.compress == Some(true)).then_some(opts.compression_level);
    let n = writers.len();
    let mut streams: Vec<Stream> = writers
        .into_iter()
        .map(|(name, w)| Stream::to_writer(name, w, level).hash(opts.hasher()))
        .collect();
    while streams.len() < worker::STREAMS {
        streams.push(Stream::new(None, None)?);
    }
    let routing = Routing {
        interleave_out: layout != Layout::Single && n == 1,
        unpaired: [None, None],
        failed: None,
    };
    let mut opts = opts.clone();
    let detected = detect_sample::detect(&mut opts, layout, &mut sources, control)?;
    let sources = Sources {
        layout,
        reads: sources,
        umi_index: None,
    };
    // Caller's writers only: the set holds no file.
    let (mut summary, _) = execute(&opts, sources, streams, routing, None, pool, control)?;
    summary.detected = detected;
    Ok(summary)
}

/// The run's pool: the shared one of the options, or a new one of `opts.threads` threads.
fn run_pool(opts: &PipelineOptions) -> Result<Arc<rayon::ThreadPool>, Error> {
    match &opts.pool {
        Some(p) => Ok(p.rayon()),
        None => build_pool(opts.threads),
    }
}

fn build_pool(threads: usize) -> Result<Arc<rayon::ThreadPool>, Error> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("panelprep-worker-{i}"))
        .build()
        .map(Arc::new)
        .map_err(|e| Error::Internal(format!("cannot start worker threads: {e}")))
}

/// The opened inputs of a run.
struct Sources {
    layout: Layout,
    /// One stream of reads, or R1 and R2.
    reads: Vec<io::Source>,
    /// The UMI index-read file (`--umi_loc index_file`).
    umi_index: Option<io::Source>,
}

/// Where each mate goes.
struct Routing {
    /// Paired input with one output: both mates to stream 0.
    interleave_out: bool,
    /// Stream of the lone surviving mate of a failed pair.
    unpaired: [Option<usize>; 2],
    /// Stream of the reads that fail a filter (`--failed_out`).
    failed: Option<usize>,
}

fn execute(
    opts: &PipelineOptions,
    sources: Sources,
    mut streams: Vec<Stream>,
    routing: Routing,
    mut splitter: Option<split::Splitter>,
    pool: Arc<rayon::ThreadPool>,
    control: &Control,
) -> Result<(Summary, io::OutputSet), Error> {
    let Sources {
        layout,
        reads: sources,
        umi_index,
    } = sources;
    let index_info = umi_index
        .as_ref()
        .map(|s| (s.path.clone(), s.format.name(), s.checksums.clone()));
    let index = umi_index.map(|s| IndexSource::new(s, opts));
    let in_paths: Vec<PathBuf> = sources.iter().map(|s| s.path.clone()).collect();
    let formats: Vec<&'static str> = sources.iter().map(|s| s.format.name()).collect();
    let slots: Vec<Option<io::ChecksumSlot>> =
        sources.iter().map(|s| s.checksums.clone()).collect();
    let mut chunkers: Vec<_> = sources
        .into_iter()
        .map(|s| {
            let copts =
                BatchSource::chunker_options(s.path, opts.batch_bytes, opts.max_record_bytes);
            Chunker::new(s.reader, copts)
        })
        .collect();
    let feed_err = |e| Error::Internal(format!("cannot start input thread: {e}"));
    let reads = match (layout, chunkers.pop(), chunkers.pop()) {
        (Layout::Single, Some(c), None) => Framing::Single(Feed::start(c, None).map_err(feed_err)?),
        (Layout::Interleaved, Some(c), None) => {
            let f = Feed::start(c, Some(in_paths[0].clone())).map_err(feed_err)?;
            Framing::Interleaved(f)
        }
        (Layout::Paired, Some(c2), Some(c1)) => {
            let paths = [in_paths[0].clone(), in_paths[1].clone()];
            let (f1, f2) = Feed::pair(c1, c2, paths).map_err(feed_err)?;
            Framing::Paired(f1, f2)
        }
        _ => return Err(Error::Internal("input/chunker mismatch".into())),
    };
    let source = BatchSource::new(reads, index).limit(opts.reads_to_process);
    let paired = layout != Layout::Single;
    let trimmer = opts
        .trim
        .as_ref()
        .map(crate::trim::Trimmer::new)
        .transpose()?;
    let adapters = match &opts.trim {
        Some(t) if t.adapter_trimming => [t.adapter_r1.as_ref(), t.adapter_r2.as_ref()]
            .map(|a| a.map(|a| String::from_utf8_lossy(a).into_owned())),
        _ => [None, None],
    };
    let index_filter = if opts.filter_by_index.iter().any(Option::is_some) {
        let t = opts.filter_by_index_threshold;
        Some(names::IndexFilter::load(&opts.filter_by_index, t)?)
    } else {
        None
    };
    let window = 2 * opts.threads + 2;
    let max_blocks = 16 * opts.threads as u64 + 16;
    let buffers = Arc::new(Buffers::new(2 * window, 2 * max_blocks as usize + 8));
    let cfg = Arc::new(WorkConfig {
        phred_offset: if opts.phred64 { 64 } else { 33 },
        interleave_out: routing.interleave_out,
        stats: opts.stats,
        trimmer,
        filter: opts.filter.as_ref().map(crate::filter::Filter::new),
        unpaired: routing.unpaired,
        failed: routing.failed,
        fix_mgi: opts.fix_mgi_id,
        split: splitter.is_some(),
        index_filter,
        merge: opts.merge.as_ref().map(|m| merge::MergeConfig {
            stream: merge::MERGED_STREAM,
            include_unmerged: m.include_unmerged,
            overlap_require: opts
                .trim
                .as_ref()
                .map_or(30, |t| t.overlap.overlap_len_require),
        }),
        buffers: buffers.clone(),
        read_results: opts.read_results,
    });
    let mut stats = opts.stats.then(|| {
        let mut st = Box::new(crate::stats::RunStats::new(paired));
        st.dedup_removed = opts.dedup.then_some(0);
        st.merged_pairs = opts.merge.as_ref().map(|_| 0);
        st.index_filtered = opts
            .filter_by_index
            .iter()
            .any(Option::is_some)
            .then_some(0);
        st
    });
    let seen = opts.dedup.then(dedup::Seen::default);
    let (tx, rx) = channel::<Msg>();
    let (token_tx, token_rx) = sync_channel::<()>(window);
    for _ in 0..window {
        let _ = token_tx.try_send(());
    }
    let (recycle_tx, recycle_rx) = sync_channel::<(usize, Vec<u8>)>(window * 2);
    {
        let (tx, pool, control) = (tx.clone(), pool.clone(), control.clone());
        std::thread::Builder::new()
            .name("panelprep-reader".into())
            .spawn(move || {
                let ctx = ReaderCtx {
                    pool,
                    cfg,
                    tx: tx.clone(),
                    recycle_tx,
                    control,
                };
                let run = catch_unwind(AssertUnwindSafe(|| {
                    reader_loop(source, seen, &ctx, token_rx, recycle_rx)
                }));
                if run.is_err() {
                    let _ = tx.send(Msg::Failed(Error::Internal(
                        "reader thread panicked".into(),
                    )));
                }
            })
            .map_err(|e| Error::Internal(format!("cannot start reader thread: {e}")))?;
    }
    let mut counts = [InputCounts::default(); 3];
    let mut pending: BTreeMap<u64, Result<Box<Done>, Error>> = BTreeMap::new();
    let mut next = 0u64;
    let mut end: Option<u64> = None;
    let mut jobs = Vec::new();
    let mut set = io::OutputSet::new();
    let mut summaries = Vec::new();
    // Split parts that take no more bytes, waiting for their last blocks.
    let mut finishing: Vec<usize> = Vec::new();
    loop {
        loop {
            let in_flight: u64 = streams.iter().map(Stream::in_flight).sum();
            if in_flight > max_blocks {
                break;
            }
            let Some(result) = pending.remove(&next) else {
                break;
            };
            let mut done = result?;
            for (c, d) in counts.iter_mut().zip(&done.input) {
                c.records += d.records;
                c.bases += d.bases;
            }
            control.add(done.input[0].records + done.input[1].records, done.bytes);
            control.add_more(
                done.input[0].bases + done.input[1].bases,
                done.written[0] + done.written[1],
            );
            if !done.results.is_empty() {
                control.add_read_results(std::mem::take(&mut done.results));
            }
            if let Some(sp) = splitter.as_mut() {
                let mut push = |streams: &mut [Stream], k: usize, bytes: Vec<u8>, n: u64| {
                    streams[k].push(bytes, n, &mut jobs, &buffers)?;
                    spawn_blocks(&pool, &tx, k, streams[k].level(), &mut jobs, &buffers);
                    Ok(())
                };
                sp.route(&mut done, &mut streams, &mut push)?;
                close_parts(
                    sp,
                    &mut streams,
                    &mut finishing,
                    &mut jobs,
                    (&pool, &tx, &buffers),
                );
            }
            for (k, out) in done.out.iter_mut().enumerate() {
                let stream = &mut streams[k];
                stream.push(std::mem::take(out), done.written[k], &mut jobs, &buffers)?;
                spawn_blocks(&pool, &tx, k, stream.level(), &mut jobs, &buffers);
            }
            finish_parts(&mut streams, &mut finishing, &mut set, &mut summaries)?;
            let _ = token_tx.try_send(());
            next += 1;
        }
        if control.is_cancelled() {
            return Err(Error::Cancelled);
        }
        if end == Some(next) {
            break;
        }
        match rx.recv_timeout(CANCEL_POLL) {
            Ok(Msg::Batch { seq, result }) => {
                pending.insert(seq, result);
            }
            Ok(Msg::Blocks { stream, blocks }) => {
                for (seq, bytes) in blocks {
                    streams[stream].block_done(seq, bytes, &buffers.blocks)?;
                }
            }
            Ok(Msg::End { batches }) => end = Some(batches),
            Ok(Msg::Failed(e)) => return Err(e),
            Err(RecvTimeoutError::Timeout) => {}
            Err(_) => return Err(Error::Internal("pipeline threads stopped".into())),
        }
    }
    if !opts.allow_empty && counts[0].records == 0 {
        return Err(Error::Fastq(crate::fastq::FastqError {
            location: crate::Location {
                path: in_paths[0].clone(),
                record: 0,
                line: 0,
            },
            kind: crate::fastq::FastqErrorKind::Empty,
        }));
    }
    if let Some(sp) = splitter.as_mut() {
        sp.finish(&mut streams)?;
        close_parts(
            sp,
            &mut streams,
            &mut finishing,
            &mut jobs,
            (&pool, &tx, &buffers),
        );
    }
    for (k, stream) in streams.iter_mut().enumerate() {
        stream.flush_pending(&mut jobs);
        spawn_blocks(&pool, &tx, k, stream.level(), &mut jobs, &buffers);
    }
    while streams.iter().any(|s| s.in_flight() > 0) {
        if control.is_cancelled() {
            return Err(Error::Cancelled);
        }
        match rx.recv_timeout(CANCEL_POLL) {
            Ok(Msg::Blocks { stream, blocks }) => {
                for (seq, bytes) in blocks {
                    streams[stream].block_done(seq, bytes, &buffers.blocks)?;
                }
            }
            Ok(Msg::Failed(e)) => return Err(e),
            Ok(_) | Err(RecvTimeoutError::Timeout) => {}
            Err(_) => return Err(Error::Internal("pipeline threads stopped".into())),
        }
    }
    if let Some(total) = stats.as_deref_mut() {
        for part in pool
            .broadcast(|_| worker::take_stats())
            .into_iter()
            .flatten()
        {
            total.merge(&part);
        }
        total.finish_after();
    }
    for (k, s) in streams.into_iter().enumerate() {
        if !s.path.as_os_str().is_empty() {
            summaries.push((k, s.finish(&mut set)?));
        }
    }
    summaries.sort_by_key(|(k, _)| *k);
    let summaries: Vec<StreamSummary> = summaries.into_iter().map(|(_, s)| s).collect();
    let inputs_summary = in_paths
        .iter()
        .zip(formats)
        .enumerate()
        .map(|(i, (p, f))| {
            let c = if layout == Layout::Interleaved {
                InputCounts {
                    records: counts[0].records + counts[1].records,
                    bases: counts[0].bases + counts[1].bases,
                }
            } else {
                counts[i]
            };
            let checksums = slots[i]
                .as_ref()
                .and_then(|s| s.lock().ok().and_then(|g| g.clone()));
            InputSummary {
                path: p.clone(),
                format: f,
                records: c.records,
                bases: c.bases,
                checksums,
            }
        })
        .collect();
    let umi_index = index_info.map(|(path, format, slot)| InputSummary {
        path,
        format,
        records: counts[2].records,
        bases: counts[2].bases,
        checksums: slot.and_then(|s| s.lock().ok().and_then(|g| g.clone())),
    });
    let summary = Summary {
        inputs: inputs_summary,
        umi_index,
        outputs: summaries,
        paired,
        stats,
        adapters,
        detected: [None, None],
    };
    Ok((summary, set))
}

/// Split parts just closed: their last partial block goes to the pool; they are finished
/// once every block is written.
fn close_parts(
    sp: &mut split::Splitter,
    streams: &mut [Stream],
    finishing: &mut Vec<usize>,
    jobs: &mut Vec<(u64, BlockData)>,
    (pool, tx, buffers): (&rayon::ThreadPool, &Sender<Msg>, &Arc<Buffers>),
) {
    for k in sp.closed.drain(..) {
        streams[k].flush_pending(jobs);
        spawn_blocks(pool, tx, k, streams[k].level(), jobs, buffers);
        finishing.push(k);
    }
}

/// Finishes the closed split parts whose blocks are all written (their files close: a run
/// with many parts does not hold a descriptor per part). Summaries carry their stream's
/// index: sorted by it at the end, their order does not depend on timing.
fn finish_parts(
    streams: &mut [Stream],
    finishing: &mut Vec<usize>,
    set: &mut io::OutputSet,
    summaries: &mut Vec<(usize, StreamSummary)>,
) -> Result<(), Error> {
    let mut i = 0;
    while i < finishing.len() {
        let k = finishing[i];
        if streams[k].in_flight() == 0 {
            let s = std::mem::replace(&mut streams[k], Stream::new(None, None)?);
            summaries.push((k, s.finish(set)?));
            finishing.swap_remove(i);
        } else {
            i += 1;
        }
    }
    Ok(())
}

struct ReaderCtx {
    pool: Arc<rayon::ThreadPool>,
    cfg: Arc<WorkConfig>,
    tx: Sender<Msg>,
    recycle_tx: SyncSender<(usize, Vec<u8>)>,
    control: Control,
}

fn reader_loop(
    mut source: BatchSource,
    mut seen: Option<dedup::Seen>,
    ctx: &ReaderCtx,
    tokens: Receiver<()>,
    recycled: Receiver<(usize, Vec<u8>)>,
) {
    let mut seq = 0u64;
    loop {
        if tokens.recv().is_err() {
            return; // the coordinator stopped
        }
        while let Ok((mate, buf)) = recycled.try_recv() {
            source.recycle(mate, buf);
        }
        if ctx.control.is_cancelled() {
            let _ = ctx.tx.send(Msg::Failed(Error::Cancelled));
            return;
        }
        match source.next() {
            Ok(Some(mut job)) => {
                // Duplicates are decided here, batch after batch in input order.
                if let Some(seen) = seen.as_mut() {
                    job.dups = Some(seen.mark(&job.batch));
                }
                let (tx, cfg, recycle) = (ctx.tx.clone(), ctx.cfg.clone(), ctx.recycle_tx.clone());
                let first = seq == 0;
                ctx.pool.spawn(move || {
                    let result = catch_unwind(AssertUnwindSafe(|| {
                        worker::process(
                            &job.batch,
                            job.index.as_ref(),
                            job.dups.as_deref(),
                            &cfg,
                            first,
                        )
                    }))
                    .unwrap_or_else(|_| Err(Error::Internal("worker panicked".into())))
                    .map(Box::new);
                    let _ = tx.send(Msg::Batch { seq, result });
                    let bufs = match job.batch {
                        Batch::Single(c) | Batch::Interleaved(c) => [Some(c), None],
                        Batch::Paired(a, b) => [Some(a), Some(b)],
                    };
                    for (mate, c) in bufs.into_iter().enumerate() {
                        if let Some(c) = c {
                            let _ = recycle.try_send((mate, c.into_buffer()));
                        }
                    }
                    if let Some(buf) = job.index.and_then(|ix| ix.into_buffer()) {
                        let _ = recycle.try_send((2, buf));
                    }
                });
                seq += 1;
            }
            Ok(None) => {
                let _ = ctx.tx.send(Msg::End { batches: seq });
                return;
            }
            Err(e) => {
                let _ = ctx.tx.send(Msg::Batch {
                    seq,
                    result: Err(e),
                });
                let _ = ctx.tx.send(Msg::End { batches: seq + 1 });
                return;
            }
        }
    }
}

/// BGZF blocks compressed by one pool task.
const BLOCKS_PER_TASK: usize = 4;

fn spawn_blocks(
    pool: &rayon::ThreadPool,
    tx: &Sender<Msg>,
    stream: usize,
    level: Option<u32>,
    jobs: &mut Vec<(u64, BlockData)>,
    buffers: &Arc<Buffers>,
) {
    let Some(level) = level else {
        jobs.clear();
        return;
    };
    // A few blocks per task: fewer wake-ups of the pool, still spread over its threads.
    let mut jobs = jobs.drain(..).peekable();
    while jobs.peek().is_some() {
        let group: Vec<(u64, BlockData)> = jobs.by_ref().take(BLOCKS_PER_TASK).collect();
        let (tx, buffers) = (tx.clone(), buffers.clone());
        pool.spawn(move || {
            let mut blocks = Vec::with_capacity(group.len());
            for (seq, block) in group {
                let data = block.bytes();
                let mut out = buffers.blocks.take(data.len() / 2 + 64);
                if catch_unwind(AssertUnwindSafe(|| {
                    bgzf::deflate_block(data, level, &mut out)
                }))
                .is_err()
                {
                    let msg = Error::Internal("compressor panicked".into());
                    let _ = tx.send(Msg::Failed(msg));
                    return;
                }
                blocks.push((seq, out));
                // The last block cut from a batch's output hands the whole buffer back.
                match block {
                    BlockData::Owned(v) => buffers.blocks.give(v),
                    BlockData::Shared(v, _) => {
                        if let Some(v) = Arc::into_inner(v) {
                            buffers.batches.give(v);
                        }
                    }
                }
            }
            // One message per task: the writer thread wakes once for its blocks.
            let _ = tx.send(Msg::Blocks { stream, blocks });
        });
    }
}
