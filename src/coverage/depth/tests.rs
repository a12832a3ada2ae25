//! The depth engine against a naive per-base oracle (proptest), and its sort check.
use super::*;
use crate::coverage::bam::Reference;
use crate::coverage::options::Preset;
use proptest::prelude::*;

/// One test read: (pos, cigar ops (code, len), flag, mapq, name, quals, mate pos).
#[derive(Debug, Clone)]
struct Read {
    pos: u32,
    cigar: Vec<(u32, u32)>,
    flag: u16,
    mapq: u8,
    name: String,
    qual: Vec<u8>,
    mate_pos: u32,
}

fn raw(r: &Read) -> Vec<u8> {
    let l_seq: usize = r
        .cigar
        .iter()
        .filter(|c| matches!(c.0, 0 | 1 | 4 | 7 | 8))
        .map(|c| c.1 as usize)
        .sum();
    let mut v = Vec::new();
    v.extend_from_slice(&0i32.to_le_bytes());
    v.extend_from_slice(&(r.pos as i32).to_le_bytes());
    v.push(r.name.len() as u8 + 1);
    v.push(r.mapq);
    v.extend_from_slice(&0u16.to_le_bytes());
    v.extend_from_slice(&(r.cigar.len() as u16).to_le_bytes());
    v.extend_from_slice(&r.flag.to_le_bytes());
    v.extend_from_slice(&(l_seq as u32).to_le_bytes());
    v.extend_from_slice(&0i32.to_le_bytes());
    v.extend_from_slice(&(r.mate_pos as i32).to_le_bytes());
    v.extend_from_slice(&0i32.to_le_bytes());
    v.extend_from_slice(r.name.as_bytes());
    v.push(0);
    for &(op, len) in &r.cigar {
        v.extend_from_slice(&((len << 4) | op).to_le_bytes());
    }
    v.extend(std::iter::repeat_n(0x11u8, l_seq.div_ceil(2)));
    let mut q = r.qual.clone();
    q.resize(l_seq, 30);
    v.extend_from_slice(&q);
    v
}

fn ref_end(r: &Read) -> u32 {
    let rl: u32 = r
        .cigar
        .iter()
        .filter(|c| matches!(c.0, 0 | 2 | 3 | 7 | 8))
        .map(|c| c.1)
        .sum();
    r.pos + rl.max(1)
}

/// Naive per-base oracle: a base counts once per passing read, or once per pair where
/// both passing mates of a proper pair cover it.
fn naive(reads: &[Read], opts: &CoverageOptions, len: usize) -> Vec<i32> {
    let pass = |r: &Read| r.flag & opts.exclude_flags == 0 && r.mapq >= opts.min_mapq;
    let cover = |r: &Read| -> Vec<bool> {
        let mut c = vec![false; len + 1000];
        if opts.count == CountMode::AlignmentSpan {
            for p in r.pos..ref_end(r) {
                c[p as usize] = true;
            }
            return c;
        }
        let (mut p, mut q) = (r.pos as usize, 0usize);
        for &(op, l) in &r.cigar {
            let l = l as usize;
            match op {
                0 | 7 | 8 => {
                    for k in 0..l {
                        let bq = r.qual.get(q + k).copied().unwrap_or(30);
                        if bq >= opts.min_base_quality {
                            c[p + k] = true;
                        }
                    }
                    p += l;
                    q += l;
                }
                1 | 4 => q += l,
                2 | 3 => p += l,
                _ => {}
            }
        }
        c
    };
    let mut depth = vec![0i32; len + 1000];
    let mut done = std::collections::HashSet::new();
    for (i, r) in reads.iter().enumerate() {
        if !pass(r) || done.contains(&i) {
            continue;
        }
        let mate = reads.iter().enumerate().position(|(j, m)| {
            j != i && m.name == r.name && pass(m) && r.flag & flags::PROPER_PAIR != 0
        });
        let mut c = cover(r);
        if opts.mate_overlap == MateOverlap::Mosdepth
            && let Some(j) = mate
        {
            let cm = cover(&reads[j]);
            for (a, b) in c.iter_mut().zip(cm) {
                *a |= b;
            }
            done.insert(j);
        }
        for (d, x) in depth.iter_mut().zip(c) {
            *d += i32::from(x);
        }
    }
    depth.truncate(len);
    depth
}

fn cigar_strategy() -> impl Strategy<Value = Vec<(u32, u32)>> {
    prop_oneof![
        (5u32..60).prop_map(|l| vec![(0, l)]),
        (1u32..10, 5u32..50).prop_map(|(s, m)| vec![(4, s), (0, m)]),
        (5u32..30, 1u32..5, 5u32..30).prop_map(|(a, d, b)| vec![(0, a), (2, d), (0, b)]),
        (5u32..30, 1u32..5, 5u32..30).prop_map(|(a, i, b)| vec![(0, a), (1, i), (0, b), (4, 3)]),
        (5u32..30, 10u32..40, 5u32..30).prop_map(|(a, n, b)| vec![(7, a), (3, n), (8, b)]),
    ]
}

prop_compose! {
    fn pair_strategy(id: usize)(
        p1 in 0u32..200, gap in 0u32..60, c1 in cigar_strategy(), c2 in cigar_strategy(),
        proper in prop::bool::weighted(0.8), dup in prop::bool::weighted(0.1),
        mq in prop_oneof![Just(0u8), Just(60u8)], q1 in prop::collection::vec(0u8..41, 120),
        q2 in prop::collection::vec(0u8..41, 120), single in prop::bool::weighted(0.2),
    ) -> Vec<Read> {
        let name = format!("p{id}");
        let f = flags::PAIRED | if proper { flags::PROPER_PAIR } else { 0 } | if dup { flags::DUPLICATE } else { 0 };
        let mut a = Read { pos: p1, cigar: c1, flag: f, mapq: mq, name: name.clone(), qual: q1, mate_pos: p1 + gap };
        let mut b = Read { pos: p1 + gap, cigar: c2, flag: f | flags::REVERSE, mapq: 60, name, qual: q2, mate_pos: p1 };
        // mosdepth's single-op shortcut assumes the later mate ends no earlier than the first
        if a.cigar.len() == 1 && b.cigar.len() == 1 && ref_end(&b) < ref_end(&a) {
            b.cigar[0].1 += ref_end(&a) - ref_end(&b);
        }
        if single {
            a.flag = 0;
            a.mate_pos = 0;
            vec![a]
        } else {
            vec![a, b]
        }
    }
}

fn run_engine(
    reads: &mut [Read],
    opts: &CoverageOptions,
    targets: &[(u64, u64)],
) -> Vec<SpanDepth> {
    reads.sort_by_key(|r| r.pos);
    let header = BamHeader {
        references: vec![Reference {
            name: "c".into(),
            length: 1000,
        }],
        sort_order: None,
        samples: Vec::new(),
    };
    let spans = crate::coverage::targets::merge_intervals(targets.to_vec());
    let path = Path::new("t.bam");
    let mut e = Engine::new(opts, path, &header, vec![spans]);
    for (i, r) in reads.iter().enumerate() {
        let bytes = raw(r);
        let rec = RawRecord::new(&bytes).expect("valid record");
        e.process(&rec, i as u64 + 1).expect("process");
    }
    e.finish();
    e.contigs.swap_remove(0).spans
}

fn check(
    mut reads: Vec<Read>,
    opts: &CoverageOptions,
    targets: &[(u64, u64)],
) -> Result<(), TestCaseError> {
    let spans = run_engine(&mut reads, opts, targets);
    let want = naive(&reads, opts, 1000);
    for s in &spans {
        for p in s.start..s.end {
            prop_assert_eq!(s.at(p), want[p as usize], "pos {} reads {:?}", p, reads);
        }
    }
    Ok(())
}

fn reads_strategy() -> impl Strategy<Value = Vec<Read>> {
    (1usize..12).prop_flat_map(|n| {
        (0..n)
            .map(pair_strategy)
            .collect::<Vec<_>>()
            .prop_map(|v| v.concat())
    })
}

fn targets_strategy() -> impl Strategy<Value = Vec<(u64, u64)>> {
    prop::collection::vec((0u64..300, 1u64..120).prop_map(|(s, l)| (s, s + l)), 1..5)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn mosdepth_mode_matches_naive(reads in reads_strategy(), targets in targets_strategy()) {
        check(reads, &Preset::Mosdepth.options(), &targets)?;
    }

    #[test]
    fn fast_mode_matches_naive(reads in reads_strategy(), targets in targets_strategy()) {
        check(reads, &Preset::MosdepthFast.options(), &targets)?;
    }

    #[test]
    fn base_quality_and_mapq_match_naive(reads in reads_strategy(), targets in targets_strategy(), bq in 0u8..35, mq in 0u8..61) {
        let mut o = Preset::Mosdepth.options();
        o.min_base_quality = bq;
        o.min_mapq = mq;
        check(reads, &o, &targets)?;
    }
}

#[test]
fn unsorted_records_are_rejected() {
    let mk = |pos| Read {
        pos,
        cigar: vec![(0, 10)],
        flag: 0,
        mapq: 60,
        name: "r".into(),
        qual: vec![],
        mate_pos: 0,
    };
    let header = BamHeader {
        references: vec![Reference {
            name: "c".into(),
            length: 1000,
        }],
        sort_order: None,
        samples: Vec::new(),
    };
    let opts = CoverageOptions::default();
    let mut e = Engine::new(&opts, Path::new("t.bam"), &header, vec![vec![]]);
    let (a, b) = (raw(&mk(50)), raw(&mk(10)));
    e.process(&RawRecord::new(&a).expect("rec"), 1)
        .expect("first");
    let err = e
        .process(&RawRecord::new(&b).expect("rec"), 2)
        .expect_err("unsorted");
    let msg = err.to_string();
    assert!(
        msg.contains("record 2") && msg.contains("not coordinate-sorted"),
        "{msg}"
    );
}
