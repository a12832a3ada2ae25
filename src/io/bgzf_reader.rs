//! Parallel BGZF inflate: a thread reads whole blocks in batches, the pipeline's pool inflates
//! each batch in parallel, and the bytes come out in file order.

use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::IoError;
use super::bgzf::{FIXED_HEADER, bsize_from_extra, extra_len, inflate_block};
use super::gzip_reader::ThreadedReader;

/// Blocks inflated per parallel batch (about 4 MiB of output).
const BATCH_BLOCKS: usize = 64;

/// Inflates a BGZF stream; concatenated BGZF files (EOF blocks in the middle) are read through.
pub fn spawn_bgzf<R: Read + Send + 'static>(
    input: R,
    path: PathBuf,
    pool: Arc<rayon::ThreadPool>,
) -> io::Result<ThreadedReader> {
    ThreadedReader::spawn("panelprep-bgzf", move |tx, spare| {
        let mut input = BufReader::with_capacity(1 << 20, input);
        let mut offset = 0u64;
        let mut last_was_eof = false;
        let mut blocks: Vec<(u64, Vec<u8>)> = Vec::new();
        let mut outs: Vec<Vec<u8>> = Vec::new();
        loop {
            blocks.clear();
            let mut end = false;
            while blocks.len() < BATCH_BLOCKS {
                match read_block(&mut input, &path, offset) {
                    Ok(Some(b)) => {
                        // The end marker is an empty block (ISIZE 0), with whatever subfields.
                        last_was_eof = b.ends_with(&[0, 0, 0, 0]);
                        let at = offset;
                        offset += b.len() as u64;
                        blocks.push((at, b));
                    }
                    Ok(None) => {
                        end = true;
                        break;
                    }
                    Err(e) => {
                        let _ = tx.send(Err(e));
                        return;
                    }
                }
            }
            outs.resize_with(blocks.len(), Vec::new);
            let results: Vec<Result<(), IoError>> = pool.install(|| {
                blocks
                    .par_iter()
                    .zip(outs.par_iter_mut())
                    .map(|((at, b), out)| {
                        inflate_block(b, out).map_err(|detail| IoError::Corrupt {
                            path: path.clone(),
                            format: "BGZF",
                            offset: *at,
                            detail,
                        })
                    })
                    .collect()
            });
            let mut batch = spare.try_recv().unwrap_or_default();
            batch.clear();
            for (r, out) in results.into_iter().zip(&outs) {
                if let Err(e) = r {
                    let _ = tx.send(Err(e));
                    return;
                }
                batch.extend_from_slice(out);
            }
            if !batch.is_empty() && tx.send(Ok(batch)).is_err() {
                return;
            }
            if end {
                if !last_was_eof {
                    let _ = tx.send(Err(IoError::Truncated {
                        path: path.clone(),
                        format: "BGZF",
                        detail: format!("no end-of-file marker block after {offset} bytes"),
                    }));
                }
                return;
            }
        }
    })
}

/// Reads one whole block; `None` at a clean end of file (between blocks).
fn read_block<R: Read>(r: &mut R, path: &Path, offset: u64) -> Result<Option<Vec<u8>>, IoError> {
    let mut block = vec![0u8; FIXED_HEADER];
    let got = read_full(r, &mut block, path)?;
    if got == 0 {
        return Ok(None);
    }
    let truncated = |what: &str| IoError::Truncated {
        path: path.to_path_buf(),
        format: "BGZF",
        detail: format!("file ends inside the {what} of the block at offset {offset}"),
    };
    if got < FIXED_HEADER {
        return Err(truncated("header"));
    }
    let corrupt = |detail: String| IoError::Corrupt {
        path: path.to_path_buf(),
        format: "BGZF",
        offset,
        detail,
    };
    let xlen = extra_len(&block).map_err(|e| corrupt(format!("not a BGZF block header: {e}")))?;
    block.resize(FIXED_HEADER + xlen, 0);
    if read_full(r, &mut block[FIXED_HEADER..], path)? < xlen {
        return Err(truncated("header"));
    }
    let size = bsize_from_extra(&block[FIXED_HEADER..])
        .map_err(|e| corrupt(format!("not a BGZF block header: {e}")))?;
    if size < FIXED_HEADER + xlen + 8 {
        return Err(corrupt(format!("block size {size} is too small")));
    }
    let head = block.len();
    block.resize(size, 0);
    if read_full(r, &mut block[head..], path)? < size - head {
        return Err(truncated("body"));
    }
    Ok(Some(block))
}

fn read_full<R: Read>(r: &mut R, buf: &mut [u8], path: &Path) -> Result<usize, IoError> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(source) => {
                return Err(IoError::File {
                    path: path.to_path_buf(),
                    action: "read",
                    source,
                });
            }
        }
    }
    Ok(n)
}
