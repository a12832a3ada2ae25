//! fastp's `-s/--split N`, `-S/--split_by_lines L`, `-d/--split_prefix_digits D`: the read
//! outputs (`--out1`, `--out2`) are cut into numbered files `DIR/0001.NAME`, `DIR/0002.NAME`...
//! (the number padded with zeros to D digits, none with D = 0), as fastp names them.
//!
//! fastp 0.23.2 cuts at its packs of 1000 reads and per worker thread, so which reads go to
//! which file depends on the thread count (and `-S` files hold whole packs, not L lines). Here
//! the cut is exact and the same for any thread count:
//! - `-S L`: every file holds L/4 reads (pairs) that pass, the last one the rest;
//! - `-s N`: exactly N files; read (pair) number `i` of the input goes to file
//!   `min(i / (T / N), N - 1)` where T is the number of reads (pairs) processed, counted by a
//!   first pass over the input before the run (so not from stdin, as in fastp); a file with no
//!   read is written empty.
//!
//! Unpaired, failed and merged reads are not split (fastp refuses `--merge` and ignores
//! `--unpaired1/2` with splitting). Each file goes through the run's output set: all of them
//! appear at the end of the run, or none.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::batch::Done;
use super::options::{SplitBy, SplitOptions};
use super::route::{Output, WriterId};
use super::writer::{OutputWriter, Writers};
use crate::error::Error;

/// fastp's name of part `part` (0-based) of `path`: `DIR/NNNN.NAME`.
pub fn part_path(path: &Path, part: usize, digits: usize) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let numbered = format!("{:0digits$}.{name}", part + 1);
    match path.parent() {
        Some(dir) => dir.join(numbered),
        None => PathBuf::from(numbered),
    }
}

/// Reads (pairs) in `path` (plain or compressed FASTQ), for `-s`: lines / 4 (/ 2 for
/// interleaved pairs); `limit` (fastp `--reads_to_process`, 0 = none) caps the count.
pub(crate) fn count_fragments(path: &Path, interleaved: bool, limit: u64) -> Result<u64, Error> {
    if path.as_os_str() == "-" {
        return Err(Error::Options(
            "--split needs the number of reads before the run: not from stdin (use --split_by_lines)"
                .into(),
        ));
    }
    let pool = std::sync::Arc::new(
        rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .map_err(|e| Error::Internal(format!("cannot start a counting thread: {e}")))?,
    );
    let mut src = crate::io::open_counted(path, pool, None, crate::io::GzipOn::Reader, None)?;
    let mut buf = vec![0u8; 1 << 20];
    let (mut lines, mut last) = (0u64, b'\n');
    loop {
        let n = src.reader.read(&mut buf).map_err(|source| {
            Error::from(crate::io::IoError::File {
                path: path.to_path_buf(),
                action: "read",
                source,
            })
        })?;
        if n == 0 {
            break;
        }
        lines += memchr::memchr_iter(b'\n', &buf[..n]).count() as u64;
        last = buf[n - 1];
    }
    if last != b'\n' {
        lines += 1;
    }
    let records = lines / 4;
    let frags = if interleaved { records / 2 } else { records };
    Ok(if limit > 0 { frags.min(limit) } else { frags })
}

/// Which part each passing read (pair) goes to, decided in input order by the coordinator.
#[derive(Debug)]
pub(crate) struct Parts {
    rule: Rule,
    /// Current part (0-based) and the reads (pairs) written to it.
    part: usize,
    in_part: u64,
    /// Parts to create in all (`-s`), else `None`.
    total: Option<usize>,
}

#[derive(Debug, Clone, Copy)]
enum Rule {
    /// `-s`: fragment `i` goes to part `min(i / size, last)`.
    ByInput { size: u64, last: usize },
    /// `-S`: `size` passing fragments per part.
    ByCount { size: u64 },
}

impl Parts {
    /// The rule for `opts`, with `fragments` reads (pairs) in the input for `-s`.
    pub(crate) fn new(opts: &SplitOptions, fragments: u64) -> Self {
        let (rule, total) = match opts.by {
            SplitBy::Files(n) => {
                let size = (fragments / n as u64).max(1);
                let last = n.saturating_sub(1);
                (Rule::ByInput { size, last }, Some(n))
            }
            SplitBy::Lines(l) => (Rule::ByCount { size: l / 4 }, None),
        };
        Parts {
            rule,
            part: 0,
            in_part: 0,
            total,
        }
    }

    /// The part of the passing read (pair) with input number `fragment`; parts only grow.
    pub(crate) fn part_of(&mut self, fragment: u64) -> usize {
        let p = match self.rule {
            Rule::ByInput { size, last } => ((fragment / size) as usize).min(last),
            Rule::ByCount { size } => {
                if self.in_part >= size {
                    self.part + 1
                } else {
                    self.part
                }
            }
        };
        if p != self.part {
            self.part = p;
            self.in_part = 0;
        }
        self.in_part += 1;
        p
    }
}

/// The coordinator's side of splitting: cuts each batch's read outputs at part boundaries
/// and opens the part files (writers added to the run's writers) as the parts begin.
pub(crate) struct Splitter {
    parts: Parts,
    digits: usize,
    /// The unsplit `--out1`, `--out2` paths.
    paths: [Option<PathBuf>; 2],
    levels: [Option<u32>; 2],
    /// Hasher for each part (`None`: no checksums).
    checksums: Option<crate::io::Hasher>,
    /// fastp `--dont_overwrite`: a part name that exists stops the run.
    pub dont_overwrite: bool,
    /// The part whose writers are open, and those writers.
    open: usize,
    current: [WriterId; 2],
    /// Records per passing read (pair) in each output (2 in `--out1` for interleaved pairs).
    per_cut: [u64; 2],
    /// Writers of parts that take no more bytes (to flush, then finish).
    pub closed: Vec<WriterId>,
}

/// Hands `bytes` holding `records` records to writer `id` of `writers`.
pub(crate) type Push<'a> =
    dyn FnMut(&mut Writers, WriterId, Vec<u8>, u64) -> Result<(), Error> + 'a;

impl Splitter {
    /// The splitter of a run whose read outputs are `paths` (part 1 open as the writers of
    /// [`Output::Reads`] and [`Output::Mate2`]).
    pub(crate) fn new(
        opts: &SplitOptions,
        fragments: u64,
        paths: [Option<PathBuf>; 2],
        levels: [Option<u32>; 2],
        checksums: Option<crate::io::Hasher>,
        interleave_out: bool,
    ) -> Self {
        Splitter {
            parts: Parts::new(opts, fragments),
            digits: opts.digits,
            paths,
            levels,
            checksums,
            dont_overwrite: false,
            open: 0,
            current: Output::MATES.map(WriterId::from),
            per_cut: [if interleave_out { 2 } else { 1 }, 1],
            closed: Vec::new(),
        }
    }

    /// The path of part `part` of output `mate`.
    pub(crate) fn path(&self, mate: usize, part: usize) -> Option<PathBuf> {
        self.paths[mate]
            .as_deref()
            .map(|p| part_path(p, part, self.digits))
    }

    /// Routes a batch's read outputs (cut by `done.cuts`) to the parts.
    pub(crate) fn route(
        &mut self,
        done: &mut Done,
        writers: &mut Writers,
        push: &mut Push<'_>,
    ) -> Result<(), Error> {
        let out = Output::MATES.map(|o| std::mem::take(&mut done.out[o]));
        for o in Output::MATES {
            done.written[o] = 0;
        }
        let (mut from, mut prev, mut n) = ([0usize; 2], [0usize; 2], 0u64);
        for &(frag, ends) in &done.cuts {
            let p = self.parts.part_of(frag);
            if p != self.open {
                self.emit(writers, push, &out, (from, prev), n)?;
                self.open_part(p, writers)?;
                (from, n) = (prev, 0);
            }
            prev = ends;
            n += 1;
        }
        self.emit(writers, push, &out, (from, prev), n)
    }

    fn emit(
        &self,
        writers: &mut Writers,
        push: &mut Push<'_>,
        out: &[Vec<u8>; 2],
        (from, to): ([usize; 2], [usize; 2]),
        n: u64,
    ) -> Result<(), Error> {
        for m in 0..2 {
            if self.paths[m].is_some() && to[m] > from[m] {
                let bytes = out[m][from[m]..to[m]].to_vec();
                push(writers, self.current[m], bytes, n * self.per_cut[m])?;
            }
        }
        Ok(())
    }

    /// Closes the open part and opens part `p` (and, empty, any part skipped before it).
    fn open_part(&mut self, p: usize, writers: &mut Writers) -> Result<(), Error> {
        for m in 0..2 {
            if self.paths[m].is_some() {
                self.closed.push(self.current[m]);
            }
        }
        for q in self.open + 1..=p {
            for m in 0..2 {
                let Some(path) = self.path(m, q) else {
                    continue;
                };
                super::refuse_existing(self.dont_overwrite, [path.as_path()])?;
                let w = OutputWriter::new(Some(path), self.levels[m])?;
                let id = writers.add(w.hash(self.checksums.clone()));
                if q < p {
                    self.closed.push(id);
                } else {
                    self.current[m] = id;
                }
            }
        }
        self.open = p;
        Ok(())
    }

    /// The part names known before the run: all of them with `-s`, the first with `-S` (the
    /// others are checked as they open).
    pub(crate) fn known_paths(&self) -> Vec<PathBuf> {
        let parts = self.parts.total.unwrap_or(1);
        (0..parts)
            .flat_map(|q| [self.path(0, q), self.path(1, q)])
            .flatten()
            .collect()
    }

    /// At the end of the input: with `-s`, the parts no read reached, written empty.
    pub(crate) fn finish(&mut self, writers: &mut Writers) -> Result<(), Error> {
        if let Some(total) = self.parts.total
            && total > self.open + 1
        {
            self.open_part(total - 1, writers)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_named_as_fastp_names_them() {
        let p = Path::new("out/x.fq.gz");
        assert_eq!(part_path(p, 0, 4), Path::new("out/0001.x.fq.gz"));
        assert_eq!(part_path(p, 11, 2), Path::new("out/12.x.fq.gz"));
        assert_eq!(part_path(Path::new("x.fq"), 0, 0), Path::new("1.x.fq"));
    }

    #[test]
    fn ranges_are_fastps() {
        let ok = |by, digits| SplitOptions { by, digits }.validate().is_ok();
        assert!(ok(SplitBy::Files(2), 4) && ok(SplitBy::Files(999), 0));
        assert!(!ok(SplitBy::Files(1), 4) && !ok(SplitBy::Files(1000), 4));
        assert!(ok(SplitBy::Lines(1000), 10) && !ok(SplitBy::Lines(1000), 11));
        assert!(!ok(SplitBy::Lines(996), 4) && !ok(SplitBy::Lines(1002), 4));
    }

    #[test]
    fn by_files_the_last_part_takes_the_rest() {
        let mut parts = Parts::new(
            &SplitOptions {
                by: SplitBy::Files(3),
                digits: 4,
            },
            10,
        );
        let got: Vec<usize> = (0..10).map(|i| parts.part_of(i)).collect();
        assert_eq!(got, [0, 0, 0, 1, 1, 1, 2, 2, 2, 2]);
    }

    #[test]
    fn by_lines_every_part_is_full_but_the_last() {
        let mut parts = Parts::new(
            &SplitOptions {
                by: SplitBy::Lines(1000),
                digits: 4,
            },
            0,
        );
        let got: Vec<usize> = (0..600).map(|i| parts.part_of(i * 7)).collect();
        assert_eq!(got.iter().filter(|&&p| p == 0).count(), 250);
        assert_eq!(got.iter().filter(|&&p| p == 1).count(), 250);
        assert_eq!(got.iter().filter(|&&p| p == 2).count(), 100);
    }
}
