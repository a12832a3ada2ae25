//! The process's standard streams, as the CLI uses them: printing that reports a failed write
//! as an error with its cause (`println!` panics on a full device), and detection of a standard
//! output the caller closed.

use std::io::{self, Write};
use std::path::PathBuf;

use panelprep::io::IoError;

/// True when the caller started us with standard output closed (`panelprep ... >&-`).
///
/// The Rust runtime reopens a closed descriptor 0-2 on `/dev/null` for reading and writing
/// before `main`, so every write to it would "succeed" and the records would be lost. A shell
/// redirection `>/dev/null` opens it write-only, so read-write `/dev/null` on descriptor 1 is
/// what a closed descriptor looks like (`1<>/dev/null` looks the same and is refused too).
#[cfg(target_os = "linux")]
pub fn stdout_was_closed() -> bool {
    let is_null = std::fs::read_link("/proc/self/fd/1").is_ok_and(|p| p == *"/dev/null");
    let read_write = std::fs::read_to_string("/proc/self/fdinfo/1").is_ok_and(|info| {
        info.lines()
            .find_map(|l| l.strip_prefix("flags:"))
            .and_then(|f| u32::from_str_radix(f.trim(), 8).ok())
            .is_some_and(|flags| flags & 3 == 2)
    });
    is_null && read_write
}

/// Elsewhere the descriptor cannot be inspected: assume it is open.
#[cfg(not(target_os = "linux"))]
pub fn stdout_was_closed() -> bool {
    false
}

/// The error of a run whose output goes to a closed standard output.
pub fn closed_stdout_error() -> panelprep::Error {
    IoError::File {
        path: PathBuf::from("-"),
        action: "write",
        source: io::Error::new(
            io::ErrorKind::BrokenPipe,
            "standard output is closed (the descriptor was closed by the caller)",
        ),
    }
    .into()
}

/// Writes `text` to standard output and flushes it; a failure is an error naming `-`.
pub fn out(text: &str) -> Result<(), panelprep::Error> {
    if stdout_was_closed() {
        return Err(closed_stdout_error());
    }
    let mut s = io::stdout().lock();
    s.write_all(text.as_bytes())
        .and_then(|()| s.flush())
        .map_err(|source| {
            IoError::File {
                path: PathBuf::from("-"),
                action: "write",
                source,
            }
            .into()
        })
}

/// Writes a line to standard error; a failure there cannot be reported anywhere, so it is
/// ignored (never a panic, unlike `eprintln!`).
pub fn note(text: &str) {
    let mut e = io::stderr().lock();
    let _ = e
        .write_all(text.as_bytes())
        .and_then(|()| e.write_all(b"\n"));
}

/// `eprintln!` that never panics (a failed write to standard error is ignored).
macro_rules! note {
    ($($arg:tt)*) => {
        $crate::stdio::note(&format!($($arg)*))
    };
}

/// `eprint!` that never panics.
macro_rules! note_raw {
    ($($arg:tt)*) => {
        $crate::stdio::note_raw(&format!($($arg)*))
    };
}

/// `println!` that returns the failure (`Result<(), panelprep::Error>`) instead of panicking.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::stdio::out(&(format!($($arg)*) + "\n"))
    };
}

/// Writes `text` to standard error as is (progress lines); failures are ignored.
pub fn note_raw(text: &str) {
    let mut e = io::stderr().lock();
    let _ = e.write_all(text.as_bytes()).and_then(|()| e.flush());
}
