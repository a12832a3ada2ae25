//! `panelprep demo` (placeholder until the demo data lands).
use panelprep::pipeline::Control;
/// Demo options.
#[derive(clap::Args)]
pub struct DemoArgs {}
/// Runs the demo.
pub fn run(_a: &DemoArgs, _c: &Control) -> Result<(), panelprep::Error> {
    Ok(())
}
