//! The C ABI from C and C++: compiles `tests/c/api_test.c` (`-std=c99`) and
//! `tests/c/api_test.cpp` (`-std=c++11`) with `-Wall -Wextra -Werror -pedantic` against the
//! installed `include/panelprep.h`, links each once statically (the installed symbol-clean
//! `libpanelprep.a -lpthread -ldl -lm`, the README's command) and once dynamically
//! (`-lpanelprep` through the SONAME links with an rpath, and through the installed
//! `panelprep.pc`), runs them on generated inputs and checks their output against numbers
//! computed here. The programs' runs with every option given as JSON (`TRIM_JSON`,
//! `COVERAGE_JSON` in the C sources) must write the same reads and coverage files as the CLI
//! given the same flags (`TRIM_FLAGS`, `COVERAGE_FLAGS` here). `c_api/linking.rs` checks the
//! symbols, SONAME and symbol versions, links panelprep with htslib, and runs the C programs
//! under ASan and UBSan. The `*_valgrind` tests (ignored by default: slow) run every program
//! under valgrind memcheck as integrators would (`--leak-check=full --error-exitcode=1` with
//! the shipped `tests/c/panelprep.supp`): any memory error or leak fails.
//!
//! The libraries are built by this test (`cargo build --lib` with this test's profile and
//! target directory) and installed with `scripts/install-c-lib.sh` into
//! `<profile dir>/c-install`, so they are never stale. Skips, saying why, when no C compiler
//! is installed.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

mod linking;
mod vs_cli;

use vs_cli::{DEMO_PAIRS, compare_with_cli};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// What the generated inputs hold, to check the programs' numbers against.
struct Data {
    dir: tempfile::TempDir,
    /// Compressed byte range of corrupt.fq.gz's damaged member.
    corrupt_member: (u64, u64),
    se_records: u64,
    se_bases: u64,
    pairs: u64,
    pair_len: u64,
}

/// Where the freshly built libraries are: cargo's profile directory, and the prefix
/// `scripts/install-c-lib.sh` installed them into (header, symbol-clean static archive,
/// versioned shared library with its SONAME links, pkg-config file).
struct Libs {
    profile_dir: PathBuf,
    prefix: PathBuf,
}

impl Libs {
    fn lib_dir(&self) -> PathBuf {
        self.prefix.join("lib")
    }
    fn include_dir(&self) -> PathBuf {
        self.prefix.join("include")
    }
}

fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Builds `libpanelprep.a` and `libpanelprep.so` with the profile and target directory this
/// test binary was built with (…/<target-dir>[/<triple>]/<profile-dir>/deps/it-*).
fn libs() -> &'static Libs {
    static LIBS: OnceLock<Libs> = OnceLock::new();
    LIBS.get_or_init(|| {
        let exe = std::env::current_exe().unwrap();
        let profile_dir = exe.parent().unwrap().parent().unwrap().to_path_buf();
        let above = profile_dir.parent().unwrap();
        let (target_dir, triple) = if above.join("CACHEDIR.TAG").exists() {
            (above.to_path_buf(), None)
        } else {
            let triple = above.file_name().unwrap().to_string_lossy().into_owned();
            (above.parent().unwrap().to_path_buf(), Some(triple))
        };
        let profile = match profile_dir.file_name().unwrap().to_str().unwrap() {
            "debug" => "dev".to_string(),
            other => other.to_string(),
        };
        let mut cmd = Command::new(env!("CARGO"));
        cmd.args(["build", "--lib", "--manifest-path"])
            .arg(Path::new(ROOT).join("Cargo.toml"))
            .arg("--target-dir")
            .arg(&target_dir)
            .args(["--profile", &profile]);
        if let Some(t) = triple {
            cmd.args(["--target", &t]);
        }
        let out = cmd.output().expect("run cargo build --lib");
        assert!(
            out.status.success(),
            "cargo build --lib failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        for lib in ["libpanelprep.a", "libpanelprep.so"] {
            assert!(
                profile_dir.join(lib).exists(),
                "{lib} not built in {profile_dir:?}"
            );
        }
        let prefix = profile_dir.join("c-install");
        let _ = std::fs::remove_dir_all(&prefix);
        let out = Command::new(Path::new(ROOT).join("scripts/install-c-lib.sh"))
            .arg(&prefix)
            .arg(&profile_dir)
            .output()
            .expect("run scripts/install-c-lib.sh");
        check_output("scripts/install-c-lib.sh", &out);
        Libs {
            profile_dir,
            prefix,
        }
    })
}

/// Deterministic test reads: `n` records named `{prefix}{i}{suffix}`, lengths from `len`.
fn reads(n: u64, prefix: &str, suffix: &str, len: impl Fn(u64) -> u64) -> (Vec<u8>, u64) {
    let mut state = 0x2545_f491_4f6c_dd1d_u64 ^ n ^ prefix.len() as u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let (mut v, mut bases) = (Vec::new(), 0);
    for i in 0..n {
        let l = len(i);
        bases += l;
        writeln!(v, "@{prefix}{i}{suffix} test read").unwrap();
        v.extend((0..l).map(|_| b"ACGTN"[(next() % 5) as usize]));
        v.extend_from_slice(b"\n+\n");
        v.extend((0..l).map(|_| b'!' + (next() % 41) as u8));
        v.push(b'\n');
    }
    (v, bases)
}

fn gzip_members(parts: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    for p in parts {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
        e.write_all(p).unwrap();
        out.extend(e.finish().unwrap());
    }
    out
}

fn data() -> &'static Data {
    static DATA: OnceLock<Data> = OnceLock::new();
    DATA.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let w = |name: &str, bytes: &[u8]| std::fs::write(dir.path().join(name), bytes).unwrap();
        let se_records = 2000;
        let (se, se_bases) = reads(se_records, "r", "", |i| 1 + (i * 37) % 150);
        w("se.fq", &se);
        // Two gzip members, cut at a record boundary, as concatenated gzip files are.
        let cut = se
            .windows(2)
            .enumerate()
            .skip(se.len() / 2)
            .find(|(_, w)| w == b"\n@")
            .unwrap()
            .0
            + 1;
        w("se.fq.gz", &gzip_members(&[&se[..cut], &se[cut..]]));
        let (pairs, pair_len) = (3000, 100);
        let (r1, _) = reads(pairs, "p", "/1", |_| pair_len);
        let (r2, _) = reads(pairs, "p", "/2", |_| pair_len);
        w("r1.fq.gz", &gzip_members(&[&r1]));
        w("r2.fq.gz", &gzip_members(&[&r2]));
        // The second gzip member of se.fq.gz with its deflate data damaged: the error's byte
        // offset is a compressed offset inside that member (where decoding failed).
        let first = gzip_members(&[&se[..cut]]);
        let mut second = gzip_members(&[&se[cut..]]);
        for b in &mut second[20..60] {
            *b = !*b;
        }
        let corrupt_member = (first.len() as u64, (first.len() + second.len()) as u64);
        w("corrupt.fq.gz", &[first, second].concat());
        // Record 3 (line 12) has 4 bases and 3 qualities.
        w(
            "bad.fq",
            b"@a\nACGT\n+\nIIII\n@b\nACGT\n+\nIIII\n@c\nACGT\n+\nIII\n@d\nA\n+\nI\n",
        );
        Data {
            dir,
            corrupt_member,
            se_records,
            se_bases,
            pairs,
            pair_len,
        }
    })
}

/// A private copy of the inputs for one program run (runs write outputs beside them).
fn run_dir(name: &str) -> PathBuf {
    let d = data().dir.path().join(format!("run-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    for f in [
        "se.fq",
        "se.fq.gz",
        "r1.fq.gz",
        "r2.fq.gz",
        "bad.fq",
        "corrupt.fq.gz",
    ] {
        std::fs::copy(data().dir.path().join(f), d.join(f)).unwrap();
    }
    // Reads with adapters and good qualities, for the runs with trimming options.
    for f in ["demo_R1.fq.gz", "demo_R2.fq.gz"] {
        std::fs::copy(Path::new(ROOT).join("tests/data").join(f), d.join(f)).unwrap();
    }
    // A real exome BAM (with its BAI) and targets for the coverage calls, when the shared
    // public data is there (copied into the run directory, never into the repository).
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/public/cnvkit");
    let bam = shared.join("na12878-chrM-Y-trunc.from_cram.bam");
    if bam.exists() {
        std::fs::copy(&bam, d.join("panel.bam")).unwrap();
        std::fs::copy(bam.with_extension("bam.bai"), d.join("panel.bam.bai")).unwrap();
        std::fs::copy(shared.join("my-targets.bed"), d.join("panel.bed")).unwrap();
    } else {
        eprintln!("coverage calls skipped: {} is absent", bam.display());
    }
    d
}

/// The panel mean depth the Rust API computes for the run directory's BAM, as the C program
/// prints it, or `None` without the shared data.
fn expected_coverage_line(d: &Path) -> Option<String> {
    let bam = d.join("panel.bam");
    if !bam.exists() {
        return None;
    }
    let opts = panelprep::coverage::Preset::Mosdepth.options();
    let r = panelprep::coverage::run(&opts, &bam, &d.join("panel.bed")).unwrap();
    Some(format!(
        "coverage_mean={:.6}\n{}",
        r.panel.mean_target_coverage,
        r.warnings.len()
    ))
}

/// `MAJOR * 10000 + MINOR * 100 + PATCH` of this crate, computed here from Cargo's parts.
fn version_number() -> u32 {
    let part = |p: &str| p.parse::<u32>().unwrap();
    part(env!("CARGO_PKG_VERSION_MAJOR")) * 10000
        + part(env!("CARGO_PKG_VERSION_MINOR")) * 100
        + part(env!("CARGO_PKG_VERSION_PATCH"))
}

#[derive(Clone, Copy, PartialEq)]
enum Lang {
    C,
    Cpp,
}

#[derive(Clone, Copy, PartialEq)]
enum Link {
    Static,
    Dynamic,
    PkgConfig,
}

impl Lang {
    fn compiler(self) -> &'static str {
        match self {
            Lang::C => "cc",
            Lang::Cpp => "c++",
        }
    }
    fn std_flag(self) -> &'static str {
        match self {
            Lang::C => "-std=c99",
            Lang::Cpp => "-std=c++11",
        }
    }
    fn source(self) -> PathBuf {
        Path::new(ROOT).join(match self {
            Lang::C => "tests/c/api_test.c",
            Lang::Cpp => "tests/c/api_test.cpp",
        })
    }
}

fn check_output(what: &str, out: &Output) {
    assert!(
        out.status.success(),
        "{what} failed ({}):\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `pkg-config --cflags --libs panelprep` with the `.pc` that `scripts/install-c-lib.sh`
/// made from `panelprep.pc.in`.
fn pkg_config_flags() -> Vec<String> {
    let pc_dir = libs().lib_dir().join("pkgconfig");
    let out = Command::new("pkg-config")
        .args(["--cflags", "--libs", "panelprep"])
        .env("PKG_CONFIG_PATH", &pc_dir)
        .output()
        .expect("run pkg-config");
    check_output("pkg-config", &out);
    let version = Command::new("pkg-config")
        .args(["--modversion", "panelprep"])
        .env("PKG_CONFIG_PATH", &pc_dir)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&version.stdout).trim(),
        env!("CARGO_PKG_VERSION")
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .map(String::from)
        .collect()
}

/// Compiles and links one program; returns its path.
fn build(lang: Lang, link: Link, work: &Path, extra: &[&str]) -> PathBuf {
    let exe = work.join(match lang {
        Lang::C => "api_test",
        Lang::Cpp => "api_test_cpp",
    });
    let mut cmd = Command::new(lang.compiler());
    cmd.args([
        lang.std_flag(),
        "-Wall",
        "-Wextra",
        "-Werror",
        "-pedantic",
        "-g",
    ])
    .args(extra);
    let libs = libs();
    match link {
        Link::Static => {
            // The README's command: header directory, the archive, three system libraries.
            cmd.arg("-I")
                .arg(libs.include_dir())
                .arg(lang.source())
                .arg(libs.lib_dir().join("libpanelprep.a"))
                .args(["-lpthread", "-ldl", "-lm"]);
        }
        Link::Dynamic => {
            cmd.arg("-I")
                .arg(libs.include_dir())
                .arg(lang.source())
                .arg(format!("-L{}", libs.lib_dir().display()))
                .arg("-lpanelprep")
                .arg(format!("-Wl,-rpath,{}", libs.lib_dir().display()));
        }
        Link::PkgConfig => {
            cmd.arg(lang.source())
                .args(pkg_config_flags())
                .arg(format!("-Wl,-rpath,{}", libs.lib_dir().display()));
        }
    }
    let out = cmd.arg("-o").arg(&exe).output().expect("run the compiler");
    check_output(&format!("compiling {:?}", lang.source()), &out);
    exe
}

/// True when the executable loads `libpanelprep.so` (per `ldd`), `None` without `ldd`.
fn loads_shared_lib(exe: &Path) -> Option<bool> {
    let out = Command::new("ldd").arg(exe).output().ok()?;
    Some(String::from_utf8_lossy(&out.stdout).contains("libpanelprep.so"))
}

/// The `key=value` pairs of the program's line starting with `name `.
fn fields(stdout: &str, name: &str) -> std::collections::HashMap<String, u64> {
    let line = stdout
        .lines()
        .find(|l| l.starts_with(&format!("{name} ")))
        .unwrap_or_else(|| panic!("no line {name:?} in:\n{stdout}"));
    line.split_whitespace()
        .skip(1)
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.parse().unwrap()))
        .collect()
}

/// A report line: exact input numbers; output numbers no larger (trimming and filtering may
/// remove reads and bases; the C program checks that streaming and file mode agree on them).
fn check_report(stdout: &str, name: &str, reads: u64, bases: u64, paired: bool) {
    let f = fields(stdout, name);
    assert_eq!(f["reads_in"], reads, "{name}");
    assert_eq!(f["bases_in"], bases, "{name}");
    assert!(
        f["reads_out"] > 0 && f["reads_out"] <= reads,
        "{name}: {f:?}"
    );
    assert!(
        f["bases_out"] > 0 && f["bases_out"] <= bases,
        "{name}: {f:?}"
    );
    assert_eq!(f["paired"], u64::from(paired), "{name}");
}

fn expect_lines(lang: Lang, stdout: &str) {
    let d = data();
    let pe_reads = 2 * d.pairs;
    let pe_bases = pe_reads * d.pair_len;
    let want: Vec<String> = match lang {
        Lang::C => {
            let se = |n: &str| check_report(stdout, n, d.se_records, d.se_bases, false);
            let pe = |n: &str| check_report(stdout, n, pe_reads, pe_bases, true);
            se("file_se");
            pe("file_pe");
            pe("file_interleaved");
            for n in ["stream_se", "stream_se_gz"] {
                se(&format!("{n}_file"));
                se(&format!("{n}_stream"));
            }
            pe("stream_pe_file");
            pe("stream_pe_stream");
            assert_eq!(
                fields(stdout, "json_se")["reads_in"],
                DEMO_PAIRS,
                "{stdout}"
            );
            assert_eq!(
                fields(stdout, "json_pe")["reads_in"],
                2 * DEMO_PAIRS,
                "{stdout}"
            );
            assert_eq!(stdout.matches("identical=1").count(), 5, "{stdout}");
            let offset = fields(stdout, "corrupt_location")["byte_offset"];
            let (start, end) = d.corrupt_member;
            assert!(
                (start..end).contains(&offset),
                "corrupt data reported at {offset}, outside the damaged member {start}..{end}"
            );
            vec![
                format!("version={}", env!("CARGO_PKG_VERSION")),
                format!("version_number={}", version_number()),
                "null_arguments=ok".into(),
                format!("validate_records={}", d.se_records),
                "stream_se_out1_bytes=".into(),
                "stream_se_gz_out1_bytes=".into(),
                "stream_pe_out1_bytes=".into(),
                "stream_pe_out2_bytes=".into(),
                "does_not_exist.fq: open failed".into(),
                "bad.fq, record 3, line 12: sequence has 4 bases but quality has 3".into(),
                "malformed_location file=bad.fq record=3 line=12 byte_offset=".into(),
                "status_str_200=malformed FASTQ input".into(),
                "stream_json_out1_bytes=".into(),
                "bad_value_message=invalid option: key \"umi_len\" = 0: --umi_len is required"
                    .into(),
                "errors=ok".into(),
                "reentrant_status=104".into(),
                "stream_cancelled_after_pushes=".into(),
                "cancellation=ok".into(),
                "pull_se same=1".into(),
                "pull_pe same=1".into(),
                "pull_mode=ok".into(),
                "fd_input=ok".into(),
                "byte_paths=ok".into(),
                "observability=ok".into(),
                "pool=ok".into(),
                "read_results=ok".into(),
                "log_first_info=".into(),
            ]
        }
        Lang::Cpp => vec![
            format!("cpp_version={}", env!("CARGO_PKG_VERSION")),
            format!("cpp_file_pe reads_in={pe_reads}"),
            "cpp_stream_pe identical=1".into(),
            format!("cpp_json_pe reads_in={}", 2 * DEMO_PAIRS),
            "cpp_errors=ok".into(),
            "cpp_cancellation=ok".into(),
        ],
    };
    for w in want {
        assert!(stdout.contains(&w), "output lacks {w:?}:\n{stdout}");
    }
    // Every streamed output equals the file-mode output.
    assert!(!stdout.contains("identical=0"), "{stdout}");
    assert!(stdout.trim_end().ends_with("ALL PASSED"), "{stdout}");
}

/// True when `tool` is there; otherwise prints why the test is skipped, or fails it when
/// `PANELPREP_REQUIRE_PEERS=1` (CI, where every tool must be installed).
fn require(tool: &str, test: &str) -> bool {
    if have(tool) {
        return true;
    }
    assert!(
        std::env::var("PANELPREP_REQUIRE_PEERS").as_deref() != Ok("1"),
        "{test}: {tool} is not installed and PANELPREP_REQUIRE_PEERS=1"
    );
    eprintln!("SKIP: {test}: {tool} is not installed");
    false
}

/// The program's own checks and the harness's checks of its output lines (numbers, and for C
/// the coverage line and the CLI comparison).
fn check_run(lang: Lang, name: &str, work: &Path, out: &Output) {
    check_output(name, out);
    expect_lines(lang, &String::from_utf8_lossy(&out.stdout));
    if lang == Lang::C {
        let stdout = String::from_utf8_lossy(&out.stdout);
        match expected_coverage_line(work) {
            Some(lines) => {
                let (line, warnings) = lines.split_once('\n').unwrap();
                assert!(stdout.contains(line), "{name}: wants {line:?}:\n{stdout}");
                // Every warning of the report reached the log callback.
                let logged = format!("coverage_log_warnings={warnings}\n");
                assert!(
                    stdout.contains(&logged),
                    "{name}: wants {logged:?}:\n{stdout}"
                );
            }
            None => assert!(stdout.contains("coverage=skipped"), "{stdout}"),
        }
        if !stdout.contains("coverage=skipped") {
            assert!(stdout.contains("coverage_cancel=ok"), "{stdout}");
        }
        assert!(stdout.contains("coverage_errors=ok"), "{stdout}");
    }
    compare_with_cli(lang, work);
}

fn exercise(lang: Lang, link: Link, name: &str) {
    if !have(lang.compiler()) {
        eprintln!("skipping {name}: no {} compiler on PATH", lang.compiler());
        return;
    }
    if link == Link::PkgConfig && !have("pkg-config") {
        eprintln!("skipping {name}: pkg-config is not installed");
        return;
    }
    let work = run_dir(name);
    let exe = build(lang, link, &work, &[]);
    if let Some(shared) = loads_shared_lib(&exe) {
        assert_eq!(
            shared,
            link != Link::Static,
            "{name}: linked against the wrong library kind"
        );
    }
    let out = Command::new(&exe).arg(&work).output().unwrap();
    check_run(lang, name, &work, &out);
}

/// `valgrind` as integrators run it: every leak kind valgrind counts as an error by default
/// (definite and possible) fails, with the shipped suppression file `tests/c/panelprep.supp`
/// for the runtime's one-time allocations.
fn valgrind() -> Command {
    let mut c = Command::new("valgrind");
    c.arg("--leak-check=full")
        .arg("--error-exitcode=1")
        .arg(format!(
            "--suppressions={}",
            Path::new(ROOT).join("tests/c/panelprep.supp").display()
        ));
    c
}

/// Builds the program and runs it under valgrind memcheck with the suppression file: no
/// memory error, no leak (definite, indirect or possible), same output checks as a plain run.
fn exercise_valgrind(lang: Lang, link: Link, name: &str) {
    if !have(lang.compiler()) || !require("valgrind", name) {
        return;
    }
    let work = run_dir(name);
    let exe = build(lang, link, &work, &[]);
    let out = valgrind().arg(&exe).arg(&work).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    check_output(&format!("{name} under valgrind"), &out);
    assert!(
        stderr.contains("ERROR SUMMARY: 0 errors"),
        "{name}: valgrind reported errors:\n{stderr}"
    );
    check_run(lang, name, &work, &out);
}

#[test]
fn c_static() {
    exercise(Lang::C, Link::Static, "c-static");
}

#[test]
fn c_dynamic() {
    exercise(Lang::C, Link::Dynamic, "c-dynamic");
}

#[test]
fn c_pkg_config() {
    exercise(Lang::C, Link::PkgConfig, "c-pkg-config");
}

#[test]
fn cpp_static() {
    exercise(Lang::Cpp, Link::Static, "cpp-static");
}

#[test]
fn cpp_dynamic() {
    exercise(Lang::Cpp, Link::Dynamic, "cpp-dynamic");
}

#[test]
#[ignore = "slow: valgrind (full suite: cargo test -- --include-ignored)"]
fn c_static_valgrind() {
    exercise_valgrind(Lang::C, Link::Static, "c-static-valgrind");
}

#[test]
#[ignore = "slow: valgrind (full suite: cargo test -- --include-ignored)"]
fn c_dynamic_valgrind() {
    exercise_valgrind(Lang::C, Link::Dynamic, "c-dynamic-valgrind");
}

#[test]
#[ignore = "slow: valgrind (full suite: cargo test -- --include-ignored)"]
fn cpp_static_valgrind() {
    exercise_valgrind(Lang::Cpp, Link::Static, "cpp-static-valgrind");
}

#[test]
#[ignore = "slow: valgrind (full suite: cargo test -- --include-ignored)"]
fn cpp_dynamic_valgrind() {
    exercise_valgrind(Lang::Cpp, Link::Dynamic, "cpp-dynamic-valgrind");
}

/// The header alone compiles cleanly as C99 and C++11, and with strict warnings as a second
/// include (include guard).
#[test]
fn header_compiles_standalone() {
    let work = tempfile::tempdir().unwrap();
    let src = "#include \"panelprep.h\"\n#include \"panelprep.h\"\n\
               int main(void) { pp_status s = PP_STATUS_OK; return (int)s + PP_VERSION_MAJOR * 0; }\n";
    for (lang, file) in [(Lang::C, "h.c"), (Lang::Cpp, "h.cpp")] {
        if !have(lang.compiler()) {
            eprintln!("skipping {file}: no {} compiler on PATH", lang.compiler());
            continue;
        }
        std::fs::write(work.path().join(file), src).unwrap();
        let out = Command::new(lang.compiler())
            .args([
                lang.std_flag(),
                "-Wall",
                "-Wextra",
                "-Werror",
                "-pedantic",
                "-c",
                "-I",
            ])
            .arg(Path::new(ROOT).join("include"))
            .arg(work.path().join(file))
            .arg("-o")
            .arg(work.path().join(format!("{file}.o")))
            .output()
            .unwrap();
        check_output(&format!("compiling the header as {file}"), &out);
    }
}

/// The README's "Using from C" example, built with the README's command (static library),
/// runs, and its file-mode and streamed outputs are byte-identical BGZF holding the input.
#[test]
fn readme_example() {
    run_readme_example(false);
}

#[test]
#[ignore = "slow: valgrind (full suite: cargo test -- --include-ignored)"]
fn readme_example_valgrind() {
    if require("valgrind", "readme_example_valgrind") {
        run_readme_example(true);
    }
}

fn run_readme_example(under_valgrind: bool) {
    if !have("cc") {
        eprintln!("skipping readme_example: no cc on PATH");
        return;
    }
    let work = run_dir(if under_valgrind {
        "readme-example-valgrind"
    } else {
        "readme-example"
    });
    let exe = work.join("panelprep_example");
    let out = Command::new("cc")
        .args(["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-I"])
        .arg(libs().include_dir())
        .arg(Path::new(ROOT).join("examples/c/panelprep_example.c"))
        .arg(libs().lib_dir().join("libpanelprep.a"))
        .args(["-lpthread", "-ldl", "-lm", "-o"])
        .arg(&exe)
        .output()
        .unwrap();
    check_output("compiling the example", &out);
    let (a, b) = (work.join("file.fq.gz"), work.join("stream.fq.gz"));
    let mut cmd = if under_valgrind {
        let mut c = valgrind();
        c.arg(&exe);
        c
    } else {
        Command::new(&exe)
    };
    let out = cmd
        .arg(work.join("se.fq.gz"))
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap();
    check_output("the example", &out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let n = data().se_records;
    assert!(
        stdout.contains(&format!("file mode: {n} reads in")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("streaming: {n} reads in")),
        "{stdout}"
    );
    let (fa, fb) = (std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    assert!(fa == fb, "file-mode and streamed outputs differ");
    let mut plain = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::MultiGzDecoder::new(&fa[..]), &mut plain)
        .unwrap();
    // Default options trim and filter like fastp: every record written is a record of the
    // input, possibly shortened at its 3' end (these generated reads have no UMI or 5' trim).
    let input = std::fs::read(work.join("se.fq")).unwrap();
    let titles = |b: &[u8]| {
        b.split(|&c| c == b'\n')
            .step_by(4)
            .filter(|l| !l.is_empty())
            .map(<[u8]>::to_vec)
            .collect::<Vec<_>>()
    };
    let (tin, tout) = (titles(&input), titles(&plain));
    assert!(!tout.is_empty() && tout.len() <= tin.len());
    assert!(
        tout.iter().all(|t| tin.contains(t)),
        "output holds a title that is not in the input"
    );
    // The error path: status text, message and structured location on stderr, no output.
    let out = Command::new(&exe)
        .arg(work.join("bad.fq"))
        .arg(work.join("bad-file.fq.gz"))
        .arg(work.join("bad-stream.fq.gz"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("pp_run_se failed: malformed FASTQ input (200): ")
            && stderr.contains("bad.fq, record 3, line 12")
            && stderr.contains("bad.fq, record 3, line 12\n"),
        "{stderr}"
    );
    assert!(!work.join("bad-file.fq.gz").exists());
}

/// The README's pull-mode example (`examples/c/pull_example.c`), built with the README's
/// command: file mode from a file descriptor and a pull-mode session write identical bytes.
#[test]
fn readme_pull_example() {
    if !have("cc") {
        eprintln!("skipping readme_pull_example: no cc on PATH");
        return;
    }
    let work = run_dir("readme-pull-example");
    let exe = work.join("pull_example");
    let out = Command::new("cc")
        .args(["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-I"])
        .arg(libs().include_dir())
        .arg(Path::new(ROOT).join("examples/c/pull_example.c"))
        .arg(libs().lib_dir().join("libpanelprep.a"))
        .args(["-lpthread", "-ldl", "-lm", "-o"])
        .arg(&exe)
        .output()
        .unwrap();
    check_output("compiling the pull example", &out);
    let (a, b) = (work.join("file.fq"), work.join("pulled.fq"));
    let out = Command::new(&exe)
        .arg(work.join("se.fq.gz"))
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap();
    check_output("the pull example", &out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let n = data().se_records;
    for line in [
        format!("file mode: {n} reads in"),
        format!("pulled: {n} reads in"),
    ] {
        assert!(stdout.contains(&line), "{stdout}");
    }
    let (fa, fb) = (std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    assert!(
        !fa.is_empty() && fa == fb,
        "file-mode and pulled outputs differ"
    );
}

/// Every C block of the README marked `<!-- excerpt: FILE -->` is copied verbatim from FILE, a
/// program the tests compile and run.
#[test]
fn readme_excerpts_are_compiled_code() {
    let readme = std::fs::read_to_string(Path::new(ROOT).join("README.md")).unwrap();
    let mut found = 0;
    for part in readme.split("<!-- excerpt: ").skip(1) {
        let (file, rest) = part.split_once(" -->").unwrap();
        let body = rest
            .split_once("```c\n")
            .and_then(|(_, b)| b.split_once("```"))
            .map(|(b, _)| b)
            .unwrap();
        let source = std::fs::read_to_string(Path::new(ROOT).join(file)).unwrap();
        assert!(
            source.contains(body),
            "README excerpt is not in {file}:\n{body}"
        );
        found += 1;
    }
    assert!(
        found >= 3,
        "README lacks the pull-mode and observability excerpts"
    );
}

/// The README's observability example (`examples/c/observe_example.c`): two sessions on one
/// shared pool, the detected adapter through the log callback, counters through the
/// statistics callback and `pp_stream_stats`.
#[test]
fn readme_observe_example() {
    if !have("cc") {
        eprintln!("skipping readme_observe_example: no cc on PATH");
        return;
    }
    let work = run_dir("readme-observe-example");
    let exe = work.join("observe_example");
    let out = Command::new("cc")
        .args(["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-I"])
        .arg(libs().include_dir())
        .arg(Path::new(ROOT).join("examples/c/observe_example.c"))
        .arg(libs().lib_dir().join("libpanelprep.a"))
        .args(["-lpthread", "-ldl", "-lm", "-o"])
        .arg(&exe)
        .output()
        .unwrap();
    check_output("compiling the observe example", &out);
    let out = Command::new(&exe)
        .arg(work.join("demo_R1.fq.gz"))
        .output()
        .unwrap();
    check_output("the observe example", &out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    // One detection message per session, on the caller's thread, and equal counters.
    assert_eq!(
        stdout
            .matches("read 1 adapter detected: AGATCGGAAGAGC")
            .count(),
        2,
        "{stdout}"
    );
    let counts: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("session "))
        .map(|l| l.split_once(": ").unwrap().1)
        .collect();
    assert!(counts.len() == 2 && counts[0] == counts[1], "{stdout}");
    let out_records = counts[0]
        .split(", ")
        .nth(1)
        .unwrap()
        .trim_end_matches(" out");
    assert!(
        stdout.contains(&format!(
            "stats callback last saw {out_records} records out"
        )),
        "{stdout}"
    );
}
