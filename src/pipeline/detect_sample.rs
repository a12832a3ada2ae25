//! Adapter detection from the first records of the opened inputs, the same way for files,
//! stdin, pipes and caller-pushed streams: the sample is read from the decompressed source
//! into memory and put back in front of it, so nothing is read twice and a non-seekable input
//! works. Every way in therefore sees the same sample, detects the same adapter, and writes the
//! same bytes.

use std::io::{Cursor, Read};

use super::control::CANCEL_POLL;
use super::{Control, Layout, PipelineOptions};
use crate::error::Error;
use crate::fastq::RecordRef;
use crate::io::Source;
use crate::trim::Detection;

/// Records per mate in the sample (fastp samples up to 256 Ki reads; 32 Ki are plenty).
const SAMPLE: usize = 32 * 1024;
/// Bytes read at most for the sample of one input (long reads reach it before [`SAMPLE`]).
const MAX_BYTES: usize = 16 << 20;

/// Reads the sample of every input whose mate needs detection, detects, fills the adapters in
/// `opts`, and puts the sample back in front of its source. Returns what was detected.
///
/// With two or more threads the inputs are sampled and searched side by side (one thread per
/// input file); the results are applied, and logged, in input order either way.
pub(super) fn detect(
    opts: &mut PipelineOptions,
    layout: Layout,
    sources: &mut [Source],
    control: &Control,
) -> Result<[Option<Detection>; 2], Error> {
    let mut detected = [None, None];
    let threads = opts.threads;
    let Some(trim) = opts.trim.as_mut() else {
        return Ok(detected);
    };
    if !trim.adapter_trimming {
        return Ok(detected);
    }
    let want = [
        opts.detect_adapter[0] && trim.adapter_r1.is_none(),
        opts.detect_adapter[1] && trim.adapter_r2.is_none() && layout != Layout::Single,
    ];
    let jobs: Vec<(&mut Source, &'static [usize])> = sources
        .iter_mut()
        .enumerate()
        .map(|(i, src)| (src, mates_of(layout, i)))
        .filter(|(_, mates)| mates.iter().any(|&m| want[m]))
        .collect();
    let results: Vec<Result<Vec<Found>, Error>> = if threads > 1 && jobs.len() > 1 {
        std::thread::scope(|scope| {
            let handles: Vec<_> = jobs
                .into_iter()
                .map(|(src, mates)| {
                    scope.spawn(move || sample_and_detect(src, mates, want, control))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|_| {
                        Err(Error::Internal("adapter detection stopped".into()))
                    })
                })
                .collect()
        })
    } else {
        jobs.into_iter()
            .map(|(src, mates)| sample_and_detect(src, mates, want, control))
            .collect()
    };
    for found in results {
        for (m, d, line) in found? {
            control.log().push(crate::log::Level::Info, line);
            let seq = d.as_ref().map(|d| d.seq.clone());
            if m == 0 {
                trim.adapter_r1 = seq;
            } else {
                trim.adapter_r2 = seq;
            }
            detected[m] = d;
        }
    }
    Ok(detected)
}

/// Which mates input `i` holds.
fn mates_of(layout: Layout, i: usize) -> &'static [usize] {
    match layout {
        Layout::Single => &[0],
        Layout::Paired => std::slice::from_ref(&[0, 1][i.min(1)]),
        Layout::Interleaved => &[0, 1],
    }
}

/// One mate's detection: the mate, what was found, and its log line.
type Found = (usize, Option<Detection>, String);

/// Reads `src`'s sample, detects the adapter of each wanted mate in it, and puts the sample
/// back in front of the source.
fn sample_and_detect(
    src: &mut Source,
    mates: &[usize],
    want: [bool; 2],
    control: &Control,
) -> Result<Vec<Found>, Error> {
    let records = SAMPLE * mates.len();
    let reader = std::mem::replace(&mut src.reader, Box::new(std::io::empty()));
    let (buf, reader) = read_cancellable(reader, records, &src.path, control)?;
    let recs = parse(&buf, records);
    let mut found = Vec::new();
    for &m in mates.iter().filter(|&&m| want[m]) {
        // One mate per input: the sample is its records as they are (no copy).
        let picked: Vec<RecordRef<'_>>;
        let mine: &[RecordRef<'_>] = if mates.len() == 1 {
            &recs
        } else {
            picked = recs.iter().skip(m).step_by(mates.len()).copied().collect();
            &picked
        };
        let d = crate::trim::detect_adapter(mine);
        let line = describe(&src.path, m, mine.len(), d.as_ref());
        found.push((m, d, line));
    }
    drop(recs);
    src.reader = Box::new(Cursor::new(buf).chain(reader));
    Ok(found)
}

/// The log line of one mate's detection.
fn describe(
    path: &std::path::Path,
    mate: usize,
    sample: usize,
    found: Option<&Detection>,
) -> String {
    let who = format!("{}: read {}", path.display(), mate + 1);
    match found {
        Some(d) => format!(
            "{who} adapter detected: {}{} (in {} of {} sampled reads)",
            String::from_utf8_lossy(&d.seq),
            d.name.map(|n| format!(", {n}")).unwrap_or_default(),
            d.reads_with_adapter,
            d.sample
        ),
        None => format!("{who}: no adapter detected in {sample} sampled reads"),
    }
}

/// [`read_sample`] on a thread of its own, so that a stalled input (a fifo, a pipe) cannot
/// keep a cancelled run waiting: on cancellation the reader is left to that thread.
fn read_cancellable(
    mut reader: Box<dyn Read + Send>,
    records: usize,
    path: &std::path::Path,
    control: &Control,
) -> Result<(Vec<u8>, Box<dyn Read + Send>), Error> {
    let (tx, rx) = std::sync::mpsc::channel();
    let path = path.to_path_buf();
    std::thread::Builder::new()
        .name("panelprep-adapter-sample".into())
        .spawn(move || {
            let r = read_sample(&mut reader, records, &path);
            let _ = tx.send(r.map(|buf| (buf, reader)));
        })
        .map_err(|e| Error::Internal(format!("cannot start the sample reader: {e}")))?;
    loop {
        match rx.recv_timeout(CANCEL_POLL) {
            Ok(r) => return r,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) if control.is_cancelled() => {
                return Err(Error::Cancelled);
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                return Err(Error::Internal("the sample reader stopped".into()));
            }
        }
    }
}

/// Reads until `records` complete 4-line records (or [`MAX_BYTES`], or the end) are in memory.
fn read_sample(r: &mut dyn Read, records: usize, path: &std::path::Path) -> Result<Vec<u8>, Error> {
    // Read straight into the sample, in blocks of the same size as ever (so that the same
    // records are read): a zeroed allocation costs no copy or fill (fresh pages from the
    // system), where copying each block in after the read costs a pass over the sample.
    const BLOCK: usize = 64 << 10;
    let mut buf = vec![0u8; MAX_BYTES + BLOCK];
    let (mut len, mut lines) = (0usize, 0usize);
    while lines < 4 * records && len < MAX_BYTES {
        let block = &mut buf[len..len + BLOCK];
        let n = match r.read(block) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            // A decompression error keeps its cause and offset (the same error the run would give).
            Err(e) => return Err(crate::fastq::io_error(e, path).into()),
        };
        lines += memchr::memchr_iter(b'\n', &buf[len..len + n]).count();
        len += n;
    }
    buf.truncate(len);
    Ok(buf)
}

/// The first `max` well-formed 4-line records of `buf` (stops at anything else: the real
/// parser reports it, with its line, once the run starts).
fn parse(buf: &[u8], max: usize) -> Vec<RecordRef<'_>> {
    // At most `max` records, and no more than the sample's lines allow: sized once.
    let mut out = Vec::with_capacity(max.min(buf.len() / 4 + 1));
    // memchr finds the line ends (a byte-wise split was a fifth of the detection's cost).
    let mut start = 0;
    let mut lines = std::iter::from_fn(|| {
        if start > buf.len() {
            return None;
        }
        let end = memchr::memchr(b'\n', &buf[start..]).map_or(buf.len(), |i| start + i);
        let line = &buf[start..end];
        start = end + 1;
        Some(line)
    });
    while out.len() < max {
        let (Some(h), Some(s), Some(p), Some(q)) =
            (lines.next(), lines.next(), lines.next(), lines.next())
        else {
            break;
        };
        let trim = |l: &[u8]| -> usize { l.len() - usize::from(l.last() == Some(&b'\r')) };
        let (s, q) = (&s[..trim(s)], &q[..trim(q)]);
        if h.first() != Some(&b'@') || p.first() != Some(&b'+') || s.len() != q.len() {
            break;
        }
        out.push(RecordRef {
            head: h,
            seq: s,
            plus: p,
            qual: q,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_is_put_back_and_parsed() {
        let mut data = Vec::new();
        for i in 0..10 {
            data.extend_from_slice(format!("@r{i}\nACGT\n+\nIIII\n").as_bytes());
        }
        data.extend_from_slice(b"@bad\nAC\n+\nI\n");
        let mut r: Box<dyn Read + Send> = Box::new(Cursor::new(data.clone()));
        let buf = read_sample(&mut r, 4, std::path::Path::new("t.fq")).expect("read");
        assert_eq!(parse(&buf, 4).len(), 4);
        assert_eq!(parse(&data, 100).len(), 10, "stops at the malformed record");
        let mut all = Vec::new();
        Cursor::new(buf)
            .chain(r)
            .read_to_end(&mut all)
            .expect("read");
        assert_eq!(all, data, "nothing lost or read twice");
    }
}
