//! Issue 17, "fail closed everywhere", class by class through the CLI: every case asserts the
//! exit status, the exact cause in the message and the files left on disk (none under a final
//! name after a failure; inputs untouched).
//!
//! Classes: all outputs or none (1), paths by identity (2), wrong inputs (3), valid BGZF with
//! several extra subfields (6), right causes in messages (7), coverage cancellation (8), two
//! runs to one output (9). Output write failures (5) are in `faults.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::util::common;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::*;

fn panelprep<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Command::new(bin()).args(args).output().unwrap()
}

fn stderr_of(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts exit status 1 and every `parts` in the message; returns the message.
fn fails_with(o: &Output, parts: &[&str]) -> String {
    let err = stderr_of(o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    for p in parts {
        assert!(err.contains(p), "message must contain {p:?}: {err}");
    }
    assert!(!err.contains("panicked"), "{err}");
    err
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A paired input in `dir`: `R1.fq`, `R2.fq` (names `r{i}/1`, `r{i}/2`).
fn pair_in(dir: &Path, n: usize) -> (PathBuf, PathBuf, Vec<u8>, Vec<u8>) {
    let (a, b) = (fastq(n, 7, "/1"), fastq(n, 7, "/2"));
    let (p1, p2) = (dir.join("R1.fq"), dir.join("R2.fq"));
    fs::write(&p1, &a).unwrap();
    fs::write(&p2, &b).unwrap();
    (p1, p2, a, b)
}

/// The shared cnvkit BAM, its BAI and BED copied into `dir` (BAM first, so the BAI is newer).
fn cnvkit(dir: &Path) -> Option<(PathBuf, PathBuf)> {
    let d = shared_data()?.join("cnvkit");
    let (bam, bed) = (dir.join("s.bam"), dir.join("t.bed"));
    fs::copy(d.join("na12878-chrM-Y-trunc.from_cram.bam"), &bam).unwrap();
    fs::copy(
        d.join("na12878-chrM-Y-trunc.from_cram.bam.bai"),
        dir.join("s.bam.bai"),
    )
    .unwrap();
    fs::copy(d.join("my-targets.bed"), &bed).unwrap();
    Some((bam, bed))
}

/// A small BAM (one reference `chr1` of 1000 bp, no records), BGZF-written by noodles.
fn tiny_bam(path: &Path) {
    let mut header = b"BAM\x01".to_vec();
    for v in [0u32, 1, 5] {
        header.extend_from_slice(&v.to_le_bytes());
    }
    header.extend_from_slice(b"chr1\0");
    header.extend_from_slice(&1000u32.to_le_bytes());
    let mut w = noodles::bgzf::io::Writer::new(Vec::new());
    w.write_all(&header).unwrap();
    fs::write(path, w.finish().unwrap()).unwrap();
}

// ---- 1. All outputs or none.

#[test]
fn second_read_output_that_cannot_be_committed_leaves_no_first() {
    let dir = tempfile::tempdir().unwrap();
    let (r1, r2, a, b) = pair_in(dir.path(), 200);
    let o1 = dir.path().join("o1.fq");
    let o2 = dir.path().join("o2"); // a directory holding a file: the rename fails
    fs::create_dir(&o2).unwrap();
    fs::write(o2.join("keep"), b"k").unwrap();
    let o = panelprep([
        "trim",
        "-i",
        s(&r1),
        "-I",
        s(&r2),
        "-o",
        s(&o1),
        "-O",
        s(&o2),
        "--no-report",
    ]);
    let err = fails_with(&o, &["o2: rename failed"]);
    assert!(
        err.contains("Is a directory") || err.contains("Directory not empty"),
        "{err}"
    );
    assert_eq!(dir_names(dir.path()), vec!["R1.fq", "R2.fq", "o2"]);
    assert_eq!(dir_names(&o2), vec!["keep"]);
    assert_eq!((fs::read(&r1).unwrap(), fs::read(&r2).unwrap()), (a, b));
}

#[test]
fn report_that_cannot_be_committed_leaves_no_reads() {
    let dir = tempfile::tempdir().unwrap();
    let (r1, r2, _, _) = pair_in(dir.path(), 200);
    let html = dir.path().join("r.html");
    fs::create_dir(&html).unwrap();
    fs::write(html.join("keep"), b"k").unwrap();
    for extra in [vec![], vec!["--json", "r.json", "--manifest", "m.json"]] {
        let mut args = vec![
            "trim",
            "-i",
            s(&r1),
            "-I",
            s(&r2),
            "-o",
            "o1.fq.gz",
            "-O",
            "o2.fq.gz",
            "--html",
            "r.html",
        ];
        args.extend(extra);
        let o = Command::new(bin())
            .args(&args)
            .current_dir(dir.path())
            .output()
            .unwrap();
        fails_with(&o, &["r.html: rename failed"]);
        assert_eq!(dir_names(dir.path()), vec!["R1.fq", "R2.fq", "r.html"]);
    }
}

/// Runs `script` in a private mount namespace (a tmpfs on `mnt`), or `None` when not possible.
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
        _ => {
            eprintln!("SKIP: cannot mount a tmpfs in a private mount namespace");
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

/// Bytes of `dir`'s files rounded up to 4 KiB pages (what they take on a tmpfs).
fn pages(dir: &Path) -> u64 {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len().div_ceil(4096) * 4096)
        .sum()
}

/// Runs `args` (with `{m}` for the mount point) on a tmpfs one page smaller than the outputs
/// need (measured by a first run in `probe`): the disk fills at the last output.
fn full_disk_at_last_output(args: &[&str], probe: &Path) -> Option<(String, String)> {
    let args_at =
        |m: &Path| -> Vec<String> { args.iter().map(|a| a.replace("{m}", s(m))).collect() };
    let o = panelprep(args_at(probe));
    assert!(o.status.success(), "{}", stderr_of(&o));
    let size = pages(probe) - 4096;
    let mnt = tempfile::tempdir().unwrap();
    let quoted: Vec<String> = args_at(mnt.path())
        .iter()
        .map(|a| format!("'{a}'"))
        .collect();
    let script = format!(
        "mount -t tmpfs -o size={size} tmpfs {m} || exit 99; '{bin}' {args}; \
         echo \"rc=$?\"; echo \"left=[$(ls -A {m})]\"",
        m = mnt.path().display(),
        bin = bin().display(),
        args = quoted.join(" "),
    );
    let o = in_private_mounts(&script)?;
    Some((
        String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr_of(&o),
    ))
}

#[test]
fn full_disk_at_the_last_trim_output_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (r1, r2, _, _) = pair_in(dir.path(), 3000);
    let probe = tempfile::tempdir().unwrap();
    let args = [
        "trim",
        "-i",
        s(&r1),
        "-I",
        s(&r2),
        "-o",
        "{m}/o1.fq",
        "-O",
        "{m}/o2.fq",
        "--json",
        "{m}/r.json",
        "--html",
        "{m}/r.html",
        "--manifest",
        "{m}/m.json",
    ];
    let Some((out, err)) = full_disk_at_last_output(&args, probe.path()) else {
        return;
    };
    assert!(out.contains("rc=1"), "{out} {err}");
    assert!(out.contains("left=[]"), "nothing may remain: {out}");
    assert!(err.contains("No space left on device"), "{err}");
    assert!(err.contains("write failed"), "{err}");
}

#[test]
fn full_disk_at_the_last_coverage_output_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let Some((bam, bed)) = cnvkit(dir.path()) else {
        return;
    };
    let probe = tempfile::tempdir().unwrap();
    let args = [
        "coverage",
        "--bam",
        s(&bam),
        "--targets",
        s(&bed),
        "--prefix",
        "{m}/c",
    ];
    let Some((out, err)) = full_disk_at_last_output(&args, probe.path()) else {
        return;
    };
    assert!(out.contains("rc=1"), "{out} {err}");
    assert!(
        out.contains("left=[]"),
        "none of the files may remain: {out}"
    );
    assert!(err.contains("No space left on device"), "{err}");
}

#[test]
fn coverage_into_a_missing_directory_names_the_os_cause() {
    let dir = tempfile::tempdir().unwrap();
    let Some((bam, bed)) = cnvkit(dir.path()) else {
        return;
    };
    let prefix = dir.path().join("nodir").join("c");
    let o = panelprep([
        "coverage",
        "--bam",
        s(&bam),
        "--targets",
        s(&bed),
        "--prefix",
        s(&prefix),
    ]);
    let err = fails_with(&o, &["create failed", "No such file or directory"]);
    assert_eq!(err.matches("create failed").count(), 1, "{err}");
    assert_eq!(dir_names(dir.path()), vec!["s.bam", "s.bam.bai", "t.bed"]);
}

// ---- 2. Paths by identity, every file of the run, before a byte is read.

#[test]
fn reports_and_outputs_that_name_an_input_or_each_other_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (r1, r2, a, b) = pair_in(dir.path(), 50);
    fs::create_dir(dir.path().join("s")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&r2, dir.path().join("link.fq")).unwrap();
    let cases: Vec<(Vec<&str>, Vec<&str>)> = vec![
        (
            vec!["-o", "o1.fq", "-O", "o2.fq", "--json", "R1.fq"],
            vec!["refusing to overwrite an input", "R1.fq"],
        ),
        (
            vec!["-o", "o1.fq", "-O", "o2.fq", "--manifest", "./o1.fq"],
            vec!["-o o1.fq and --manifest ./o1.fq are the same file"],
        ),
        (
            vec!["-o", "s/p.fq", "-O", "s/../s/p.fq"],
            vec!["-o s/p.fq and -O s/../s/p.fq are the same file"],
        ),
        (
            vec!["-o", "o1.fq", "-O", "o2.fq", "--html", "link.fq"],
            vec!["refusing to overwrite an input", "link.fq"],
        ),
        (
            vec!["-o", "o1.fq", "-O", "o2.fq", "--unpaired1", "./R2.fq"],
            vec!["refusing to overwrite an input"],
        ),
    ];
    for (outs, parts) in cases {
        let mut args = vec!["trim", "-i", s(&r1), "-I", s(&r2)];
        args.extend(&outs);
        let o = Command::new(bin())
            .args(&args)
            .current_dir(dir.path())
            .output()
            .unwrap();
        fails_with(&o, &parts);
        let mut want = vec!["R1.fq", "R2.fq", "link.fq", "s"];
        want.sort();
        assert_eq!(dir_names(dir.path()), want, "{outs:?}");
        assert!(dir_names(&dir.path().join("s")).is_empty());
        assert_eq!(
            (fs::read(&r1).unwrap(), fs::read(&r2).unwrap()),
            (a.clone(), b.clone())
        );
    }
}

#[test]
fn coverage_prefix_that_would_replace_its_bed_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let Some((bam, bed)) = cnvkit(dir.path()) else {
        return;
    };
    let own = dir.path().join("c.lowcov.bed");
    fs::rename(&bed, &own).unwrap();
    let before = fs::read(&own).unwrap();
    for prefix in [dir.path().join("c"), dir.path().join(".").join("c")] {
        let o = panelprep([
            "coverage",
            "--bam",
            s(&bam),
            "--targets",
            s(&own),
            "--prefix",
            s(&prefix),
        ]);
        fails_with(&o, &["refusing to overwrite an input", "c.lowcov.bed"]);
    }
    let o = panelprep([
        "coverage",
        "--bam",
        s(&bam),
        "--targets",
        s(&bam),
        "--prefix",
        "x",
    ]);
    fails_with(&o, &["--bam", "--targets", "are the same file"]);
    assert_eq!(fs::read(&own).unwrap(), before);
    assert_eq!(
        dir_names(dir.path()),
        vec!["c.lowcov.bed", "s.bam", "s.bam.bai"]
    );
}

// ---- 3. Wrong inputs.

#[test]
fn the_same_file_as_both_mates_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (r1, _, _, _) = pair_in(dir.path(), 50);
    let alias = dir.path().join(".").join("R1.fq");
    for second in [&r1, &alias] {
        let o = panelprep(["trim", "-i", s(&r1), "-I", s(second), "-o", "-"]);
        fails_with(&o, &["-i", "-I", "are the same file"]);
        assert!(o.stdout.is_empty());
    }
}

#[test]
fn swapped_casava_mates_nul_names_and_late_phred64_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let casava = |mate: u8| -> Vec<u8> {
        let mut v = Vec::new();
        for i in 0..20 {
            write!(v, "@M1:7:FC:1:1:1:{i} {mate}:N:0:ACGT\nACGT\n+\nIIII\n").unwrap();
        }
        v
    };
    let (c1, c2) = (dir.path().join("c1.fq"), dir.path().join("c2.fq"));
    fs::write(&c1, casava(1)).unwrap();
    fs::write(&c2, casava(2)).unwrap();
    let o = panelprep([
        "trim",
        "-i",
        s(&c2),
        "-I",
        s(&c1),
        "-o",
        "o1.fq",
        "-O",
        "o2.fq",
    ]);
    fails_with(
        &o,
        &["c2.fq, record 1, line 1", "Casava mate number 2", "swapped"],
    );
    let good = panelprep(["trim", "-i", s(&c1), "-I", s(&c2), "-o", "-", "--no-report"]);
    assert!(good.status.success(), "{}", stderr_of(&good));

    let mut nul = fastq(30, 3, "");
    nul.extend_from_slice(b"@bad\0name\nACGT\n+\nIIII\n");
    let p = dir.path().join("nul.fq");
    fs::write(&p, &nul).unwrap();
    let o = panelprep(["validate", s(&p)]);
    fails_with(&o, &["nul.fq, record 31, line", "NUL byte", "position 4"]);

    // 4,000 Phred+33 records (over 1 MiB: the first batch), then Phred+64 ones.
    let mut late = fastq(4000, 5, "");
    assert!(late.len() > 1 << 20);
    for i in 0..10 {
        write!(
            late,
            "@p64_{i}\n{}\n+\n{}\n",
            "A".repeat(36),
            "h".repeat(30) + "BBBBBB"
        )
        .unwrap();
    }
    let p = dir.path().join("late64.fq");
    fs::write(&p, &late).unwrap();
    let o = panelprep(["trim", "-i", s(&p), "-o", "out.fq"]);
    fails_with(&o, &["late64.fq, record 4001, line", "look like Phred+64"]);
    assert!(!dir.path().join("out.fq").exists());
}

#[test]
fn bed_targets_past_the_contig_end_or_on_no_bam_contig_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let bam = dir.path().join("tiny.bam");
    tiny_bam(&bam);
    let cases = [
        (
            "chr1\t10\t100\tA\nchr1\t1000\t1100\tB\n",
            vec![
                "past.bed, line 2",
                "target chr1:1000-1100 starts past the end of chr1 (1000 bases",
            ],
        ),
        (
            "chrX\t10\t100\nchr2\t1\t5\n",
            vec!["none of its contigs (chrX, chr2) is in the header"],
        ),
    ];
    for (i, (text, parts)) in cases.into_iter().enumerate() {
        let bed = dir
            .path()
            .join(if i == 0 { "past.bed" } else { "none.bed" });
        fs::write(&bed, text).unwrap();
        let out = tempfile::tempdir().unwrap();
        let o = panelprep([
            "coverage",
            "--bam",
            s(&bam),
            "--targets",
            s(&bed),
            "--prefix",
            s(&out.path().join("c")),
        ]);
        fails_with(&o, &parts);
        assert!(dir_names(out.path()).is_empty());
    }
}

#[test]
fn a_bed_target_running_past_the_contig_end_is_clipped_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let bam = dir.path().join("tiny.bam");
    tiny_bam(&bam);
    let bed = dir.path().join("edge.bed");
    fs::write(&bed, "chr1\t10\t100\tA\nchr1\t900\t1100\tB\n").unwrap();
    let prefix = dir.path().join("c");
    let o = panelprep([
        "coverage",
        "--bam",
        s(&bam),
        "--targets",
        s(&bed),
        "--prefix",
        s(&prefix),
    ]);
    let err = stderr_of(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("line 2: target chr1:900-1100 clipped to 1000"),
        "{err}"
    );
    let tsv = fs::read_to_string(dir.path().join("c.targets.tsv")).unwrap();
    assert!(tsv.contains("chr1\t900\t1000\tB"), "{tsv}");
}

#[test]
fn stale_or_foreign_bai_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let Some((bam, bed)) = cnvkit(dir.path()) else {
        return;
    };
    let bai = dir.path().join("s.bam.bai");
    let out = dir.path().join("out");
    fs::create_dir(&out).unwrap();
    let run = || {
        panelprep([
            "coverage",
            "--bam",
            s(&bam),
            "--targets",
            s(&bed),
            "--prefix",
            s(&out.join("c")),
        ])
    };
    // Older than the BAM (as after re-writing the BAM without re-indexing).
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    fs::File::options()
        .write(true)
        .open(&bai)
        .unwrap()
        .set_modified(old)
        .unwrap();
    fails_with(
        &run(),
        &[
            "s.bam.bai: BAM index",
            "older than the BAM",
            "samtools index",
        ],
    );
    // Built for another BAM: mosdepth's fixture index (another reference count).
    let other = shared_data().unwrap().join("mosdepth/empty-tids.bam.bai");
    fs::copy(&other, &bai).unwrap();
    let err = fails_with(&run(), &["s.bam.bai: BAM index", "does not belong to"]);
    assert!(!err.contains("corrupt"), "{err}");
    assert!(dir_names(&out).is_empty());
}

// ---- 6. BGZF with several extra subfields.

/// Rewrites every BGZF block of `bgzf` but the end marker with a subfield before `BC` and one
/// after it.
fn with_extra_subfields(bgzf: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < bgzf.len() {
        let (head, size) = panelprep::io::bgzf::parse_header(&bgzf[at..]).unwrap();
        let block = &bgzf[at..at + size];
        at += size;
        if block == panelprep::io::bgzf::EOF_BLOCK {
            out.extend_from_slice(block); // the end marker stays byte-exact, as htslib checks it
            continue;
        }
        let mut extra = b"XY\x04\x00abcd".to_vec();
        extra.extend_from_slice(&block[12..head]);
        extra.extend_from_slice(b"ZZ\x02\x00zz");
        let new_size = 12 + extra.len() + (size - head);
        extra[8 + 4..8 + 6].copy_from_slice(&((new_size - 1) as u16).to_le_bytes());
        out.extend_from_slice(&block[..10]);
        out.extend_from_slice(&(extra.len() as u16).to_le_bytes());
        out.extend_from_slice(&extra);
        out.extend_from_slice(&block[head..]);
    }
    out
}

#[test]
fn bgzf_blocks_with_several_subfields_are_read_as_bgzf() {
    let dir = tempfile::tempdir().unwrap();
    let text = fastq(2000, 9, "");
    let odd = with_extra_subfields(&bgzf(&text));
    let p = dir.path().join("x.fq.gz");
    fs::write(&p, &odd).unwrap();
    assert_eq!(gunzip(&odd), text, "a valid gzip file for any reader");
    let o = panelprep(["validate", s(&p)]);
    assert!(o.status.success(), "{}", stderr_of(&o));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(
        out.contains("records=2000") && out.contains("format=bgzf"),
        "{out}"
    );
    let o = panelprep(["trim", "--passthrough", "-i", s(&p), "-o", "-"]);
    assert!(o.status.success(), "{}", stderr_of(&o));
    assert_eq!(o.stdout, text);
}

#[test]
fn bam_with_several_subfields_gives_the_same_coverage() {
    let dir = tempfile::tempdir().unwrap();
    let Some((bam, bed)) = cnvkit(dir.path()) else {
        return;
    };
    fs::remove_file(dir.path().join("s.bam.bai")).unwrap(); // offsets change: full scan
    let odd = dir.path().join("odd.bam");
    fs::write(&odd, with_extra_subfields(&fs::read(&bam).unwrap())).unwrap();
    let mut regions = Vec::new();
    for (b, name) in [(&bam, "a"), (&odd, "b")] {
        let prefix = dir.path().join(name);
        let o = panelprep([
            "coverage",
            "--bam",
            s(b),
            "--targets",
            s(&bed),
            "--prefix",
            s(&prefix),
        ]);
        assert!(o.status.success(), "{}", stderr_of(&o));
        regions.push(gunzip(
            &fs::read(dir.path().join(format!("{name}.regions.bed.gz"))).unwrap(),
        ));
    }
    assert!(!regions[0].is_empty());
    assert_eq!(regions[0], regions[1]);
}

// ---- 7. Right causes in messages.

#[test]
fn trailing_garbage_after_gzip_is_not_called_truncated() {
    let dir = tempfile::tempdir().unwrap();
    let gz = gzip(&fastq(100, 2, ""));
    let cases: [(&[u8], &str); 3] = [
        (b"this is not gzip", "starts with bytes 74 68 69 73"),
        (&[0u8; 512], "starts with bytes 00 00 00 00"),
        (b"\x1f", "truncated gzip"),
    ];
    for (tail, want) in cases {
        let p = dir.path().join("t.fq.gz");
        let mut bytes = gz.clone();
        bytes.extend_from_slice(tail);
        fs::write(&p, &bytes).unwrap();
        let o = panelprep(["validate", s(&p)]);
        let err = fails_with(&o, &["t.fq.gz", want]);
        if !want.contains("truncated") {
            assert!(
                err.contains("trailing data after the last gzip member"),
                "{err}"
            );
            assert!(err.contains(&format!("offset {}", gz.len())), "{err}");
            assert!(!err.contains("truncated"), "{err}");
        }
    }
}

#[test]
fn cram_sam_and_plain_gzip_given_as_bam_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let bed = dir.path().join("t.bed");
    fs::write(&bed, "chr1\t0\t100\n").unwrap();
    let mut cram = b"CRAM\x03\x00".to_vec();
    cram.extend_from_slice(&[0u8; 60]);
    let cases: [(&str, Vec<u8>, &str); 4] = [
        // a CRAM is read (with -f/--reference); without one the error says so
        (
            "x.cram",
            cram,
            "is a CRAM: give the reference FASTA it was written against with -f/--reference",
        ),
        (
            "x.sam",
            b"@HD\tVN:1.6\tSO:coordinate\n@SQ\tSN:chr1\tLN:1000\n".to_vec(),
            "not a BAM file: it is text (SAM?)",
        ),
        (
            "x.gz",
            gzip(b"BAM\x01 but plain gzip"),
            "not a BAM file: it is plain gzip, not BGZF",
        ),
        ("empty.bam", Vec::new(), "not a BAM file: the file is empty"),
    ];
    for (name, bytes, want) in cases {
        let p = dir.path().join(name);
        fs::write(&p, bytes).unwrap();
        let o = panelprep([
            "coverage",
            "--bam",
            s(&p),
            "--targets",
            s(&bed),
            "--prefix",
            s(&dir.path().join("c")),
        ]);
        let err = fails_with(&o, &[name, want]);
        assert!(!err.contains("truncated"), "{err}");
    }
    assert!(!dir_names(dir.path()).iter().any(|n| n.starts_with("c.")));
}

// ---- 4. Resources: linear scans.

#[test]
fn trailing_blank_lines_take_linear_time() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = fastq(100, 4, "");
    text.resize(text.len() + (64 << 20), b'\n');
    let p = dir.path().join("blank.fq.gz");
    fs::write(&p, gzip(&text)).unwrap();
    let start = std::time::Instant::now();
    let o = panelprep(["validate", s(&p)]);
    let secs = start.elapsed().as_secs_f64();
    assert!(o.status.success(), "{}", stderr_of(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("records=100"));
    // Quadratic, this took 27 s in a release build; linear it is well under a second.
    assert!(secs < 15.0, "64 MiB of blank lines took {secs:.1} s");
}

// ---- 8. Coverage honours SIGINT and SIGTERM: exit 130, no outputs.

/// The cnvkit BAM with every record repeated `copies` times (still coordinate-sorted).
fn big_bam(src: &Path, dst: &Path, copies: usize) {
    use std::io::Read;
    let mut data = Vec::new();
    noodles::bgzf::io::Reader::new(fs::File::open(src).unwrap())
        .read_to_end(&mut data)
        .unwrap();
    let u32_at = |at: usize| u32::from_le_bytes(data[at..at + 4].try_into().unwrap()) as usize;
    let mut at = 8 + u32_at(4);
    let refs = u32_at(at);
    at += 4;
    for _ in 0..refs {
        at += 4 + u32_at(at) + 4;
    }
    let mut w = noodles::bgzf::io::Writer::new(fs::File::create(dst).unwrap());
    w.write_all(&data[..at]).unwrap();
    while at < data.len() {
        let end = at + 4 + u32_at(at);
        for _ in 0..copies {
            w.write_all(&data[at..end]).unwrap();
        }
        at = end;
    }
    w.finish().unwrap();
}

fn signal_during_coverage(signal: &str) {
    let dir = tempfile::tempdir().unwrap();
    let Some((bam, bed)) = cnvkit(dir.path()) else {
        return;
    };
    let big = dir.path().join("big.bam");
    big_bam(&bam, &big, 60);
    let out = tempfile::tempdir().unwrap();
    // One thread and a 60-fold BAM: the run lasts well beyond the signal on a fast machine.
    let mut child = Command::new(bin())
        .args([
            "coverage",
            "-t",
            "1",
            "--scan",
            "full",
            "--bam",
            s(&big),
            "--targets",
            s(&bed),
        ])
        .arg("--prefix")
        .arg(out.path().join("c"))
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(250));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the run ended before the signal: make the BAM bigger"
    );
    let st = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(st.success());
    let o = child.wait_with_output().unwrap();
    let err = stderr_of(&o);
    assert_eq!(o.status.code(), Some(130), "{signal}: {err}");
    assert!(err.contains("cancelled"), "{err}");
    assert!(dir_names(out.path()).is_empty(), "{signal}: files left");
}

#[test]
fn sigint_during_coverage_leaves_nothing() {
    signal_during_coverage("-INT");
}

#[test]
fn sigterm_during_coverage_leaves_nothing() {
    signal_during_coverage("-TERM");
}

#[test]
fn library_coverage_cancel_stops_the_scan() {
    let dir = tempfile::tempdir().unwrap();
    let Some((bam, bed)) = cnvkit(dir.path()) else {
        return;
    };
    let asked = std::cell::Cell::new(0);
    let cancel = || {
        asked.set(asked.get() + 1);
        asked.get() > 3
    };
    let opts = panelprep::coverage::CoverageOptions {
        scan: panelprep::coverage::ScanMode::Full,
        ..Default::default()
    };
    let e = panelprep::coverage::run_cancellable(&opts, &bam, &bed, &cancel).unwrap_err();
    assert!(
        matches!(e, panelprep::coverage::CoverageError::Cancelled),
        "{e}"
    );
    assert_eq!(asked.get(), 4, "stopped at the first look after the cancel");
}

// ---- 9. Concurrent runs to one output set: the manifest describes the bytes left on disk.

#[test]
fn concurrent_runs_leave_a_manifest_that_matches_the_files() {
    use sha2::Digest;
    let dir = tempfile::tempdir().unwrap();
    let ins: Vec<PathBuf> = (0..2)
        .map(|k| {
            let p = dir.path().join(format!("in{k}.fq"));
            fs::write(&p, fastq(3000 + 1000 * k, 20 + k as u64, "")).unwrap();
            p
        })
        .collect();
    let out = dir.path().join("out");
    fs::create_dir(&out).unwrap();
    for round in 0..3 {
        // Both runs at once, each with its own input, to the same output names.
        let running: Vec<_> = ins
            .iter()
            .map(|i| {
                Command::new(bin())
                    .args(["trim", "-w", "1", "-i", s(i), "-o"])
                    .arg(out.join("o.fq.gz"))
                    .arg("--manifest")
                    .arg(out.join("m.json"))
                    .arg("--json")
                    .arg(out.join("r.json"))
                    .stderr(std::process::Stdio::null())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for mut c in running {
            assert!(c.wait().unwrap().success());
        }
        let m: serde_json::Value =
            serde_json::from_slice(&fs::read(out.join("m.json")).unwrap()).unwrap();
        for f in m["files"].as_array().unwrap() {
            if f["role"] == "input" {
                continue;
            }
            let path = PathBuf::from(f["path"].as_str().unwrap());
            let bytes = fs::read(&path).unwrap();
            let sha: String = sha2::Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            assert_eq!(
                f["sha256"].as_str().unwrap(),
                sha,
                "round {round}: {}",
                path.display()
            );
            assert_eq!(f["size"].as_u64().unwrap(), bytes.len() as u64);
        }
        assert_eq!(dir_names(&out), vec!["m.json", "o.fq.gz", "r.json"]);
    }
}
