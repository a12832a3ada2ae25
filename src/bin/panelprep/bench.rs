//! `panelprep bench`: how fast is this machine? Generates a synthetic paired-end dataset in a
//! temporary directory and times decompression, parsing and the end-to-end path per thread count.

use std::fs::File;
use std::io::{BufWriter, Read};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use panelprep::pipeline::{self, Control, Inputs, Outputs, PipelineOptions};
use panelprep::simulate::{SimOptions, write_pairs};

/// Options of `panelprep bench`.
#[derive(clap::Args)]
pub struct BenchArgs {
    /// Read pairs to generate (2x150 bp; 1M pairs is about 650 MB of FASTQ).
    #[arg(long, default_value_t = 500_000)]
    pairs: u64,
    /// Thread counts to measure, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "1,2")]
    threads: Vec<usize>,
    /// Compression level of the gzip input and of the BGZF output.
    #[arg(short = 'z', long = "compression", default_value_t = 1)]
    level: u32,
    /// Directory for the generated data (default: a fresh temporary directory, removed after).
    #[arg(long)]
    dir: Option<std::path::PathBuf>,
}

/// Runs the benchmark and prints one table row per step and thread count.
pub fn run(a: &BenchArgs) -> Result<(), panelprep::Error> {
    let tmp;
    let dir = match &a.dir {
        Some(d) => d.clone(),
        None => {
            tmp = TempDir::new()?;
            tmp.0.clone()
        }
    };
    let io_err = |e: std::io::Error| panelprep::Error::Internal(format!("bench: {e}"));
    std::fs::create_dir_all(&dir).map_err(io_err)?;
    let (p1, p2) = (dir.join("bench_R1.fq"), dir.join("bench_R2.fq"));
    let (g1, g2) = (dir.join("bench_R1.fq.gz"), dir.join("bench_R2.fq.gz"));
    note!("generating {} pairs in {} ...", a.pairs, dir.display());
    {
        let opts = SimOptions {
            pairs: a.pairs,
            ..SimOptions::default()
        };
        let mut w1 = BufWriter::new(File::create(&p1).map_err(io_err)?);
        let mut w2 = BufWriter::new(File::create(&p2).map_err(io_err)?);
        write_pairs(&opts, &mut w1, &mut w2).map_err(io_err)?;
        for (src, dst) in [(&p1, &g1), (&p2, &g2)] {
            let data = std::fs::read(src).map_err(io_err)?;
            let mut enc = flate2::write::GzEncoder::new(
                BufWriter::new(File::create(dst).map_err(io_err)?),
                flate2::Compression::new(a.level.clamp(1, 9)),
            );
            std::io::Write::write_all(&mut enc, &data).map_err(io_err)?;
            enc.finish().map_err(io_err)?;
        }
    }
    let raw = file_len(&p1) + file_len(&p2);
    let reads = 2 * a.pairs;
    outln!("step\tthreads\tseconds\tMB/s (uncompressed)\treads/s")?;
    let row = |step: &str, t: usize, secs: f64| {
        outln!(
            "{step}\t{t}\t{secs:.3}\t{:.1}\t{:.0}",
            raw as f64 / 1e6 / secs,
            reads as f64 / secs
        )
    };
    // Decompression alone: both gzip files, each inflated on its own thread, as the engine does.
    let secs = time(|| {
        let pool = Arc::new(
            rayon::ThreadPoolBuilder::new()
                .num_threads(1)
                .build()
                .map_err(|e| panelprep::Error::Internal(e.to_string()))?,
        );
        let handles: Vec<_> = [g1.clone(), g2.clone()]
            .into_iter()
            .map(|g| {
                let pool = pool.clone();
                std::thread::spawn(move || -> Result<u64, panelprep::Error> {
                    let mut src = panelprep::io::open(&g, pool, false)?;
                    let mut buf = vec![0u8; 1 << 20];
                    let mut n = 0u64;
                    loop {
                        let k = src
                            .reader
                            .read(&mut buf)
                            .map_err(|e| panelprep::Error::Internal(e.to_string()))?;
                        if k == 0 {
                            return Ok(n);
                        }
                        n += k as u64;
                    }
                })
            })
            .collect();
        for h in handles {
            h.join()
                .map_err(|_| panelprep::Error::Internal("bench thread panicked".into()))??;
        }
        Ok(())
    })?;
    row("decompress (gzip, 1 thread per file)", 1, secs)?;
    for &t in &a.threads {
        let opts = PipelineOptions {
            threads: t,
            ..PipelineOptions::passthrough()
        };
        let inputs = Inputs::paired(p1.clone(), p2.clone());
        let secs =
            time(|| pipeline::run(&opts, &inputs, &Outputs::default(), &Control::new()).map(drop))?;
        row("parse+validate (plain in, no output)", t, secs)?;
    }
    for &t in &a.threads {
        let opts = PipelineOptions {
            threads: t,
            compression_level: a.level,
            ..PipelineOptions::default()
        };
        let inputs = Inputs::paired(g1.clone(), g2.clone());
        let outputs = Outputs {
            out1: Some(dir.join("out_R1.fq.gz")),
            out2: Some(dir.join("out_R2.fq.gz")),
            ..Default::default()
        };
        let secs = time(|| pipeline::run(&opts, &inputs, &outputs, &Control::new()).map(drop))?;
        row(
            &format!("end-to-end (gzip in, BGZF level {} out)", a.level),
            t,
            secs,
        )?;
    }
    Ok(())
}

fn time(f: impl FnOnce() -> Result<(), panelprep::Error>) -> Result<f64, panelprep::Error> {
    let start = Instant::now();
    f()?;
    Ok(start.elapsed().as_secs_f64())
}

fn file_len(p: &Path) -> u64 {
    std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)
}

/// A temporary directory removed on drop.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new() -> Result<Self, panelprep::Error> {
        let p = std::env::temp_dir().join(format!("panelprep-bench-{}", std::process::id()));
        std::fs::create_dir_all(&p)
            .map_err(|e| panelprep::Error::Internal(format!("bench: {e}")))?;
        Ok(Self(p))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
