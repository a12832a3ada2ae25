//! The options of `panelprep coverage` (besides its paths), as one struct for the CLI (clap,
//! with the `cli` feature), the Rust API and the C API's `pp_coverage_options_set_json`.

use serde::{Deserialize, Serialize};

use super::json;
use crate::Error;
use crate::coverage::{
    CountMode, CoverageError, CoverageOptions, GateLimit, MateOverlap, Preset, ScanMode,
};

/// Coverage settings with the CLI's names (JSON keys take `-` or `_`). [`Default`] is the
/// CLI's defaults: the `mosdepth` preset, 2 threads.
///
/// # Examples
///
/// Panel coverage as `panelprep coverage --bam cov_ok.bam --targets cov_panel.bed -T 1,5`
/// computes it (without writing the files of `--prefix`):
///
/// ```
/// use panelprep::CoverageSettings;
/// let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
/// let mut settings = CoverageSettings::default();
/// settings.set_json(r#"{"thresholds": [1, 5]}"#)?;
/// let options = settings.to_options()?;
/// let report = panelprep::coverage::run(
///     &options,
///     &data.join("cov_ok.bam"),
///     &data.join("cov_panel.bed"),
/// )?;
/// assert_eq!(report.panel.targets, 3);
/// assert_eq!(report.panel.target_territory, 1300);
/// assert!((report.panel.mean_target_coverage - 2.31).abs() < 0.01);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[serde(deny_unknown_fields, default)]
pub struct CoverageSettings {
    /// Threads inflating BGZF blocks.
    #[cfg_attr(feature = "cli", arg(short = 't', long, default_value_t = CoverageSettings::default().threads))]
    pub threads: usize,
    /// Preset: mosdepth (default), mosdepth-fast, picard-hs.
    #[cfg_attr(feature = "cli", arg(long, value_enum, hide_possible_values = true, default_value_t = CoverageSettings::default().preset))]
    pub preset: PresetName,
    /// mosdepth fast mode: whole alignment span, no mate-overlap correction.
    #[cfg_attr(feature = "cli", arg(short = 'x', long))]
    pub fast_mode: bool,
    /// Count whole fragments of proper pairs (leftmost mate start + template length).
    #[cfg_attr(feature = "cli", arg(long))]
    pub fragment_mode: bool,
    /// Mate overlap: count-both, mosdepth, picard-clip (default: from the preset).
    #[cfg_attr(feature = "cli", arg(long, value_enum, hide_possible_values = true))]
    pub mate_overlap: Option<MateOverlapName>,
    /// Depth thresholds, comma-separated (default 20,50,100,250,500,1000).
    #[cfg_attr(feature = "cli", arg(short = 'T', long, value_delimiter = ','))]
    pub thresholds: Option<Vec<u32>>,
    /// Exclude records with any of these flag bits (default: from the preset).
    #[cfg_attr(feature = "cli", arg(short = 'F', long))]
    pub flag: Option<u16>,
    /// Keep only records with at least one of these flag bits.
    #[cfg_attr(feature = "cli", arg(short = 'i', long))]
    pub include_flag: Option<u16>,
    /// Minimum mapping quality (default: from the preset).
    #[cfg_attr(feature = "cli", arg(short = 'Q', long))]
    pub mapq: Option<u8>,
    /// Minimum base quality for a base to count (default: from the preset; 0 = off).
    #[cfg_attr(feature = "cli", arg(long))]
    pub base_quality: Option<u8>,
    /// Depth below which target bases go to PREFIX.lowcov.bed.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = CoverageSettings::default().low_coverage))]
    pub low_coverage: u32,
    /// Which records to read: auto (index when a .bai exists), full, index.
    #[cfg_attr(feature = "cli", arg(long, value_enum, hide_possible_values = true, default_value_t = CoverageSettings::default().scan))]
    pub scan: ScanName,
    /// QC limit, repeatable: METRIC>=VALUE or METRIC<=VALUE (e.g. median_target_coverage>=150).
    #[cfg_attr(feature = "cli", arg(long = "gate"))]
    pub gate: Vec<String>,
    /// picard-hs: depth cap of Picard's histogram (MEDIAN_TARGET_COVERAGE, FOLD_80), as
    /// Picard's COVERAGE_CAP.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = CoverageSettings::default().coverage_cap))]
    pub coverage_cap: u32,
    /// Reference FASTA with its .fai (as mosdepth -f): required for CRAM; gives picard-hs its
    /// %gc column and AT/GC_DROPOUT.
    #[cfg_attr(feature = "cli", arg(short = 'f', long))]
    pub reference: Option<std::path::PathBuf>,
}

impl Default for CoverageSettings {
    fn default() -> Self {
        Self {
            threads: 2,
            preset: PresetName::Mosdepth,
            fast_mode: false,
            fragment_mode: false,
            mate_overlap: None,
            thresholds: None,
            flag: None,
            include_flag: None,
            mapq: None,
            base_quality: None,
            low_coverage: 100,
            scan: ScanName::Auto,
            gate: Vec::new(),
            coverage_cap: crate::coverage::options::DEFAULT_COVERAGE_CAP,
            reference: None,
        }
    }
}

/// Other names accepted for keys: `(alias, key)`.
pub const COVERAGE_ALIASES: &[(&str, &str)] = &[("thread", "threads")];

impl CoverageSettings {
    /// The library options these settings stand for: the preset's, then each setting given.
    pub fn to_options(&self) -> Result<CoverageOptions, CoverageError> {
        let mut opts = Preset::from(self.preset).options();
        if self.fast_mode {
            opts.count = CountMode::AlignmentSpan;
            opts.mate_overlap = MateOverlap::CountBoth;
        }
        if self.fragment_mode {
            opts.count = CountMode::Fragment;
        }
        if let Some(m) = self.mate_overlap {
            opts.mate_overlap = m.into();
        }
        if let Some(t) = &self.thresholds {
            opts.thresholds = t.clone();
        }
        if let Some(f) = self.flag {
            opts.exclude_flags = f;
        }
        if let Some(f) = self.include_flag {
            opts.include_flags = f;
        }
        if let Some(q) = self.mapq {
            opts.min_mapq = q;
        }
        if let Some(q) = self.base_quality {
            opts.min_base_quality = q;
        }
        opts.low_coverage = self.low_coverage;
        opts.coverage_cap = self.coverage_cap;
        opts.reference = self.reference.clone();
        opts.threads = self.threads;
        opts.scan = match self.scan {
            // picard-hs reads every record (Picard's read counts need them all)
            ScanName::Auto if opts.preset == Preset::PicardHs => ScanMode::Full,
            ScanName::Auto => ScanMode::Auto,
            ScanName::Full => ScanMode::Full,
            ScanName::Index => ScanMode::Index,
        };
        for g in &self.gate {
            opts.gate.push(GateLimit::parse(g)?);
        }
        Ok(opts)
    }

    /// Sets the keys of the JSON object `text` (the others keep their value); keys are the
    /// CLI's long option names with `-` or `_` (and `thread` for `threads`). An unknown key, a
    /// value of the wrong type or an invalid value fails with [`Error::Options`] naming the key
    /// and changes nothing.
    pub fn set_json(&mut self, text: &str) -> Result<(), Error> {
        json::apply(self, text, COVERAGE_ALIASES, Self::check)
    }

    /// Every key with its current value, as one JSON object (compact).
    pub fn to_json(&self) -> Result<String, Error> {
        json::to_string(self)
    }

    /// Checks every value as a run would before reading anything (preset, names, thresholds,
    /// gate limits and their metrics); errors are [`Error::Options`].
    pub fn check(&self) -> Result<(), Error> {
        let as_options = |e: CoverageError| match e {
            CoverageError::Options(m) => Error::Options(m),
            other => Error::Options(other.to_string()),
        };
        let mut o = self.to_options().map_err(as_options)?;
        o.validate().map_err(as_options)?;
        for g in &o.gate {
            g.check_known(&o.thresholds).map_err(as_options)?;
        }
        Ok(())
    }
}

/// A coverage preset by name (`--preset`, JSON `"preset"`): the CLI's and the JSON's values of
/// [`Preset`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "kebab-case")]
pub enum PresetName {
    /// mosdepth's defaults.
    Mosdepth,
    /// mosdepth's fast mode (`fast` too).
    #[serde(alias = "fast")]
    #[cfg_attr(feature = "cli", value(alias = "fast"))]
    MosdepthFast,
    /// Picard CollectHsMetrics (`picard` too).
    #[serde(alias = "picard")]
    #[cfg_attr(feature = "cli", value(alias = "picard"))]
    PicardHs,
}

impl From<PresetName> for Preset {
    fn from(p: PresetName) -> Self {
        match p {
            PresetName::Mosdepth => Preset::Mosdepth,
            PresetName::MosdepthFast => Preset::MosdepthFast,
            PresetName::PicardHs => Preset::PicardHs,
        }
    }
}

impl std::str::FromStr for PresetName {
    type Err = Error;

    /// A preset by name, as JSON names it (`mosdepth`, `mosdepth-fast`, `picard-hs`, or
    /// `fast`, `picard`).
    fn from_str(name: &str) -> Result<Self, Error> {
        serde_json::from_value(serde_json::Value::String(name.to_string())).map_err(|_| {
            Error::Options(format!(
                "unknown preset {name:?} (expected mosdepth, mosdepth-fast or picard-hs)"
            ))
        })
    }
}

impl std::fmt::Display for PresetName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            PresetName::Mosdepth => "mosdepth",
            PresetName::MosdepthFast => "mosdepth-fast",
            PresetName::PicardHs => "picard-hs",
        })
    }
}

/// How mates' overlapping bases count (`--mate-overlap`, JSON `"mate_overlap"`): the values
/// of [`MateOverlap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "kebab-case")]
pub enum MateOverlapName {
    /// Both mates count (`none` too).
    #[serde(alias = "none")]
    #[cfg_attr(feature = "cli", value(alias = "none"))]
    CountBoth,
    /// mosdepth's correction.
    Mosdepth,
    /// Picard's clipping (`picard` too).
    #[serde(alias = "picard")]
    #[cfg_attr(feature = "cli", value(alias = "picard"))]
    PicardClip,
}

impl From<MateOverlapName> for MateOverlap {
    fn from(m: MateOverlapName) -> Self {
        match m {
            MateOverlapName::CountBoth => MateOverlap::CountBoth,
            MateOverlapName::Mosdepth => MateOverlap::Mosdepth,
            MateOverlapName::PicardClip => MateOverlap::PicardClip,
        }
    }
}

/// Which records a coverage run reads (`--scan`, JSON `"scan"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "kebab-case")]
pub enum ScanName {
    /// The index when there is one (every record under picard-hs).
    Auto,
    /// Every record.
    Full,
    /// The records the index points to (an index is required).
    Index,
}

impl std::fmt::Display for ScanName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ScanName::Auto => "auto",
            ScanName::Full => "full",
            ScanName::Index => "index",
        })
    }
}
