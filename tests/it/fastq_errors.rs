//! Every malformed input gives an error naming file, record and line, and leaves no output.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::util::common;

use std::fs;

use common::*;
use panelprep::pipeline::{Inputs, Outputs};

/// Runs a single-end input to an output file and returns the error text; asserts no output.
fn error_of(name: &str, bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join(name);
    fs::write(&input, bytes).unwrap();
    let out = dir.path().join("out.fq.gz");
    let res = run(
        &Inputs::single(input),
        &Outputs {
            out1: Some(out.clone()),
            out2: None,
            ..Default::default()
        },
        2,
        64,
    );
    let names = dir_names(dir.path());
    assert_eq!(
        names,
        vec![name.to_string()],
        "no output or temporary file may remain"
    );
    match res {
        Ok(s) => panic!("{name}: expected an error, got {s:?}"),
        Err(e) => e.to_string(),
    }
}

fn assert_has(msg: &str, parts: &[&str]) {
    for p in parts {
        assert!(msg.contains(p), "{msg:?} should contain {p:?}");
    }
}

#[test]
fn validation_errors_name_record_and_line() {
    let cases: [(&[u8], &[&str]); 9] = [
        (
            b"@a\nACGT\n+\nIIII\nb\nAC\n+\nII\n",
            &["record 2, line 5", "'@'"],
        ),
        (b"@a\nACGT\n-\nIIII\n", &["record 1, line 3", "'+'"]),
        (
            b"@a\nACGT\n+\nIII\n",
            &["record 1, line 4", "4 bases but quality has 3"],
        ),
        (
            b"@a\nACXT\n+\nIIII\n",
            &["record 1, line 2", "'X'", "position 3", "IUPAC"],
        ),
        (b"@a\nAC\0T\n+\nIIII\n", &["line 2", "0x00"]),
        (
            b"@a\nACGT\n+\nII I\n",
            &["line 4", "position 3", "Phred+33"],
        ),
        (b"@a\nACGT\n+b\nIIII\n", &["line 3", "different title"]),
        (
            b"@a\nACGT\n+\nIIII\n@b\nAC\n",
            &["record 2", "ends inside a record"],
        ),
        (b"", &["no FASTQ records"]),
    ];
    for (bytes, parts) in cases {
        let msg = error_of("in.fq", bytes);
        assert_has(&msg, parts);
        assert_has(&msg, &["in.fq"]);
    }
}

#[test]
fn binary_garbage_and_phred64_are_recognised() {
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    let msg = error_of("garbage.bin", &garbage);
    assert_has(&msg, &["record 1, line 1"]);
    let p64 = b"@a\nACGTACGT\n+\nhhhhgg@B\n";
    assert_has(&error_of("old.fq", p64), &["Phred+64", "--phred64"]);
}

#[test]
fn corrupt_and_truncated_compression_is_an_error() {
    let plain = fastq(400, 3, "");
    let gz = gzip(&plain);
    assert_has(
        &error_of("cut.fq.gz", &gz[..gz.len() / 2]),
        &["truncated gzip", "cut.fq.gz"],
    );
    assert_has(
        &error_of("notrailer.fq.gz", &gz[..gz.len() - 4]),
        &["cut.fq.gz".replace("cut", "notrailer").as_str()],
    );
    let mut bad_crc = gz.clone();
    let n = bad_crc.len();
    bad_crc[n - 6] ^= 0x55;
    assert_has(
        &error_of("crc.fq.gz", &bad_crc),
        &["corrupt gzip", "crc.fq.gz"],
    );
    let bg = bgzf(&plain);
    let no_eof = &bg[..bg.len() - 28];
    assert_has(
        &error_of("noeof.fq.gz", no_eof),
        &["truncated BGZF", "end-of-file marker"],
    );
    assert_has(
        &error_of("half.fq.gz", &bg[..bg.len() / 2]),
        &["truncated BGZF"],
    );
    let mut bad = bg.clone();
    bad[40] ^= 0xff;
    assert_has(&error_of("flip.fq.gz", &bad), &["BGZF", "flip.fq.gz"]);
}

#[test]
fn concatenated_bgzf_files_are_read_to_the_end() {
    let (a, b) = (fastq(50, 1, ""), fastq(70, 2, ""));
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("cat.fq.gz");
    fs::write(&input, [bgzf(&a), bgzf(&b)].concat()).unwrap();
    let out = dir.path().join("out.fq");
    let s = run(
        &Inputs::single(input),
        &Outputs {
            out1: Some(out.clone()),
            out2: None,
            ..Default::default()
        },
        2,
        100,
    )
    .unwrap();
    assert_eq!(s.inputs[0].format, "bgzf");
    assert_eq!(fs::read(out).unwrap(), [a, b].concat());
}

#[test]
fn pair_errors_name_both_mates() {
    let dir = tempfile::tempdir().unwrap();
    let (p1, p2) = (dir.path().join("r1.fq"), dir.path().join("r2.fq"));
    let out = Outputs {
        out1: Some(dir.path().join("o1.fq")),
        out2: Some(dir.path().join("o2.fq")),
        ..Default::default()
    };
    let check = |r1: &[u8], r2: &[u8], parts: &[&str]| {
        fs::write(&p1, r1).unwrap();
        fs::write(&p2, r2).unwrap();
        let e = run(&Inputs::paired(p1.clone(), p2.clone()), &out, 2, 10)
            .unwrap_err()
            .to_string();
        assert_has(&e, parts);
        assert!(!dir.path().join("o1.fq").exists() && !dir.path().join("o2.fq").exists());
    };
    let r1 = fastq(5, 1, "/1");
    check(
        &r1,
        &fastq(4, 2, "/2"),
        &["R2 ends after 4 records", "r2.fq"],
    );
    check(
        &fastq(4, 1, "/1"),
        &fastq(5, 2, "/2"),
        &["R1 ends after 4 records", "r1.fq"],
    );
    let swapped = String::from_utf8(fastq(5, 2, "/2"))
        .unwrap()
        .replace("@r3/2", "@rX/2");
    check(
        &r1,
        swapped.as_bytes(),
        &["record 4", "\"r3/1\" (R1) vs \"rX/2\" (R2)"],
    );
    let inter = dir.path().join("odd.fq");
    fs::write(&inter, fastq(3, 1, "")).unwrap();
    let e = run(&Inputs::interleaved(inter), &Outputs::default(), 1, 1 << 20)
        .unwrap_err()
        .to_string();
    assert_has(&e, &["odd number of records (3)"]);
}

#[test]
fn output_equal_to_input_is_refused_and_input_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.fq");
    let data = fastq(10, 1, "");
    fs::write(&input, &data).unwrap();
    let alias = dir.path().join("./in.fq");
    let e = run(
        &Inputs::single(input.clone()),
        &Outputs {
            out1: Some(alias),
            out2: None,
            ..Default::default()
        },
        1,
        100,
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("refusing to overwrite an input"),
        "{e}"
    );
    assert_eq!(fs::read(&input).unwrap(), data);
}
