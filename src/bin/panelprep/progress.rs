//! A one-line progress indicator on stderr, shown only when stderr is a terminal.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use panelprep::pipeline::Control;

/// What is being read: the input files (their sizes give the share read and the time left) and
/// whether records come in pairs.
pub struct Watch<'a> {
    /// Input paths (`-` = stdin, which has no size).
    pub inputs: &'a [PathBuf],
    /// Records are counted as pairs.
    pub paired: bool,
}

/// Runs `job`, printing reads (or pairs), throughput, the share of the input read and the time
/// left every half second while it runs.
pub fn with_progress<T>(control: &Control, watch: &Watch<'_>, job: impl FnOnce() -> T) -> T {
    if !std::io::stderr().is_terminal() {
        return job();
    }
    // Sizes of regular files only: stdin and fifos give no share.
    let sizes: Option<u64> = watch
        .inputs
        .iter()
        .map(|p| {
            std::fs::metadata(p)
                .ok()
                .filter(|m| m.is_file())
                .map(|m| m.len())
        })
        .sum();
    let (unit, per) = if watch.paired {
        ("pairs", 2)
    } else {
        ("reads", 1)
    };
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
            let share = sizes
                .filter(|&t| t > 0)
                .map(|t| (watched.input_read() as f64 / t as f64).min(1.0));
            let tail = match share {
                Some(f) if f > 0.0 => format!(
                    ", {:.0}% of input, {} left",
                    f * 100.0,
                    clock((secs * (1.0 - f) / f).round() as u64)
                ),
                _ => String::new(),
            };
            note_raw!(
                "\r{} {unit}, {:.0} MB, {:.0} MB/s{tail}   ",
                watched.records() / per,
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

/// `m:ss` or `h:mm:ss`.
fn clock(secs: u64) -> String {
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}
