//! The `panelprep` command-line tool: argument parsing, progress, exit codes. All work is done
//! by the library.

#[macro_use]
mod stdio;

mod bench;
mod coverage;
mod demo;
mod docs;
mod fastp_compat;
#[cfg(test)]
mod json_keys;
mod progress;
mod reports;
mod simulate;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use panelprep::pipeline::{self, Control, Inputs, Outputs};
use panelprep::settings::{EngineSettings, RunSettings, TrimSettings};

/// Sequencer-side preprocessing for gene-panel data.
#[derive(Parser)]
#[command(name = "panelprep", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate, trim and filter FASTQ (single-end, paired or interleaved).
    Trim(Box<TrimCmd>),
    /// Check FASTQ files and print records, bases and format; exit 1 on the first error.
    Validate(ValidateCmd),
    /// Run the main job on the bundled demo data and print where the outputs are.
    Demo(demo::DemoArgs),
    /// Measure this machine: decompress, parse and end-to-end throughput per thread count.
    Bench(bench::BenchArgs),
    /// Write simulated paired-end reads with known insert lengths.
    Simulate(simulate::SimulateArgs),
    /// Panel coverage from a BAM and a target BED (mosdepth-compatible outputs, QC gate).
    Coverage(coverage::CoverageArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(docs::CompletionsArgs),
    /// Print the man page (roff) of panelprep and its subcommands.
    Manpage,
}

#[derive(Args)]
#[command(disable_help_flag = true)]
struct TrimCmd {
    /// Read 1 input (`-` = stdin); gzip, BGZF or plain, detected from the content.
    #[arg(
        short = 'i',
        long = "in1",
        required_unless_present = "stdin",
        conflicts_with = "stdin"
    )]
    in1: Option<PathBuf>,
    /// Read 2 input.
    #[arg(short = 'I', long = "in2")]
    in2: Option<PathBuf>,
    /// Read 1 output (`-` = stdout); BGZF-compressed when the name ends in `.gz`.
    #[arg(short = 'o', long = "out1")]
    out1: Option<PathBuf>,
    /// Read 2 output (paired input without it: both mates interleaved into --out1).
    #[arg(short = 'O', long = "out2")]
    out2: Option<PathBuf>,
    /// The input holds interleaved pairs (R1, R2, R1, R2...).
    #[arg(long = "interleaved_in", visible_alias = "interleaved")]
    interleaved: bool,
    /// Read from stdin (as fastp; `--in1 -` does the same; with --interleaved_in for pairs).
    #[arg(long = "stdin", conflicts_with = "in2")]
    stdin: bool,
    /// Passing reads to stdout, uncompressed; pairs interleaved (as fastp).
    #[arg(long = "stdout", conflicts_with_all = ["out1", "out2"])]
    stdout: bool,
    /// fastp-compatible JSON report (default: beside --out1, `NAME.panelprep.json`).
    #[arg(short = 'j', long = "json")]
    json: Option<PathBuf>,
    /// Self-contained HTML report (default: beside --out1, `NAME.panelprep.html`). `-h` is
    /// this option, as in fastp; help is `--help`.
    #[arg(short = 'h', long = "html")]
    html: Option<PathBuf>,
    /// Title and heading of the HTML report (fastp `-R/--report_title`).
    #[arg(short = 'R', long = "report_title")]
    report_title: Option<String>,
    /// Print help.
    #[arg(long = "help", action = clap::ArgAction::Help)]
    help: Option<bool>,
    /// Upload manifest with the SHA-256 of every input and output (default: beside --out1,
    /// `NAME.manifest.json`).
    #[arg(long = "manifest")]
    manifest: Option<PathBuf>,
    /// Checksums listed in the manifest, comma-separated: `sha256` (the default) or
    /// `md5,sha256` (MD5 costs ~2.7x SHA-256's CPU: ~8% of a default run).
    #[arg(long = "manifest-checksums", value_name = "LIST", default_value = "sha256",
          value_parser = parse_manifest_checksums)]
    manifest_checksums: ManifestChecksums,
    /// Write no report, manifest or statistics (fastest).
    #[arg(long = "no-report")]
    no_report: bool,
    /// For pairs: read 1 of pairs whose read 2 failed a filter.
    #[arg(long = "unpaired1")]
    unpaired1: Option<PathBuf>,
    /// For pairs: read 2 of pairs whose read 1 failed a filter (may equal --unpaired1).
    #[arg(long = "unpaired2")]
    unpaired2: Option<PathBuf>,
    /// Validate and copy reads only: no trimming, no filtering.
    #[arg(long = "passthrough")]
    passthrough: bool,
    #[command(flatten)]
    engine: EngineSettings,
    #[command(flatten)]
    trim: TrimSettings,
}

#[derive(Args)]
struct ValidateCmd {
    /// FASTQ files to check (each on its own; `-` = stdin).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Treat each file as interleaved pairs and check the mates' names.
    #[arg(long = "interleaved")]
    interleaved: bool,
    #[command(flatten)]
    engine: EngineSettings,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let control = Control::new();
    {
        let control = control.clone();
        let _ = ctrlc::set_handler(move || control.cancel());
    }
    let result = match cli.command {
        Command::Trim(t) => trim(&t, &control),
        Command::Validate(v) => validate(&v, &control),
        Command::Demo(d) => demo::run(&d, &control),
        Command::Bench(b) => bench::run(&b),
        Command::Simulate(s) => simulate::run(&s),
        Command::Coverage(c) => coverage::run(&c, &control),
        Command::Completions(c) => docs::completions::<Cli>(&c),
        Command::Manpage => docs::manpage::<Cli>(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            report_error(&e);
            if matches!(e, panelprep::Error::Cancelled) {
                ExitCode::from(130)
            } else if matches!(
                e,
                panelprep::Error::Coverage(panelprep::coverage::CoverageError::GateFailed(_))
            ) {
                ExitCode::from(coverage::GATE_FAILED_EXIT)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

/// Prints an error with its chain of causes.
fn report_error(e: &dyn std::error::Error) {
    note!("panelprep: error: {e}");
    let mut source = e.source();
    while let Some(s) = source {
        note!("  caused by: {s}");
        source = s.source();
    }
}

fn trim(t: &TrimCmd, control: &Control) -> Result<(), panelprep::Error> {
    let start = std::time::SystemTime::now();
    let fastp_compat::Resolved { reads, mut outputs } = fastp_compat::resolve(
        t.in1.as_deref(),
        t.in2.as_deref(),
        t.interleaved,
        t.stdin,
        [t.out1.as_deref(), t.out2.as_deref()],
        t.stdout,
        [t.unpaired1.as_deref(), t.unpaired2.as_deref()],
    )?;
    let mut settings = t.trim.clone();
    let mut notes = fastp_compat::merge_outputs(&mut settings, &mut outputs, t.stdout)?;
    notes.extend(fastp_compat::split_outputs(&settings, &mut outputs));
    for n in notes {
        note!("panelprep: {n}");
    }
    let to_stdout = [
        &outputs.out1,
        &outputs.out2,
        &outputs.unpaired1,
        &outputs.unpaired2,
        &settings.merged_out,
    ]
    .iter()
    .any(|o| o.as_deref().is_some_and(|p| p.as_os_str() == "-"));
    if to_stdout && stdio::stdout_was_closed() {
        return Err(stdio::closed_stdout_error());
    }
    let mut paths = reports::ReportPaths::resolve(
        outputs.out1.as_deref().or(settings.merged_out.as_deref()),
        t.json.clone(),
        t.html.clone(),
        t.manifest.clone(),
        t.no_report,
    );
    paths.html_title = t.report_title.clone();
    paths.md5 = t.manifest_checksums.md5;
    pipeline::refuse_existing(settings.dont_overwrite, paths.all())?;
    let run = RunSettings {
        engine: EngineSettings {
            interleaved_in: t.interleaved,
            passthrough: t.passthrough,
            stats: paths.needs_stats(),
            checksums: paths.manifest.is_some(),
            ..t.engine.clone()
        },
        trim: settings,
    };
    // The reads, with the UMI index file of `--umi_index_file`.
    let inputs = run.inputs(reads);
    let mut opts = run.pipeline_options(inputs.layout())?;
    opts.checksum_md5 = paths.md5;
    // Every file of the run by identity, reports and manifest included, before any byte is read.
    let (ins, mut outs) = pipeline::run_files(&opts, &inputs, &outputs);
    let reports = [
        ("--json", &paths.json),
        ("--html", &paths.html),
        ("--manifest", &paths.manifest),
    ];
    for (role, p) in reports {
        if let Some(p) = p {
            outs.push(panelprep::io::RunFile::new(role, p));
        }
    }
    panelprep::io::check_distinct(&ins, &outs)?;
    let clock = std::time::Instant::now();
    let in_paths = inputs.paths();
    let watch = progress::Watch {
        inputs: &in_paths,
        paired: inputs.is_paired(),
    };
    let (summary, mut set) = progress::with_progress(control, &watch, || {
        pipeline::run_staged(&opts, &inputs, &outputs, control)
    })?;
    let info = panelprep::report::RunInfo {
        command: std::env::args().collect::<Vec<_>>().join(" "),
        elapsed_seconds: Some(clock.elapsed().as_secs_f64()),
        adapters: summary.adapters.clone(),
        ..Default::default()
    };
    let params = run.manifest_params(&inputs, &outputs)?;
    reports::write(
        &mut set,
        &paths,
        &summary,
        &info,
        start,
        opts.threads,
        params,
    )?;
    // Reads, reports and manifest appear together or not at all.
    if control.is_cancelled() {
        return Err(panelprep::Error::Cancelled);
    }
    set.commit()?;
    for line in reports::describe(&summary, &paths) {
        note!("{line}");
    }
    Ok(())
}

fn validate(v: &ValidateCmd, control: &Control) -> Result<(), panelprep::Error> {
    // The counts go to standard output: refuse a closed one before reading a byte.
    if stdio::stdout_was_closed() {
        return Err(stdio::closed_stdout_error());
    }
    for f in &v.files {
        let inputs = if v.interleaved {
            Inputs::interleaved(f.clone())
        } else {
            Inputs::single(f.clone())
        };
        let opts = v.engine.validation_options(inputs.layout())?;
        let watch = progress::Watch {
            inputs: std::slice::from_ref(f),
            paired: v.interleaved,
        };
        let summary = progress::with_progress(control, &watch, || {
            pipeline::run(&opts, &inputs, &Outputs::default(), control)
        })?;
        for i in &summary.inputs {
            outln!(
                "{}\trecords={}\tbases={}\tformat={}",
                i.path.display(),
                i.records,
                i.bases,
                i.format
            )?;
        }
    }
    Ok(())
}

/// The checksums of `--manifest-checksums`: SHA-256 always, MD5 when named.
#[derive(Debug, Clone, Copy)]
struct ManifestChecksums {
    md5: bool,
}

fn parse_manifest_checksums(s: &str) -> Result<ManifestChecksums, String> {
    let (mut md5, mut sha256) = (false, false);
    for name in s.split(',').map(str::trim) {
        match name.to_ascii_lowercase().as_str() {
            "md5" => md5 = true,
            "sha256" | "sha-256" => sha256 = true,
            other => return Err(format!("unknown checksum `{other}` (md5, sha256)")),
        }
    }
    if !sha256 {
        return Err("the manifest always lists sha256: give `sha256` or `md5,sha256`".into());
    }
    Ok(ManifestChecksums { md5 })
}
