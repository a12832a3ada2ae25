//! Build script: makes the committed C header available to dependent build scripts
//! (`DEP_PANELPREP_INCLUDE`) without running cbindgen (the header test checks it is fresh), and
//! tells the tests which peer tools and data this machine has (`build/test_env.rs`).

#[path = "build/test_env.rs"]
mod test_env;

fn main() {
    test_env::detect();
    println!("cargo:rerun-if-changed=include/panelprep.h");
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    println!("cargo:include={manifest}/include");
}
