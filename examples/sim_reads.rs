//! Writes simulated pairs: `sim_reads PAIRS SEED OUT_R1 OUT_R2 [two_colour]` (defaults otherwise).

use std::fs::File;
use std::io::BufWriter;

use panelprep::simulate::{SimOptions, write_pairs};

fn main() {
    let a: Vec<String> = std::env::args().collect();
    if a.len() < 5 {
        eprintln!("usage: sim_reads PAIRS SEED OUT_R1 OUT_R2 [two_colour]");
        std::process::exit(2);
    }
    let opts = SimOptions {
        pairs: a[1].parse().unwrap_or(100_000),
        seed: a[2].parse().unwrap_or(1),
        two_colour: a.get(5).is_some_and(|s| s == "two_colour"),
        ..SimOptions::default()
    };
    let res = File::create(&a[3]).and_then(|f1| {
        let f2 = File::create(&a[4])?;
        write_pairs(&opts, &mut BufWriter::new(f1), &mut BufWriter::new(f2))
    });
    if let Err(e) = res {
        eprintln!("sim_reads: {e}");
        std::process::exit(1);
    }
}
