//! Build script: makes the committed C header available to dependent build scripts
//! (`DEP_PANELPREP_INCLUDE`) without running cbindgen (the header test checks it is fresh).

fn main() {
    println!("cargo:rerun-if-changed=include/panelprep.h");
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    println!("cargo:include={manifest}/include");
}
