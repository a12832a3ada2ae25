//! Writes a deterministic gene-panel BAM and BED for the coverage benchmark.
//!
//! `cargo run --release --example make_panel_bam -- OUTDIR [PAIRS=1500000] [GENES=60] [SEED=42]`
//! writes OUTDIR/panel.bam (coordinate-sorted; index it with `samtools index`) and
//! OUTDIR/panel.bed (~500 targets over GENES genes on GRCh38 contigs, ~70% of pairs on target).

#[path = "../tests/it/coverage_panelgen.rs"]
mod panelgen;

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let dir = std::path::PathBuf::from(args.get(1).map_or("panel-bench", String::as_str));
    let num = |i: usize, d: u64| args.get(i).and_then(|s| s.parse().ok()).unwrap_or(d);
    std::fs::create_dir_all(&dir)?;
    let (pairs, genes, seed) = (num(2, 1_500_000), num(3, 60) as usize, num(4, 42));
    panelgen::write_panel(&dir, seed, pairs, genes, 0.7)?;
    eprintln!(
        "wrote {}/panel.bam ({pairs} pairs) and panel.bed ({} targets, {genes} genes)",
        dir.display(),
        panelgen::panel(seed, genes).len()
    );
    Ok(())
}
