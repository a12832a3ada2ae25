//! Validation errors of FASTQ input, each with its [`Location`].

use crate::Location;
use crate::io::IoError;

/// What is wrong with a FASTQ record or pair.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FastqErrorKind {
    /// The title line does not start with `@`.
    #[error("expected a title line starting with '@', found {found:?}")]
    BadHeader {
        /// The start of the offending line.
        found: String,
    },
    /// The separator line does not start with `+`.
    #[error("expected a separator line starting with '+', found {found:?}")]
    BadSeparator {
        /// The start of the offending line.
        found: String,
    },
    /// The text after `+` is neither empty nor the title.
    #[error("separator line repeats a different title ({found:?})")]
    SeparatorMismatch {
        /// The text after `+`.
        found: String,
    },
    /// Sequence and quality lengths differ.
    #[error("sequence has {seq} bases but quality has {qual} characters")]
    LengthMismatch {
        /// Number of bases.
        seq: usize,
        /// Number of quality characters.
        qual: usize,
    },
    /// A base outside the IUPAC alphabet.
    #[error("invalid base {byte:?} (0x{code:02x}) at position {pos}: not an IUPAC nucleotide code")]
    BadBase {
        /// The character, printable.
        byte: char,
        /// Its byte value.
        code: u8,
        /// 1-based position in the read.
        pos: usize,
    },
    /// A quality character outside the encoding's range.
    #[error(
        "invalid quality {byte:?} (0x{code:02x}) at position {pos}: outside Phred+{offset} range"
    )]
    BadQuality {
        /// The character, printable.
        byte: char,
        /// Its byte value.
        code: u8,
        /// 1-based position in the read.
        pos: usize,
        /// The quality offset in use (33 or 64).
        offset: u8,
    },
    /// Qualities look like Phred+64 while Phred+33 is in use.
    #[error(
        "qualities look like Phred+64 (lowest {min:?}, highest {max:?}); rerun with --phred64 if this is old Illumina data"
    )]
    LooksPhred64 {
        /// Lowest quality character seen.
        min: char,
        /// Highest quality character seen.
        max: char,
    },
    /// The input ends inside a record.
    #[error("input ends inside a record ({what})")]
    Truncated {
        /// Which part was missing.
        what: &'static str,
    },
    /// A record is larger than the configured limit.
    #[error("record longer than {limit} bytes")]
    RecordTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// A NUL or other control byte where text was expected.
    #[error("binary data (byte 0x{code:02x}) where FASTQ text was expected")]
    Binary {
        /// The byte value.
        code: u8,
    },
    /// A control byte (NUL) inside the title line: it would cut the name short in C tools.
    #[error("read name holds a NUL byte (0x00) at position {pos}")]
    NulInName {
        /// 1-based position in the title line (after `@`).
        pos: usize,
    },
    /// A Casava comment (`1:N:0:...`) names the wrong mate: the files are swapped.
    #[error(
        "read {mate}'s name carries Casava mate number {found} ({name:?}): are the R1 and R2 files swapped?"
    )]
    MateNumber {
        /// The mate the record was read as (1 or 2).
        mate: u8,
        /// The mate number in its name.
        found: u8,
        /// The title line (start).
        name: String,
    },
    /// The mates of a pair have different names.
    #[error("read names differ between mates: {r1:?} (R1) vs {r2:?} (R2)")]
    PairNameMismatch {
        /// R1's name.
        r1: String,
        /// R2's name.
        r2: String,
    },
    /// One file of a pair has fewer records than the other.
    #[error("{shorter} ends after {records} records while {longer} has more")]
    PairCountMismatch {
        /// Which mate file ended first (R1 or R2).
        shorter: &'static str,
        /// Which has more records.
        longer: &'static str,
        /// How many records the shorter one has.
        records: u64,
    },
    /// The UMI index-read file (`--umi_index_file`) ends before the reads: record N of the
    /// index file belongs to read (pair) N, so every read needs one.
    #[error(
        "the UMI index file ends after {records} records while the reads go on (one index record per read or pair)"
    )]
    IndexFileShort {
        /// Records the index file holds.
        records: u64,
    },
    /// The UMI index-read file has records left after the last read (pair).
    #[error(
        "the UMI index file has more records than the {records} reads (pairs) of the input (one index record per read or pair)"
    )]
    IndexFileLong {
        /// Reads (pairs) in the input.
        records: u64,
    },
    /// An index read's name differs from its read's (the index file is not in step with the reads).
    #[error("index read name {index:?} differs from the read's name {read:?}")]
    IndexNameMismatch {
        /// Read 1's name (or the single read's).
        read: String,
        /// The index read's name.
        index: String,
    },
    /// The input holds no record at all (allowed with `allow_empty`).
    #[error("input holds no FASTQ records (empty file)")]
    Empty,
    /// An interleaved file has an odd number of records.
    #[error(
        "interleaved input has an odd number of records ({records}): the last read has no mate"
    )]
    OddInterleaved {
        /// Total record count.
        records: u64,
    },
}

/// A FASTQ error with its location (file, record, line).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{location}: {kind}")]
pub struct FastqError {
    /// Where the error is.
    pub location: Location,
    /// What is wrong.
    pub kind: FastqErrorKind,
}

/// What reading FASTQ records can fail with ([`super::Chunker`]): a malformed record, or the
/// bytes below it (I/O, decompression). The crate's `Error` takes each as its own variant.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// A malformed record.
    #[error(transparent)]
    Fastq(#[from] FastqError),
    /// Reading or decompressing the bytes failed.
    #[error(transparent)]
    Io(#[from] IoError),
}
