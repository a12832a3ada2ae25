use super::*;
use proptest::prelude::*;

/// The sequences by definition: every distinct one up to the longest length at which the
/// distinct sequences fit the capacity, with its count.
fn model(seqs: &[Vec<u8>]) -> Vec<(String, u64)> {
    let mut all: HashMap<&[u8], u64> = HashMap::new();
    for s in seqs {
        *all.entry(s).or_insert(0) += 1;
    }
    let longest = all.keys().map(|k| k.len()).max().unwrap_or(0);
    let level = (0..=longest)
        .rev()
        .find(|&l| all.keys().filter(|k| k.len() <= l).count() <= ADAPTER_SEQ_CAPACITY)
        .unwrap_or(0);
    let mut v: Vec<(String, u64)> = all
        .into_iter()
        .filter(|(k, _)| k.len() <= level)
        .map(|(k, n)| (String::from_utf8_lossy(k).into_owned(), n))
        .collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

/// `n` tails: a third are one short adapter prefix, the rest read-through tails whose random
/// part makes most of them distinct (lengths 5 to 5 + `spread`).
fn tails(n: usize, spread: u64, seed: u64) -> Vec<Vec<u8>> {
    let mut x = seed | 1;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    (0..n)
        .map(|i| {
            if i % 3 == 0 {
                return b"AGATC".to_vec();
            }
            let len = 5 + (next() % spread) as usize;
            let mut t = b"AGATCGGAAGAGC"[..len.min(13)].to_vec();
            while t.len() < len {
                t.push(b"ACGT"[(next() % 4) as usize]);
            }
            t
        })
        .collect()
}

#[test]
fn keeps_the_frequent_short_sequence_beyond_the_capacity() {
    let seqs = tails(3 * ADAPTER_SEQ_CAPACITY, 40, 11);
    let mut c = AdapterCounts::default();
    for s in &seqs {
        c.add(0, s);
    }
    let v = c.sequences(0);
    assert!(v.len() <= ADAPTER_SEQ_CAPACITY);
    assert!(c.length_level(0) < 45);
    let n = seqs.iter().filter(|s| s.as_slice() == b"AGATC").count() as u64;
    assert_eq!(v[0], (String::from("AGATC"), n));
    assert_eq!(v, model(&seqs));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn any_split_gives_the_definition(
        seed in any::<u64>(),
        n in 0usize..3 * ADAPTER_SEQ_CAPACITY,
        spread in 1u64..60,
        cut in 0.0f64..1.0,
    ) {
        let seqs = tails(n, spread, seed);
        let cut = (cut * n as f64) as usize;
        let (mut a, mut b) = (AdapterCounts::default(), AdapterCounts::default());
        for s in &seqs[..cut] {
            a.add(1, s);
        }
        for s in &seqs[cut..] {
            b.add(1, s);
        }
        let mut ab = a.clone();
        ab.merge(&b);
        let mut ba = b.clone();
        ba.merge(&a);
        let want = model(&seqs);
        prop_assert_eq!(ab.sequences(1), want.clone());
        prop_assert_eq!(ba.sequences(1), want);
        prop_assert_eq!(ab.reads[1], n as u64);
    }
}

#[test]
fn a_merged_part_brings_its_lower_level() {
    // `a` alone holds too many distinct 30-base sequences, so it keeps none of that length;
    // `b` holds a few: merged either way, none of them may stay (their counts are incomplete).
    let long = |i: usize| format!("{i:0>30}").into_bytes();
    let (mut a, mut b) = (AdapterCounts::default(), AdapterCounts::default());
    for i in 0..ADAPTER_SEQ_CAPACITY + 10 {
        a.add(0, &long(i));
    }
    for i in 0..5 {
        b.add(0, &long(i));
        b.add(0, b"AGA");
    }
    let mut ab = a.clone();
    ab.merge(&b);
    let mut ba = b.clone();
    ba.merge(&a);
    let want = vec![(String::from("AGA"), 5)];
    assert_eq!(ab.sequences(0), want);
    assert_eq!(ba.sequences(0), want);
    assert!(ba.length_level(0) < 30);
}
