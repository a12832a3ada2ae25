//! `panelprep trim` trimming and filtering options, with fastp's names and defaults.

use std::path::PathBuf;

use panelprep::filter::FilterOptions;
use panelprep::trim::{self, PolyG, TrimOptions, UmiOptions};

/// Trimming and filtering options (flatten into a clap command).
#[derive(clap::Args, Debug, Clone)]
pub struct TrimArgs {
    /// Read 1 adapter; `auto` detects it from the first reads (single-end default).
    #[arg(short = 'a', long = "adapter_sequence", default_value = "auto")]
    pub adapter_sequence: String,
    /// Read 2 adapter (`auto`: none unless --detect_adapter_for_pe).
    #[arg(long = "adapter_sequence_r2", default_value = "auto")]
    pub adapter_sequence_r2: String,
    /// FASTA file of extra adapters searched in every read.
    #[arg(long = "adapter_fasta")]
    pub adapter_fasta: Option<PathBuf>,
    /// Adapter preset: truseq, nextera, small-rna, mgi (sets both adapters).
    #[arg(long = "adapter_preset")]
    pub adapter_preset: Option<String>,
    /// Disable adapter trimming.
    #[arg(short = 'A', long = "disable_adapter_trimming")]
    pub disable_adapter_trimming: bool,
    /// Detect adapters for paired-end input too (per mate).
    #[arg(long = "detect_adapter_for_pe")]
    pub detect_adapter_for_pe: bool,
    /// Shortest adapter prefix trimmed at a 3' end.
    #[arg(long = "adapter_min_overlap", default_value_t = 4)]
    pub adapter_min_overlap: usize,
    /// Mismatches allowed per aligned adapter base.
    #[arg(long = "adapter_error_rate", default_value_t = 0.1)]
    pub adapter_error_rate: f64,
    /// Count adapter mismatches at bases below Q15 only beyond the error rate: true/false.
    #[arg(long = "adapter_quality_aware", default_value_t = true, action = clap::ArgAction::Set)]
    pub adapter_quality_aware: bool,
    /// Shortest adapter prefix trimmed from one mate when the pair gives no insert call.
    #[arg(long = "adapter_min_overlap_pe", default_value_t = 8)]
    pub adapter_min_overlap_pe: usize,
    /// Minimum overlap of the mates for an overlap-only insert call.
    #[arg(long = "overlap_len_require", default_value_t = 30)]
    pub overlap_len_require: usize,
    /// Mismatches allowed in an overlap-only call.
    #[arg(long = "overlap_diff_limit", default_value_t = 5)]
    pub overlap_diff_limit: usize,
    /// Mismatch percentage allowed in an overlap-only call.
    #[arg(long = "overlap_diff_percent_limit", default_value_t = 20.0)]
    pub overlap_diff_percent_limit: f64,
    /// Correct mismatched overlap bases from the better-quality mate.
    #[arg(short = 'c', long = "correction")]
    pub correction: bool,
    /// Force poly-G trimming (default: auto for two-colour instruments).
    #[arg(short = 'g', long = "trim_poly_g")]
    pub trim_poly_g: bool,
    /// Disable poly-G trimming.
    #[arg(short = 'G', long = "disable_trim_poly_g")]
    pub disable_trim_poly_g: bool,
    /// Minimum poly-G run.
    #[arg(long = "poly_g_min_len", default_value_t = 10)]
    pub poly_g_min_len: usize,
    /// Poly-X trimming.
    #[arg(short = 'x', long = "trim_poly_x")]
    pub trim_poly_x: bool,
    /// Minimum poly-X run.
    #[arg(long = "poly_x_min_len", default_value_t = 10)]
    pub poly_x_min_len: usize,
    /// Sliding-window cut from the 5' end.
    #[arg(short = '5', long = "cut_front")]
    pub cut_front: bool,
    /// Sliding-window cut from the 3' end.
    #[arg(short = '3', long = "cut_tail")]
    pub cut_tail: bool,
    /// Sliding window from 5' to 3'; cut at the first low-quality window.
    #[arg(short = 'r', long = "cut_right")]
    pub cut_right: bool,
    /// Default window size of the cuts.
    #[arg(short = 'W', long = "cut_window_size", default_value_t = 4)]
    pub cut_window_size: usize,
    /// Default mean quality of the cuts.
    #[arg(short = 'M', long = "cut_mean_quality", default_value_t = 20)]
    pub cut_mean_quality: u8,
    /// Window size of --cut_front (default -W).
    #[arg(long = "cut_front_window_size")]
    pub cut_front_window_size: Option<usize>,
    /// Mean quality of --cut_front (default -M).
    #[arg(long = "cut_front_mean_quality")]
    pub cut_front_mean_quality: Option<u8>,
    /// Window size of --cut_tail (default -W).
    #[arg(long = "cut_tail_window_size")]
    pub cut_tail_window_size: Option<usize>,
    /// Mean quality of --cut_tail (default -M).
    #[arg(long = "cut_tail_mean_quality")]
    pub cut_tail_mean_quality: Option<u8>,
    /// Window size of --cut_right (default -W).
    #[arg(long = "cut_right_window_size")]
    pub cut_right_window_size: Option<usize>,
    /// Mean quality of --cut_right (default -M).
    #[arg(long = "cut_right_mean_quality")]
    pub cut_right_mean_quality: Option<u8>,
    /// BWA-style quality trimming as cutadapt -q: `BACK` or `FRONT,BACK`.
    #[arg(long = "quality_cutoff")]
    pub quality_cutoff: Option<String>,
    /// Trailing G counts as low quality in BWA trimming, with this cutoff (cutadapt --nextseq-trim).
    #[arg(long = "nextseq_trim")]
    pub nextseq_trim: Option<u8>,
    /// Bases cut from the 5' end of read 1.
    #[arg(short = 'f', long = "trim_front1", default_value_t = 0)]
    pub trim_front1: usize,
    /// Bases cut from the 3' end of read 1.
    #[arg(short = 't', long = "trim_tail1", default_value_t = 0)]
    pub trim_tail1: usize,
    /// Bases cut from the 5' end of read 2 (default: as read 1).
    #[arg(short = 'F', long = "trim_front2")]
    pub trim_front2: Option<usize>,
    /// Bases cut from the 3' end of read 2 (default: as read 1).
    #[arg(short = 'T', long = "trim_tail2")]
    pub trim_tail2: Option<usize>,
    /// Read 1 maximum length after trimming (0 = none).
    #[arg(short = 'b', long = "max_len1", default_value_t = 0)]
    pub max_len1: usize,
    /// Read 2 maximum length (default: as read 1).
    #[arg(short = 'B', long = "max_len2")]
    pub max_len2: Option<usize>,
    /// Disable quality filtering (also the N limit).
    #[arg(short = 'Q', long = "disable_quality_filtering")]
    pub disable_quality_filtering: bool,
    /// Qualified base quality.
    #[arg(short = 'q', long = "qualified_quality_phred", default_value_t = 15)]
    pub qualified_quality_phred: u8,
    /// Percent of unqualified bases allowed.
    #[arg(
        short = 'u',
        long = "unqualified_percent_limit",
        default_value_t = 40.0
    )]
    pub unqualified_percent_limit: f64,
    /// Maximum N bases per read.
    #[arg(short = 'n', long = "n_base_limit", default_value_t = 5)]
    pub n_base_limit: usize,
    /// Minimum mean quality (0 = off).
    #[arg(short = 'e', long = "average_qual", default_value_t = 0)]
    pub average_qual: u8,
    /// Disable length filtering.
    #[arg(short = 'L', long = "disable_length_filtering")]
    pub disable_length_filtering: bool,
    /// Minimum read length.
    #[arg(short = 'l', long = "length_required", default_value_t = 15)]
    pub length_required: usize,
    /// Maximum read length (0 = none).
    #[arg(long = "length_limit", default_value_t = 0)]
    pub length_limit: usize,
    /// Low-complexity filter.
    #[arg(short = 'y', long = "low_complexity_filter")]
    pub low_complexity_filter: bool,
    /// Complexity threshold, percent.
    #[arg(short = 'Y', long = "complexity_threshold", default_value_t = 30.0)]
    pub complexity_threshold: f64,
    /// UMI processing.
    #[arg(short = 'U', long = "umi")]
    pub umi: bool,
    /// UMI location: index1, index2, read1, read2, per_index, per_read, index_file.
    #[arg(long = "umi_loc", default_value = "")]
    pub umi_loc: String,
    /// UMI length (read locations).
    #[arg(long = "umi_len", default_value_t = 0)]
    pub umi_len: usize,
    /// UMI name prefix.
    #[arg(long = "umi_prefix", default_value = "")]
    pub umi_prefix: String,
    /// Bases skipped after a read UMI.
    #[arg(long = "umi_skip", default_value_t = 0)]
    pub umi_skip: usize,
}

fn seq_arg(s: &str) -> Option<Vec<u8>> {
    let s = s.trim();
    if s.is_empty() || s.eq_ignore_ascii_case("auto") {
        None
    } else {
        Some(s.as_bytes().to_ascii_uppercase())
    }
}

impl TrimArgs {
    /// Converts the arguments into library options (reads `--adapter_fasta`). Adapter
    /// auto-detection (`auto`) is left to the caller: [`TrimArgs::wants_detection`].
    pub fn to_options(&self) -> Result<(TrimOptions, FilterOptions), String> {
        let d = TrimOptions::default();
        let w = self.cut_window_size;
        let m = self.cut_mean_quality;
        let (mut a1, mut a2) = (
            seq_arg(&self.adapter_sequence),
            seq_arg(&self.adapter_sequence_r2),
        );
        if let Some(p) = &self.adapter_preset {
            let (p1, p2) =
                trim::preset(p).ok_or_else(|| format!("unknown --adapter_preset {p:?}"))?;
            a1 = a1.or(Some(p1.to_vec()));
            a2 = a2.or(Some(p2.to_vec()));
        }
        let adapter_fasta = match &self.adapter_fasta {
            Some(p) => {
                let text = std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()))?;
                trim::parse_fasta(&text).map_err(|e| format!("{}: {e}", p.display()))?
            }
            None => Vec::new(),
        };
        let (qf, qb) = match &self.quality_cutoff {
            None => (0, 0),
            Some(s) => {
                let parse = |x: &str| {
                    x.trim()
                        .parse::<u8>()
                        .map_err(|_| format!("bad --quality_cutoff {s:?}"))
                };
                match s.split_once(',') {
                    Some((f, b)) => (parse(f)?, parse(b)?),
                    None => (0, parse(s)?),
                }
            }
        };
        let (qb, nextseq) = match self.nextseq_trim {
            Some(c) => (c, true),
            None => (qb, false),
        };
        if self.trim_poly_g && self.disable_trim_poly_g {
            return Err("--trim_poly_g and --disable_trim_poly_g contradict".into());
        }
        let umi = if self.umi {
            let loc = self.umi_loc.parse()?;
            let u = UmiOptions {
                loc,
                len: self.umi_len,
                prefix: self.umi_prefix.clone(),
                skip: self.umi_skip,
            };
            u.validate()?;
            Some(u)
        } else {
            None
        };
        let t = TrimOptions {
            adapter_trimming: !self.disable_adapter_trimming,
            adapter_r1: a1,
            adapter_r2: a2,
            adapter_fasta,
            adapter_min_overlap: self.adapter_min_overlap,
            adapter_error_rate: self.adapter_error_rate,
            pe_fallback_min_overlap: self.adapter_min_overlap_pe,
            adapter_quality_aware: self.adapter_quality_aware,
            overlap: trim::OverlapParams {
                overlap_len_require: self.overlap_len_require,
                overlap_diff_limit: self.overlap_diff_limit,
                overlap_diff_percent_limit: self.overlap_diff_percent_limit,
                ..d.overlap
            },
            correction: self.correction,
            trim_front1: self.trim_front1,
            trim_tail1: self.trim_tail1,
            trim_front2: self.trim_front2.unwrap_or(self.trim_front1),
            trim_tail2: self.trim_tail2.unwrap_or(self.trim_tail1),
            max_len1: self.max_len1,
            max_len2: self.max_len2.unwrap_or(self.max_len1),
            cut_front: self.cut_front,
            cut_tail: self.cut_tail,
            cut_right: self.cut_right,
            cut_front_window_size: self.cut_front_window_size.unwrap_or(w),
            cut_front_mean_quality: self.cut_front_mean_quality.unwrap_or(m),
            cut_tail_window_size: self.cut_tail_window_size.unwrap_or(w),
            cut_tail_mean_quality: self.cut_tail_mean_quality.unwrap_or(m),
            cut_right_window_size: self.cut_right_window_size.unwrap_or(w),
            cut_right_mean_quality: self.cut_right_mean_quality.unwrap_or(m),
            quality_cutoff_front: qf,
            quality_cutoff_back: qb,
            nextseq_trim: nextseq,
            poly_g: if self.trim_poly_g {
                PolyG::On
            } else if self.disable_trim_poly_g {
                PolyG::Off
            } else {
                PolyG::Auto
            },
            poly_g_min_len: self.poly_g_min_len,
            poly_x: self.trim_poly_x,
            poly_x_min_len: self.poly_x_min_len,
            umi,
        };
        let f = FilterOptions {
            quality_filtering: !self.disable_quality_filtering,
            qualified_quality_phred: self.qualified_quality_phred,
            unqualified_percent_limit: self.unqualified_percent_limit,
            n_base_limit: self.n_base_limit,
            n_base_fraction: None,
            average_qual: self.average_qual,
            length_filtering: !self.disable_length_filtering,
            length_required: self.length_required,
            length_limit: self.length_limit,
            low_complexity_filter: self.low_complexity_filter,
            complexity_threshold: self.complexity_threshold,
        };
        Ok((t, f))
    }

    /// True when read 1's adapter (and read 2's with `--detect_adapter_for_pe`) is `auto`.
    pub fn wants_detection(&self, paired: bool) -> (bool, bool) {
        let auto1 = !self.disable_adapter_trimming
            && self.adapter_preset.is_none()
            && seq_arg(&self.adapter_sequence).is_none();
        let auto2 = !self.disable_adapter_trimming
            && self.adapter_preset.is_none()
            && seq_arg(&self.adapter_sequence_r2).is_none();
        if paired {
            (
                auto1 && self.detect_adapter_for_pe,
                auto2 && self.detect_adapter_for_pe,
            )
        } else {
            (auto1, false)
        }
    }
}
