//! The `panelprep` command-line tool.

mod coverage;

use clap::{Parser, Subcommand};

/// Command line.
#[derive(Parser)]
#[command(name = "panelprep", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Subcommands.
#[derive(Subcommand)]
enum Command {
    /// Panel coverage from a BAM and a target BED.
    Coverage(coverage::CoverageArgs),
}

fn main() {
    let cli = Cli::parse();
    let res = match &cli.command {
        Command::Coverage(a) => coverage::run(a),
    };
    if let Err(e) = res {
        eprintln!("panelprep: error: {e}");
        std::process::exit(1);
    }
}
