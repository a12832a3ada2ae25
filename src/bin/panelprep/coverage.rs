//! `panelprep coverage`: panel coverage from a BAM and a target BED.

use std::path::PathBuf;

use panelprep::coverage::{
    self, CountMode, CoverageError, GateLimit, MateOverlap, Preset, ScanMode,
};

/// Command-line options of `panelprep coverage`.
#[derive(Debug, clap::Args)]
pub struct CoverageArgs {
    /// Coordinate-sorted BAM (its .bai is used when present).
    #[arg(long)]
    pub bam: PathBuf,
    /// Panel BED (3-6+ columns; column 4 = target/gene name).
    #[arg(long)]
    pub targets: PathBuf,
    /// Output prefix (PREFIX.coverage.json, PREFIX.regions.bed.gz, ...).
    #[arg(long)]
    pub prefix: PathBuf,
    /// Threads inflating BGZF blocks.
    #[arg(short = 't', long, default_value_t = 2)]
    pub threads: usize,
    /// Preset: mosdepth (default), mosdepth-fast, picard-hs.
    #[arg(long, default_value = "mosdepth")]
    pub preset: String,
    /// mosdepth fast mode: whole alignment span, no mate-overlap correction.
    #[arg(short = 'x', long)]
    pub fast_mode: bool,
    /// Count whole fragments of proper pairs (leftmost mate start + template length).
    #[arg(long)]
    pub fragment_mode: bool,
    /// Mate overlap: count-both, mosdepth, picard-clip (default: from the preset).
    #[arg(long)]
    pub mate_overlap: Option<String>,
    /// Depth thresholds, comma-separated (default 20,50,100,250,500,1000).
    #[arg(short = 'T', long, value_delimiter = ',')]
    pub thresholds: Option<Vec<u32>>,
    /// Exclude records with any of these flag bits (default: from the preset).
    #[arg(short = 'F', long)]
    pub flag: Option<u16>,
    /// Keep only records with at least one of these flag bits.
    #[arg(short = 'i', long)]
    pub include_flag: Option<u16>,
    /// Minimum mapping quality (default: from the preset).
    #[arg(short = 'Q', long)]
    pub mapq: Option<u8>,
    /// Minimum base quality for a base to count (default: from the preset; 0 = off).
    #[arg(long)]
    pub base_quality: Option<u8>,
    /// Depth below which target bases go to PREFIX.lowcov.bed.
    #[arg(long, default_value_t = 100)]
    pub low_coverage: u32,
    /// Which records to read: auto (index when a .bai exists), full, index.
    #[arg(long, default_value = "auto")]
    pub scan: String,
    /// QC limit, repeatable: METRIC>=VALUE or METRIC<=VALUE (e.g. median_target_coverage>=150).
    #[arg(long = "gate")]
    pub gate: Vec<String>,
}

/// Runs the coverage command: computes, writes every output, prints warnings and the QC sheet.
pub fn run(args: &CoverageArgs) -> Result<(), panelprep::Error> {
    let mut opts = Preset::parse(&args.preset)?.options();
    if args.fast_mode {
        opts.count = CountMode::AlignmentSpan;
        opts.mate_overlap = MateOverlap::CountBoth;
    }
    if args.fragment_mode {
        opts.count = CountMode::Fragment;
    }
    if let Some(m) = &args.mate_overlap {
        opts.mate_overlap = match m.as_str() {
            "count-both" | "none" => MateOverlap::CountBoth,
            "mosdepth" => MateOverlap::Mosdepth,
            "picard-clip" | "picard" => MateOverlap::PicardClip,
            o => {
                return Err(CoverageError::Options(format!("unknown --mate-overlap {o:?}")).into());
            }
        };
    }
    if let Some(t) = &args.thresholds {
        opts.thresholds = t.clone();
    }
    if let Some(f) = args.flag {
        opts.exclude_flags = f;
    }
    if let Some(f) = args.include_flag {
        opts.include_flags = f;
    }
    if let Some(q) = args.mapq {
        opts.min_mapq = q;
    }
    if let Some(q) = args.base_quality {
        opts.min_base_quality = q;
    }
    opts.low_coverage = args.low_coverage;
    opts.threads = args.threads;
    opts.scan = match args.scan.as_str() {
        "auto" => ScanMode::Auto,
        "full" => ScanMode::Full,
        "index" => ScanMode::Index,
        o => return Err(CoverageError::Options(format!("unknown --scan {o:?}")).into()),
    };
    for g in &args.gate {
        opts.gate.push(GateLimit::parse(g)?);
    }
    let report = coverage::run(&opts, &args.bam, &args.targets)?;
    for w in &report.warnings {
        eprintln!("[panelprep coverage] warning: {w}");
    }
    coverage::write_outputs(&report, &args.prefix)?;
    let p = &report.panel;
    eprintln!(
        "[panelprep coverage] {} targets, {} genes, {} bases: mean {:.2}x, median {}x",
        p.targets, p.genes, p.target_territory, p.mean_target_coverage, p.median_target_coverage
    );
    if let Some(g) = &report.gate {
        eprint!("{}", coverage::gate::to_tsv(g));
        if !g.pass {
            let failed: Vec<String> = g
                .rows
                .iter()
                .filter(|r| !r.pass)
                .map(|r| r.metric.clone())
                .collect();
            return Err(CoverageError::GateFailed(failed.join(", ")).into());
        }
    }
    Ok(())
}
