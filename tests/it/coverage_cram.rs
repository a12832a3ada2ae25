//! CRAM input: the same outputs as the BAM of the same alignments, for every preset, and
//! clear errors for a wrong, incomplete or missing reference.
//!
//! Stored fixtures (tests/data/cram, made by its make.sh with samtools): the hand-made Picard
//! rules alignments as CRAM 3.0 and 3.1, and htslib's decoding of that CRAM as BAM (the oracle:
//! another CRAM decoder, read by our own BAM reader). Their reference is
//! tests/expected/coverage/picard/rules/ref.fa. Live tests (samtools, mosdepth) convert the
//! public NA12878 excerpt to CRAM and compare with the BAM and with mosdepth on the CRAM.

use crate::util::coverage as common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use panelprep::coverage::{self, CoverageOptions, Preset, ScanMode};

fn data(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/cram")).join(name)
}

fn rules(name: &str) -> PathBuf {
    expected("picard/rules").join(name)
}

fn opts(preset: Preset, reference: &Path) -> CoverageOptions {
    let mut o = preset.options();
    o.threads = 2;
    o.thresholds = vec![1, 2, 3, 10, 20, 100];
    o.scan = ScanMode::Full;
    o.reference = Some(reference.to_path_buf());
    o
}

/// Every output file of a run, by suffix after the prefix, with the input path and the run date
/// taken out (they differ between the BAM and the CRAM run by design).
fn outputs(prefix: &Path, input: &Path) -> Vec<(String, String)> {
    let dir = prefix.parent().expect("dir");
    let stem = prefix
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&format!("{stem}.")))
        .collect();
    names.sort();
    let input = input.display().to_string();
    names
        .into_iter()
        .map(|n| {
            let p = dir.join(&n);
            let text = if n.ends_with(".gz") {
                gunzip(&p)
            } else {
                std::fs::read_to_string(&p).expect("read output")
            };
            let mut text = text.replace(&input, "INPUT");
            if let Some(a) = text.find("<span id=run-date>")
                && let Some(b) = text[a..].find("</span>")
            {
                text.replace_range(a..a + b, "");
            }
            (n[stem.len()..].to_owned(), text)
        })
        .collect()
}

/// Runs `o` on `bam` and on `cram` and asserts every output file equal (the BAM's outputs do
/// not depend on the thread count: coverage_panel.rs).
fn assert_same_outputs(o: &CoverageOptions, bam: &Path, cram: &Path, bed: &Path) {
    let preset = o.preset;
    let tmp = tempfile::tempdir().expect("tmp");
    for d in ["bam", "cram"] {
        std::fs::create_dir(tmp.path().join(d)).expect("mkdir");
    }
    let (rb, pb) = run_to(o, bam, bed, &tmp.path().join("bam"), "s");
    let (rc, pc) = run_to(o, cram, bed, &tmp.path().join("cram"), "s");
    assert_eq!(rb.records, rc.records, "{preset:?}: record counts");
    let (a, b) = (outputs(&pb, bam), outputs(&pc, cram));
    assert!(a.len() >= 10, "{preset:?}: only {} outputs", a.len());
    assert_eq!(
        a.iter().map(|f| &f.0).collect::<Vec<_>>(),
        b.iter().map(|f| &f.0).collect::<Vec<_>>(),
        "{preset:?}: output file set"
    );
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        assert_eq!(x, y, "{preset:?}: {name} differs between BAM and CRAM");
    }
}

#[test]
fn stored_cram_equals_htslib_bam_for_every_preset() {
    // rules.cram has 10 containers, decoded in parallel with 3 threads
    for (cram, threads) in [("rules.cram", 1), ("rules.cram", 3), ("rules.v31.cram", 2)] {
        for preset in [Preset::Mosdepth, Preset::MosdepthFast, Preset::PicardHs] {
            let mut o = opts(preset, &rules("ref.fa"));
            o.threads = threads;
            assert_same_outputs(
                &o,
                &data("rules.from_cram.bam"),
                &data(cram),
                &rules("targets.bed"),
            );
        }
    }
    // base qualities decoded without the bases (mosdepth preset with a base-quality floor)
    let mut o = opts(Preset::Mosdepth, &rules("ref.fa"));
    o.min_base_quality = 20;
    assert_same_outputs(
        &o,
        &data("rules.from_cram.bam"),
        &data("rules.cram"),
        &rules("targets.bed"),
    );
}

#[test]
fn stored_cram_has_the_rules_records() {
    let r = coverage::run(
        &opts(Preset::PicardHs, &rules("ref.fa")),
        &data("rules.cram"),
        &rules("targets.bed"),
    )
    .expect("run");
    assert_eq!(r.records.records_read, 399);
    assert_eq!(r.sample, "rules", "sample from @RG SM");
    assert!(r.picard.is_some());
}

/// Writes `fasta` (with a copy of `fai`, or `fai_text`) under `dir`.
fn write_ref(dir: &Path, name: &str, fasta: &str, fai: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, fasta).expect("write fasta");
    std::fs::write(dir.join(format!("{name}.fai")), fai).expect("write fai");
    p
}

fn run_err(reference: Option<&Path>, cram: &Path) -> String {
    let mut o = Preset::Mosdepth.options();
    o.reference = reference.map(Path::to_path_buf);
    match coverage::run(&o, cram, &rules("targets.bed")) {
        Ok(_) => panic!("{} ran with reference {reference:?}", cram.display()),
        Err(e) => e.to_string(),
    }
}

fn contains_all(err: &str, parts: &[&str]) {
    for p in parts {
        assert!(err.contains(p), "message must contain {p:?}: {err}");
    }
}

#[test]
fn wrong_reference_names_the_contig() {
    let tmp = tempfile::tempdir().expect("tmp");
    let fasta = std::fs::read_to_string(rules("ref.fa")).expect("ref");
    let fai = std::fs::read_to_string(rules("ref.fa.fai")).expect("fai");
    let cram = data("rules.cram");
    // one base of c2 changed: same layout, same .fai, another MD5
    let at = fasta.find(">c2").expect("c2") + 10;
    let mut bytes = fasta.clone().into_bytes();
    bytes[at] = if bytes[at] == b'A' { b'C' } else { b'A' };
    let wrong = write_ref(
        tmp.path(),
        "wrong.fa",
        &String::from_utf8(bytes).expect("utf8"),
        &fai,
    );
    contains_all(
        &run_err(Some(&wrong), &cram),
        &[
            "wrong.fa",
            "contig c2",
            "does not match M5:bd8c0768f29269929302954462071ddc",
            "rules.cram",
        ],
    );
    // c2 missing from the FASTA
    let c1_only = &fasta[..fasta.find(">c2").expect("c2")];
    let fai_c1 = fai.lines().next().expect("fai line").to_owned() + "\n";
    let missing = write_ref(tmp.path(), "c1only.fa", c1_only, &fai_c1);
    contains_all(
        &run_err(Some(&missing), &cram),
        &["c1only.fa", "contig c2 is not in this FASTA", "rules.cram"],
    );
    // c2 of another length
    let short_fai = fai.replace("c2\t2000", "c2\t1999");
    let short = write_ref(tmp.path(), "short.fa", &fasta, &short_fai);
    contains_all(
        &run_err(Some(&short), &cram),
        &[
            "short.fa",
            "contig c2 is 1999 bp here but 2000 bp",
            "@SQ LN",
        ],
    );
}

#[test]
fn missing_reference_or_index_is_a_clear_error() {
    let cram = data("rules.cram");
    contains_all(
        &run_err(None, &cram),
        &["rules.cram is a CRAM", "-f/--reference"],
    );
    let tmp = tempfile::tempdir().expect("tmp");
    let noidx = tmp.path().join("noidx.fa");
    std::fs::copy(rules("ref.fa"), &noidx).expect("copy");
    contains_all(
        &run_err(Some(&noidx), &cram),
        &["noidx.fa", "no index", "samtools faidx"],
    );
}

#[test]
fn cut_short_and_old_crams_and_index_scan_without_crai_are_refused() {
    let tmp = tempfile::tempdir().expect("tmp");
    let whole = std::fs::read(data("rules.cram")).expect("read");
    let cut = tmp.path().join("cut.cram");
    std::fs::write(&cut, &whole[..whole.len() - 20]).expect("write");
    contains_all(
        &run_err(Some(&rules("ref.fa")), &cut),
        &["cut.cram", "truncated CRAM", "end-of-file container"],
    );
    let mut old = b"CRAM\x02\x01".to_vec();
    old.extend_from_slice(&[0u8; 60]);
    let v2 = tmp.path().join("v2.cram");
    std::fs::write(&v2, old).expect("write");
    contains_all(
        &run_err(Some(&rules("ref.fa")), &v2),
        &["v2.cram", "CRAM version 2.1 is not supported"],
    );
    // --scan index without a .crai
    let alone = tmp.path().join("alone.cram");
    std::fs::copy(data("rules.cram"), &alone).expect("copy");
    let mut o = opts(Preset::Mosdepth, &rules("ref.fa"));
    o.scan = ScanMode::Index;
    let e = coverage::run(&o, &alone, &rules("targets.bed"))
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    contains_all(&e, &["index scan requested but", "alone.cram has no .crai"]);
}

/// rules.cram and its .crai copied (in that order: the index is not older) under `dir`.
fn indexed_rules_cram(dir: &Path) -> (PathBuf, PathBuf) {
    let cram = dir.join("rules.cram");
    let crai = dir.join("rules.cram.crai");
    std::fs::copy(data("rules.cram"), &cram).expect("copy cram");
    std::fs::copy(data("rules.cram.crai"), &crai).expect("copy crai");
    (cram, crai)
}

#[test]
fn crai_guided_scan_equals_full_scan() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (cram, crai) = indexed_rules_cram(tmp.path());
    for preset in [Preset::Mosdepth, Preset::MosdepthFast] {
        let mut runs = Vec::new();
        for (scan, dir) in [(ScanMode::Full, "full"), (ScanMode::Auto, "auto")] {
            let dir = tmp.path().join(format!("{dir}-{preset:?}"));
            std::fs::create_dir(&dir).expect("mkdir");
            let mut o = opts(preset, &rules("ref.fa"));
            o.scan = scan;
            o.threads = 3;
            let (r, p) = run_to(&o, &cram, &rules("targets.bed"), &dir, "s");
            let files: Vec<(String, String)> = outputs(&p, &cram)
                .into_iter()
                .filter(|(n, _)| n != ".coverage.json" && n != ".coverage.html")
                .collect();
            runs.push((r, files));
        }
        let (full, auto) = (&runs[0], &runs[1]);
        assert_eq!(auto.0.scan, ScanMode::Index, "a .crai is used by default");
        assert_eq!(auto.0.index.as_deref(), Some(crai.as_path()));
        assert!(auto.0.records.records_read <= full.0.records.records_read);
        assert!(full.1.len() >= 8);
        assert_eq!(full.1, auto.1, "{preset:?}: index-guided outputs differ");
    }
}

#[test]
fn stale_crai_is_refused() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (cram, crai) = indexed_rules_cram(tmp.path());
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(&crai)
        .and_then(|f| f.set_modified(hour_ago))
        .expect("set mtime");
    let e = run_err(Some(&rules("ref.fa")), &cram);
    contains_all(
        &e,
        &[
            "rules.cram.crai",
            "the index is older than the CRAM",
            "--scan full",
        ],
    );
}

#[test]
fn cli_without_reference_fails_and_writes_nothing() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = Command::new(env!("CARGO_BIN_EXE_panelprep"))
        .arg("coverage")
        .arg("--bam")
        .arg(data("rules.cram"))
        .arg("--targets")
        .arg(rules("targets.bed"))
        .arg("--prefix")
        .arg(tmp.path().join("o"))
        .output()
        .expect("run panelprep");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("is a CRAM") && err.contains("-f/--reference"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(std::fs::read_dir(tmp.path()).expect("dir").count(), 0);
    // with -f it runs
    let out = Command::new(env!("CARGO_BIN_EXE_panelprep"))
        .arg("coverage")
        .arg("--bam")
        .arg(data("rules.cram"))
        .arg("--targets")
        .arg(rules("targets.bed"))
        .arg("--prefix")
        .arg(tmp.path().join("o"))
        .arg("-f")
        .arg(rules("ref.fa"))
        // the stored .crai's age is the checkout's: not what this test is about
        .args(["--scan", "full"])
        .output()
        .expect("run panelprep");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(with(&tmp.path().join("o"), ".regions.bed.gz").is_file());
}

/// The public NA12878 excerpt as CRAM (samtools view -C -T) with its .crai, in `dir`.
fn na12878_cram(d: &Path, dir: &Path) -> (PathBuf, PathBuf, PathBuf, PathBuf) {
    let bam = d.join("cnvkit/na12878-chrM-Y-trunc.from_cram.bam");
    let fasta = d.join("cnvkit/chrM-Y-trunc.hg19.fa");
    let bed = d.join("cnvkit/my-targets.bed");
    // the same file stem as the BAM: without @RG SM the sample is named after it
    let cram = dir.join("na12878-chrM-Y-trunc.from_cram.cram");
    let st = Command::new("samtools")
        .args(["view", "--no-PG", "-C", "-T"])
        .arg(&fasta)
        .arg("-o")
        .arg(&cram)
        .arg(&bam)
        .status()
        .expect("run samtools");
    assert!(st.success(), "samtools view -C failed");
    // mosdepth needs the .crai; panelprep reads the CRAM whole and ignores it
    let st = Command::new("samtools")
        .arg("index")
        .arg(&cram)
        .status()
        .expect("run samtools index");
    assert!(st.success(), "samtools index failed");
    (bam, cram, fasta, bed)
}

#[test]
#[cfg_attr(
    not(pp_public_data),
    ignore = "needs the public test data (shared/data/public)"
)]
#[cfg_attr(not(pp_have_samtools), ignore = "live: needs samtools")]
fn na12878_cram_equals_bam_for_every_preset() {
    let Some(d) = shared() else { return };
    if !have("samtools") {
        return;
    }
    let tmp = tempfile::tempdir().expect("tmp");
    let (bam, cram, fasta, bed) = na12878_cram(&d, tmp.path());
    for preset in [Preset::Mosdepth, Preset::MosdepthFast, Preset::PicardHs] {
        for threads in [1, 3] {
            let mut o = opts(preset, &fasta);
            o.threads = threads;
            assert_same_outputs(&o, &bam, &cram, &bed);
        }
    }
}

#[test]
#[cfg_attr(
    not(pp_public_data),
    ignore = "needs the public test data (shared/data/public)"
)]
#[cfg_attr(not(pp_have_samtools), ignore = "live: needs samtools")]
#[cfg_attr(not(pp_have_mosdepth), ignore = "live: needs mosdepth")]
fn na12878_cram_matches_live_mosdepth_on_the_cram() {
    let Some(d) = shared() else { return };
    if !have("samtools") || !have("mosdepth") {
        return;
    }
    let tmp = tempfile::tempdir().expect("tmp");
    let (_, cram, fasta, bed) = na12878_cram(&d, tmp.path());
    let fasta_arg = fasta.to_str().expect("utf8 path");
    for (preset, fast) in [(Preset::Mosdepth, false), (Preset::MosdepthFast, true)] {
        let mut extra = vec!["-f", fasta_arg];
        if fast {
            extra.push("-x");
        }
        let theirs = mosdepth(&cram, &bed, tmp.path(), "m", "1,10,20,50,100", &extra);
        // whole file, and guided by the .crai (as mosdepth reads it)
        for scan in [ScanMode::Full, ScanMode::Index] {
            let mut o = opts(preset, &fasta);
            o.thresholds = vec![1, 10, 20, 50, 100];
            o.scan = scan;
            let (_, ours) = run_to(&o, &cram, &bed, tmp.path(), "o");
            assert_same_as_mosdepth(&ours, &theirs, true);
        }
    }
}

/// A small deterministic generator (64-bit LCG).
struct Lcg(u64);
impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

/// 40 small contigs with 0 to 200 pairs each (samtools puts the sparse ones together in
/// multi-reference slices), mismatches, mixed MAPQ and qualities, one unplaced unmapped read:
/// writes ref.fa (+ .fai), in.sam and t.bed under `dir`.
fn write_many_contigs(dir: &Path) {
    let mut r = Lcg(19);
    let contigs: Vec<(String, usize)> = (0..40)
        .map(|i| (format!("k{i}"), 300 + r.below(1500) as usize))
        .collect();
    let mut fasta = String::new();
    let mut fai = String::new();
    let mut sam = String::from("@HD\tVN:1.6\tSO:coordinate\n");
    let mut bed = String::new();
    let mut refs = Vec::new();
    for (name, len) in &contigs {
        let seq: Vec<u8> = (0..*len).map(|_| b"ACGT"[r.below(4) as usize]).collect();
        let offset = fasta.len() + name.len() + 2;
        fasta.push_str(&format!(">{name}\n"));
        for line in seq.chunks(60) {
            fasta.push_str(std::str::from_utf8(line).expect("ascii"));
            fasta.push('\n');
        }
        fai.push_str(&format!("{name}\t{len}\t{offset}\t60\t61\n"));
        sam.push_str(&format!("@SQ\tSN:{name}\tLN:{len}\n"));
        bed.push_str(&format!("{name}\t10\t{}\t{name}\n", len - 10));
        refs.push(seq);
    }
    sam.push_str("@RG\tID:1\tSM:many\n");
    let mut lines: Vec<(usize, usize, String)> = Vec::new();
    for (ci, (name, len)) in contigs.iter().enumerate() {
        let pairs = [0, 1, 3, 20, 200][r.below(5) as usize];
        for j in 0..pairs {
            let rl = 30 + r.below(70) as usize;
            let p = 1 + r.below((len - rl - 160) as u64) as usize;
            let mp = p + r.below(150) as usize;
            let tlen = mp + rl - p;
            let mut a = refs[ci][p - 1..p - 1 + rl].to_vec();
            for _ in 0..r.below(4) {
                let x = r.below(rl as u64) as usize;
                a[x] = b"ACGT"[r.below(4) as usize];
            }
            let b = refs[ci][mp - 1..mp - 1 + rl].to_vec();
            let q: String = (0..rl)
                .map(|_| b"#+5?I"[r.below(5) as usize] as char)
                .collect();
            let mapq = [0, 20, 60][r.below(3) as usize];
            let s = |v: &[u8]| String::from_utf8(v.to_vec()).expect("ascii");
            lines.push((
                ci,
                p,
                format!(
                    "r{ci}_{j}\t99\t{name}\t{p}\t{mapq}\t{rl}M\t=\t{mp}\t{tlen}\t{}\t{q}",
                    s(&a)
                ),
            ));
            lines.push((
                ci,
                mp,
                format!(
                    "r{ci}_{j}\t147\t{name}\t{mp}\t60\t{rl}M\t=\t{p}\t-{tlen}\t{}\t{q}",
                    s(&b)
                ),
            ));
        }
    }
    lines.sort_by_key(|x| (x.0, x.1));
    for (_, _, l) in lines {
        sam.push_str(&l);
        sam.push('\n');
    }
    sam.push_str("u1\t4\t*\t0\t0\t*\t*\t0\t0\tACGTACGT\tIIIIIIII\n");
    for (f, text) in [
        ("ref.fa", fasta),
        ("ref.fa.fai", fai),
        ("in.sam", sam),
        ("t.bed", bed),
    ] {
        std::fs::write(dir.join(f), text).expect("write");
    }
}

#[test]
#[cfg_attr(not(pp_have_samtools), ignore = "live: needs samtools")]
fn many_contigs_multi_reference_slices_equal_htslib_bam() {
    if !have("samtools") {
        return;
    }
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    write_many_contigs(d);
    let samtools = |args: &[&str]| {
        let st = Command::new("samtools")
            .current_dir(d)
            .args(args)
            .status()
            .expect("run samtools");
        assert!(st.success(), "samtools {args:?} failed");
    };
    // small slices: several containers, sparse contigs share multi-reference slices
    samtools(&[
        "view",
        "--no-PG",
        "-C",
        "-T",
        "ref.fa",
        "--output-fmt-option",
        "seqs_per_slice=300",
        "-o",
        "m.cram",
        "in.sam",
    ]);
    std::fs::create_dir(d.join("bam")).expect("mkdir");
    samtools(&[
        "view",
        "--no-PG",
        "-b",
        "-T",
        "ref.fa",
        "-o",
        "bam/m.bam",
        "m.cram",
    ]);
    for preset in [Preset::Mosdepth, Preset::PicardHs] {
        for threads in [1, 3] {
            let mut o = opts(preset, &d.join("ref.fa"));
            o.threads = threads;
            assert_same_outputs(
                &o,
                &d.join("bam/m.bam"),
                &d.join("m.cram"),
                &d.join("t.bed"),
            );
        }
    }
}
