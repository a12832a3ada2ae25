//! What the test environment has, decided once per build so that tests which need a peer tool
//! or the shared public data are *listed as ignored* (with the reason) in `cargo test`'s summary
//! when it is missing, instead of passing silently. Emits `pp_have_<tool>` and
//! `pp_public_data` cfgs. After installing a peer, `touch build.rs` (or set
//! `PANELPREP_REDETECT` to a new value) to detect it again.

use std::path::Path;

/// Peer tools and helpers the tests drive, by the cfg name they set.
const TOOLS: &[(&str, &[&str])] = &[
    ("fastp", &["fastp"]),
    ("cutadapt", &["cutadapt"]),
    ("mosdepth", &["mosdepth"]),
    ("samtools", &["samtools"]),
    ("picard", &["PicardCommandLine", "picard"]),
    ("multiqc", &["multiqc"]),
    ("snakemake", &["snakemake"]),
    ("chromium", &["chromium", "chromium-browser"]),
    ("valgrind", &["valgrind"]),
    ("cc", &["cc"]),
    ("cxx", &["c++"]),
    ("gnu_time", &["/usr/bin/time"]),
];

fn on_path(name: &str) -> bool {
    if name.contains('/') {
        return Path::new(name).is_file();
    }
    std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(name).is_file()))
}

/// Prints the cfgs for the tools found and the public data.
pub fn detect() {
    println!("cargo:rerun-if-env-changed=PANELPREP_REDETECT");
    println!("cargo::rustc-check-cfg=cfg(pp_public_data)");
    for (cfg, names) in TOOLS {
        println!("cargo::rustc-check-cfg=cfg(pp_have_{cfg})");
        if names.iter().any(|n| on_path(n)) {
            println!("cargo:rustc-cfg=pp_have_{cfg}");
        }
    }
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    if Path::new(&manifest)
        .join("../shared/data/public/SOURCES.md")
        .is_file()
    {
        println!("cargo:rustc-cfg=pp_public_data");
    }
}
