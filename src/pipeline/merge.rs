//! fastp's `--merge`: a pair whose mates overlap becomes one read, written to `--merged_out`.
//!
//! The merged read is fastp 0.23.2's (`OverlapAnalysis::merge`): on the trimmed mates, read 1
//! up to the end of the overlap, then the part of read 2's reverse complement past the
//! overlap; read 1's bases and qualities are kept in the overlap (with `--merge`, fastp turns
//! on `--correction`, which has already fixed the low-quality mismatches there). The title
//! is read 1's with ` merged_LEN1_LEN2` appended: LEN1 bases from read 1, LEN2 from read 2.
//!
//! Where the mates overlap comes from panelprep's own insert call (`trim::overlap::analyze`,
//! made while trimming), not from a second overlap search as in fastp. The merge takes the
//! call when the trimmed mates still overlap by more than `--overlap_len_require` bases (the
//! bound fastp's search scans to). Both tools merge the same bytes when they call the same
//! insert; where the calls differ (panelprep calls inserts from the adapters too, and counts
//! low-quality mismatches as soft), the pair is merged by one tool only: see the README.
//!
//! A merged read goes through the read filters as one read (a pair's worth of reads in the
//! filter counts, as fastp counts it). One deliberate difference: fastp drops a failing merged
//! read silently, here it goes to `--failed_out` with its reason, like any failed read.

use crate::error::Error;
use crate::fastq::ReadBuf;

use super::PipelineOptions;

/// What a worker needs to merge.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MergeConfig {
    /// Unmerged pairs go to the merged output read by read.
    pub include_unmerged: bool,
    /// The mates must overlap by more than this (fastp `--overlap_len_require`).
    pub overlap_require: usize,
}

/// Fills `out` with the merged read of trimmed mates `r1`, `r2` when their insert is `insert`
/// bases (fragment coordinates: counted from the untrimmed 5' ends; `fronts` are the bases
/// removed from each 5' end). Returns false, leaving `out` unspecified, when the trimmed mates
/// do not overlap by more than `require` bases.
pub(crate) fn merge_into(
    out: &mut ReadBuf,
    (r1, r2): (&ReadBuf, &ReadBuf),
    fronts: [usize; 2],
    insert: usize,
    require: usize,
) -> bool {
    let (l1, l2) = (r1.len() as isize, r2.len() as isize);
    if l1 == 0 || l2 == 0 {
        return false;
    }
    // Where read 2's reverse complement starts in read 1 (fastp's `offset`).
    let offset = insert as isize - (fronts[0] + fronts[1]) as isize - l2;
    // fastp's search scans offsets while the overlap the scan is bounded by exceeds `require`.
    let bound = if offset >= 0 {
        l1 - offset
    } else {
        l2 + offset
    };
    if bound <= require as isize {
        return false;
    }
    let start = offset.max(0);
    let end = l1.min(offset + l2);
    if end <= start {
        return false;
    }
    let ol = (end - start) as usize;
    let len1 = end as usize;
    let len2 = if offset > 0 { r2.len() - ol } else { 0 };
    out.head.clear();
    out.head.extend_from_slice(&r1.head);
    out.head
        .extend_from_slice(format!(" merged_{len1}_{len2}").as_bytes());
    out.plus.clear();
    out.plus.extend_from_slice(&r1.plus);
    out.seq.clear();
    out.seq.extend_from_slice(&r1.seq[..len1]);
    out.qual.clear();
    out.qual.extend_from_slice(&r1.qual[..len1]);
    // Reverse complement positions ol..ol+len2 are read 2's positions len2-1 down to 0.
    for j in (0..len2).rev() {
        out.seq.push(complement(r2.seq[j]));
        out.qual.push(r2.qual[j]);
    }
    true
}

/// fastp's complement (anything but A, C, G, T in either case becomes N).
fn complement(b: u8) -> u8 {
    match b {
        b'A' | b'a' => b'T',
        b'T' | b't' => b'A',
        b'C' | b'c' => b'G',
        b'G' | b'g' => b'C',
        _ => b'N',
    }
}

/// Caller-supplied readers and writers ([`super::run_readers_writers`], the push API) have no
/// merged-reads output.
pub(crate) fn refuse_without_files(opts: &PipelineOptions) -> Result<(), Error> {
    match &opts.merge {
        Some(_) => Err(Error::Options(
            "merge needs file mode: streaming runs take no merged-reads output".into(),
        )),
        None => Ok(()),
    }
}

/// Refuses a merge that cannot run: single-end input, or no trimming (no insert call).
pub(crate) fn check(opts: &PipelineOptions, paired: bool) -> Result<(), Error> {
    if opts.merge.is_none() {
        return Ok(());
    }
    if !paired {
        return Err(Error::Options(
            "--merge needs paired input (--in2 or --interleaved_in)".into(),
        ));
    }
    if opts.trim.is_none() {
        return Err(Error::Options(
            "--merge needs the pair analysis of trimming (not with --passthrough)".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::MergeOptions;

    fn read(head: &str, seq: &str) -> ReadBuf {
        ReadBuf {
            head: head.into(),
            seq: seq.into(),
            plus: Vec::new(),
            qual: vec![b'I'; seq.len()],
        }
    }

    fn revcomp(s: &str) -> String {
        s.bytes().rev().map(|b| complement(b) as char).collect()
    }

    #[test]
    fn long_insert_takes_read_2s_reverse_complement_past_the_overlap() {
        let frag: String = "ACGTTGCAAGGCTTACCGATGCATGCCATGGTACCTTAGGCAAGTCCAGTAGCATCGA".into();
        let n = frag.len(); // 58
        let r1 = read("r 1:N", &frag[..40]);
        let r2 = read("r 2:N", &revcomp(&frag[n - 40..]));
        let mut m = ReadBuf::default();
        assert!(merge_into(&mut m, (&r1, &r2), [0, 0], n, 10));
        assert_eq!(m.seq, frag.as_bytes());
        assert_eq!(m.head, b"r 1:N merged_40_18");
        // Overlap of 22 bases: not more than 22 required.
        assert!(!merge_into(&mut m, (&r1, &r2), [0, 0], n, 22));
    }

    #[test]
    fn merge_is_for_file_runs_of_pairs_with_trimming() {
        let mut opts = PipelineOptions {
            merge: Some(MergeOptions::default()),
            ..PipelineOptions::default()
        };
        assert!(refuse_without_files(&opts).is_err());
        assert!(check(&opts, true).is_ok());
        assert!(check(&opts, false).is_err());
        opts.trim = None;
        assert!(check(&opts, true).is_err());
    }

    #[test]
    fn short_insert_is_read_1_up_to_the_insert() {
        let r1 = read("r", "ACGTACGTAC");
        let r2 = read("r", &revcomp("ACGTACGTAC"));
        let mut m = ReadBuf::default();
        assert!(merge_into(&mut m, (&r1, &r2), [0, 0], 10, 5));
        assert_eq!(m.seq, b"ACGTACGTAC");
        assert_eq!(m.head, b"r merged_10_0");
        // Fronts cut from both mates: the same reads stand for a 13-base insert.
        assert!(merge_into(&mut m, (&r1, &r2), [1, 2], 13, 5));
        assert_eq!(m.head, b"r merged_10_0");
    }
}
