//! Peak memory (GNU time's maximum resident set size) stays below 256 MiB whatever the input
//! shape: pairs of a 1 bp read 1 and a 20 kb read 2 through `panelprep trim` (batches used to
//! be cut by read 1's record count: 650 MB for these inputs), and a push session fed one mate
//! far ahead of the other (it used to queue all of it: over 300 MB here). The push session
//! runs in a child process (this test binary again, running one ignored test) so that its
//! peak is measured alone. Skipped with a message when `/usr/bin/time` is not GNU time.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::util::common;

use std::io::Write;
use std::path::Path;
use std::process::Command;

use panelprep::Error;
use panelprep::pipeline::{Control, Layout, PipelineOptions, PushError, PushOutput, PushSession};

const LIMIT_KB: u64 = 256 * 1024;
const TIME: &str = "/usr/bin/time";

/// Runs `cmd` under `/usr/bin/time -v`: its output and peak RSS in KiB, or `None` (with
/// "SKIPPED" printed) when GNU time is missing.
fn peak_rss(cmd: &mut Command) -> Option<(std::process::Output, u64)> {
    let gnu = Command::new(TIME)
        .args(["-v", "true"])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stderr).contains("Maximum resident"));
    if !gnu {
        println!("SKIPPED: {TIME} is not GNU time");
        common::skip("GNU time (/usr/bin/time -v) is not installed");
        return None;
    }
    let mut timed = Command::new(TIME);
    timed.arg("-v").arg(cmd.get_program()).args(cmd.get_args());
    for (k, v) in cmd.get_envs() {
        if let Some(v) = v {
            timed.env(k, v);
        }
    }
    let out = timed.output().expect("run under GNU time");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let kb = stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no peak RSS in GNU time's output:\n{stderr}"));
    Some((out, kb))
}

/// `pairs` pairs of a 1 bp read 1 and a `len` bp read 2.
fn uneven_pairs(dir: &Path, pairs: usize, len: usize) -> (std::path::PathBuf, std::path::PathBuf) {
    let (p1, p2) = (dir.join("r1.fq"), dir.join("r2.fq"));
    let mut w1 = std::io::BufWriter::new(std::fs::File::create(&p1).unwrap());
    let mut w2 = std::io::BufWriter::new(std::fs::File::create(&p2).unwrap());
    let seq: Vec<u8> = b"ACGT".iter().copied().cycle().take(len).collect();
    let qual = vec![b'I'; len];
    for i in 0..pairs {
        write!(w1, "@p{i}/1\nA\n+\nI\n").unwrap();
        writeln!(w2, "@p{i}/2").unwrap();
        w2.write_all(&seq).unwrap();
        w2.write_all(b"\n+\n").unwrap();
        w2.write_all(&qual).unwrap();
        w2.write_all(b"\n").unwrap();
    }
    w1.flush().unwrap();
    w2.flush().unwrap();
    (p1, p2)
}

#[test]
#[cfg_attr(
    not(pp_have_gnu_time),
    ignore = "GNU time (/usr/bin/time) is not installed"
)]
fn uneven_pairs_trim_within_256_mib() {
    let dir = tempfile::tempdir().unwrap();
    // 8,000 pairs of 1 bp / 20 kb: 320 MB of read 2, all in one batch when read 1's record
    // count cut the batches.
    let (r1, r2) = uneven_pairs(dir.path(), 8_000, 20_000);
    let (o1, o2) = (dir.path().join("o1.fq"), dir.path().join("o2.fq"));
    let mut cmd = Command::new(common::bin());
    cmd.arg("trim")
        .arg("-i")
        .arg(&r1)
        .arg("-I")
        .arg(&r2)
        .arg("-o")
        .arg(&o1)
        .arg("-O")
        .arg(&o2)
        // Reads copied unchanged (no trimming or filtering): the output equals the input.
        .args(["-A", "-G", "-Q", "-L", "-w", "2"])
        .arg("-j")
        .arg(dir.path().join("r.json"))
        .arg("-h")
        .arg(dir.path().join("r.html"));
    let Some((out, kb)) = peak_rss(&mut cmd) else {
        return;
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    println!("uneven pairs 1 bp / 20 kb: peak RSS {kb} KiB");
    assert!(kb < LIMIT_KB, "peak RSS {kb} KiB, limit {LIMIT_KB} KiB");
    for (i, o) in [(&r1, &o1), (&r2, &o2)] {
        let (a, b) = (std::fs::metadata(i).unwrap(), std::fs::metadata(o).unwrap());
        assert_eq!(a.len(), b.len(), "{}", o.display());
    }
}

/// Counts the output instead of keeping it.
struct Count([u64; 2]);

impl PushOutput for Count {
    fn write(&mut self, output: usize, bytes: &[u8]) -> Result<(), Error> {
        self.0[output] += bytes.len() as u64;
        Ok(())
    }
}

const PIECES: usize = 320;

/// One piece of each mate: 1 MiB of 150 bp reads 1, and as many 1 bp reads 2.
fn pieces() -> (Vec<u8>, Vec<u8>) {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    let seq: Vec<u8> = b"ACGTTGCA".iter().copied().cycle().take(150).collect();
    let mut i = 0;
    while a.len() < 1 << 20 {
        writeln!(a, "@q{i}/1").unwrap();
        a.extend_from_slice(&seq);
        a.extend_from_slice(b"\n+\n");
        a.extend_from_slice(&[b'F'; 150]);
        a.push(b'\n');
        write!(b, "@q{i}/2\nC\n+\nF\n").unwrap();
        i += 1;
    }
    (a, b)
}

/// The child of [`push_session_one_mate_ahead_within_256_mib`]: pushes read 1 whenever the
/// session takes it (320 MiB in all), read 2 only when read 1 is refused.
#[test]
#[ignore = "child process of push_session_one_mate_ahead_within_256_mib"]
fn push_one_mate_ahead_child() {
    let (a, b) = pieces();
    let opts = PipelineOptions {
        threads: 2,
        ..PipelineOptions::passthrough()
    };
    let mut out = Count([0; 2]);
    let mut s = PushSession::start(&opts, Layout::Paired, 2, Control::new()).unwrap();
    // For measuring by hand: `PP_MAX_AHEAD=1000000000` queues all of read 1 as before.
    if let Some(n) = std::env::var("PP_MAX_AHEAD")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        s.set_max_ahead(n);
    }
    let (mut sent_a, mut sent_b, mut refused) = (0, 0, 0u64);
    while sent_a < PIECES {
        match s.push(0, &a, &mut out) {
            Ok(()) => sent_a += 1,
            Err(PushError::WouldBlock(_)) => {
                refused += 1;
                // The caller has read 2 to give only as far as it gave read 1.
                if sent_b < sent_a {
                    s.push(1, &b, &mut out).unwrap();
                    sent_b += 1;
                } else {
                    std::thread::sleep(std::time::Duration::from_millis(5));
                }
            }
            Err(e) => panic!("{e:?}"),
        }
    }
    while sent_b < PIECES {
        s.push(1, &b, &mut out).unwrap();
        sent_b += 1;
    }
    let sum = s.finish(&mut out).unwrap();
    assert_eq!(
        out.0,
        [(a.len() * PIECES) as u64, (b.len() * PIECES) as u64]
    );
    println!(
        "pushed {} MiB of read 1, refused {refused} times, {} pairs",
        (a.len() * PIECES) >> 20,
        sum.inputs[0].records
    );
}

#[test]
#[cfg_attr(
    not(pp_have_gnu_time),
    ignore = "GNU time (/usr/bin/time) is not installed"
)]
fn push_session_one_mate_ahead_within_256_mib() {
    let exe = std::env::current_exe().unwrap();
    // Test names in the `it` binary are `MODULE::TEST` (`module_path!` adds the crate name).
    let child = module_path!()
        .split_once("::")
        .map_or(String::new(), |(_, m)| format!("{m}::"))
        + "push_one_mate_ahead_child";
    let mut cmd = Command::new(exe);
    cmd.args([
        "--ignored",
        "--exact",
        &child,
        "--nocapture",
        "--test-threads=1",
    ]);
    let Some((out, kb)) = peak_rss(&mut cmd) else {
        return;
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    println!("push session, read 1 far ahead: peak RSS {kb} KiB ({stdout})");
    assert!(kb < LIMIT_KB, "peak RSS {kb} KiB, limit {LIMIT_KB} KiB");
}
