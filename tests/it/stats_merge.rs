//! Statistics on small inputs known by hand, and determinism: the merged statistics and the
//! JSON report are identical however the records are split into batches and merged.

use crate::util::report as report_common;

use proptest::prelude::*;

use panelprep::fastq::RecordRef;
use panelprep::filter::Reason;
use panelprep::report::{RunInfo, build};
use panelprep::stats::{RunStats, SampledCounter, hash_bytes};

fn r<'a>(seq: &'a [u8], qual: &'a [u8]) -> RecordRef<'a> {
    RecordRef {
        head: b"r",
        seq,
        plus: b"",
        qual,
    }
}

#[test]
fn hand_counted_paired_run() {
    let mut s = RunStats::new(true);
    // 'I' = Q40, '5' = Q20, '!' = Q0, '?' = Q30, '+' = Q10.
    s.add_before(&r(b"ACGTN", b"I5!?I"), Some(&r(b"GGCC", b"IIII")));
    s.add_before(&r(b"ACGTN", b"+++++"), Some(&r(b"GGCC", b"!!!!")));
    s.add_before(&r(b"AAAA", b"????"), Some(&r(b"TT", b"55")));
    s.add_after(&r(b"ACGT", b"I5!?"), Some(&r(b"GGCC", b"IIII")));
    s.add_filter(Reason::Passed, 2);
    s.add_filter(Reason::LowMeanQuality, 2);
    s.add_filter(Reason::TooShort, 2);
    s.add_adapter(0, b"AGATC");
    s.add_adapter(0, b"AGATC");
    s.add_adapter(1, b"AG");
    s.add_trimmed(0, 1, 0, 0);
    s.add_trimmed(1, 0, 2, 3);
    s.add_trimmed(1, 0, 0, 0);
    for i in [Some(150), Some(150), Some(100), None, Some(9999)] {
        s.add_insert(i);
    }
    let j = serde_json::to_value(build(&s, &RunInfo::default())).expect("json");
    let b = &j["summary"]["before_filtering"];
    assert_eq!(b["total_reads"], 6);
    assert_eq!(b["total_bases"], 5 + 5 + 4 + 4 + 4 + 2);
    // Q20: I,5,?,I | - | ???? | IIII | - | 55  => 4 + 4 + 4 + 2
    assert_eq!(b["q20_bases"], 14);
    // Q30: I,?,I | ???? | IIII => 3 + 4 + 4
    assert_eq!(b["q30_bases"], 11);
    assert_eq!(b["read1_mean_length"], 14 / 3);
    assert_eq!(b["read2_mean_length"], 10 / 3);
    // GC: C,G twice in R1; GGCC twice in R2 => 4 + 8 of 24 bases.
    assert_eq!(b["gc_content"], 0.5);
    assert_eq!(b["q30_rate"], 0.458333);
    let a = &j["summary"]["after_filtering"];
    assert_eq!(a["total_reads"], 2);
    assert_eq!(a["total_bases"], 8);
    assert_eq!(
        j["summary"]["sequencing"],
        "paired end (5 cycles + 4 cycles)"
    );
    let f = &j["filtering_result"];
    assert_eq!(f["passed_filter_reads"], 2);
    assert_eq!(f["low_quality_reads"], 2);
    assert_eq!(f["too_short_reads"], 2);
    assert_eq!(f["too_many_N_reads"], 0);
    assert_eq!(j["panelprep"]["filtering"]["low_mean_quality"], 2);
    assert_eq!(j["panelprep"]["filtering"]["low_quality"], 0);
    let ad = &j["adapter_cutting"];
    assert_eq!(ad["adapter_trimmed_reads"], 3);
    assert_eq!(ad["adapter_trimmed_bases"], 12);
    assert_eq!(ad["read1_adapter_counts"], serde_json::json!({"AGATC": 2}));
    assert_eq!(ad["read2_adapter_counts"], serde_json::json!({"AG": 1}));
    assert_eq!(ad["read1_adapter_sequence"], "unspecified");
    let t = &j["panelprep"]["trimming"];
    assert_eq!(t[0]["trimmed_reads"], 1);
    assert_eq!(t[1]["trimmed_reads"], 1);
    assert_eq!(t[1]["polyx_bases"], 2);
    assert_eq!(t[1]["quality_bases"], 3);
    let ins = &j["insert_size"];
    assert_eq!(ins["peak"], 150);
    assert_eq!(ins["unknown"], 1);
    assert_eq!(ins["histogram"][511], 1);
    assert_eq!(ins["histogram"].as_array().map(Vec::len), Some(512));
    assert_eq!(j["panelprep"]["insert_size"]["median"], 150);
    assert_eq!(
        j["panelprep"]["insert_size"]["mean"],
        (150.0 * 2.0 + 100.0 + 511.0) / 4.0
    );
    // Pairs (ACGTN,GGCC) twice, (AAAA,TT) once: 1 duplicate of 3.
    assert_eq!(j["duplication"]["rate"], 0.333333);
    assert_eq!(j["duplication"]["histogram"], serde_json::json!([1, 2]));
    // Per-position curves of read 1 before filtering.
    let r1 = &j["read1_before_filtering"];
    assert_eq!(r1["total_cycles"], 5);
    assert_eq!(r1["content_curves"]["A"][0], 1.0);
    // Position 4 is covered by the two 5-base reads only, both N there.
    assert_eq!(r1["content_curves"]["N"][4], 1.0);
    assert_eq!(r1["content_curves"]["N"].as_array().map(Vec::len), Some(5));
    // Position 2: G(Q0), G(Q10), A(Q30) => mean 40/3; G mean 5; C absent => overall mean.
    assert_eq!(r1["quality_curves"]["mean"][2], 13.333333);
    assert_eq!(r1["quality_curves"]["G"][2], 5.0);
    assert_eq!(r1["quality_curves"]["C"][2], 13.333333);
    // Our per-position quality histogram: position 0 has Q40, Q10, Q30 once each.
    let qh = &j["panelprep"]["reads"][0]["quality_histogram"][0];
    assert_eq!(qh[40], 1);
    assert_eq!(qh[10], 1);
    assert_eq!(qh[30], 1);
    assert_eq!(qh.as_array().map(Vec::len), Some(41));
    assert_eq!(
        j["panelprep"]["reads"][0]["length_histogram"],
        serde_json::json!([[4, 1], [5, 2]])
    );
}

#[test]
fn single_end_report_has_no_mate_2() {
    let mut s = RunStats::new(false);
    s.add_before(&r(b"ACGT", b"IIII"), None);
    let j = serde_json::to_value(build(&s, &RunInfo::default())).expect("json");
    assert_eq!(j["summary"]["sequencing"], "single end (4 cycles)");
    assert!(j.get("read2_before_filtering").is_none());
    assert!(j.get("insert_size").is_none());
    assert!(
        j["summary"]["before_filtering"]
            .get("read2_mean_length")
            .is_none()
    );
}

/// A record as generated: bases, qualities, filtering outcome, adapter, insert.
type Gen = (Vec<u8>, Vec<u8>, Vec<u8>, Vec<u8>, u8, usize, Option<usize>);

fn record() -> impl Strategy<Value = Gen> {
    (0usize..30, 0usize..30).prop_flat_map(|(l1, l2)| {
        (
            proptest::collection::vec(prop::sample::select(b"ACGTNacgt".to_vec()), l1),
            proptest::collection::vec(33u8..80, l1),
            proptest::collection::vec(prop::sample::select(b"ACGT".to_vec()), l2),
            proptest::collection::vec(33u8..80, l2),
            0u8..7,
            0usize..6,
            prop::option::of(0usize..600),
        )
    })
}

fn count(recs: &[Gen], paired: bool) -> RunStats {
    let mut s = RunStats::new(paired);
    for (s1, q1, s2, q2, reason, ad, ins) in recs {
        let m2 = paired.then(|| r(s2, q2));
        s.add_before(&r(s1, q1), m2.as_ref());
        let reason = Reason::ALL[usize::from(*reason)];
        s.add_filter(reason, if paired { 2 } else { 1 });
        if reason == Reason::Passed {
            let k = s1.len() / 2;
            let m2 = paired.then(|| r(&s2[..s2.len() / 2], &q2[..q2.len() / 2]));
            s.add_after(&r(&s1[..k], &q1[..k]), m2.as_ref());
        }
        if *ad > 0 {
            s.add_adapter(ad % 2, &s1[..(*ad).min(s1.len())]);
            s.add_trimmed(ad % 2, *ad, ad / 2, ad / 3);
        }
        if paired {
            s.add_insert(*ins);
        }
    }
    s
}

fn report(s: &RunStats) -> String {
    build(s, &RunInfo::default()).to_json_string()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Any split into batches, merged left to right, right to left or pairwise, gives the same
    /// statistics and byte-identical JSON as counting everything in one accumulator.
    #[test]
    fn any_partition_same_report(
        recs in proptest::collection::vec(record(), 0..60),
        cuts in proptest::collection::vec(0usize..60, 0..8),
        paired in any::<bool>(),
    ) {
        let whole = count(&recs, paired);
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(recs.len())).collect();
        cuts.push(0);
        cuts.push(recs.len());
        cuts.sort_unstable();
        let parts: Vec<RunStats> = cuts.windows(2).map(|w| count(&recs[w[0]..w[1]], paired)).collect();
        let mut left = RunStats::new(paired);
        for p in &parts { left.merge(p); }
        let mut right = RunStats::new(paired);
        for p in parts.iter().rev() { right.merge(p); }
        let mut level = parts.clone();
        while level.len() > 1 {
            level = level.chunks(2).map(|c| {
                let mut a = c[0].clone();
                if let Some(b) = c.get(1) { a.merge(b); }
                a
            }).collect();
        }
        let tree = level.pop().unwrap_or_else(|| RunStats::new(paired));
        prop_assert_eq!(&left, &whole);
        prop_assert_eq!(&right, &whole);
        prop_assert_eq!(&tree, &whole);
        prop_assert_eq!(report(&left), report(&whole));
    }

    /// (a + b) + c == a + (b + c), and a + b == b + a.
    #[test]
    fn merge_is_associative_and_commutative(
        a in proptest::collection::vec(record(), 0..20),
        b in proptest::collection::vec(record(), 0..20),
        c in proptest::collection::vec(record(), 0..20),
    ) {
        let (sa, sb, sc) = (count(&a, true), count(&b, true), count(&c, true));
        let mut ab_c = sa.clone(); ab_c.merge(&sb); ab_c.merge(&sc);
        let mut bc = sb.clone(); bc.merge(&sc);
        let mut a_bc = sa.clone(); a_bc.merge(&bc);
        prop_assert_eq!(&ab_c, &a_bc);
        let mut ba = sb.clone(); ba.merge(&sa);
        let mut ab = sa.clone(); ab.merge(&sb);
        prop_assert_eq!(ab, ba);
    }

    /// The bounded hash sample (here far over capacity) is the same for any split and order.
    #[test]
    fn sampled_counter_partition_independent(
        keys in proptest::collection::vec(0u32..500, 0..400),
        cuts in proptest::collection::vec(0usize..400, 0..6),
    ) {
        let h = |k: u32| hash_bytes(&k.to_le_bytes(), 7);
        let mut whole = SampledCounter::<u32>::new(8);
        for &k in &keys { whole.add_with(h(k), 1, || k); }
        prop_assert!(whole.len() <= 8);
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(keys.len())).collect();
        cuts.push(0);
        cuts.push(keys.len());
        cuts.sort_unstable();
        let mut merged = SampledCounter::<u32>::new(8);
        for w in cuts.windows(2).rev() {
            let mut p = SampledCounter::<u32>::new(8);
            for &k in keys[w[0]..w[1]].iter().rev() { p.add_with(h(k), 1, || k); }
            merged.merge(&p);
        }
        prop_assert_eq!(&merged, &whole);
        // Kept counts are exact.
        for (_, n, k) in whole.entries() {
            prop_assert_eq!(n, keys.iter().filter(|&&x| x == *k).count() as u64);
        }
    }
}

/// Real reads split into batches handed round-robin to 1..4 threads (each with its own
/// accumulator, merged at the end): the JSON, timings removed, is byte-identical.
#[test]
#[cfg_attr(
    not(pp_public_data),
    ignore = "needs ../shared/data/public (absent on this machine)"
)]
fn real_data_same_json_for_any_threads_and_batches() {
    use report_common::*;
    let Some(d) = data_dir() else { return };
    let (r1, r2) = deinterleave(read_fastq(&d.join("needletail/PRJNA271013_head.fq")));
    let run = |threads: usize, batch: usize, secs: f64| {
        let batches: Vec<(usize, usize)> = (0..r1.len())
            .step_by(batch)
            .map(|s| (s, (s + batch).min(r1.len())))
            .collect();
        let parts: Vec<RunStats> = std::thread::scope(|sc| {
            let hs: Vec<_> = (0..threads)
                .map(|t| {
                    let (r1, r2, batches) = (&r1, &r2, &batches);
                    sc.spawn(move || {
                        let mut s = RunStats::new(true);
                        for &(a, b) in batches.iter().skip(t).step_by(threads) {
                            let mut part = stats_before(&r1[a..b], Some(&r2[a..b]));
                            add_after(&mut part, &r1[a..b], Some(&r2[a..b]));
                            s.merge(&part);
                        }
                        s
                    })
                })
                .collect();
            hs.into_iter().map(|h| h.join().expect("worker")).collect()
        });
        let mut total = RunStats::new(true);
        for p in parts.iter().rev() {
            total.merge(p);
        }
        let info = RunInfo {
            elapsed_seconds: Some(secs),
            ..RunInfo::default()
        };
        let mut v = serde_json::to_value(build(&total, &info)).expect("json");
        assert_eq!(v["panelprep"]["elapsed_seconds"], secs);
        strip_timings(&mut v);
        serde_json::to_string_pretty(&v).expect("json text")
    };
    let reference = run(1, r1.len(), 1.0);
    assert!(reference.contains("\"total_reads\": 2000"));
    for (threads, batch, secs) in [(2, 1, 2.0), (3, 7, 3.0), (4, 64, 4.0), (2, 333, 5.0)] {
        assert_eq!(
            run(threads, batch, secs),
            reference,
            "{threads} threads, batch {batch}"
        );
    }
}
