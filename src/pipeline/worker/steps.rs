//! The fate of one read or pair, in fastp's order: name steps, trimming, merging, filtering,
//! statistics, then which output takes it (read outputs, unpaired, failed or merged reads).

use crate::fastq::{ReadBuf, RecordRef};
use crate::filter::Reason;
use crate::stats::RunStats;
use crate::trim::TrimOutcome;

use super::WorkConfig;
use crate::pipeline::batch::Done;
use crate::pipeline::route::{Input, Output};
use crate::pipeline::{failed, merge, names};

/// Reusable per-batch scratch.
#[derive(Default)]
pub(super) struct Scratch {
    pub r1: ReadBuf,
    pub r2: ReadBuf,
    merged: ReadBuf,
    outcome: [TrimOutcome; 2],
    /// The input number of the read (pair) in hand.
    pub frag: u64,
}

/// A single-end read, loaded into `s.r1` (`orig` as read).
pub(super) fn single_step(
    done: &mut Done,
    cfg: &WorkConfig,
    s: &mut Scratch,
    orig: RecordRef<'_>,
    umi: Option<&[u8]>,
    dup: bool,
) {
    count(done, Input::Reads, &s.r1);
    if let Some(st) = done.stats.as_deref_mut()
        && cfg.phred_offset != 33
    {
        st.add_before_mate(0, &s.r1.as_ref());
    }
    if name_steps(done, cfg, s, &[orig]) {
        return;
    }
    if let Some(t) = &cfg.trimmer {
        t.trim_se_indexed(&mut s.r1, umi, &mut s.outcome[0]);
        if let Some(st) = done.stats.as_deref_mut() {
            tally(st, 0, &s.outcome[0]);
        }
    }
    let reason = cfg
        .filter
        .as_ref()
        .map_or(Reason::Passed, |f| f.verdict(&s.r1));
    if let Some(st) = done.stats.as_deref_mut() {
        st.add_filter(reason, 1);
        if dup {
            st.add_duplicate();
        }
        let pass = reason == Reason::Passed && !dup;
        after_stats(st, cfg, 0, pass, &orig, &s.r1, &s.outcome[0]);
    }
    if cfg.read_results {
        done.results.push(result(
            0,
            &s.r1,
            &s.outcome[0],
            reason,
            reason == Reason::Passed && !dup,
        ));
    }
    if dup {
        // fastp writes a duplicate nowhere, not even with the failed reads.
    } else if reason == Reason::Passed {
        emit(done, Output::Reads, &s.r1);
        cut(done, cfg, s.frag);
    } else if let Some(k) = cfg.failed {
        let read = failed::as_written(&s.r1, &orig);
        emit_failed(done, k, &read, failed::fastp_tag(reason));
    }
}

/// A pair, loaded into `s.r1` and `s.r2` (`orig` as read).
pub(super) fn pair_step(
    done: &mut Done,
    cfg: &WorkConfig,
    s: &mut Scratch,
    orig: [RecordRef<'_>; 2],
    umi: Option<&[u8]>,
    dup: bool,
) {
    count(done, Input::Reads, &s.r1);
    count(done, Input::Mate2, &s.r2);
    if let Some(st) = done.stats.as_deref_mut()
        && cfg.phred_offset != 33
    {
        st.add_before_mate(0, &s.r1.as_ref());
        st.add_before_mate(1, &s.r2.as_ref());
    }
    if name_steps(done, cfg, s, &orig) {
        return;
    }
    if let Some(t) = &cfg.trimmer {
        let insert = t.trim_pe_indexed(&mut s.r1, &mut s.r2, umi, &mut s.outcome);
        if let Some(st) = done.stats.as_deref_mut() {
            st.add_insert(insert);
            tally(st, 0, &s.outcome[0]);
            tally(st, 1, &s.outcome[1]);
        }
        if dup && let Some(st) = done.stats.as_deref_mut() {
            st.add_duplicate();
        }
        if let Some(m) = cfg.merge
            && merge_step(done, cfg, s, &orig, insert, m, dup)
        {
            return;
        }
    } else if dup && let Some(st) = done.stats.as_deref_mut() {
        st.add_duplicate();
    }
    let (a, b) = cfg
        .filter
        .as_ref()
        .map_or((Reason::Passed, Reason::Passed), |f| {
            f.verdict_pair(&s.r1, &s.r2)
        });
    let reason = a.max(b);
    if cfg.read_results {
        let kept = reason == Reason::Passed && !dup;
        done.results.push(result(0, &s.r1, &s.outcome[0], a, kept));
        done.results.push(result(1, &s.r2, &s.outcome[1], b, kept));
    }
    if let Some(st) = done.stats.as_deref_mut() {
        st.add_filter(reason, 2);
        let pass = reason == Reason::Passed && !dup;
        after_stats(st, cfg, 0, pass, &orig[0], &s.r1, &s.outcome[0]);
        after_stats(st, cfg, 1, pass, &orig[1], &s.r2, &s.outcome[1]);
    }
    if dup {
        // fastp writes a duplicate pair nowhere, not even with the failed reads.
        return;
    }
    if reason == Reason::Passed {
        emit(done, Output::Reads, &s.r1);
        emit(done, cfg.mate2_output(), &s.r2);
        cut(done, cfg, s.frag);
    } else if a == Reason::Passed {
        if let Some(k) = cfg.unpaired[0] {
            emit(done, k, &s.r1);
        }
    } else if b == Reason::Passed
        && let Some(k) = cfg.unpaired[1]
    {
        emit(done, k, &s.r2);
    }
    if let Some(k) = cfg.failed {
        let unpaired = cfg.unpaired.map(|u| u.is_some());
        let tags = failed::pair_tags((a, b), unpaired);
        let reads = [(&s.r1, &orig[0]), (&s.r2, &orig[1])];
        for ((read, orig), tag) in reads.into_iter().zip(tags) {
            if let Some(tag) = tag {
                emit_failed(done, k, &failed::as_written(read, orig), tag);
            }
        }
    }
}

/// fastp's name steps on the reads as read: `--filter_by_index1/2` (true: the read or pair is
/// dropped, written nowhere) and `--fix_mgi_id`.
fn name_steps(done: &mut Done, cfg: &WorkConfig, s: &mut Scratch, orig: &[RecordRef<'_>]) -> bool {
    let pair = orig.len() == 2;
    if let Some(f) = &cfg.index_filter
        && f.drops(&s.r1.head, pair.then_some(&s.r2.head[..]))
    {
        if let Some(st) = done.stats.as_deref_mut() {
            st.add_index_filtered(orig.len() as u64);
            if cfg.phred_offset == 33 {
                for (mate, o) in orig.iter().enumerate() {
                    st.after_dropped(mate, o);
                }
            }
        }
        return true;
    }
    if cfg.fix_mgi {
        names::fix_mgi(&mut s.r1.head);
        if pair {
            names::fix_mgi(&mut s.r2.head);
        }
    }
    false
}

/// With `--split`: the passing read (pair) `frag` ends here in the read outputs.
fn cut(done: &mut Done, cfg: &WorkConfig, frag: u64) {
    if cfg.split {
        let ends = [done.out[Output::Reads].len(), done.out[Output::Mate2].len()];
        done.cuts.push((frag, ends));
    }
}

/// Whether read (pair) `k` of the batch repeats an earlier one (`--dedup`).
pub(super) fn is_dup(dups: Option<&[bool]>, k: usize) -> bool {
    dups.and_then(|d| d.get(k).copied()).unwrap_or(false)
}

/// `--merge` for a trimmed pair with insert call `insert`: the merged read (or, with
/// `--include_unmerged`, each passing mate of a pair that does not merge) to the merged
/// output. Returns false when the pair takes the usual way (not merged, unmerged pairs to the
/// read outputs).
fn merge_step(
    done: &mut Done,
    cfg: &WorkConfig,
    s: &mut Scratch,
    orig: &[RecordRef<'_>; 2],
    insert: Option<usize>,
    m: merge::MergeConfig,
    dup: bool,
) -> bool {
    let fronts = [s.outcome[0].front_bases, s.outcome[1].front_bases];
    let merged = insert.is_some_and(|k| {
        merge::merge_into(&mut s.merged, (&s.r1, &s.r2), fronts, k, m.overlap_require)
    });
    let verdict = |r: &ReadBuf| cfg.filter.as_ref().map_or(Reason::Passed, |f| f.verdict(r));
    if merged {
        let reason = verdict(&s.merged);
        let pass = reason == Reason::Passed && !dup;
        if let Some(st) = done.stats.as_deref_mut() {
            st.add_filter(reason, 2);
            st.add_merged();
            after_merged(st, cfg, pass, orig, &s.merged);
        }
        if dup {
            return true;
        }
        if pass {
            emit(done, Output::Merged, &s.merged);
        } else if let Some(k) = cfg.failed {
            let tag = failed::fastp_tag(reason);
            emit_failed(done, k, &s.merged.as_ref(), tag);
        }
        return true;
    }
    if !m.include_unmerged {
        return false;
    }
    let reasons = [verdict(&s.r1), verdict(&s.r2)];
    if let Some(st) = done.stats.as_deref_mut() {
        for (mate, reason) in reasons.iter().enumerate() {
            st.add_filter(*reason, 1);
            let (read, o) = if mate == 0 {
                (&s.r1, &s.outcome[0])
            } else {
                (&s.r2, &s.outcome[1])
            };
            let pass = *reason == Reason::Passed && !dup;
            after_stats(st, cfg, mate, pass, &orig[mate], read, o);
        }
    }
    if dup {
        return true;
    }
    for (mate, reason) in reasons.into_iter().enumerate() {
        let read = if mate == 0 { &s.r1 } else { &s.r2 };
        if reason == Reason::Passed {
            emit(done, Output::Merged, read);
        } else if let Some(k) = cfg.failed {
            let tag = failed::fastp_tag(reason);
            emit_failed(done, k, &failed::as_written(read, &orig[mate]), tag);
        }
    }
    true
}

/// After-filtering statistics of a merged pair: both mates leave, the merged read (when it
/// passes) counts as a read 1.
fn after_merged(
    st: &mut RunStats,
    cfg: &WorkConfig,
    pass: bool,
    orig: &[RecordRef<'_>; 2],
    merged: &ReadBuf,
) {
    if cfg.phred_offset != 33 {
        if pass {
            st.after[0].add(&merged.seq, &merged.qual);
        }
        return;
    }
    if pass {
        st.after_replaced(0, &orig[0], &merged.as_ref());
    } else {
        st.after_dropped(0, &orig[0]);
    }
    st.after_dropped(1, &orig[1]);
}

/// The result of one read (its number is given later, in input order).
fn result(
    mate: u8,
    read: &ReadBuf,
    o: &TrimOutcome,
    reason: Reason,
    kept: bool,
) -> crate::pipeline::ReadResult {
    crate::pipeline::ReadResult {
        record: 0,
        mate,
        trimmed_front: o.front_bases,
        adapter_bases: o.adapter_bases,
        length: read.seq.len(),
        reason,
        kept,
    }
}

/// After-filtering statistics as a difference from the before-filtering ones: nothing for an
/// unchanged passing read, the removed tail for a 3'-trimmed one (see `RunStats::finish_after`).
fn after_stats(
    st: &mut RunStats,
    cfg: &WorkConfig,
    mate: usize,
    pass: bool,
    orig: &RecordRef<'_>,
    read: &ReadBuf,
    o: &TrimOutcome,
) {
    if cfg.phred_offset != 33 {
        // The chunk holds Phred+64 qualities: count the converted read directly.
        if pass {
            st.after[mate].add(&read.seq, &read.qual);
        }
        return;
    }
    if !pass {
        st.after_dropped(mate, orig);
    } else if o.front_bases > 0 || o.corrected_bases > 0 {
        st.after_replaced(mate, orig, &read.as_ref());
    } else if read.len() < orig.seq.len() {
        st.after_tail_trimmed(mate, orig, read.len());
    }
}

fn tally(st: &mut RunStats, mate: usize, o: &TrimOutcome) {
    st.add_trimmed(
        mate,
        o.adapter_bases,
        o.poly_x_bases + o.poly_g_bases,
        o.quality_bases,
    );
    if o.adapter_bases > 0 {
        st.add_adapter(mate, &o.adapter_seq);
    }
}

/// Counts a read of `input` as read.
fn count(done: &mut Done, input: Input, r: &ReadBuf) {
    done.input[input].records += 1;
    done.input[input].bases += r.len() as u64;
}

/// Writes a read to `output`.
fn emit(done: &mut Done, output: Output, r: &ReadBuf) {
    r.write_to(&mut done.out[output]);
    done.written[output] += 1;
}

/// A failed read as it was read, the reason in its title (fastp `--failed_out`).
fn emit_failed(done: &mut Done, output: Output, r: &RecordRef<'_>, tag: &str) {
    failed::write_tagged(&mut done.out[output], r, tag);
    done.written[output] += 1;
}
