//! Cancellation and progress shared between the caller and a running pipeline.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

/// How often a waiting engine thread looks at the cancel flag while no message arrives (a
/// stalled input, such as a fifo or a socket with no data, must not make cancellation wait
/// for it).
pub(crate) const CANCEL_POLL: Duration = Duration::from_millis(50);

/// A handle the caller keeps to cancel a run or watch its progress; cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Control {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    cancelled: AtomicBool,
    records: AtomicU64,
    bytes: AtomicU64,
    /// Raw (compressed) bytes read from input files; shared with their readers.
    input_read: Arc<AtomicU64>,
    bases: AtomicU64,
    records_out: AtomicU64,
    log: crate::log::Log,
    /// Read results not yet taken, and the number of reads (pairs) numbered so far.
    results: std::sync::Mutex<(Vec<super::ReadResult>, u64)>,
}

impl Control {
    /// A fresh handle.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the run to stop; it returns [`crate::Error::Cancelled`] and leaves no output.
    pub fn cancel(&self) {
        self.inner.cancelled.store(true, Ordering::Relaxed);
    }

    /// True once [`Control::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.inner.cancelled.load(Ordering::Relaxed)
    }

    /// Records (pairs count as two) written or validated so far.
    pub fn records(&self) -> u64 {
        self.inner.records.load(Ordering::Relaxed)
    }

    /// Uncompressed input bytes processed so far.
    pub fn bytes(&self) -> u64 {
        self.inner.bytes.load(Ordering::Relaxed)
    }

    /// Bases of the records counted by [`Control::records`].
    pub fn bases(&self) -> u64 {
        self.inner.bases.load(Ordering::Relaxed)
    }

    /// Records written to the run's read outputs so far (mates count one each).
    pub fn records_out(&self) -> u64 {
        self.inner.records_out.load(Ordering::Relaxed)
    }

    /// The run's messages for a person (detected adapter, skipped targets...): drain them on
    /// the thread that shows them.
    pub fn log(&self) -> &crate::log::Log {
        &self.inner.log
    }

    /// Raw bytes read so far from the run's input files (as stored, before decompression; not
    /// counted for stdin or caller streams): with the files' sizes, the share of input read.
    pub fn input_read(&self) -> u64 {
        self.inner.input_read.load(Ordering::Relaxed)
    }

    /// The counter the input readers add to.
    pub(crate) fn input_counter(&self) -> Arc<AtomicU64> {
        self.inner.input_read.clone()
    }

    pub(crate) fn add(&self, records: u64, bytes: u64) {
        self.inner.records.fetch_add(records, Ordering::Relaxed);
        self.inner.bytes.fetch_add(bytes, Ordering::Relaxed);
    }

    /// Numbers `results` (in input order, after the earlier ones) and keeps them until taken.
    pub(crate) fn add_read_results(&self, mut results: Vec<super::ReadResult>) {
        let mut g = self.inner.results.lock().unwrap_or_else(|p| p.into_inner());
        for r in &mut results {
            if r.mate == 0 {
                g.1 += 1;
            }
            r.record = g.1.saturating_sub(1);
        }
        if g.0.is_empty() {
            g.0 = results;
        } else {
            g.0.extend(results);
        }
    }

    /// The read results recorded since the last call, in input order
    /// (`PipelineOptions::read_results`).
    pub fn take_read_results(&self) -> Vec<super::ReadResult> {
        let mut g = self.inner.results.lock().unwrap_or_else(|p| p.into_inner());
        std::mem::take(&mut g.0)
    }

    /// Adds the bases of the records just counted and the records written.
    pub(crate) fn add_more(&self, bases: u64, records_out: u64) {
        self.inner.bases.fetch_add(bases, Ordering::Relaxed);
        self.inner
            .records_out
            .fetch_add(records_out, Ordering::Relaxed);
    }
}
