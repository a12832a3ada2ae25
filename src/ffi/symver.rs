//! Symbol versions of the shared library. `build.rs` writes, for each `src/ffi/<file>.rs`,
//! `OUT_DIR/symver/<file>.rs` with one `.symver pp_f, pp_f@@NODE, remove` directive per `pp_`
//! function of that file (the node comes from `src/ffi/panelprep.map`), and the file includes
//! it with [`versions!`]: the directive must be in the object that defines the function.
//! Every object then defines `pp_f@@NODE` (the default version of `pp_f`) and no plain
//! `pp_f`: the `.so` exports `pp_f@@PANELPREP_0.1`..., programs linked against it record the
//! version they need, and a static link still resolves a plain `pp_f`. Only where `build.rs`
//! set `cfg(pp_symver)` (see there for when).

/// Includes the `.symver` directives of the calling file (`versions!("stream.rs")`).
macro_rules! versions {
    ($file:literal) => {
        #[cfg(pp_symver)]
        include!(concat!(env!("OUT_DIR"), "/symver/", $file));
    };
}

pub(crate) use versions;
