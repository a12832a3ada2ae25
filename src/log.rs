//! The library's logger: messages meant for a person (what was detected or guessed, what was
//! skipped) that the library itself never prints. Engine threads add them to a [`Log`]; the
//! caller takes them on its own thread ([`Log::drain`]) and shows them as it likes: the CLI on
//! standard error, the C API through the options' log callback.

use std::sync::{Arc, Mutex};

/// How much a message matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Something failed (the call also returns an error).
    Error = 1,
    /// The output may not be what the caller expects (targets skipped, header doubts...).
    Warning = 2,
    /// What the run decided by itself (a detected adapter...).
    Info = 3,
}

/// A queue of messages shared by a run's threads; cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Log {
    queue: Arc<Mutex<Vec<(Level, String)>>>,
}

impl Log {
    /// An empty log.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a message (any thread).
    pub fn push(&self, level: Level, message: impl Into<String>) {
        self.lock().push((level, message.into()));
    }

    /// Hands every queued message to `f`, oldest first, and forgets them; called on the
    /// thread that shows them.
    pub fn drain(&self, mut f: impl FnMut(Level, &str)) {
        let messages = std::mem::take(&mut *self.lock());
        for (level, m) in &messages {
            f(*level, m);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(Level, String)>> {
        // A poisoned lock only means a thread panicked while pushing; the Vec is intact.
        self.queue.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drains_in_order_once() {
        let log = Log::new();
        let other = log.clone();
        std::thread::spawn(move || other.push(Level::Warning, "w"))
            .join()
            .ok();
        log.push(Level::Info, "i");
        let mut seen = Vec::new();
        log.drain(|l, m| seen.push((l, m.to_string())));
        assert_eq!(
            seen,
            vec![(Level::Warning, "w".into()), (Level::Info, "i".into())]
        );
        log.drain(|_, _| panic!("drained twice"));
    }
}
