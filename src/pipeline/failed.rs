//! fastp's `--failed_out`: the reads a filter drops, with the reason appended to the title line
//! (`@NAME COMMENT failed_too_short`).
//!
//! fastp 0.23.2 writes its "original" read object there, but its trimming steps change that
//! object in place, so what it writes is the read after trimming (Phred+33, with the UMI in
//! the name), or the read as read when trimming removed all of it; [`as_written`] does the same.
//!
//! Which mate goes there follows fastp 0.23.2 (`SingleEndProcessor` / `PairEndProcessor`):
//! a failing single-end read with its reason; for a pair with one failing mate, the failing
//! mate with its reason and, unless an `--unpaired1/2` file takes it, the passing mate tagged
//! `paired_read_is_failing`. One deliberate difference: fastp writes nothing for a pair whose
//! mates both fail (those reads vanish from every output); here both mates are written, each
//! with its own reason, so that every input read is in exactly one output.

use crate::error::Error;
use crate::fastq::{ReadBuf, RecordRef};
use crate::filter::Reason;

use super::PipelineOptions;

/// The tag fastp appends for a read that failed with `reason` (`passed` for a passing read,
/// which fastp never writes there).
pub fn fastp_tag(reason: Reason) -> &'static str {
    match reason {
        Reason::Passed => "passed",
        Reason::LowQuality | Reason::LowMeanQuality => "failed_quality_filter",
        Reason::TooManyN => "failed_too_many_n_bases",
        Reason::LowComplexity => "failed_low_complexity",
        Reason::TooShort => "failed_too_short",
        Reason::TooLong => "failed_too_long",
    }
}

/// The tag of the passing mate of a pair whose other mate failed.
pub const PAIRED_READ_IS_FAILING: &str = "paired_read_is_failing";

/// The record fastp writes for a failed read: the trimmed read, or the read as read (`orig`,
/// Phred+64 input not converted) when trimming left nothing.
pub(crate) fn as_written<'a>(trimmed: &'a ReadBuf, orig: &RecordRef<'a>) -> RecordRef<'a> {
    if trimmed.is_empty() {
        *orig
    } else {
        trimmed.as_ref()
    }
}

/// Appends `rec` with ` tag` after its title, as fastp's `appendToStringWithTag`.
pub(crate) fn write_tagged(out: &mut Vec<u8>, rec: &RecordRef<'_>, tag: &str) {
    out.reserve(rec.head.len() + rec.seq.len() + rec.plus.len() + rec.qual.len() + tag.len() + 8);
    out.push(b'@');
    out.extend_from_slice(rec.head);
    out.push(b' ');
    out.extend_from_slice(tag.as_bytes());
    out.push(b'\n');
    out.extend_from_slice(rec.seq);
    out.extend_from_slice(b"\n+");
    out.extend_from_slice(rec.plus);
    out.push(b'\n');
    out.extend_from_slice(rec.qual);
    out.push(b'\n');
}

/// What goes to the failed-reads file for a pair with verdicts `(a, b)`: the tag of each mate
/// written there, `None` for a mate not written. `unpaired` says whether an unpaired file
/// takes the passing mate of read 1 / read 2.
pub(crate) fn pair_tags(
    (a, b): (Reason, Reason),
    unpaired: [bool; 2],
) -> [Option<&'static str>; 2] {
    let pass = (a == Reason::Passed, b == Reason::Passed);
    match pass {
        (true, true) => [None, None],
        (true, false) if unpaired[0] => [None, Some(fastp_tag(b))],
        (true, false) => [Some(PAIRED_READ_IS_FAILING), Some(fastp_tag(b))],
        (false, true) if unpaired[1] => [Some(fastp_tag(a)), None],
        (false, true) => [Some(fastp_tag(a)), Some(PAIRED_READ_IS_FAILING)],
        (false, false) => [Some(fastp_tag(a)), Some(fastp_tag(b))],
    }
}

/// Caller-supplied readers and writers ([`super::run_readers_writers`], the push API) have no
/// failed-reads file.
pub(crate) fn refuse_without_files(opts: &PipelineOptions) -> Result<(), Error> {
    match &opts.failed_out {
        Some(p) => Err(Error::Options(format!(
            "failed_out ({}) needs file mode: streaming runs take no failed-reads file",
            p.display()
        ))),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tagged_record_keeps_the_title_and_appends_the_tag() {
        let rec = RecordRef {
            head: b"r1 1:N:0:ACGT",
            seq: b"ACGT",
            plus: b"",
            qual: b"IIII",
        };
        let mut out = Vec::new();
        write_tagged(&mut out, &rec, fastp_tag(Reason::TooShort));
        assert_eq!(out, b"@r1 1:N:0:ACGT failed_too_short\nACGT\n+\nIIII\n");
    }

    #[test]
    fn pair_tags_follow_fastp() {
        let (p, q, s) = (Reason::Passed, Reason::LowQuality, Reason::TooShort);
        assert_eq!(pair_tags((p, p), [false; 2]), [None, None]);
        assert_eq!(
            pair_tags((p, q), [false; 2]),
            [Some(PAIRED_READ_IS_FAILING), Some("failed_quality_filter")]
        );
        assert_eq!(
            pair_tags((p, q), [true, false]),
            [None, Some("failed_quality_filter")]
        );
        assert_eq!(
            pair_tags((s, p), [false; 2]),
            [Some("failed_too_short"), Some(PAIRED_READ_IS_FAILING)]
        );
        assert_eq!(
            pair_tags((s, p), [false, true]),
            [Some("failed_too_short"), None]
        );
        assert_eq!(
            pair_tags((s, q), [false; 2]),
            [Some("failed_too_short"), Some("failed_quality_filter")]
        );
    }
}
