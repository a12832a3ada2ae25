//! fastp command-line compatibility of `panelprep trim`: the same fastp options on the same
//! input give the same reads in the same files. fastp 0.23.2's outputs are stored in
//! `tests/expected/fastp_compat/` (made by `make.sh` there, which records every command); the
//! live test runs fastp again and checks that the stored files are what it writes.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn expected_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/expected/fastp_compat")
}

fn expected(name: &str) -> Vec<u8> {
    let p = expected_dir().join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// One comparison: fastp's arguments (paths relative to the expected directory; outputs named
/// as the stored files), what goes to stdin, and the files compared byte for byte.
struct Case {
    args: &'static [&'static str],
    stdin: Option<fn() -> Vec<u8>>,
    /// Output files compared as they are; `(file, titles only)`.
    files: &'static [(&'static str, bool)],
}

const ADAPTER: &str = "AGATCGGAAGAGCACACGTCTGAACTCCAGTCA";

const SE_FAILED: Case = Case {
    args: &[
        "-i",
        "../../data/demo_R1.fq.gz",
        "--reads_to_process",
        "500",
        "-a",
        ADAPTER,
        "-l",
        "100",
        "-q",
        "20",
        "-u",
        "30",
        "-n",
        "1",
        "-o",
        "se.out.fq",
        "--failed_out",
        "se.failed.fq",
    ],
    stdin: None,
    files: &[("se.out.fq", true), ("se.failed.fq", false)],
};

const PE_FAILED: Case = Case {
    args: &[
        "-i",
        "pe_R1.fq",
        "-I",
        "pe_R2.fq",
        "-l",
        "50",
        "-n",
        "5",
        "-o",
        "pe.out1.fq",
        "-O",
        "pe.out2.fq",
        "--failed_out",
        "pe.failed.fq",
    ],
    stdin: None,
    files: &[("pe.out1.fq", false), ("pe.out2.fq", false)],
};

const PE_UNPAIRED_FAILED: Case = Case {
    args: &[
        "-i",
        "pe_R1.fq",
        "-I",
        "pe_R2.fq",
        "-l",
        "50",
        "-n",
        "5",
        "-o",
        "pe.u.out1.fq",
        "-O",
        "pe.u.out2.fq",
        "--unpaired1",
        "pe.u.unpaired1.fq",
        "--unpaired2",
        "pe.u.unpaired2.fq",
        "--failed_out",
        "pe.u.failed.fq",
    ],
    stdin: None,
    files: &[("pe.u.unpaired1.fq", false), ("pe.u.unpaired2.fq", false)],
};

const PE_STDIN_STDOUT: Case = Case {
    args: &[
        "--stdin",
        "--interleaved_in",
        "-l",
        "50",
        "-n",
        "5",
        "--stdout",
    ],
    stdin: Some(interleaved_pairs),
    files: &[("pe.stdout.fq", false)],
};

const PE_READS_TO_PROCESS: Case = Case {
    args: &[
        "-i",
        "pe_R1.fq",
        "-I",
        "pe_R2.fq",
        "--reads_to_process",
        "25",
        "-l",
        "50",
        "-n",
        "5",
        "-o",
        "pe.r25.out1.fq",
        "-O",
        "pe.r25.out2.fq",
    ],
    stdin: None,
    files: &[("pe.r25.out1.fq", false)],
};

/// fastp's own test pairs (public data, read in place; absent: the test skips).
const PUBLIC_PAIRS: &str = "../../../../shared/data/public/fastp/R1.fq";

const PUB_FAILED: Case = Case {
    args: &[
        "-i",
        PUBLIC_PAIRS,
        "-I",
        "../../../../shared/data/public/fastp/R2.fq",
        "-o",
        "pub.out1.fq",
        "-O",
        "pub.out2.fq",
        "--failed_out",
        "pub.failed.fq",
    ],
    stdin: None,
    files: &[
        ("pub.out1.fq", false),
        ("pub.out2.fq", false),
        ("pub.failed.fq", false),
    ],
};

const DEMO_R1: &str = "../../data/demo_R1.fq.gz";
const DEMO_R2: &str = "../../data/demo_R2.fq.gz";

const MERGE: Case = Case {
    args: &[
        "-i",
        DEMO_R1,
        "-I",
        DEMO_R2,
        "--reads_to_process",
        "400",
        "-m",
        "--merged_out",
        "merge.merged.fq",
        "-o",
        "merge.out1.fq",
        "-O",
        "merge.out2.fq",
    ],
    stdin: None,
    files: &[
        ("merge.merged.fq", false),
        ("merge.out1.fq", false),
        ("merge.out2.fq", false),
    ],
};

const MERGE_INCLUDE_UNMERGED: Case = Case {
    args: &[
        "-i",
        DEMO_R1,
        "-I",
        DEMO_R2,
        "--reads_to_process",
        "400",
        "-m",
        "--include_unmerged",
        "--merged_out",
        "merge.all.fq",
    ],
    stdin: None,
    files: &[("merge.all.fq", true)],
};

const DEDUP_PE: Case = Case {
    args: &[
        "-i",
        "dup_R1.fq",
        "-I",
        "dup_R2.fq",
        "-D",
        "-l",
        "50",
        "-n",
        "5",
        "-o",
        "dedup.out1.fq",
        "-O",
        "dedup.out2.fq",
    ],
    stdin: None,
    files: &[("dedup.out1.fq", false), ("dedup.out2.fq", false)],
};

const DEDUP_SE: Case = Case {
    args: &[
        "-i",
        "dup_R1.fq",
        "-D",
        "--dup_calc_accuracy",
        "3",
        "-l",
        "30",
        "-o",
        "dedup.se.fq",
    ],
    stdin: None,
    files: &[("dedup.se.fq", false)],
};

const FIX_MGI: Case = Case {
    args: &[
        "-i",
        "mgi_R1.fq",
        "-I",
        "mgi_R2.fq",
        "--fix_mgi_id",
        "-o",
        "mgi.out1.fq",
        "-O",
        "mgi.out2.fq",
    ],
    stdin: None,
    files: &[("mgi.out1.fq", false), ("mgi.out2.fq", false)],
};

const INDEX_T0: Case = Case {
    args: &[
        "-i",
        "idx_R1.fq",
        "-I",
        "idx_R2.fq",
        "--filter_by_index1",
        "bl1.txt",
        "--filter_by_index2",
        "bl2.txt",
        "-o",
        "idx.t0.out1.fq",
        "-O",
        "idx.t0.out2.fq",
    ],
    stdin: None,
    files: &[("idx.t0.out1.fq", false), ("idx.t0.out2.fq", false)],
};

const INDEX_T1: Case = Case {
    args: &[
        "-i",
        "idx_R1.fq",
        "-I",
        "idx_R2.fq",
        "--filter_by_index1",
        "bl1.txt",
        "--filter_by_index2",
        "bl2.txt",
        "--filter_by_index_threshold",
        "1",
        "-o",
        "idx.t1.out1.fq",
        "-O",
        "idx.t1.out2.fq",
    ],
    stdin: None,
    files: &[("idx.t1.out1.fq", false), ("idx.t1.out2.fq", false)],
};

const INDEX_SE: Case = Case {
    args: &[
        "-i",
        "idx_R1.fq",
        "--filter_by_index1",
        "bl1.txt",
        "-o",
        "idx.se.fq",
    ],
    stdin: None,
    files: &[("idx.se.fq", false)],
};

const SPLIT_FILES: Case = Case {
    args: &[
        "-i",
        "pe_R1.fq",
        "-I",
        "pe_R2.fq",
        "-l",
        "50",
        "-n",
        "5",
        "-s",
        "3",
        "-o",
        "split/s.out1.fq",
        "-O",
        "split/s.out2.fq",
    ],
    stdin: None,
    files: &[
        ("split/0001.s.out1.fq", false),
        ("split/0002.s.out1.fq", false),
        ("split/0003.s.out1.fq", false),
        ("split/0001.s.out2.fq", false),
        ("split/0002.s.out2.fq", false),
        ("split/0003.s.out2.fq", false),
    ],
};

const SPLIT_LINES: Case = Case {
    args: &[
        "-i",
        "pe_R1.fq",
        "-I",
        "pe_R2.fq",
        "-l",
        "50",
        "-n",
        "5",
        "-S",
        "1000",
        "-d",
        "2",
        "-o",
        "split/S.out1.fq",
        "-O",
        "split/S.out2.fq",
    ],
    stdin: None,
    files: &[("split/01.S.out1.fq", false), ("split/01.S.out2.fq", false)],
};

/// The generated pairs interleaved (R1, R2, R1, R2...), as fed to `--stdin --interleaved_in`.
fn interleaved_pairs() -> Vec<u8> {
    let (a, b) = (expected("pe_R1.fq"), expected("pe_R2.fq"));
    let (a, b) = (records(&a), records(&b));
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(&b)
        .flat_map(|(x, y)| [x, y])
        .fold(Vec::new(), |mut out, r| {
            out.extend_from_slice(r);
            out
        })
}

/// Each record's four lines (with their line ends).
fn records(data: &[u8]) -> Vec<Vec<u8>> {
    let lines: Vec<&[u8]> = data.split_inclusive(|&b| b == b'\n').collect();
    lines.chunks(4).map(|c| c.concat()).collect()
}

/// Title lines only, as `make.sh` stores them for long outputs.
fn titles(data: &[u8]) -> Vec<u8> {
    records(data)
        .iter()
        .flat_map(|r| {
            let end = r
                .iter()
                .position(|&b| b == b'\n')
                .map_or(r.len(), |p| p + 1);
            r[..end].to_vec()
        })
        .collect()
}

/// Runs `program` with `args` in `dir`, stdin from `stdin`; stdout is captured.
fn run_in(program: &Path, args: &[String], dir: &Path, stdin: Option<Vec<u8>>) -> Output {
    let mut child = Command::new(program)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e}", program.display()));
    let mut pipe = child.stdin.take().expect("stdin");
    let feeder = std::thread::spawn(move || {
        if let Some(bytes) = stdin {
            let _ = pipe.write_all(&bytes);
        }
    });
    let out = child.wait_with_output().expect("wait");
    feeder.join().expect("stdin feeder");
    out
}

/// Arguments with input paths (reads, barcode lists) made absolute (outputs stay relative to the run's directory).
fn args_for(case: &Case) -> Vec<String> {
    let mut out = Vec::new();
    let mut input = false;
    for a in case.args {
        if input {
            out.push(expected_dir().join(a).display().to_string());
        } else {
            out.push(a.to_string());
        }
        input = matches!(
            *a,
            "-i" | "-I" | "--filter_by_index1" | "--filter_by_index2"
        );
    }
    out
}

fn panelprep(case: &Case, dir: &Path) -> Output {
    std::fs::create_dir_all(dir.join("split")).expect("split dir");
    let mut args = vec![
        "trim".to_string(),
        "--no-report".into(),
        "-w".into(),
        "1".into(),
    ];
    args.extend(args_for(case));
    let out = run_in(
        Path::new(env!("CARGO_BIN_EXE_panelprep")),
        &args,
        dir,
        case.stdin.map(|f| f()),
    );
    assert!(
        out.status.success(),
        "panelprep {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// What a run wrote to `name` (`pe.stdout.fq` is its stdout).
fn written(dir: &Path, name: &str, out: &Output) -> Vec<u8> {
    if name == "pe.stdout.fq" {
        return out.stdout.clone();
    }
    let p = dir.join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn check_against_stored(case: &Case) -> (tempfile::TempDir, Output) {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = panelprep(case, dir.path());
    for &(name, only_titles) in case.files {
        let got = written(dir.path(), name, &out);
        let (got, stored) = if only_titles {
            let stored = name.replace(".fq", ".titles");
            (titles(&got), expected(&stored))
        } else {
            (got, expected(name))
        };
        assert!(!stored.is_empty(), "{name}: stored file is empty");
        assert!(
            got == stored,
            "{name} differs from fastp's:\n--- panelprep\n{}\n--- fastp\n{}",
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&stored)
        );
    }
    (dir, out)
}

/// The name (up to the first space) of a record.
fn name(rec: &[u8]) -> &[u8] {
    let end = rec.iter().position(|&b| b == b' ' || b == b'\n');
    &rec[1..end.unwrap_or(rec.len())]
}

/// panelprep's failed reads are fastp's plus, in order, the pairs whose mates both failed
/// (fastp writes none of those: the deliberate difference). Returns those extra records.
fn check_failed(ours: &[u8], fastp: &[u8]) -> Vec<Vec<u8>> {
    let (ours, fastp) = (records(ours), records(fastp));
    let fastp_names: HashSet<&[u8]> = fastp.iter().map(|r| name(r)).collect();
    let (shared, extra): (Vec<_>, Vec<_>) = ours
        .iter()
        .cloned()
        .partition(|r| fastp_names.contains(name(r)));
    assert_eq!(shared, fastp, "records fastp writes too differ");
    assert_eq!(extra.len() % 2, 0, "extra records come in pairs");
    for pair in extra.chunks(2) {
        assert_eq!(name(&pair[0]), name(&pair[1]), "mates of one pair");
        for r in pair {
            let title =
                String::from_utf8_lossy(&r[..r.iter().position(|&b| b == b'\n').unwrap_or(0)])
                    .into_owned();
            assert!(
                title.contains(" failed_") && !title.contains("paired_read_is_failing"),
                "an extra record is not a failing mate of a failing pair: {title}"
            );
        }
    }
    extra
}

#[test]
fn single_end_failed_out_and_reads_to_process_match_fastp() {
    let (dir, _) = check_against_stored(&SE_FAILED);
    let failed = std::fs::read(dir.path().join("se.failed.fq")).expect("failed");
    // 500 reads processed: every one is in exactly one of the two files.
    let passed = records(&std::fs::read(dir.path().join("se.out.fq")).expect("out")).len();
    assert_eq!(passed + records(&failed).len(), 500);
    assert!(String::from_utf8_lossy(&failed).contains(" failed_too_short\n"));
}

#[test]
fn paired_failed_out_matches_fastp_and_keeps_pairs_failing_on_both_mates() {
    let (dir, _) = check_against_stored(&PE_FAILED);
    let ours = std::fs::read(dir.path().join("pe.failed.fq")).expect("failed");
    let extra = check_failed(&ours, &expected("pe.failed.fq"));
    // Every sixth generated pair (kind 3) has two low-quality mates: 10 pairs.
    assert_eq!(extra.len(), 20);
    let text = String::from_utf8_lossy(&ours);
    assert_eq!(text.matches(" paired_read_is_failing\n").count(), 30);
}

#[test]
fn paired_failed_out_with_unpaired_files_matches_fastp() {
    let (dir, _) = check_against_stored(&PE_UNPAIRED_FAILED);
    let ours = std::fs::read(dir.path().join("pe.u.failed.fq")).expect("failed");
    let extra = check_failed(&ours, &expected("pe.u.failed.fq"));
    assert_eq!(extra.len(), 20);
    assert!(!String::from_utf8_lossy(&ours).contains("paired_read_is_failing"));
}

#[test]
fn stdin_and_stdout_interleave_pairs_as_fastp() {
    let (_, out) = check_against_stored(&PE_STDIN_STDOUT);
    assert_eq!(records(&out.stdout).len(), 40);
}

#[test]
fn reads_to_process_counts_pairs_as_fastp() {
    let (dir, _) = check_against_stored(&PE_READS_TO_PROCESS);
    let r2 = std::fs::read(dir.path().join("pe.r25.out2.fq")).expect("out2");
    assert_eq!(
        records(&r2).len(),
        records(&expected("pe.r25.out1.fq")).len()
    );
}

#[test]
#[cfg_attr(
    not(pp_public_data),
    ignore = "needs the public test data (shared/data/public)"
)]
fn fastp_test_pairs_give_fastps_outputs_and_failed_reads() {
    if !expected_dir().join(PUBLIC_PAIRS).exists() {
        eprintln!("SKIP: public data not found: {PUBLIC_PAIRS}");
        return;
    }
    let (dir, _) = check_against_stored(&PUB_FAILED);
    // One pair fails (read 1 is empty): read 1 too short, read 2 tagged as its mate.
    let failed = std::fs::read_to_string(dir.path().join("pub.failed.fq")).expect("failed");
    assert_eq!(failed.matches(" failed_too_short\n").count(), 1);
    assert_eq!(failed.matches(" paired_read_is_failing\n").count(), 1);
}

/// The bases of a record and their qualities.
fn seq_qual(rec: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let lines: Vec<&[u8]> = rec.split(|&b| b == b'\n').collect();
    (lines[1].to_vec(), lines[3].to_vec())
}

/// Merged reads: the same pairs merged with the same titles (`merged_LEN1_LEN2`: the same
/// insert), and the same bytes except where fastp's correction replaced an N of one mate by
/// the other mate's base (panelprep's `--correction` leaves Ns, as before: a known
/// difference). Returns the records that differ only that way.
fn check_merged(ours: &[u8], fastp: &[u8]) -> usize {
    let (ours, fastp) = (records(ours), records(fastp));
    assert_eq!(ours.len(), fastp.len(), "merged read counts");
    let mut n_fixed = 0;
    for (a, b) in ours.iter().zip(&fastp) {
        assert_eq!(titles(a), titles(b), "titles");
        if a == b {
            continue;
        }
        let ((s1, q1), (s2, q2)) = (seq_qual(a), seq_qual(b));
        assert_eq!(s1.len(), s2.len());
        for i in 0..s1.len() {
            if s1[i] != s2[i] || q1[i] != q2[i] {
                assert_eq!(s1[i], b'N', "only fastp's N corrections differ");
                assert_eq!(q1[i], b'#', "an N of quality 2");
            }
        }
        n_fixed += 1;
    }
    n_fixed
}

#[test]
fn merge_writes_fastps_merged_reads() {
    let dir = tempfile::tempdir().expect("tempdir");
    panelprep(&MERGE, dir.path());
    let ours = std::fs::read(dir.path().join("merge.merged.fq")).expect("merged");
    let fastp = expected("merge.merged.fq");
    let fixed = check_merged(&ours, &fastp);
    let n = records(&fastp).len();
    assert!(n > 300, "most demo pairs overlap: {n}");
    assert!(fixed <= 2, "{fixed} records differ by N corrections");
    let text = String::from_utf8_lossy(&ours);
    assert!(
        text.contains(" merged_150_"),
        "long inserts take read 2's bases"
    );
    assert!(text.contains("_0\n"), "short inserts are read 1");
    // Unmerged pairs go to -o/-O: the same pairs as fastp's (their trimming may differ:
    // panelprep detects adapters for pairs by default).
    for f in ["merge.out1.fq", "merge.out2.fq"] {
        let got = std::fs::read(dir.path().join(f)).expect("out");
        assert_eq!(titles(&got), titles(&expected(f)), "{f}");
    }
}

#[test]
fn merge_include_unmerged_writes_every_read_to_merged_out() {
    let (dir, _) = check_against_stored(&MERGE_INCLUDE_UNMERGED);
    assert!(!dir.path().join("merge.out1.fq").exists());
}

#[test]
fn merge_to_out1_and_to_stdout_as_fastp() {
    // No --merged_out: -o alone takes the merged reads; --stdout takes them too.
    let dir = tempfile::tempdir().expect("tempdir");
    let [r1, r2] = [DEMO_R1, DEMO_R2].map(|p| expected_dir().join(p).display().to_string());
    let base = ["trim", "--no-report", "-i", &r1, "-I", &r2];
    let base: Vec<String> = base.iter().map(|s| s.to_string()).collect();
    let run = |extra: &[&str]| {
        let mut args = base.clone();
        args.extend(["--reads_to_process", "400", "-m"].map(String::from));
        args.extend(extra.iter().map(|s| s.to_string()));
        let out = run_in(
            Path::new(env!("CARGO_BIN_EXE_panelprep")),
            &args,
            dir.path(),
            None,
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    };
    run(&[
        "-w",
        "1",
        "--merged_out",
        "m.fq",
        "-o",
        "u1.fq",
        "-O",
        "u2.fq",
    ]);
    let merged = std::fs::read(dir.path().join("m.fq")).expect("m");
    // Also the same for another thread count and batch size.
    run(&["-w", "3", "--batch-bytes", "20000", "-o", "o.fq"]);
    assert_eq!(std::fs::read(dir.path().join("o.fq")).expect("o"), merged);
    let out = run(&["-w", "2", "--stdout"]);
    assert_eq!(out.stdout, merged);
    // Neither: refused.
    let mut args = base.clone();
    args.extend(["-m", "-O", "x.fq"].map(String::from));
    let out = run_in(
        Path::new(env!("CARGO_BIN_EXE_panelprep")),
        &args,
        dir.path(),
        None,
    );
    assert!(!out.status.success());
}

#[test]
fn dedup_drops_repeated_pairs_and_reads_as_fastp() {
    let (dir, _) = check_against_stored(&DEDUP_PE);
    check_against_stored(&DEDUP_SE);
    // The same for any thread count and batch size.
    let mut args = vec!["trim".to_string(), "-w".into(), "3".into()];
    args.extend(["--batch-bytes", "3000", "-j", "r.json"].map(String::from));
    args.extend(args_for(&DEDUP_PE));
    let out = run_in(
        Path::new(env!("CARGO_BIN_EXE_panelprep")),
        &args,
        dir.path(),
        None,
    );
    assert!(out.status.success());
    assert_eq!(
        std::fs::read(dir.path().join("dedup.out1.fq")).expect("out1"),
        expected("dedup.out1.fq")
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("r.json")).expect("json"))
            .expect("json");
    // 20 repeated pairs of the 90 (the 10 with a changed read 2 are not repeats).
    assert_eq!(json["duplication"]["removed_reads"], 20);
}

#[test]
fn fix_mgi_id_spaces_the_mate_suffix_as_fastp() {
    let (dir, _) = check_against_stored(&FIX_MGI);
    let out = std::fs::read_to_string(dir.path().join("mgi.out1.fq")).expect("out1");
    assert!(out.starts_with("@V300012345L1C001R0010000000 /1\n"));
}

#[test]
fn filter_by_index_drops_the_reads_fastp_drops() {
    check_against_stored(&INDEX_T0);
    check_against_stored(&INDEX_T1);
    check_against_stored(&INDEX_SE);
    // Fewer pairs stay with a mismatch allowed.
    let t0 = records(&expected("idx.t0.out1.fq")).len();
    let t1 = records(&expected("idx.t1.out1.fq")).len();
    assert!(t1 < t0 && t0 < 40, "{t1} < {t0} < 40");
}

/// Split outputs: the same file names as fastp's, and the same reads in them read in file
/// order (fastp cuts at its packs of 1000 reads, panelprep exactly: the cuts differ).
fn check_split(case: &Case) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    panelprep(case, dir.path());
    let mut ours: Vec<String> = std::fs::read_dir(dir.path().join("split"))
        .expect("split dir")
        .map(|e| format!("split/{}", e.expect("entry").file_name().to_string_lossy()))
        .collect();
    ours.sort();
    let mut theirs: Vec<String> = case.files.iter().map(|f| f.0.to_string()).collect();
    theirs.sort();
    assert_eq!(ours, theirs, "file names");
    for mate in [".out1.fq", ".out2.fq"] {
        let concat = |read: &dyn Fn(&str) -> Vec<u8>| -> Vec<u8> {
            ours.iter()
                .filter(|n| n.ends_with(mate))
                .flat_map(|n| read(n))
                .collect()
        };
        let got = concat(&|n| std::fs::read(dir.path().join(n)).expect("part"));
        let want = concat(&|n| expected(n));
        assert_eq!(got, want, "{mate}: reads in file order");
    }
    dir
}

#[test]
fn split_names_files_as_fastp_and_cuts_exactly() {
    let dir = check_split(&SPLIT_FILES);
    // 60 pairs in 3 files: 20 input pairs each, of which 7, 6 and 7 pass (kinds 0 and 5).
    let n = |f: &str| records(&std::fs::read(dir.path().join(f)).expect("part")).len();
    let counts = [1, 2, 3].map(|i| n(&format!("split/000{i}.s.out1.fq")));
    assert_eq!(counts, [7, 6, 7]);
    check_split(&SPLIT_LINES);
}

#[test]
fn split_by_lines_fills_every_file_but_the_last() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = expected_dir().join(DEMO_R1).display().to_string();
    let args: Vec<String> = [
        "trim",
        "--no-report",
        "-w",
        "3",
        "--batch-bytes",
        "20000",
        "-i",
        &input,
        "--reads_to_process",
        "1100",
        "-S",
        "1000",
        "-o",
        "o.fq.gz",
    ]
    .map(String::from)
    .to_vec();
    let out = run_in(
        Path::new(env!("CARGO_BIN_EXE_panelprep")),
        &args,
        dir.path(),
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut total = 0;
    for i in 1..=5 {
        let p = dir.path().join(format!("000{i}.o.fq.gz"));
        let mut text = String::new();
        let f = std::fs::File::open(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        std::io::Read::read_to_string(&mut flate2::read::MultiGzDecoder::new(f), &mut text)
            .expect("gzip");
        let n = text.lines().count() / 4;
        if i < 5 {
            assert_eq!(n, 250, "part {i}");
        }
        total += n;
    }
    assert!(!dir.path().join("0006.o.fq.gz").exists());
    assert!(!dir.path().join("o.fq.gz").exists());
    assert!(total > 1000);
}

#[test]
fn split_parts_respect_dont_overwrite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = expected_dir().join(DEMO_R1).display().to_string();
    for (mode, n, existing) in [("-s", "3", "0002.o.fq"), ("-S", "1000", "0003.o.fq")] {
        std::fs::write(dir.path().join(existing), b"keep").expect("write");
        let args: Vec<String> = [
            "trim",
            "--no-report",
            "-i",
            &input,
            "--reads_to_process",
            "1200",
            mode,
            n,
            "-o",
            "o.fq",
            "--dont_overwrite",
        ]
        .map(String::from)
        .to_vec();
        let out = run_in(
            Path::new(env!("CARGO_BIN_EXE_panelprep")),
            &args,
            dir.path(),
            None,
        );
        assert!(!out.status.success(), "{mode}: ran over {existing}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
        assert_eq!(
            std::fs::read(dir.path().join(existing)).expect("kept"),
            b"keep"
        );
        assert!(
            !dir.path().join("0001.o.fq").exists(),
            "{mode}: nothing written"
        );
        std::fs::remove_file(dir.path().join(existing)).expect("rm");
    }
}

#[test]
fn dash_h_is_the_html_report_with_its_title_and_help_is_long_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = expected_dir().join("pe_R1.fq").display().to_string();
    let args: Vec<String> = [
        "trim",
        "-i",
        &input,
        "-o",
        "out.fq",
        "-h",
        "r.html",
        "-R",
        "Run <7> QC",
    ]
    .map(String::from)
    .to_vec();
    let out = run_in(
        Path::new(env!("CARGO_BIN_EXE_panelprep")),
        &args,
        dir.path(),
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(dir.path().join("r.html")).expect("html written");
    assert!(html.contains("<title>Run &lt;7&gt; QC</title>"), "title");
    assert!(html.contains("<h1>Run &lt;7&gt; QC</h1>"), "heading");
    let help = run_in(
        Path::new(env!("CARGO_BIN_EXE_panelprep")),
        &["trim".into(), "--help".into()],
        dir.path(),
        None,
    );
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).contains("--report_title"));
}

#[test]
fn dont_overwrite_refuses_an_existing_output_and_leaves_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = expected_dir().join("pe_R1.fq").display().to_string();
    for existing in ["out.fq", "failed.fq", "r.json"] {
        for f in ["out.fq", "failed.fq", "r.json"] {
            let _ = std::fs::remove_file(dir.path().join(f));
        }
        std::fs::write(dir.path().join(existing), b"keep").expect("write");
        let args: Vec<String> = [
            "trim",
            "-i",
            &input,
            "-o",
            "out.fq",
            "--failed_out",
            "failed.fq",
            "-j",
            "r.json",
            "--dont_overwrite",
        ]
        .map(String::from)
        .to_vec();
        let out = run_in(
            Path::new(env!("CARGO_BIN_EXE_panelprep")),
            &args,
            dir.path(),
            None,
        );
        assert!(
            !out.status.success(),
            "{existing}: ran over an existing file"
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("already exists"), "{existing}: {err}");
        assert_eq!(
            std::fs::read(dir.path().join(existing)).expect("kept"),
            b"keep"
        );
    }
    // Without the switch the same run overwrites.
    let args: Vec<String> = ["trim", "-i", &input, "-o", "out.fq", "--no-report"]
        .map(String::from)
        .to_vec();
    let out = run_in(
        Path::new(env!("CARGO_BIN_EXE_panelprep")),
        &args,
        dir.path(),
        None,
    );
    assert!(out.status.success());
    assert_ne!(
        std::fs::read(dir.path().join("out.fq")).expect("out"),
        b"keep"
    );
}

/// fastp on this machine, or `None` (then the live test skips, or fails with
/// `PANELPREP_REQUIRE_PEERS=1`).
fn fastp() -> Option<PathBuf> {
    let ok = Command::new("fastp")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success() || !o.stderr.is_empty());
    if ok {
        return Some(PathBuf::from("fastp"));
    }
    if std::env::var("PANELPREP_REQUIRE_PEERS").as_deref() == Ok("1") {
        panic!("fastp is not installed and PANELPREP_REQUIRE_PEERS=1");
    }
    eprintln!("SKIP: fastp not found");
    None
}

#[test]
#[ignore = "live: needs fastp (full suite: cargo test -- --include-ignored)"]
fn live_fastp_writes_the_stored_files() {
    let Some(fastp) = fastp() else {
        return;
    };
    let cases = [
        &SE_FAILED,
        &PE_FAILED,
        &PE_UNPAIRED_FAILED,
        &PE_STDIN_STDOUT,
        &PE_READS_TO_PROCESS,
        &PUB_FAILED,
        &MERGE,
        &MERGE_INCLUDE_UNMERGED,
        &DEDUP_PE,
        &DEDUP_SE,
        &FIX_MGI,
        &INDEX_T0,
        &INDEX_T1,
        &INDEX_SE,
        &SPLIT_FILES,
        &SPLIT_LINES,
    ];
    for case in cases {
        if case.args.contains(&PUBLIC_PAIRS) && !expected_dir().join(PUBLIC_PAIRS).exists() {
            eprintln!("SKIP: public data not found: {PUBLIC_PAIRS}");
            continue;
        }
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("split")).expect("split dir");
        let mut args: Vec<String> = ["-w", "1", "-j", "/dev/null", "-h", "/dev/null"]
            .map(String::from)
            .to_vec();
        args.extend(args_for(case));
        let out = run_in(&fastp, &args, dir.path(), case.stdin.map(|f| f()));
        assert!(
            out.status.success(),
            "fastp {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut names: Vec<&str> = case.files.iter().map(|f| f.0).collect();
        names.extend(
            case.args
                .iter()
                .copied()
                .filter(|a| a.ends_with("failed.fq")),
        );
        for name in names {
            let got = written(dir.path(), name, &out);
            let only_titles = case.files.iter().any(|f| f.0 == name && f.1);
            let (got, stored) = if only_titles {
                (titles(&got), expected(&name.replace(".fq", ".titles")))
            } else {
                (got, expected(name))
            };
            assert!(got == stored, "fastp's {name} is not the stored file");
        }
    }
}
