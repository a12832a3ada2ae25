//! From [`TrimSettings`] (fastp's names) to the engine's [`TrimOptions`] and [`FilterOptions`].

use super::{TrimSettings, UmiLocName};
use crate::Error;
use crate::filter::FilterOptions;
use crate::pipeline::PipelineOptions;
use crate::trim::{self, PolyG, TrimOptions, UmiOptions};

/// An adapter argument: `None` for empty or `auto`, else the upper-cased sequence.
fn seq_arg(s: &str) -> Option<Vec<u8>> {
    let s = s.trim();
    if s.is_empty() || s.eq_ignore_ascii_case("auto") {
        None
    } else {
        Some(s.as_bytes().to_ascii_uppercase())
    }
}

/// `--quality_cutoff BACK` or `FRONT,BACK` as (front, back).
fn quality_cutoff(s: Option<&str>) -> Result<(u8, u8), String> {
    let Some(s) = s else {
        return Ok((0, 0));
    };
    let parse = |x: &str| {
        x.trim()
            .parse::<u8>()
            .map_err(|_| format!("bad --quality_cutoff {s:?}"))
    };
    match s.split_once(',') {
        Some((f, b)) => Ok((parse(f)?, parse(b)?)),
        None => Ok((0, parse(s)?)),
    }
}

impl TrimSettings {
    /// Converts the settings into library options (reads `adapter_fasta`). Adapter
    /// auto-detection (`auto`) is left to the caller: [`TrimSettings::wants_detection`], or
    /// [`TrimSettings::apply`] which does both.
    pub fn to_options(&self) -> Result<(TrimOptions, FilterOptions), Error> {
        self.options().map_err(Error::Options)
    }

    /// Sets the trimming, filtering and adapter detection of `opts` for paired or single-end
    /// input, as `panelprep trim` does.
    pub fn apply(&self, opts: &mut PipelineOptions, paired: bool) -> Result<(), Error> {
        let (t, f) = self.to_options()?;
        let (d1, d2) = self.wants_detection(paired);
        opts.trim = Some(t);
        opts.filter = Some(f);
        opts.detect_adapter = [d1, d2];
        self.apply_scope(opts);
        Ok(())
    }

    /// Sets what holds with or without trimming: how many reads to process, whether outputs
    /// may be overwritten, where failed and merged reads go, deduplication (fastp
    /// `--reads_to_process`, `--dont_overwrite`, `--failed_out`, `--merge`, `--dedup`).
    pub fn apply_scope(&self, opts: &mut PipelineOptions) {
        opts.reads_to_process = self.reads_to_process;
        opts.dont_overwrite = self.dont_overwrite;
        opts.failed_out = self.failed_out.clone();
        opts.merge = self.merge.then(|| crate::pipeline::MergeOptions {
            out: self.merged_out.clone(),
            include_unmerged: self.include_unmerged,
        });
        opts.dedup = self.dedup;
        opts.fix_mgi_id = self.fix_mgi_id;
        opts.filter_by_index = [self.filter_by_index1.clone(), self.filter_by_index2.clone()];
        opts.filter_by_index_threshold = self.filter_by_index_threshold;
        let by = match (self.split, self.split_by_lines) {
            (Some(n), _) => Some(crate::pipeline::SplitBy::Files(n)),
            (None, Some(l)) => Some(crate::pipeline::SplitBy::Lines(l)),
            (None, None) => None,
        };
        opts.split = by.map(|by| crate::pipeline::SplitOptions {
            by,
            digits: self.split_prefix_digits,
        });
    }

    /// True when read 1's adapter (and read 2's, for pairs) is `auto`; with `fastp_compat`,
    /// pairs detect only with `detect_adapter_for_pe`, as fastp does.
    pub fn wants_detection(&self, paired: bool) -> (bool, bool) {
        let auto = |s: &str| {
            !self.disable_adapter_trimming && self.adapter_preset.is_none() && seq_arg(s).is_none()
        };
        let (auto1, auto2) = (
            auto(&self.adapter_sequence),
            auto(&self.adapter_sequence_r2),
        );
        if paired {
            let on = self.detect_adapter_for_pe || !self.fastp_compat;
            (auto1 && on, auto2 && on)
        } else {
            (auto1, false)
        }
    }

    fn options(&self) -> Result<(TrimOptions, FilterOptions), String> {
        let d = TrimOptions::default();
        let w = self.cut_window_size;
        let m = self.cut_mean_quality;
        let (mut a1, mut a2) = (
            seq_arg(&self.adapter_sequence),
            seq_arg(&self.adapter_sequence_r2),
        );
        if let Some(p) = self.adapter_preset {
            let (p1, p2) = p.adapters();
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
        let (qf, qb) = quality_cutoff(self.quality_cutoff.as_deref())?;
        let (qb, nextseq) = match self.nextseq_trim {
            Some(c) => (c, true),
            None => (qb, false),
        };
        if self.split.is_some() && self.split_by_lines.is_some() {
            return Err("--split and --split_by_lines contradict: give one".into());
        }
        if self.trim_poly_g && self.disable_trim_poly_g {
            return Err("--trim_poly_g and --disable_trim_poly_g contradict".into());
        }
        let umi = if self.umi {
            let u = UmiOptions {
                loc: self.umi_loc.loc().ok_or_else(|| {
                    format!(
                        "-U/--umi needs --umi_loc (accepted: {})",
                        UmiLocName::accepted()
                    )
                })?,
                len: self.umi_len,
                prefix: self.umi_prefix.clone(),
                skip: self.umi_skip,
            };
            u.validate()?;
            Some(u)
        } else {
            None
        };
        // The index file is an input of the run (`RunSettings::inputs`), checked here with the
        // UMI settings that need it.
        trim::check_umi_index_file(umi.as_ref(), self.umi_index_file.as_deref())?;
        let t = TrimOptions {
            adapter_trimming: !self.disable_adapter_trimming,
            adapter_r1: a1,
            adapter_r2: a2,
            adapter_fasta,
            adapter_min_overlap: self.adapter_min_overlap,
            adapter_error_rate: self.adapter_error_rate,
            pe_fallback_min_overlap: self.adapter_min_overlap_pe,
            adapter_quality_aware: self.adapter_quality_aware && !self.fastp_compat,
            overlap: trim::OverlapParams {
                overlap_len_require: self.overlap_len_require,
                overlap_diff_limit: self.overlap_diff_limit,
                overlap_diff_percent_limit: self.overlap_diff_percent_limit,
                soft_below: if self.fastp_compat {
                    0
                } else {
                    d.overlap.soft_below
                },
                ..d.overlap
            },
            // fastp turns correction on for merging.
            correction: self.correction || self.merge,
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
}
