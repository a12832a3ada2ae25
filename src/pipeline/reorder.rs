//! The coordinator on the calling thread: takes finished batches from the pool in any order,
//! writes them in input order (numbers, not arrival, decide), hands their output blocks to the
//! pool for compression and writes compressed blocks back in order. Its window of batches in
//! flight (tokens handed back to the reader) and its cap on blocks in flight are the run's
//! backpressure: memory depends on threads x batch size, never on input size.

use super::Control;
use super::batch::{Done, InputCounts, Msg};
use super::buffers::Buffers;
use super::control::CANCEL_POLL;
use super::route::{Input, Output, PerInput, WriterId};
use super::split::Splitter;
use super::writer::{BlockData, OutputSummary, OutputWriter, Writers, spawn_blocks};
use crate::error::Error;
use crate::io;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, SyncSender};

/// The channels and shared parts the coordinator works with.
pub(super) struct Links<'a> {
    /// The run's pool (block compression goes there).
    pub pool: Arc<rayon::ThreadPool>,
    /// A sender for compression tasks to report on, and the coordinator's receiver.
    pub tx: Sender<Msg>,
    pub rx: Receiver<Msg>,
    /// One token back to the reader per batch written: a new batch may start.
    pub tokens: SyncSender<()>,
    /// Spare buffers shared with the workers and compression tasks.
    pub buffers: Arc<Buffers>,
    /// Compressed blocks in flight above which no further batch is written.
    pub max_blocks: u64,
    /// Progress counters and the cancel flag.
    pub control: &'a Control,
}

/// What the outputs got, once every byte is written.
pub(super) struct Written {
    /// Records and bases read per input.
    pub counts: PerInput<InputCounts>,
    /// The output files, synced under temporary names.
    pub set: io::OutputSet,
    /// One summary per output written, fixed outputs first, then split parts.
    pub outputs: Vec<OutputSummary>,
}

/// The coordinator's state.
pub(super) struct Reorder<'a> {
    links: Links<'a>,
    writers: Writers,
    splitter: Option<Splitter>,
    counts: PerInput<InputCounts>,
    /// Finished batches waiting for their turn.
    pending: BTreeMap<u64, Result<Box<Done>, Error>>,
    /// The number of the next batch to write.
    next: u64,
    /// The batch count, once the reader told it.
    end: Option<u64>,
    /// Scratch list of blocks to compress (reused).
    jobs: Vec<(u64, BlockData)>,
    set: io::OutputSet,
    /// Summaries of finished writers, with their ids: sorted by id at the end, their order
    /// does not depend on timing.
    summaries: Vec<(WriterId, OutputSummary)>,
    /// Split parts that take no more bytes, waiting for their last blocks.
    finishing: Vec<WriterId>,
}

impl<'a> Reorder<'a> {
    /// A coordinator writing to `writers` (split into parts by `splitter`, if any).
    pub(super) fn new(links: Links<'a>, writers: Writers, splitter: Option<Splitter>) -> Self {
        Self {
            links,
            writers,
            splitter,
            counts: PerInput::default(),
            pending: BTreeMap::new(),
            next: 0,
            end: None,
            jobs: Vec::new(),
            set: io::OutputSet::new(),
            summaries: Vec::new(),
            finishing: Vec::new(),
        }
    }

    /// Records and bases read so far, per input.
    pub(super) fn counts(&self) -> &PerInput<InputCounts> {
        &self.counts
    }

    /// Writes every batch in input order; returns after the last one (or the first error in
    /// input order, or on cancellation).
    pub(super) fn run(&mut self) -> Result<(), Error> {
        loop {
            self.write_ready()?;
            if self.links.control.is_cancelled() {
                return Err(Error::Cancelled);
            }
            if self.end == Some(self.next) {
                return Ok(());
            }
            match self.links.rx.recv_timeout(CANCEL_POLL) {
                Ok(Msg::Batch { seq, result }) => {
                    self.pending.insert(seq, result);
                }
                Ok(Msg::Blocks { writer, blocks }) => self.blocks_done(writer, blocks)?,
                Ok(Msg::End { batches }) => self.end = Some(batches),
                Ok(Msg::Failed(e)) => return Err(e),
                Err(RecvTimeoutError::Timeout) => {}
                Err(_) => return Err(Error::Internal("pipeline threads stopped".into())),
            }
        }
    }

    /// Writes the batches that are next in order, while the blocks in flight allow.
    fn write_ready(&mut self) -> Result<(), Error> {
        while self.writers.in_flight() <= self.links.max_blocks {
            let Some(result) = self.pending.remove(&self.next) else {
                break;
            };
            self.write_batch(result?)?;
            let _ = self.links.tokens.try_send(());
            self.next += 1;
        }
        Ok(())
    }

    /// Counts one batch and hands its bytes to the writers (the split parts, for the read
    /// outputs of a split run).
    fn write_batch(&mut self, mut done: Box<Done>) -> Result<(), Error> {
        for i in [Input::Reads, Input::Mate2, Input::UmiIndex] {
            self.counts[i].records += done.input[i].records;
            self.counts[i].bases += done.input[i].bases;
        }
        let (r1, r2) = (done.input[Input::Reads], done.input[Input::Mate2]);
        let control = self.links.control;
        control.add(r1.records + r2.records, done.bytes);
        control.add_more(
            r1.bases + r2.bases,
            done.written[Output::Reads] + done.written[Output::Mate2],
        );
        if !done.results.is_empty() {
            control.add_read_results(std::mem::take(&mut done.results));
        }
        let Self {
            links,
            writers,
            splitter,
            jobs,
            ..
        } = self;
        if let Some(sp) = splitter.as_mut() {
            let mut push = |writers: &mut Writers, id: WriterId, bytes: Vec<u8>, n: u64| {
                writers[id].push(bytes, n, jobs, &links.buffers)?;
                let level = writers[id].level();
                spawn_blocks(&links.pool, &links.tx, id, level, jobs, &links.buffers);
                Ok(())
            };
            sp.route(&mut done, writers, &mut push)?;
        }
        self.close_parts();
        let Self {
            links,
            writers,
            jobs,
            ..
        } = self;
        for (o, out) in done.out.iter_mut() {
            let id = WriterId::from(o);
            let w = &mut writers[id];
            w.push(std::mem::take(out), done.written[o], jobs, &links.buffers)?;
            spawn_blocks(&links.pool, &links.tx, id, w.level(), jobs, &links.buffers);
        }
        self.finish_parts()
    }

    /// Compressed blocks came back: each writer writes those now next in order.
    fn blocks_done(&mut self, writer: WriterId, blocks: Vec<(u64, Vec<u8>)>) -> Result<(), Error> {
        for (seq, bytes) in blocks {
            self.writers[writer].block_done(seq, bytes, &self.links.buffers.blocks)?;
        }
        Ok(())
    }

    /// After the last batch: the split parts no read reached, every writer's last partial
    /// block, then waits for all blocks and finishes every writer.
    pub(super) fn finish(mut self) -> Result<Written, Error> {
        if let Some(sp) = self.splitter.as_mut() {
            sp.finish(&mut self.writers)?;
        }
        self.close_parts();
        let Self {
            links,
            writers,
            jobs,
            ..
        } = &mut self;
        for (id, w) in writers.iter_mut() {
            w.flush_pending(jobs);
            spawn_blocks(&links.pool, &links.tx, id, w.level(), jobs, &links.buffers);
        }
        while self.writers.in_flight() > 0 {
            if self.links.control.is_cancelled() {
                return Err(Error::Cancelled);
            }
            match self.links.rx.recv_timeout(CANCEL_POLL) {
                Ok(Msg::Blocks { writer, blocks }) => self.blocks_done(writer, blocks)?,
                Ok(Msg::Failed(e)) => return Err(e),
                Ok(_) | Err(RecvTimeoutError::Timeout) => {}
                Err(_) => return Err(Error::Internal("pipeline threads stopped".into())),
            }
        }
        let mut summaries = self.summaries;
        let mut set = self.set;
        for (id, w) in self.writers.into_entries() {
            if !w.path.as_os_str().is_empty() {
                summaries.push((id, w.finish(&mut set)?));
            }
        }
        summaries.sort_by_key(|(id, _)| *id);
        Ok(Written {
            counts: self.counts,
            set,
            outputs: summaries.into_iter().map(|(_, s)| s).collect(),
        })
    }

    /// Split parts just closed: their last partial block goes to the pool; they are finished
    /// once every block is written.
    fn close_parts(&mut self) {
        let Some(sp) = self.splitter.as_mut() else {
            return;
        };
        let links = &self.links;
        for id in sp.closed.drain(..) {
            let w = &mut self.writers[id];
            w.flush_pending(&mut self.jobs);
            spawn_blocks(
                &links.pool,
                &links.tx,
                id,
                w.level(),
                &mut self.jobs,
                &links.buffers,
            );
            self.finishing.push(id);
        }
    }

    /// Finishes the closed split parts whose blocks are all written (their files close: a run
    /// with many parts does not hold a descriptor per part).
    fn finish_parts(&mut self) -> Result<(), Error> {
        let mut i = 0;
        while i < self.finishing.len() {
            let id = self.finishing[i];
            if self.writers[id].in_flight() == 0 {
                let w = std::mem::replace(&mut self.writers[id], OutputWriter::new(None, None)?);
                self.summaries.push((id, w.finish(&mut self.set)?));
                self.finishing.swap_remove(i);
            } else {
                i += 1;
            }
        }
        Ok(())
    }
}
