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

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex, PoisonError};

use md5::{Digest, Md5};
use noodles::core::Region;
use noodles::cram;
use noodles::fasta;
use noodles::sam;
use noodles::sam::alignment::record::cigar::op::Kind;

use super::CoverageError;
use super::bam::{BamHeader, IndexCounts, RawRecord, Reference};
use crate::Location;

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
struct CheckedFasta {
    reader: Option<fasta::io::IndexedReader<fasta::io::BufReader<File>>>,
    cram: PathBuf,
    fasta: PathBuf,
    expected: HashMap<Vec<u8>, Expected>,
    /// Contigs whose MD5 was checked (a contig dropped from the cache and loaded again is not
    /// hashed twice).
    verified: HashSet<Vec<u8>>,
    failure: Arc<Mutex<Option<CoverageError>>>,
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

/// Why a container gave no records.
enum FailKind {
    /// noodles could not read or decode it.
    Decode(std::io::Error),
    /// A decoded record cannot be laid out as a BAM record.
    Record(String),
    /// noodles panicked (it still has `expect`s for malformed input).
    Panic(String),
}

/// A container that failed, after `after` of its records decoded fine.
struct Failed {
    after: u64,
    kind: FailKind,
}

/// The decoded records of one container, each as `[u32 size][BAM record bytes]`.
type Decoded = Result<Vec<u8>, Failed>;

fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown".into())
}

/// Decodes every slice of `c` into `out`.
fn decode_container(
    c: &cram::io::reader::Container,
    header: &sam::Header,
    repository: &fasta::Repository,
    fields: Fields,
    out: &mut Vec<u8>,
) -> Result<(), Failed> {
    let mut count = 0u64;
    let decode = |after: u64| {
        move |e: std::io::Error| Failed {
            after,
            kind: FailKind::Decode(e),
        }
    };
    let compression_header = c.compression_header().map_err(decode(0))?;
    let mut rec = Vec::with_capacity(1024);
    let mut ops = Vec::with_capacity(16);
    for slice in c.slices() {
        let slice = slice.map_err(decode(count))?;
        let (core_data_src, external_data_srcs) = slice.decode_blocks().map_err(decode(count))?;
        let records = slice
            .records(
                repository.clone(),
                header,
                &compression_header,
                &core_data_src,
                &external_data_srcs,
            )
            .map_err(decode(count))?;
        for r in &records {
            let record = |m: String| Failed {
                after: count,
                kind: FailKind::Record(m),
            };
            encode(r, header, fields, &mut ops, &mut rec).map_err(record)?;
            let size = u32::try_from(rec.len())
                .map_err(|_| record(format!("record of {} bytes is too long", rec.len())))?;
            out.extend_from_slice(&size.to_le_bytes());
            out.extend_from_slice(&rec);
            count += 1;
        }
    }
    Ok(())
}

/// Reads the containers one after another and hands each to `pool` to decode; the receivers
/// go to the consumer in file order.
fn produce(
    input: &CramInput,
    header: &Arc<sam::Header>,
    repository: &fasta::Repository,
    pool: &rayon::ThreadPool,
    fields: Fields,
    containers: Option<&[u64]>,
    tx: &SyncSender<Receiver<Decoded>>,
) {
    let fail = |e: std::io::Error| {
        let (etx, erx) = sync_channel(1);
        let _ = etx.send(Err(Failed {
            after: 0,
            kind: FailKind::Decode(e),
        }));
        let _ = tx.send(erx);
    };
    let mut reader = match cram::io::reader::Builder::default().build_from_path(&input.path) {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    if let Err(e) = reader.read_header() {
        return fail(e);
    }
    let mut next = containers.map(|v| v.iter());
    loop {
        if let Some(offsets) = next.as_mut() {
            let Some(&at) = offsets.next() else {
                return;
            };
            if let Err(e) = reader.seek(SeekFrom::Start(at)) {
                return fail(e);
            }
        }
        let mut c = cram::io::reader::Container::default();
        match reader.read_container(&mut c) {
            Ok(0) if next.is_some() => continue,
            Ok(0) => return,
            Ok(_) => {}
            Err(e) => return fail(e),
        }
        let (rtx, rrx) = sync_channel::<Decoded>(1);
        let header = Arc::clone(header);
        let repository = repository.clone();
        pool.spawn(move || {
            let res = catch_unwind(AssertUnwindSafe(|| {
                let mut out = Vec::new();
                decode_container(&c, &header, &repository, fields, &mut out).map(|()| out)
            }))
            .unwrap_or_else(|p| {
                Err(Failed {
                    after: 0,
                    kind: FailKind::Panic(panic_text(p.as_ref())),
                })
            });
            let _ = rtx.send(res);
        });
        if tx.send(rrx).is_err() {
            return; // the consumer stopped (it has its own error)
        }
    }
}

/// Streams the records of the CRAM (of the containers at `containers`, else all) to
/// `on_record(record, record_number)` in file order; containers are decoded in parallel on
/// `pool` while the calling thread handles records.
pub fn scan<F>(
    input: &CramInput,
    pool: &rayon::ThreadPool,
    fields: Fields,
    containers: Option<&[u64]>,
    mut on_record: F,
) -> Result<u64, CoverageError>
where
    F: FnMut(&RawRecord<'_>, u64) -> Result<(), CoverageError>,
{
    let path = input.path.as_path();
    let failure = Arc::new(Mutex::new(None));
    let repository = fasta::Repository::new(CheckedFasta {
        reader: None,
        cram: input.path.clone(),
        fasta: input.reference.clone(),
        expected: input.expected.clone(),
        verified: HashSet::new(),
        failure: Arc::clone(&failure),
    });
    let header = Arc::new(input.sam_header.clone());
    let names: Vec<&str> = input
        .header
        .references
        .iter()
        .map(|r| r.name.as_str())
        .collect();
    let (tx, rx) = sync_channel::<Receiver<Decoded>>(pool.current_num_threads() + 2);
    std::thread::scope(|s| {
        let producer = {
            let (header, repository) = (&header, &repository);
            s.spawn(move || produce(input, header, repository, pool, fields, containers, &tx))
        };
        let mut n: u64 = 0;
        let mut last_rid: Option<i32> = None;
        let mut consume = || -> Result<(), CoverageError> {
            for pending in rx.iter() {
                let decoded = pending.recv().unwrap_or_else(|_| {
                    Err(Failed {
                        after: 0,
                        kind: FailKind::Panic("a CRAM decode worker stopped".into()),
                    })
                });
                let buf = match decoded {
                    Ok(b) => b,
                    Err(f) => {
                        let kept = failure
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .take();
                        if let Some(e) = kept {
                            return Err(e);
                        }
                        let at = n + f.after + 1;
                        let near = last_rid
                            .and_then(|r| usize::try_from(r).ok())
                            .and_then(|r| names.get(r).copied());
                        return Err(match f.kind {
                            FailKind::Decode(e) => decode_error(path, at, near, &e),
                            FailKind::Record(m) => cram_err(path, at, m),
                            FailKind::Panic(m) => cram_err(
                                path,
                                at,
                                format!(
                                    "the CRAM decoder failed ({m}): corrupt CRAM or wrong \
                                     reference?"
                                ),
                            ),
                        });
                    }
                };
                let mut at = 0;
                while buf.len() >= at + 4 {
                    let size = u32::from_le_bytes([buf[at], buf[at + 1], buf[at + 2], buf[at + 3]])
                        as usize;
                    let Some(bytes) = buf.get(at + 4..at + 4 + size) else {
                        return Err(cram_err(path, n + 1, "decoded record is cut short".into()));
                    };
                    at += 4 + size;
                    n += 1;
                    let raw = RawRecord::new(bytes).map_err(|m| cram_err(path, n, m))?;
                    let rid = raw.ref_id();
                    if last_rid.is_some_and(|l| l != rid) {
                        // coordinate-sorted: the previous contig's bases are not needed again
                        repository.clear();
                    }
                    last_rid = Some(rid);
                    on_record(&raw, n)?;
                }
            }
            Ok(())
        };
        let result = consume();
        drop(rx);
        let _ = producer.join();
        result.map(|()| n)
    })
}

fn decode_error(
    path: &Path,
    record: u64,
    last_contig: Option<&str>,
    e: &std::io::Error,
) -> CoverageError {
    let near = last_contig
        .map(|c| format!(" (the last record decoded is on {c})"))
        .unwrap_or_default();
    if e.kind() == std::io::ErrorKind::UnexpectedEof {
        return cram_err(path, record, format!("truncated CRAM: {e}{near}"));
    }
    cram_err(path, record, format!("CRAM decoding failed{near}: {e}"))
}

/// The 4-bit BAM code of an IUPAC base (`=ACMGRSVTWYHKDBN`), N for anything else.
fn base_code(b: u8) -> u8 {
    match b.to_ascii_uppercase() {
        b'=' => 0,
        b'A' => 1,
        b'C' => 2,
        b'M' => 3,
        b'G' => 4,
        b'R' => 5,
        b'S' => 6,
        b'V' => 7,
        b'T' => 8,
        b'W' => 9,
        b'Y' => 10,
        b'H' => 11,
        b'K' => 12,
        b'D' => 13,
        b'B' => 14,
        _ => 15,
    }
}

fn op_code(k: Kind) -> u32 {
    match k {
        Kind::Match => 0,
        Kind::Insertion => 1,
        Kind::Deletion => 2,
        Kind::Skip => 3,
        Kind::SoftClip => 4,
        Kind::HardClip => 5,
        Kind::Pad => 6,
        Kind::SequenceMatch => 7,
        Kind::SequenceMismatch => 8,
    }
}

/// UCSC binning scheme bin of a 0-based `[beg, end)` (SAM spec §5.3).
fn reg2bin(beg: i64, end: i64) -> u16 {
    let end = end - 1;
    let b = if beg >> 14 == end >> 14 {
        ((1 << 15) - 1) / 7 + (beg >> 14)
    } else if beg >> 17 == end >> 17 {
        ((1 << 12) - 1) / 7 + (beg >> 17)
    } else if beg >> 20 == end >> 20 {
        ((1 << 9) - 1) / 7 + (beg >> 20)
    } else if beg >> 23 == end >> 23 {
        ((1 << 6) - 1) / 7 + (beg >> 23)
    } else if beg >> 26 == end >> 26 {
        1 + (beg >> 26)
    } else {
        0
    };
    u16::try_from(b).unwrap_or(0)
}

/// Path of the CRAM index: `CRAM.crai`, then `CRAM` with its extension replaced by `.crai`.
pub fn find_crai(cram: &Path) -> Option<PathBuf> {
    super::bam::find_index(cram, "crai")
}

/// Offsets of the containers that the `.crai` lists as overlapping a target region (in file
/// order, each once), and the references that have records (a CRAI has no record counts, so
/// `mapped` stays 0). An index older than its CRAM, or pointing past its end, is refused.
pub fn index_containers(
    cram: &Path,
    crai: &Path,
    regions: &[(usize, u64, u64)],
) -> Result<(Vec<u64>, IndexCounts), CoverageError> {
    let index_err = |detail: String| CoverageError::Index {
        path: crai.to_path_buf(),
        detail,
    };
    let meta = |p: &Path| {
        std::fs::metadata(p).map_err(|source| CoverageError::Io {
            path: p.to_path_buf(),
            action: "stat",
            source,
        })
    };
    let (cram_meta, crai_meta) = (meta(cram)?, meta(crai)?);
    let secs = |m: &std::fs::Metadata| {
        m.modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_secs())
    };
    if let (Some(a), Some(i)) = (secs(&cram_meta), secs(&crai_meta))
        && i < a
    {
        return Err(index_err(format!(
            "does not belong to {}: the index is older than the CRAM ({} s); rebuild it with \
             `samtools index`, or run with --scan full",
            cram.display(),
            a - i
        )));
    }
    let index =
        cram::crai::fs::read(crai).map_err(|e| index_err(format!("cannot be read: {e}")))?;
    let mut by_ref: HashMap<usize, Vec<(u64, u64)>> = HashMap::new();
    for &(r, s, e) in regions {
        if e > s {
            by_ref.entry(r).or_default().push((s, e));
        }
    }
    for v in by_ref.values_mut() {
        v.sort_unstable();
    }
    let mut offsets = Vec::new();
    let mut with_records: Vec<usize> = Vec::new();
    for rec in index.iter() {
        let (Some(r), Some(start)) = (rec.reference_sequence_id(), rec.alignment_start()) else {
            continue;
        };
        if !with_records.contains(&r) {
            with_records.push(r);
        }
        if rec.offset() >= cram_meta.len() {
            return Err(index_err(format!(
                "does not belong to {}: a container starts at byte {}, past the end of the \
                 {}-byte CRAM; rebuild it with `samtools index`, or run with --scan full",
                cram.display(),
                rec.offset(),
                cram_meta.len()
            )));
        }
        let a = usize::from(start) as u64 - 1;
        let b = a + rec.alignment_span().max(1) as u64;
        let Some(spans) = by_ref.get(&r) else {
            continue;
        };
        // spans sorted by start: the first span starting at or after `b` ends the search
        let upto = spans.partition_point(|&(s, _)| s < b);
        if spans[..upto].iter().any(|&(_, e)| e > a) {
            offsets.push(rec.offset());
        }
    }
    offsets.sort_unstable();
    offsets.dedup();
    let counts = IndexCounts {
        mapped: 0,
        per_reference: with_records.into_iter().map(|r| (r, 1)).collect(),
        unplaced_unmapped: 0,
        references: 0,
    };
    Ok((offsets, counts))
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

/// Lays `rec` out as the bytes of a BAM record after `block_size` (no tags). Bases not in
/// `fields` are written as N and qualities as 0xFF (the lengths are kept). `ops` is scratch
/// space for the CIGAR words (noodles derives a CRAM record's CIGAR from its features on each
/// walk, so it is walked once).
fn encode<R>(
    rec: &R,
    header: &sam::Header,
    fields: Fields,
    ops: &mut Vec<u32>,
    out: &mut Vec<u8>,
) -> Result<(), String>
where
    R: sam::alignment::Record + ?Sized,
{
    let text = |e: std::io::Error| e.to_string();
    let id = |r: Option<std::io::Result<usize>>| -> Result<i32, String> {
        match r.transpose().map_err(text)? {
            None => Ok(-1),
            Some(v) => i32::try_from(v).map_err(|_| format!("reference id {v} is out of range")),
        }
    };
    let pos = |p: Option<std::io::Result<noodles::core::Position>>| -> Result<i32, String> {
        match p.transpose().map_err(text)? {
            None => Ok(-1),
            Some(v) => i32::try_from(usize::from(v) - 1)
                .map_err(|_| format!("position {v} is out of range")),
        }
    };
    let name: &[u8] = rec.name().map_or(b"*", |n| n.as_ref());
    let lrn = u8::try_from(name.len() + 1)
        .map_err(|_| format!("read name of {} bytes is too long", name.len()))?;
    ops.clear();
    let mut ref_span: i64 = 0;
    for op in rec.cigar().iter() {
        let op = op.map_err(text)?;
        if op.kind().consumes_reference() {
            ref_span += op.len() as i64;
        }
        let len = u32::try_from(op.len())
            .ok()
            .filter(|&l| l < 1 << 28)
            .ok_or_else(|| format!("CIGAR operation of length {} is too long", op.len()))?;
        ops.push(len << 4 | op_code(op.kind()));
    }
    let n_cigar = u16::try_from(ops.len())
        .map_err(|_| format!("{} CIGAR operations do not fit a BAM record", ops.len()))?;
    let seq = rec.sequence();
    let n_seq = seq.len();
    let l_seq = u32::try_from(n_seq).map_err(|_| "sequence is too long".to_owned())?;
    let start = pos(rec.alignment_start())?;
    let flags = rec.flags().map_err(text)?.bits();
    let mapq = match rec.mapping_quality().transpose().map_err(text)? {
        Some(q) => u8::from(q),
        None => 255,
    };
    out.clear();
    out.extend_from_slice(&id(rec.reference_sequence_id(header))?.to_le_bytes());
    out.extend_from_slice(&start.to_le_bytes());
    out.push(lrn);
    out.push(mapq);
    let bin_at = out.len();
    out.extend_from_slice(&4680u16.to_le_bytes());
    out.extend_from_slice(&n_cigar.to_le_bytes());
    out.extend_from_slice(&flags.to_le_bytes());
    out.extend_from_slice(&l_seq.to_le_bytes());
    out.extend_from_slice(&id(rec.mate_reference_sequence_id(header))?.to_le_bytes());
    out.extend_from_slice(&pos(rec.mate_alignment_start())?.to_le_bytes());
    out.extend_from_slice(&rec.template_length().map_err(text)?.to_le_bytes());
    out.extend_from_slice(name);
    out.push(0);
    for op in ops.iter() {
        out.extend_from_slice(&op.to_le_bytes());
    }
    if start >= 0 {
        let bin = reg2bin(i64::from(start), i64::from(start) + ref_span.max(1));
        out[bin_at..bin_at + 2].copy_from_slice(&bin.to_le_bytes());
    }
    if fields.bases {
        let mut bases = seq.iter();
        while let Some(a) = bases.next() {
            let lo = bases.next().map_or(0, base_code);
            out.push(base_code(a) << 4 | lo);
        }
    } else {
        out.resize(out.len() + n_seq.div_ceil(2), 0xff);
    }
    let qual = fields.qualities.then(|| rec.quality_scores());
    match qual {
        Some(qual) if qual.len() == n_seq => {
            for q in qual.iter() {
                out.push(q.map_err(text)?);
            }
        }
        // not read, or not stored (`*`): BAM's 0xFF fill
        _ => out.resize(out.len() + n_seq, 0xff),
    }
    Ok(())
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

    #[test]
    fn reg2bin_matches_the_spec() {
        assert_eq!(reg2bin(0, 1), 4681);
        assert_eq!(reg2bin(0, 1 << 14), 4681);
        assert_eq!(reg2bin(0, (1 << 14) + 1), 585);
    }
}
