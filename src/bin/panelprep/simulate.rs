//! `panelprep simulate`: the project's read generator (2x150 bp, FFPE-like inserts, adapters,
//! errors rising along the read, binned qualities; true insert length in each name).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use panelprep::simulate::{SimOptions, write_pairs};

/// Options of `panelprep simulate`.
#[derive(clap::Args)]
pub struct SimulateArgs {
    /// Read pairs to write.
    #[arg(long, default_value_t = 10_000)]
    pairs: u64,
    /// Random seed (same seed, same bytes).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Read length.
    #[arg(long, default_value_t = 150)]
    read_len: usize,
    /// Two-colour chemistry (NovaSeq names, poly-G after the adapter).
    #[arg(long)]
    two_colour: bool,
    /// Read 1 output (gzip when the name ends in `.gz`).
    #[arg(short = 'o', long)]
    out1: PathBuf,
    /// Read 2 output.
    #[arg(short = 'O', long)]
    out2: PathBuf,
}

/// Writes the simulated pairs.
pub fn run(a: &SimulateArgs) -> Result<(), panelprep::Error> {
    let opts = SimOptions {
        pairs: a.pairs,
        seed: a.seed,
        read_len: a.read_len,
        two_colour: a.two_colour,
        ..SimOptions::default()
    };
    let err = |e: std::io::Error| panelprep::Error::Internal(format!("simulate: {e}"));
    let mut w1 = open(&a.out1).map_err(err)?;
    let mut w2 = open(&a.out2).map_err(err)?;
    write_pairs(&opts, &mut w1, &mut w2).map_err(err)?;
    drop((w1, w2));
    Ok(())
}

fn open(p: &PathBuf) -> std::io::Result<Box<dyn Write>> {
    let f = BufWriter::with_capacity(1 << 20, File::create(p)?);
    if p.extension().is_some_and(|e| e == "gz") {
        Ok(Box::new(flate2::write::GzEncoder::new(
            f,
            flate2::Compression::new(4),
        )))
    } else {
        Ok(Box::new(f))
    }
}
