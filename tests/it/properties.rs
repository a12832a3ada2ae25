//! Property tests of the engine's invariants (proptest; case counts kept small for CI):
//! - parse(write(records)) == records, for any chunk size and any read sizes;
//! - the output bytes (compressed ones included) and the outcome do not depend on the thread
//!   count, the batch size, the input container or how the input is delivered;
//! - paired and interleaved runs write every mate, in order, unchanged.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::util::common;

use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use panelprep::fastq::{Chunker, ChunkerOptions, write_record};
use panelprep::pipeline::{Control, Layout, PipelineOptions, run_readers_writers};
use proptest::prelude::*;

type Owned = (Vec<u8>, Vec<u8>, Vec<u8>, Vec<u8>);

const IUPAC: &[u8] = b"ACGTUNRYSWKMBDHVacgtunryswkmbdhv.";

/// One record: a printable title (no line ends), IUPAC bases, a separator that is empty or
/// repeats the title, and one Phred+33 quality per base.
fn record() -> impl Strategy<Value = Owned> {
    (
        proptest::collection::vec(0x20u8..0x7f, 0..30),
        proptest::collection::vec(proptest::sample::select(IUPAC), 0..200),
        any::<bool>(),
        any::<u64>(),
    )
        .prop_map(|(head, seq, repeat, seed)| {
            let mut x = seed | 1;
            let qual = seq
                .iter()
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    // Mostly Illumina-like (# to J), sometimes anything in ! to ~.
                    if x % 8 == 0 {
                        b'!' + (x % 94) as u8
                    } else {
                        b'#' + (x % 40) as u8
                    }
                })
                .collect();
            let plus = if repeat { head.clone() } else { Vec::new() };
            (head, seq, plus, qual)
        })
}

fn write_all(records: &[Owned]) -> Vec<u8> {
    let mut out = Vec::new();
    for (h, s, p, q) in records {
        write_record(&mut out, h, s, p, q);
    }
    out
}

/// Delivers `data` in pieces whose sizes cycle through `sizes` (zero becomes one).
struct Pieces {
    data: Vec<u8>,
    pos: usize,
    sizes: Vec<usize>,
    i: usize,
}

impl Pieces {
    fn new(data: Vec<u8>, sizes: &[usize]) -> Self {
        let sizes = if sizes.is_empty() {
            vec![1]
        } else {
            sizes.iter().map(|&s| s.max(1)).collect()
        };
        Self {
            data,
            pos: 0,
            sizes,
            i: 0,
        }
    }
}

impl Read for Pieces {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.sizes[self.i % self.sizes.len()]
            .min(buf.len())
            .min(self.data.len() - self.pos);
        self.i += 1;
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

fn frame<R: Read>(reader: R, target: usize) -> Vec<Owned> {
    let opts = ChunkerOptions {
        target_bytes: target,
        ..ChunkerOptions::default()
    };
    let mut c = Chunker::new(reader, opts);
    let mut out = Vec::new();
    while let Some(ch) = c.next_chunk(None).unwrap() {
        for r in ch.records() {
            out.push((
                r.head.to_vec(),
                r.seq.to_vec(),
                r.plus.to_vec(),
                r.qual.to_vec(),
            ));
        }
    }
    out
}

#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// One in-memory pipeline run; the output bytes per stream, or the error text.
fn pipe(
    layout: Layout,
    inputs: Vec<Box<dyn Read + Send>>,
    outputs: usize,
    threads: usize,
    batch_bytes: usize,
    compress: bool,
    trim: bool,
) -> Result<Vec<Vec<u8>>, String> {
    let opts = PipelineOptions {
        threads,
        batch_bytes,
        compress: Some(compress),
        compression_level: 1,
        allow_empty: true,
        stats: true,
        checksums: true,
        ..if trim {
            PipelineOptions::default()
        } else {
            PipelineOptions::passthrough()
        }
    };
    let readers = inputs
        .into_iter()
        .enumerate()
        .map(|(i, r)| (PathBuf::from(format!("in{i}.fq")), r))
        .collect();
    let sinks: Vec<Shared> = (0..outputs).map(|_| Shared::default()).collect();
    let writers = sinks
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let w: Box<dyn Write + Send> = Box::new(s.clone());
            (PathBuf::from(format!("out{i}.fq")), w)
        })
        .collect();
    run_readers_writers(&opts, layout, readers, writers, &Control::new())
        .map_err(|e| e.to_string())?;
    Ok(sinks.iter().map(|s| s.0.lock().unwrap().clone()).collect())
}

fn boxed(data: Vec<u8>) -> Box<dyn Read + Send> {
    Box::new(std::io::Cursor::new(data))
}

fn container(kind: u8, text: &[u8]) -> Vec<u8> {
    match kind % 4 {
        0 => text.to_vec(),
        1 => common::gzip(text),
        2 => common::gzip_members(text, 3),
        _ => common::bgzf(text),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn parse_of_write_is_identity(
        records in proptest::collection::vec(record(), 0..40),
        target in 1usize..3000,
        sizes in proptest::collection::vec(1usize..500, 1..6),
        crlf in any::<bool>(),
    ) {
        let mut text = write_all(&records);
        if crlf {
            text = String::from_utf8(text).unwrap().replace('\n', "\r\n").into_bytes();
        }
        prop_assert_eq!(&frame(&text[..], target), &records);
        prop_assert_eq!(&frame(Pieces::new(text, &sizes), target), &records);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Same records through every configuration: same bytes out, same outcome.
    #[test]
    fn output_independent_of_threads_batches_containers_and_reads(
        records in proptest::collection::vec(record(), 1..60),
        batch in 1usize..4000,
        sizes in proptest::collection::vec(1usize..5000, 1..4),
        kind in any::<u8>(),
        compress in any::<bool>(),
    ) {
        let text = write_all(&records);
        let reference = pipe(Layout::Single, vec![boxed(text.clone())], 1, 1, 1 << 20, compress, false);
        if let Ok(out) = &reference {
            let plain = if compress { common::gunzip(&out[0]) } else { out[0].clone() };
            prop_assert_eq!(&plain, &text, "a record was lost or changed");
        }
        let stored = container(kind, &text);
        for threads in [1, 2, 3] {
            let got = pipe(
                Layout::Single,
                vec![Box::new(Pieces::new(stored.clone(), &sizes))],
                1,
                threads,
                batch,
                compress,
                false,
            );
            prop_assert_eq!(&got, &reference, "threads {} batch {} container {}", threads, batch, kind % 4);
        }
    }

    #[test]
    fn paired_and_interleaved_runs_keep_every_mate(
        pairs in proptest::collection::vec((record(), record()), 1..40),
        batch in 1usize..3000,
        threads in 1usize..4,
    ) {
        let mut r1 = Vec::new();
        let mut r2 = Vec::new();
        for (i, (a, b)) in pairs.into_iter().enumerate() {
            let name = format!("p{i}");
            r1.push((format!("{name}/1").into_bytes(), a.1, Vec::new(), a.3));
            r2.push((format!("{name}/2 x").into_bytes(), b.1, Vec::new(), b.3));
        }
        let (t1, t2) = (write_all(&r1), write_all(&r2));
        let out = pipe(Layout::Paired, vec![boxed(t1.clone()), boxed(t2.clone())], 2, threads, batch, false, false);
        let mut inter = Vec::new();
        for (a, b) in r1.iter().zip(&r2) {
            inter.push(a.clone());
            inter.push(b.clone());
        }
        let ti = write_all(&inter);
        let split = pipe(Layout::Interleaved, vec![boxed(ti.clone())], 2, threads, batch, false, false);
        let joined = pipe(Layout::Paired, vec![boxed(t1.clone()), boxed(t2.clone())], 1, threads, batch, false, false);
        match out {
            Ok(out) => {
                prop_assert_eq!(&out[0], &t1);
                prop_assert_eq!(&out[1], &t2);
                prop_assert_eq!(&split.unwrap()[..2], &[t1, t2]);
                prop_assert_eq!(&joined.unwrap()[..1], &[ti]);
            }
            Err(e) => {
                // Only the Phred+64 guess may refuse these (valid) records; all runs agree.
                prop_assert!(e.contains("Phred+64"), "{}", e);
                prop_assert!(split.is_err() && joined.is_err());
            }
        }
    }
}

/// Statistics of `records` (single-end, or pairs of neighbours when `paired`), with every kind
/// of accumulator touched: before/after, filter reasons, adapters, trimmed bases, inserts.
fn stats_of(records: &[Owned], paired: bool) -> panelprep::stats::RunStats {
    use panelprep::fastq::RecordRef;
    use panelprep::filter::Reason;
    fn rr(r: &Owned) -> RecordRef<'_> {
        RecordRef {
            head: &r.0,
            seq: &r.1,
            plus: &r.2,
            qual: &r.3,
        }
    }
    let mut s = panelprep::stats::RunStats::new(paired);
    let step = if paired { 2 } else { 1 };
    // Everything below depends on the record only, never on its position in the part.
    for group in records.chunks(step) {
        let r1 = rr(&group[0]);
        let i = r1.seq.len() + r1.head.len();
        let r2 = group.get(1).map(rr).filter(|_| paired);
        s.add_before(&r1, r2.as_ref());
        let reason = Reason::ALL[i % Reason::ALL.len()];
        s.add_filter(reason, step as u64);
        if reason == Reason::Passed {
            s.add_after(&r1, r2.as_ref());
        }
        let k = r1.seq.len() / 3;
        if k > 0 {
            s.add_adapter(i % 2, &r1.seq[..k]);
            s.add_trimmed(i % 2, k, i % 3, i % 5);
        }
        if paired {
            s.add_insert((r1.seq.len() > 10).then_some(r1.seq.len() * 2));
        }
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// merge is associative, has the empty accumulator as identity, and counting the whole
    /// equals merging the counts of the parts, so batches merged in any grouping agree.
    #[test]
    fn stats_merge_is_associative(
        records in proptest::collection::vec(record(), 0..60),
        cut1 in 0usize..60,
        cut2 in 0usize..60,
        paired in any::<bool>(),
    ) {
        let n = records.len();
        let (mut i, mut j) = (cut1.min(n), cut2.min(n));
        if i > j {
            std::mem::swap(&mut i, &mut j);
        }
        if paired {
            // Parts hold whole pairs.
            i -= i % 2;
            j -= j % 2;
        }
        let (a, b, c) = (
            stats_of(&records[..i], paired),
            stats_of(&records[i..j], paired),
            stats_of(&records[j..], paired),
        );
        let mut left = a.clone();
        left.merge(&b);
        left.merge(&c);
        let mut bc = b.clone();
        bc.merge(&c);
        let mut right = a.clone();
        right.merge(&bc);
        prop_assert_eq!(&left, &right, "(a+b)+c != a+(b+c)");
        let mut with_empty = panelprep::stats::RunStats::new(paired);
        with_empty.merge(&left);
        prop_assert_eq!(&with_empty, &left, "empty is not an identity");
        // The whole, counted at once, is the merge of its parts (pairs stay whole).
        let mut whole = stats_of(&records[..i], paired);
        whole.merge(&stats_of(&records[i..], paired));
        let all = stats_of(&records, paired);
        prop_assert_eq!(all, whole);
    }
}

/// A pair from a fragment of `insert` bases: R1 reads it forwards, R2 backwards (reverse
/// complement), both run on into Illumina adapters when the insert is shorter than the reads.
fn fragment_pair(i: usize, insert: usize, len: usize, seed: u64) -> (Owned, Owned) {
    let mut x = seed | 1;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let frag: Vec<u8> = (0..insert)
        .map(|_| b"ACGT"[(next() % 4) as usize])
        .collect();
    let rc: Vec<u8> = frag
        .iter()
        .rev()
        .map(|&b| match b {
            b'A' => b'T',
            b'C' => b'G',
            b'G' => b'C',
            _ => b'A',
        })
        .collect();
    let a1 = b"AGATCGGAAGAGCACACGTCTGAACTCCAGTCACATCTCGTATGCCGTCTTCTGCTTG";
    let a2 = b"AGATCGGAAGAGCGTCGTGTAGGGAAAGAGTGTAGATCTCGGTGGTCGCCGTATCATT";
    let mut s1: Vec<u8> = frag.iter().chain(a1.iter()).copied().collect();
    let mut s2: Vec<u8> = rc.iter().chain(a2.iter()).copied().collect();
    s1.resize(len, b'A');
    s2.resize(len, b'A');
    let q: Vec<u8> = (0..len).map(|_| b'#' + (next() % 40) as u8).collect();
    (
        (format!("f{i}/1").into_bytes(), s1, Vec::new(), q.clone()),
        (format!("f{i}/2").into_bytes(), s2, Vec::new(), q),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    /// With fastp's default trimming and filtering on, outputs, statistics and checksums are
    /// still the same for any thread count and batch size.
    #[test]
    fn trimmed_output_independent_of_threads_and_batches(
        inserts in proptest::collection::vec((20usize..200, any::<u64>()), 1..80),
        batch in 1usize..5000,
    ) {
        let (mut r1, mut r2) = (Vec::new(), Vec::new());
        // Inserts the pair analysis must find (overlap >= 30) and that end inside the reads.
        let any_trimmed = inserts.iter().any(|&(insert, _)| (30..150).contains(&insert));
        for (i, (insert, seed)) in inserts.into_iter().enumerate() {
            let (a, b) = fragment_pair(i, insert, 150, seed);
            r1.push(a);
            r2.push(b);
        }
        let (t1, t2) = (write_all(&r1), write_all(&r2));
        let run = |threads, batch| {
            pipe(Layout::Paired, vec![boxed(t1.clone()), boxed(t2.clone())], 2, threads, batch, true, true)
        };
        let reference = run(1, 1 << 20);
        let out = reference.as_ref().expect("valid pairs");
        let (o1, o2) = (common::gunzip(&out[0]), common::gunzip(&out[1]));
        // Trimming (or filtering) shortened the output when some insert ended inside the reads.
        if any_trimmed {
            prop_assert!(o1.len() < t1.len() && o2.len() < t2.len());
        }
        prop_assert!(o1.len() <= t1.len() && o2.len() <= t2.len());
        for threads in [2, 3] {
            prop_assert_eq!(&run(threads, batch), &reference, "threads {} batch {}", threads, batch);
        }
    }
}
