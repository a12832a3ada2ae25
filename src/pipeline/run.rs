//! The entry points of a run: file mode ([`run`], [`run_staged`], [`run_readers`]) and caller
//! readers and writers ([`run_readers_writers`], which the push API drives). Each checks its
//! inputs and outputs, opens them, builds the routing and hands everything to
//! [`super::engine::execute`].

use std::path::PathBuf;
use std::sync::Arc;

use super::engine::{self, Sources};
use super::options::{SplitBy, build_pool};
use super::route::{Output, PerOutput, Routing};
use super::split;
use super::writer::OutputWriter;
use super::{
    Control, Inputs, Layout, Outputs, PipelineOptions, Summary, detect_sample, failed, merge,
    overwrite, refuse_existing, setup, umi_index,
};
use crate::error::Error;
use crate::io;

/// Every input (reads, UMI index) and read output of a run with its option name, for
/// [`io::check_distinct`] together with the caller's own outputs (reports, manifest).
pub fn run_files(
    opts: &PipelineOptions,
    inputs: &Inputs,
    outputs: &Outputs,
) -> (Vec<io::RunFile>, Vec<io::RunFile>) {
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
    (setup::input_files(inputs), outs)
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

/// Like [`run`], but reads the reads from `readers` (one per read path of `inputs`, R1
/// first: raw bytes in any container format) instead of opening those paths; the paths only
/// name the inputs in messages and the report. A UMI index file is opened by its path. For inputs the caller opened itself (a file
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
    umi_index::check(opts, inputs)?;
    let in_paths = inputs.paths();
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
        umi_index: umi_index::open(opts, inputs, &pool)?,
    };
    let paired = inputs.is_paired();
    let level = |p: &Option<PathBuf>| match p {
        Some(p) if opts.compresses(p) => Some(opts.compression_level),
        _ => None,
    };
    let same_unpaired = setup::same_unpaired(outputs);
    let splitter = split_setup(opts, inputs, outputs)?;
    let first_part = |m: usize, p: &Option<PathBuf>| match &splitter {
        Some(sp) => sp.path(m, 0),
        None => p.clone(),
    };
    let paths = PerOutput::from_fn(|o| match o {
        Output::Reads => first_part(0, &outputs.out1),
        Output::Mate2 => first_part(1, &outputs.out2),
        Output::Unpaired1 => outputs.unpaired1.clone(),
        // One file for both mates: the writer of `Unpaired1` takes them.
        Output::Unpaired2 if same_unpaired => None,
        Output::Unpaired2 => outputs.unpaired2.clone(),
        Output::Failed => opts.failed_out.clone(),
        Output::Merged => merged_out.clone(),
    });
    let writers = paths.try_map(|p| -> Result<OutputWriter, Error> {
        Ok(OutputWriter::new(p.clone(), level(&p))?.hash(opts.hasher()))
    })?;
    let routing = Routing {
        interleave_out: paired && outputs.out2.is_none(),
        unpaired: [
            outputs.unpaired1.as_ref().map(|_| Output::Unpaired1),
            if same_unpaired {
                Some(Output::Unpaired1)
            } else {
                outputs.unpaired2.as_ref().map(|_| Output::Unpaired2)
            },
        ],
        failed: opts.failed_out.as_ref().map(|_| Output::Failed),
    };
    // After the outputs exist (the run has started), before the engine: detection may wait
    // on a slow input, and stays cancellable.
    let mut opts = opts.clone();
    let mut sources = sources;
    let detected = detect_sample::detect(&mut opts, sources.layout, &mut sources.reads, control)?;
    let (mut summary, set) =
        engine::execute(&opts, sources, writers, routing, splitter, pool, control)?;
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

/// Runs the engine on caller-supplied readers and writers: `readers` holds one raw input
/// (`Single`, `Interleaved`) or two (`Paired`), each `(name for messages, bytes)` in any
/// container format; `writers` holds one output, or two for paired output. Output is BGZF when
/// `opts.compress == Some(true)`, plain otherwise. The push API ([`super::PushSession`])
/// drives it.
pub fn run_readers_writers(
    opts: &PipelineOptions,
    layout: Layout,
    readers: Vec<(PathBuf, Box<dyn std::io::Read + Send>)>,
    writers: Vec<(PathBuf, Box<dyn std::io::Write + Send>)>,
    control: &Control,
) -> Result<Summary, Error> {
    opts.validate()?;
    umi_index::refuse_without_files(opts)?;
    failed::refuse_without_files(opts)?;
    merge::refuse_without_files(opts)?;
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
    let mut given = writers.into_iter();
    let mut caller = |given: Option<(PathBuf, Box<dyn std::io::Write + Send>)>| match given {
        Some((name, w)) => Ok(OutputWriter::to_writer(name, w, level).hash(opts.hasher())),
        None => OutputWriter::new(None, None),
    };
    let writers = PerOutput::from_fn(|o| match o {
        Output::Reads | Output::Mate2 => given.next(),
        _ => None,
    })
    .try_map(&mut caller)?;
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
    let (mut summary, _) = engine::execute(&opts, sources, writers, routing, None, pool, control)?;
    summary.detected = detected;
    Ok(summary)
}

/// The run's pool: the shared one of the options, or a new one of `opts.threads` threads.
pub(super) fn run_pool(opts: &PipelineOptions) -> Result<Arc<rayon::ThreadPool>, Error> {
    match &opts.pool {
        Some(p) => Ok(p.rayon()),
        None => build_pool(opts.threads),
    }
}
