//! CIGAR operations of raw BAM records, named (the BAM codes are `MIDNSHP=X`, 0 to 8).

/// One CIGAR operation kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `M`: alignment match (sequence match or mismatch).
    Match,
    /// `I`: insertion to the reference.
    Insertion,
    /// `D`: deletion from the reference.
    Deletion,
    /// `N`: skipped reference region (intron).
    Skip,
    /// `S`: soft clip (bases present in SEQ).
    SoftClip,
    /// `H`: hard clip (bases absent from SEQ).
    HardClip,
    /// `P`: padding.
    Padding,
    /// `=`: sequence match.
    SeqMatch,
    /// `X`: sequence mismatch.
    SeqMismatch,
}

impl Op {
    /// Decodes a raw CIGAR word (`len << 4 | code`) into the operation and its length. Codes
    /// above 8 are rejected when a record is read, so they never reach here; they decode as
    /// padding (consumes nothing).
    #[inline]
    pub fn decode(word: u32) -> (Self, u64) {
        let op = match word & 0xf {
            0 => Self::Match,
            1 => Self::Insertion,
            2 => Self::Deletion,
            3 => Self::Skip,
            4 => Self::SoftClip,
            5 => Self::HardClip,
            7 => Self::SeqMatch,
            8 => Self::SeqMismatch,
            _ => Self::Padding,
        };
        (op, u64::from(word >> 4))
    }

    /// A raw CIGAR word whose code is one of the nine BAM operations, else that code.
    #[inline]
    pub fn check(word: u32) -> Result<(), u32> {
        match word & 0xf {
            code @ 9.. => Err(code),
            _ => Ok(()),
        }
    }

    /// The BAM code of the operation (`MIDNSHP=X` = 0 to 8).
    #[inline]
    pub fn code(self) -> u32 {
        match self {
            Self::Match => 0,
            Self::Insertion => 1,
            Self::Deletion => 2,
            Self::Skip => 3,
            Self::SoftClip => 4,
            Self::HardClip => 5,
            Self::Padding => 6,
            Self::SeqMatch => 7,
            Self::SeqMismatch => 8,
        }
    }

    /// `M`, `=` or `X`: the base is aligned to a reference base.
    #[inline]
    pub fn is_aligned(self) -> bool {
        matches!(self, Self::Match | Self::SeqMatch | Self::SeqMismatch)
    }

    /// Consumes reference positions (`M D N = X`).
    #[inline]
    pub fn consumes_reference(self) -> bool {
        matches!(
            self,
            Self::Match | Self::Deletion | Self::Skip | Self::SeqMatch | Self::SeqMismatch
        )
    }

    /// Consumes SEQ bases (`M I S = X`).
    #[inline]
    pub fn consumes_read(self) -> bool {
        matches!(
            self,
            Self::Match | Self::Insertion | Self::SoftClip | Self::SeqMatch | Self::SeqMismatch
        )
    }
}

#[cfg(test)]
mod tests {
    use super::Op;

    #[test]
    fn codes_above_8_are_refused() {
        assert_eq!(Op::check((3 << 4) | 9), Err(9));
        assert_eq!(Op::check(15), Err(15));
    }

    #[test]
    fn decodes_every_code() {
        let ops = "MIDNSHP=X";
        for (code, ch) in ops.chars().enumerate() {
            let (op, len) = Op::decode((7 << 4) | code as u32);
            assert_eq!(len, 7);
            assert_eq!(op.code(), code as u32, "{ch}");
            assert_eq!(Op::check(code as u32), Ok(()));
            assert_eq!(op.is_aligned(), matches!(ch, 'M' | '=' | 'X'), "{ch}");
            assert_eq!(
                op.consumes_reference(),
                matches!(ch, 'M' | 'D' | 'N' | '=' | 'X'),
                "{ch}"
            );
            assert_eq!(
                op.consumes_read(),
                matches!(ch, 'M' | 'I' | 'S' | '=' | 'X'),
                "{ch}"
            );
        }
    }
}
