//! The trimming, filtering and UMI settings of `panelprep trim`, named as fastp names them.
//!
//! One struct serves the CLI (clap, with the `cli` feature), the Rust API and the C API's JSON
//! keys, so the three share one list of names, defaults and help texts. The mapping to the
//! engine's option structs is in `trim_options.rs`.

use std::path::PathBuf;

use serde::{Deserialize, Deserializer, Serialize};

use super::{AdapterPresetName, UmiLocName};

/// Trimming, filtering and UMI options with fastp's names and defaults: the options of
/// `panelprep trim` (flattened into the CLI with the `cli` feature) and the trimming keys of
/// the C API's `pp_options_set_json`. [`Default`] is the CLI's defaults (fastp's).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[serde(deny_unknown_fields, default)]
pub struct TrimSettings {
    /// Read 1 adapter; `auto` detects it from the first reads (single-end default).
    #[cfg_attr(
        feature = "cli",
        arg(short = 'a', long = "adapter_sequence", default_value_t = TrimSettings::default().adapter_sequence)
    )]
    pub adapter_sequence: String,
    /// Read 2 adapter (`auto`: detected for pairs; none with --fastp_compat unless
    /// --detect_adapter_for_pe).
    #[cfg_attr(
        feature = "cli",
        arg(long = "adapter_sequence_r2", default_value_t = TrimSettings::default().adapter_sequence_r2)
    )]
    pub adapter_sequence_r2: String,
    /// FASTA file of extra adapters searched in every read.
    #[cfg_attr(feature = "cli", arg(long = "adapter_fasta"))]
    pub adapter_fasta: Option<PathBuf>,
    /// Adapter preset: truseq, nextera, small-rna, mgi (sets both adapters).
    #[cfg_attr(
        feature = "cli",
        arg(
            long = "adapter_preset",
            value_enum,
            ignore_case = true,
            hide_possible_values = true
        )
    )]
    pub adapter_preset: Option<AdapterPresetName>,
    /// Disable adapter trimming.
    #[cfg_attr(feature = "cli", arg(short = 'A', long = "disable_adapter_trimming"))]
    pub disable_adapter_trimming: bool,
    /// Detect adapters for paired-end input too (per mate). On by default since panelprep
    /// 0.2 (fastp recommends it and most runs forget it); kept for fastp command lines, and
    /// needed with --fastp_compat.
    #[cfg_attr(feature = "cli", arg(long = "detect_adapter_for_pe"))]
    pub detect_adapter_for_pe: bool,
    /// fastp's exact default behaviour: no adapter detection for pairs unless
    /// --detect_adapter_for_pe, every overlap and adapter mismatch counted alike whatever its
    /// quality, and each mate trimmed on its own when the pair gives no insert.
    #[cfg_attr(feature = "cli", arg(long = "fastp_compat"))]
    pub fastp_compat: bool,
    /// Shortest adapter prefix trimmed at a 3' end.
    #[cfg_attr(
        feature = "cli",
        arg(long = "adapter_min_overlap", default_value_t = TrimSettings::default().adapter_min_overlap)
    )]
    pub adapter_min_overlap: usize,
    /// Mismatches allowed per aligned adapter base.
    #[cfg_attr(
        feature = "cli",
        arg(long = "adapter_error_rate", default_value_t = TrimSettings::default().adapter_error_rate)
    )]
    pub adapter_error_rate: f64,
    /// Count adapter mismatches at bases below Q15 only beyond the error rate: true/false.
    #[cfg_attr(feature = "cli", arg(long = "adapter_quality_aware", default_value_t = TrimSettings::default().adapter_quality_aware, action = clap::ArgAction::Set))]
    pub adapter_quality_aware: bool,
    /// Shortest adapter prefix trimmed from one mate when the pair gives no insert call.
    #[cfg_attr(
        feature = "cli",
        arg(long = "adapter_min_overlap_pe", default_value_t = TrimSettings::default().adapter_min_overlap_pe)
    )]
    pub adapter_min_overlap_pe: usize,
    /// Minimum overlap of the mates for an overlap-only insert call.
    #[cfg_attr(
        feature = "cli",
        arg(long = "overlap_len_require", default_value_t = TrimSettings::default().overlap_len_require)
    )]
    pub overlap_len_require: usize,
    /// Mismatches allowed in an overlap-only call.
    #[cfg_attr(feature = "cli", arg(long = "overlap_diff_limit", default_value_t = TrimSettings::default().overlap_diff_limit))]
    pub overlap_diff_limit: usize,
    /// Mismatch percentage allowed in an overlap-only call.
    #[cfg_attr(
        feature = "cli",
        arg(long = "overlap_diff_percent_limit", default_value_t = TrimSettings::default().overlap_diff_percent_limit)
    )]
    pub overlap_diff_percent_limit: f64,
    /// Correct mismatched overlap bases from the better-quality mate.
    #[cfg_attr(feature = "cli", arg(short = 'c', long = "correction"))]
    pub correction: bool,
    /// Force poly-G trimming (default: auto for two-colour instruments).
    #[cfg_attr(feature = "cli", arg(short = 'g', long = "trim_poly_g"))]
    pub trim_poly_g: bool,
    /// Disable poly-G trimming.
    #[cfg_attr(feature = "cli", arg(short = 'G', long = "disable_trim_poly_g"))]
    pub disable_trim_poly_g: bool,
    /// Minimum poly-G run.
    #[cfg_attr(feature = "cli", arg(long = "poly_g_min_len", default_value_t = TrimSettings::default().poly_g_min_len))]
    pub poly_g_min_len: usize,
    /// Poly-X trimming.
    #[cfg_attr(feature = "cli", arg(short = 'x', long = "trim_poly_x"))]
    pub trim_poly_x: bool,
    /// Minimum poly-X run.
    #[cfg_attr(feature = "cli", arg(long = "poly_x_min_len", default_value_t = TrimSettings::default().poly_x_min_len))]
    pub poly_x_min_len: usize,
    /// Sliding-window cut from the 5' end.
    #[cfg_attr(feature = "cli", arg(short = '5', long = "cut_front"))]
    pub cut_front: bool,
    /// Sliding-window cut from the 3' end.
    #[cfg_attr(feature = "cli", arg(short = '3', long = "cut_tail"))]
    pub cut_tail: bool,
    /// Sliding window from 5' to 3'; cut at the first low-quality window.
    #[cfg_attr(feature = "cli", arg(short = 'r', long = "cut_right"))]
    pub cut_right: bool,
    /// Default window size of the cuts.
    #[cfg_attr(
        feature = "cli",
        arg(short = 'W', long = "cut_window_size", default_value_t = TrimSettings::default().cut_window_size)
    )]
    pub cut_window_size: usize,
    /// Default mean quality of the cuts.
    #[cfg_attr(
        feature = "cli",
        arg(short = 'M', long = "cut_mean_quality", default_value_t = TrimSettings::default().cut_mean_quality)
    )]
    pub cut_mean_quality: u8,
    /// Window size of --cut_front (default -W).
    #[cfg_attr(feature = "cli", arg(long = "cut_front_window_size"))]
    pub cut_front_window_size: Option<usize>,
    /// Mean quality of --cut_front (default -M).
    #[cfg_attr(feature = "cli", arg(long = "cut_front_mean_quality"))]
    pub cut_front_mean_quality: Option<u8>,
    /// Window size of --cut_tail (default -W).
    #[cfg_attr(feature = "cli", arg(long = "cut_tail_window_size"))]
    pub cut_tail_window_size: Option<usize>,
    /// Mean quality of --cut_tail (default -M).
    #[cfg_attr(feature = "cli", arg(long = "cut_tail_mean_quality"))]
    pub cut_tail_mean_quality: Option<u8>,
    /// Window size of --cut_right (default -W).
    #[cfg_attr(feature = "cli", arg(long = "cut_right_window_size"))]
    pub cut_right_window_size: Option<usize>,
    /// Mean quality of --cut_right (default -M).
    #[cfg_attr(feature = "cli", arg(long = "cut_right_mean_quality"))]
    pub cut_right_mean_quality: Option<u8>,
    /// BWA-style quality trimming as cutadapt -q: `BACK` or `FRONT,BACK`.
    #[cfg_attr(feature = "cli", arg(long = "quality_cutoff"))]
    #[serde(deserialize_with = "text_or_number")]
    pub quality_cutoff: Option<String>,
    /// Trailing G counts as low quality in BWA trimming, with this cutoff (cutadapt --nextseq-trim).
    #[cfg_attr(feature = "cli", arg(long = "nextseq_trim"))]
    pub nextseq_trim: Option<u8>,
    /// Bases cut from the 5' end of read 1.
    #[cfg_attr(
        feature = "cli",
        arg(short = 'f', long = "trim_front1", default_value_t = TrimSettings::default().trim_front1)
    )]
    pub trim_front1: usize,
    /// Bases cut from the 3' end of read 1.
    #[cfg_attr(
        feature = "cli",
        arg(short = 't', long = "trim_tail1", default_value_t = TrimSettings::default().trim_tail1)
    )]
    pub trim_tail1: usize,
    /// Bases cut from the 5' end of read 2 (default: as read 1).
    #[cfg_attr(feature = "cli", arg(short = 'F', long = "trim_front2"))]
    pub trim_front2: Option<usize>,
    /// Bases cut from the 3' end of read 2 (default: as read 1).
    #[cfg_attr(feature = "cli", arg(short = 'T', long = "trim_tail2"))]
    pub trim_tail2: Option<usize>,
    /// Read 1 maximum length after trimming (0 = none).
    #[cfg_attr(
        feature = "cli",
        arg(short = 'b', long = "max_len1", default_value_t = TrimSettings::default().max_len1)
    )]
    pub max_len1: usize,
    /// Read 2 maximum length (default: as read 1).
    #[cfg_attr(feature = "cli", arg(short = 'B', long = "max_len2"))]
    pub max_len2: Option<usize>,
    /// Disable quality filtering (also the N limit).
    #[cfg_attr(feature = "cli", arg(short = 'Q', long = "disable_quality_filtering"))]
    pub disable_quality_filtering: bool,
    /// Qualified base quality.
    #[cfg_attr(
        feature = "cli",
        arg(short = 'q', long = "qualified_quality_phred", default_value_t = TrimSettings::default().qualified_quality_phred)
    )]
    pub qualified_quality_phred: u8,
    /// Percent of unqualified bases allowed.
    #[cfg_attr(
        feature = "cli",
        arg(
            short = 'u',
            long = "unqualified_percent_limit",
            default_value_t = TrimSettings::default().unqualified_percent_limit
        )
    )]
    pub unqualified_percent_limit: f64,
    /// Maximum N bases per read.
    #[cfg_attr(
        feature = "cli",
        arg(short = 'n', long = "n_base_limit", default_value_t = TrimSettings::default().n_base_limit)
    )]
    pub n_base_limit: usize,
    /// Minimum mean quality (0 = off).
    #[cfg_attr(
        feature = "cli",
        arg(short = 'e', long = "average_qual", default_value_t = TrimSettings::default().average_qual)
    )]
    pub average_qual: u8,
    /// Disable length filtering.
    #[cfg_attr(feature = "cli", arg(short = 'L', long = "disable_length_filtering"))]
    pub disable_length_filtering: bool,
    /// Minimum read length.
    #[cfg_attr(
        feature = "cli",
        arg(short = 'l', long = "length_required", default_value_t = TrimSettings::default().length_required)
    )]
    pub length_required: usize,
    /// Maximum read length (0 = none).
    #[cfg_attr(feature = "cli", arg(long = "length_limit", default_value_t = TrimSettings::default().length_limit))]
    pub length_limit: usize,
    /// Low-complexity filter.
    #[cfg_attr(feature = "cli", arg(short = 'y', long = "low_complexity_filter"))]
    pub low_complexity_filter: bool,
    /// Complexity threshold, percent.
    #[cfg_attr(
        feature = "cli",
        arg(short = 'Y', long = "complexity_threshold", default_value_t = TrimSettings::default().complexity_threshold)
    )]
    pub complexity_threshold: f64,
    /// UMI processing.
    #[cfg_attr(feature = "cli", arg(short = 'U', long = "umi"))]
    pub umi: bool,
    /// UMI location: index1, index2, read1, read2, per_index, per_read, index_file (with
    /// --umi_index_file).
    #[cfg_attr(feature = "cli", arg(long = "umi_loc", value_enum, hide_possible_values = true, default_value_t = TrimSettings::default().umi_loc))]
    pub umi_loc: UmiLocName,
    /// UMI length (read locations; index locations: the first N bases, 0 = all).
    #[cfg_attr(feature = "cli", arg(long = "umi_len", default_value_t = TrimSettings::default().umi_len))]
    pub umi_len: usize,
    /// UMI name prefix.
    #[cfg_attr(feature = "cli", arg(long = "umi_prefix", default_value_t = TrimSettings::default().umi_prefix))]
    pub umi_prefix: String,
    /// Bases skipped after a read UMI.
    #[cfg_attr(feature = "cli", arg(long = "umi_skip", default_value_t = TrimSettings::default().umi_skip))]
    pub umi_skip: usize,
    /// FASTQ of index reads whose sequence is the UMI, with `--umi_loc index_file` (I1/I2 from
    /// bcl2fastq or BCL Convert `--create-fastq-for-index-reads`; plain, gzip or BGZF): record
    /// N gives read (pair) N its UMI and must carry read 1's name. Not in fastp.
    #[cfg_attr(feature = "cli", arg(long = "umi_index_file", value_name = "PATH"))]
    pub umi_index_file: Option<PathBuf>,

    // --- fastp command-line compatibility (issue 20): run scope and extra outputs. ---
    /// Reads (single-end) or pairs to process from the start of the input, 0 = all (fastp
    /// `--reads_to_process`).
    #[cfg_attr(feature = "cli", arg(long = "reads_to_process", default_value_t = TrimSettings::default().reads_to_process))]
    pub reads_to_process: u64,
    /// Refuse to run when an output file already exists (fastp `--dont_overwrite`).
    #[cfg_attr(feature = "cli", arg(long = "dont_overwrite"))]
    pub dont_overwrite: bool,
    /// Reads that fail a filter, as they were read, the reason appended to the title (fastp
    /// `--failed_out`: `failed_quality_filter`, `failed_too_short`..., `paired_read_is_failing`
    /// for the passing mate of a failed pair).
    #[cfg_attr(feature = "cli", arg(long = "failed_out", value_name = "PATH"))]
    pub failed_out: Option<PathBuf>,

    // --- fastp command-line compatibility (issue 20g): merging, deduplication, splitting. ---
    /// Merge each overlapping pair into one read (fastp `-m/--merge`; turns on --correction as
    /// fastp does): read 1 up to the end of the overlap, then read 2's reverse complement,
    /// named `NAME COMMENT merged_LEN1_LEN2`. Unmerged pairs go to --out1/--out2.
    #[cfg_attr(feature = "cli", arg(short = 'm', long = "merge"))]
    pub merge: bool,
    /// Where merged reads go with --merge (fastp `--merged_out`; without it, --stdout, or
    /// --out1 given without --out2, takes them, as in fastp).
    #[cfg_attr(feature = "cli", arg(long = "merged_out", value_name = "PATH"))]
    pub merged_out: Option<PathBuf>,
    /// With --merge: the passing reads of unmerged pairs go to --merged_out too (--out1,
    /// --out2, --unpaired1/2 are then ignored, as in fastp).
    #[cfg_attr(feature = "cli", arg(long = "include_unmerged"))]
    pub include_unmerged: bool,
    /// Drop reads (pairs) whose sequences repeat an earlier read's (pair's), keeping the
    /// first in input order (fastp `-D/--dedup`; exact here, see the README).
    #[cfg_attr(feature = "cli", arg(short = 'D', long = "dedup"))]
    pub dedup: bool,
    /// fastp's memory level for its duplicate hash (1-6); accepted and ignored: panelprep's
    /// duplicate filter is exact (fastp `--dup_calc_accuracy`).
    #[cfg_attr(feature = "cli", arg(long = "dup_calc_accuracy", value_name = "N"))]
    pub dup_calc_accuracy: Option<u8>,
    /// A space before a title's trailing `/1` or `/2`, as MGI names need for most tools
    /// (fastp `--fix_mgi_id`).
    #[cfg_attr(feature = "cli", arg(long = "fix_mgi_id"))]
    pub fix_mgi_id: bool,
    /// Drop reads whose index 1 (in the title, after the last `:`) is in this file of
    /// barcodes, one a line (fastp `--filter_by_index1`).
    #[cfg_attr(feature = "cli", arg(long = "filter_by_index1", value_name = "PATH"))]
    pub filter_by_index1: Option<PathBuf>,
    /// Drop pairs whose read 2 index 2 (after the last `:` or `+`) is in this file (fastp
    /// `--filter_by_index2`).
    #[cfg_attr(feature = "cli", arg(long = "filter_by_index2", value_name = "PATH"))]
    pub filter_by_index2: Option<PathBuf>,
    /// Mismatches allowed between an index and a barcode (fastp `--filter_by_index_threshold`).
    #[cfg_attr(
        feature = "cli",
        arg(long = "filter_by_index_threshold", default_value_t = TrimSettings::default().filter_by_index_threshold)
    )]
    pub filter_by_index_threshold: usize,
    /// Split --out1/--out2 into this many files, 2-999, named `0001.NAME`... (fastp
    /// `-s/--split`; the reads are counted first, so not from stdin).
    #[cfg_attr(
        feature = "cli",
        arg(short = 's', long = "split", conflicts_with = "split_by_lines")
    )]
    pub split: Option<usize>,
    /// Split --out1/--out2 into files of this many lines, a multiple of 4 and at least 1000
    /// (fastp `-S/--split_by_lines`).
    #[cfg_attr(feature = "cli", arg(short = 'S', long = "split_by_lines"))]
    pub split_by_lines: Option<u64>,
    /// Digits of the split file numbers, 0-10 (0: no padding) (fastp
    /// `-d/--split_prefix_digits`).
    #[cfg_attr(
        feature = "cli",
        arg(short = 'd', long = "split_prefix_digits", default_value_t = TrimSettings::default().split_prefix_digits)
    )]
    pub split_prefix_digits: usize,
}

impl Default for TrimSettings {
    fn default() -> Self {
        Self {
            adapter_sequence: "auto".into(),
            adapter_sequence_r2: "auto".into(),
            adapter_fasta: None,
            adapter_preset: None,
            disable_adapter_trimming: false,
            detect_adapter_for_pe: false,
            fastp_compat: false,
            adapter_min_overlap: 4,
            adapter_error_rate: 0.1,
            adapter_quality_aware: true,
            adapter_min_overlap_pe: 8,
            overlap_len_require: 30,
            overlap_diff_limit: 5,
            overlap_diff_percent_limit: 20.0,
            correction: false,
            trim_poly_g: false,
            disable_trim_poly_g: false,
            poly_g_min_len: 10,
            trim_poly_x: false,
            poly_x_min_len: 10,
            cut_front: false,
            cut_tail: false,
            cut_right: false,
            cut_window_size: 4,
            cut_mean_quality: 20,
            cut_front_window_size: None,
            cut_front_mean_quality: None,
            cut_tail_window_size: None,
            cut_tail_mean_quality: None,
            cut_right_window_size: None,
            cut_right_mean_quality: None,
            quality_cutoff: None,
            nextseq_trim: None,
            trim_front1: 0,
            trim_tail1: 0,
            trim_front2: None,
            trim_tail2: None,
            max_len1: 0,
            max_len2: None,
            disable_quality_filtering: false,
            qualified_quality_phred: 15,
            unqualified_percent_limit: 40.0,
            n_base_limit: 5,
            average_qual: 0,
            disable_length_filtering: false,
            length_required: 15,
            length_limit: 0,
            low_complexity_filter: false,
            complexity_threshold: 30.0,
            umi: false,
            umi_loc: UmiLocName::Unset,
            umi_len: 0,
            umi_prefix: String::new(),
            umi_skip: 0,
            umi_index_file: None,
            reads_to_process: 0,
            dont_overwrite: false,
            failed_out: None,
            merge: false,
            merged_out: None,
            include_unmerged: false,
            dedup: false,
            dup_calc_accuracy: None,
            fix_mgi_id: false,
            filter_by_index1: None,
            filter_by_index2: None,
            filter_by_index_threshold: 0,
            split: None,
            split_by_lines: None,
            split_prefix_digits: 4,
        }
    }
}

/// `quality_cutoff` from JSON: `null`, a string (`"20"`, `"10,20"`) or a number (`20`).
fn text_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    use serde::de::Error as _;
    match Option::<serde_json::Value>::deserialize(d)? {
        None => Ok(None),
        Some(serde_json::Value::String(s)) => Ok(Some(s)),
        Some(serde_json::Value::Number(n)) => Ok(Some(n.to_string())),
        Some(other) => Err(D::Error::custom(format!(
            "expected \"BACK\", \"FRONT,BACK\" or a number, got {other}"
        ))),
    }
}
