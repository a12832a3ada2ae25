//! Bad UMI index files: each error names the index file, the record and the line, is the same
//! for every thread count and batch size, and leaves no output behind.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::util::common;
use crate::util::umi as umi_common;

use std::fs;
use std::path::Path;

use common::*;
use panelprep::pipeline::{self, Control, Inputs, Outputs, ReadFiles};
use umi_common::{options, out_dir};

/// Five single-end reads `r1`..`r5`.
fn reads() -> Vec<u8> {
    (1..=5)
        .map(|i| format!("@r{i} 1:N:0:1\nACGTA\n+\nIIIII\n"))
        .collect::<String>()
        .into_bytes()
}

/// Index records for the names given, 8 bases each.
fn index(names: &[&str]) -> Vec<u8> {
    names
        .iter()
        .map(|n| format!("@{n} 3:N:0:1\nGATTACAT\n+\nFFFFFFFF\n"))
        .collect::<String>()
        .into_bytes()
}

/// Runs `inputs` with index file `ix` for threads {1, 3} x batch sizes {1 B, 1 MiB}; every run
/// must fail with the same message, which is returned, and leave `out/` empty.
fn fails(dir: &Path, inputs: &Inputs, ix: &Path) -> String {
    let out = out_dir(dir);
    let mut first: Option<String> = None;
    for threads in [1, 3] {
        for batch in [1usize, 1 << 20] {
            let mut opts = options(0, "UMI");
            (opts.threads, opts.batch_bytes) = (threads, batch);
            let outputs = match inputs.reads {
                ReadFiles::Paired(..) => {
                    Outputs::new(out.join("o1.fq.gz"), Some(out.join("o2.fq.gz")))
                }
                _ => Outputs::new(out.join("o.fq.gz"), None),
            };
            let inputs = &inputs.clone().with_umi_index(ix);
            let e = pipeline::run(&opts, inputs, &outputs, &Control::new())
                .expect_err("a bad index file must fail")
                .to_string();
            assert!(dir_names(&out).is_empty(), "{e}: output left behind");
            match &first {
                None => first = Some(e),
                Some(f) => assert_eq!(f, &e, "threads={threads} batch={batch}"),
            }
        }
    }
    first.unwrap()
}

fn assert_names(msg: &str, parts: &[&str]) {
    for p in parts {
        assert!(msg.contains(p), "{msg:?} does not contain {p:?}");
    }
}

#[test]
fn count_and_name_mismatches() {
    let dir = tempfile::tempdir().unwrap();
    let (r, ix) = (dir.path().join("r.fq"), dir.path().join("i1.fq"));
    fs::write(&r, reads()).unwrap();
    let se = Inputs::single(r.clone());
    fs::write(&ix, index(&["r1", "r2", "r3"])).unwrap();
    assert_names(
        &fails(dir.path(), &se, &ix),
        &["i1.fq, record 4, line 13", "ends after 3 records"],
    );
    fs::write(&ix, index(&["r1", "r2", "r3", "r4", "r5", "r6", "r7"])).unwrap();
    assert_names(
        &fails(dir.path(), &se, &ix),
        &["i1.fq, record 6, line 21", "more records than the 5 reads"],
    );
    fs::write(&ix, index(&["r1", "r2", "x3", "r4", "r5"])).unwrap();
    assert_names(
        &fails(dir.path(), &se, &ix),
        &["i1.fq, record 3, line 9", "\"x3\"", "\"r3\""],
    );
    // An empty index file for non-empty reads.
    fs::write(&ix, b"").unwrap();
    assert_names(
        &fails(dir.path(), &se, &ix),
        &["i1.fq, record 1, line 1", "ends after 0 records"],
    );
}

#[test]
fn malformed_index_records() {
    let dir = tempfile::tempdir().unwrap();
    let (r, ix) = (dir.path().join("r.fq"), dir.path().join("i1.fq"));
    fs::write(&r, reads()).unwrap();
    let se = Inputs::single(r.clone());
    let good = String::from_utf8(index(&["r1", "r2", "r3", "r4", "r5"])).unwrap();
    let cases: [(String, &[&str]); 5] = [
        (
            good.replacen("GATTACAT", "GA!TACAT", 2)
                .replacen("GA!TACAT", "GATTACAT", 1),
            &["i1.fq, record 2, line 6", "invalid base '!'"],
        ),
        (
            good.replacen("FFFFFFFF", "FFFFFFF", 3)
                .replacen("FFFFFFF\n", "FFFFFFFF\n", 2),
            &["i1.fq, record 3, line 12", "8 bases but quality has 7"],
        ),
        (
            good.replacen("\n+\n", "\n-\n", 2)
                .replacen("\n-\n", "\n+\n", 1),
            &["i1.fq, record 2, line 7", "separator"],
        ),
        (
            good[..good.len() - 10].to_string(),
            &["i1.fq, record 5", "input ends inside a record"],
        ),
        (
            good.replacen("@r4", "r4", 1),
            &["i1.fq, record 4, line 13", "title line"],
        ),
    ];
    for (text, parts) in cases {
        fs::write(&ix, &text).unwrap();
        assert_names(&fails(dir.path(), &se, &ix), parts);
    }
    // A compressed index file cut short.
    let gz = dir.path().join("i1.fq.gz");
    let bytes = gzip(good.as_bytes());
    fs::write(&gz, &bytes[..bytes.len() - 12]).unwrap();
    assert_names(
        &fails(dir.path(), &se, &gz),
        &["i1.fq.gz", "truncated gzip"],
    );
}

#[test]
fn missing_index_file_and_clashing_paths() {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path().join("r.fq");
    fs::write(&r, reads()).unwrap();
    let se = Inputs::single(r.clone());
    let missing = dir.path().join("no-such-I1.fq.gz");
    assert_names(
        &fails(dir.path(), &se, &missing),
        &["no-such-I1.fq.gz", "open"],
    );
    // The index file as a read input, or as an output.
    assert_names(
        &fails(dir.path(), &se, &r),
        &["--umi_index_file", "also given as a read input"],
    );
    let ix = dir.path().join("i1.fq");
    fs::write(&ix, index(&["r1", "r2", "r3", "r4", "r5"])).unwrap();
    let e = pipeline::run(
        &options(0, ""),
        &se.clone().with_umi_index(&ix),
        &Outputs::new(&ix, None),
        &Control::new(),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("i1.fq"), "{e}");
    assert_eq!(
        fs::read(&ix).unwrap(),
        index(&["r1", "r2", "r3", "r4", "r5"])
    );
}

/// The first error in input order wins: a bad read before the end of a short index file is
/// reported, not the index file's end, however the batches are cut.
#[test]
fn first_error_in_input_order() {
    let dir = tempfile::tempdir().unwrap();
    let (r, ix) = (dir.path().join("r.fq"), dir.path().join("i1.fq"));
    let bad = String::from_utf8(reads())
        .unwrap()
        .replacen("ACGTA", "AC GT", 2);
    let bad = bad.replacen("AC GT", "ACGTA", 1);
    fs::write(&r, bad).unwrap();
    fs::write(&ix, index(&["r1", "r2", "r3"])).unwrap();
    assert_names(
        &fails(dir.path(), &Inputs::single(r), &ix),
        &["r.fq, record 2, line 6", "invalid base ' '"],
    );
}

#[test]
fn pairs_and_interleaved_pairs() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    let r1 = reads();
    let r2 = String::from_utf8(reads()).unwrap().replace(" 1:N", " 2:N");
    fs::write(p("r1.fq"), &r1).unwrap();
    fs::write(p("r2.fq"), &r2).unwrap();
    fs::write(p("i1.fq.gz"), bgzf(&index(&["r1", "r2"]))).unwrap();
    let pe = Inputs::paired(p("r1.fq"), p("r2.fq"));
    assert_names(
        &fails(dir.path(), &pe, &p("i1.fq.gz")),
        &["i1.fq.gz, record 3, line 9", "ends after 2 records"],
    );
    // Interleaved: five pairs need five index records, one per pair.
    let inter: String = (1..=5)
        .map(|i| format!("@r{i}/1\nACGTA\n+\nIIIII\n@r{i}/2\nTTTTT\n+\nIIIII\n"))
        .collect();
    fs::write(p("inter.fq"), inter).unwrap();
    let names = ["r1/1", "r2/1", "r3/1", "r4/1", "r5/1", "r6/1"];
    fs::write(p("i1.fq"), index(&names)).unwrap();
    assert_names(
        &fails(dir.path(), &Inputs::interleaved(p("inter.fq")), &p("i1.fq")),
        &["i1.fq, record 6, line 21", "more records than the 5 reads"],
    );
}
