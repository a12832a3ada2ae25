//! The `panelprep` command-line tool.
fn main() {}
