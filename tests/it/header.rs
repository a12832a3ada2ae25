//! `include/panelprep.h` is what cbindgen generates from the current source: a stale header
//! fails. Regenerate with `PANELPREP_BLESS=1 cargo test --test it header::`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

fn generate() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(root.join("cbindgen.toml")).expect("cbindgen.toml");
    let bindings = cbindgen::Builder::new()
        .with_src(root.join("src/ffi/mod.rs"))
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header");
    let mut fresh = Vec::new();
    bindings.write(&mut fresh);
    String::from_utf8(fresh).expect("utf-8 header")
}

#[test]
fn committed_header_is_up_to_date() {
    let fresh = generate();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("include/panelprep.h");
    if std::env::var_os("PANELPREP_BLESS").is_some() {
        std::fs::write(&path, &fresh).expect("write header");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "include/panelprep.h is stale: regenerate it with PANELPREP_BLESS=1 cargo test --test it header::"
    );
    for item in [
        "#ifndef PANELPREP_H",
        "#ifdef __cplusplus",
        "extern \"C\"",
        "pp_version",
        "pp_last_error_message",
        "PP_STATUS_OK = 0",
        "PP_STATUS_CANCELLED = 400",
        "typedef struct pp_options pp_options;",
        "pp_stream_push",
        "pp_string_free",
        "pp_status_str",
        "pp_last_error_location",
        "pp_version_number",
        "#define PP_VERSION_NUMBER (PP_VERSION_MAJOR * 10000 + PP_VERSION_MINOR * 100 + PP_VERSION_PATCH)",
    ] {
        assert!(fresh.contains(item), "header lacks {item}");
    }
}

#[test]
fn version_macros_match_cargo_toml() {
    let header = generate();
    for (name, want) in [
        ("PP_VERSION_MAJOR", env!("CARGO_PKG_VERSION_MAJOR")),
        ("PP_VERSION_MINOR", env!("CARGO_PKG_VERSION_MINOR")),
        ("PP_VERSION_PATCH", env!("CARGO_PKG_VERSION_PATCH")),
    ] {
        let def = format!("#define {name} ");
        let line = header
            .lines()
            .find(|l| l.starts_with(&def))
            .unwrap_or_else(|| panic!("header lacks {name}"));
        let got = line[def.len()..].trim();
        assert_eq!(
            got, want,
            "{name} is {got} but Cargo.toml says {want}: update after_includes in cbindgen.toml"
        );
    }
}

/// Every function and type in the header carries a comment: the line before each declaration
/// is a comment line.
#[test]
fn every_declaration_is_documented() {
    let header = generate();
    let lines: Vec<&str> = header.lines().collect();
    for (i, l) in lines.iter().enumerate() {
        let decl = l.starts_with("pp_status pp_")
            || l.starts_with("void pp_")
            || l.starts_with("const char *pp_")
            || l.starts_with("typedef ");
        if decl {
            let prev = lines[..i].iter().rev().find(|p| !p.trim().is_empty());
            assert!(
                prev.is_some_and(|p| p.trim_start().starts_with("//")),
                "undocumented declaration: {l}"
            );
        }
    }
}

/// The names of the functions the header declares (`pp_name(` at the start of a prototype).
fn header_functions(header: &str) -> std::collections::BTreeSet<String> {
    header
        .lines()
        .filter(|l| !l.starts_with("//") && !l.starts_with(' ') && !l.starts_with("typedef"))
        .filter_map(|l| {
            let open = l.find('(')?;
            let name = l[..open].rsplit([' ', '*']).next()?;
            name.starts_with("pp_").then(|| name.to_string())
        })
        .collect()
}

/// Every function of the header has a symbol version: `src/ffi/panelprep.map` (the linker
/// version script, which `build.rs` also turns into `.symver` directives) lists each exactly
/// once, and nothing else.
#[test]
fn version_script_lists_every_function_once() {
    let header = generate();
    let functions = header_functions(&header);
    assert!(functions.len() > 50, "{functions:?}");
    let map = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ffi/panelprep.map"),
    )
    .unwrap();
    // Comments hold example names: drop them.
    let mut text = String::new();
    let mut rest = map.as_str();
    while let Some(a) = rest.find("/*") {
        text.push_str(&rest[..a]);
        rest = &rest[a + rest[a..].find("*/").unwrap() + 2..];
    }
    text.push_str(rest);
    let mut listed: Vec<String> = text
        .split(|c: char| c.is_whitespace() || c == ';')
        .filter(|t| t.starts_with("pp_"))
        .map(String::from)
        .collect();
    listed.sort();
    let unique: std::collections::BTreeSet<String> = listed.iter().cloned().collect();
    assert_eq!(listed.len(), unique.len(), "a function is listed twice");
    let missing: Vec<_> = functions.difference(&unique).collect();
    let extra: Vec<_> = unique.difference(&functions).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "src/ffi/panelprep.map lacks {missing:?} and lists unknown {extra:?}"
    );
}
