//! The reference FASTA as noodles' CRAM decoder asks for it, each contig checked against the
//! CRAM header's `@SQ` line (length, M5) before it is handed over.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use md5::{Digest, Md5};
use noodles::core::Region;
use noodles::fasta;

use super::super::CoverageError;
use super::Expected;

/// The SAM spec's reference MD5: upper-cased, bytes outside `!`..=`~` left out.
fn normalized_md5(seq: &[u8]) -> String {
    let mut h = Md5::new();
    let mut buf = Vec::with_capacity(1 << 16);
    for chunk in seq.chunks(1 << 16) {
        buf.clear();
        buf.extend(
            chunk
                .iter()
                .filter(|b| (b'!'..=b'~').contains(*b))
                .map(u8::to_ascii_uppercase),
        );
        h.update(&buf);
    }
    h.finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>()
}

/// The FASTA as noodles' CRAM decoder asks for it: each contig is checked against the CRAM
/// header's `@SQ` line before it is handed over; the first failure is kept (with the CRAM,
/// FASTA and contig named) for the scan to report in place of noodles' error.
pub(super) struct CheckedFasta {
    pub(super) reader: Option<fasta::io::IndexedReader<fasta::io::BufReader<File>>>,
    pub(super) cram: PathBuf,
    pub(super) fasta: PathBuf,
    pub(super) expected: HashMap<Vec<u8>, Expected>,
    /// Contigs whose MD5 was checked (a contig dropped from the cache and loaded again is not
    /// hashed twice).
    pub(super) verified: HashSet<Vec<u8>>,
    pub(super) failure: Arc<Mutex<Option<CoverageError>>>,
}

impl CheckedFasta {
    fn fail(&self, detail: String) -> std::io::Error {
        let e = CoverageError::Reference {
            path: self.fasta.clone(),
            detail: detail.clone(),
        };
        let mut slot = self.failure.lock().unwrap_or_else(PoisonError::into_inner);
        if slot.is_none() {
            *slot = Some(e);
        }
        std::io::Error::new(std::io::ErrorKind::InvalidData, detail)
    }

    fn load(&mut self, name: &[u8]) -> Result<fasta::Record, std::io::Error> {
        let contig = String::from_utf8_lossy(name).into_owned();
        let cram = self.cram.display().to_string();
        if self.reader.is_none() {
            let r = fasta::io::indexed_reader::Builder::default()
                .build_from_path(&self.fasta)
                .map_err(|e| self.fail(format!("cannot open it with its .fai index: {e}")))?;
            self.reader = Some(r);
        }
        let Some(reader) = self.reader.as_mut() else {
            return Err(self.fail("cannot open it".into()));
        };
        let listed = reader
            .index()
            .as_ref()
            .iter()
            .find(|r| r.name() == name)
            .map(|r| r.length());
        let Some(fasta_len) = listed else {
            return Err(self.fail(format!(
                "contig {contig} is not in this FASTA (its .fai), but the CRAM {cram} has \
                 records on it: is this the reference the CRAM was written with?"
            )));
        };
        let want = self.expected.get(name).cloned();
        if let Some(w) = &want
            && w.length != fasta_len
        {
            return Err(self.fail(format!(
                "contig {contig} is {fasta_len} bp here but {} bp in the CRAM {cram} header \
                 (@SQ LN): wrong reference",
                w.length
            )));
        }
        let rec = reader
            .query(&Region::new(name, ..))
            .map_err(|e| self.fail(format!("contig {contig}: cannot read it: {e}")))?;
        if let Some(Expected { md5: Some(m5), .. }) = &want
            && !self.verified.contains(name)
        {
            let got = normalized_md5(rec.sequence().as_ref());
            if &got != m5 {
                return Err(self.fail(format!(
                    "contig {contig}: MD5 {got} does not match M5:{m5} of the CRAM {cram} \
                     header: this is not the reference the CRAM was written with"
                )));
            }
            self.verified.insert(name.to_vec());
        }
        Ok(rec)
    }
}

impl fasta::repository::Adapter for CheckedFasta {
    fn get(&mut self, name: &[u8]) -> Option<std::io::Result<fasta::Record>> {
        // Always `Some`: noodles panics on a contig the repository does not have.
        Some(self.load(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_is_normalized() {
        // SAM spec: upper case, characters outside 33..=126 removed
        assert_eq!(normalized_md5(b"acgt\nAC GT"), normalized_md5(b"ACGTACGT"));
        assert_eq!(normalized_md5(b""), "d41d8cd98f00b204e9800998ecf8427e");
    }
}
