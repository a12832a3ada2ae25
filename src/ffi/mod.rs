//! The C ABI (`pp_` prefix): opaque handles, status codes, a panic boundary; no logic of its own.
