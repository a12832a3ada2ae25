//! A raw BAM record: the bytes after `block_size`, validated once, read field by field.

use super::super::cigar::Op;

/// A raw BAM record (the bytes after `block_size`), validated for internal lengths.
#[derive(Debug, Clone, Copy)]
pub struct RawRecord<'a> {
    data: &'a [u8],
    lrn: usize,
    n_cigar: usize,
    l_seq: usize,
}

pub(super) fn le_i32(b: &[u8], at: usize) -> i32 {
    i32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}
pub(super) fn le_u32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}
pub(super) fn le_u16(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

impl<'a> RawRecord<'a> {
    /// Checks the fixed fields and that the variable-length parts fit in `data`.
    pub fn new(data: &'a [u8]) -> Result<Self, String> {
        if data.len() < 32 {
            return Err(format!("record of {} bytes is shorter than 32", data.len()));
        }
        let lrn = data[8] as usize;
        let n_cigar = le_u16(data, 12) as usize;
        let l_seq = le_u32(data, 16) as usize;
        let need = 32 + lrn + 4 * n_cigar + l_seq.div_ceil(2) + l_seq;
        if need > data.len() {
            return Err(format!(
                "record fields need {need} bytes but the record has {}",
                data.len()
            ));
        }
        if lrn == 0 {
            return Err("read name length is 0".into());
        }
        let rec = Self {
            data,
            lrn,
            n_cigar,
            l_seq,
        };
        for word in rec.cigar_raw() {
            if let Err(code) = Op::check(word) {
                return Err(format!("invalid CIGAR operation code {code}"));
            }
        }
        Ok(rec)
    }

    /// Reference id (-1 for none).
    pub fn ref_id(&self) -> i32 {
        le_i32(self.data, 0)
    }
    /// 0-based leftmost position (-1 for none).
    pub fn pos(&self) -> i32 {
        le_i32(self.data, 4)
    }
    /// Mapping quality.
    pub fn mapq(&self) -> u8 {
        self.data[9]
    }
    /// Number of CIGAR operations.
    pub fn n_cigar(&self) -> usize {
        self.n_cigar
    }
    /// SAM flag.
    pub fn flag(&self) -> u16 {
        le_u16(self.data, 14)
    }
    /// Mate reference id.
    pub fn mate_ref_id(&self) -> i32 {
        le_i32(self.data, 20)
    }
    /// Mate 0-based position.
    pub fn mate_pos(&self) -> i32 {
        le_i32(self.data, 24)
    }
    /// Template length.
    pub fn tlen(&self) -> i32 {
        le_i32(self.data, 28)
    }
    /// Read name without the trailing NUL.
    pub fn name(&self) -> &'a [u8] {
        let n = &self.data[32..32 + self.lrn];
        n.strip_suffix(&[0]).unwrap_or(n)
    }
    /// Raw CIGAR words (`len << 4 | op`).
    pub fn cigar_raw(&self) -> impl Iterator<Item = u32> + 'a {
        let at = 32 + self.lrn;
        self.data[at..at + 4 * self.n_cigar]
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
    }
    /// Base qualities (all 0xFF when the record has none).
    pub fn qual(&self) -> &'a [u8] {
        let at = 32 + self.lrn + 4 * self.n_cigar + self.l_seq.div_ceil(2);
        &self.data[at..at + self.l_seq]
    }
    /// Number of bases (SEQ length).
    pub fn l_seq(&self) -> usize {
        self.l_seq
    }
    /// The 4-bit code of base `i` (`=ACMGRSVTWYHKDBN`: A=1, C=2, G=4, T=8, N=15); `i` must
    /// be below [`RawRecord::l_seq`].
    pub fn base(&self, i: usize) -> u8 {
        let b = self.data[32 + self.lrn + 4 * self.n_cigar + i / 2];
        if i.is_multiple_of(2) { b >> 4 } else { b & 0xf }
    }
    /// CIGAR operations with their lengths.
    pub fn ops(&self) -> impl Iterator<Item = (Op, u64)> + 'a {
        self.cigar_raw().map(Op::decode)
    }
    /// Reference bases covered by the CIGAR (M, D, N, =, X).
    pub fn ref_len(&self) -> u64 {
        self.ops()
            .filter(|(op, _)| op.consumes_reference())
            .map(|(_, len)| len)
            .sum()
    }
}
