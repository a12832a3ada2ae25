//! Per-batch work on the pool: validate, check pairs, count, (trim, filter), serialize.

use crate::error::Error;
use crate::fastq::parse::{QualRange, validate};
use crate::fastq::{Chunk, FastqError, FastqErrorKind, ReadBuf, pair};
use crate::filter::Reason;
use crate::stats::RunStats;

use super::batch::{Batch, Done, InputCounts};

/// Settings a worker needs, shared read-only by all workers.
#[derive(Debug)]
pub(crate) struct WorkConfig {
    pub phred_offset: u8,
    /// For paired input: write both mates to stream 0 (interleaved output).
    pub interleave_out: bool,
    /// Collect statistics.
    pub stats: bool,
}

/// Reusable per-batch scratch.
#[derive(Default)]
struct Scratch {
    r1: ReadBuf,
    r2: ReadBuf,
}

/// Processes one batch; returns the serialized output and counts, or the first error in it.
pub(crate) fn process(batch: &Batch, cfg: &WorkConfig, first: bool) -> Result<Done, Error> {
    let paired = !matches!(batch, Batch::Single(_));
    let mut done = Done {
        stats: cfg.stats.then(|| Box::new(RunStats::new(paired))),
        out: Default::default(),
        written: [0; 2],
        input: [InputCounts::default(); 2],
        bytes: 0,
        qual_range: QualRange::default(),
    };
    let mut s = Scratch::default();
    match batch {
        Batch::Single(c) => {
            done.bytes = c.byte_len() as u64;
            for i in 0..c.len() {
                validate(c, i, cfg.phred_offset, &mut done.qual_range)?;
                s.r1.load(&c.record(i), cfg.phred_offset);
                single_step(&mut done, &s.r1);
            }
        }
        Batch::Paired(a, b) => {
            done.bytes = (a.byte_len() + b.byte_len()) as u64;
            for i in 0..a.len() {
                validate(a, i, cfg.phred_offset, &mut done.qual_range)?;
                validate(b, i, cfg.phred_offset, &mut done.qual_range)?;
                check_names(a, i, b, i)?;
                s.r1.load(&a.record(i), cfg.phred_offset);
                s.r2.load(&b.record(i), cfg.phred_offset);
                pair_step(&mut done, cfg, &s.r1, &s.r2);
            }
        }
        Batch::Interleaved(c) => {
            done.bytes = c.byte_len() as u64;
            for i in (0..c.len()).step_by(2) {
                validate(c, i, cfg.phred_offset, &mut done.qual_range)?;
                validate(c, i + 1, cfg.phred_offset, &mut done.qual_range)?;
                check_names(c, i, c, i + 1)?;
                s.r1.load(&c.record(i), cfg.phred_offset);
                s.r2.load(&c.record(i + 1), cfg.phred_offset);
                pair_step(&mut done, cfg, &s.r1, &s.r2);
            }
        }
    }
    if first && cfg.phred_offset == 33 {
        check_phred(done.qual_range, batch)?;
    }
    Ok(done)
}

fn single_step(done: &mut Done, r: &ReadBuf) {
    count(done, 0, r);
    if let Some(st) = done.stats.as_deref_mut() {
        st.add_before(&r.as_ref(), None);
    }
    let reason = Reason::Passed;
    if let Some(st) = done.stats.as_deref_mut() {
        st.add_filter(reason, 1);
        if reason == Reason::Passed {
            st.add_after(&r.as_ref(), None);
        }
    }
    if reason == Reason::Passed {
        emit(done, 0, r);
    }
}

fn pair_step(done: &mut Done, cfg: &WorkConfig, r1: &ReadBuf, r2: &ReadBuf) {
    count(done, 0, r1);
    count(done, 1, r2);
    if let Some(st) = done.stats.as_deref_mut() {
        st.add_before(&r1.as_ref(), Some(&r2.as_ref()));
    }
    let reason = Reason::Passed;
    if let Some(st) = done.stats.as_deref_mut() {
        st.add_filter(reason, 2);
        if reason == Reason::Passed {
            st.add_after(&r1.as_ref(), Some(&r2.as_ref()));
        }
    }
    if reason == Reason::Passed {
        emit(done, 0, r1);
        emit(done, if cfg.interleave_out { 0 } else { 1 }, r2);
    }
}

fn count(done: &mut Done, mate: usize, r: &ReadBuf) {
    done.input[mate].records += 1;
    done.input[mate].bases += r.len() as u64;
}

fn emit(done: &mut Done, stream: usize, r: &ReadBuf) {
    r.write_to(&mut done.out[stream]);
    done.written[stream] += 1;
}

fn check_names(a: &Chunk, i: usize, b: &Chunk, j: usize) -> Result<(), FastqError> {
    let (r1, r2) = (a.record(i), b.record(j));
    if pair::names_match(r1.head, r2.head) {
        return Ok(());
    }
    let lossy = |n: &[u8]| String::from_utf8_lossy(n).into_owned();
    Err(FastqError {
        location: a.location(i, 0),
        kind: FastqErrorKind::PairNameMismatch {
            r1: lossy(r1.name()),
            r2: lossy(r2.name()),
        },
    })
}

/// Qualities of the first batch that can only be Phred+64 are an error while Phred+33 is in use.
fn check_phred(range: QualRange, batch_first: &Batch) -> Result<(), FastqError> {
    if !range.looks_phred64() {
        return Ok(());
    }
    let chunk = match batch_first {
        Batch::Single(c) | Batch::Paired(c, _) | Batch::Interleaved(c) => c,
    };
    Err(FastqError {
        location: chunk.location(0, 3),
        kind: FastqErrorKind::LooksPhred64 {
            min: range.min as char,
            max: range.max as char,
        },
    })
}
