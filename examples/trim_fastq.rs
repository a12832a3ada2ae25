//! Drives the trimming/filtering kernels over plain FASTQ files, sequentially (no threads), so
//! they can be scored before the threaded engine runs them. Same options as `panelprep trim`.
//!
//! `cargo run --release --example trim_fastq -- --in1 R1.fq [--in2 R2.fq] --out1 o1.fq [--out2 o2.fq] [trim options]`

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::PathBuf;

use clap::Parser;
use panelprep::fastq::{ReadBuf, RecordRef};
use panelprep::filter::{Filter, Reason};
use panelprep::trim::{TrimOutcome, Trimmer, detect_adapter_se};

#[derive(Parser)]
struct Cli {
    #[arg(long = "in1")]
    in1: PathBuf,
    #[arg(long = "in2")]
    in2: Option<PathBuf>,
    #[arg(long = "out1")]
    out1: PathBuf,
    #[arg(long = "out2")]
    out2: Option<PathBuf>,
    #[command(flatten)]
    trim: panelprep::settings::TrimSettings,
}

/// Reads one 4-line record into `r`; false at end of input.
fn next(rd: &mut impl BufRead, r: &mut ReadBuf, line: &mut Vec<u8>) -> Result<bool, String> {
    let mut get = |dst: &mut Vec<u8>, first: bool| -> Result<bool, String> {
        line.clear();
        let n = rd.read_until(b'\n', line).map_err(|e| e.to_string())?;
        if n == 0 {
            return if first {
                Ok(false)
            } else {
                Err("truncated record".into())
            };
        }
        while matches!(line.last(), Some(b'\n' | b'\r')) {
            line.pop();
        }
        dst.clear();
        dst.extend_from_slice(line);
        Ok(true)
    };
    if !get(&mut r.head, true)? {
        return Ok(false);
    }
    get(&mut r.seq, false)?;
    get(&mut r.plus, false)?;
    get(&mut r.qual, false)?;
    r.head.remove(0);
    r.plus.remove(0);
    Ok(true)
}

fn sample(path: &PathBuf, n: usize) -> Result<Vec<ReadBuf>, String> {
    let mut rd = BufReader::new(File::open(path).map_err(|e| e.to_string())?);
    let mut v = Vec::new();
    let mut line = Vec::new();
    let mut r = ReadBuf::default();
    while v.len() < n && next(&mut rd, &mut r, &mut line)? {
        v.push(r.clone());
    }
    Ok(v)
}

fn detect(path: &PathBuf) -> Result<Option<Vec<u8>>, String> {
    let reads = sample(path, 100_000)?;
    let refs: Vec<RecordRef<'_>> = reads.iter().map(|r| r.as_ref()).collect();
    Ok(detect_adapter_se(&refs))
}

fn run() -> Result<(), String> {
    let cli = Cli::parse();
    let (mut topts, fopts) = cli.trim.to_options().map_err(|e| e.to_string())?;
    let paired = cli.in2.is_some();
    let (d1, d2) = cli.trim.wants_detection(paired);
    if d1 {
        topts.adapter_r1 = detect(&cli.in1)?;
        eprintln!(
            "detected adapter r1: {:?}",
            topts
                .adapter_r1
                .as_ref()
                .map(|a| String::from_utf8_lossy(a).into_owned())
        );
    }
    if d2 && let Some(p) = &cli.in2 {
        topts.adapter_r2 = detect(p)?;
    }
    let trimmer = Trimmer::new(&topts).map_err(|e| e.to_string())?;
    let filter = Filter::new(&fopts);
    let open = |p: &PathBuf| -> Result<BufReader<File>, String> {
        Ok(BufReader::with_capacity(
            1 << 20,
            File::open(p).map_err(|e| format!("{}: {e}", p.display()))?,
        ))
    };
    let create = |p: &PathBuf| -> Result<BufWriter<File>, String> {
        Ok(BufWriter::with_capacity(
            1 << 20,
            File::create(p).map_err(|e| format!("{}: {e}", p.display()))?,
        ))
    };
    let mut in1 = open(&cli.in1)?;
    let mut out1 = create(&cli.out1)?;
    let mut counts = [0u64; Reason::ALL.len()];
    let (mut r1, mut r2) = (ReadBuf::default(), ReadBuf::default());
    let mut line = Vec::new();
    let mut buf = Vec::with_capacity(1 << 16);
    let mut buf2 = Vec::with_capacity(1 << 16);
    match (&cli.in2, &cli.out2) {
        (None, _) => {
            let mut out = TrimOutcome::default();
            while next(&mut in1, &mut r1, &mut line)? {
                trimmer.trim_se(&mut r1, &mut out);
                let v = filter.verdict(&r1);
                counts[v.index()] += 1;
                if v == Reason::Passed {
                    r1.write_to(&mut buf);
                }
                if buf.len() > 1 << 16 {
                    out1.write_all(&buf).map_err(|e| e.to_string())?;
                    buf.clear();
                }
            }
        }
        (Some(p2), Some(o2)) => {
            let mut in2 = open(p2)?;
            let mut out2 = create(o2)?;
            let mut out: [TrimOutcome; 2] = Default::default();
            while next(&mut in1, &mut r1, &mut line)? {
                if !next(&mut in2, &mut r2, &mut line)? {
                    return Err("read 2 file has fewer records".into());
                }
                trimmer.trim_pe(&mut r1, &mut r2, &mut out);
                let (a, b) = filter.verdict_pair(&r1, &r2);
                let v = a.max(b);
                counts[v.index()] += 1;
                if v == Reason::Passed {
                    r1.write_to(&mut buf);
                    r2.write_to(&mut buf2);
                }
                if buf.len() > 1 << 16 {
                    out1.write_all(&buf).map_err(|e| e.to_string())?;
                    out2.write_all(&buf2).map_err(|e| e.to_string())?;
                    buf.clear();
                    buf2.clear();
                }
            }
            out2.write_all(&buf2).map_err(|e| e.to_string())?;
            out2.flush().map_err(|e| e.to_string())?;
        }
        (Some(_), None) => return Err("--in2 needs --out2".into()),
    }
    out1.write_all(&buf).map_err(|e| e.to_string())?;
    out1.flush().map_err(|e| e.to_string())?;
    for r in Reason::ALL {
        eprintln!("{}\t{}", r.fastp_key(), counts[r.index()]);
    }
    Ok(())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("trim_fastq: {e}");
        std::process::exit(1);
    }
}
