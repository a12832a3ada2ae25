//! The JSON report of a small fixed input, byte for byte, against
//! `tests/expected/report/small_pe.json` (regenerate with `UPDATE_EXPECTED=1` after a
//! deliberate schema change, and review the diff).

use panelprep::fastq::RecordRef;
use panelprep::filter::Reason;
use panelprep::report::{RunInfo, build, html};
use panelprep::stats::RunStats;

/// Mate 1 bases and qualities, mate 2 bases and qualities.
type Pair = (&'static [u8], &'static [u8], &'static [u8], &'static [u8]);

fn small() -> RunStats {
    let r = |seq: &'static [u8], qual: &'static [u8]| RecordRef {
        head: b"r",
        seq,
        plus: b"",
        qual,
    };
    let mut s = RunStats::new(true);
    let pairs: [Pair; 4] = [
        (
            b"ACGTACGTAGATCGGAAG",
            b"IIIIIIIIIIII5555##",
            b"TTGACCAGTAGATCGGAA",
            b"IIIII?????55555!!!",
        ),
        (
            b"ACGTACGTAGATCGGAAG",
            b"IIIIIIIIIIII5555##",
            b"TTGACCAGTAGATCGGAA",
            b"IIIII?????55555!!!",
        ),
        (b"NNNNNACGT", b"!!!!!IIII", b"GGGGCCCC", b"IIIIIIII"),
        (b"CCCCGGGGAATT", b"?????????555", b"AATTCCGG", b"55555555"),
    ];
    for (i, (a, qa, b, qb)) in pairs.iter().enumerate() {
        s.add_before(&r(a, qa), Some(&r(b, qb)));
        if i == 2 {
            s.add_filter(Reason::TooManyN, 2);
            s.add_insert(None);
            continue;
        }
        let cut = if i < 2 { 8 } else { 0 };
        if cut > 0 {
            s.add_adapter(0, &a[a.len() - cut..]);
            s.add_adapter(1, &b[b.len() - cut..]);
        }
        s.add_trimmed(0, cut, 0, 0);
        s.add_trimmed(1, cut, 0, 0);
        s.add_after(
            &r(&a[..a.len() - cut], &qa[..qa.len() - cut]),
            Some(&r(&b[..b.len() - cut], &qb[..qb.len() - cut])),
        );
        s.add_filter(Reason::Passed, 2);
        s.add_insert(Some(a.len() - cut + 2));
    }
    s
}

fn check(name: &str, actual: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/expected/report")
        .join(name);
    if std::env::var_os("UPDATE_EXPECTED").is_some() {
        std::fs::write(&path, actual).expect("write expected");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with UPDATE_EXPECTED=1 to create)",
            path.display()
        )
    });
    assert!(
        expected == actual,
        "{} differs from the report built now",
        path.display()
    );
}

#[test]
fn small_paired_report_matches_expected() {
    let info = RunInfo {
        command: "panelprep --in1 small_R1.fq --in2 small_R2.fq".into(),
        adapters: [Some("AGATCGGAAGAGCACACGTCTGAACTCCAGTCA".into()), None],
        ..RunInfo::default()
    };
    let report = build(&small(), &info);
    let text = report.to_json_string() + "\n";
    // The version is not part of the expected text (it changes with every release).
    let quoted = format!("\"{}\"", panelprep::VERSION);
    check("small_pe.json", &text.replace(&quoted, "\"@VERSION@\""));
    // The struct round-trips through its JSON.
    let back: panelprep::report::FastpReport = serde_json::from_str(&text).expect("parse");
    assert_eq!(back, report);
    // The HTML of the same report is deterministic too.
    assert_eq!(html::render(&report, None), html::render(&back, None));
}

#[test]
fn adapter_counts_add_up_to_the_trimmed_reads_when_sampled() {
    // Far more distinct adapter tails than the sample keeps: the named ones and `others`
    // still add up to the trimmed reads, as in fastp.
    let mut stats = RunStats::new(false);
    let mut x = 7u64;
    let n = 5 * panelprep::stats::ADAPTER_SEQ_CAPACITY as u64;
    for i in 0..n {
        let mut tail = b"AGATCGGAAGAGC".to_vec();
        for _ in 0..20 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            tail.push(b"ACGT"[(x >> 62) as usize]);
        }
        let adapter: &[u8] = if i % 3 == 0 { b"AGATC" } else { &tail };
        stats.add_adapter(0, adapter);
    }
    let report = build(&stats, &RunInfo::default());
    let counts = &report.adapter_cutting.read1_adapter_counts.0;
    assert_eq!(counts.iter().map(|e| e.1).sum::<u64>(), n);
    assert!(counts.iter().any(|e| e.0 == "others" && e.1 > 0));
}
