//! The panel BED parser and interval merging on arbitrary text.
//!
//! Properties: no panic; every accepted target has start <= end and a contig name; line
//! numbers increase; merging gives sorted, disjoint, non-empty spans that cover exactly the
//! positions of the (non-empty) input intervals.
#![no_main]

use std::io::BufReader;
use std::path::Path;

use libfuzzer_sys::fuzz_target;
use panelprep::coverage::targets::{merge_intervals, parse_bed};

fuzz_target!(|data: &[u8]| {
    let Ok(panel) = parse_bed(BufReader::new(data), Path::new("fuzz.bed")) else {
        return;
    };
    let mut last_line = 0;
    for t in &panel.targets {
        assert!(
            t.start <= t.end,
            "accepted start {} > end {}",
            t.start,
            t.end
        );
        assert!(!t.contig.is_empty(), "accepted an empty contig name");
        assert!(t.line > last_line, "line numbers do not increase");
        last_line = t.line;
    }
    // Merge per contig and compare with a naive position set (on small coordinates only).
    let mut contigs: Vec<&str> = panel.targets.iter().map(|t| t.contig.as_str()).collect();
    contigs.sort_unstable();
    contigs.dedup();
    for c in contigs {
        let iv: Vec<(u64, u64)> = panel
            .targets
            .iter()
            .filter(|t| t.contig == c)
            .map(|t| (t.start, t.end))
            .collect();
        let spans = merge_intervals(iv.clone());
        for w in spans.windows(2) {
            assert!(
                w[0].end < w[1].start || w[0].end <= w[1].start,
                "spans overlap"
            );
            assert!(w[0].start < w[1].start, "spans not sorted");
        }
        let covered: u64 = spans.iter().map(|s| s.end - s.start).sum();
        if iv.iter().all(|&(_, e)| e < 5_000) {
            let mut set = std::collections::BTreeSet::new();
            for (s, e) in &iv {
                set.extend(*s..*e);
            }
            assert_eq!(
                covered,
                set.len() as u64,
                "merged spans cover other positions"
            );
            for s in &spans {
                assert!(set.contains(&s.start) && set.contains(&(s.end - 1)));
            }
        }
    }
});
