//! Push-mode tests: output equal to file mode for random push splits, both mates far apart,
//! pull mode, memory limits, misuse, failures and cancellation. One file: the cases share
//! their helpers (`fastq`, `file_mode`, `Collect`), and together they are longer than ~400
//! lines.

#![allow(clippy::unwrap_used)]
use super::*;
use std::sync::Arc;

use crate::pipeline::{Inputs, Layout, Outputs, PipelineOptions, run};
use queue::Shared;
use rand::{RngExt, SeedableRng};

struct Collect {
    out: [Vec<u8>; 2],
    cancel_after: Option<usize>,
    calls: usize,
}

impl Collect {
    fn new() -> Self {
        Self {
            out: [Vec::new(), Vec::new()],
            cancel_after: None,
            calls: 0,
        }
    }
}

impl PushOutput for Collect {
    fn write(&mut self, output: usize, bytes: &[u8]) -> Result<(), Error> {
        self.out[output].extend_from_slice(bytes);
        Ok(())
    }
    fn progress(&mut self, _c: &Control) -> bool {
        self.calls += 1;
        self.cancel_after.is_none_or(|n| self.calls <= n)
    }
}

fn fastq(n: usize, seed: u64, mate: u8) -> Vec<u8> {
    let mut rng = rand_pcg::Pcg64::seed_from_u64(seed);
    let mut v = Vec::new();
    for i in 0..n {
        let len = rng.random_range(1..150);
        v.extend_from_slice(format!("@r{i}/{mate}\n").as_bytes());
        for _ in 0..len {
            v.push(b"ACGTN"[rng.random_range(0..5)]);
        }
        v.extend_from_slice(b"\n+\n");
        for _ in 0..len {
            v.push(rng.random_range(b'!'..=b'J'));
        }
        v.push(b'\n');
    }
    v
}

fn file_mode(opts: &PipelineOptions, dir: &std::path::Path, ins: &[&[u8]]) -> Vec<Vec<u8>> {
    let paths: Vec<_> = ins
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let p = dir.join(format!("in{i}.fq"));
            std::fs::write(&p, b).unwrap();
            p
        })
        .collect();
    let inputs = match paths.as_slice() {
        [a] => Inputs::single(a.clone()),
        [a, b] => Inputs::paired(a.clone(), b.clone()),
        _ => unreachable!(),
    };
    let outs: Vec<_> = (0..ins.len())
        .map(|i| dir.join(format!("out{i}.fq.gz")))
        .collect();
    let outputs = Outputs::new(outs[0].clone(), outs.get(1).cloned());
    run(opts, &inputs, &outputs, &Control::new()).unwrap();
    outs.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

#[test]
fn random_splits_match_file_mode() {
    let dir = tempfile::tempdir().unwrap();
    let r1 = fastq(3000, 1, 1);
    let r2 = fastq(3000, 2, 2);
    let opts = PipelineOptions {
        compress: Some(true),
        batch_bytes: 50_000,
        threads: 3,
        ..Default::default()
    };
    let want = file_mode(&opts, dir.path(), &[&r1, &r2]);
    let mut rng = rand_pcg::Pcg64::seed_from_u64(7);
    for round in 0..4 {
        let mut out = Collect::new();
        let mut s = PushSession::start(&opts, Layout::Paired, 2, Control::new()).unwrap();
        let (mut a, mut b) = (&r1[..], &r2[..]);
        while !a.is_empty() || !b.is_empty() {
            let max = if round == 0 { 3 } else { 200_000 };
            let which = rng.random_range(0..2);
            let src = if which == 0 { &mut a } else { &mut b };
            let n = rng.random_range(0..=max).min(src.len());
            s.push(which, &src[..n], &mut out).unwrap();
            *src = &src[n..];
        }
        let sum = s.finish(&mut out).unwrap();
        assert_eq!(sum.inputs[0].records, 3000, "round {round}");
        assert!(out.out[0] == want[0], "R1 differs in round {round}");
        assert!(out.out[1] == want[1], "R2 differs in round {round}");
    }
}

#[test]
fn lopsided_pushes_do_not_deadlock() {
    // All of R1 (more than MAX_QUEUED) before any of R2, with a single caller thread.
    let r1 = fastq(60_000, 3, 1);
    let r2 = fastq(60_000, 4, 2);
    assert!(r1.len() > PushSession::MAX_QUEUED);
    let mut out = Collect::new();
    let opts = PipelineOptions::passthrough();
    let mut s = PushSession::start(&opts, Layout::Paired, 1, Control::new()).unwrap();
    s.push(0, &r1, &mut out).unwrap();
    s.push(1, &r2, &mut out).unwrap();
    let sum = s.finish(&mut out).unwrap();
    assert_eq!(sum.inputs[1].records, 60_000);
    assert_eq!(out.out[0].len(), r1.len() + r2.len());
}

#[test]
fn one_mate_far_ahead_would_block_and_the_session_goes_on() {
    let r1 = fastq(60_000, 8, 1);
    let r2 = fastq(60_000, 9, 2);
    let mut out = Collect::new();
    let opts = PipelineOptions::passthrough();
    let mut s = PushSession::start(&opts, Layout::Paired, 2, Control::new()).unwrap();
    s.set_max_ahead(0); // MAX_QUEUED
    let piece = 256 << 10;
    let (mut a, mut b) = (&r1[..], &r2[..]);
    let mut refused = 0;
    let mut pushed_ahead = 0;
    // R1 only until refused: it never gets more than max_ahead + one piece ahead.
    while !a.is_empty() {
        let n = piece.min(a.len());
        match s.push(0, &a[..n], &mut out) {
            Ok(()) => {
                a = &a[n..];
                pushed_ahead += n;
            }
            Err(PushError::WouldBlock(m)) => {
                assert!(m.contains("push input 2 first"), "{m}");
                refused += 1;
                break;
            }
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!(refused, 1);
    assert!(pushed_ahead < PushSession::MAX_QUEUED + 4 * piece + (1 << 20));
    // Then R1 whenever it is taken, R2 when R1 is refused.
    while !a.is_empty() || !b.is_empty() {
        let n = piece.min(a.len());
        if !a.is_empty() {
            match s.push(0, &a[..n], &mut out) {
                Ok(()) => {
                    a = &a[n..];
                    continue;
                }
                Err(PushError::WouldBlock(_)) => refused += 1,
                Err(e) => panic!("{e:?}"),
            }
        }
        let m = piece.min(b.len());
        s.push(1, &b[..m], &mut out).unwrap();
        b = &b[m..];
    }
    let sum = s.finish(&mut out).unwrap();
    assert_eq!(sum.inputs[1].records, 60_000);
    assert!(out.out[0] == r1 && out.out[1] == r2);
    assert!(refused > 1, "{refused}");
}

/// Drives a pull-mode session the way an event loop would: push pieces, pull every output
/// after each push and whenever a push is refused, then finish until it stops refusing.
fn pull_all(
    opts: &PipelineOptions,
    layout: Layout,
    ins: &[&[u8]],
    limit: Option<usize>,
    rng: &mut rand_pcg::Pcg64,
) -> ([Vec<u8>; 2], Summary) {
    let n = ins.len();
    let mut s = PushSession::start(opts, layout, n, Control::new()).unwrap();
    s.set_pull_mode();
    if let Some(l) = limit {
        s.set_memory_limit(l);
    }
    let mut out = Collect::new();
    let mut got = [Vec::new(), Vec::new()];
    let mut buf = vec![0u8; 1000];
    let mut drain = |s: &mut PushSession, got: &mut [Vec<u8>; 2]| {
        for (o, g) in got.iter_mut().enumerate().take(n) {
            loop {
                let k = s.pull(o, &mut buf, &mut Collect::new()).unwrap();
                if k == 0 {
                    break;
                }
                g.extend_from_slice(&buf[..k]);
            }
        }
    };
    let mut rest: Vec<&[u8]> = ins.to_vec();
    while rest.iter().any(|r| !r.is_empty()) {
        let which = rng.random_range(0..n);
        let n_bytes = rng.random_range(0..=100_000).min(rest[which].len());
        match s.push(which, &rest[which][..n_bytes], &mut out) {
            Ok(()) => rest[which] = &rest[which][n_bytes..],
            Err(PushError::WouldBlock(_)) => {}
            Err(e) => panic!("{e:?}"),
        }
        drain(&mut s, &mut got);
    }
    let summary = loop {
        match s.finish(&mut out) {
            Ok(sum) => break sum,
            Err(PushError::WouldBlock(_)) => drain(&mut s, &mut got),
            Err(e) => panic!("{e:?}"),
        }
    };
    assert!(out.out[0].is_empty(), "pull mode never calls write");
    assert_eq!(s.pull(0, &mut buf, &mut out).unwrap(), 0);
    (got, summary)
}

#[test]
fn pull_mode_matches_file_mode() {
    let dir = tempfile::tempdir().unwrap();
    let r1 = fastq(3000, 11, 1);
    let r2 = fastq(3000, 12, 2);
    let opts = PipelineOptions {
        compress: Some(true),
        batch_bytes: 50_000,
        threads: 2,
        ..Default::default()
    };
    let want = file_mode(&opts, dir.path(), &[&r1, &r2]);
    let mut rng = rand_pcg::Pcg64::seed_from_u64(21);
    for limit in [None, Some(1)] {
        let (got, sum) = pull_all(&opts, Layout::Paired, &[&r1, &r2], limit, &mut rng);
        assert_eq!(sum.inputs[1].records, 3000);
        assert!(got[0] == want[0] && got[1] == want[1], "limit {limit:?}");
    }
    let big = fastq(40_000, 13, 1);
    let (got, sum) = pull_all(
        &PipelineOptions::passthrough(),
        Layout::Single,
        &[&big],
        Some(1),
        &mut rng,
    );
    assert_eq!(sum.inputs[0].records, 40_000);
    assert!(got[0] == big);
}

#[test]
fn memory_limit_bounds_callback_mode_queues() {
    // A writer that checks the engine never queues more output than the limit (plus one
    // piece) while the caller is away.
    struct Check {
        out: Vec<u8>,
        shared: Arc<Shared>,
        most: usize,
    }
    impl PushOutput for Check {
        fn write(&mut self, _o: usize, bytes: &[u8]) -> Result<(), Error> {
            let q = self.shared.lock();
            self.most = self.most.max(q.out_bytes + q.queued[0]);
            drop(q);
            self.out.extend_from_slice(bytes);
            Ok(())
        }
    }
    let data = fastq(40_000, 14, 1);
    let opts = PipelineOptions::passthrough();
    let mut s = PushSession::start(&opts, Layout::Single, 1, Control::new()).unwrap();
    s.set_memory_limit(100_000);
    let mut out = Check {
        out: Vec::new(),
        shared: s.shared.clone(),
        most: 0,
    };
    for piece in data.chunks(30_000) {
        s.push(0, piece, &mut out).unwrap();
    }
    s.finish(&mut out).unwrap();
    assert!(out.out == data);
    // Input and output queues each at most the limit plus one piece (a batch, a push).
    assert!(out.most < 2 * 100_000 + (1 << 20) + 30_000, "{}", out.most);
}

#[test]
fn pull_mode_misuse() {
    let opts = PipelineOptions::passthrough();
    let mut out = Collect::new();
    let mut buf = [0u8; 8];
    let mut s = PushSession::start(&opts, Layout::Single, 1, Control::new()).unwrap();
    assert!(matches!(
        s.pull(0, &mut buf, &mut out),
        Err(PushError::State(_))
    ));
    s.set_pull_mode();
    assert!(matches!(
        s.pull(1, &mut buf, &mut out),
        Err(PushError::Argument(_))
    ));
    s.push(0, b"@r1\nACGT\n+\nIII\n", &mut out).unwrap();
    let failed = loop {
        match s.finish(&mut out) {
            Err(PushError::WouldBlock(_)) => while s.pull(0, &mut buf, &mut out).unwrap() > 0 {},
            Err(PushError::Run(e)) => break e.to_string(),
            other => panic!("{other:?}"),
        }
    };
    assert!(failed.contains("<stream>"), "{failed}");
    assert!(matches!(
        s.pull(0, &mut buf, &mut out),
        Err(PushError::Run(_))
    ));
}

#[test]
fn malformed_input_fails_and_stays_failed() {
    let mut out = Collect::new();
    let opts = PipelineOptions::passthrough();
    let mut s = PushSession::start(&opts, Layout::Single, 1, Control::new()).unwrap();
    s.push(0, b"@r1\nACGT\n+\nIII\n", &mut out).unwrap();
    let msg = match s.finish(&mut out) {
        Err(PushError::Run(e)) => e.to_string(),
        other => panic!("expected a run error, got {other:?}"),
    };
    assert!(msg.contains("<stream>"), "{msg}");
    assert!(matches!(s.push(0, b"@", &mut out), Err(PushError::Run(_))));
    assert!(matches!(s.finish(&mut out), Err(PushError::Run(_))));
    assert!(matches!(
        s.push(1, b"@", &mut out),
        Err(PushError::Argument(_))
    ));
}

#[test]
fn progress_can_cancel_and_push_after_finish_is_a_state_error() {
    let data = fastq(100, 5, 1);
    let opts = PipelineOptions::passthrough();
    let mut out = Collect::new();
    out.cancel_after = Some(0);
    let mut s = PushSession::start(&opts, Layout::Single, 1, Control::new()).unwrap();
    assert!(matches!(
        s.push(0, &data, &mut out),
        Err(PushError::Run(Error::Cancelled))
    ));
    assert!(matches!(
        s.finish(&mut out),
        Err(PushError::Run(Error::Cancelled))
    ));
    let mut out = Collect::new();
    let mut s = PushSession::start(&opts, Layout::Single, 0, Control::new()).unwrap();
    s.push(0, &data, &mut out).unwrap();
    assert_eq!(s.finish(&mut out).unwrap().inputs[0].records, 100);
    assert!(out.out[0].is_empty());
    assert!(matches!(
        s.push(0, &data, &mut out),
        Err(PushError::State(_))
    ));
}

#[test]
fn drop_mid_run_stops_the_engine() {
    let data = fastq(20_000, 6, 1);
    let mut out = Collect::new();
    let mut s = PushSession::start(
        &PipelineOptions::default(),
        Layout::Single,
        1,
        Control::new(),
    )
    .unwrap();
    s.push(0, &data, &mut out).unwrap();
    drop(s); // must return (engine threads stopped), not hang
}
