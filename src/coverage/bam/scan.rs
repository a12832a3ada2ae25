//! The record stream: one thread reads blocks in batches, the run's pool inflates each batch,
//! the calling thread cuts the records in file order (the same for any thread count).

use std::fs::File;
use std::io::{BufReader, Seek, SeekFrom};
use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use rayon::prelude::*;

use super::super::CoverageError;
use super::header::{RawBlock, inflate, read_block};
use super::record::le_i32;
use super::{RawRecord, ReadRange, format_err, io_err};

/// Inflated bytes handed to the pool in one batch (a batch ends at the first block that
/// reaches it). Counted in inflated bytes, not compressed ones: memory then follows this
/// figure whatever the compression ratio (a redundant BAM inflates 15x).
const BATCH_INFLATED: usize = 1 << 20;

/// Batches queued for the consumer beyond the ones being inflated and handled.
fn queue_depth(pool: &rayon::ThreadPool) -> usize {
    pool.current_num_threads() + 1
}

/// Inflated bytes of one batch; `data[skip..valid]` holds record bytes of the current range.
struct Batch {
    data: Vec<u8>,
    skip: usize,
    valid: usize,
    range_start: bool,
}

type BatchMsg = Result<Batch, CoverageError>;
type BatchTx = SyncSender<Receiver<BatchMsg>>;

/// Inflates every block of a batch in parallel into one contiguous buffer.
fn inflate_batch(
    path: &Path,
    blocks: &[RawBlock],
    sizes: &[usize],
    total: usize,
) -> Result<Vec<u8>, CoverageError> {
    let mut data = vec![0u8; total];
    let mut slices: Vec<&mut [u8]> = Vec::with_capacity(blocks.len());
    let mut rest: &mut [u8] = &mut data;
    for &s in sizes {
        let (a, b) = rest.split_at_mut(s);
        slices.push(a);
        rest = b;
    }
    blocks
        .par_iter()
        .zip(slices.into_par_iter())
        .map(|(b, out)| inflate(b, out, path))
        .collect::<Vec<Result<(), CoverageError>>>()
        .into_iter()
        // The first failing block in file order, whatever the thread count (rayon's
        // `collect::<Result<_>>` would return whichever failure finished first).
        .collect::<Result<Vec<()>, CoverageError>>()?;
    Ok(data)
}

fn produce(
    path: &Path,
    ranges: &[ReadRange],
    pool: &rayon::ThreadPool,
    tx: &BatchTx,
) -> Result<(), CoverageError> {
    let f = File::open(path).map_err(io_err(path, "open BAM"))?;
    let mut r = BufReader::with_capacity(1 << 20, f);
    for range in ranges {
        r.seek(SeekFrom::Start(range.start.block))
            .map_err(io_err(path, "seek BAM"))?;
        let mut offset = range.start.block;
        let mut first = true;
        let mut done = false;
        while !done {
            let mut blocks = Vec::new();
            let mut inflated = 0;
            let mut end_trim = None;
            while inflated < BATCH_INFLATED {
                if let Some(end) = range.end
                    && (offset > end.block || (offset == end.block && end.within == 0))
                {
                    done = true;
                    break;
                }
                let Some(b) = read_block(&mut r, offset, path)? else {
                    done = true;
                    break;
                };
                offset += b.bytes.len() as u64;
                inflated += b.isize();
                let is_end = range.end.is_some_and(|e| e.block == b.offset);
                if is_end {
                    end_trim = range.end.map(|e| usize::from(e.within));
                }
                blocks.push(b);
                if is_end {
                    done = true;
                    break;
                }
            }
            if blocks.is_empty() {
                break;
            }
            let sizes: Vec<usize> = blocks.iter().map(RawBlock::isize).collect();
            let total: usize = sizes.iter().sum();
            let valid = match end_trim {
                Some(w) => total - sizes.last().copied().unwrap_or(0) + w.min(total),
                None => total,
            };
            let skip = if first {
                usize::from(range.start.within)
            } else {
                0
            };
            let range_start = first;
            first = false;
            // Inflate on the pool while this thread reads the next batch; the consumer takes
            // the results in order through the per-batch channels.
            let (rtx, rrx) = sync_channel::<BatchMsg>(1);
            let owned = path.to_path_buf();
            pool.spawn(move || {
                let res = inflate_batch(&owned, &blocks, &sizes, total).map(|data| Batch {
                    data,
                    skip: skip.min(valid),
                    valid,
                    range_start,
                });
                let _ = rtx.send(res);
            });
            if tx.send(rrx).is_err() {
                return Ok(()); // the consumer stopped (it has its own error)
            }
        }
    }
    Ok(())
}

/// Streams the records of `ranges` to `on_record(record, record_number)`, inflating blocks on
/// `pool` while the calling thread handles records.
pub fn scan<F>(
    path: &Path,
    ranges: &[ReadRange],
    pool: &rayon::ThreadPool,
    mut on_record: F,
) -> Result<u64, CoverageError>
where
    F: FnMut(&RawRecord<'_>, u64) -> Result<(), CoverageError>,
{
    let (tx, rx): (BatchTx, Receiver<Receiver<BatchMsg>>) = sync_channel(queue_depth(pool));
    std::thread::scope(|s| {
        let producer = s.spawn(move || {
            let res = produce(path, ranges, pool, &tx);
            if let Err(e) = res {
                let (etx, erx) = sync_channel(1);
                let _ = etx.send(Err(e));
                let _ = tx.send(erx);
            }
        });
        let mut carry: Vec<u8> = Vec::new();
        let mut n: u64 = 0;
        let mut result = Ok(());
        for pending in rx.iter() {
            let msg = pending.recv().unwrap_or_else(|_| {
                Err(CoverageError::Other("a BGZF inflate worker stopped".into()))
            });
            let batch = match msg {
                Ok(b) => b,
                Err(e) => {
                    result = Err(e);
                    break;
                }
            };
            if batch.range_start {
                if !carry.is_empty() {
                    result = Err(format_err(
                        path,
                        n + 1,
                        "an index chunk ends inside a record (index does not match the BAM?)"
                            .into(),
                    ));
                    break;
                }
                carry.clear();
            }
            if let Err(e) = feed(
                &batch.data[batch.skip..batch.valid],
                &mut carry,
                &mut n,
                path,
                &mut on_record,
            ) {
                result = Err(e);
                break;
            }
        }
        drop(rx);
        let _ = producer.join();
        result?;
        if !carry.is_empty() {
            return Err(CoverageError::BamTruncated {
                path: path.to_path_buf(),
                detail: format!(
                    "the data ends inside record {} ({} bytes left over)",
                    n + 1,
                    carry.len()
                ),
            });
        }
        Ok(n)
    })
}

fn feed<F>(
    data: &[u8],
    carry: &mut Vec<u8>,
    n: &mut u64,
    path: &Path,
    on_record: &mut F,
) -> Result<(), CoverageError>
where
    F: FnMut(&RawRecord<'_>, u64) -> Result<(), CoverageError>,
{
    let block_size = |b: &[u8], n: u64| -> Result<usize, CoverageError> {
        let bs = le_i32(b, 0);
        if !(32..=(1 << 28)).contains(&bs) {
            return Err(format_err(path, n, format!("invalid record size {bs}")));
        }
        Ok(bs as usize)
    };
    let mut i = 0;
    if !carry.is_empty() {
        if carry.len() < 4 {
            let take = (4 - carry.len()).min(data.len());
            carry.extend_from_slice(&data[..take]);
            i = take;
            if carry.len() < 4 {
                return Ok(());
            }
        }
        let need = 4 + block_size(carry, *n + 1)?;
        let take = (need - carry.len()).min(data.len() - i);
        carry.extend_from_slice(&data[i..i + take]);
        i += take;
        if carry.len() < need {
            return Ok(());
        }
        *n += 1;
        let rec = RawRecord::new(&carry[4..need]).map_err(|m| format_err(path, *n, m))?;
        on_record(&rec, *n)?;
        carry.clear();
    }
    while data.len() - i >= 4 {
        let bs = block_size(&data[i..], *n + 1)?;
        if data.len() - i - 4 < bs {
            break;
        }
        *n += 1;
        let rec = RawRecord::new(&data[i + 4..i + 4 + bs]).map_err(|m| format_err(path, *n, m))?;
        on_record(&rec, *n)?;
        i += 4 + bs;
    }
    carry.extend_from_slice(&data[i..]);
    Ok(())
}
