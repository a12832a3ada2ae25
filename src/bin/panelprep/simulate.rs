//! `panelprep simulate`: the project's read generator (2x150 bp, FFPE-like inserts, adapters,
//! true insert length in each name), with instrument quality profiles, and the conversion of
//! `art_illumina` output into pairs with adapters and known truth (`--from-art`).

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use panelprep::simulate::art::{ArtOptions, convert};
use panelprep::simulate::{Profile, SimOptions, write_pairs};

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
    /// Quality profile: legacy (the original generator, the default), novaseq (4 bins,
    /// Q37-dominant, read-2 decay), miseq, hiseq (full resolution). The non-legacy profiles
    /// also add failing read-2 tails, failed reads 2, dimers, 1-39 bp inserts and indels, and
    /// write each read's cut point as `cut=N`.
    #[arg(long, default_value = "legacy")]
    profile: Profile,
    /// Adapter pair by preset name (truseq, nextera, small-rna, mgi, illumina-pe, illumina-se).
    #[arg(long, default_value = "truseq")]
    adapter: String,
    /// Read 1 adapter sequence (overrides --adapter).
    #[arg(long)]
    adapter_r1: Option<String>,
    /// Read 2 adapter sequence (overrides --adapter).
    #[arg(long)]
    adapter_r2: Option<String>,
    /// Share of adapter dimers (default: the profile's).
    #[arg(long)]
    dimer_fraction: Option<f64>,
    /// Share of 1-39 bp inserts (default: the profile's).
    #[arg(long)]
    short_fraction: Option<f64>,
    /// Per-base indel probability in inserts (default: the profile's).
    #[arg(long)]
    indel_rate: Option<f64>,
    /// Mean insert length.
    #[arg(long)]
    insert_mean: Option<f64>,
    /// Convert art_illumina's paired output PREFIX{1,2}.fq and PREFIX{1,2}.aln instead of
    /// simulating: a share of pairs (--art_short_fraction) get a short insert and adapters,
    /// keeping ART's qualities and errors cycle by cycle.
    #[arg(long, value_name = "PREFIX")]
    from_art: Option<PathBuf>,
    /// Share of ART pairs given a short insert.
    #[arg(long, default_value_t = 0.35)]
    art_short_fraction: f64,
    /// Read 1 output (gzip when the name ends in `.gz`).
    #[arg(short = 'o', long)]
    out1: PathBuf,
    /// Read 2 output.
    #[arg(short = 'O', long)]
    out2: PathBuf,
}

/// Writes the simulated pairs.
pub fn run(a: &SimulateArgs) -> Result<(), panelprep::Error> {
    let bad = |m: String| panelprep::Error::Options(m);
    let preset: panelprep::settings::AdapterPresetName = a
        .adapter
        .parse()
        .map_err(|_| bad(format!("unknown --adapter {:?}", a.adapter)))?;
    let (p1, p2) = preset.adapters();
    let seq = |s: &Option<String>, d: &[u8]| -> Vec<u8> {
        s.as_ref()
            .map_or_else(|| d.to_vec(), |s| s.trim().as_bytes().to_ascii_uppercase())
    };
    let (ad1, ad2) = (seq(&a.adapter_r1, p1), seq(&a.adapter_r2, p2));
    for f in [a.dimer_fraction, a.short_fraction, a.indel_rate]
        .into_iter()
        .flatten()
    {
        if !(0.0..=1.0).contains(&f) {
            return Err(bad(format!("share {f} not in [0, 1]")));
        }
    }
    let err = |e: std::io::Error| panelprep::Error::Internal(format!("simulate: {e}"));
    let mut w1 = open(&a.out1).map_err(err)?;
    let mut w2 = open(&a.out2).map_err(err)?;
    if let Some(prefix) = &a.from_art {
        let opts = ArtOptions {
            short_fraction: a.art_short_fraction,
            adapter_r1: ad1,
            adapter_r2: ad2,
            seed: a.seed,
            ..ArtOptions::default()
        };
        let rd = |suffix: &str| -> Result<BufReader<File>, panelprep::Error> {
            let mut p = prefix.as_os_str().to_owned();
            p.push(suffix);
            let p = Path::new(&p);
            File::open(p)
                .map(BufReader::new)
                .map_err(|e| bad(format!("{}: {e}", p.display())))
        };
        let (n, short) = convert(
            &opts,
            (rd("1.fq")?, rd("1.aln")?),
            (rd("2.fq")?, rd("2.aln")?),
            &mut w1,
            &mut w2,
        )
        .map_err(|e| panelprep::Error::Internal(format!("simulate --from-art: {e}")))?;
        eprintln!("{n} ART pairs, {short} given a short insert and adapters");
    } else {
        let base = SimOptions::realistic(a.profile);
        let opts = SimOptions {
            pairs: a.pairs,
            seed: a.seed,
            read_len: a.read_len,
            two_colour: a.two_colour || base.two_colour,
            adapter_r1: ad1,
            adapter_r2: ad2,
            dimer_fraction: a.dimer_fraction.unwrap_or(base.dimer_fraction),
            short_fraction: a.short_fraction.unwrap_or(base.short_fraction),
            indel_rate: a.indel_rate.unwrap_or(base.indel_rate),
            insert_mean: a.insert_mean.unwrap_or(base.insert_mean),
            ..base
        };
        write_pairs(&opts, &mut w1, &mut w2).map_err(err)?;
    }
    w1.flush().map_err(err)?;
    w2.flush().map_err(err)?;
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
