//! UMI extraction into the read name, with fastp's `--umi_loc/--umi_len/--umi_prefix/--umi_skip`
//! semantics: the UMI is appended to the name (before the first space) as `:PREFIX_UMI`
//! (`:UMI` without a prefix). [`UmiLoc::IndexFile`] takes it from a separate FASTQ of index
//! reads (`--umi_index_file`), which fastp has no option for.

use std::path::Path;

use crate::fastq::ReadBuf;

/// Where the UMI is read from (fastp `--umi_loc`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UmiLoc {
    /// The first index in the read-1 name comment (`1:N:0:INDEX1+INDEX2`).
    Index1,
    /// The second index in the read-2 name comment (after `+`).
    Index2,
    /// The first `len` bases of read 1 (removed from the read); used for both mates.
    Read1,
    /// The first `len` bases of read 2 (removed from the read); used for both mates.
    Read2,
    /// Each mate's own index (index 1 for read 1, index 2 for read 2).
    PerIndex,
    /// Each mate's first `len` bases; both names get `UMI1_UMI2`.
    PerRead,
    /// A separate index-read FASTQ, an input of the run (`pipeline::Inputs::umi_index`, for
    /// example the I1/I2 file that bcl2fastq or BCL Convert write with
    /// `--create-fastq-for-index-reads`): record N's first `len` bases (all if 0) are the UMI
    /// of read (pair) N; used for both mates.
    IndexFile,
}

/// UMI options (fastp `-U/--umi`, `--umi_loc`, `--umi_len`, `--umi_prefix`, `--umi_skip`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UmiOptions {
    /// Where the UMI comes from.
    pub loc: UmiLoc,
    /// UMI length for read locations (required there); 0 = whole index (index read).
    pub len: usize,
    /// Name prefix (fastp `--umi_prefix`); empty for none.
    pub prefix: String,
    /// Bases skipped (and removed) after a read UMI (fastp `--umi_skip`).
    pub skip: usize,
}

impl UmiOptions {
    /// Checks that read locations have a length and that the prefix has no spaces.
    pub fn validate(&self) -> Result<(), String> {
        if matches!(self.loc, UmiLoc::Read1 | UmiLoc::Read2 | UmiLoc::PerRead) && self.len == 0 {
            return Err("--umi_len is required for --umi_loc read1/read2/per_read".into());
        }
        if self.prefix.contains(|c: char| c.is_whitespace()) {
            return Err("--umi_prefix must not contain spaces".into());
        }
        Ok(())
    }
}

/// Checks the UMI index-read file of a run (an input beside the reads, `--umi_index_file`)
/// against the run's UMI options (`None`: no UMI): a file is given exactly with
/// [`UmiLoc::IndexFile`], and is not an empty path. The trimmer itself never opens it.
pub fn check_umi_index_file(
    umi: Option<&UmiOptions>,
    index_file: Option<&Path>,
) -> Result<(), String> {
    match (umi.map(|u| u.loc), index_file) {
        (Some(UmiLoc::IndexFile), None) => {
            Err("--umi_loc index_file needs --umi_index_file PATH".into())
        }
        (Some(UmiLoc::IndexFile), Some(p)) if p.as_os_str().is_empty() => {
            Err("--umi_index_file is an empty path".into())
        }
        (None, Some(_)) => Err("--umi_index_file needs -U --umi_loc index_file".into()),
        (Some(UmiLoc::IndexFile), Some(_)) | (_, None) => Ok(()),
        (Some(_), Some(_)) => Err("--umi_index_file needs --umi_loc index_file".into()),
    }
}

/// The index field of a name comment: the text after the last ':' of the comment.
fn index_field(head: &[u8]) -> &[u8] {
    let Some(sp) = memchr::memchr2(b' ', b'\t', head) else {
        return &[];
    };
    let comment = &head[sp + 1..];
    match memchr::memrchr(b':', comment) {
        Some(c) => &comment[c + 1..],
        None => &[],
    }
}

fn first_index(head: &[u8]) -> &[u8] {
    let f = index_field(head);
    &f[..memchr::memchr(b'+', f).unwrap_or(f.len())]
}

fn last_index(head: &[u8]) -> &[u8] {
    let f = index_field(head);
    match memchr::memchr(b'+', f) {
        Some(p) => &f[p + 1..],
        None => f,
    }
}

/// Inserts `:PREFIX_UMI` (or `:UMI`) at the end of the read name, before any comment.
pub fn add_to_name(head: &mut Vec<u8>, prefix: &str, umi: &[u8], tmp: &mut Vec<u8>) {
    let at = memchr::memchr2(b' ', b'\t', head).unwrap_or(head.len());
    tmp.clear();
    tmp.push(b':');
    if !prefix.is_empty() {
        tmp.extend_from_slice(prefix.as_bytes());
        tmp.push(b'_');
    }
    tmp.extend_from_slice(umi);
    head.splice(at..at, tmp.iter().copied());
}

/// Takes `len` bases (plus `skip`) off the front of `r` into `umi`.
fn take_front(r: &mut ReadBuf, len: usize, skip: usize, umi: &mut Vec<u8>) {
    let n = len.min(r.seq.len());
    umi.extend_from_slice(&r.seq[..n]);
    r.trim_front(n + skip);
}

/// Applies UMI extraction to a read (r2 `None`) or a pair; `index` is the index-file read for
/// [`UmiLoc::IndexFile`]. `scratch` buffers are reused. Returns the number of UMI bases.
pub fn apply(
    opts: &UmiOptions,
    r1: &mut ReadBuf,
    mut r2: Option<&mut ReadBuf>,
    index: Option<&[u8]>,
    scratch: &mut (Vec<u8>, Vec<u8>),
) -> usize {
    let (umi, tmp) = scratch;
    umi.clear();
    match opts.loc {
        UmiLoc::Index1 => umi.extend_from_slice(first_index(&r1.head)),
        UmiLoc::Index2 => {
            if let Some(r2) = r2.as_deref() {
                umi.extend_from_slice(last_index(&r2.head));
            }
        }
        UmiLoc::Read1 => take_front(r1, opts.len, opts.skip, umi),
        UmiLoc::Read2 => {
            if let Some(r2) = r2.as_deref_mut() {
                take_front(r2, opts.len, opts.skip, umi);
            }
        }
        UmiLoc::IndexFile => {
            if let Some(ix) = index {
                let n = if opts.len == 0 {
                    ix.len()
                } else {
                    opts.len.min(ix.len())
                };
                umi.extend_from_slice(&ix[..n]);
            }
        }
        UmiLoc::PerIndex => {
            umi.extend_from_slice(first_index(&r1.head));
            let n1 = umi.len();
            if !umi.is_empty() {
                add_to_name(&mut r1.head, &opts.prefix, umi, tmp);
            }
            let mut n2 = 0;
            if let Some(r2) = r2 {
                umi.clear();
                umi.extend_from_slice(last_index(&r2.head));
                n2 = umi.len();
                if !umi.is_empty() {
                    add_to_name(&mut r2.head, &opts.prefix, umi, tmp);
                }
            }
            return n1 + n2;
        }
        UmiLoc::PerRead => {
            take_front(r1, opts.len, opts.skip, umi);
            if let Some(r2) = r2.as_deref_mut() {
                umi.push(b'_');
                take_front(r2, opts.len, opts.skip, umi);
            }
            let n = umi.len();
            add_to_name(&mut r1.head, &opts.prefix, umi, tmp);
            if let Some(r2) = r2 {
                add_to_name(&mut r2.head, &opts.prefix, umi, tmp);
            }
            return n;
        }
    }
    if umi.is_empty() {
        return 0;
    }
    add_to_name(&mut r1.head, &opts.prefix, umi, tmp);
    if let Some(r2) = r2 {
        add_to_name(&mut r2.head, &opts.prefix, umi, tmp);
    }
    umi.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rb(head: &[u8], seq: &[u8]) -> ReadBuf {
        ReadBuf {
            head: head.to_vec(),
            seq: seq.to_vec(),
            plus: Vec::new(),
            qual: vec![b'I'; seq.len()],
        }
    }

    #[test]
    fn read1_umi_moves_to_both_names() {
        let o = UmiOptions {
            loc: UmiLoc::Read1,
            len: 4,
            prefix: "UMI".into(),
            skip: 1,
        };
        let mut a = rb(b"r1 1:N:0:ACGT", b"GGCCTAAAA");
        let mut b = rb(b"r1 2:N:0:ACGT", b"TTTT");
        let mut s = Default::default();
        assert_eq!(apply(&o, &mut a, Some(&mut b), None, &mut s), 4);
        assert_eq!(a.head, b"r1:UMI_GGCC 1:N:0:ACGT");
        assert_eq!(b.head, b"r1:UMI_GGCC 2:N:0:ACGT");
        assert_eq!(a.seq, b"AAAA");
        assert_eq!(a.qual.len(), 4);
    }

    #[test]
    fn index_locations() {
        let mut s = Default::default();
        let o = UmiOptions {
            loc: UmiLoc::Index2,
            len: 0,
            prefix: String::new(),
            skip: 0,
        };
        let mut a = rb(b"x 1:N:0:AAAA+CCCC", b"A");
        let mut b = rb(b"x 2:N:0:AAAA+CCCC", b"A");
        apply(&o, &mut a, Some(&mut b), None, &mut s);
        assert_eq!(a.head, b"x:CCCC 1:N:0:AAAA+CCCC");
        let o = UmiOptions {
            loc: UmiLoc::IndexFile,
            len: 3,
            ..o
        };
        let mut c = rb(b"y", b"A");
        apply(&o, &mut c, None, Some(b"TTGCA"), &mut s);
        assert_eq!(c.head, b"y:TTG");
        let o = UmiOptions {
            loc: UmiLoc::PerRead,
            len: 2,
            ..o
        };
        let mut a = rb(b"z", b"ACGT");
        let mut b = rb(b"z", b"TGCA");
        apply(&o, &mut a, Some(&mut b), None, &mut s);
        assert_eq!(a.head, b"z:AC_TG");
        assert_eq!(b.head, b"z:AC_TG");
        assert!(
            UmiOptions {
                loc: UmiLoc::Read1,
                len: 0,
                prefix: String::new(),
                skip: 0,
            }
            .validate()
            .is_err()
        );
    }

    #[test]
    fn index_file_umi_goes_to_both_mates_and_needs_its_file() {
        let o = UmiOptions {
            loc: UmiLoc::IndexFile,
            len: 0,
            prefix: "UMI".into(),
            skip: 3,
        };
        let file = Path::new("I1.fq.gz");
        assert_eq!(o.validate(), Ok(()));
        assert_eq!(check_umi_index_file(Some(&o), Some(file)), Ok(()));
        let mut s = Default::default();
        let mut a = rb(b"q 1:N:0:1", b"ACGT");
        let mut b = rb(b"q 2:N:0:1", b"TTTT");
        // The whole index read, the reads untouched (no skip for index locations, as in fastp).
        assert_eq!(apply(&o, &mut a, Some(&mut b), Some(b"GATTACA"), &mut s), 7);
        assert_eq!(a.head, b"q:UMI_GATTACA 1:N:0:1");
        assert_eq!(b.head, b"q:UMI_GATTACA 2:N:0:1");
        assert_eq!((&a.seq[..], &b.seq[..]), (&b"ACGT"[..], &b"TTTT"[..]));
        let without = check_umi_index_file(Some(&o), None);
        assert!(without.unwrap_err().contains("--umi_index_file"));
        let empty = check_umi_index_file(Some(&o), Some(Path::new("")));
        assert!(empty.unwrap_err().contains("empty path"));
        let wrong_loc = UmiOptions {
            loc: UmiLoc::Index1,
            ..o
        };
        assert!(
            check_umi_index_file(Some(&wrong_loc), Some(file))
                .unwrap_err()
                .contains("index_file")
        );
        assert_eq!(check_umi_index_file(Some(&wrong_loc), None), Ok(()));
        let no_umi = check_umi_index_file(None, Some(file)).unwrap_err();
        assert!(no_umi.contains("-U --umi_loc index_file"), "{no_umi}");
        assert_eq!(check_umi_index_file(None, None), Ok(()));
    }
}
