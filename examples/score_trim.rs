//! Scores trimmed FASTQ against the simulator's truth (`ins=N` in the input names).
//!
//! `score_trim READ_LEN OUT_R1 [OUT_R2]` prints one markdown row:
//! exact share, over-/under-trimmed shares, false positives (reads without adapter that were
//! trimmed), false negatives (reads with adapter left untrimmed), MAE and RMSE of the cut point.
//! Reads missing from the output are counted as `dropped` and excluded from the error metrics.
//! The truth of a read is its `cut=N` (the profiled and ART-derived data, where indels move a
//! read's adapter off the insert length) or else `ins=N` capped at the read length.
//!
//! `score_trim --classes NAME READ_LEN OUT_R1 [OUT_R2]` prints instead the exact share per insert
//! class: dimer (0), 1-39, 40-129, 130-146, 147-149, no adapter (>= read length).

use std::io::{BufRead, BufReader};

fn field(head: &[u8], key: &[u8]) -> Option<usize> {
    let p = head.windows(key.len()).position(|w| w == key)?;
    let d: Vec<u8> = head[p + key.len()..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .copied()
        .collect();
    std::str::from_utf8(&d).ok()?.parse().ok()
}

fn insert_of(head: &[u8]) -> Option<usize> {
    field(head, b"ins=")
}

/// Insert classes of the per-class table.
const CLASSES: [&str; 6] = [
    "dimer",
    "1-39",
    "40-129",
    "130-146",
    "147-149",
    "no adapter",
];

fn class_of(ins: usize, len: usize) -> usize {
    match ins {
        0 => 0,
        1..=39 => 1,
        _ if ins >= len => 5,
        _ if ins + 3 >= len => 4,
        _ if ins + 20 >= len => 3,
        _ => 2,
    }
}

#[derive(Default)]
struct Score {
    class_n: [u64; 6],
    class_exact: [u64; 6],
    n: u64,
    exact: u64,
    over: u64,
    under: u64,
    with_ad: u64,
    without_ad: u64,
    fp: u64,
    fn_: u64,
    abs: f64,
    sq: f64,
}

fn score(path: &str, len: usize, s: &mut Score) -> Result<(), String> {
    let rd = BufReader::new(std::fs::File::open(path).map_err(|e| format!("{path}: {e}"))?);
    let mut lines = rd.split(b'\n');
    while let Some(h) = lines.next() {
        let h = h.map_err(|e| e.to_string())?;
        let seq = lines
            .next()
            .ok_or("truncated")?
            .map_err(|e| e.to_string())?;
        lines.next();
        lines.next();
        let ins =
            insert_of(&h).ok_or_else(|| format!("no ins= in {}", String::from_utf8_lossy(&h)))?;
        let truth = field(&h, b" cut=").unwrap_or(ins).min(len);
        let got = seq.len();
        s.n += 1;
        let c = class_of(ins, len);
        s.class_n[c] += 1;
        if got == truth {
            s.exact += 1;
            s.class_exact[c] += 1;
        } else if got < truth {
            s.over += 1;
        } else {
            s.under += 1;
        }
        if truth >= len {
            s.without_ad += 1;
            if got < len {
                s.fp += 1;
            }
        } else {
            s.with_ad += 1;
            if got >= len {
                s.fn_ += 1;
            }
        }
        let d = got as f64 - truth as f64;
        s.abs += d.abs();
        s.sq += d * d;
    }
    Ok(())
}

fn main() {
    let mut args: Vec<String> = std::env::args().collect();
    let classes = args.get(1).is_some_and(|a| a == "--classes");
    if classes {
        args.remove(1);
        args.insert(3, "0".into());
    }
    if args.len() < 4 {
        eprintln!("usage: score_trim NAME READ_LEN EXPECTED_READS OUT_R1 [OUT_R2]");
        std::process::exit(2);
    }
    let name = &args[1];
    let len: usize = args[2].parse().unwrap_or(150);
    let expected: u64 = args[3].parse().unwrap_or(0);
    let mut s = Score::default();
    for p in &args[4..] {
        if let Err(e) = score(p, len, &mut s) {
            eprintln!("score_trim: {e}");
            std::process::exit(1);
        }
    }
    let n = s.n.max(1) as f64;
    let pct = |x: u64, d: u64| 100.0 * x as f64 / d.max(1) as f64;
    if classes {
        let cells: Vec<String> = (0..CLASSES.len())
            .map(|c| {
                if s.class_n[c] == 0 {
                    "-".to_string()
                } else {
                    format!("{:.2}", pct(s.class_exact[c], s.class_n[c]))
                }
            })
            .collect();
        let counts: Vec<String> = s.class_n.iter().map(|c| c.to_string()).collect();
        println!("| {name} | {} | {} |", cells.join(" | "), counts.join("/"));
        return;
    }
    println!(
        "| {name} | {:.2} | {:.2} | {:.2} | {:.3} | {:.3} | {:.3} | {:.3} | {} |",
        pct(s.exact, s.n),
        pct(s.over, s.n),
        pct(s.under, s.n),
        pct(s.fp, s.without_ad),
        pct(s.fn_, s.with_ad),
        s.abs / n,
        (s.sq / n).sqrt(),
        expected.saturating_sub(s.n),
    );
}
