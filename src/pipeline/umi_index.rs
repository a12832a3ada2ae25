//! The UMI index-read file (`--umi_loc index_file --umi_index_file PATH`): a FASTQ whose record N
//! holds the UMI of read (pair) N, such as the I1/I2 file that bcl2fastq or BCL Convert write
//! with `--create-fastq-for-index-reads`.
//!
//! The reader thread frames it in step with the reads: for a batch of `n` reads (pairs) it cuts
//! exactly the next `n` index records (`next_chunk(Some(n))`, the count the mates agreed on), so
//! what a worker sees depends only on the bytes, never on threads or batch sizes. The worker
//! validates each index record like a read and checks its name against read 1's
//! ([`pair::names_match`]) before the trimmer moves its bases into the name.

use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;

use super::{Inputs, PipelineOptions};
use crate::Location;
use crate::error::Error;
use crate::fastq::parse::{QualRange, validate};
use crate::fastq::{Chunk, Chunker, ChunkerOptions, FastqError, FastqErrorKind, RecordRef, pair};
use crate::io;
use crate::trim::{UmiLoc, check_umi_index_file};

/// The index records of one batch: record `k` belongs to read (pair) `k` of the batch.
#[derive(Debug)]
pub(crate) struct IndexRecords {
    /// `None` when the index file had ended before this batch.
    chunk: Option<Chunk>,
    /// The index file ended inside this batch: the error for the first read (pair) without an
    /// index record. The worker raises it when it gets there, after checking the reads before
    /// it in order, so that the first error does not depend on where batches are cut.
    missing: Option<FastqError>,
}

impl IndexRecords {
    /// Input bytes these records cover.
    pub(crate) fn byte_len(&self) -> usize {
        self.chunk.as_ref().map_or(0, Chunk::byte_len)
    }

    /// Gives the chunk's buffer back for reuse.
    pub(crate) fn into_buffer(self) -> Option<Vec<u8>> {
        self.chunk.map(Chunk::into_buffer)
    }

    /// Validates index record `k` (qualities with `offset`), checks its name against `read`
    /// (read 1, or the single read) and returns its bases: the UMI source. Index qualities do
    /// not take part in the reads' Phred+64 detection.
    pub(crate) fn umi(&self, k: usize, read: &RecordRef<'_>, offset: u8) -> Result<&[u8], Error> {
        let Some(c) = self.chunk.as_ref().filter(|c| k < c.len()) else {
            return Err(match &self.missing {
                Some(e) => Error::Fastq(e.clone()),
                None => Error::Internal("a batch without its UMI index records".into()),
            });
        };
        validate(c, k, offset, &mut QualRange::default())?;
        let ix = c.record(k);
        if !pair::names_match(read.head, ix.head) {
            let lossy = |n: &[u8]| String::from_utf8_lossy(n).into_owned();
            return Err(Error::Fastq(FastqError {
                location: c.location(k, 0),
                kind: FastqErrorKind::IndexNameMismatch {
                    read: lossy(read.name()),
                    index: lossy(ix.name()),
                },
            }));
        }
        Ok(ix.seq)
    }
}

/// Frames the index file for the reader thread.
pub(crate) struct IndexSource {
    chunker: Chunker<Box<dyn Read + Send>>,
    path: PathBuf,
}

impl IndexSource {
    /// Wraps the opened index file; records longer than `opts.max_record_bytes` are errors.
    pub(crate) fn new(src: io::Source, opts: &PipelineOptions) -> Self {
        let copts = ChunkerOptions::new(src.path.clone(), opts.batch_bytes, opts.max_record_bytes);
        Self {
            chunker: Chunker::new(src.reader, copts),
            path: src.path,
        }
    }

    /// The index records of the next `n` reads (pairs). A framing error of the index file is
    /// returned here; a file that ends early gives records carrying the count error.
    pub(crate) fn next(&mut self, n: usize) -> Result<IndexRecords, Error> {
        let chunk = self.chunker.next_chunk(Some(n))?;
        let have = chunk.as_ref().map_or(0, Chunk::len);
        let missing = (have < n).then(|| FastqError {
            location: self.here(),
            kind: FastqErrorKind::IndexFileShort {
                records: self.chunker.records_read(),
            },
        });
        Ok(IndexRecords { chunk, missing })
    }

    /// After the last read (pair): the index file must end too.
    pub(crate) fn finish(&mut self) -> Result<(), Error> {
        let (records, location) = (self.chunker.records_read(), self.here());
        match self.chunker.next_chunk(Some(1))? {
            None => Ok(()),
            Some(_) => Err(Error::Fastq(FastqError {
                location,
                kind: FastqErrorKind::IndexFileLong { records },
            })),
        }
    }

    /// Takes back a used chunk buffer.
    pub(crate) fn recycle(&mut self, buf: Vec<u8>) {
        self.chunker.recycle(buf);
    }

    /// Where the next index record starts.
    fn here(&self) -> Location {
        Location {
            path: self.path.clone(),
            record: self.chunker.records_read() + 1,
            line: self.chunker.next_line(),
        }
    }
}

/// Checks the UMI index file of `inputs` against the UMI options of `opts` (given exactly
/// with `--umi_loc index_file`) and against the read inputs (by file identity).
pub(crate) fn check(opts: &PipelineOptions, inputs: &Inputs) -> Result<(), Error> {
    let umi = opts.trim.as_ref().and_then(|t| t.umi.as_ref());
    check_umi_index_file(umi, inputs.umi_index.as_deref()).map_err(Error::Options)?;
    let Some(path) = inputs.umi_index.as_deref() else {
        return Ok(());
    };
    if inputs.paths().iter().any(|r| io::same_file(r, path)) {
        return Err(Error::Options(if path.as_os_str() == "-" {
            "--umi_index_file -: standard input already feeds the reads".into()
        } else {
            format!(
                "--umi_index_file {}: also given as a read input",
                path.display()
            )
        }));
    }
    Ok(())
}

/// Opens the UMI index file of `inputs` (hashed when checksums are on); `Ok(None)` without
/// one. [`check`] has accepted it.
pub(crate) fn open(
    opts: &PipelineOptions,
    inputs: &Inputs,
    pool: &Arc<rayon::ThreadPool>,
) -> Result<Option<io::Source>, Error> {
    let Some(path) = inputs.umi_index.as_deref() else {
        return Ok(None);
    };
    let hasher = opts.hasher().filter(|_| path.as_os_str() != "-");
    Ok(Some(io::open_counted(
        path,
        pool.clone(),
        hasher,
        io::GzipOn::OwnThread,
        None,
    )?))
}

/// Push mode and caller-supplied writers have no third input: refuses `--umi_loc index_file`.
pub(crate) fn refuse_without_files(opts: &PipelineOptions) -> Result<(), Error> {
    let umi = opts.trim.as_ref().and_then(|t| t.umi.as_ref());
    match umi.map(|u| u.loc) {
        Some(UmiLoc::IndexFile) => Err(Error::Options(
            "--umi_loc index_file needs file inputs: streaming sessions (push mode, \
             pp_stream_*) take no index-read stream"
                .into(),
        )),
        _ => Ok(()),
    }
}
