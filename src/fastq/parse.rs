//! Record validation: IUPAC bases, quality range, separator text, sequence/quality lengths.

use super::{Chunk, FastqError, FastqErrorKind, RecordRef};

/// Bytes accepted as bases: IUPAC nucleotide codes (DNA and RNA), both cases, and `.` for N.
static IUPAC: [bool; 256] = {
    let mut t = [false; 256];
    let codes = b"ACGTUNRYSWKMBDHVacgtunryswkmbdhv.";
    let mut i = 0;
    while i < codes.len() {
        t[codes[i] as usize] = true;
        i += 1;
    }
    t
};

/// True when `b` is an accepted base character.
#[inline]
pub fn is_iupac(b: u8) -> bool {
    IUPAC[b as usize]
}

/// The highest quality character accepted (`~`, Phred 93 in Phred+33).
pub const MAX_QUAL: u8 = b'~';

/// Lowest and highest quality characters of a batch, for Phred+64 detection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QualRange {
    /// Lowest quality byte seen (255 when none).
    pub min: u8,
    /// Highest quality byte seen (0 when none).
    pub max: u8,
}

impl Default for QualRange {
    fn default() -> Self {
        Self {
            min: u8::MAX,
            max: 0,
        }
    }
}

impl QualRange {
    /// True when these qualities can only be Phred+64 (no byte below `;`, some above `J`).
    ///
    /// Real Phred+33 Illumina data always has low-quality characters (`#`, `,`, `/`...) below
    /// `;` within a batch, and its highest code is `J` (Q41) or close to it.
    pub fn looks_phred64(&self) -> bool {
        self.min != u8::MAX && self.min >= b';' && self.max > b'K'
    }

    /// Widens the range with `other`.
    pub fn merge(&mut self, other: QualRange) {
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
    }
}

/// Checks record `i` of `chunk`; `offset` is the quality offset (33 or 64).
pub fn validate(
    chunk: &Chunk,
    i: usize,
    offset: u8,
    range: &mut QualRange,
) -> Result<(), FastqError> {
    let rec = chunk.record(i);
    check(&rec, offset, range).map_err(|(part, kind)| FastqError {
        location: chunk.location(i, part),
        kind,
    })
}

/// Validates one record; on failure returns the record line (0..=3) and what is wrong.
pub fn check(
    rec: &RecordRef<'_>,
    offset: u8,
    range: &mut QualRange,
) -> Result<(), (usize, FastqErrorKind)> {
    // Fast path: one fused pass that only says "all fine" (with the quality range); anything
    // else, and the error with its position, comes from the plain checks below.
    if let Some((lo, hi)) = scan(rec)
        && lo >= offset
        && hi <= MAX_QUAL
        && !(offset == 33 && rec.qual.len() >= PHRED64_MIN_LEN && lo >= b'@' && hi >= b'Z')
    {
        range.min = range.min.min(lo);
        range.max = range.max.max(hi);
        return Ok(());
    }
    check_plain(rec, offset, range)
}

/// Sixteen byte lanes.
type Lanes = [u8; 16];

/// The lowest and highest quality byte of a record whose title has no NUL, whose separator
/// is empty or repeats the title, whose bases are all upper-case `ACGTN` and whose quality
/// line is as long as the sequence, of at least 16 bases; `None` for any other record.
///
/// Sixteen bytes per step (compares OR-ed into one flag vector, lane-wise min and max); the
/// last partial block is the line's last 16 bytes again, which changes none of the results.
#[inline]
fn scan(rec: &RecordRef<'_>) -> Option<(u8, u8)> {
    let (seq, qual) = (rec.seq, rec.qual);
    let n = seq.len();
    if n != qual.len() || n < 16 || rec.head.len() < 16 {
        return None;
    }
    if !rec.plus.is_empty() && rec.plus != rec.head {
        return None;
    }
    let (mut bad, mut lo, mut hi) = ([0u8; 16], [u8::MAX; 16], [0u8; 16]);
    let mut i = 0;
    while i + 16 <= n {
        let s: &Lanes = seq[i..i + 16].try_into().ok()?;
        let q: &Lanes = qual[i..i + 16].try_into().ok()?;
        seq_qual_block(s, q, &mut bad, &mut lo, &mut hi);
        i += 16;
    }
    seq_qual_block(
        seq.last_chunk()?,
        qual.last_chunk()?,
        &mut bad,
        &mut lo,
        &mut hi,
    );
    // The title's lowest byte, the same way: 0 means a NUL.
    let head = rec.head;
    let mut hlo = [u8::MAX; 16];
    let mut i = 0;
    while i + 16 <= head.len() {
        let h: &Lanes = head[i..i + 16].try_into().ok()?;
        min_block(h, &mut hlo);
        i += 16;
    }
    min_block(head.last_chunk()?, &mut hlo);
    if u128::from_ne_bytes(bad) != 0 || hlo.into_iter().fold(u8::MAX, u8::min) == 0 {
        return None;
    }
    Some((
        lo.into_iter().fold(u8::MAX, u8::min),
        hi.into_iter().fold(0, u8::max),
    ))
}

/// Flags bases other than `ACGTN` in `bad`; widens the lane-wise quality range.
#[inline(always)]
fn seq_qual_block(s: &Lanes, q: &Lanes, bad: &mut Lanes, lo: &mut Lanes, hi: &mut Lanes) {
    for k in 0..16 {
        let b = s[k];
        let ok = (b == b'A') | (b == b'C') | (b == b'G') | (b == b'T') | (b == b'N');
        bad[k] |= u8::from(!ok);
        lo[k] = lo[k].min(q[k]);
        hi[k] = hi[k].max(q[k]);
    }
}

/// Lane-wise minimum.
#[inline(always)]
fn min_block(h: &Lanes, lo: &mut Lanes) {
    for k in 0..16 {
        lo[k] = lo[k].min(h[k]);
    }
}

/// [`check`] without its fast path: each rule in turn, the first broken one reported.
fn check_plain(
    rec: &RecordRef<'_>,
    offset: u8,
    range: &mut QualRange,
) -> Result<(), (usize, FastqErrorKind)> {
    if let Some(pos) = memchr::memchr(0, rec.head) {
        return Err((0, FastqErrorKind::NulInName { pos: pos + 1 }));
    }
    if !rec.plus.is_empty() && rec.plus != rec.head {
        let found = String::from_utf8_lossy(&rec.plus[..rec.plus.len().min(40)]).into_owned();
        return Err((2, FastqErrorKind::SeparatorMismatch { found }));
    }
    // Fast path: upper-case ACGTN only (vector compares); anything else goes through the table.
    let plain = rec.seq.iter().fold(true, |ok, &b| {
        ok & matches!(b, b'A' | b'C' | b'G' | b'T' | b'N')
    });
    if !plain && rec.seq.iter().any(|&b| !IUPAC[b as usize]) {
        let pos = rec
            .seq
            .iter()
            .position(|&b| !IUPAC[b as usize])
            .unwrap_or(0);
        let code = rec.seq[pos];
        return Err((
            1,
            FastqErrorKind::BadBase {
                byte: code as char,
                code,
                pos: pos + 1,
            },
        ));
    }
    if rec.seq.len() != rec.qual.len() {
        let kind = FastqErrorKind::LengthMismatch {
            seq: rec.seq.len(),
            qual: rec.qual.len(),
        };
        return Err((3, kind));
    }
    let (mut lo, mut hi) = (u8::MAX, 0u8);
    for &q in rec.qual {
        lo = lo.min(q);
        hi = hi.max(q);
    }
    if !rec.qual.is_empty() && (lo < offset || hi > MAX_QUAL) {
        let pos = rec
            .qual
            .iter()
            .position(|&q| q < offset || q > MAX_QUAL)
            .unwrap_or(0);
        let code = rec.qual[pos];
        let kind = FastqErrorKind::BadQuality {
            byte: code as char,
            code,
            pos: pos + 1,
            offset,
        };
        return Err((3, kind));
    }
    if offset == 33 && rec.qual.len() >= PHRED64_MIN_LEN && lo >= b'@' && hi >= b'Z' {
        let kind = FastqErrorKind::LooksPhred64 {
            min: lo as char,
            max: hi as char,
        };
        return Err((3, kind));
    }
    range.min = range.min.min(lo);
    range.max = range.max.max(hi);
    Ok(())
}

/// Shortest read checked on its own for Phred+64 qualities in a Phred+33 run.
///
/// Every record is checked, not only the first batch (a file whose later records are Phred+64
/// must not pass): a read of at least this length whose qualities are all `@` or above
/// (Phred+33 Q31; Phred+64 Q0) and reach `Z` (Phred+33 Q57, beyond any short-read platform;
/// Phred+64 Q26) can only be Phred+64. Shorter reads carry too little evidence.
pub const PHRED64_MIN_LEN: usize = 20;

#[cfg(test)]
mod tests {
    use super::*;

    fn rec<'a>(seq: &'a [u8], qual: &'a [u8]) -> RecordRef<'a> {
        RecordRef {
            head: b"r",
            seq,
            plus: b"",
            qual,
        }
    }

    #[test]
    fn every_record_is_checked_for_phred64_qualities() {
        let mut r = QualRange::default();
        let p64 = b"hhhhhhhhhhggggffffeeeeBB"; // Phred+64 Q40..Q2
        let seq = vec![b'A'; p64.len()];
        let e = check(&rec(&seq, p64), 33, &mut r).unwrap_err();
        assert_eq!(e.0, 3);
        assert!(matches!(
            e.1,
            FastqErrorKind::LooksPhred64 { min: 'B', max: 'h' }
        ));
        assert!(
            check(&rec(&seq, p64), 64, &mut r).is_ok(),
            "fine with --phred64"
        );
        // Phred+33 at its best (all Q40, 'I'), and short reads, pass.
        let hi33 = [b'I'; 30];
        assert!(check(&rec(&seq[..24], &hi33[..24]), 33, &mut r).is_ok());
        assert!(check(&rec(b"ACGT", b"hhhh"), 33, &mut r).is_ok());
    }

    #[test]
    fn accepts_iupac_and_full_quality_range() {
        let mut r = QualRange::default();
        assert!(check(&rec(b"ACGTNacgtnRYKM.u", b"!!!!!!!!!!!!!!!~"), 33, &mut r).is_ok());
        assert_eq!((r.min, r.max), (b'!', b'~'));
    }

    #[test]
    fn rejects_each_fault_with_its_position() {
        let mut r = QualRange::default();
        let e = check(&rec(b"AC GT", b"IIIII"), 33, &mut r).unwrap_err();
        assert_eq!(
            e,
            (
                1,
                FastqErrorKind::BadBase {
                    byte: ' ',
                    code: b' ',
                    pos: 3
                }
            )
        );
        let e = check(&rec(b"ACGT", b"III"), 33, &mut r).unwrap_err();
        assert_eq!(e, (3, FastqErrorKind::LengthMismatch { seq: 4, qual: 3 }));
        let e = check(&rec(b"ACGT", b"II\x1fI"), 33, &mut r).unwrap_err().1;
        assert!(matches!(
            e,
            FastqErrorKind::BadQuality {
                pos: 3,
                code: 0x1f,
                ..
            }
        ));
        let e = check(&rec(b"ACGT", b"II?I"), 64, &mut r).unwrap_err().1;
        assert!(matches!(
            e,
            FastqErrorKind::BadQuality {
                pos: 3,
                offset: 64,
                ..
            }
        ));
        let mismatch = RecordRef {
            head: b"r1",
            seq: b"A",
            plus: b"r2",
            qual: b"I",
        };
        assert_eq!(check(&mismatch, 33, &mut r).unwrap_err().0, 2);
    }

    #[test]
    fn fast_path_agrees_with_the_plain_checks() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_pcg::Pcg64::seed_from_u64(5);
        let mut fast = 0;
        for _ in 0..100_000 {
            let len = rng.random_range(0..80);
            let odd = |rng: &mut rand_pcg::Pcg64| rng.random_range(0..300) == 0;
            let head: Vec<u8> = (0..rng.random_range(0..60))
                .map(|_| {
                    if odd(&mut rng) {
                        0
                    } else {
                        rng.random_range(b' '..=b'~')
                    }
                })
                .collect();
            let seq: Vec<u8> = (0..len)
                .map(|_| match rng.random_range(0..400) {
                    0 => rng.random(),
                    1 => b"acgtnRYKM.U"[rng.random_range(0..11)],
                    _ => b"ACGTN"[rng.random_range(0..5)],
                })
                .collect();
            let (qlo, qhi) = match rng.random_range(0..4) {
                0 => (b'!', b'J'),
                1 => (b'@', b'h'), // Phred+64-like
                2 => (b'#', b'~'),
                _ => (b'5', b'F'),
            };
            let mut qual: Vec<u8> = (0..len).map(|_| rng.random_range(qlo..=qhi)).collect();
            if odd(&mut rng) && len > 0 {
                let k = rng.random_range(0..len);
                qual[k] = rng.random();
            }
            match rng.random_range(0..50) {
                0 => {
                    qual.pop();
                }
                1 => qual.push(b'I'),
                _ => {}
            }
            let plus = match rng.random_range(0..20) {
                0 => head.clone(),
                1 => b"other".to_vec(),
                _ => Vec::new(),
            };
            let r = RecordRef {
                head: &head,
                seq: &seq,
                plus: &plus,
                qual: &qual,
            };
            for offset in [33, 64] {
                let start = QualRange {
                    min: rng.random_range(b'#'..=b'J'),
                    max: rng.random_range(b'#'..=b'J'),
                };
                let (mut a, mut b) = (start, start);
                assert_eq!(
                    check(&r, offset, &mut a),
                    check_plain(&r, offset, &mut b),
                    "{r:?}"
                );
                assert_eq!(a, b, "{r:?}");
                fast += usize::from(scan(&r).is_some());
            }
        }
        assert!(
            fast > 50_000,
            "the fast path takes ordinary records ({fast})"
        );
    }

    #[test]
    fn phred64_detection() {
        assert!(
            QualRange {
                min: b'@',
                max: b'h'
            }
            .looks_phred64()
        );
        assert!(
            !QualRange {
                min: b'#',
                max: b'J'
            }
            .looks_phred64()
        );
        assert!(
            !QualRange {
                min: b'#',
                max: b'~'
            }
            .looks_phred64()
        );
    }
}
