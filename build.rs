//! Build script:
//! - makes the committed C header available to dependent build scripts
//!   (`DEP_PANELPREP_INCLUDE`) without running cbindgen (the header test checks it is fresh);
//! - gives the shared library its SONAME, `libpanelprep.so.MAJOR`;
//! - versions its symbols: `src/ffi/panelprep.map` (a GNU linker version script) names, for
//!   every `pp_` function, the version node of the release that introduced it. The script is
//!   passed to the linker of the cdylib, and `OUT_DIR/symver/<file>.rs` gets one
//!   `.symver pp_f, pp_f@@NODE, remove` directive per function of `src/ffi/<file>.rs`
//!   (included there through `symver::versions!` under `cfg(pp_symver)`), so that the objects
//!   define `pp_f@@NODE` only: the `.so` exports `pp_f@@NODE`, and a static link resolves a
//!   plain `pp_f` to it.
//!
//! Symbol versions need a linker that merges rustc's own (anonymous) version script with ours:
//! rust-lld does, GNU ld refuses ("anonymous version tag cannot be combined"). rustc links
//! with rust-lld by default on `x86_64-unknown-linux-gnu` since 1.90, so versioning is on
//! there; elsewhere (or with `PANELPREP_SYMVER=0`) the `.so` keeps its SONAME and exports
//! plain `pp_` names. `PANELPREP_SYMVER=1` forces it on (for a toolchain set up to link with
//! lld by other means).
//!
//! It also tells the tests which peer tools and data this machine has (`build/test_env.rs`).

use std::fmt::Write as _;
use std::path::Path;

#[path = "build/test_env.rs"]
mod test_env;

fn main() {
    test_env::detect();
    println!("cargo:rerun-if-changed=include/panelprep.h");
    println!("cargo:rerun-if-changed=src/ffi/panelprep.map");
    println!("cargo:rerun-if-env-changed=PANELPREP_SYMVER");
    println!("cargo::rustc-check-cfg=cfg(pp_symver)");
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    println!("cargo:include={manifest}/include");

    let env = |k: &str| std::env::var(k).unwrap_or_default();
    let elf = !matches!(
        env("CARGO_CFG_TARGET_OS").as_str(),
        "macos" | "ios" | "windows"
    ) && env("CARGO_CFG_TARGET_FAMILY") == "unix";
    if !elf {
        return;
    }
    let major = env("CARGO_PKG_VERSION_MAJOR");
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libpanelprep.so.{major}");

    let wanted = match env("PANELPREP_SYMVER").as_str() {
        "0" => false,
        "1" => true,
        _ => env("TARGET") == "x86_64-unknown-linux-gnu" && rustc_minor() >= Some(90),
    };
    if !wanted {
        return;
    }
    let map_path = Path::new(&manifest).join("src/ffi/panelprep.map");
    let Ok(map) = std::fs::read_to_string(&map_path) else {
        println!(
            "cargo:warning=cannot read {}: symbols stay unversioned",
            map_path.display()
        );
        return;
    };
    let nodes = version_nodes(&map);
    // `.symver` must sit in the object that defines the symbol: one file of directives per
    // module of `src/ffi`, included by that module (rustc keeps a module's items and its
    // `global_asm!` in one codegen unit).
    let out_dir = Path::new(&env("OUT_DIR")).join("symver");
    let ffi = Path::new(&manifest).join("src/ffi");
    let Ok(files) = std::fs::read_dir(&ffi) else {
        println!(
            "cargo:warning=cannot list {}: symbols stay unversioned",
            ffi.display()
        );
        return;
    };
    let _ = std::fs::create_dir_all(&out_dir);
    for file in files.flatten() {
        let path = file.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        println!("cargo:rerun-if-changed={}", path.display());
        let source = std::fs::read_to_string(&path).unwrap_or_default();
        let mut asm = String::new();
        for name in exported_functions(&source) {
            match nodes.iter().find(|(_, s)| *s == name) {
                Some((node, _)) => {
                    let _ = writeln!(asm, "    \".symver {name}, {name}@@{node}, remove\",");
                }
                None => println!(
                    "cargo:warning={name} is not in src/ffi/panelprep.map: it stays unversioned"
                ),
            }
        }
        let text = if asm.is_empty() {
            String::new()
        } else {
            format!("std::arch::global_asm!(\n{asm});\n")
        };
        let target = out_dir.join(path.file_name().unwrap_or_default());
        if std::fs::write(&target, text).is_err() {
            println!(
                "cargo:warning=cannot write {}: symbols stay unversioned",
                target.display()
            );
            return;
        }
    }
    println!("cargo:rustc-cfg=pp_symver");
    println!(
        "cargo:rustc-cdylib-link-arg=-Wl,--version-script={}",
        map_path.display()
    );
}

/// The `pp_` functions a source file defines for C (`pub extern "C" fn pp_name(`).
fn exported_functions(source: &str) -> Vec<String> {
    source
        .match_indices("pub extern \"C\" fn pp_")
        .filter_map(|(at, m)| {
            let rest = &source[at + m.len() - 3..];
            let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
            Some(rest[..end].to_string())
        })
        .collect()
}

/// The minor version of the compiler building us (`rustc 1.95.0 ...` gives 95).
fn rustc_minor() -> Option<u32> {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let out = std::process::Command::new(rustc)
        .arg("--version")
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let version = text.split_whitespace().nth(1)?;
    version.split('.').nth(1)?.parse().ok()
}

/// `(node, symbol)` for every symbol listed under `global:` in a version script such as
/// `PANELPREP_0.1 { global: pp_a; pp_b; local: *; };` (comments `/* */` and `#` lines skipped).
fn version_nodes(map: &str) -> Vec<(String, String)> {
    let mut text = String::new();
    let mut rest = map;
    while let Some(start) = rest.find("/*") {
        text.push_str(&rest[..start]);
        rest = rest[start..]
            .find("*/")
            .map_or("", |end| &rest[start + end + 2..]);
    }
    text.push_str(rest);
    let text: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = Vec::new();
    let mut rest = text.as_str();
    while let (Some(open), Some(close)) = (rest.find('{'), rest.find('}')) {
        if close < open {
            break;
        }
        // `[} PARENT;] NODE {`: the node is the last word before the brace.
        let node = rest[..open]
            .split(|c: char| c.is_whitespace() || c == ';')
            .rfind(|t| !t.is_empty())
            .unwrap_or_default()
            .to_string();
        let mut global = false;
        for token in rest[open + 1..close]
            .split(|c: char| c.is_whitespace() || c == ';')
            .filter(|t| !t.is_empty())
        {
            match token {
                "global:" => global = true,
                "local:" => global = false,
                t if global && t.starts_with("pp_") => out.push((node.clone(), t.to_string())),
                _ => {}
            }
        }
        rest = &rest[close + 1..];
    }
    out
}
