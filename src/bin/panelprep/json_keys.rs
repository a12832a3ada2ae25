//! Every long option of `panelprep trim` and `panelprep coverage`, besides the paths and
//! report switches the C API takes as arguments, is a JSON key of the C API's options
//! (`pp_options_set_json`, `pp_coverage_options_set_json`) with the CLI's default.

use clap::CommandFactory;
use panelprep::settings::{CoverageSettings, RunSettings};
use serde_json::{Map, Value, json};

/// `trim` options that are not settings: inputs, outputs, report files (C: arguments of
/// `pp_run_*`, `pp_report_json`; `--no-report` is the key `stats`). fastp's `--stdin` and
/// `--stdout` are the path `-` (C: `pp_run_*` paths, or the push API's own streams);
/// `--report_title` titles the HTML report, which only the CLI writes.
const TRIM_NOT_KEYS: &[&str] = &[
    "stdin",
    "stdout",
    "report_title",
    "in1",
    "in2",
    "out1",
    "out2",
    "json",
    "html",
    "manifest",
    "manifest-checksums",
    "no-report",
    "unpaired1",
    "unpaired2",
    "help",
];

/// `coverage` options that are paths (C: arguments of `pp_coverage_run_with_options`), and
/// `gate-exit-zero`, which sets the CLI's exit status (C reads the gate from the report).
const COVERAGE_NOT_KEYS: &[&str] = &["bam", "targets", "prefix", "help", "gate-exit-zero"];

/// True when the JSON default `v` is the CLI default `d` (clap's strings).
fn same_default(v: &Value, d: &[String]) -> bool {
    match v {
        Value::Null => d.is_empty(),
        Value::Array(a) => a.is_empty() && d.is_empty(),
        Value::Bool(b) => d == [b.to_string()] || (!b && d.is_empty()),
        Value::Number(n) => {
            d.len() == 1 && d[0].parse::<f64>().ok() == n.as_f64() && n.as_f64().is_some()
        }
        Value::String(s) => d == [s.clone()],
        Value::Object(_) => false,
    }
}

fn check(sub: &str, not_keys: &[&str], defaults: &str, set: impl Fn(&str) -> Result<(), String>) {
    let mut cli = super::Cli::command();
    cli.build();
    let cmd = cli.find_subcommand(sub).expect("subcommand");
    let defaults: Map<String, Value> = serde_json::from_str(defaults).expect("defaults JSON");
    let mut checked = 0;
    for arg in cmd.get_arguments() {
        let Some(long) = arg.get_long() else {
            continue;
        };
        if not_keys.contains(&long) {
            continue;
        }
        let key = long.replace('-', "_");
        let value = defaults
            .get(&key)
            .unwrap_or_else(|| panic!("{sub} --{long}: no JSON key {key:?}"));
        let aliases = arg.get_visible_aliases().unwrap_or_default();
        for name in std::iter::once(long).chain(aliases) {
            let j = json!({ name: value }).to_string();
            set(&j).unwrap_or_else(|e| panic!("{sub} --{long}: {j} refused: {e}"));
        }
        let d: Vec<String> = arg
            .get_default_values()
            .iter()
            .map(|v| v.to_string_lossy().into_owned())
            .collect();
        assert!(
            same_default(value, &d),
            "{sub} --{long}: CLI default {d:?}, JSON default {value}"
        );
        checked += 1;
    }
    assert!(checked >= 10, "{sub}: only {checked} options checked");
}

#[test]
fn every_trim_option_is_a_json_key_with_the_same_default() {
    let defaults = RunSettings::default().to_json().expect("to_json");
    check("trim", TRIM_NOT_KEYS, &defaults, |j| {
        RunSettings::default()
            .set_json(j)
            .map_err(|e| e.to_string())
    });
}

#[test]
fn every_coverage_option_is_a_json_key_with_the_same_default() {
    let defaults = CoverageSettings::default().to_json().expect("to_json");
    check("coverage", COVERAGE_NOT_KEYS, &defaults, |j| {
        CoverageSettings::default()
            .set_json(j)
            .map_err(|e| e.to_string())
    });
}
