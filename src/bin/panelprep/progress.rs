//! A one-line progress indicator on stderr, shown only when stderr is a terminal.

use std::io::{IsTerminal, Write};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use panelprep::pipeline::Control;

/// Runs `job`, printing records and throughput every half second while it runs.
pub fn with_progress<T>(control: &Control, job: impl FnOnce() -> T) -> T {
    if !std::io::stderr().is_terminal() {
        return job();
    }
    let (stop_tx, stop_rx) = mpsc::channel::<()>();
    let watched = control.clone();
    let printer = std::thread::spawn(move || {
        let start = Instant::now();
        let mut shown = false;
        while let Err(mpsc::RecvTimeoutError::Timeout) =
            stop_rx.recv_timeout(Duration::from_millis(500))
        {
            let secs = start.elapsed().as_secs_f64().max(1e-9);
            let mb = watched.bytes() as f64 / 1e6;
            note_raw!(
                "\r{} reads, {:.0} MB, {:.0} MB/s   ",
                watched.records(),
                mb,
                mb / secs
            );
            let _ = std::io::stderr().flush();
            shown = true;
        }
        if shown {
            note_raw!("\r\x1b[K");
        }
    });
    let out = job();
    drop(stop_tx);
    let _ = printer.join();
    out
}
