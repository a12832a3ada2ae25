//! The FASTQ chunker and validator on arbitrary plain bytes.
//!
//! Properties: no panic or hang; what is framed (records or the first error) does not depend
//! on the chunk size or on how the reader delivers the bytes; strict 4-line input is framed
//! exactly as the obvious parser reads it; accepted records written back and re-read are the
//! same records (parse(write(records)) == records).
#![no_main]

use libfuzzer_sys::fuzz_target;
use panelprep::fastq::RecordRef;
use panelprep::fastq::parse::{QualRange, check};
use panelprep_fuzz::{Trickle, frame_all, naive_four_line, write_all};

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    // First byte: chunk target; second: how many read-size bytes follow.
    let target = 1 + usize::from(data[0]) * 3;
    let n_sizes = usize::from(data[1] % 8).min(data.len() - 2);
    let sizes = &data[2..2 + n_sizes];
    let input = &data[2 + n_sizes..];

    let whole = frame_all(input, 1 << 17);
    let small = frame_all(input, target);
    let trickled = frame_all(Trickle::new(input, sizes), target);
    assert_eq!(whole, small, "chunk size changed what was framed");
    assert_eq!(whole, trickled, "read sizes changed what was framed");

    if let Some(expected) = naive_four_line(input) {
        assert_eq!(
            whole.as_ref().ok(),
            Some(&expected),
            "strict 4-line FASTQ framed differently from the obvious parse"
        );
    }

    let Ok(records) = whole else { return };
    for offset in [33u8, 64] {
        let mut valid = Vec::new();
        for r in &records {
            let rec = RecordRef {
                head: &r.0,
                seq: &r.1,
                plus: &r.2,
                qual: &r.3,
            };
            let mut range = QualRange::default();
            if check(&rec, offset, &mut range).is_ok() {
                assert_eq!(r.1.len(), r.3.len(), "accepted a length mismatch");
                assert!(r.3.iter().all(|&q| q >= offset && q <= b'~'));
                valid.push(r.clone());
            }
        }
        // Valid records survive a write/read round trip unchanged, whatever the chunk size.
        let text = write_all(&valid);
        let again = frame_all(&text[..], target);
        assert_eq!(
            again.as_ref(),
            Ok(&valid),
            "parse(write(records)) != records"
        );
    }
});
