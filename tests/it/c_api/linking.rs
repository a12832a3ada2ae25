//! What an integrator links: the installed static archive defines only `pp_` symbols (cargo's
//! own archive, as a control, defines thousands, libdeflate's among them); the shared library
//! has the SONAME `libpanelprep.so.MAJOR` and versioned symbols; a program linking panelprep
//! and htslib runs both, and its libdeflate is the system one; the C tests pass under
//! AddressSanitizer and UndefinedBehaviorSanitizer.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

use super::{
    Lang, Link, ROOT, build, check_output, check_run, have, libs, require, run_dir, valgrind,
};

/// Symbols an archive or object defines globally, from `nm -g --defined-only`.
fn defined_globals(file: &Path) -> Vec<String> {
    let out = Command::new("nm")
        .args(["-g", "--defined-only"])
        .arg(file)
        .output()
        .expect("run nm");
    check_output("nm", &out);
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            match (f.next(), f.next(), f.next()) {
                (Some(_), Some(_), Some(name)) => Some(name.to_string()),
                _ => None,
            }
        })
        .collect()
}

/// The functions `include/panelprep.h` declares.
fn header_functions() -> BTreeSet<String> {
    let header = std::fs::read_to_string(Path::new(ROOT).join("include/panelprep.h")).unwrap();
    header
        .lines()
        .filter(|l| !l.starts_with("//") && !l.starts_with(' ') && !l.starts_with("typedef"))
        .filter_map(|l| {
            let name = l[..l.find('(')?].rsplit([' ', '*']).next()?;
            name.starts_with("pp_").then(|| name.to_string())
        })
        .collect()
}

/// `pp_f@@PANELPREP_0.1` and `pp_f` both give `pp_f`.
fn base_name(symbol: &str) -> &str {
    symbol.split('@').next().unwrap_or(symbol)
}

/// Symbol versions are on where rustc links with rust-lld by default (see build.rs).
fn symbols_versioned() -> bool {
    cfg!(all(
        target_arch = "x86_64",
        target_os = "linux",
        target_env = "gnu"
    )) && std::env::var("PANELPREP_SYMVER").as_deref() != Ok("0")
}

#[test]
fn static_archive_defines_only_pp_symbols() {
    if !require("nm", "static_archive_defines_only_pp_symbols") {
        return;
    }
    let clean = defined_globals(&libs().lib_dir().join("libpanelprep.a"));
    let stray: Vec<&String> = clean.iter().filter(|s| !s.starts_with("pp_")).collect();
    assert!(stray.is_empty(), "non-pp_ global symbols: {stray:?}");
    let names: BTreeSet<String> = clean.iter().map(|s| base_name(s).to_string()).collect();
    assert_eq!(names, header_functions(), "the archive's pp_ symbols");
    // The control: cargo's archive exports the bundled libdeflate and Rust's symbols.
    let raw = defined_globals(&libs().profile_dir.join("libpanelprep.a"));
    assert!(
        raw.iter().any(|s| s == "libdeflate_alloc_compressor"),
        "cargo's archive no longer bundles libdeflate: this test checks nothing"
    );
    let raw_other = raw.iter().filter(|s| !s.starts_with("pp_")).count();
    eprintln!(
        "global symbols: cargo's archive {} ({raw_other} not pp_), installed archive {}",
        raw.len(),
        clean.len()
    );
}

#[test]
fn shared_library_soname_and_symbol_versions() {
    if !require("readelf", "shared_library_soname_and_symbol_versions") {
        return;
    }
    let lib_dir = libs().lib_dir();
    let major = env!("CARGO_PKG_VERSION_MAJOR");
    let soname = format!("libpanelprep.so.{major}");
    let full = format!("libpanelprep.so.{}", env!("CARGO_PKG_VERSION"));
    let readelf = |args: &[&str], file: &Path| -> String {
        let out = Command::new("readelf")
            .args(args)
            .arg(file)
            .output()
            .unwrap();
        check_output("readelf", &out);
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let dynamic = readelf(&["-dW"], &lib_dir.join(&full));
    assert!(
        dynamic.contains(&format!("Library soname: [{soname}]")),
        "{dynamic}"
    );
    for link in [soname.as_str(), "libpanelprep.so"] {
        assert_eq!(
            std::fs::read_link(lib_dir.join(link)).unwrap(),
            Path::new(&full),
            "{link}"
        );
    }
    // Exported: exactly the header's functions, each with the version node of the map.
    let syms = readelf(&["--dyn-syms", "-W"], &lib_dir.join(&full));
    let exported: Vec<&str> = syms
        .lines()
        .filter(|l| (l.contains(" GLOBAL ") || l.contains(" WEAK ")) && !l.contains(" UND "))
        .filter_map(|l| l.split_whitespace().nth(7))
        .collect();
    let names: BTreeSet<String> = exported.iter().map(|s| base_name(s).to_string()).collect();
    assert_eq!(names, header_functions(), "exported symbols");
    if !symbols_versioned() {
        eprintln!("symbol versions are off on this target (see build.rs)");
        return;
    }
    let unversioned: Vec<&&str> = exported
        .iter()
        .filter(|s| !s.ends_with("@@PANELPREP_0.1"))
        .collect();
    assert!(unversioned.is_empty(), "not versioned: {unversioned:?}");

    // A program linked against it records the version node it needs, and runs.
    if !have("cc") {
        return;
    }
    let work = run_dir("symbol-versions");
    std::fs::write(
        work.join("v.c"),
        "#include <stdio.h>\n#include \"panelprep.h\"\n\
         int main(void) { printf(\"%u %s\\n\", (unsigned)pp_version_number(), pp_version());\n\
         return pp_version_number() == PP_VERSION_NUMBER ? 0 : 1; }\n",
    )
    .unwrap();
    let exe = work.join("v");
    let out = Command::new("cc")
        .arg("-I")
        .arg(libs().include_dir())
        .arg(work.join("v.c"))
        .arg(format!("-L{}", lib_dir.display()))
        .arg("-lpanelprep")
        .arg(format!("-Wl,-rpath,{}", lib_dir.display()))
        .arg("-o")
        .arg(&exe)
        .output()
        .unwrap();
    check_output("compiling v.c", &out);
    let needs = readelf(&["-VW"], &exe);
    let ours = needs
        .split("File: ")
        .find(|s| s.starts_with(&soname))
        .unwrap_or_else(|| panic!("the program needs no {soname}:\n{needs}"));
    assert!(ours.contains("Name: PANELPREP_0.1"), "{needs}");
    let run = Command::new(&exe).output().unwrap();
    check_output("v", &run);
    assert_eq!(
        String::from_utf8_lossy(&run.stdout).trim(),
        format!("{} {}", super::version_number(), env!("CARGO_PKG_VERSION"))
    );
}

/// True when `cc` can build against htslib (libhts-dev); otherwise SKIP (or fail under
/// `PANELPREP_REQUIRE_PEERS=1`).
fn have_htslib(test: &str) -> bool {
    if !have("cc") {
        return false;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("h.c"),
        "#include <htslib/hts.h>\nint main(void) { return hts_version() == 0; }\n",
    )
    .unwrap();
    let ok = Command::new("cc")
        .arg(dir.path().join("h.c"))
        .arg("-lhts")
        .arg("-o")
        .arg(dir.path().join("h"))
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("PANELPREP_REQUIRE_PEERS").as_deref() != Ok("1"),
            "{test}: htslib (libhts-dev) is not installed and PANELPREP_REQUIRE_PEERS=1"
        );
        eprintln!("SKIP: {test}: htslib (libhts-dev) is not installed");
    }
    ok
}

/// Builds `tests/c/htslib_test.c` against `archive` and htslib.
fn build_htslib_test(archive: &Path, work: &Path, extra: &[&str]) -> std::path::PathBuf {
    let exe = work.join("htslib_test");
    let out = Command::new("cc")
        .args(["-std=c99", "-Wall", "-Wextra", "-Werror", "-g"])
        .args(extra)
        .arg("-I")
        .arg(libs().include_dir())
        .arg(Path::new(ROOT).join("tests/c/htslib_test.c"))
        .arg(archive)
        .args(["-lhts", "-lpthread", "-ldl", "-lm", "-o"])
        .arg(&exe)
        .output()
        .unwrap();
    check_output("compiling tests/c/htslib_test.c", &out);
    exe
}

/// The program's checks passed and its libdeflate came from where `want` says.
fn check_htslib_run(out: &Output, want_system_libdeflate: bool) {
    check_output("htslib_test", out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let records = super::data().se_records;
    assert!(
        stdout.contains(&format!("htslib_wrote={records}")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("panelprep reads_in={records}")),
        "{stdout}"
    );
    let from = stdout
        .lines()
        .find_map(|l| l.strip_prefix("libdeflate_from="))
        .unwrap_or_else(|| panic!("no libdeflate_from line:\n{stdout}"));
    assert_eq!(
        from.contains("libdeflate.so"),
        want_system_libdeflate,
        "libdeflate_* come from {from}"
    );
    assert!(stdout.trim_end().ends_with("ALL PASSED"), "{stdout}");
}

#[test]
fn with_htslib_in_one_program() {
    if !have_htslib("with_htslib_in_one_program") {
        return;
    }
    let work = run_dir("htslib");
    let exe = build_htslib_test(&libs().lib_dir().join("libpanelprep.a"), &work, &[]);
    let out = Command::new(&exe).arg(&work).output().unwrap();
    check_htslib_run(&out, true);
    // Nothing of ours in the program's dynamic symbol table for htslib to bind to.
    let dynsyms = Command::new("nm")
        .args(["-D", "--defined-only"])
        .arg(&exe)
        .output()
        .unwrap();
    let dynsyms = String::from_utf8_lossy(&dynsyms.stdout);
    assert!(!dynsyms.contains("libdeflate_"), "{dynsyms}");

    // The control: with cargo's archive the program's own copy of libdeflate takes the
    // system one's place, for htslib too.
    let control = run_dir("htslib-control");
    let exe = build_htslib_test(&libs().profile_dir.join("libpanelprep.a"), &control, &[]);
    let out = Command::new(&exe).arg(&control).output().unwrap();
    check_htslib_run(&out, false);
}

#[test]
#[ignore = "slow: valgrind (full suite: cargo test -- --include-ignored)"]
fn with_htslib_valgrind() {
    if !have_htslib("with_htslib_valgrind") || !require("valgrind", "with_htslib_valgrind") {
        return;
    }
    let work = run_dir("htslib-valgrind");
    let exe = build_htslib_test(&libs().lib_dir().join("libpanelprep.a"), &work, &[]);
    let out = valgrind().arg(&exe).arg(&work).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("ERROR SUMMARY: 0 errors"), "{stderr}");
    check_htslib_run(&out, true);
}

/// The C test program and the htslib program built with AddressSanitizer (leak checking on)
/// and UndefinedBehaviorSanitizer (any finding aborts), linked with the installed archive.
#[test]
fn c_sanitizers() {
    if !have("cc") {
        return;
    }
    let flags = [
        "-fsanitize=address,undefined",
        "-fno-sanitize-recover=all",
        "-fno-omit-frame-pointer",
    ];
    let work = run_dir("c-sanitizers");
    let exe = build(Lang::C, Link::Static, &work, &flags);
    let out = Command::new(&exe)
        .arg(&work)
        .env(
            "ASAN_OPTIONS",
            "detect_leaks=1:abort_on_error=0:exitcode=23",
        )
        .env("UBSAN_OPTIONS", "print_stacktrace=1")
        .output()
        .unwrap();
    check_run(Lang::C, "c-sanitizers", &work, &out);
    if have_htslib("c_sanitizers") {
        let work = run_dir("htslib-sanitizers");
        let exe = build_htslib_test(&libs().lib_dir().join("libpanelprep.a"), &work, &flags);
        let out = Command::new(&exe)
            .arg(&work)
            .env("ASAN_OPTIONS", "detect_leaks=1:exitcode=23")
            .output()
            .unwrap();
        check_htslib_run(&out, true);
    }
}
