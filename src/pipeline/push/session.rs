//! The session's public calls: start, settings, push, finish and pull.

use std::io::{self, Read, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use super::queue::{PushReader, PushWriter, Queues, Shared};
use super::{PushError, PushOutput, PushSession, Staging, Taken};
use crate::error::Error;
use crate::pipeline::{Control, Layout, PipelineOptions, Summary, run_readers_writers};

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
        crate::pipeline::umi_index::refuse_without_files(opts)?;
        crate::pipeline::merge::refuse_without_files(opts)?;
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
                        run_readers_writers(&opts, layout, readers, writers, &control)
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
}
