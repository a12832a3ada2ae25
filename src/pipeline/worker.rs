//! Per-batch work on the pool: validate, check pairs, (trim, filter, count), serialize.

use crate::error::Error;
use crate::fastq::parse::{QualRange, validate};
use crate::fastq::{Chunk, FastqError, FastqErrorKind, ReadBuf, pair};

use super::batch::{Batch, Done};

/// Settings a worker needs, shared read-only by all workers.
#[derive(Debug)]
pub(crate) struct WorkConfig {
    pub phred_offset: u8,
    /// For paired input: write both mates to stream 0 (interleaved output).
    pub interleave_out: bool,
}

/// Reusable per-call scratch.
#[derive(Default)]
struct Scratch {
    r1: ReadBuf,
    r2: ReadBuf,
}

/// Processes one batch; returns the serialized output and counts, or the first error in it.
pub(crate) fn process(batch: &Batch, cfg: &WorkConfig, first: bool) -> Result<Done, Error> {
    let mut done = Done::default();
    let mut s = Scratch::default();
    match batch {
        Batch::Single(c) => {
            done.bytes = c.byte_len() as u64;
            for i in 0..c.len() {
                validate(c, i, cfg.phred_offset, &mut done.qual_range)?;
                load(c, i, cfg, &mut s.r1);
                count(&mut done, 0, &s.r1);
                emit(&mut done, 0, &s.r1);
            }
        }
        Batch::Paired(a, b) => {
            done.bytes = (a.byte_len() + b.byte_len()) as u64;
            for i in 0..a.len() {
                validate(a, i, cfg.phred_offset, &mut done.qual_range)?;
                validate(b, i, cfg.phred_offset, &mut done.qual_range)?;
                check_names(a, i, b, i)?;
                pair_step(&mut done, cfg, &mut s, (a, i), (b, i));
            }
        }
        Batch::Interleaved(c) => {
            done.bytes = c.byte_len() as u64;
            for i in (0..c.len()).step_by(2) {
                validate(c, i, cfg.phred_offset, &mut done.qual_range)?;
                validate(c, i + 1, cfg.phred_offset, &mut done.qual_range)?;
                check_names(c, i, c, i + 1)?;
                pair_step(&mut done, cfg, &mut s, (c, i), (c, i + 1));
            }
        }
    }
    if first && cfg.phred_offset == 33 {
        check_phred(done.qual_range, batch)?;
    }
    Ok(done)
}

fn pair_step(
    done: &mut Done,
    cfg: &WorkConfig,
    s: &mut Scratch,
    a: (&Chunk, usize),
    b: (&Chunk, usize),
) {
    load(a.0, a.1, cfg, &mut s.r1);
    load(b.0, b.1, cfg, &mut s.r2);
    count(done, 0, &s.r1);
    count(done, 1, &s.r2);
    emit(done, 0, &s.r1);
    emit(done, if cfg.interleave_out { 0 } else { 1 }, &s.r2);
}

fn load(c: &Chunk, i: usize, cfg: &WorkConfig, r: &mut ReadBuf) {
    r.load(&c.record(i), cfg.phred_offset);
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
