//! Push mode: the caller hands over input bytes in pieces of any size from its own thread, the
//! engine ([`super::run_readers_writers`]) runs on a thread of its own, and output bytes come
//! back to the caller's thread during [`PushSession::push`] and [`PushSession::finish`], in
//! order (or, in pull mode, when the caller pulls them).
//!
//! Output bytes equal those of [`super::run`] on the same input (the engine's output depends only
//! on the bytes, never on how they were split). Memory is bounded: a push waits (delivering
//! output meanwhile) while more than [`PushSession::MAX_QUEUED`] bytes of that input are queued,
//! and the engine waits while more than [`PushSession::MAX_QUEUED`] output bytes are
//! undelivered. A push cannot wait while the engine waits for the *other* input of a pair (the
//! caller's one thread would wait for itself): the push is then taken as long as that input
//! holds at most [`PushSession::MAX_AHEAD`] bytes queued, and refused with
//! [`PushError::WouldBlock`] (nothing taken) beyond, so that pushing one mate far ahead of the
//! other fails closed instead of queueing without bound. The caller then pushes the other input
//! and repeats the refused push: both mates in alternating pieces of up to a few MiB always
//! work; all of R1 before any of R2 works only for inputs of up to about `MAX_AHEAD` bytes.
//!
//! ```
//! use panelprep::pipeline::{Control, Layout, PipelineOptions, PushOutput, PushSession};
//! struct Collect(Vec<u8>);
//! impl PushOutput for Collect {
//!     fn write(&mut self, _output: usize, bytes: &[u8]) -> Result<(), panelprep::Error> {
//!         self.0.extend_from_slice(bytes);
//!         Ok(())
//!     }
//! }
//! let mut out = Collect(Vec::new());
//! let opts = PipelineOptions::passthrough(); // reads copied unchanged (no trimming or filtering)
//! let mut s = PushSession::start(&opts, Layout::Single, 1, Control::new()).unwrap();
//! s.push(0, b"@r1\nAC", &mut out).unwrap();
//! s.push(0, b"GT\n+\nIIII\n", &mut out).unwrap();
//! let summary = s.finish(&mut out).unwrap();
//! assert_eq!(summary.inputs[0].records, 1);
//! assert_eq!(out.0, b"@r1\nACGT\n+\nIIII\n");
//! ```

//!
//! Files: the public types here; the session's public calls in `session.rs`; the checks of
//! its layout and output count before it starts in `shape.rs`; the queues
//! between the caller and the engine in `queue.rs`; callback-mode and pull-mode waiting in
//! `callback.rs` and `pull.rs`; progress, cancellation and stopping in `lifecycle.rs`.

mod callback;
mod lifecycle;
mod pull;
mod queue;
mod session;
mod shape;
#[cfg(test)]
mod tests;

use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::{Control, Summary};
use crate::error::Error;
use pull::Staging;
use queue::Shared;

/// Receives a push session's output on the caller's thread.
pub trait PushOutput {
    /// The next bytes of output `output` (0 = first). Called in order, never concurrently. An
    /// error fails the session with that error.
    fn write(&mut self, output: usize, bytes: &[u8]) -> Result<(), Error>;

    /// Called about every [`PushSession::set_progress_interval`] while a call waits or works,
    /// with the run's counters; return `false` to cancel the run.
    fn progress(&mut self, control: &Control) -> bool {
        let _ = control;
        true
    }

    /// A message of the run for a person (see [`crate::log`]), on the caller's thread, during
    /// any call of the session. The default drops it.
    fn log(&mut self, level: crate::log::Level, message: &str) {
        let _ = (level, message);
    }

    /// What happened to the reads processed since the last call, in input order (only with
    /// `PipelineOptions::read_results`), on the caller's thread; return `false` to cancel the
    /// run.
    fn read_results(&mut self, results: &[super::ReadResult]) -> bool {
        let _ = results;
        true
    }

    /// Polled with [`PushOutput::progress`]: return `true` to cancel the run (e.g. a cancel token
    /// set by another thread).
    fn cancel_requested(&self) -> bool {
        false
    }
}

/// Why a push-session call failed.
#[derive(Debug)]
pub enum PushError<'a> {
    /// The run failed or was cancelled. The session is over: every later call returns the same
    /// error.
    Run(&'a Error),
    /// An argument is out of range (an input index the layout does not have); nothing changed.
    Argument(String),
    /// The call does not fit the session's state (a push after finish); nothing changed.
    State(String),
    /// The push was refused, nothing taken, the session goes on: this input of a pair is
    /// [`PushSession::MAX_AHEAD`] bytes ahead of the other, which the engine waits for. Push
    /// the other input, then this push again.
    WouldBlock(String),
}

/// A running push-mode session. Dropping it aborts the run and waits for the engine to stop.
pub struct PushSession {
    shared: Arc<Shared>,
    engine: Option<JoinHandle<Result<Summary, Error>>>,
    control: Control,
    inputs: usize,
    outcome: Option<Result<Summary, Error>>,
    interval: Duration,
    last_progress: Option<Instant>,
    max_ahead: usize,
    /// Caller outputs (0-2).
    outputs: usize,
    /// Pull mode: output the caller has not pulled yet, taken from the engine's queue.
    pull: Option<Staging>,
    /// The input was ended (finish called).
    input_closed: bool,
}

impl std::fmt::Debug for PushSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PushSession")
            .field("inputs", &self.inputs)
            .field("outcome", &self.outcome)
            .finish_non_exhaustive()
    }
}

/// Whether a push took its bytes.
enum Taken {
    Yes,
    /// Refused (pull mode): the engine waits for output to be pulled.
    Full,
    /// Refused: the input holds this many bytes queued, ahead of the other input.
    Ahead(usize),
}

impl Drop for PushSession {
    fn drop(&mut self) {
        if self.engine.is_some() {
            self.control.cancel();
            self.abort();
        }
    }
}
