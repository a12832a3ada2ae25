//! Callback mode: a push or finish waits while the engine works, handing each output piece to
//! [`super::PushOutput::write`] as it comes, so that queued memory stays bounded.

use super::{PushOutput, PushSession, Taken};
use crate::error::Error;
use crate::pipeline::Summary;

impl PushSession {
    /// A callback-mode push: waits (delivering output) while this input holds too much,
    /// refuses when it is too far ahead of the other input of a pair.
    pub(super) fn push_inner(
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

    /// A callback-mode finish: ends the input and delivers output until the engine is done.
    pub(super) fn finish_inner(&mut self, out: &mut dyn PushOutput) -> Result<Summary, Error> {
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

    /// Hands every queued output piece to `out`, in order, without holding the lock.
    pub(super) fn deliver(&mut self, out: &mut dyn PushOutput) -> Result<(), Error> {
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
}
