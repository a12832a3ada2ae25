//! One thread reads the containers, the run's pool decodes them, the calling thread takes their
//! records in file order.

use std::collections::HashSet;
use std::io::SeekFrom;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex, PoisonError};

use noodles::cram;
use noodles::fasta;
use noodles::sam;

use super::super::CoverageError;
use super::super::bam::RawRecord;
use super::{CramInput, Fields, cram_err};
use super::{encode, reference::CheckedFasta};

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

pub(super) fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
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
            encode::encode(r, header, fields, &mut ops, &mut rec).map_err(record)?;
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
