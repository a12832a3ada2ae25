//! The paired reader: two FASTQ streams (or one interleaved stream) through the whole pipeline.
//!
//! Properties: no panic or hang; the outcome (output bytes or error text) is the same with 1
//! and 2 worker threads and with R1/R2 delivered in fuzzer-chosen read sizes; on success no
//! read is lost or changed (each output is its input's records, re-serialized), the two outputs
//! hold the same number of records and every pair's names agree; on failure the error names
//! a FASTQ or decompression problem, never an internal one. Half the inputs run with fastp's
//! default trimming and filtering (then outputs are compared across threads and read sizes,
//! and the mates checked), half as passthrough (then outputs must equal the inputs).
#![no_main]

use std::io::{Cursor, Read};
use std::path::PathBuf;

use libfuzzer_sys::fuzz_target;
use panelprep::fastq::pair::names_match;
use panelprep::pipeline::{Control, Layout, PipelineOptions, run_streams};
use panelprep_fuzz::{SharedBuf, Trickle, frame_all, write_all};

type Outcome = Result<(Vec<u8>, Vec<u8>), String>;

fn run(
    trim: bool,
    layout: Layout,
    inputs: &[&[u8]],
    threads: usize,
    batch: usize,
    sizes: Option<&[u8]>,
) -> Outcome {
    // Passthrough (reads copied unchanged) or fastp's default trimming and filtering.
    let base = if trim {
        PipelineOptions::default()
    } else {
        PipelineOptions::passthrough()
    };
    let opts = PipelineOptions {
        threads,
        batch_bytes: batch,
        allow_empty: true,
        compress: Some(false),
        stats: trim,
        ..base
    };
    let readers = inputs
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let r: Box<dyn Read + Send> = match sizes {
                None => Box::new(Cursor::new(d.to_vec())),
                Some(s) => {
                    // Trickle borrows; materialise the pieces into an owned chain.
                    let mut t = Trickle::new(d, s);
                    let mut pieces: Vec<Vec<u8>> = Vec::new();
                    let mut buf = vec![0u8; 256];
                    loop {
                        let n = t.read(&mut buf).unwrap_or(0);
                        if n == 0 {
                            break;
                        }
                        pieces.push(buf[..n].to_vec());
                    }
                    Box::new(Pieces(pieces.into_iter().rev().collect()))
                }
            };
            (PathBuf::from(format!("r{}.fq", i + 1)), r)
        })
        .collect();
    let (o1, o2) = (SharedBuf::default(), SharedBuf::default());
    let writers: Vec<(PathBuf, Box<dyn std::io::Write + Send>)> = vec![
        ("o1.fq".into(), Box::new(o1.clone())),
        ("o2.fq".into(), Box::new(o2.clone())),
    ];
    match run_streams(&opts, layout, readers, writers, &Control::new()) {
        Ok(_) => Ok((o1.bytes(), o2.bytes())),
        Err(e) => Err(e.to_string()),
    }
}

/// A reader that returns one stored piece per call.
struct Pieces(Vec<Vec<u8>>);

impl Read for Pieces {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let Some(mut p) = self.0.pop() else {
            return Ok(0);
        };
        let n = p.len().min(buf.len());
        buf[..n].copy_from_slice(&p[..n]);
        if n < p.len() {
            p.drain(..n);
            self.0.push(p);
        }
        Ok(n)
    }
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    let interleaved = data[0] & 1 == 1;
    let trim = data[0] & 2 == 2;
    let batch = 1 + usize::from(data[1]) * 5;
    let sizes = &data[2..4];
    let rest = &data[4..];
    // R1 and R2 are separated by the first 0xff byte (never valid FASTQ or a gzip magic).
    let (r1, r2) = match rest.iter().position(|&b| b == 0xff) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, &b""[..]),
    };
    let (layout, inputs): (Layout, Vec<&[u8]>) = if interleaved {
        (Layout::Interleaved, vec![rest])
    } else {
        (Layout::Paired, vec![r1, r2])
    };

    let base = run(trim, layout, &inputs, 1, batch, None);
    let threaded = run(trim, layout, &inputs, 2, batch, None);
    assert_eq!(base, threaded, "thread count changed the outcome");
    let trickled = run(trim, layout, &inputs, 2, batch, Some(sizes));
    assert_eq!(base, trickled, "read sizes changed the outcome");

    match base {
        Err(msg) => {
            assert!(
                !msg.contains("internal error") && !msg.contains("cancelled"),
                "unexpected failure kind: {msg}"
            );
        }
        Ok((o1, o2)) => {
            let a = frame_all(&o1[..], 1 << 20).expect("our output re-reads");
            let b = frame_all(&o2[..], 1 << 20).expect("our output re-reads");
            assert_eq!(a.len(), b.len(), "outputs hold different record counts");
            for (x, y) in a.iter().zip(&b) {
                assert!(names_match(&x.0, &y.0), "unpaired mates written");
            }
            if trim {
                // Trimmed and filtered: pairs stay pairs; checked above.
            } else if layout == Layout::Paired {
                // Inputs are plain text here only when they are not gzip; compare when plain.
                for (input, out) in [(r1, &a), (r2, &b)] {
                    if input.first() != Some(&0x1f) {
                        let recs = frame_all(input, 1 << 20).expect("accepted input frames");
                        assert_eq!(
                            write_all(&recs),
                            write_all(out),
                            "a read was lost or changed"
                        );
                    }
                }
            } else if rest.first() != Some(&0x1f) {
                let recs = frame_all(rest, 1 << 20).expect("accepted input frames");
                let mut merged = Vec::new();
                for (x, y) in a.into_iter().zip(b) {
                    merged.push(x);
                    merged.push(y);
                }
                assert_eq!(
                    write_all(&recs),
                    write_all(&merged),
                    "a read was lost or changed"
                );
            }
        }
    }
});
