//! `include/panelprep.h` is what cbindgen generates from the current source: a stale header
//! fails. Regenerate with `PANELPREP_BLESS=1 cargo test --test header`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

#[test]
fn committed_header_is_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(root.join("cbindgen.toml")).expect("cbindgen.toml");
    let bindings = cbindgen::Builder::new()
        .with_src(root.join("src/ffi/mod.rs"))
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header");
    let mut fresh = Vec::new();
    bindings.write(&mut fresh);
    let path = root.join("include/panelprep.h");
    if std::env::var_os("PANELPREP_BLESS").is_some() {
        std::fs::write(&path, &fresh).expect("write header");
    }
    let committed = std::fs::read(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "include/panelprep.h is stale: regenerate it with PANELPREP_BLESS=1 cargo test --test header"
    );
    let text = String::from_utf8(fresh).expect("utf-8 header");
    for item in [
        "pp_version",
        "pp_last_error_message",
        "PP_STATUS_OK",
        "#ifdef __cplusplus",
    ] {
        assert!(text.contains(item), "header lacks {item}");
    }
}
