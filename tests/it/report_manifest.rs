//! Streaming checksums equal `md5sum`/`sha256sum` of the written files, and the manifest
//! holds what the upload path needs.

use std::io::{Read, Write};
use std::process::Command;
use std::time::{Duration, UNIX_EPOCH};

use panelprep::io::{AtomicFile, Hasher, HashingWriter};
use panelprep::report::{FileEntry, FileRole, Manifest};

fn tool_sum(tool: &str, path: &std::path::Path) -> Option<String> {
    let o = Command::new(tool).arg(path).output().ok()?;
    assert!(o.status.success(), "{tool} failed");
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    out.split_whitespace().next().map(str::to_string)
}

#[test]
fn checksums_match_coreutils_and_manifest_lists_files() {
    let t = tempfile::tempdir().expect("tempdir");
    // Input: hashed while it is read, in odd-sized pieces.
    let input = t.path().join("in.fq");
    let mut content = Vec::new();
    for i in 0..5000 {
        content.extend_from_slice(
            format!(
                "@r{i}\nACGTTGCA{}\n+\nIIIIIIII{}\n",
                "G".repeat(i % 17),
                "5".repeat(i % 17)
            )
            .as_bytes(),
        );
    }
    std::fs::write(&input, &content).expect("write input");
    let mut f = std::fs::File::open(&input).expect("open");
    let mut h = Hasher::new();
    let mut buf = vec![0u8; 4093];
    loop {
        let n = f.read(&mut buf).expect("read");
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    let in_sums = h.finish();

    // Output: hashed as it streams into an atomic file.
    let output = t.path().join("out.fq");
    let mut w = HashingWriter::new(AtomicFile::create(&output).expect("create"));
    for chunk in content.chunks(1000).take(3000) {
        w.write_all(chunk).expect("write");
    }
    w.write_all(b"").expect("empty write");
    let (file, out_sums) = w.finish();
    file.commit().expect("commit");

    let empty = t.path().join("empty.txt");
    let (file, empty_sums) =
        HashingWriter::new(AtomicFile::create(&empty).expect("create")).finish();
    file.commit().expect("commit");

    for (path, sums) in [
        (&input, &in_sums),
        (&output, &out_sums),
        (&empty, &empty_sums),
    ] {
        assert_eq!(sums.bytes, std::fs::metadata(path).expect("stat").len());
        match (tool_sum("md5sum", path), tool_sum("sha256sum", path)) {
            (Some(md5), Some(sha)) => {
                assert_eq!(sums.md5.as_deref(), Some(&*md5), "{}", path.display());
                assert_eq!(sums.sha256, sha, "{}", path.display());
            }
            _ => eprintln!("SKIP: md5sum/sha256sum not available; size checked only"),
        }
    }

    let start = UNIX_EPOCH + Duration::from_millis(1_767_225_599_250);
    let end = start + Duration::from_millis(1_500);
    let mut m = Manifest::new(
        start,
        end,
        4,
        serde_json::json!({"min_length": 15, "adapter": null}),
    );
    m.push(FileEntry::new(
        FileRole::Input,
        &input,
        &in_sums,
        Some(5000),
    ));
    m.push(FileEntry::new(
        FileRole::Output,
        &output,
        &out_sums,
        Some(5000),
    ));
    m.push(FileEntry::new(FileRole::Output, &empty, &empty_sums, None));
    let path = t.path().join("manifest.json");
    m.write(&path).expect("write manifest");
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("json");
    assert_eq!(v["start_time"], "2025-12-31T23:59:59.250Z");
    assert_eq!(v["end_time"], "2026-01-01T00:00:00.750Z");
    assert_eq!(v["threads"], 4);
    assert_eq!(v["version"], panelprep::VERSION);
    assert_eq!(v["params"]["min_length"], 15);
    assert_eq!(v["files"][0]["role"], "input");
    assert_eq!(v["files"][1]["role"], "output");
    assert_eq!(v["files"][1]["records"], 5000);
    assert_eq!(v["files"][1]["sha256"], out_sums.sha256.as_str());
    assert!(v["files"][2].get("records").is_none());
    assert_eq!(v["files"][2]["md5"], "d41d8cd98f00b204e9800998ecf8427e");
    assert_eq!(v["manifest_format"], 3);
    let back: Manifest = serde_json::from_value(v).expect("manifest round-trips");
    assert_eq!(back, m);

    // SHA-256 only (the CLI's default): no `md5` key.
    let mut h = Hasher::sha256_only();
    h.update(&content);
    let sha_only = h.finish();
    assert_eq!(sha_only.sha256, in_sums.sha256);
    let e = FileEntry::new(FileRole::Input, &input, &sha_only, Some(5000));
    let v = serde_json::to_value(&e).expect("json");
    assert!(v.get("md5").is_none());
    assert_eq!(v["sha256"], in_sums.sha256.as_str());
}
