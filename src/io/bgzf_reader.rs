//! Parallel BGZF inflate: a thread reads whole blocks in batches, the pipeline's pool inflates
//! each batch in parallel, and the bytes come out in file order.

use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::IoError;
use super::bgzf::{self, ReadError, inflate_block};
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
    let mut block = Vec::new();
    let truncated = |what: &str| IoError::Truncated {
        path: path.to_path_buf(),
        format: "BGZF",
        detail: format!("file ends inside the {what} of the block at offset {offset}"),
    };
    let corrupt = |detail: String| IoError::Corrupt {
        path: path.to_path_buf(),
        format: "BGZF",
        offset,
        detail,
    };
    match bgzf::read_block(r, &mut block) {
        Ok(true) => Ok(Some(block)),
        Ok(false) => Ok(None),
        Err(ReadError::Io(source)) => Err(IoError::File {
            path: path.to_path_buf(),
            action: "read",
            source,
        }),
        Err(ReadError::CutHeader) => Err(truncated("header")),
        Err(ReadError::CutBody) => Err(truncated("body")),
        Err(ReadError::Header(e)) => Err(corrupt(format!("not a BGZF block header: {e}"))),
        Err(ReadError::TooSmall(size)) => Err(corrupt(format!("block size {size} is too small"))),
    }
}
