//! CRAM input: `--bam` may name a CRAM (recognised by its magic bytes `CRAM`), read with
//! noodles' CRAM decoder against the reference FASTA given with `-f/--reference` (with its
//! `.fai`), as mosdepth takes it.
//!
//! The reference is checked before any record is decoded from it: every contig a slice asks
//! for must be in the FASTA, with the `@SQ LN` length and, when the header has one, the
//! `@SQ M5` checksum of the CRAM header (noodles checks each slice's own reference MD5 on top).
//! A mismatch or a missing contig is an error naming the CRAM, the FASTA and the contig.
//!
//! Each decoded record is laid out as a raw BAM record ([`RawRecord`]: positions, flags, MAPQ,
//! CIGAR, bases, base qualities, mate fields, read name; tags are dropped, nothing reads them),
//! so the same depth engine and filters apply to BAM and CRAM. With a `.crai` only the
//! containers overlapping targets are read ([`index_containers`]), else the whole file: one
//! thread reads the containers, the run's pool decodes them in parallel, and the calling thread
//! takes their records in file order (the outputs do not depend on the thread count). The reference cache is emptied when the records move to the
//! next contig, so memory holds the contigs of the containers in flight, not the genome.
//!
//! [`reference`]: the FASTA as the decoder asks for it, checked against `@SQ`; [`scan`]: the
//! parallel container decode and the record stream; [`encode`]: a CRAM record as BAM bytes;
//! [`index`]: `.crai`-guided container offsets.

mod encode;
mod index;
mod reference;
mod scan;

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use noodles::cram;
use noodles::sam;

use super::CoverageError;
use super::bam::{BamHeader, Reference};
use crate::Location;

pub use index::index_containers;
use scan::panic_text;
pub use scan::scan;

/// The CRAM 3.x end-of-file container (38 bytes): a file without it was cut short.
const EOF_CONTAINER_3: [u8; 38] = [
    0x0f, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x0f, 0xe0, 0x45, 0x4f, 0x46, 0x00, 0x00, 0x00,
    0x00, 0x01, 0x00, 0x05, 0xbd, 0xd9, 0x4f, 0x00, 0x01, 0x00, 0x06, 0x06, 0x01, 0x00, 0x01, 0x00,
    0x01, 0x00, 0xee, 0x63, 0x01, 0x4b,
];

/// True when `path` starts with the CRAM magic bytes.
pub fn is_cram(path: &Path) -> Result<bool, CoverageError> {
    let f = File::open(path).map_err(|source| CoverageError::Io {
        path: path.to_path_buf(),
        action: "open BAM/CRAM",
        source,
    })?;
    let mut head = Vec::with_capacity(4);
    f.take(4)
        .read_to_end(&mut head)
        .map_err(|source| CoverageError::Io {
            path: path.to_path_buf(),
            action: "read BAM/CRAM",
            source,
        })?;
    Ok(head == b"CRAM")
}

fn cram_err(path: &Path, record: u64, message: String) -> CoverageError {
    CoverageError::Bam {
        at: Location {
            path: path.to_path_buf(),
            record,
            line: 0,
        },
        message,
    }
}

/// What the `@SQ` line promises about one reference sequence.
#[derive(Debug, Clone)]
struct Expected {
    length: u64,
    md5: Option<String>,
}

/// An opened CRAM: its header (as the engine takes it and as noodles takes it) and the
/// reference FASTA it is decoded against.
#[derive(Debug)]
pub struct CramInput {
    path: PathBuf,
    reference: PathBuf,
    sam_header: sam::Header,
    /// The header as the depth engine takes it.
    pub header: BamHeader,
    expected: HashMap<Vec<u8>, Expected>,
}

impl CramInput {
    /// Reads the CRAM header of `path` and checks that `reference` (a FASTA with `.fai`) is
    /// given and indexed. Contigs are checked when the decoder first needs them.
    pub fn open(path: &Path, reference: Option<&Path>) -> Result<Self, CoverageError> {
        let Some(reference) = reference else {
            return Err(CoverageError::Options(format!(
                "{} is a CRAM: give the reference FASTA it was written against with \
                 -f/--reference FASTA (indexed with `samtools faidx`); CRAM records cannot be \
                 decoded without it",
                path.display()
            )));
        };
        check_eof(path)?;
        let mut reader = cram::io::reader::Builder::default()
            .build_from_path(path)
            .map_err(|source| CoverageError::Io {
                path: path.to_path_buf(),
                action: "open CRAM",
                source,
            })?;
        // noodles' parser has `expect`s: a malformed header must not panic through the C API
        let sam_header = catch_unwind(AssertUnwindSafe(|| reader.read_header()))
            .map_err(|p| {
                cram_err(
                    path,
                    0,
                    format!(
                        "CRAM header: the decoder failed ({})",
                        panic_text(p.as_ref())
                    ),
                )
            })?
            .map_err(|e| cram_err(path, 0, format!("CRAM header: {e}")))?;
        let header = bam_header(&sam_header);
        let expected = expectations(&sam_header);
        let fai = fai_path(reference);
        if !fai.is_file() {
            return Err(CoverageError::Reference {
                path: reference.to_path_buf(),
                detail: format!(
                    "no index {} (make it with `samtools faidx`); it is needed to decode the \
                     CRAM {}",
                    fai.display(),
                    path.display()
                ),
            });
        }
        Ok(Self {
            path: path.to_path_buf(),
            reference: reference.to_path_buf(),
            sam_header,
            header,
            expected,
        })
    }
}

fn fai_path(fasta: &Path) -> PathBuf {
    let mut s = fasta.as_os_str().to_owned();
    s.push(".fai");
    PathBuf::from(s)
}

/// Fails on a CRAM version other than 3.x (noodles reads 3.0 and 3.1) and when the file lacks
/// its end-of-file container (a cut-short upload).
fn check_eof(path: &Path) -> Result<(), CoverageError> {
    let io = |action: &'static str| {
        move |source| CoverageError::Io {
            path: path.to_path_buf(),
            action,
            source,
        }
    };
    let mut f = File::open(path).map_err(io("open CRAM"))?;
    let len = f.metadata().map_err(io("stat CRAM"))?.len();
    let mut head = [0u8; 6];
    if len < 6 + EOF_CONTAINER_3.len() as u64 {
        return Err(cram_err(
            path,
            0,
            format!("truncated CRAM: the file is only {len} bytes long"),
        ));
    }
    f.read_exact(&mut head).map_err(io("read CRAM"))?;
    if head[4] != 3 {
        return Err(cram_err(
            path,
            0,
            format!(
                "CRAM version {}.{} is not supported (3.0 and 3.1 are): rewrite it with                  `samtools view -C -T REF.fa --output-fmt-option version=3.0`",
                head[4], head[5]
            ),
        ));
    }
    f.seek(SeekFrom::Start(len - EOF_CONTAINER_3.len() as u64))
        .map_err(io("seek CRAM"))?;
    let mut tail = [0u8; 38];
    f.read_exact(&mut tail).map_err(io("read CRAM"))?;
    if tail != EOF_CONTAINER_3 {
        return Err(cram_err(
            path,
            0,
            format!(
                "truncated CRAM: the last 38 bytes of its {len} are not the CRAM end-of-file \
                 container"
            ),
        ));
    }
    Ok(())
}

/// References, `@HD SO` and distinct `@RG SM` values, as [`super::bam::read_header`] gives
/// them for a BAM.
fn bam_header(h: &sam::Header) -> BamHeader {
    use sam::header::record::value::map::{header::tag as hd, read_group::tag as rg};
    let references = h
        .reference_sequences()
        .iter()
        .map(|(name, rs)| Reference {
            name: String::from_utf8_lossy(name).into_owned(),
            length: rs.length().get() as u64,
        })
        .collect();
    let sort_order = h
        .header()
        .and_then(|m| m.other_fields().get(&hd::SORT_ORDER))
        .map(|v| String::from_utf8_lossy(v).into_owned());
    let mut samples: Vec<String> = Vec::new();
    for (_, m) in h.read_groups() {
        if let Some(sm) = m.other_fields().get(&rg::SAMPLE) {
            let sm = String::from_utf8_lossy(sm).trim().to_owned();
            if !sm.is_empty() && !samples.contains(&sm) {
                samples.push(sm);
            }
        }
    }
    BamHeader {
        references,
        sort_order,
        samples,
    }
}

fn expectations(h: &sam::Header) -> HashMap<Vec<u8>, Expected> {
    use sam::header::record::value::map::reference_sequence::tag;
    h.reference_sequences()
        .iter()
        .map(|(name, rs)| {
            let md5 = rs
                .other_fields()
                .get(&tag::MD5_CHECKSUM)
                .map(|v| String::from_utf8_lossy(v).to_ascii_lowercase());
            (
                name.to_vec(),
                Expected {
                    length: rs.length().get() as u64,
                    md5,
                },
            )
        })
        .collect()
}

/// Path of the CRAM index: `CRAM.crai`, then `CRAM` with its extension replaced by `.crai`.
pub fn find_crai(cram: &Path) -> Option<PathBuf> {
    super::bam::find_index(cram, "crai")
}

/// Which per-base fields the run reads; the others are not decoded (as mosdepth asks htslib
/// for only the CRAM fields it needs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fields {
    /// Bases (`picard-hs`: its adapter check).
    pub bases: bool,
    /// Base qualities (`picard-hs`, `--base-quality`).
    pub qualities: bool,
}

impl Fields {
    /// What the depth engine reads under `opts`.
    pub fn for_options(opts: &super::CoverageOptions) -> Self {
        let picard = opts.preset == super::Preset::PicardHs;
        Self {
            bases: picard,
            qualities: picard || opts.min_base_quality > 0,
        }
    }
}
