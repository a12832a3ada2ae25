//! fastp's read-name steps, applied to the reads as read, before UMI extraction and trimming:
//! `--fix_mgi_id` and `--filter_by_index1/2` with `--filter_by_index_threshold`.
//!
//! Facts from fastp 0.23.2 (`Read::fixMGI`, `Read::firstIndex`, `Read::lastIndex`,
//! `Filter::filterByIndex`, `Options::makeListFromFileByLine`):
//! - `--fix_mgi_id`: a title ending in `/1` or `/2` (MGI's `@V300...L1C001R0010000001/1`) gets
//!   a space before the mate suffix (`...R0010000001 /1`), so that the name proper no longer
//!   carries it.
//! - The index of a read is taken from its title line: index 1 is what follows the last `:`
//!   (up to a `+`, for dual indexes `i1+i2`), index 2 what follows the last `:` or `+`; the
//!   last two characters are not searched for the separator.
//! - A single-end read is dropped when its index 1 is within the threshold of a barcode of
//!   `--filter_by_index1`; a pair when read 1's index 1 matches `--filter_by_index1` or read
//!   2's index 2 matches `--filter_by_index2`. "Within the threshold" counts mismatches over
//!   the positions both strings have.
//! - A dropped read (pair) is written nowhere and takes no part in the filter counts.
//!
//! Two deliberate differences: a read whose title holds no index (no `:`) is kept (fastp
//! compares an empty index, which "matches" every barcode, and drops every such read), and an
//! empty line of a barcode file is skipped (fastp keeps it as an empty barcode, which matches
//! every read).

use std::path::{Path, PathBuf};

use crate::error::Error;

/// MGI titles: a space before a trailing `/1` or `/2` (fastp `--fix_mgi_id`).
pub(crate) fn fix_mgi(head: &mut Vec<u8>) {
    let n = head.len();
    if n >= 2 && head[n - 2] == b'/' && matches!(head[n - 1], b'1' | b'2') {
        head.insert(n - 2, b' ');
    }
}

/// The barcode lists of `--filter_by_index1/2`, loaded.
#[derive(Debug, Clone, Default)]
pub(crate) struct IndexFilter {
    lists: [Vec<Vec<u8>>; 2],
    threshold: usize,
}

impl IndexFilter {
    /// Loads the lists named in `paths` (at least one), with `threshold` mismatches allowed.
    pub(crate) fn load(paths: &[Option<PathBuf>; 2], threshold: usize) -> Result<Self, Error> {
        let mut lists: [Vec<Vec<u8>>; 2] = Default::default();
        for (list, path) in lists.iter_mut().zip(paths) {
            if let Some(p) = path {
                *list = read_list(p)?;
            }
        }
        Ok(IndexFilter { lists, threshold })
    }

    /// True when a single-end read (`h2 = None`) or a pair is dropped, by the titles of its
    /// reads as read.
    pub(crate) fn drops(&self, h1: &[u8], h2: Option<&[u8]>) -> bool {
        if self.matches(&self.lists[0], first_index(h1)) {
            return true;
        }
        h2.is_some_and(|h| self.matches(&self.lists[1], last_index(h)))
    }

    fn matches(&self, list: &[Vec<u8>], index: Option<&[u8]>) -> bool {
        let Some(index) = index else {
            return false;
        };
        list.iter().any(|b| {
            let diff = b.iter().zip(index).filter(|(x, y)| x != y).count();
            diff <= self.threshold
        })
    }
}

/// A barcode file: one barcode of A, C, G, T per line (`\r\n` too); empty lines skipped.
fn read_list(p: &Path) -> Result<Vec<Vec<u8>>, Error> {
    let text = std::fs::read(p).map_err(|e| Error::Options(format!("{}: {e}", p.display())))?;
    let mut out = Vec::new();
    for (i, line) in text.split(|&b| b == b'\n').enumerate() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            continue;
        }
        if !line.iter().all(|b| matches!(b, b'A' | b'C' | b'G' | b'T')) {
            return Err(Error::Options(format!(
                "{} line {}: a barcode holds only A, C, G, T, got {:?}",
                p.display(),
                i + 1,
                String::from_utf8_lossy(line)
            )));
        }
        out.push(line.to_vec());
    }
    Ok(out)
}

/// Index 1 of a title (without `@`): after the last `:`, up to a `+` after it.
fn first_index(head: &[u8]) -> Option<&[u8]> {
    let colon = separator(head, |b| b == b':')?;
    let rest = &head[colon + 1..];
    let end = rest.iter().position(|&b| b == b'+').unwrap_or(rest.len());
    Some(&rest[..end])
}

/// Index 2 of a title: after the last `:` or `+`.
fn last_index(head: &[u8]) -> Option<&[u8]> {
    let at = separator(head, |b| b == b':' || b == b'+')?;
    Some(&head[at + 1..])
}

/// The last separator of a title, not among its last two characters (as fastp, which also
/// ignores titles under 5 characters with the `@`).
fn separator(head: &[u8], is_sep: impl Fn(u8) -> bool) -> Option<usize> {
    if head.len() + 1 < 5 {
        return None;
    }
    let upto = head.len() - 2;
    head[..upto].iter().rposition(|&b| is_sep(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mgi_suffix_gets_a_space() {
        let mut h = b"V300012345L1C001R0010000001/1".to_vec();
        fix_mgi(&mut h);
        assert_eq!(h, b"V300012345L1C001R0010000001 /1");
        let mut h = b"r1 1:N:0:ACGT".to_vec();
        fix_mgi(&mut h);
        assert_eq!(h, b"r1 1:N:0:ACGT");
    }

    #[test]
    fn indexes_come_from_the_title_as_fastp_takes_them() {
        let h = b"NS500713:64:HFKJJBGXY:1:11101:20469:1097 1:N:0:TATAGCCT+GGTCCCGA";
        assert_eq!(first_index(h), Some(&b"TATAGCCT"[..]));
        assert_eq!(last_index(h), Some(&b"GGTCCCGA"[..]));
        assert_eq!(first_index(b"r 1:N:0:ACGT"), Some(&b"ACGT"[..]));
        assert_eq!(first_index(b"read"), None);
    }

    #[test]
    fn threshold_counts_mismatches_over_the_shared_length() {
        let f = IndexFilter {
            lists: [vec![b"ACGTAC".to_vec()], vec![b"TTTT".to_vec()]],
            threshold: 1,
        };
        assert!(f.drops(b"r 1:N:0:ACGTAA", None));
        assert!(!f.drops(b"r 1:N:0:AGGTAA", None));
        assert!(f.drops(b"r 1:N:0:GGGGGG+CCCC", Some(b"r 2:N:0:GGGGGG+TTTA")));
        assert!(!f.drops(b"r", None));
    }
}
