//! Read and pair acceptance rules.

mod reason;

pub use reason::Reason;
