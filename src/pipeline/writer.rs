//! The ordered output side: batches' bytes in input order, cut into BGZF blocks at fixed
//! uncompressed offsets (so compressed bytes do not depend on threads or batch sizes), blocks
//! compressed on the pool ([`spawn_blocks`]), written back in order to an atomic file. One
//! [`OutputWriter`] per output; the run's [`Writers`] hold them by [`WriterId`].

use std::collections::BTreeMap;
use std::io::Write;
use std::ops::{Index, IndexMut, Range};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::Sender;

use super::batch::Msg;
use super::buffers::{BufferPool, Buffers};
use super::route::{PerOutput, WriterId};
use crate::error::Error;
use crate::io::bgzf::{self, BLOCK_DATA, EOF_BLOCK};
use crate::io::{AtomicFile, Checksums, Hasher, IoError, OutputSet};

/// The uncompressed bytes of one BGZF block: its own buffer, or a slice of a batch's output
/// shared by the blocks cut from it.
pub(crate) enum BlockData {
    Owned(Vec<u8>),
    Shared(Arc<Vec<u8>>, Range<usize>),
}

impl BlockData {
    /// The block's bytes.
    pub(crate) fn bytes(&self) -> &[u8] {
        match self {
            BlockData::Owned(v) => v,
            BlockData::Shared(v, r) => &v[r.clone()],
        }
    }
}

/// Where one output's bytes end up.
pub(crate) enum Sink {
    File(AtomicFile),
    /// Standard output through a duplicate of its descriptor: unlike `std::io::Stdout`, whose
    /// writes to a closed descriptor succeed silently, every failure reaches the caller.
    Stdout(Box<dyn Write + Send>),
    /// A caller's writer (C callbacks, in-memory buffers); flushed at the end.
    Writer(Box<dyn Write + Send>),
    Discard,
}

/// One output: takes batches' bytes in order, cuts them into blocks for the pool, writes the
/// compressed blocks back in order and hashes what it writes.
pub(crate) struct OutputWriter {
    pub path: PathBuf,
    sink: Sink,
    /// BGZF level, or `None` for plain output.
    level: Option<u32>,
    pending: Vec<u8>,
    /// Blocks handed to the pool so far / written so far.
    spawned: u64,
    written_blocks: u64,
    ready: BTreeMap<u64, Vec<u8>>,
    /// Uncompressed and on-disk byte counts.
    pub raw_bytes: u64,
    pub disk_bytes: u64,
    pub records: u64,
    hasher: Option<Hasher>,
}

impl OutputWriter {
    /// Hashes every byte written from now on with `hasher` (of the file as stored).
    pub(crate) fn hash(mut self, hasher: Option<Hasher>) -> Self {
        if !matches!(self.sink, Sink::Discard) {
            self.hasher = hasher;
        }
        self
    }

    /// An output into a caller's writer, named `name` in messages.
    pub(crate) fn to_writer(name: PathBuf, w: Box<dyn Write + Send>, level: Option<u32>) -> Self {
        Self::with_sink(name, Sink::Writer(w), level)
    }

    /// An output to the file `path` (written under a temporary name until the run's output
    /// set is committed), to stdout for `-`, or discarded for `None`; BGZF at `level`.
    pub(crate) fn new(path: Option<PathBuf>, level: Option<u32>) -> Result<Self, IoError> {
        let (path, sink) = match path {
            None => (PathBuf::new(), Sink::Discard),
            Some(p) if p.as_os_str() == "-" => {
                let out = stdout_writer().map_err(|source| IoError::File {
                    path: p.clone(),
                    action: "open standard output",
                    source,
                })?;
                (p, Sink::Stdout(out))
            }
            Some(p) => {
                let f = AtomicFile::create(&p)?;
                (p, Sink::File(f))
            }
        };
        Ok(Self::with_sink(path, sink, level))
    }

    fn with_sink(path: PathBuf, sink: Sink, level: Option<u32>) -> Self {
        let level = if matches!(sink, Sink::Discard) {
            None
        } else {
            level
        };
        Self {
            path,
            sink,
            level,
            pending: Vec::new(),
            spawned: 0,
            written_blocks: 0,
            ready: BTreeMap::new(),
            raw_bytes: 0,
            disk_bytes: 0,
            records: 0,
            hasher: None,
        }
    }

    /// Blocks compressing but not yet written.
    pub(crate) fn in_flight(&self) -> u64 {
        self.spawned - self.written_blocks
    }

    /// Takes a batch's bytes in order. Returns full blocks to compress, numbered: whole blocks
    /// inside the batch are shared slices of it, only the pieces that straddle batches are
    /// copied.
    /// A buffer no block refers to goes back to `buffers`.
    pub(crate) fn push(
        &mut self,
        bytes: Vec<u8>,
        records: u64,
        jobs: &mut Vec<(u64, BlockData)>,
        buffers: &Buffers,
    ) -> Result<(), Error> {
        self.raw_bytes += bytes.len() as u64;
        self.records += records;
        if self.level.is_none() {
            let res = self.write(&bytes);
            buffers.batches.give(bytes);
            return res;
        }
        let mut at = 0;
        if !self.pending.is_empty() {
            at = (BLOCK_DATA - self.pending.len()).min(bytes.len());
            self.pending.extend_from_slice(&bytes[..at]);
            if self.pending.len() < BLOCK_DATA {
                buffers.batches.give(bytes);
                return Ok(());
            }
            let block = std::mem::replace(&mut self.pending, buffers.blocks.take(BLOCK_DATA));
            self.spawn(BlockData::Owned(block), jobs);
        }
        let whole = (bytes.len() - at) / BLOCK_DATA;
        let tail = at + whole * BLOCK_DATA;
        self.pending.extend_from_slice(&bytes[tail..]);
        if whole > 0 {
            let shared = Arc::new(bytes);
            for b in 0..whole {
                let from = at + b * BLOCK_DATA;
                let block = BlockData::Shared(shared.clone(), from..from + BLOCK_DATA);
                self.spawn(block, jobs);
            }
        } else {
            buffers.batches.give(bytes);
        }
        Ok(())
    }

    fn spawn(&mut self, block: BlockData, jobs: &mut Vec<(u64, BlockData)>) {
        jobs.push((self.spawned, block));
        self.spawned += 1;
    }

    /// At the end of input: the last partial block, if any.
    pub(crate) fn flush_pending(&mut self, jobs: &mut Vec<(u64, BlockData)>) {
        if self.level.is_some() && !self.pending.is_empty() {
            let block = std::mem::take(&mut self.pending);
            self.spawn(BlockData::Owned(block), jobs);
        }
    }

    /// The BGZF level, `None` for plain (or discarded) output.
    pub(crate) fn level(&self) -> Option<u32> {
        self.level
    }

    /// A compressed block came back; writes every block that is now next in order.
    /// Written blocks' buffers go back to `spare`.
    pub(crate) fn block_done(
        &mut self,
        seq: u64,
        block: Vec<u8>,
        spare: &BufferPool,
    ) -> Result<(), Error> {
        self.ready.insert(seq, block);
        while let Some(b) = self.ready.remove(&self.written_blocks) {
            self.write(&b)?;
            spare.give(b);
            self.written_blocks += 1;
        }
        Ok(())
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.disk_bytes += bytes.len() as u64;
        if let Some(h) = self.hasher.as_mut() {
            h.update(bytes);
        }
        let res = match &mut self.sink {
            Sink::File(f) => f.write_all(bytes),
            Sink::Stdout(s) => s.write_all(bytes),
            Sink::Writer(w) => w.write_all(bytes),
            Sink::Discard => Ok(()),
        };
        res.map_err(|source| {
            IoError::File {
                path: self.path.clone(),
                action: "write",
                source,
            }
            .into()
        })
    }

    /// All blocks written: adds the BGZF end marker, and syncs a file into `set` (renamed into
    /// place when the whole set is committed).
    pub(crate) fn finish(mut self, set: &mut OutputSet) -> Result<OutputSummary, Error> {
        if self.level.is_some() {
            self.write(&EOF_BLOCK)?;
        }
        let summary = OutputSummary {
            path: self.path.clone(),
            records: self.records,
            raw_bytes: self.raw_bytes,
            disk_bytes: self.disk_bytes,
            compressed: self.level.is_some(),
            checksums: self.hasher.take().map(Hasher::finish),
        };
        match self.sink {
            Sink::File(f) => set.add(f)?,
            Sink::Stdout(mut s) => s.flush().map_err(|source| IoError::File {
                path: self.path.clone(),
                action: "write",
                source,
            })?,
            Sink::Writer(mut w) => w.flush().map_err(|source| IoError::File {
                path: self.path.clone(),
                action: "write",
                source,
            })?,
            Sink::Discard => {}
        }
        Ok(summary)
    }
}

/// Standard output as a writer that reports every failure (a closed descriptor: `EBADF`).
#[cfg(unix)]
fn stdout_writer() -> std::io::Result<Box<dyn Write + Send>> {
    use std::os::fd::AsFd;
    let fd = std::io::stdout().as_fd().try_clone_to_owned()?;
    Ok(Box::new(std::fs::File::from(fd)))
}

/// Standard output as a writer.
#[cfg(not(unix))]
fn stdout_writer() -> std::io::Result<Box<dyn Write + Send>> {
    Ok(Box::new(std::io::stdout()))
}

/// What was written to one output.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OutputSummary {
    /// The output path (`-` for stdout).
    pub path: PathBuf,
    /// Records written.
    pub records: u64,
    /// Uncompressed FASTQ bytes.
    pub raw_bytes: u64,
    /// Bytes on disk.
    pub disk_bytes: u64,
    /// Written as BGZF.
    pub compressed: bool,
    /// MD5/SHA-256 of the bytes as stored, when checksums were asked for.
    pub checksums: Option<Checksums>,
}

/// The run's output writers: one per [`Output`], then the split parts as they open.
pub(crate) struct Writers(Vec<OutputWriter>);

impl Writers {
    /// The fixed outputs' writers.
    pub(crate) fn new(fixed: PerOutput<OutputWriter>) -> Self {
        Writers(fixed.into_values().into())
    }

    /// Adds the writer of a split part.
    pub(crate) fn add(&mut self, w: OutputWriter) -> WriterId {
        self.0.push(w);
        WriterId::at(self.0.len() - 1)
    }

    /// Blocks compressing but not yet written, all writers.
    pub(crate) fn in_flight(&self) -> u64 {
        self.0.iter().map(OutputWriter::in_flight).sum()
    }

    /// Every writer with its id.
    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = (WriterId, &mut OutputWriter)> {
        self.0
            .iter_mut()
            .enumerate()
            .map(|(k, w)| (WriterId::at(k), w))
    }

    /// Every writer with its id, taken.
    pub(crate) fn into_entries(self) -> impl Iterator<Item = (WriterId, OutputWriter)> {
        self.0
            .into_iter()
            .enumerate()
            .map(|(k, w)| (WriterId::at(k), w))
    }
}

impl Index<WriterId> for Writers {
    type Output = OutputWriter;
    fn index(&self, id: WriterId) -> &OutputWriter {
        &self.0[id.index()]
    }
}

impl IndexMut<WriterId> for Writers {
    fn index_mut(&mut self, id: WriterId) -> &mut OutputWriter {
        &mut self.0[id.index()]
    }
}

/// BGZF blocks compressed by one pool task.
const BLOCKS_PER_TASK: usize = 4;

/// Hands the blocks of writer `writer` in `jobs` to the pool for compression at `level`
/// (plain output: drops them, the writer wrote the bytes itself); each task sends its blocks
/// back to the coordinator as one [`Msg::Blocks`].
pub(crate) fn spawn_blocks(
    pool: &rayon::ThreadPool,
    tx: &Sender<Msg>,
    writer: WriterId,
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
            // One message per task: the coordinator wakes once for its blocks.
            let _ = tx.send(Msg::Blocks { writer, blocks });
        });
    }
}
