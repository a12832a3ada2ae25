//! Settings: every key round-trips through JSON, unknown keys and bad values fail naming the
//! key and change nothing, defaults are the CLI's, and the mapping to the library options.

use serde_json::{Value, json};

use super::{AdapterPresetName, CoverageSettings, RunSettings, TrimSettings, UmiLocName};
use crate::pipeline::{Layout, PipelineOptions, ReadFiles};
use crate::trim::{PolyG, UmiLoc};

/// A valid non-default value for every key of [`RunSettings`] (`@FASTA` is replaced by the
/// path of an adapter FASTA file).
const RUN_CASES: &[(&str, &str)] = &[
    ("thread", "3"),
    ("compression", "6"),
    ("phred64", "true"),
    ("allow_empty", "true"),
    ("interleaved_in", "true"),
    ("compress", "true"),
    ("batch_bytes", "4096"),
    ("max_record_bytes", "1000000"),
    ("stats", "false"),
    ("checksums", "true"),
    ("passthrough", "true"),
    ("adapter_sequence", "\"ACGTACGT\""),
    ("adapter_sequence_r2", "\"TTGGCCAA\""),
    ("adapter_fasta", "\"@FASTA\""),
    ("adapter_preset", "\"nextera\""),
    ("disable_adapter_trimming", "true"),
    ("detect_adapter_for_pe", "true"),
    ("fastp_compat", "true"),
    ("adapter_min_overlap", "5"),
    ("adapter_error_rate", "0.2"),
    ("adapter_quality_aware", "false"),
    ("adapter_min_overlap_pe", "9"),
    ("overlap_len_require", "25"),
    ("overlap_diff_limit", "3"),
    ("overlap_diff_percent_limit", "10.5"),
    ("correction", "true"),
    ("trim_poly_g", "true"),
    ("disable_trim_poly_g", "true"),
    ("poly_g_min_len", "12"),
    ("trim_poly_x", "true"),
    ("poly_x_min_len", "11"),
    ("cut_front", "true"),
    ("cut_tail", "true"),
    ("cut_right", "true"),
    ("cut_window_size", "5"),
    ("cut_mean_quality", "25"),
    ("cut_front_window_size", "6"),
    ("cut_front_mean_quality", "21"),
    ("cut_tail_window_size", "7"),
    ("cut_tail_mean_quality", "22"),
    ("cut_right_window_size", "8"),
    ("cut_right_mean_quality", "23"),
    ("quality_cutoff", "\"10,20\""),
    ("nextseq_trim", "20"),
    ("trim_front1", "1"),
    ("trim_tail1", "2"),
    ("trim_front2", "3"),
    ("trim_tail2", "4"),
    ("max_len1", "100"),
    ("max_len2", "90"),
    ("disable_quality_filtering", "true"),
    ("qualified_quality_phred", "20"),
    ("unqualified_percent_limit", "30.5"),
    ("n_base_limit", "3"),
    ("average_qual", "10"),
    ("disable_length_filtering", "true"),
    ("length_required", "30"),
    ("length_limit", "200"),
    ("low_complexity_filter", "true"),
    ("complexity_threshold", "25.5"),
    ("umi", "true"),
    ("umi_loc", "\"read1\""),
    ("umi_len", "8"),
    ("umi_prefix", "\"UMI\""),
    ("umi_skip", "2"),
    ("umi_index_file", "\"I1.fastq.gz\""),
    ("reads_to_process", "1000"),
    ("dont_overwrite", "true"),
    ("failed_out", "\"failed.fq.gz\""),
    ("merge", "true"),
    ("merged_out", "\"merged.fq.gz\""),
    ("include_unmerged", "true"),
    ("dedup", "true"),
    ("dup_calc_accuracy", "3"),
    ("fix_mgi_id", "true"),
    ("filter_by_index1", "\"i1.txt\""),
    ("filter_by_index2", "\"i2.txt\""),
    ("filter_by_index_threshold", "1"),
    ("split", "3"),
    ("split_by_lines", "4000"),
    ("split_prefix_digits", "2"),
];

const COVERAGE_CASES: &[(&str, &str)] = &[
    ("threads", "3"),
    ("preset", "\"picard-hs\""),
    ("fast_mode", "true"),
    ("fragment_mode", "true"),
    ("mate_overlap", "\"picard-clip\""),
    ("thresholds", "[10, 30]"),
    ("flag", "1024"),
    ("include_flag", "2"),
    ("mapq", "20"),
    ("base_quality", "10"),
    ("low_coverage", "50"),
    ("scan", "\"full\""),
    ("gate", "[\"median_target_coverage>=100\"]"),
    ("coverage_cap", "500"),
    ("reference", "\"ref.fa\""),
];

fn keys(json: &str) -> Vec<String> {
    let v: Value = serde_json::from_str(json).unwrap();
    let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    k.sort();
    k
}

fn case_keys(cases: &[(&str, &str)]) -> Vec<String> {
    let mut k: Vec<String> = cases.iter().map(|(k, _)| k.to_string()).collect();
    k.sort();
    k
}

fn fasta() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("adapters.fa");
    std::fs::write(&path, ">a\nAGATCGGAAGAGC\n>b\nCTGTCTCTTATA\n").unwrap();
    let p = path.to_str().unwrap().to_string();
    (dir, p)
}

#[test]
fn every_run_key_round_trips() {
    let (_dir, fasta) = fasta();
    let defaults = RunSettings::default();
    assert_eq!(keys(&defaults.to_json().unwrap()), case_keys(RUN_CASES));
    for (key, value) in RUN_CASES {
        let value = value.replace("@FASTA", &fasta);
        // UMI extraction needs a location, an index file needs UMIs from an index file.
        let extra = match *key {
            "umi" => r#""umi_loc": "index1", "#,
            "umi_index_file" => r#""umi": true, "umi_loc": "index_file", "#,
            _ => "",
        };
        let mut s = RunSettings::default();
        s.set_json(&format!("{{{extra}\"{key}\": {value}}}"))
            .unwrap_or_else(|e| panic!("{key}: {e}"));
        assert_ne!(s, defaults, "{key} changed nothing");
        let out: Value = serde_json::from_str(&s.to_json().unwrap()).unwrap();
        let want: Value = serde_json::from_str(&value).unwrap();
        assert_eq!(out[*key], want, "{key}");
        let mut back = RunSettings::default();
        back.set_json(&s.to_json().unwrap()).unwrap();
        assert_eq!(back, s, "{key}: to_json then set_json");
    }
}

#[test]
fn every_coverage_key_round_trips() {
    let defaults = CoverageSettings::default();
    assert_eq!(
        keys(&defaults.to_json().unwrap()),
        case_keys(COVERAGE_CASES)
    );
    for (key, value) in COVERAGE_CASES {
        let mut s = CoverageSettings::default();
        s.set_json(&format!("{{\"{key}\": {value}}}"))
            .unwrap_or_else(|e| panic!("{key}: {e}"));
        assert_ne!(s, defaults, "{key} changed nothing");
        let out: Value = serde_json::from_str(&s.to_json().unwrap()).unwrap();
        assert_eq!(out[*key], serde_json::from_str::<Value>(value).unwrap());
        let mut back = CoverageSettings::default();
        back.set_json(&s.to_json().unwrap()).unwrap();
        assert_eq!(back, s, "{key}");
    }
}

#[test]
fn cli_spellings_and_aliases_are_accepted() {
    let mut s = RunSettings::default();
    s.set_json(
        r#"{"allow-empty": true, "threads": 5, "interleaved": true, "compression_level": 1}"#,
    )
    .unwrap();
    assert!(s.engine.allow_empty && s.engine.interleaved_in);
    assert_eq!((s.engine.thread, s.engine.compression), (5, 1));
    s.set_json(r#"{"quality_cutoff": 20}"#).unwrap();
    assert_eq!(s.trim.quality_cutoff.as_deref(), Some("20"));
    let mut c = CoverageSettings::default();
    c.set_json(r#"{"fast-mode": true, "low-coverage": 30, "thread": 1}"#)
        .unwrap();
    assert!(c.fast_mode);
    assert_eq!((c.low_coverage, c.threads), (30, 1));
}

/// The error of `set_json(json)`, which must name `key` and leave the settings unchanged.
fn refused(json: &str, key: &str) -> String {
    let mut s = RunSettings::default();
    s.set_json(r#"{"thread": 3}"#).unwrap();
    let before = s.clone();
    let e = s.set_json(json).unwrap_err();
    assert!(matches!(e, crate::Error::Options(_)), "{json}: {e:?}");
    let msg = e.to_string();
    assert!(msg.contains(key), "{json}: {msg:?} does not name {key}");
    assert_eq!(s, before, "{json}: a failed call changed the settings");
    msg
}

#[test]
fn unknown_keys_and_bad_values_fail_naming_the_key() {
    assert!(
        refused(
            r#"{"cut_tail": true, "no_such_option": 1}"#,
            "no_such_option"
        )
        .contains("unknown key")
    );
    refused(r#"{"thread": "many"}"#, "thread");
    refused(r#"{"cut_tail": 1}"#, "cut_tail");
    refused(r#"{"length_required": -1}"#, "length_required");
    refused(
        r#"{"qualified_quality_phred": 300}"#,
        "qualified_quality_phred",
    );
    refused(r#"{"thread": 999}"#, "thread");
    refused(r#"{"compression": 13}"#, "compression");
    refused(
        r#"{"length_required": 20, "adapter_error_rate": 0.7}"#,
        "adapter_error_rate",
    );
    refused(r#"{"cut_tail_window_size": 0}"#, "cut_tail_window_size");
    refused(r#"{"quality_cutoff": "x"}"#, "quality_cutoff");
    refused(r#"{"quality_cutoff": [1]}"#, "quality_cutoff");
    let msg = refused(r#"{"adapter_preset": "none-such"}"#, "adapter_preset");
    assert!(msg.contains("truseq, nextera, small-rna"), "{msg}");
    refused(
        r#"{"adapter_fasta": "/does/not/exist.fa"}"#,
        "adapter_fasta",
    );
    let msg = refused(r#"{"umi": true, "umi_loc": "nowhere"}"#, "umi_loc");
    assert!(msg.contains("index1, index2, read1"), "{msg}");
    // A location is checked whether or not UMIs are on; `-U` needs one.
    refused(r#"{"umi_loc": "INDEX1"}"#, "umi_loc");
    let msg = refused(r#"{"umi": true}"#, "umi");
    assert!(
        msg.contains("--umi_loc") && msg.contains("per_read"),
        "{msg}"
    );
    refused(r#"{"umi": true, "umi_loc": "read1"}"#, "umi");
    // --umi_loc index_file and --umi_index_file come together.
    let msg = refused(r#"{"umi_index_file": "I1.fq.gz"}"#, "umi_index_file");
    assert!(msg.contains("--umi_loc index_file"), "{msg}");
    let msg = refused(r#"{"umi": true, "umi_loc": "index_file"}"#, "umi_loc");
    assert!(msg.contains("--umi_index_file"), "{msg}");
    refused(
        r#"{"umi": true, "umi_loc": "read1", "umi_len": 8, "umi_index_file": "I1.fq"}"#,
        "umi_index_file",
    );
    refused(
        r#"{"trim_poly_g": true, "disable_trim_poly_g": true}"#,
        "trim_poly_g",
    );
    // Trimming keys are checked even in passthrough mode.
    refused(
        r#"{"passthrough": true, "adapter_error_rate": 2.0}"#,
        "adapter_error_rate",
    );
    for bad in ["[1]", "not json", "\"thread\"", "{\"thread\": 1,}"] {
        let mut s = RunSettings::default();
        assert!(s.set_json(bad).is_err(), "{bad}");
    }
    let mut c = CoverageSettings::default();
    let before = c.clone();
    for (json, key) in [
        (r#"{"presets": "x"}"#, "presets"),
        (r#"{"preset": "nope"}"#, "preset"),
        (r#"{"scan": "sometimes"}"#, "scan"),
        (r#"{"mate_overlap": "half"}"#, "mate_overlap"),
        (r#"{"thresholds": "20,50"}"#, "thresholds"),
        (r#"{"gate": ["no_such_metric>=1"]}"#, "gate"),
        (r#"{"gate": ["median_target_coverage"]}"#, "gate"),
        (r#"{"threads": 5000}"#, "threads"),
    ] {
        let e = c.set_json(json).unwrap_err().to_string();
        assert!(e.contains(key), "{json}: {e}");
        assert_eq!(c, before);
    }
}

#[test]
fn defaults_are_the_engine_defaults() {
    let s = RunSettings::default();
    let p = s.pipeline_options(Layout::Single).unwrap();
    assert_eq!(p, PipelineOptions::default());
    let (t, f) = TrimSettings::default().to_options().unwrap();
    assert_eq!(Some(t), PipelineOptions::default().trim);
    assert_eq!(Some(f), PipelineOptions::default().filter);
    let c = CoverageSettings::default().to_options().unwrap();
    assert_eq!(c, crate::coverage::CoverageOptions::default());
}

/// The CLI parses no argument into the `Default` of each settings struct.
#[cfg(feature = "cli")]
#[test]
fn defaults_are_the_cli_defaults() {
    use clap::Parser;
    #[derive(Parser)]
    struct Trim {
        #[command(flatten)]
        s: TrimSettings,
    }
    #[derive(Parser)]
    struct Coverage {
        #[command(flatten)]
        s: CoverageSettings,
    }
    assert_eq!(
        Trim::try_parse_from(["t"]).unwrap().s,
        TrimSettings::default()
    );
    assert_eq!(
        Coverage::try_parse_from(["c"]).unwrap().s,
        CoverageSettings::default()
    );
    let t = Trim::try_parse_from(["t", "-3", "-x", "-l", "30", "-U", "--umi_loc", "read1"])
        .unwrap()
        .s;
    let j = TrimSettings {
        cut_tail: true,
        trim_poly_x: true,
        length_required: 30,
        umi: true,
        umi_loc: UmiLocName::Read1,
        ..TrimSettings::default()
    };
    assert_eq!(t, j);
}

#[test]
fn json_maps_to_the_engine_options() {
    let mut s = RunSettings::default();
    s.set_json(
        &json!({"adapter_sequence": "agatcggaagagc", "cut_tail": true, "trim_poly_x": true,
        "length_required": 30, "umi": true, "umi_loc": "read1", "umi_len": 8, "trim_front2": 2})
        .to_string(),
    )
    .unwrap();
    let p = s.pipeline_options(Layout::Single).unwrap();
    let t = p.trim.unwrap();
    assert_eq!(t.adapter_r1.as_deref(), Some(&b"AGATCGGAAGAGC"[..]));
    assert!(t.cut_tail && t.poly_x && t.poly_g == PolyG::Auto);
    assert_eq!((t.trim_front1, t.trim_front2), (0, 2));
    let u = t.umi.unwrap();
    assert_eq!((u.loc, u.len), (UmiLoc::Read1, 8));
    let reads = ReadFiles::Single("r.fq".into());
    assert_eq!(s.inputs(reads).umi_index, None);
    assert_eq!(p.filter.unwrap().length_required, 30);
    // The R1 adapter is given: nothing to detect. Without it, single-end input and pairs
    // detect it; with fastp_compat pairs do not (unless detect_adapter_for_pe), as in fastp.
    assert_eq!(p.detect_adapter, [false, false]);
    let d = RunSettings::default();
    assert_eq!(
        d.pipeline_options(Layout::Single).unwrap().detect_adapter,
        [true, false]
    );
    assert_eq!(
        d.pipeline_options(Layout::Paired).unwrap().detect_adapter,
        [true, true]
    );
    let mut pe = RunSettings::default();
    pe.set_json(r#"{"fastp_compat": true}"#).unwrap();
    let got = pe.pipeline_options(Layout::Paired).unwrap();
    assert_eq!(got.detect_adapter, [false, false]);
    let t = got.trim.unwrap();
    assert_eq!((t.overlap.soft_below, t.adapter_quality_aware), (0, false));
    pe.set_json(r#"{"detect_adapter_for_pe": true}"#).unwrap();
    let got = pe.pipeline_options(Layout::Interleaved).unwrap();
    assert_eq!(got.detect_adapter, [true, true]);
    pe.set_json(r#"{"passthrough": true}"#).unwrap();
    let got = pe.pipeline_options(Layout::Paired).unwrap();
    assert_eq!(
        (got.trim, got.filter, got.detect_adapter),
        (None, None, [false; 2])
    );
}

#[test]
fn coverage_json_maps_to_the_library_options() {
    use crate::coverage::{CountMode, MateOverlap, Preset, ScanMode};
    let mut c = CoverageSettings::default();
    c.set_json(
        r#"{"preset": "picard-hs", "mapq": 5, "thresholds": [30, 10, 30], "scan": "full",
        "fast_mode": true, "gate": ["pct_target_bases_30x>=0.5"]}"#,
    )
    .unwrap();
    let o = c.to_options().unwrap();
    assert_eq!(o.preset, Preset::PicardHs);
    assert_eq!((o.min_mapq, o.min_base_quality), (5, 20));
    assert_eq!(
        (o.count, o.mate_overlap),
        (CountMode::AlignmentSpan, MateOverlap::CountBoth)
    );
    assert_eq!(
        (o.scan, o.thresholds.clone()),
        (ScanMode::Full, vec![30, 10, 30])
    );
    assert_eq!(o.gate.len(), 1);
    c.set_json(r#"{"mapq": null}"#).unwrap();
    assert_eq!(c.to_options().unwrap().min_mapq, 20);
}

/// The C API's JSON key `umi_index_file` (with `umi_loc` `index_file`) reaches the engine: the
/// file as an input of the run, the UMI location in the options.
#[test]
fn umi_index_file_maps_to_the_engine_inputs_and_options() {
    let mut s = RunSettings::default();
    s.set_json(
        r#"{"umi": true, "umi_loc": "index_file", "umi_len": 6, "umi_prefix": "UMI",
        "umi_index_file": "run/I1.fastq.gz"}"#,
    )
    .unwrap();
    let p = s.pipeline_options(Layout::Paired).unwrap();
    let index = std::path::Path::new("run/I1.fastq.gz");
    let reads = || ReadFiles::Paired("r1.fq".into(), "r2.fq".into());
    let inputs = s.inputs(reads());
    assert_eq!(inputs.umi_index.as_deref(), Some(index));
    assert_eq!(inputs.reads, reads());
    let u = p.trim.as_ref().and_then(|t| t.umi.clone()).unwrap();
    assert_eq!(
        (u.loc, u.len, u.prefix.as_str()),
        (UmiLoc::IndexFile, 6, "UMI")
    );
    let back: Value = serde_json::from_str(&s.to_json().unwrap()).unwrap();
    assert_eq!(back["umi_index_file"], json!("run/I1.fastq.gz"));
    // Validation only: nothing is trimmed, so the index file is not read either.
    s.set_json(r#"{"passthrough": true}"#).unwrap();
    assert_eq!(s.inputs(reads()).umi_index, None);
    assert_eq!(s.pipeline_options(Layout::Paired).unwrap().trim, None);
    // Clearing the key needs the location cleared too; together they are accepted.
    let e = s.set_json(r#"{"umi_index_file": null}"#).unwrap_err();
    assert!(e.to_string().contains("umi_index_file"), "{e}");
    s.set_json(r#"{"umi_index_file": null, "umi_loc": "index1"}"#)
        .unwrap();
}

/// The fastp-compatibility keys (issue 20) reach the engine, also in passthrough mode.
#[test]
fn fastp_compat_keys_map_to_the_engine_options() {
    for passthrough in [false, true] {
        let mut s = RunSettings::default();
        s.set_json(&format!(
            r#"{{"reads_to_process": 25, "dont_overwrite": true,
                "failed_out": "run/failed.fq", "passthrough": {passthrough}}}"#
        ))
        .unwrap();
        let p = s.pipeline_options(Layout::Paired).unwrap();
        assert_eq!(p.reads_to_process, 25);
        assert!(p.dont_overwrite);
        assert_eq!(
            p.failed_out.as_deref(),
            Some(std::path::Path::new("run/failed.fq"))
        );
    }
}

/// The CLI's defaults are the settings' [`Default`]: clap takes them from there, so parsing no
/// argument gives the default settings.
#[cfg(feature = "cli")]
#[test]
fn cli_defaults_are_the_settings_defaults() {
    use super::EngineSettings;
    use clap::Parser;
    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        engine: EngineSettings,
        #[command(flatten)]
        trim: TrimSettings,
    }
    #[derive(Parser)]
    struct CoverageCli {
        #[command(flatten)]
        coverage: CoverageSettings,
    }
    let cli = Cli::try_parse_from(["panelprep"]).expect("no argument parses");
    assert_eq!(cli.engine, EngineSettings::default());
    assert_eq!(cli.trim, TrimSettings::default());
    let cov = CoverageCli::try_parse_from(["panelprep"]).expect("no argument parses");
    assert_eq!(cov.coverage, CoverageSettings::default());
}

/// `adapter_preset` and `umi_loc` are enums spelled as before in the CLI, the JSON keys and the
/// manifest's `params`: every name round-trips, unknown names fail naming the option and the
/// accepted names.
#[test]
fn adapter_preset_and_umi_loc_names() {
    let presets: Vec<&str> = AdapterPresetName::ALL.iter().map(|p| p.name()).collect();
    assert_eq!(
        presets,
        [
            "truseq",
            "nextera",
            "small-rna",
            "mgi",
            "illumina-pe",
            "illumina-se"
        ]
    );
    let locs: Vec<&str> = UmiLocName::ALL.iter().map(|l| l.name()).collect();
    assert_eq!(
        locs,
        [
            "",
            "index1",
            "index2",
            "read1",
            "read2",
            "per_index",
            "per_read",
            "index_file"
        ]
    );
    for p in AdapterPresetName::ALL {
        let mut s = RunSettings::default();
        s.set_json(&json!({ "adapter_preset": p.name() }).to_string())
            .unwrap();
        assert_eq!(s.trim.adapter_preset, Some(p));
        let out: Value = serde_json::from_str(&s.to_json().unwrap()).unwrap();
        assert_eq!(out["adapter_preset"], json!(p.name()));
        let (t, _) = s.trim.to_options().unwrap();
        let (a1, a2) = p.adapters();
        assert_eq!(
            (t.adapter_r1.unwrap(), t.adapter_r2.unwrap()),
            (a1.to_vec(), a2.to_vec())
        );
    }
    for l in UmiLocName::ALL {
        let mut s = RunSettings::default();
        s.set_json(&json!({ "umi_loc": l.name() }).to_string())
            .unwrap();
        assert_eq!(s.trim.umi_loc, l);
        let out: Value = serde_json::from_str(&s.to_json().unwrap()).unwrap();
        assert_eq!(out["umi_loc"], json!(l.name()));
        assert_eq!(
            l.loc().map(UmiLocName::from),
            (l != UmiLocName::Unset).then_some(l)
        );
    }
    // Presets are read in any case (as before), and written as named.
    let mut s = RunSettings::default();
    s.set_json(r#"{"adapter_preset": "TruSeq"}"#).unwrap();
    assert_eq!(s.trim.adapter_preset, Some(AdapterPresetName::Truseq));
    assert!(
        s.to_json()
            .unwrap()
            .contains(r#""adapter_preset":"truseq""#)
    );
    // The defaults as JSON: no preset, no location.
    let d: Value = serde_json::from_str(&RunSettings::default().to_json().unwrap()).unwrap();
    assert_eq!(
        (&d["adapter_preset"], &d["umi_loc"]),
        (&Value::Null, &json!(""))
    );
    let e = "bogus".parse::<UmiLocName>().unwrap_err();
    assert_eq!(
        e,
        "unknown --umi_loc \"bogus\" (accepted: index1, index2, read1, read2, per_index, \
         per_read, index_file)"
    );
}

/// The CLI takes the same names (presets in any case), refuses others naming the option and
/// the accepted names, and shows no possible values in the help (as before).
#[cfg(feature = "cli")]
#[test]
fn adapter_preset_and_umi_loc_on_the_command_line() {
    use clap::{CommandFactory, Parser};
    #[derive(Parser)]
    struct Trim {
        #[command(flatten)]
        s: TrimSettings,
    }
    let parse = |args: &[&str]| Trim::try_parse_from([&["t"], args].concat());
    for p in AdapterPresetName::ALL {
        let t = parse(&["--adapter_preset", p.name()]).unwrap();
        assert_eq!(t.s.adapter_preset, Some(p));
    }
    let t = parse(&["--adapter_preset", "NEXTERA"]).unwrap();
    assert_eq!(t.s.adapter_preset, Some(AdapterPresetName::Nextera));
    for l in UmiLocName::ALL {
        assert_eq!(parse(&["--umi_loc", l.name()]).unwrap().s.umi_loc, l);
    }
    let e = parse(&["--umi_loc", "bogus"]).err().unwrap().to_string();
    assert!(e.contains("--umi_loc") && e.contains("per_index"), "{e}");
    let e = parse(&["--adapter_preset", "bogus"])
        .err()
        .unwrap()
        .to_string();
    assert!(
        e.contains("--adapter_preset") && e.contains("illumina-se"),
        "{e}"
    );
    let help = Trim::command().render_help().to_string();
    assert!(
        help.contains("(with --umi_index_file) [default: \"\"]"),
        "{help}"
    );
    for values in ["truseq,", "index1,"] {
        assert!(
            !help.contains(&format!("possible values: {values}")),
            "{help}"
        );
    }
}
