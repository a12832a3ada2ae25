//! The binary end to end: exit codes, messages, no partial files, bounded memory.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::util::common;

use std::fs;
use std::process::Command;

use common::*;

fn panelprep(args: &[&str]) -> std::process::Output {
    Command::new(bin())
        .args(args)
        .output()
        .expect("run panelprep")
}

#[test]
fn validate_prints_counts_and_format() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.fq.gz");
    fs::write(&p, bgzf(&fastq(123, 5, ""))).unwrap();
    let out = panelprep(&["validate", p.to_str().unwrap()]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("records=123") && text.contains("format=bgzf"),
        "{text}"
    );
}

#[test]
fn bad_inputs_exit_non_zero_and_leave_no_output() {
    let dir = tempfile::tempdir().unwrap();
    let good = fastq(300, 9, "");
    let gz = gzip(&good);
    let mut bad_crc = gz.clone();
    let n = bad_crc.len();
    bad_crc[n - 7] ^= 1;
    let cut_record = &good[..good.len() - 5];
    let garbage: Vec<u8> = (0..2000u32).map(|i| (i * 97 % 256) as u8).collect();
    let cases: [(&str, &[u8], &str); 5] = [
        ("truncated.fq.gz", &gz[..gz.len() - 100], "truncated gzip"),
        ("badcrc.fq.gz", &bad_crc, "corrupt gzip"),
        ("empty.fq", b"", "no FASTQ records"),
        ("garbage.bin", &garbage, "record 1, line 1"),
        ("cut.fq", cut_record, "record 300"),
    ];
    for (name, bytes, expect) in cases {
        let input = dir.path().join(name);
        fs::write(&input, bytes).unwrap();
        let out_path = dir.path().join("out.fq.gz");
        let out = panelprep(&[
            "trim",
            "-i",
            input.to_str().unwrap(),
            "-o",
            out_path.to_str().unwrap(),
        ]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {err}");
        assert!(err.contains(expect) && err.contains(name), "{name}: {err}");
        assert_eq!(
            dir_names(dir.path()),
            vec![name.to_string()],
            "{name}: output left behind"
        );
        fs::remove_file(&input).unwrap();
        assert_eq!(fs::read(&input).ok(), None);
    }
}

#[test]
fn stdin_to_stdout_round_trip() {
    let data = fastq(500, 4, "");
    let mut child = Command::new(bin())
        .args(["trim", "--passthrough", "-i", "-", "-o", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let feed = gzip(&data);
    let writer = std::thread::spawn(move || std::io::Write::write_all(&mut stdin, &feed));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout, data);
}

/// Peak memory depends on threads x batch size, not on the input size: a 400 MB input runs in
/// well under 256 MiB. Needs GNU time (`/usr/bin/time`).
#[test]
fn peak_memory_is_bounded_on_a_large_input() {
    let time = std::path::Path::new("/usr/bin/time");
    if !time.exists() {
        eprintln!("SKIP: /usr/bin/time (GNU time) is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("big.fq");
    let block = fastq(20_000, 77, "");
    {
        let mut f = std::io::BufWriter::new(fs::File::create(&input).unwrap());
        let mut written = 0;
        while written < 400 << 20 {
            std::io::Write::write_all(&mut f, &block).unwrap();
            written += block.len();
        }
    }
    let size = fs::metadata(&input).unwrap().len();
    let out = dir.path().join("big.out.fq.gz");
    let res = Command::new(time)
        .arg("-v")
        .arg(bin())
        .args([
            "trim",
            "-w",
            "2",
            "-z",
            "1",
            "-i",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&res.stderr);
    assert!(res.status.success(), "{err}");
    let kib: u64 = err
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .and_then(|v| v.trim().parse().ok())
        .expect("GNU time reports the peak RSS");
    eprintln!("input {} MiB, peak RSS {} MiB", size >> 20, kib >> 10);
    assert!(
        size > 3 * (kib << 10),
        "input must be much larger than the memory bound"
    );
    assert!(kib < 256 << 10, "peak RSS {kib} KiB exceeds 256 MiB");
}

/// The manifest lists SHA-256 by default and MD5 only when asked for; both equal a hash of the
/// files as stored, and the reads written are the same either way.
#[test]
fn manifest_checksums_default_sha256_md5_on_request() {
    use md5::Digest;
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.fq");
    fs::write(&input, fastq(500, 7, "")).unwrap();
    let mut outs = Vec::new();
    for (name, extra) in [
        ("a", &[][..]),
        ("b", &["--manifest-checksums", "md5,sha256"][..]),
    ] {
        let out_path = dir.path().join(format!("{name}.fq.gz"));
        let manifest = dir.path().join(format!("{name}.manifest.json"));
        let mut args = vec![
            "trim",
            "-i",
            input.to_str().unwrap(),
            "-o",
            out_path.to_str().unwrap(),
            "--manifest",
            manifest.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let out = panelprep(&args);
        assert!(out.status.success(), "{out:?}");
        let v: serde_json::Value = serde_json::from_slice(&fs::read(&manifest).unwrap()).unwrap();
        assert_eq!(v["manifest_format"], 3);
        let files = v["files"].as_array().unwrap();
        assert_eq!(files.len(), 2);
        for f in files {
            let bytes = fs::read(f["path"].as_str().unwrap()).unwrap();
            let hex = |d: &[u8]| d.iter().map(|b| format!("{b:02x}")).collect::<String>();
            let sha = hex(&sha2::Sha256::digest(&bytes));
            assert_eq!(f["sha256"], sha.as_str());
            match name {
                "a" => assert!(f.get("md5").is_none(), "{f}"),
                _ => assert_eq!(f["md5"], hex(&md5::Md5::digest(&bytes)).as_str()),
            }
        }
        outs.push(fs::read(&out_path).unwrap());
    }
    assert_eq!(outs[0], outs[1]);
    let bad = panelprep(&[
        "trim",
        "-i",
        input.to_str().unwrap(),
        "-o",
        dir.path().join("c.fq.gz").to_str().unwrap(),
        "--manifest-checksums",
        "md5",
    ]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("sha256"));
}
