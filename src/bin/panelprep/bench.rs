//! `panelprep bench` (placeholder).
/// Bench options.
#[derive(clap::Args)]
pub struct BenchArgs {}
/// Runs the benchmark.
pub fn run(_a: &BenchArgs) -> Result<(), panelprep::Error> {
    Ok(())
}
