//! The decompression front end (sniff, gzip and BGZF readers) on arbitrary bytes.
//!
//! Properties: no panic or hang; plain input passes through unchanged; whatever we inflate
//! without error is exactly what an independent multi-member gzip decoder (flate2) inflates,
//! so corrupt data never turns silently into wrong bytes; for non-BGZF gzip both agree on
//! success or failure.
#![no_main]

use std::io::{Cursor, Read};
use std::sync::{Arc, LazyLock};

use libfuzzer_sys::fuzz_target;
use panelprep::io::{Format, from_reader};

/// Inflated bytes beyond this are not compared (decompression bombs stay cheap).
const LIMIT: u64 = 4 << 20;

static POOL: LazyLock<Arc<rayon::ThreadPool>> = LazyLock::new(|| {
    Arc::new(
        rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .expect("pool"),
    )
});

fuzz_target!(|data: &[u8]| {
    let raw = Box::new(Cursor::new(data.to_vec()));
    let src = from_reader(raw, "fuzz.gz".into(), POOL.clone()).expect("in-memory sniff");
    let format = src.format;
    let mut ours = Vec::new();
    let ours_ok = src.reader.take(LIMIT).read_to_end(&mut ours).is_ok();
    if format == Format::Plain {
        assert!(ours_ok);
        assert_eq!(ours, data, "plain input changed");
        return;
    }
    let mut oracle = Vec::new();
    let oracle_ok = flate2::read::MultiGzDecoder::new(data)
        .take(LIMIT)
        .read_to_end(&mut oracle)
        .is_ok();
    let capped = ours.len() as u64 == LIMIT || oracle.len() as u64 == LIMIT;
    if ours_ok && !capped {
        assert!(oracle_ok, "{format:?}: we accepted what flate2 rejects");
        assert_eq!(
            ours, oracle,
            "{format:?}: inflated bytes differ from flate2's"
        );
    }
    if format == Format::Gzip && !capped {
        assert_eq!(ours_ok, oracle_ok, "gzip: success differs from flate2");
    }
    if !ours_ok && !capped {
        // What was handed out before the error is a prefix of the true bytes.
        let n = ours.len().min(oracle.len());
        assert_eq!(
            ours[..n],
            oracle[..n],
            "{format:?}: bytes before the error differ"
        );
    }
});
