//! Pull mode: output waits on the session's side until the caller pulls it; no call waits for
//! the caller, a push or finish that would is refused with [`super::PushError::WouldBlock`].

use std::collections::VecDeque;

use super::{PushOutput, PushSession, Taken};
use crate::error::Error;
use crate::pipeline::Summary;

/// Output of a pull-mode session taken off the engine's queue, per output, waiting for
/// [`PushSession::pull`].
#[derive(Default)]
pub(super) struct Staging {
    pub(super) pieces: [VecDeque<Vec<u8>>; 2],
    /// How much of each output's front piece was pulled already.
    pub(super) head: [usize; 2],
    /// Bytes held, all outputs.
    pub(super) bytes: usize,
}

impl PushSession {
    /// Moves ready output off the engine's queue (up to the memory limit) and copies
    /// `output`'s staged bytes into `buf`.
    pub(super) fn pull_inner(
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
    pub(super) fn take_staged(&mut self, output: usize, buf: &mut [u8]) -> usize {
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
    pub(super) fn push_pull(
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
    pub(super) fn finish_pull(
        &mut self,
        out: &mut dyn PushOutput,
    ) -> Result<Option<Summary>, Error> {
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
}
