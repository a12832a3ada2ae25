//! [`run_watched`]: runs a job on a scoped thread while the calling thread reports progress and
//! polls for cancellation (the C API's file-mode runs: callbacks stay on the caller's thread).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Duration;

use super::Control;
use crate::error::Error;

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
