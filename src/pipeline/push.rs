//! Push mode: the caller hands over input bytes in pieces of any size from its own thread, the
//! engine ([`run_streams`]) runs on a thread of its own, and output bytes come back to the
//! caller's thread during [`PushSession::push`] and [`PushSession::finish`], in order. Also
//! [`run_watched`], which runs a job while the calling thread reports progress.
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

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::{Control, Layout, PipelineOptions, Summary, run_streams};
use crate::error::Error;

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

/// Output of a pull-mode session taken off the engine's queue, per output, waiting for
/// [`PushSession::pull`].
#[derive(Default)]
struct Staging {
    pieces: [VecDeque<Vec<u8>>; 2],
    /// How much of each output's front piece was pulled already.
    head: [usize; 2],
    /// Bytes held, all outputs.
    bytes: usize,
}

impl std::fmt::Debug for PushSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PushSession")
            .field("inputs", &self.inputs)
            .field("outcome", &self.outcome)
            .finish_non_exhaustive()
    }
}

struct Shared {
    state: Mutex<Queues>,
    cond: Condvar,
}

#[derive(Default)]
struct Queues {
    /// Pushed bytes not yet read by the engine, per input, and how much of the front piece was.
    input: [VecDeque<Vec<u8>>; 2],
    head: [usize; 2],
    queued: [usize; 2],
    /// No more input (finish was called).
    closed: bool,
    /// An engine thread waits inside `read` for bytes of this input.
    starving: [bool; 2],
    /// Output written by the engine, not yet delivered to the caller.
    output: VecDeque<(usize, Vec<u8>)>,
    out_bytes: usize,
    /// The caller gave up: engine reads and writes fail from now on.
    abort: bool,
    /// The engine returned.
    done: bool,
    /// Bytes each input queue, and the undelivered output, may hold before the producer waits
    /// ([`PushSession::MAX_QUEUED`] unless [`PushSession::set_memory_limit`] lowered it).
    limit: usize,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Queues> {
        // A poisoned lock only means a thread panicked while holding it; the queues are still
        // consistent (every update is a single push/pop), and the panic is reported elsewhere.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn wait<'a>(&self, q: MutexGuard<'a, Queues>, timeout: Duration) -> MutexGuard<'a, Queues> {
        match self.cond.wait_timeout(q, timeout) {
            Ok((q, _)) => q,
            Err(p) => p.into_inner().0,
        }
    }
}

struct PushReader {
    shared: Arc<Shared>,
    index: usize,
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

struct PushWriter {
    shared: Arc<Shared>,
    index: usize,
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

impl PushSession {
    /// Bytes queued per input (and undelivered output) above which the producer waits.
    pub const MAX_QUEUED: usize = 4 << 20;

    /// Bytes one input of a pair may hold queued while the engine waits for the other input;
    /// a push beyond is refused with [`PushError::WouldBlock`]. A push to an empty queue is
    /// always taken, so a session's queued input never exceeds this or one push's size.
    pub const MAX_AHEAD: usize = 64 << 20;

    /// Starts the engine for `layout` (two inputs for [`Layout::Paired`], one otherwise) with
    /// `outputs` caller outputs: 0 discards the output (validation and report only), 1 is the
    /// single-end output or both mates interleaved, 2 is R1 and R2. Output is BGZF when
    /// `opts.compress == Some(true)`, plain otherwise.
    pub fn start(
        opts: &PipelineOptions,
        layout: Layout,
        outputs: usize,
        control: Control,
    ) -> Result<Self, Error> {
        opts.validate()?;
        super::umi_index::refuse_in_streams(opts)?;
        super::merge::refuse_in_streams(opts)?;
        let inputs = if layout == Layout::Paired { 2 } else { 1 };
        if outputs > 2 || (outputs == 2 && layout == Layout::Single) {
            return Err(Error::Options(format!(
                "{layout:?} input cannot have {outputs} outputs"
            )));
        }
        let shared = Arc::new(Shared {
            state: Mutex::new(Queues {
                limit: Self::MAX_QUEUED,
                ..Queues::default()
            }),
            cond: Condvar::new(),
        });
        let names: &[&str] = if inputs == 2 {
            &["<stream R1>", "<stream R2>"]
        } else {
            &["<stream>"]
        };
        let readers: Vec<(PathBuf, Box<dyn Read + Send>)> = names
            .iter()
            .enumerate()
            .map(|(index, name)| {
                let r: Box<dyn Read + Send> = Box::new(PushReader {
                    shared: shared.clone(),
                    index,
                });
                (PathBuf::from(name), r)
            })
            .collect();
        let mut opts = opts.clone();
        let writers: Vec<(PathBuf, Box<dyn Write + Send>)> = if outputs == 0 {
            opts.compress = None; // nothing to compress: the bytes are dropped
            vec![(PathBuf::new(), Box::new(io::sink()))]
        } else {
            (0..outputs)
                .map(|index| {
                    let w: Box<dyn Write + Send> = Box::new(PushWriter {
                        shared: shared.clone(),
                        index,
                    });
                    (PathBuf::from(format!("<output {}>", index + 1)), w)
                })
                .collect()
        };
        let engine = {
            let (shared, control) = (shared.clone(), control.clone());
            std::thread::Builder::new()
                .name("panelprep-push".into())
                .spawn(move || {
                    let result = catch_unwind(AssertUnwindSafe(|| {
                        run_streams(&opts, layout, readers, writers, &control)
                    }))
                    .unwrap_or_else(|_| Err(Error::Internal("push engine panicked".into())));
                    let mut q = shared.lock();
                    q.done = true;
                    shared.cond.notify_all();
                    drop(q);
                    result
                })
                .map_err(|e| Error::Internal(format!("cannot start the push engine: {e}")))?
        };
        Ok(Self {
            shared,
            engine: Some(engine),
            control,
            inputs,
            outcome: None,
            interval: Duration::from_millis(100),
            last_progress: None,
            max_ahead: Self::MAX_AHEAD,
            outputs,
            pull: None,
            input_closed: false,
        })
    }

    /// Turns the session into pull mode (call before the first push): output is not handed to
    /// [`PushOutput::write`] but kept until the caller takes it with [`PushSession::pull`], and
    /// no call waits for the caller to take output. A push that cannot be queued without
    /// exceeding the limits returns [`PushError::WouldBlock`] (nothing taken) when the engine
    /// waits for output to be pulled (or for the other input of a pair), and otherwise waits
    /// for the engine to read its input; [`PushSession::finish`] returns
    /// [`PushError::WouldBlock`] while output waits to be pulled.
    pub fn set_pull_mode(&mut self) {
        self.pull.get_or_insert_with(Staging::default);
    }

    /// Caps the bytes this session queues: each input's pushed bytes not yet read by the engine,
    /// and the output not yet delivered (or, in pull mode, not yet pulled, counted once on the
    /// engine's side and once taken off it), each at most `bytes` (at least 64 KiB; default
    /// [`PushSession::MAX_QUEUED`]) — except that a push into an empty queue is always taken
    /// whole. The engine's own batches (threads x batch size) come on top, and so does one
    /// input of a pair held while the engine waits for the other, up to the max-ahead bound
    /// ([`PushSession::set_max_ahead`]; the engine may read up to 16 MiB of one input for
    /// adapter detection before it reads the other).
    pub fn set_memory_limit(&mut self, bytes: usize) {
        let limit = bytes.max(64 << 10);
        self.shared.lock().limit = limit;
        self.max_ahead = self.max_ahead.max(limit);
    }

    /// How often [`PushOutput::progress`] is called while the session works (default 100 ms).
    pub fn set_progress_interval(&mut self, interval: Duration) {
        self.interval = interval.max(Duration::from_millis(1));
    }

    /// How many bytes one input of a pair may hold queued while the engine waits for the other
    /// (default [`PushSession::MAX_AHEAD`]; at least the memory limit,
    /// [`PushSession::MAX_QUEUED`] by default).
    pub fn set_max_ahead(&mut self, bytes: usize) {
        let limit = self.shared.lock().limit;
        self.max_ahead = bytes.max(limit);
    }

    /// The run's progress counters and cancel flag.
    pub fn control(&self) -> &Control {
        &self.control
    }

    /// Queues a copy of `bytes` for input `input` (0 = R1 or the only input, 1 = R2), delivers
    /// the output that is ready to `out`, and returns. Waits (delivering output) while too much
    /// of this input is queued, so that memory stays bounded. Returns
    /// [`PushError::WouldBlock`] without taking the bytes when this input of a pair is
    /// [`PushSession::MAX_AHEAD`] bytes ahead of the other, which the engine waits for.
    pub fn push(
        &mut self,
        input: usize,
        bytes: &[u8],
        out: &mut dyn PushOutput,
    ) -> Result<(), PushError<'_>> {
        if input >= self.inputs {
            return Err(PushError::Argument(format!(
                "input index {input} out of range: this session has {} input(s)",
                self.inputs
            )));
        }
        if self.outcome.is_none() && self.input_closed {
            return Err(PushError::State(
                "the input was ended (finish was called): no more input can be pushed".into(),
            ));
        }
        if self.outcome.is_none() {
            let taken = if self.pull.is_some() {
                self.push_pull(input, bytes, out)
            } else {
                self.push_inner(input, bytes, out)
            };
            match taken {
                Ok(Taken::Yes) => {}
                Ok(Taken::Full) => {
                    return Err(PushError::WouldBlock(
                        "the output is full: pull every output, then repeat the push".into(),
                    ));
                }
                Ok(Taken::Ahead(queued)) => {
                    return Err(PushError::WouldBlock(format!(
                        "input {} is {queued} bytes ahead of input {} (at most {} while the \
                         engine waits for the other input): push input {} first",
                        input + 1,
                        2 - input,
                        self.max_ahead,
                        2 - input,
                    )));
                }
                Err(e) => self.fail(e),
            }
        }
        self.flush_final(out);
        match &self.outcome {
            None => Ok(()),
            Some(Err(e)) => Err(PushError::Run(e)),
            Some(Ok(_)) => Err(PushError::State(
                "the session is finished: no more input can be pushed".into(),
            )),
        }
    }

    /// Ends the input, delivers the rest of the output to `out` and returns the run's summary.
    /// Calling it again returns the same result.
    ///
    /// In pull mode, returns [`PushError::WouldBlock`] (the session goes on, the input stays
    /// ended) while output waits to be pulled: pull every output until it gives no byte, then
    /// call `finish` again. It waits while the engine works and no output is ready.
    pub fn finish(&mut self, out: &mut dyn PushOutput) -> Result<Summary, PushError<'_>> {
        if self.outcome.is_none() {
            let result = if self.pull.is_some() {
                self.finish_pull(out)
            } else {
                self.finish_inner(out).map(Some)
            };
            match result {
                Ok(Some(s)) => self.outcome = Some(Ok(s)),
                Ok(None) => {
                    return Err(PushError::WouldBlock(
                        "output is ready: pull every output until it gives 0 bytes, then call \
                         finish again"
                            .into(),
                    ));
                }
                Err(e) => self.fail(e),
            }
        }
        self.flush_final(out);
        match &self.outcome {
            Some(Ok(s)) => Ok(s.clone()),
            Some(Err(e)) => Err(PushError::Run(e)),
            None => Err(PushError::Run(&Error::Cancelled)),
        }
    }

    fn push_inner(
        &mut self,
        input: usize,
        bytes: &[u8],
        out: &mut dyn PushOutput,
    ) -> Result<Taken, Error> {
        self.tick(out)?;
        let other = 1 - input.min(1);
        let shared = self.shared.clone();
        loop {
            let q = shared.lock();
            let queued = q.queued[input];
            let ahead = self.inputs == 2
                && q.starving[other]
                && !q.done
                && queued > 0
                && queued.saturating_add(bytes.len()) > self.max_ahead;
            if !ahead {
                break;
            }
            // The other input's feed waits for bytes, but this input's feed may still be
            // working through its queue: wait while it drains, refuse only when it does not.
            let q = shared.wait(q, self.interval);
            let progress = q.queued[input] < queued;
            drop(q);
            self.deliver(out)?;
            if !progress {
                return Ok(Taken::Ahead(queued));
            }
        }
        {
            let mut q = self.shared.lock();
            if !bytes.is_empty() {
                q.input[input].push_back(bytes.to_vec());
                q.queued[input] += bytes.len();
                self.shared.cond.notify_all();
            }
        }
        loop {
            self.deliver(out)?;
            let q = shared.lock();
            let blocked =
                q.queued[input] > q.limit && !(self.inputs == 2 && q.starving[other]) && !q.done;
            if !blocked {
                let stopped = q.done && q.output.is_empty();
                drop(q);
                if stopped {
                    // The engine stopped before the input ended: that is an error.
                    return Err(self.join());
                }
                return Ok(Taken::Yes);
            }
            if q.output.is_empty() {
                drop(shared.wait(q, self.interval));
            } else {
                drop(q);
            }
            self.tick(out)?;
        }
    }

    /// Takes up to `buf.len()` bytes of output `output` (pull mode only) and returns how many;
    /// 0 when none is ready now (more may come while the engine works). Never waits for the
    /// engine. Output is pulled in order per output; pulling one output also takes the others'
    /// ready bytes off the engine's queue (up to the memory limit), so pull every output.
    pub fn pull(
        &mut self,
        output: usize,
        buf: &mut [u8],
        out: &mut dyn PushOutput,
    ) -> Result<usize, PushError<'_>> {
        if self.pull.is_none() {
            return Err(PushError::State(
                "not a pull session: output goes to the write callbacks".into(),
            ));
        }
        if output >= self.outputs {
            return Err(PushError::Argument(format!(
                "output index {output} out of range: this session has {} output(s)",
                self.outputs
            )));
        }
        if self.outcome.is_none() {
            match self.pull_inner(output, buf, out) {
                Ok(n) => return Ok(n),
                Err(e) => self.fail(e),
            }
        }
        self.flush_final(out);
        if !matches!(self.outcome, Some(Err(_))) {
            return Ok(self.take_staged(output, buf));
        }
        match &self.outcome {
            Some(Err(e)) => Err(PushError::Run(e)),
            _ => Ok(0),
        }
    }

    fn pull_inner(
        &mut self,
        output: usize,
        buf: &mut [u8],
        out: &mut dyn PushOutput,
    ) -> Result<usize, Error> {
        self.tick(out)?;
        let stopped = {
            let mut q = self.shared.lock();
            if let Some(st) = self.pull.as_mut() {
                while st.pieces[output].is_empty() && st.bytes < q.limit {
                    let Some((i, piece)) = q.output.pop_front() else {
                        break;
                    };
                    q.out_bytes -= piece.len();
                    st.bytes += piece.len();
                    st.pieces[i.min(1)].push_back(piece);
                    self.shared.cond.notify_all();
                }
            }
            q.done && q.output.is_empty() && !self.input_closed
        };
        let n = self.take_staged(output, buf);
        if n == 0 && stopped {
            // The engine stopped before the input ended: that is an error.
            return Err(self.join());
        }
        Ok(n)
    }

    /// Copies staged bytes of `output` into `buf`.
    fn take_staged(&mut self, output: usize, buf: &mut [u8]) -> usize {
        let Some(st) = self.pull.as_mut() else {
            return 0;
        };
        let mut n = 0;
        while n < buf.len() {
            let head = st.head[output];
            let Some(front) = st.pieces[output].front() else {
                break;
            };
            let k = (buf.len() - n).min(front.len() - head);
            buf[n..n + k].copy_from_slice(&front[head..head + k]);
            n += k;
            if head + k == front.len() {
                st.pieces[output].pop_front();
                st.head[output] = 0;
            } else {
                st.head[output] = head + k;
            }
        }
        st.bytes -= n;
        n
    }

    /// A pull-mode push: queued when it fits, refused when the engine waits for the caller
    /// (output to pull, or the other input), otherwise waits for the engine to read input.
    fn push_pull(
        &mut self,
        input: usize,
        bytes: &[u8],
        out: &mut dyn PushOutput,
    ) -> Result<Taken, Error> {
        let other = 1 - input.min(1);
        loop {
            self.tick(out)?;
            let mut q = self.shared.lock();
            if q.done {
                drop(q);
                // The engine stopped before the input ended: that is an error.
                return Err(self.join());
            }
            let queued = q.queued[input];
            let starving = self.inputs == 2 && q.starving[other];
            let after = queued.saturating_add(bytes.len());
            if starving && queued > 0 && after > self.max_ahead {
                return Ok(Taken::Ahead(queued));
            }
            if queued == 0 || starving || after <= q.limit {
                if !bytes.is_empty() {
                    q.input[input].push_back(bytes.to_vec());
                    q.queued[input] += bytes.len();
                    self.shared.cond.notify_all();
                }
                return Ok(Taken::Yes);
            }
            if q.out_bytes >= q.limit {
                return Ok(Taken::Full);
            }
            drop(self.shared.wait(q, self.interval));
        }
    }

    /// Pull-mode finish: ends the input, then `None` while output waits to be pulled, the
    /// summary once the engine is done and every byte was pulled.
    fn finish_pull(&mut self, out: &mut dyn PushOutput) -> Result<Option<Summary>, Error> {
        self.close_input();
        loop {
            self.tick(out)?;
            let staged = self.pull.as_ref().map_or(0, |st| st.bytes);
            let q = self.shared.lock();
            if staged > 0 || !q.output.is_empty() {
                return Ok(None);
            }
            if q.done {
                break;
            }
            drop(self.shared.wait(q, self.interval));
        }
        self.conclude(out).map(Some)
    }

    fn close_input(&mut self) {
        self.input_closed = true;
        let mut q = self.shared.lock();
        q.closed = true;
        self.shared.cond.notify_all();
    }

    fn finish_inner(&mut self, out: &mut dyn PushOutput) -> Result<Summary, Error> {
        self.tick(out)?;
        self.close_input();
        let shared = self.shared.clone();
        loop {
            self.deliver(out)?;
            let q = shared.lock();
            if q.done && q.output.is_empty() {
                break;
            }
            if q.output.is_empty() {
                drop(shared.wait(q, self.interval));
            } else {
                drop(q);
            }
            self.tick(out)?;
        }
        self.conclude(out)
    }

    /// Joins the engine after it returned and every output byte was handed over.
    fn conclude(&mut self, out: &mut dyn PushOutput) -> Result<Summary, Error> {
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

    /// Hands every queued output piece to `out`, in order, without holding the lock.
    fn deliver(&mut self, out: &mut dyn PushOutput) -> Result<(), Error> {
        loop {
            let piece = {
                let mut q = self.shared.lock();
                let piece = q.output.pop_front();
                if let Some((_, b)) = &piece {
                    q.out_bytes -= b.len();
                    self.shared.cond.notify_all();
                }
                piece
            };
            match piece {
                Some((index, bytes)) => out.write(index, &bytes)?,
                None => return Ok(()),
            }
        }
    }

    /// Hands the run's queued messages and read results to `out`; `false` when `out` asks to
    /// cancel.
    fn flush_log(&self, out: &mut dyn PushOutput) -> bool {
        self.control.log().drain(|level, m| out.log(level, m));
        let results = self.control.take_read_results();
        results.is_empty() || out.read_results(&results)
    }

    /// [`PushSession::flush_log`] at the end of a call: a cancel request fails a session still
    /// running (a finished one stays finished).
    fn flush_final(&mut self, out: &mut dyn PushOutput) {
        if !self.flush_log(out) && self.outcome.is_none() {
            self.fail(Error::Cancelled);
        }
    }

    /// Polls cancellation and, at the first call and then every interval, reports progress.
    fn tick(&mut self, out: &mut dyn PushOutput) -> Result<(), Error> {
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
    fn fail(&mut self, e: Error) {
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
    fn join(&mut self) -> Error {
        match self.engine.take().map(|h| h.join()) {
            Some(Ok(Err(e))) => e,
            Some(Ok(Ok(_))) => Error::Internal("push engine ended before its input".into()),
            Some(Err(_)) => Error::Internal("push engine panicked".into()),
            None => Error::Internal("push engine already stopped".into()),
        }
    }

    fn abort(&mut self) {
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

/// Runs `job` on a scoped thread while the calling thread calls `watch` with the run's counters
/// at once and then about every `interval`, and once more after a successful run. When `watch`
/// returns `false` the run is cancelled and `Error::Cancelled` is returned (whatever error the
/// job stopped with). Callbacks inside `watch` thus run on the caller's thread only.
pub fn run_watched<T: Send>(
    control: &Control,
    interval: Duration,
    watch: &mut dyn FnMut(&Control) -> bool,
    job: impl FnOnce(&Control) -> Result<T, Error> + Send,
) -> Result<T, Error> {
    let interval = interval.max(Duration::from_millis(1));
    if !watch(control) {
        control.cancel();
    }
    let (tx, rx) = std::sync::mpsc::channel();
    let result = std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("panelprep-run".into())
            .spawn_scoped(scope, || {
                let r = catch_unwind(AssertUnwindSafe(|| job(control)))
                    .unwrap_or_else(|_| Err(Error::Internal("run panicked".into())));
                let _ = tx.send(());
                r
            });
        let handle = match spawned {
            Ok(h) => h,
            Err(e) => return Err(Error::Internal(format!("cannot start a run thread: {e}"))),
        };
        while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(interval) {
            if !control.is_cancelled() && !watch(control) {
                control.cancel();
            }
        }
        handle
            .join()
            .unwrap_or_else(|_| Err(Error::Internal("run panicked".into())))
    });
    if control.is_cancelled() {
        return Err(Error::Cancelled);
    }
    if result.is_ok() {
        watch(control);
    }
    result
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::pipeline::{Inputs, Outputs, run};
    use rand::{RngExt, SeedableRng};

    struct Collect {
        out: [Vec<u8>; 2],
        cancel_after: Option<usize>,
        calls: usize,
    }

    impl Collect {
        fn new() -> Self {
            Self {
                out: [Vec::new(), Vec::new()],
                cancel_after: None,
                calls: 0,
            }
        }
    }

    impl PushOutput for Collect {
        fn write(&mut self, output: usize, bytes: &[u8]) -> Result<(), Error> {
            self.out[output].extend_from_slice(bytes);
            Ok(())
        }
        fn progress(&mut self, _c: &Control) -> bool {
            self.calls += 1;
            self.cancel_after.is_none_or(|n| self.calls <= n)
        }
    }

    fn fastq(n: usize, seed: u64, mate: u8) -> Vec<u8> {
        let mut rng = rand_pcg::Pcg64::seed_from_u64(seed);
        let mut v = Vec::new();
        for i in 0..n {
            let len = rng.random_range(1..150);
            v.extend_from_slice(format!("@r{i}/{mate}\n").as_bytes());
            for _ in 0..len {
                v.push(b"ACGTN"[rng.random_range(0..5)]);
            }
            v.extend_from_slice(b"\n+\n");
            for _ in 0..len {
                v.push(rng.random_range(b'!'..=b'J'));
            }
            v.push(b'\n');
        }
        v
    }

    fn file_mode(opts: &PipelineOptions, dir: &std::path::Path, ins: &[&[u8]]) -> Vec<Vec<u8>> {
        let paths: Vec<_> = ins
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let p = dir.join(format!("in{i}.fq"));
                std::fs::write(&p, b).unwrap();
                p
            })
            .collect();
        let inputs = match paths.as_slice() {
            [a] => Inputs::Single(a.clone()),
            [a, b] => Inputs::Paired(a.clone(), b.clone()),
            _ => unreachable!(),
        };
        let outs: Vec<_> = (0..ins.len())
            .map(|i| dir.join(format!("out{i}.fq.gz")))
            .collect();
        let outputs = Outputs::new(outs[0].clone(), outs.get(1).cloned());
        run(opts, &inputs, &outputs, &Control::new()).unwrap();
        outs.iter().map(|p| std::fs::read(p).unwrap()).collect()
    }

    #[test]
    fn random_splits_match_file_mode() {
        let dir = tempfile::tempdir().unwrap();
        let r1 = fastq(3000, 1, 1);
        let r2 = fastq(3000, 2, 2);
        let opts = PipelineOptions {
            compress: Some(true),
            batch_bytes: 50_000,
            threads: 3,
            ..Default::default()
        };
        let want = file_mode(&opts, dir.path(), &[&r1, &r2]);
        let mut rng = rand_pcg::Pcg64::seed_from_u64(7);
        for round in 0..4 {
            let mut out = Collect::new();
            let mut s = PushSession::start(&opts, Layout::Paired, 2, Control::new()).unwrap();
            let (mut a, mut b) = (&r1[..], &r2[..]);
            while !a.is_empty() || !b.is_empty() {
                let max = if round == 0 { 3 } else { 200_000 };
                let which = rng.random_range(0..2);
                let src = if which == 0 { &mut a } else { &mut b };
                let n = rng.random_range(0..=max).min(src.len());
                s.push(which, &src[..n], &mut out).unwrap();
                *src = &src[n..];
            }
            let sum = s.finish(&mut out).unwrap();
            assert_eq!(sum.inputs[0].records, 3000, "round {round}");
            assert!(out.out[0] == want[0], "R1 differs in round {round}");
            assert!(out.out[1] == want[1], "R2 differs in round {round}");
        }
    }

    #[test]
    fn lopsided_pushes_do_not_deadlock() {
        // All of R1 (more than MAX_QUEUED) before any of R2, with a single caller thread.
        let r1 = fastq(60_000, 3, 1);
        let r2 = fastq(60_000, 4, 2);
        assert!(r1.len() > PushSession::MAX_QUEUED);
        let mut out = Collect::new();
        let opts = PipelineOptions::passthrough();
        let mut s = PushSession::start(&opts, Layout::Paired, 1, Control::new()).unwrap();
        s.push(0, &r1, &mut out).unwrap();
        s.push(1, &r2, &mut out).unwrap();
        let sum = s.finish(&mut out).unwrap();
        assert_eq!(sum.inputs[1].records, 60_000);
        assert_eq!(out.out[0].len(), r1.len() + r2.len());
    }

    #[test]
    fn one_mate_far_ahead_would_block_and_the_session_goes_on() {
        let r1 = fastq(60_000, 8, 1);
        let r2 = fastq(60_000, 9, 2);
        let mut out = Collect::new();
        let opts = PipelineOptions::passthrough();
        let mut s = PushSession::start(&opts, Layout::Paired, 2, Control::new()).unwrap();
        s.set_max_ahead(0); // MAX_QUEUED
        let piece = 256 << 10;
        let (mut a, mut b) = (&r1[..], &r2[..]);
        let mut refused = 0;
        let mut pushed_ahead = 0;
        // R1 only until refused: it never gets more than max_ahead + one piece ahead.
        while !a.is_empty() {
            let n = piece.min(a.len());
            match s.push(0, &a[..n], &mut out) {
                Ok(()) => {
                    a = &a[n..];
                    pushed_ahead += n;
                }
                Err(PushError::WouldBlock(m)) => {
                    assert!(m.contains("push input 2 first"), "{m}");
                    refused += 1;
                    break;
                }
                Err(e) => panic!("{e:?}"),
            }
        }
        assert_eq!(refused, 1);
        assert!(pushed_ahead < PushSession::MAX_QUEUED + 4 * piece + (1 << 20));
        // Then R1 whenever it is taken, R2 when R1 is refused.
        while !a.is_empty() || !b.is_empty() {
            let n = piece.min(a.len());
            if !a.is_empty() {
                match s.push(0, &a[..n], &mut out) {
                    Ok(()) => {
                        a = &a[n..];
                        continue;
                    }
                    Err(PushError::WouldBlock(_)) => refused += 1,
                    Err(e) => panic!("{e:?}"),
                }
            }
            let m = piece.min(b.len());
            s.push(1, &b[..m], &mut out).unwrap();
            b = &b[m..];
        }
        let sum = s.finish(&mut out).unwrap();
        assert_eq!(sum.inputs[1].records, 60_000);
        assert!(out.out[0] == r1 && out.out[1] == r2);
        assert!(refused > 1, "{refused}");
    }

    /// Drives a pull-mode session the way an event loop would: push pieces, pull every output
    /// after each push and whenever a push is refused, then finish until it stops refusing.
    fn pull_all(
        opts: &PipelineOptions,
        layout: Layout,
        ins: &[&[u8]],
        limit: Option<usize>,
        rng: &mut rand_pcg::Pcg64,
    ) -> ([Vec<u8>; 2], Summary) {
        let n = ins.len();
        let mut s = PushSession::start(opts, layout, n, Control::new()).unwrap();
        s.set_pull_mode();
        if let Some(l) = limit {
            s.set_memory_limit(l);
        }
        let mut out = Collect::new();
        let mut got = [Vec::new(), Vec::new()];
        let mut buf = vec![0u8; 1000];
        let mut drain = |s: &mut PushSession, got: &mut [Vec<u8>; 2]| {
            for (o, g) in got.iter_mut().enumerate().take(n) {
                loop {
                    let k = s.pull(o, &mut buf, &mut Collect::new()).unwrap();
                    if k == 0 {
                        break;
                    }
                    g.extend_from_slice(&buf[..k]);
                }
            }
        };
        let mut rest: Vec<&[u8]> = ins.to_vec();
        while rest.iter().any(|r| !r.is_empty()) {
            let which = rng.random_range(0..n);
            let n_bytes = rng.random_range(0..=100_000).min(rest[which].len());
            match s.push(which, &rest[which][..n_bytes], &mut out) {
                Ok(()) => rest[which] = &rest[which][n_bytes..],
                Err(PushError::WouldBlock(_)) => {}
                Err(e) => panic!("{e:?}"),
            }
            drain(&mut s, &mut got);
        }
        let summary = loop {
            match s.finish(&mut out) {
                Ok(sum) => break sum,
                Err(PushError::WouldBlock(_)) => drain(&mut s, &mut got),
                Err(e) => panic!("{e:?}"),
            }
        };
        assert!(out.out[0].is_empty(), "pull mode never calls write");
        assert_eq!(s.pull(0, &mut buf, &mut out).unwrap(), 0);
        (got, summary)
    }

    #[test]
    fn pull_mode_matches_file_mode() {
        let dir = tempfile::tempdir().unwrap();
        let r1 = fastq(3000, 11, 1);
        let r2 = fastq(3000, 12, 2);
        let opts = PipelineOptions {
            compress: Some(true),
            batch_bytes: 50_000,
            threads: 2,
            ..Default::default()
        };
        let want = file_mode(&opts, dir.path(), &[&r1, &r2]);
        let mut rng = rand_pcg::Pcg64::seed_from_u64(21);
        for limit in [None, Some(1)] {
            let (got, sum) = pull_all(&opts, Layout::Paired, &[&r1, &r2], limit, &mut rng);
            assert_eq!(sum.inputs[1].records, 3000);
            assert!(got[0] == want[0] && got[1] == want[1], "limit {limit:?}");
        }
        let big = fastq(40_000, 13, 1);
        let (got, sum) = pull_all(
            &PipelineOptions::passthrough(),
            Layout::Single,
            &[&big],
            Some(1),
            &mut rng,
        );
        assert_eq!(sum.inputs[0].records, 40_000);
        assert!(got[0] == big);
    }

    #[test]
    fn memory_limit_bounds_callback_mode_queues() {
        // A writer that checks the engine never queues more output than the limit (plus one
        // piece) while the caller is away.
        struct Check {
            out: Vec<u8>,
            shared: Arc<Shared>,
            most: usize,
        }
        impl PushOutput for Check {
            fn write(&mut self, _o: usize, bytes: &[u8]) -> Result<(), Error> {
                let q = self.shared.lock();
                self.most = self.most.max(q.out_bytes + q.queued[0]);
                drop(q);
                self.out.extend_from_slice(bytes);
                Ok(())
            }
        }
        let data = fastq(40_000, 14, 1);
        let opts = PipelineOptions::passthrough();
        let mut s = PushSession::start(&opts, Layout::Single, 1, Control::new()).unwrap();
        s.set_memory_limit(100_000);
        let mut out = Check {
            out: Vec::new(),
            shared: s.shared.clone(),
            most: 0,
        };
        for piece in data.chunks(30_000) {
            s.push(0, piece, &mut out).unwrap();
        }
        s.finish(&mut out).unwrap();
        assert!(out.out == data);
        // Input and output queues each at most the limit plus one piece (a batch, a push).
        assert!(out.most < 2 * 100_000 + (1 << 20) + 30_000, "{}", out.most);
    }

    #[test]
    fn pull_mode_misuse() {
        let opts = PipelineOptions::passthrough();
        let mut out = Collect::new();
        let mut buf = [0u8; 8];
        let mut s = PushSession::start(&opts, Layout::Single, 1, Control::new()).unwrap();
        assert!(matches!(
            s.pull(0, &mut buf, &mut out),
            Err(PushError::State(_))
        ));
        s.set_pull_mode();
        assert!(matches!(
            s.pull(1, &mut buf, &mut out),
            Err(PushError::Argument(_))
        ));
        s.push(0, b"@r1\nACGT\n+\nIII\n", &mut out).unwrap();
        let failed = loop {
            match s.finish(&mut out) {
                Err(PushError::WouldBlock(_)) => {
                    while s.pull(0, &mut buf, &mut out).unwrap() > 0 {}
                }
                Err(PushError::Run(e)) => break e.to_string(),
                other => panic!("{other:?}"),
            }
        };
        assert!(failed.contains("<stream>"), "{failed}");
        assert!(matches!(
            s.pull(0, &mut buf, &mut out),
            Err(PushError::Run(_))
        ));
    }

    #[test]
    fn malformed_input_fails_and_stays_failed() {
        let mut out = Collect::new();
        let opts = PipelineOptions::passthrough();
        let mut s = PushSession::start(&opts, Layout::Single, 1, Control::new()).unwrap();
        s.push(0, b"@r1\nACGT\n+\nIII\n", &mut out).unwrap();
        let msg = match s.finish(&mut out) {
            Err(PushError::Run(e)) => e.to_string(),
            other => panic!("expected a run error, got {other:?}"),
        };
        assert!(msg.contains("<stream>"), "{msg}");
        assert!(matches!(s.push(0, b"@", &mut out), Err(PushError::Run(_))));
        assert!(matches!(s.finish(&mut out), Err(PushError::Run(_))));
        assert!(matches!(
            s.push(1, b"@", &mut out),
            Err(PushError::Argument(_))
        ));
    }

    #[test]
    fn progress_can_cancel_and_push_after_finish_is_a_state_error() {
        let data = fastq(100, 5, 1);
        let opts = PipelineOptions::passthrough();
        let mut out = Collect::new();
        out.cancel_after = Some(0);
        let mut s = PushSession::start(&opts, Layout::Single, 1, Control::new()).unwrap();
        assert!(matches!(
            s.push(0, &data, &mut out),
            Err(PushError::Run(Error::Cancelled))
        ));
        assert!(matches!(
            s.finish(&mut out),
            Err(PushError::Run(Error::Cancelled))
        ));
        let mut out = Collect::new();
        let mut s = PushSession::start(&opts, Layout::Single, 0, Control::new()).unwrap();
        s.push(0, &data, &mut out).unwrap();
        assert_eq!(s.finish(&mut out).unwrap().inputs[0].records, 100);
        assert!(out.out[0].is_empty());
        assert!(matches!(
            s.push(0, &data, &mut out),
            Err(PushError::State(_))
        ));
    }

    #[test]
    fn drop_mid_run_stops_the_engine() {
        let data = fastq(20_000, 6, 1);
        let mut out = Collect::new();
        let mut s = PushSession::start(
            &PipelineOptions::default(),
            Layout::Single,
            1,
            Control::new(),
        )
        .unwrap();
        s.push(0, &data, &mut out).unwrap();
        drop(s); // must return (engine threads stopped), not hang
    }

    #[test]
    fn run_watched_cancels_and_reports() {
        let control = Control::new();
        let mut calls = 0;
        let r: Result<(), Error> = run_watched(
            &control,
            Duration::from_millis(1),
            &mut |_| {
                calls += 1;
                calls < 3
            },
            |c| {
                while !c.is_cancelled() {
                    std::thread::sleep(Duration::from_millis(1));
                }
                Err(Error::Internal("stopped".into()))
            },
        );
        assert!(matches!(r, Err(Error::Cancelled)));
        assert_eq!(calls, 3);
        let ok = run_watched(
            &Control::new(),
            Duration::from_secs(1),
            &mut |_| true,
            |_| Ok(5),
        );
        assert_eq!(ok.unwrap(), 5);
    }
}
