//! File mode: `pp_run_se` and `pp_run_pe` run the engine on paths and return a report.

use std::ffi::{c_char, c_int};
use std::io::Read;
use std::path::PathBuf;

use super::boundary::{Failed, arg_opt_str, arg_str, boundary};
use super::handle::{self, try_box_ref, try_out};
use super::options::{Options, pp_options};
use super::pp_status;
use super::report::{Report, pp_report};
use crate::pipeline::{self, Control, Outputs, ReadFiles, run_watched};

type Readers = Vec<Box<dyn Read + Send>>;

/// Runs the engine on `reads` (and the settings' UMI index file) with `o`'s settings, progress
/// callback and cancel token, on this thread's behalf (callbacks on this thread).
fn run(o: &Options, reads: ReadFiles, outputs: &Outputs) -> Result<*const pp_report, Failed> {
    run_from(o, reads, None, outputs)
}

/// [`run`], with the reads read from `readers` when given (their paths only name them).
fn run_from(
    o: &Options,
    reads: ReadFiles,
    readers: Option<Readers>,
    outputs: &Outputs,
) -> Result<*const pp_report, Failed> {
    let control = Control::new();
    let inputs = &o.inputs(reads);
    let p = &o.pipeline(inputs.layout())?;
    let go = |c: &Control| match readers {
        Some(r) => pipeline::run_readers(p, inputs, r, outputs, c),
        None => pipeline::run(p, inputs, outputs, c),
    };
    let result = if o.watched() {
        run_watched(&control, o.interval(), &mut |c| o.watch(c), go)
    } else {
        go(&control)
    };
    // After the run: a cancel request from the last callbacks comes too late to matter.
    let _ = o.flush_log(&control);
    let summary = result?;
    Ok(Report::into_c(summary))
}

/// The read outputs named by C strings (NULL: no such output).
fn outputs(out1: *const c_char, out2: *const c_char) -> Result<Outputs, Failed> {
    Ok(Outputs {
        out1: arg_opt_str(out1, "out1")?.map(PathBuf::from),
        out2: arg_opt_str(out2, "out2")?.map(PathBuf::from),
        ..Outputs::default()
    })
}

/// Runs on one input file: single-end reads, or pairs when the options set `interleaved_in`.
///
/// - `in1`: the input path (plain, gzip or BGZF FASTQ, detected from the bytes; "-" = stdin).
/// - `out1`: the output path, or NULL to only validate and count ("-" = stdout). Written
///   under a temporary name and renamed when the whole run succeeded: after any failure or
///   cancellation no file exists under this name. Compressed (BGZF) when its name ends in
///   `.gz`, unless the options force a format. Interleaved pairs are written interleaved.
/// - `report_out`: receives the report on success (unchanged on failure).
///
/// Ownership: strings are borrowed for the call; the caller frees the report with
/// `pp_report_free`. Blocks until the run is done; worker threads are the run's own and are
/// stopped when it returns. The progress callback, if any, is called on the calling thread.
#[unsafe(no_mangle)]
pub extern "C" fn pp_run_se(
    options: *const pp_options,
    in1: *const c_char,
    out1: *const c_char,
    report_out: *mut *const pp_report,
) -> pp_status {
    boundary(|| {
        let o = try_box_ref!(options);
        let out = try_out!(report_out);
        let reads = single(o, PathBuf::from(arg_str(in1, "in1")?));
        let outputs = outputs(out1, std::ptr::null())?;
        *out = run(o, reads, &outputs)?;
        Ok(())
    })
}

/// Runs on paired-end reads in two files, `in1` (R1) and `in2` (R2), as `pp_run_se` does.
///
/// - `out1`, `out2`: R1 and R2 outputs. With `out2` NULL both mates go interleaved to `out1`;
///   with both NULL the run only validates and counts (`out2` without `out1` is an error).
///
/// Ownership, outputs on failure, threading: as for `pp_run_se`.
#[unsafe(no_mangle)]
pub extern "C" fn pp_run_pe(
    options: *const pp_options,
    in1: *const c_char,
    in2: *const c_char,
    out1: *const c_char,
    out2: *const c_char,
    report_out: *mut *const pp_report,
) -> pp_status {
    boundary(|| {
        let o = try_box_ref!(options);
        let out = try_out!(report_out);
        let reads = ReadFiles::Paired(
            PathBuf::from(arg_str(in1, "in1")?),
            PathBuf::from(arg_str(in2, "in2")?),
        );
        let outputs = outputs(out1, out2)?;
        *out = run(o, reads, &outputs)?;
        Ok(())
    })
}

/// A reader of the caller's file descriptor `fd` (a duplicate: the caller's stays open).
fn fd_reader(fd: c_int, name: &str) -> Result<Box<dyn Read + Send>, Failed> {
    if fd < 0 {
        return Err(Failed::with(
            pp_status::PP_STATUS_INVALID_ARGUMENT,
            &format!("argument {name} is not a file descriptor: {fd}"),
        ));
    }
    #[cfg(unix)]
    {
        use std::os::fd::BorrowedFd;
        // SAFETY: `fd` is not -1, and the caller promises it is an open file descriptor that
        // stays open for the duration of the call; it is only borrowed here to duplicate it.
        let borrowed = unsafe { BorrowedFd::borrow_raw(fd) };
        let owned = borrowed.try_clone_to_owned().map_err(|e| {
            Failed::with(
                pp_status::PP_STATUS_IO_ERROR,
                &format!("cannot duplicate file descriptor {fd} ({name}): {e}"),
            )
        })?;
        Ok(Box::new(std::fs::File::from(owned)))
    }
    #[cfg(not(unix))]
    {
        Err(Failed::with(
            pp_status::PP_STATUS_INVALID_ARGUMENT,
            "file descriptor input needs a Unix system",
        ))
    }
}

/// The reads of a one-input run named `name`, laid out as the options say.
fn single(o: &Options, name: PathBuf) -> ReadFiles {
    if o.interleaved_in() {
        ReadFiles::Interleaved(name)
    } else {
        ReadFiles::Single(name)
    }
}

/// Runs as `pp_run_se` does, reading the input from the open file descriptor `fd` (a file, a
/// pipe, a socket: read from its current position to end of file) instead of a path. The
/// library reads from a duplicate of `fd` and never closes the caller's `fd` (close it
/// yourself after the call); as a duplicate shares the file position, the position is at the
/// end of what was read afterwards. Messages and the report name the input `<fd N>`.
///
/// Unix only (`PP_STATUS_INVALID_ARGUMENT` elsewhere, and for a negative `fd`).
#[unsafe(no_mangle)]
pub extern "C" fn pp_run_se_fd(
    options: *const pp_options,
    fd: c_int,
    out1: *const c_char,
    report_out: *mut *const pp_report,
) -> pp_status {
    boundary(|| {
        let o = try_box_ref!(options);
        let out = try_out!(report_out);
        let readers = vec![fd_reader(fd, "fd")?];
        let reads = single(o, PathBuf::from(format!("<fd {fd}>")));
        let outputs = outputs(out1, std::ptr::null())?;
        *out = run_from(o, reads, Some(readers), &outputs)?;
        Ok(())
    })
}

/// Runs as `pp_run_pe` does, reading R1 from file descriptor `fd1` and R2 from `fd2` (see
/// `pp_run_se_fd`: duplicates are read, the caller's descriptors stay open).
#[unsafe(no_mangle)]
pub extern "C" fn pp_run_pe_fd(
    options: *const pp_options,
    fd1: c_int,
    fd2: c_int,
    out1: *const c_char,
    out2: *const c_char,
    report_out: *mut *const pp_report,
) -> pp_status {
    boundary(|| {
        let o = try_box_ref!(options);
        let out = try_out!(report_out);
        let readers = vec![fd_reader(fd1, "fd1")?, fd_reader(fd2, "fd2")?];
        let reads = ReadFiles::Paired(
            PathBuf::from(format!("<fd {fd1}>")),
            PathBuf::from(format!("<fd {fd2}>")),
        );
        let outputs = outputs(out1, out2)?;
        *out = run_from(o, reads, Some(readers), &outputs)?;
        Ok(())
    })
}

/// A path given as `len` bytes at `p` (no NUL terminator needed); `None` for NULL with
/// `len` 0. On Unix any bytes but NUL (file names need not be UTF-8); elsewhere UTF-8.
fn path_bytes(p: *const u8, len: usize, name: &str) -> Result<Option<PathBuf>, Failed> {
    if p.is_null() && len == 0 {
        return Ok(None);
    }
    let bytes = handle::slice(p, len).ok_or_else(|| handle::null(name))?;
    if bytes.is_empty() || bytes.contains(&0) {
        return Err(Failed::with(
            pp_status::PP_STATUS_INVALID_ARGUMENT,
            &format!("argument {name} is empty or holds a NUL byte"),
        ));
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        Ok(Some(PathBuf::from(std::ffi::OsStr::from_bytes(bytes))))
    }
    #[cfg(not(unix))]
    {
        std::str::from_utf8(bytes)
            .map(|s| Some(PathBuf::from(s)))
            .map_err(|_| {
                Failed::with(
                    pp_status::PP_STATUS_INVALID_UTF8,
                    &format!("argument {name} is not valid UTF-8"),
                )
            })
    }
}

/// A required path argument given as bytes.
fn required_path_bytes(p: *const u8, len: usize, name: &str) -> Result<PathBuf, Failed> {
    path_bytes(p, len, name)?.ok_or_else(|| handle::null(name))
}

/// Runs as `pp_run_se` does, with the paths given as byte strings of a length (no NUL
/// terminator): on Unix a file name is any bytes but NUL, also when not valid UTF-8 (Latin-1
/// or Shift_JIS names on old shares). `out1` NULL with `out1_len` 0 only validates and counts.
/// Messages show a non-UTF-8 name with replacement characters. Elsewhere the bytes must be
/// UTF-8 (`PP_STATUS_INVALID_UTF8`). An empty path or one holding a NUL byte gives
/// `PP_STATUS_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
pub extern "C" fn pp_run_se_bytes(
    options: *const pp_options,
    in1: *const u8,
    in1_len: usize,
    out1: *const u8,
    out1_len: usize,
    report_out: *mut *const pp_report,
) -> pp_status {
    boundary(|| {
        let o = try_box_ref!(options);
        let out = try_out!(report_out);
        let reads = single(o, required_path_bytes(in1, in1_len, "in1")?);
        let outputs = Outputs {
            out1: path_bytes(out1, out1_len, "out1")?,
            ..Outputs::default()
        };
        *out = run(o, reads, &outputs)?;
        Ok(())
    })
}

/// Runs as `pp_run_pe` does, with the paths given as byte strings of a length (see
/// `pp_run_se_bytes`). `out1`/`out2` NULL with length 0 mean "none", as NULL does for
/// `pp_run_pe`.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn pp_run_pe_bytes(
    options: *const pp_options,
    in1: *const u8,
    in1_len: usize,
    in2: *const u8,
    in2_len: usize,
    out1: *const u8,
    out1_len: usize,
    out2: *const u8,
    out2_len: usize,
    report_out: *mut *const pp_report,
) -> pp_status {
    boundary(|| {
        let o = try_box_ref!(options);
        let out = try_out!(report_out);
        let reads = ReadFiles::Paired(
            required_path_bytes(in1, in1_len, "in1")?,
            required_path_bytes(in2, in2_len, "in2")?,
        );
        let outputs = Outputs {
            out1: path_bytes(out1, out1_len, "out1")?,
            out2: path_bytes(out2, out2_len, "out2")?,
            ..Outputs::default()
        };
        *out = run(o, reads, &outputs)?;
        Ok(())
    })
}

super::symver::versions!("run.rs");
