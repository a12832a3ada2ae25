use super::*;
use proptest::prelude::*;

#[test]
fn hand_counted() {
    let mut s = ReadStats::new();
    // Qualities: 'I' = 40, '5' = 20, '!' = 0, '?' = 30.
    s.add(b"ACGTN", b"I5!?I");
    s.add(b"GG", b"!!");
    s.add(b"", b"");
    let t = s.totals();
    assert_eq!(t.reads, 3);
    assert_eq!(t.bases, 7);
    assert_eq!(t.q20, 4);
    assert_eq!(t.q30, 3);
    assert_eq!(t.gc, 4);
    assert_eq!(t.n, 1);
    assert_eq!(t.qual_sum, 40 + 20 + 30 + 40);
    assert_eq!(t.max_len, 5);
    assert_eq!(s.length_histogram(), vec![(0, 1), (2, 1), (5, 1)]);
    assert_eq!(s.cycles()[0].base[IDX_A], 1);
    assert_eq!(s.cycles()[0].base[IDX_G], 1);
    assert_eq!(s.cycles()[1].qual_sum[IDX_C], 20);
    assert_eq!(s.cycles()[4].base[base_index(b'N')], 1);
}

#[test]
fn sixteen_bit_cells_spill_without_loss() {
    // More reads than a 16-bit cell holds, at the same cells; then merged and derived.
    let n = 3 * u16::MAX as u64 + 7;
    let mut s = ReadStats::new();
    for _ in 0..n {
        s.add(b"AC", b"I5");
    }
    assert_eq!(s.cycles()[0].base[IDX_A], n);
    assert_eq!(s.cycles()[1].qual_sum[IDX_C], 20 * n);
    let mut m = ReadStats::new();
    m.add(b"A", b"I");
    m.merge(&s);
    assert_eq!(m.cycles()[0].base[IDX_A], n + 1);
    assert_eq!(m.totals().bases, 2 * n + 1);
    let d = ReadStats::derive(&m, &ReadStats::new(), &s);
    assert_eq!(d.totals().bases, 1);
    assert_eq!(d.cycles().len(), 1);
}

#[test]
fn long_reads_pool_in_tail() {
    let mut s = ReadStats::new();
    let seq = vec![b'G'; MAX_CYCLES + 10];
    let qual = vec![b'I'; MAX_CYCLES + 10];
    s.add(&seq, &qual);
    assert_eq!(s.cycles().len(), MAX_CYCLES);
    let t = s.totals();
    assert_eq!(t.bases, (MAX_CYCLES + 10) as u64);
    assert_eq!(t.gc, t.bases);
    assert_eq!(s.length_histogram(), vec![(MAX_CYCLES + 10, 1)]);
}

/// Per-cycle counts by the definition: one [`Cycle`] per position, then the pooled tail.
fn model(reads: &[(Vec<u8>, Vec<u8>)]) -> (Vec<Cycle>, Cycle) {
    let mut cycles: Vec<Cycle> = Vec::new();
    let mut tail = Cycle::default();
    for (seq, qual) in reads {
        for (c, (&b, &q)) in seq.iter().zip(qual).enumerate() {
            if c >= cycles.len() && c < MAX_CYCLES {
                cycles.resize(c + 1, Cycle::default());
            }
            let cy = cycles.get_mut(c).unwrap_or(&mut tail);
            let q = usize::from(q.saturating_sub(33)).min(QUAL_BINS - 1);
            cy.base[base_index(b)] += 1;
            cy.qual_sum[base_index(b)] += q as u64;
            cy.qual_hist[q] += 1;
        }
    }
    (cycles, tail)
}

fn read() -> impl Strategy<Value = (Vec<u8>, Vec<u8>)> {
    // Lengths across block boundaries; bases and qualities from the whole byte range.
    (0usize..300).prop_flat_map(|n| {
        (
            proptest::collection::vec(
                prop_oneof![Just(b'A'), Just(b'C'), Just(b'G'), Just(b'T'), any::<u8>()],
                n,
            ),
            prop_oneof![
                proptest::collection::vec(prop_oneof![33u8..75, any::<u8>()], n),
                // Binned, as from a NovaSeq: mostly one value.
                proptest::collection::vec(
                    prop_oneof![8 => Just(b'F'), 1 => Just(b':'), 1 => Just(b','), 1 => Just(b'#')],
                    n
                ),
            ],
        )
    })
}

proptest! {
    #[test]
    fn counts_equal_the_per_cycle_definition(
        reads in proptest::collection::vec(read(), 0..40),
        split in 0usize..40,
        cut in 0usize..300,
    ) {
        // Counted in two parts and merged; then the tails from `cut` of the first part removed
        // again by `derive`, as after-filtering statistics are built.
        let split = split.min(reads.len());
        let (mut a, mut b) = (ReadStats::new(), ReadStats::new());
        for (s, q) in &reads[..split] {
            a.add(s, q);
        }
        for (s, q) in &reads[split..] {
            b.add(s, q);
        }
        let mut whole = a.clone();
        whole.merge(&b);
        let (cycles, tail) = model(&reads);
        prop_assert_eq!(whole.cycles(), cycles.clone());
        prop_assert_eq!(whole.tail_cycle(), tail);
        prop_assert_eq!(whole.reads(), reads.len() as u64);

        let mut removed = ReadStats::new();
        let mut kept = Vec::new();
        for (s, q) in &reads[..split] {
            removed.add_positions(s, q, cut);
            kept.push((s[..cut.min(s.len())].to_vec(), q[..cut.min(q.len())].to_vec()));
        }
        kept.extend(reads[split..].iter().cloned());
        let derived = ReadStats::derive(&whole, &ReadStats::new(), &removed);
        let (mut cycles, _) = model(&kept);
        while cycles.last().is_some_and(|c| c.total() == 0) {
            cycles.pop();
        }
        prop_assert_eq!(derived.cycles(), cycles);
    }
}

/// A defect: (read, position, in the bases or the qualities, byte).
type Defect = (usize, usize, bool, u8);

/// Plants `defects` in reads after the first 64 (from which the dictionary is learned): an N or
/// another byte among the bases, or a quality outside the dictionary (empty reads are left).
fn plant(reads: &mut [(Vec<u8>, Vec<u8>)], defects: Vec<Defect>) {
    for (r, p, in_seq, byte) in defects {
        if reads.len() > 64 {
            let at = 64 + r % (reads.len() - 64);
            let (s, q) = &mut reads[at];
            if !s.is_empty() {
                let p = p % s.len();
                if in_seq {
                    s[p] = if byte % 2 == 0 { b'N' } else { byte };
                } else {
                    q[p] = 33 + byte % 60;
                }
            }
        }
    }
}

/// A binned run: qualities from a dictionary of one to four values, lengths mostly equal (as
/// sequencers write them) but not always; after the first 64 reads (from which the dictionary
/// is learned), up to 30 defects: an N, another byte, or a quality outside the dictionary.
fn binned_run() -> impl Strategy<Value = Vec<(Vec<u8>, Vec<u8>)>> {
    let dict = proptest::collection::btree_set(33u8..75, 1..=4);
    let usual = prop_oneof![Just(150usize), 1usize..120];
    (dict, usual).prop_flat_map(|(dict, usual)| {
        let dict: Vec<u8> = dict.into_iter().collect();
        let n = dict.len();
        let read = (prop_oneof![4 => Just(usual), 1 => 0usize..300]).prop_flat_map(move |len| {
            let dict = dict.clone();
            (
                proptest::collection::vec(
                    prop_oneof![Just(b'A'), Just(b'C'), Just(b'G'), Just(b'T')],
                    len,
                ),
                proptest::collection::vec((0..n).prop_map(move |i| dict[i]), len),
            )
        });
        let defect = (any::<usize>(), any::<usize>(), any::<bool>(), any::<u8>());
        (
            proptest::collection::vec(read, 0..700),
            proptest::collection::vec(defect, 0..30),
        )
            .prop_map(|(mut reads, defects)| {
                plant(&mut reads, defects);
                reads
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn batches_count_as_the_per_cycle_definition(reads in binned_run(), split in 0usize..700) {
        // Two batches (the dictionary is learned from the first), against the definition and
        // against the same reads counted one by one.
        let split = split.min(reads.len());
        let view: Vec<(&[u8], &[u8])> = reads.iter().map(|(s, q)| (&s[..], &q[..])).collect();
        let mut batched = ReadStats::new();
        batched.add_batch(&view[..split]);
        batched.add_batch(&view[split..]);
        let single = one_by_one(&view);
        let (cycles, tail) = model(&reads);
        prop_assert_eq!(batched.cycles(), cycles);
        prop_assert_eq!(batched.tail_cycle(), tail);
        prop_assert_eq!(batched.length_histogram(), single.length_histogram());
        prop_assert_eq!(&batched, &single);
    }
}

/// The reads counted one by one with [`ReadStats::add`], to compare with [`ReadStats::add_batch`].
fn one_by_one(reads: &[(&[u8], &[u8])]) -> ReadStats {
    let mut s = ReadStats::new();
    for (seq, qual) in reads {
        s.add(seq, qual);
    }
    s
}

#[test]
fn a_binned_batch_fills_whole_lanes_and_learns_its_dictionary() {
    // 600 identical reads: every 8-bit lane of a 255-read group reaches 255.
    let seq: Vec<u8> = (0..150).map(|i| b"ACGT"[i * 7 % 4]).collect();
    let qual: Vec<u8> = (0..150).map(|i| b"F:,#"[i % 11 % 4]).collect();
    let view = vec![(&seq[..], &qual[..]); 600];
    let mut batched = ReadStats::new();
    batched.add_batch(&view);
    let single = one_by_one(&view);
    assert_eq!(batched, single);
    assert_eq!(batched.cycles()[149].total(), 600);
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        let mut learned = batched
            .dict
            .flatten()
            .expect("a binned run has a dictionary");
        learned.sort_unstable();
        assert_eq!(&learned, b"#,:F");
    }
}

#[test]
fn batches_of_reads_longer_than_the_table_pool_their_tails() {
    let seq = vec![b'G'; MAX_CYCLES + 40];
    let qual: Vec<u8> = (0..MAX_CYCLES + 40).map(|i| b"F:"[i % 3 % 2]).collect();
    let view = vec![(&seq[..], &qual[..]); 3];
    let mut batched = ReadStats::new();
    batched.add_batch(&view);
    let single = one_by_one(&view);
    assert_eq!(batched, single);
    assert_eq!(batched.totals().bases, 3 * (MAX_CYCLES + 40) as u64);
}

/// A binned run whose reads all have one length (as before trimming): every group takes the
/// unchecked window passes. Defects (an N, another byte, a quality outside the dictionary) land
/// anywhere after the first 64 reads, often several in one read.
fn equal_length_run() -> impl Strategy<Value = Vec<(Vec<u8>, Vec<u8>)>> {
    let dict = proptest::collection::btree_set(33u8..75, 1..=4);
    let len = prop_oneof![Just(150usize), Just(64), Just(33), Just(32), 0usize..300];
    (dict, len, 0usize..1200).prop_flat_map(|(dict, len, n)| {
        let dict: Vec<u8> = dict.into_iter().collect();
        let k = dict.len();
        let read = (
            proptest::collection::vec(
                prop_oneof![Just(b'A'), Just(b'C'), Just(b'G'), Just(b'T')],
                len,
            ),
            proptest::collection::vec((0..k).prop_map(move |i| dict[i]), len),
        );
        let defect = (any::<usize>(), any::<usize>(), any::<bool>(), any::<u8>());
        (
            proptest::collection::vec(read, n),
            proptest::collection::vec(defect, 0..60),
        )
            .prop_map(|(mut reads, defects)| {
                plant(&mut reads, defects);
                reads
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn equal_length_batches_count_as_the_per_cycle_definition(
        reads in equal_length_run(),
        split in 0usize..1200,
    ) {
        let split = split.min(reads.len());
        let view: Vec<(&[u8], &[u8])> = reads.iter().map(|(s, q)| (&s[..], &q[..])).collect();
        let mut batched = ReadStats::new();
        batched.add_batch(&view[..split]);
        batched.add_batch(&view[split..]);
        let (cycles, tail) = model(&reads);
        prop_assert_eq!(batched.cycles(), cycles);
        prop_assert_eq!(batched.tail_cycle(), tail);
        prop_assert_eq!(&batched, &one_by_one(&view));
    }
}

#[test]
fn nibble_tables_match_exactly_their_bytes() {
    #[cfg(target_arch = "x86_64")]
    assert_eq!(batch::nibble_table(b"ACGT"), Some(batch::BASE_TABLE));
    for bytes in [&b"ACGT"[..], b"F:,#", b"I", &[0, b'F'], b"5", &[0x80, 0x91]] {
        let t = batch::nibble_table(bytes).expect("distinct low bits");
        for b in 0..=255u8 {
            let listed = b != 0 && b < 0x80 && bytes.contains(&b);
            assert_eq!(
                t[usize::from(b & 15)] == b && b < 0x80,
                listed,
                "{bytes:?} {b}"
            );
        }
    }
    assert_eq!(batch::nibble_table(b"5E"), None);
    assert_eq!(batch::nibble_table(b"F:,6"), None);
}

#[test]
fn a_removed_tail_past_the_read_counts_nothing() {
    // Past the end of a read longer than the per-cycle table, and of a short one.
    let a_bases = |s: &ReadStats| -> u64 {
        s.tail_cycle().base[IDX_A] + s.cycles().iter().map(|c| c.base[IDX_A]).sum::<u64>()
    };
    for len in [MAX_CYCLES + 70, 150] {
        let (seq, qual) = (vec![b'A'; len], vec![b'I'; len]);
        let mut s = ReadStats::new();
        s.add_positions(&seq, &qual, len + 5);
        assert_eq!(a_bases(&s), 0, "len {len}: nothing counted");
        s.add_positions(&seq, &qual, len - 1);
        assert_eq!(a_bases(&s), 1, "len {len}: the last base counted");
    }
}
