//! The engine of one run, whatever its entry point: frames the opened inputs into batches,
//! builds the workers' settings, starts the reader thread and runs the coordinator
//! ([`super::reorder`]) on the calling thread, then gathers the run's summary.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{channel, sync_channel};

use super::batch::{InputCounts, Msg};
use super::buffers::Buffers;
use super::feed::Feed;
use super::reader::{self, BatchSource, Framing, ReaderCtx};
use super::reorder::{Links, Reorder};
use super::route::{Input, PerOutput, Routing};
use super::split::Splitter;
use super::umi_index::IndexSource;
use super::worker::{self, WorkConfig};
use super::writer::{OutputWriter, Writers};
use super::{Control, InputSummary, Layout, PipelineOptions, Summary, dedup, merge, names};
use crate::error::Error;
use crate::fastq::{Chunker, ChunkerOptions};
use crate::io;

/// The opened inputs of a run.
pub(super) struct Sources {
    /// How the reads are laid out.
    pub layout: Layout,
    /// One input of reads, or R1 and R2.
    pub reads: Vec<io::Source>,
    /// The UMI index-read file (`--umi_loc index_file`).
    pub umi_index: Option<io::Source>,
}

/// Runs the engine on opened `sources`, writing through `writers` as `routing` says (the
/// read outputs cut into parts by `splitter`, if any), on `pool`. Returns the summary and the
/// output files, complete and synced under temporary names.
pub(super) fn execute(
    opts: &PipelineOptions,
    sources: Sources,
    writers: PerOutput<OutputWriter>,
    routing: Routing,
    splitter: Option<Splitter>,
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
            let copts = ChunkerOptions::new(s.path, opts.batch_bytes, opts.max_record_bytes);
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
    let (recycle_tx, recycle_rx) = sync_channel::<(Input, Vec<u8>)>(window * 2);
    let ctx = ReaderCtx {
        pool: pool.clone(),
        cfg,
        tx: tx.clone(),
        recycle_tx,
        control: control.clone(),
    };
    reader::spawn(source, seen, ctx, token_rx, recycle_rx)?;
    let links = Links {
        pool: pool.clone(),
        tx,
        rx,
        tokens: token_tx,
        buffers,
        max_blocks,
        control,
    };
    let mut reorder = Reorder::new(links, Writers::new(writers), splitter);
    reorder.run()?;
    if !opts.allow_empty && reorder.counts()[Input::Reads].records == 0 {
        return Err(Error::Fastq(crate::fastq::FastqError {
            location: crate::Location {
                path: in_paths[0].clone(),
                record: 0,
                line: 0,
            },
            kind: crate::fastq::FastqErrorKind::Empty,
        }));
    }
    // Every batch is processed: the workers' statistics are taken now, while the pool is idle,
    // and merged on a thread of their own while the outputs' last blocks are compressed,
    // written and synced.
    let parts: Vec<Box<crate::stats::RunStats>> = match stats {
        Some(_) => pool
            .broadcast(|_| worker::take_stats())
            .into_iter()
            .flatten()
            .collect(),
        None => Vec::new(),
    };
    let written = std::thread::scope(|scope| {
        let merging = stats.as_deref_mut().map(|total| {
            scope.spawn(move || {
                // The first worker's tables become the total's, and the run's fresh total
                // (its own counts only) is merged into them: merging into fresh tables would
                // fault all their pages in. Merging is exact in any order.
                let mut parts = parts.into_iter();
                if let Some(first) = parts.next() {
                    let fresh = std::mem::replace(total, *first);
                    total.merge(&fresh);
                }
                for part in parts {
                    total.merge(&part);
                }
                total.finish_after();
            })
        });
        let written = reorder.finish();
        match merging.map(|h| h.join()) {
            Some(Err(_)) => Err(Error::Internal("statistics merge stopped".into())),
            _ => written,
        }
    })?;
    let counts = written.counts;
    let inputs_summary = in_paths
        .iter()
        .zip(formats)
        .zip(Input::MATES)
        .zip(&slots)
        .map(|(((p, f), input), slot)| {
            let c = if layout == Layout::Interleaved {
                let (r1, r2) = (counts[Input::Reads], counts[Input::Mate2]);
                InputCounts {
                    records: r1.records + r2.records,
                    bases: r1.bases + r2.bases,
                }
            } else {
                counts[input]
            };
            let checksums = slot
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
        records: counts[Input::UmiIndex].records,
        bases: counts[Input::UmiIndex].bases,
        checksums: slot.and_then(|s| s.lock().ok().and_then(|g| g.clone())),
    });
    let summary = Summary {
        inputs: inputs_summary,
        umi_index,
        outputs: written.outputs,
        paired,
        stats,
        adapters,
        detected: [None, None],
    };
    Ok((summary, written.set))
}
