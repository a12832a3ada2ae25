//! The queues between the caller's thread and the engine thread: pushed input waiting for the
//! engine's reads ([`PushReader`]), and output the engine wrote waiting for the caller
//! ([`PushWriter`]), under one lock with one condition variable.

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

/// The queues with the lock and condition variable that guard them.
pub(super) struct Shared {
    pub(super) state: Mutex<Queues>,
    pub(super) cond: Condvar,
}

/// Everything the caller's thread and the engine exchange.
#[derive(Default)]
pub(super) struct Queues {
    /// Pushed bytes not yet read by the engine, per input, and how much of the front piece was.
    pub(super) input: [VecDeque<Vec<u8>>; 2],
    pub(super) head: [usize; 2],
    pub(super) queued: [usize; 2],
    /// No more input (finish was called).
    pub(super) closed: bool,
    /// An engine thread waits inside `read` for bytes of this input.
    pub(super) starving: [bool; 2],
    /// Output written by the engine, not yet delivered to the caller.
    pub(super) output: VecDeque<(usize, Vec<u8>)>,
    pub(super) out_bytes: usize,
    /// The caller gave up: engine reads and writes fail from now on.
    pub(super) abort: bool,
    /// The engine returned.
    pub(super) done: bool,
    /// Bytes each input queue, and the undelivered output, may hold before the producer waits
    /// ([`PushSession::MAX_QUEUED`] unless [`PushSession::set_memory_limit`] lowered it).
    pub(super) limit: usize,
}

impl Shared {
    /// Locks the queues.
    pub(super) fn lock(&self) -> MutexGuard<'_, Queues> {
        // A poisoned lock only means a thread panicked while holding it; the queues are still
        // consistent (every update is a single push/pop), and the panic is reported elsewhere.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits for a change of the queues, at most `timeout`.
    pub(super) fn wait<'a>(
        &self,
        q: MutexGuard<'a, Queues>,
        timeout: Duration,
    ) -> MutexGuard<'a, Queues> {
        match self.cond.wait_timeout(q, timeout) {
            Ok((q, _)) => q,
            Err(p) => p.into_inner().0,
        }
    }
}

/// The engine's reader of one pushed input: takes queued bytes, waits while there are none.
pub(super) struct PushReader {
    pub(super) shared: Arc<Shared>,
    pub(super) index: usize,
}

impl Read for PushReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let i = self.index;
        let mut q = self.shared.lock();
        loop {
            if q.abort {
                return Err(io::Error::other("push session aborted"));
            }
            let head = q.head[i];
            if let Some(front) = q.input[i].front() {
                let n = buf.len().min(front.len() - head);
                buf[..n].copy_from_slice(&front[head..head + n]);
                let exhausted = head + n == front.len();
                q.head[i] = if exhausted { 0 } else { head + n };
                if exhausted {
                    q.input[i].pop_front();
                }
                q.queued[i] -= n;
                self.shared.cond.notify_all();
                return Ok(n);
            }
            if q.closed {
                return Ok(0);
            }
            q.starving[i] = true;
            self.shared.cond.notify_all();
            q = self.shared.wait(q, Duration::from_secs(1));
            q.starving[i] = false;
        }
    }
}

/// The engine's writer of one output: queues a copy of each write, waits while the queue is
/// full.
pub(super) struct PushWriter {
    pub(super) shared: Arc<Shared>,
    pub(super) index: usize,
}

impl Write for PushWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut q = self.shared.lock();
        while !q.abort && q.out_bytes >= q.limit {
            q = self.shared.wait(q, Duration::from_secs(1));
        }
        if q.abort {
            return Err(io::Error::other("push session aborted"));
        }
        q.output.push_back((self.index, buf.to_vec()));
        q.out_bytes += buf.len();
        self.shared.cond.notify_all();
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
