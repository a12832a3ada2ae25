//! The session's life around the engine thread: progress and cancellation polls, delivering
//! log messages and read results, failing, joining and aborting the engine.

use std::time::Instant;

use super::{PushOutput, PushSession};
use crate::error::Error;
use crate::pipeline::Summary;

impl PushSession {
    /// Ends the input: the engine reads the end of every input once its queue is empty.
    pub(super) fn close_input(&mut self) {
        self.input_closed = true;
        let mut q = self.shared.lock();
        q.closed = true;
        self.shared.cond.notify_all();
    }

    /// Joins the engine after it returned and every output byte was handed over.
    pub(super) fn conclude(&mut self, out: &mut dyn PushOutput) -> Result<Summary, Error> {
        let engine = self.engine.take();
        let result = engine
            .map(|h| h.join())
            .unwrap_or_else(|| Ok(Err(Error::Internal("push engine already stopped".into()))))
            .unwrap_or_else(|_| Err(Error::Internal("push engine panicked".into())));
        if self.control.is_cancelled() {
            return Err(Error::Cancelled);
        }
        if result.is_ok() {
            let _ = out.progress(&self.control);
        }
        result
    }

    /// Hands the run's queued messages and read results to `out`; `false` when `out` asks to
    /// cancel.
    pub(super) fn flush_log(&self, out: &mut dyn PushOutput) -> bool {
        self.control.log().drain(|level, m| out.log(level, m));
        let results = self.control.take_read_results();
        results.is_empty() || out.read_results(&results)
    }

    /// [`PushSession::flush_log`] at the end of a call: a cancel request fails a session still
    /// running (a finished one stays finished).
    pub(super) fn flush_final(&mut self, out: &mut dyn PushOutput) {
        if !self.flush_log(out) && self.outcome.is_none() {
            self.fail(Error::Cancelled);
        }
    }

    /// Polls cancellation and, at the first call and then every interval, reports progress.
    pub(super) fn tick(&mut self, out: &mut dyn PushOutput) -> Result<(), Error> {
        if !self.flush_log(out) {
            return Err(Error::Cancelled);
        }
        if out.cancel_requested() {
            return Err(Error::Cancelled);
        }
        let due = self
            .last_progress
            .is_none_or(|t| t.elapsed() >= self.interval);
        if due {
            self.last_progress = Some(Instant::now());
            if !out.progress(&self.control) {
                return Err(Error::Cancelled);
            }
        }
        if self.control.is_cancelled() {
            return Err(Error::Cancelled);
        }
        Ok(())
    }

    /// Stops the engine and records `e` (or `Cancelled` when the run was cancelled) as the
    /// session's outcome.
    pub(super) fn fail(&mut self, e: Error) {
        if matches!(e, Error::Cancelled) {
            self.control.cancel();
        }
        self.abort();
        let e = if self.control.is_cancelled() {
            Error::Cancelled
        } else {
            e
        };
        self.outcome = Some(Err(e));
    }

    /// The engine's error after it stopped on its own.
    pub(super) fn join(&mut self) -> Error {
        match self.engine.take().map(|h| h.join()) {
            Some(Ok(Err(e))) => e,
            Some(Ok(Ok(_))) => Error::Internal("push engine ended before its input".into()),
            Some(Err(_)) => Error::Internal("push engine panicked".into()),
            None => Error::Internal("push engine already stopped".into()),
        }
    }

    /// Fails the engine's reads and writes, drops every queued byte and joins the engine.
    pub(super) fn abort(&mut self) {
        {
            let mut q = self.shared.lock();
            q.abort = true;
            q.closed = true;
            q.output.clear();
            q.out_bytes = 0;
            for i in 0..2 {
                q.input[i].clear();
                q.queued[i] = 0;
            }
            self.shared.cond.notify_all();
        }
        if let Some(h) = self.engine.take() {
            let _ = h.join();
        }
    }
}
