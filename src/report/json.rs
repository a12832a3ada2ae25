//! The JSON report: fastp's keys wherever fastp has the same statistic, ours under `panelprep`.
//!
//! MultiQC's fastp module recognises a JSON file holding `"before_filtering": {` and a
//! `command` key, and reads `summary`, `filtering_result`, `duplication`, `insert_size`,
//! `adapter_cutting` and `read{1,2}_{before,after}_filtering`. Floats are computed from the
//! exact integer counts only here, and rounded to 6 decimals, so the text is reproducible.

use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::filter::Reason;
use crate::stats::{Cycle, ReadStats, RunStats, base_index};

/// Adapter sequences listed by name in `readN_adapter_counts`; the rest are summed in `others`.
pub const ADAPTER_LIST_MAX: usize = 50;

/// Run facts the statistics do not hold.
#[derive(Debug, Clone, PartialEq)]
pub struct RunInfo {
    /// The command line, as run (MultiQC takes the sample name from `-i`/`--in1` in it).
    pub command: String,
    /// Adapter sequence used for each mate (`None`: detected or not given; shown as
    /// `unspecified`, as fastp does).
    pub adapters: [Option<String>; 2],
    /// Wall time of the run in seconds (the only run-dependent value in the report).
    pub elapsed_seconds: Option<f64>,
    /// Overrepresented sequences are listed from this fraction of a mate's reads on.
    pub overrep_min_fraction: f64,
    /// Overrepresented sequences need at least this many reads.
    pub overrep_min_reads: u64,
    /// One read in this many was counted for overrepresented sequences (1 = all).
    pub overrep_sampling: u64,
}

impl Default for RunInfo {
    fn default() -> Self {
        Self {
            command: String::from("panelprep"),
            adapters: [None, None],
            elapsed_seconds: None,
            overrep_min_fraction: 0.001,
            overrep_min_reads: 10,
            overrep_sampling: 1,
        }
    }
}

/// A list of `(name, count)` pairs written as a JSON object in list order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OrderedCounts(pub Vec<(String, u64)>);

impl Serialize for OrderedCounts {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl<'de> Deserialize<'de> for OrderedCounts {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = OrderedCounts;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of counts")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                let mut v = Vec::new();
                while let Some((k, n)) = a.next_entry::<String, u64>()? {
                    v.push((k, n));
                }
                Ok(OrderedCounts(v))
            }
        }
        d.deserialize_map(V)
    }
}

/// The whole report. Field order and names follow fastp 0.23's JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FastpReport {
    /// Totals before and after filtering (both mates together).
    pub summary: FastpSummary,
    /// Reads per filtering outcome.
    pub filtering_result: FilteringResult,
    /// Duplication-rate estimate.
    pub duplication: Duplication,
    /// Insert sizes (paired-end only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insert_size: Option<InsertSize>,
    /// Adapter trimming.
    pub adapter_cutting: AdapterCutting,
    /// Mate 1 (or single-end reads) before filtering.
    pub read1_before_filtering: ReadReport,
    /// Mate 2 before filtering (paired-end only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read2_before_filtering: Option<ReadReport>,
    /// Mate 1 after filtering.
    pub read1_after_filtering: ReadReport,
    /// Mate 2 after filtering (paired-end only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read2_after_filtering: Option<ReadReport>,
    /// The command line.
    pub command: String,
    /// Statistics fastp does not have.
    pub panelprep: Extra,
}

/// `summary`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FastpSummary {
    /// panelprep's version (fastp writes `fastp_version` here).
    pub panelprep_version: String,
    /// `single end (N cycles)` or `paired end (N cycles + M cycles)`.
    pub sequencing: String,
    /// Before trimming and filtering.
    pub before_filtering: StageSummary,
    /// Reads that passed.
    pub after_filtering: StageSummary,
}

/// `summary.before_filtering` / `summary.after_filtering` (every value numeric: MultiQC
/// reads them all as numbers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageSummary {
    /// Reads (both mates).
    pub total_reads: u64,
    /// Bases.
    pub total_bases: u64,
    /// Bases with quality >= 20.
    pub q20_bases: u64,
    /// Bases with quality >= 30.
    pub q30_bases: u64,
    /// `q20_bases / total_bases`.
    pub q20_rate: f64,
    /// `q30_bases / total_bases`.
    pub q30_rate: f64,
    /// Mate 1 bases / reads, rounded down (as fastp).
    pub read1_mean_length: u64,
    /// Mate 2 bases / reads, rounded down (paired-end only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read2_mean_length: Option<u64>,
    /// `(G + C) / total_bases` (N included in the denominator, as fastp).
    pub gc_content: f64,
}

/// `filtering_result` (reads; a failed pair counts 2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilteringResult {
    /// Reads written.
    pub passed_filter_reads: u64,
    /// Too many low-quality bases or too low mean quality.
    pub low_quality_reads: u64,
    /// Too many N.
    #[serde(rename = "too_many_N_reads")]
    pub too_many_n_reads: u64,
    /// Low complexity.
    pub low_complexity_reads: u64,
    /// Too short after trimming.
    pub too_short_reads: u64,
    /// Too long.
    pub too_long_reads: u64,
}

/// `duplication`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Duplication {
    /// Estimated fraction of reads (pairs) that duplicate an earlier one.
    pub rate: f64,
    /// `histogram[i]`: sampled reads whose sequence occurs `i + 1` times (last: or more).
    pub histogram: Vec<u64>,
    /// Reads (pairs) dropped as repeats of an earlier one, with `--dedup` only (not in
    /// fastp's JSON, which counts them in `passed_filter_reads` and nowhere else).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removed_reads: Option<u64>,
}

/// `insert_size`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InsertSize {
    /// Most frequent insert size.
    pub peak: usize,
    /// Pairs without overlap.
    pub unknown: u64,
    /// Pairs per insert size 0..=511 (the last bin: 511 or more).
    pub histogram: Vec<u64>,
}

/// `adapter_cutting`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdapterCutting {
    /// Reads with an adapter cut (both mates).
    pub adapter_trimmed_reads: u64,
    /// Adapter bases cut (both mates).
    pub adapter_trimmed_bases: u64,
    /// Mate 1 adapter, or `unspecified`.
    pub read1_adapter_sequence: String,
    /// Mate 2 adapter, or `unspecified` (paired-end only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read2_adapter_sequence: Option<String>,
    /// Adapter sequences cut from mate 1 with counts, most frequent first, then `others`.
    pub read1_adapter_counts: OrderedCounts,
    /// The same for mate 2 (paired-end only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read2_adapter_counts: Option<OrderedCounts>,
}

/// `readN_{before,after}_filtering`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReadReport {
    /// Reads.
    pub total_reads: u64,
    /// Bases.
    pub total_bases: u64,
    /// Bases with quality >= 20.
    pub q20_bases: u64,
    /// Bases with quality >= 30.
    pub q30_bases: u64,
    /// Longest read: the number of cycles in the curves.
    pub total_cycles: usize,
    /// Mean quality per cycle: per base and overall.
    pub quality_curves: QualityCurves,
    /// Base fractions per cycle.
    pub content_curves: ContentCurves,
    /// Overrepresented sequences (first 50 bases) with estimated counts; filled before
    /// filtering only.
    pub overrepresented_sequences: OrderedCounts,
}

/// Mean Phred quality per cycle, for each base (cycles where the base is absent take the
/// overall mean, as fastp does) and for all bases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(non_snake_case)]
pub struct QualityCurves {
    /// A.
    pub A: Vec<f64>,
    /// T.
    pub T: Vec<f64>,
    /// C.
    pub C: Vec<f64>,
    /// G.
    pub G: Vec<f64>,
    /// All bases.
    pub mean: Vec<f64>,
}

/// Fraction of the bases at each cycle that are A, T, C, G, N (anything else) and G or C.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(non_snake_case)]
pub struct ContentCurves {
    /// A.
    pub A: Vec<f64>,
    /// T.
    pub T: Vec<f64>,
    /// C.
    pub C: Vec<f64>,
    /// G.
    pub G: Vec<f64>,
    /// Not A/C/G/T.
    pub N: Vec<f64>,
    /// G or C.
    pub GC: Vec<f64>,
}

/// Our own statistics (`panelprep` key).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Extra {
    /// panelprep's version.
    pub version: String,
    /// `single_end` or `paired_end`.
    pub mode: String,
    /// Wall time in seconds (omitted when not known; differs between runs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elapsed_seconds: Option<f64>,
    /// Reads per filtering reason, each reason separately (snake_case reason names, in
    /// `Reason::ALL` order).
    pub filtering: OrderedCounts,
    /// Trimming per mate.
    pub trimming: Vec<MateTrimming>,
    /// How the duplication rate was estimated.
    pub duplication: DuplicationDetail,
    /// Insert-size summary (paired-end only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insert_size: Option<InsertDetail>,
    /// Per mate and stage: lengths, quality histograms, mean quality.
    pub reads: Vec<MateStage>,
    /// Settings of the overrepresented-sequence search.
    pub overrepresented: OverrepDetail,
    /// Pairs merged into one read, with `--merge` only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_pairs: Option<u64>,
    /// Reads dropped by their index (`--filter_by_index1/2`; fastp counts them nowhere).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index_filtered_reads: Option<u64>,
}

/// Trimming counts of one mate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MateTrimming {
    /// 1 or 2.
    pub mate: u8,
    /// Reads that lost at least one base to any trimming step.
    pub trimmed_reads: u64,
    /// Reads with an adapter cut.
    pub adapter_reads: u64,
    /// Adapter bases cut (as counted per adapter found, fastp's `adapter_trimmed_bases`).
    pub adapter_bases: u64,
    /// Adapter bases cut as reported by the trimmer's per-read totals.
    pub trimmed_adapter_bases: u64,
    /// Poly-X bases cut.
    pub polyx_bases: u64,
    /// Low-quality bases cut.
    pub quality_bases: u64,
}

/// Duplication estimate details.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DuplicationDetail {
    /// Reads (pairs) seen.
    pub reads: u64,
    /// Reads (pairs) in the hash sample.
    pub sampled_reads: u64,
    /// Distinct sequences in the sample.
    pub sampled_distinct: u64,
    /// The sample holds `2^-sampling_level` of the distinct sequences (0: all, exact).
    pub sampling_level: u32,
}

/// Insert-size summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InsertDetail {
    /// Pairs with a known insert.
    pub known_pairs: u64,
    /// Pairs without overlap.
    pub unknown_pairs: u64,
    /// Mean of the known inserts (the last bin counts as 511).
    pub mean: f64,
    /// Median of the known inserts.
    pub median: usize,
}

/// Statistics of one mate at one stage that fastp does not report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MateStage {
    /// 1 or 2.
    pub mate: u8,
    /// `before_filtering` or `after_filtering`.
    pub stage: String,
    /// Bases that are not A/C/G/T.
    pub n_bases: u64,
    /// Mean base quality.
    pub mean_quality: f64,
    /// `[length, reads]` pairs, lengths with no read omitted.
    pub length_histogram: Vec<[u64; 2]>,
    /// `quality_histogram[cycle][q]`: bases at that cycle with Phred quality `q` (bins up to
    /// the highest quality seen; the bin 63 holds 63 and above).
    pub quality_histogram: Vec<Vec<u64>>,
}

/// Overrepresented-sequence search settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverrepDetail {
    /// Leading bases of a read compared.
    pub key_length: usize,
    /// Sketch buckets per mate.
    pub buckets: usize,
    /// Minimum fraction of a mate's reads.
    pub min_fraction: f64,
    /// Minimum reads.
    pub min_reads: u64,
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        round6(a as f64 / b as f64)
    }
}

fn read_report(s: &ReadStats, cycles: &[Cycle], overrep: Vec<(String, u64)>) -> ReadReport {
    let t = s.totals();
    let n = cycles.len().min(t.max_len);
    let mut q = QualityCurves {
        A: Vec::with_capacity(n),
        T: Vec::with_capacity(n),
        C: Vec::with_capacity(n),
        G: Vec::with_capacity(n),
        mean: Vec::with_capacity(n),
    };
    let mut c = ContentCurves {
        A: Vec::with_capacity(n),
        T: Vec::with_capacity(n),
        C: Vec::with_capacity(n),
        G: Vec::with_capacity(n),
        N: Vec::with_capacity(n),
        GC: Vec::with_capacity(n),
    };
    for cy in &cycles[..n] {
        let total = cy.total();
        let mean = ratio(cy.qual_total(), total);
        q.mean.push(mean);
        let per = |b: u8| {
            let i = base_index(b);
            if cy.base[i] == 0 {
                mean
            } else {
                ratio(cy.qual_sum[i], cy.base[i])
            }
        };
        q.A.push(per(b'A'));
        q.T.push(per(b'T'));
        q.C.push(per(b'C'));
        q.G.push(per(b'G'));
        let cnt = |b: u8| cy.base[base_index(b)];
        let acgt = cnt(b'A') + cnt(b'C') + cnt(b'G') + cnt(b'T');
        c.A.push(ratio(cnt(b'A'), total));
        c.T.push(ratio(cnt(b'T'), total));
        c.C.push(ratio(cnt(b'C'), total));
        c.G.push(ratio(cnt(b'G'), total));
        c.N.push(ratio(total - acgt, total));
        c.GC.push(ratio(cnt(b'G') + cnt(b'C'), total));
    }
    ReadReport {
        total_reads: t.reads,
        total_bases: t.bases,
        q20_bases: t.q20,
        q30_bases: t.q30,
        total_cycles: t.max_len,
        quality_curves: q,
        content_curves: c,
        overrepresented_sequences: OrderedCounts(overrep),
    }
}

fn stage_summary(stats: &[ReadStats; 2], paired: bool) -> StageSummary {
    let a = stats[0].totals();
    let b = if paired {
        stats[1].totals()
    } else {
        Default::default()
    };
    let bases = a.bases + b.bases;
    let mean_len = |bases: u64, reads: u64| bases.checked_div(reads).unwrap_or(0);
    StageSummary {
        total_reads: a.reads + b.reads,
        total_bases: bases,
        q20_bases: a.q20 + b.q20,
        q30_bases: a.q30 + b.q30,
        q20_rate: ratio(a.q20 + b.q20, bases),
        q30_rate: ratio(a.q30 + b.q30, bases),
        read1_mean_length: mean_len(a.bases, a.reads),
        read2_mean_length: paired.then(|| mean_len(b.bases, b.reads)),
        gc_content: ratio(a.gc + b.gc, bases),
    }
}

fn adapter_counts(stats: &RunStats, mate: usize) -> OrderedCounts {
    let all = stats.adapters.sequences(mate);
    let mut list: Vec<(String, u64)> = all.iter().take(ADAPTER_LIST_MAX).cloned().collect();
    // As in fastp: every trimmed read not listed by name (including the sequences beyond the
    // length level), so that the counts add up to the trimmed reads.
    let listed: u64 = list.iter().map(|e| e.1).sum();
    let others = stats.adapters.reads[mate.min(1)].saturating_sub(listed);
    if others > 0 {
        list.push((String::from("others"), others));
    }
    OrderedCounts(list)
}

/// `LowMeanQuality` -> `low_mean_quality`.
fn snake(reason: Reason) -> String {
    let mut s = String::new();
    for (i, ch) in format!("{reason:?}").chars().enumerate() {
        if ch.is_ascii_uppercase() {
            if i > 0 {
                s.push('_');
            }
            s.push(ch.to_ascii_lowercase());
        } else {
            s.push(ch);
        }
    }
    s
}

fn mate_stage(s: &ReadStats, cycles: &[Cycle], mate: u8, stage: &str) -> MateStage {
    let t = s.totals();
    let top = cycles
        .iter()
        .filter_map(|c| c.qual_hist.iter().rposition(|&n| n > 0))
        .max()
        .map_or(0, |q| q + 1);
    MateStage {
        mate,
        stage: stage.to_string(),
        n_bases: t.n,
        mean_quality: ratio(t.qual_sum, t.bases),
        length_histogram: s
            .length_histogram()
            .into_iter()
            .map(|(l, n)| [l as u64, n])
            .collect(),
        quality_histogram: cycles.iter().map(|c| c.qual_hist[..top].to_vec()).collect(),
    }
}

/// Builds the report from merged statistics.
pub fn build(stats: &RunStats, info: &RunInfo) -> FastpReport {
    let paired = stats.paired;
    let min_overrep = |reads: u64| {
        let reads = reads / info.overrep_sampling.max(1);
        let frac = (reads as f64 * info.overrep_min_fraction).ceil() as u64;
        frac.max(info.overrep_min_reads).max(1)
    };
    let overrep = |m: usize| {
        let reads = stats.before[m].reads();
        stats.overrep.found(m, min_overrep(reads))
    };
    // The per-cycle tables, once per mate and stage; read 2's beside read 1's.
    let stage_cycles = |m: usize| [stats.before[m].cycles(), stats.after[m].cycles()];
    let [[c1b, c1a], [c2b, c2a]] = std::thread::scope(|scope| {
        let r2 = paired.then(|| scope.spawn(|| stage_cycles(1)));
        let r1 = stage_cycles(0);
        // A panic in the other thread is passed on as it is.
        let r2 = r2.map_or_else(Default::default, |h| {
            h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))
        });
        [r1, r2]
    });
    let r1b = read_report(&stats.before[0], &c1b, overrep(0));
    let r2b = paired.then(|| read_report(&stats.before[1], &c2b, overrep(1)));
    let r1a = read_report(&stats.after[0], &c1a, Vec::new());
    let r2a = paired.then(|| read_report(&stats.after[1], &c2a, Vec::new()));
    let sequencing = match &r2b {
        Some(r2) => format!(
            "paired end ({} cycles + {} cycles)",
            r1b.total_cycles, r2.total_cycles
        ),
        None => format!("single end ({} cycles)", r1b.total_cycles),
    };
    let f = &stats.filter;
    let dup = stats.duplication.summary();
    let ins = &stats.insert_sizes;
    let insert_detail = paired.then(|| {
        let known = ins.known();
        let sum: u64 = ins
            .histogram
            .iter()
            .enumerate()
            .map(|(i, &n)| i as u64 * n)
            .sum();
        let mut acc = 0;
        let median = ins
            .histogram
            .iter()
            .position(|&n| {
                acc += n;
                known > 0 && 2 * acc >= known
            })
            .unwrap_or(0);
        InsertDetail {
            known_pairs: known,
            unknown_pairs: ins.unknown,
            mean: ratio(sum, known),
            median,
        }
    });
    let mates: &[usize] = if paired { &[0, 1] } else { &[0] };
    let unspecified = |m: usize| {
        info.adapters[m]
            .clone()
            .unwrap_or_else(|| String::from("unspecified"))
    };
    let mut reads = Vec::new();
    let (before, after) = ([&c1b, &c2b], [&c1a, &c2a]);
    for &m in mates {
        let stage = "before_filtering";
        reads.push(mate_stage(&stats.before[m], before[m], m as u8 + 1, stage));
    }
    for &m in mates {
        let stage = "after_filtering";
        reads.push(mate_stage(&stats.after[m], after[m], m as u8 + 1, stage));
    }
    FastpReport {
        summary: FastpSummary {
            panelprep_version: crate::VERSION.to_string(),
            sequencing,
            before_filtering: stage_summary(&stats.before, paired),
            after_filtering: stage_summary(&stats.after, paired),
        },
        filtering_result: FilteringResult {
            passed_filter_reads: f.fastp_count("passed_filter_reads"),
            low_quality_reads: f.fastp_count("low_quality_reads"),
            too_many_n_reads: f.fastp_count("too_many_N_reads"),
            low_complexity_reads: f.fastp_count("low_complexity_reads"),
            too_short_reads: f.fastp_count("too_short_reads"),
            too_long_reads: f.fastp_count("too_long_reads"),
        },
        duplication: Duplication {
            rate: round6(dup.rate),
            histogram: dup.histogram.clone(),
            removed_reads: stats.dedup_removed,
        },
        insert_size: paired.then(|| InsertSize {
            peak: ins.peak(),
            unknown: ins.unknown,
            histogram: ins.histogram.clone(),
        }),
        adapter_cutting: AdapterCutting {
            adapter_trimmed_reads: stats.adapters.reads.iter().sum(),
            adapter_trimmed_bases: stats.adapters.bases.iter().sum(),
            read1_adapter_sequence: unspecified(0),
            read2_adapter_sequence: paired.then(|| unspecified(1)),
            read1_adapter_counts: adapter_counts(stats, 0),
            read2_adapter_counts: paired.then(|| adapter_counts(stats, 1)),
        },
        read1_before_filtering: r1b,
        read2_before_filtering: r2b,
        read1_after_filtering: r1a,
        read2_after_filtering: r2a,
        command: info.command.clone(),
        panelprep: Extra {
            version: crate::VERSION.to_string(),
            mode: String::from(if paired { "paired_end" } else { "single_end" }),
            elapsed_seconds: info.elapsed_seconds,
            filtering: OrderedCounts(Reason::ALL.iter().map(|&r| (snake(r), f.get(r))).collect()),
            trimming: mates
                .iter()
                .map(|&m| MateTrimming {
                    mate: m as u8 + 1,
                    trimmed_reads: stats.trimmed.reads[m],
                    adapter_reads: stats.adapters.reads[m],
                    adapter_bases: stats.adapters.bases[m],
                    trimmed_adapter_bases: stats.trimmed.adapter_bases[m],
                    polyx_bases: stats.trimmed.polyx_bases[m],
                    quality_bases: stats.trimmed.quality_bases[m],
                })
                .collect(),
            duplication: DuplicationDetail {
                reads: dup.reads,
                sampled_reads: dup.sampled_reads,
                sampled_distinct: dup.sampled_distinct,
                sampling_level: dup.level,
            },
            insert_size: insert_detail,
            reads,
            overrepresented: OverrepDetail {
                key_length: crate::stats::OVERREP_KEY_LEN,
                buckets: crate::stats::OVERREP_BUCKETS,
                min_fraction: info.overrep_min_fraction,
                min_reads: info.overrep_min_reads,
            },
            merged_pairs: stats.merged_pairs,
            index_filtered_reads: stats.index_filtered,
        },
    }
}

impl FastpReport {
    /// The report as pretty-printed JSON (deterministic: same statistics, same text).
    pub fn to_json_string(&self) -> String {
        // Serialising plain structs of numbers and strings cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Writes the JSON report to `path` atomically.
    pub fn write(&self, path: &std::path::Path) -> Result<(), crate::io::IoError> {
        super::write_atomic(path, self.to_json_string().as_bytes())
    }
}
