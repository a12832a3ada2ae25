//! Faults that must lose nothing: an unwritable output place, a full disk, SIGINT/SIGTERM in the
//! middle of a run fed slowly through a fifo, and cancellation through the library. In each case
//! the run fails with a clear message, no file is left under the final output name (nor a
//! temporary one) and the input is untouched.
//!
//! What is real and what is simulated: tests run as root, so permission bits do not stop a write.
//! A read-only directory is a read-only tmpfs mounted in a private mount namespace (`unshare -m`)
//! and `/proc` (where nobody can create files); a full disk is a 1 MiB tmpfs in a private mount
//! namespace, and stdout on `/dev/full`. A test that cannot set its fault up prints `SKIP` and why.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::util::c_abi as ffi;
use crate::util::common;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::*;
use panelprep::pipeline::{self, Control, Inputs, Outputs, PipelineOptions};

/// A FASTQ input in its own directory (so that output directories hold only outputs).
fn input_file(records: usize) -> (tempfile::TempDir, PathBuf, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("in.fq");
    let data = fastq(records, 11, "");
    fs::write(&p, &data).unwrap();
    (dir, p, data)
}

fn stderr_of(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs `script` under `sh` in a private mount namespace; `None` when that is not possible here.
fn in_private_mounts(script: &str) -> Option<Output> {
    let probe = Command::new("unshare")
        .args([
            "-m",
            "sh",
            "-c",
            "mount -t tmpfs -o size=64k tmpfs /mnt && echo ok",
        ])
        .output();
    match probe {
        Ok(o) if String::from_utf8_lossy(&o.stdout).contains("ok") => {}
        Ok(o) => {
            eprintln!(
                "SKIP: cannot mount a tmpfs in a private namespace: {}",
                stderr_of(&o)
            );
            return None;
        }
        Err(e) => {
            eprintln!("SKIP: unshare is not available: {e}");
            return None;
        }
    }
    Some(
        Command::new("unshare")
            .args(["-m", "sh", "-c", script])
            .output()
            .unwrap(),
    )
}

#[test]
fn output_under_a_non_directory_fails_cleanly() {
    let (dir, input, data) = input_file(50);
    let out = dir.path().join("in.fq").join("out.fq.gz");
    let o = Command::new(bin())
        .args([
            "trim",
            "-i",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let err = stderr_of(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("out.fq.gz: create failed"), "{err}");
    assert!(err.contains("Not a directory"), "{err}");
    assert_eq!(fs::read(&input).unwrap(), data);
    assert_eq!(dir_names(dir.path()), vec!["in.fq"]);
}

#[test]
fn output_in_proc_fails_cleanly() {
    let (dir, input, data) = input_file(50);
    let o = Command::new(bin())
        .args([
            "trim",
            "-i",
            input.to_str().unwrap(),
            "-o",
            "/proc/panelprep-out.fq",
        ])
        .output()
        .unwrap();
    let err = stderr_of(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("/proc/panelprep-out.fq: create failed"),
        "{err}"
    );
    assert!(!Path::new("/proc/panelprep-out.fq").exists());
    assert_eq!(fs::read(&input).unwrap(), data);
    assert_eq!(dir_names(dir.path()), vec!["in.fq"]);
}

#[test]
fn read_only_output_directory_fails_cleanly() {
    let (dir, input, data) = input_file(50);
    let mnt = tempfile::tempdir().unwrap();
    let script = format!(
        "mount -t tmpfs -o ro,size=1m tmpfs {m} || exit 99; \
         {bin} trim -i {i} -o {m}/out.fq.gz; echo \"rc=$?\"; echo \"left=[$(ls -A {m})]\"",
        m = mnt.path().display(),
        bin = bin().display(),
        i = input.display(),
    );
    let Some(o) = in_private_mounts(&script) else {
        return;
    };
    let (out, err) = (String::from_utf8_lossy(&o.stdout), stderr_of(&o));
    assert!(out.contains("rc=1"), "{out} {err}");
    assert!(out.contains("left=[]"), "{out}");
    assert!(err.contains("out.fq.gz: create failed"), "{err}");
    assert!(err.contains("Read-only file system"), "{err}");
    assert_eq!(fs::read(&input).unwrap(), data);
    assert_eq!(dir_names(dir.path()), vec!["in.fq"]);
}

#[test]
fn full_disk_fails_cleanly() {
    // About 3 MB of FASTQ written uncompressed to a 1 MiB file system.
    let (dir, input, data) = input_file(20_000);
    assert!(data.len() > 2 << 20);
    let mnt = tempfile::tempdir().unwrap();
    let script = format!(
        "mount -t tmpfs -o size=1m tmpfs {m} || exit 99; \
         {bin} trim --passthrough -i {i} -o {m}/out.fq; echo \"rc=$?\"; echo \"left=[$(ls -A {m})]\"",
        m = mnt.path().display(),
        bin = bin().display(),
        i = input.display(),
    );
    let Some(o) = in_private_mounts(&script) else {
        return;
    };
    let (out, err) = (String::from_utf8_lossy(&o.stdout), stderr_of(&o));
    assert!(out.contains("rc=1"), "{out} {err}");
    assert!(
        out.contains("left=[]"),
        "no temporary file may remain: {out}"
    );
    assert!(err.contains("out.fq: write failed"), "{err}");
    assert!(err.contains("No space left on device"), "{err}");
    assert_eq!(fs::read(&input).unwrap(), data);
    assert_eq!(dir_names(dir.path()), vec!["in.fq"]);
}

#[test]
fn stdout_on_a_full_device_fails() {
    let Ok(full) = fs::OpenOptions::new().write(true).open("/dev/full") else {
        eprintln!("SKIP: /dev/full is not available");
        return;
    };
    let (_dir, input, data) = input_file(2_000);
    let o = Command::new(bin())
        .args(["trim", "-i", input.to_str().unwrap(), "-o", "-"])
        .stdout(Stdio::from(full))
        .output()
        .unwrap();
    let err = stderr_of(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("-: write failed"), "{err}");
    assert!(err.contains("No space left on device"), "{err}");
    assert_eq!(fs::read(&input).unwrap(), data);
}

/// A fifo fed by a thread: first `head` bytes at once, then a few bytes every 20 ms until
/// `stop` is set. Returns the fifo path and the feeder.
fn slow_fifo(
    dir: &Path,
    head: Vec<u8>,
    trickle: Vec<u8>,
    stop: Arc<AtomicBool>,
) -> (PathBuf, std::thread::JoinHandle<()>) {
    let fifo = dir.join("slow.fq");
    let st = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(st.success(), "mkfifo failed");
    let path = fifo.clone();
    let feeder = std::thread::spawn(move || {
        // Blocks until the reader opens the fifo.
        let Ok(mut f) = fs::OpenOptions::new().write(true).open(&path) else {
            return;
        };
        if f.write_all(&head).is_err() {
            return;
        }
        let mut pieces = trickle.chunks(64).cycle();
        while !stop.load(Ordering::Relaxed) {
            if let Some(piece) = pieces.next()
                && f.write_all(piece).is_err()
            {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    });
    (fifo, feeder)
}

fn wait_with_timeout(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Some(st) = child.try_wait().unwrap() {
            return Some(st);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

/// Waits until `dir` holds a temporary output file (the run has started writing).
fn wait_for_temp(dir: &Path) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(20) {
        if dir_names(dir).iter().any(|n| n.ends_with(".tmp")) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

fn signal_during_slow_run(signal: &str) {
    let in_dir = tempfile::tempdir().unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let (fifo, feeder) = slow_fifo(
        in_dir.path(),
        fastq(200, 3, ""),
        fastq(100, 4, ""),
        stop.clone(),
    );
    let out = out_dir.path().join("out.fq.gz");
    let mut child = Command::new(bin())
        .args([
            "trim",
            "-i",
            fifo.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    assert!(wait_for_temp(out_dir.path()), "the run never started");
    std::thread::sleep(Duration::from_millis(200));
    let st = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(st.success());
    let status = wait_with_timeout(&mut child, Duration::from_secs(10));
    stop.store(true, Ordering::Relaxed);
    if status.is_none() {
        let _ = child.kill();
        let _ = child.wait();
    }
    let _ = feeder.join();
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = std::io::Read::read_to_string(&mut e, &mut err);
    }
    let status = status.unwrap_or_else(|| panic!("{signal}: still running 10 s after the signal"));
    assert_eq!(status.code(), Some(130), "{signal}: {err}");
    assert!(err.contains("cancelled"), "{signal}: {err}");
    assert_eq!(
        dir_names(out_dir.path()),
        Vec::<String>::new(),
        "{signal}: output or temporary file left behind"
    );
}

#[test]
fn sigint_during_a_slow_run_leaves_nothing() {
    signal_during_slow_run("-INT");
}

#[test]
fn sigterm_during_a_slow_run_leaves_nothing() {
    signal_during_slow_run("-TERM");
}

#[test]
fn library_cancel_while_input_stalls_returns_promptly() {
    let in_dir = tempfile::tempdir().unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    // 100 records, then nothing more for as long as the test runs.
    let (fifo, feeder) = slow_fifo(in_dir.path(), fastq(100, 5, ""), Vec::new(), stop.clone());
    let out = out_dir.path().join("out.fq");
    let control = Control::new();
    let (tx, rx) = std::sync::mpsc::channel();
    {
        let (control, out) = (control.clone(), out.clone());
        std::thread::spawn(move || {
            let r = pipeline::run(
                &PipelineOptions::default(),
                &Inputs::single(fifo),
                &Outputs {
                    out1: Some(out),
                    ..Outputs::default()
                },
                &control,
            );
            let _ = tx.send(r.map(|_| ()).map_err(|e| e.to_string()));
        });
    }
    assert!(wait_for_temp(out_dir.path()), "the run never started");
    control.cancel();
    let result = rx.recv_timeout(Duration::from_secs(5));
    stop.store(true, Ordering::Relaxed);
    let result = result.expect("run still blocked 5 s after cancel");
    assert_eq!(result, Err("cancelled".to_string()));
    assert_eq!(dir_names(out_dir.path()), Vec::<String>::new());
    let _ = feeder.join();
}

#[test]
fn output_path_that_is_a_directory_leaves_no_temporary_file() {
    let (dir, input, data) = input_file(50);
    let target = dir.path().join("outdir");
    fs::create_dir(&target).unwrap();
    let o = Command::new(bin())
        .args([
            "trim",
            "-i",
            input.to_str().unwrap(),
            "-o",
            target.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let err = stderr_of(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("outdir: rename failed"), "{err}");
    assert_eq!(fs::read(&input).unwrap(), data);
    assert_eq!(
        dir_names(dir.path()),
        vec!["in.fq", "outdir"],
        "temporary file left"
    );
    assert_eq!(dir_names(&target), Vec::<String>::new());
}

#[test]
fn full_disk_at_the_final_flush_leaves_nothing() {
    // About 150 kB of output: it stays in the writer's buffer until commit, where the flush
    // into a 64 KiB file system fails.
    let (_dir, input, data) = input_file(1_000);
    assert!(data.len() > 100_000 && data.len() < 1 << 20);
    let mnt = tempfile::tempdir().unwrap();
    let script = format!(
        "mount -t tmpfs -o size=64k tmpfs {m} || exit 99; \
         {bin} trim --passthrough -i {i} -o {m}/out.fq; echo \"rc=$?\"; echo \"left=[$(ls -A {m})]\"",
        m = mnt.path().display(),
        bin = bin().display(),
        i = input.display(),
    );
    let Some(o) = in_private_mounts(&script) else {
        return;
    };
    let (out, err) = (String::from_utf8_lossy(&o.stdout), stderr_of(&o));
    assert!(out.contains("rc=1"), "{out} {err}");
    assert!(
        out.contains("left=[]"),
        "no temporary file may remain: {out}"
    );
    assert!(err.contains("out.fq: write failed"), "{err}");
    assert!(err.contains("No space left on device"), "{err}");
    assert_eq!(fs::read(&input).unwrap(), data);
}

#[test]
fn fifo_input_with_adapter_detection_keeps_every_read() {
    // Adapter detection (on by default) used to open the input a second time: on a fifo or a
    // pipe (`-i <(zcat x.gz)`) it consumed the first reads, so the run then hung on the second
    // open or started mid-stream.
    let in_dir = tempfile::tempdir().unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let stop = Arc::new(AtomicBool::new(true));
    let data = fastq(3_000, 8, "");
    let (fifo, feeder) = slow_fifo(in_dir.path(), data.clone(), Vec::new(), stop);
    let out = out_dir.path().join("out.fq");
    let mut child = Command::new(bin())
        .args([
            "trim",
            "--no-report",
            "-i",
            fifo.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let status = wait_with_timeout(&mut child, Duration::from_secs(20));
    if status.is_none() {
        let _ = child.kill();
        let _ = child.wait();
        // Unblock the feeder if it still waits for a reader.
        let _ = fs::File::open(&fifo);
    }
    let _ = feeder.join();
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = std::io::Read::read_to_string(&mut e, &mut err);
    }
    let status = status.expect("the run hung on a fifo input");
    assert!(status.success(), "{err}");
    assert!(
        err.contains("3000 records"),
        "every read must be read: {err}"
    );
}

#[test]
fn c_api_cancel_while_input_stalls_leaves_nothing() {
    use ffi::*;
    let in_dir = tempfile::tempdir().unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let data = fastq(100, 6, "");
    let (fifo, feeder) = slow_fifo(in_dir.path(), data, Vec::new(), stop.clone());
    let out = out_dir.path().join("out.fq.gz");

    let mut opts: *mut pp_options = std::ptr::null_mut();
    assert_eq!(pp_options_new(&mut opts), pp_status::PP_STATUS_OK);
    let mut token: *const pp_cancel_token = std::ptr::null();
    assert_eq!(pp_cancel_token_new(&mut token), pp_status::PP_STATUS_OK);
    assert_eq!(
        pp_options_set_cancel_token(opts, token),
        pp_status::PP_STATUS_OK
    );
    // Raw pointers are not Send: hand the addresses to the run's thread.
    let (opts_addr, token_addr) = (opts as usize, token as usize);
    let (tx, rx) = std::sync::mpsc::channel();
    {
        let in1 = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        let out1 = std::ffi::CString::new(out.to_str().unwrap()).unwrap();
        std::thread::spawn(move || {
            let mut report: *const pp_report = std::ptr::null();
            let st = pp_run_se(
                opts_addr as *const pp_options,
                in1.as_ptr(),
                out1.as_ptr(),
                &mut report,
            );
            let _ = tx.send((st, report.is_null()));
        });
    }
    assert!(wait_for_temp(out_dir.path()), "the run never started");
    assert_eq!(
        pp_cancel_token_cancel(token_addr as *const pp_cancel_token),
        pp_status::PP_STATUS_OK
    );
    let result = rx.recv_timeout(Duration::from_secs(5));
    stop.store(true, Ordering::Relaxed);
    let (status, no_report) = result.expect("pp_run_se still blocked 5 s after cancel");
    assert_eq!(status, pp_status::PP_STATUS_CANCELLED);
    assert!(no_report, "a report was returned for a cancelled run");
    assert_eq!(dir_names(out_dir.path()), Vec::<String>::new());
    pp_cancel_token_free(token);
    pp_options_free(opts);
    let _ = feeder.join();
}

// ---- Output failures are errors with their cause, never a success or a panic (issue 17.5).

/// Runs `panelprep ARGS` through `sh -c` with `redirect` appended (e.g. `>&-`).
fn sh_run(args: &[&str], redirect: &str) -> Output {
    let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
    let script = format!("exec '{}' {} {redirect}", bin().display(), quoted.join(" "));
    Command::new("sh").args(["-c", &script]).output().unwrap()
}

fn assert_no_panic(o: &Output) {
    let err = stderr_of(o);
    assert_ne!(o.status.code(), Some(101), "panicked: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn trim_to_a_closed_stdout_fails_before_reading() {
    let (dir, input, data) = input_file(500);
    for args in [
        vec!["trim", "-i", input.to_str().unwrap(), "-o", "-"],
        vec![
            "trim",
            "--passthrough",
            "-i",
            input.to_str().unwrap(),
            "-o",
            "-",
        ],
    ] {
        let o = sh_run(&args, ">&-");
        let err = stderr_of(&o);
        assert_no_panic(&o);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains("-: write failed"), "{err}");
        assert!(err.contains("standard output is closed"), "{err}");
        assert!(!err.contains("records"), "no success summary: {err}");
    }
    assert_eq!(fs::read(&input).unwrap(), data);
    assert_eq!(dir_names(dir.path()), vec!["in.fq"]);
}

#[test]
fn validate_to_a_closed_stdout_fails() {
    let (_dir, input, _) = input_file(50);
    let o = sh_run(&["validate", input.to_str().unwrap()], ">&-");
    let err = stderr_of(&o);
    assert_no_panic(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("standard output is closed"), "{err}");
}

#[test]
fn validate_to_a_full_device_is_an_error_not_a_panic() {
    if !Path::new("/dev/full").exists() {
        eprintln!("SKIP: /dev/full is not available");
        return;
    }
    let (_dir, input, _) = input_file(50);
    let o = sh_run(&["validate", input.to_str().unwrap()], ">/dev/full");
    let err = stderr_of(&o);
    assert_no_panic(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("-: write failed"), "{err}");
    assert!(err.contains("No space left on device"), "{err}");
}

#[test]
fn a_full_stderr_never_panics() {
    if !Path::new("/dev/full").exists() {
        eprintln!("SKIP: /dev/full is not available");
        return;
    }
    let (dir, input, _) = input_file(50);
    let out = dir.path().join("out.fq");
    // A successful run prints its summary to stderr: lost, but the run succeeds.
    let o = sh_run(
        &[
            "trim",
            "-i",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
        "2>/dev/full",
    );
    assert_no_panic(&o);
    assert_eq!(o.status.code(), Some(0));
    assert!(out.exists());
    // A failing run cannot print its message, but still exits 1 and leaves nothing.
    let missing = dir.path().join("missing.fq");
    let out2 = dir.path().join("out2.fq");
    let o = sh_run(
        &[
            "trim",
            "-i",
            missing.to_str().unwrap(),
            "-o",
            out2.to_str().unwrap(),
        ],
        "2>/dev/full",
    );
    assert_no_panic(&o);
    assert_eq!(o.status.code(), Some(1));
    assert!(!out2.exists());
}

#[test]
fn stdout_pipe_closed_by_the_reader_is_an_error() {
    let (_dir, input, _) = input_file(20_000);
    let mut child = Command::new(bin())
        .args([
            "trim",
            "--passthrough",
            "-i",
            input.to_str().unwrap(),
            "-o",
            "-",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away (`| head -c 0`)
    let o = child.wait_with_output().unwrap();
    let err = stderr_of(&o);
    assert_no_panic(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("-: write failed"), "{err}");
    assert!(err.contains("Broken pipe"), "{err}");
}
