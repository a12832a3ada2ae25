//! Names for the run's inputs and outputs, and containers indexed by them: a batch's bytes and
//! counts say which output or input they belong to by name ([`Output::Unpaired1`],
//! [`Input::UmiIndex`]), never by a bare array position; a writer (fixed output or split
//! part) is a [`WriterId`].

use std::ops::{Index, IndexMut};

/// One output of a file run, in the order their summaries are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Output {
    /// Read 1 or single-end reads (`--out1`); both mates when paired output is interleaved.
    Reads,
    /// Read 2 (`--out2`).
    Mate2,
    /// Read 1 of a pair whose read 2 failed (`--unpaired1`).
    Unpaired1,
    /// Read 2 of a pair whose read 1 failed (`--unpaired2`).
    Unpaired2,
    /// Reads that fail a filter, tagged (`--failed_out`).
    Failed,
    /// Merged pairs (`--merged_out`).
    Merged,
}

impl Output {
    /// Every output, in report order.
    pub(crate) const ALL: [Output; 6] = [
        Output::Reads,
        Output::Mate2,
        Output::Unpaired1,
        Output::Unpaired2,
        Output::Failed,
        Output::Merged,
    ];

    /// The read output of mate 0 (read 1) or 1 (read 2): the outputs `--split` cuts.
    pub(crate) const MATES: [Output; 2] = [Output::Reads, Output::Mate2];
}

/// One value per [`Output`] (each output's bytes of a batch, its record count...).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct PerOutput<T>([T; 6]);

impl<T> PerOutput<T> {
    /// The values with their outputs, in report order.
    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = (Output, &mut T)> {
        Output::ALL.into_iter().zip(self.0.iter_mut())
    }

    /// The values in report order.
    pub(crate) fn into_values(self) -> [T; 6] {
        self.0
    }

    /// Builds one value per output.
    pub(crate) fn from_fn(f: impl FnMut(Output) -> T) -> Self {
        Self(Output::ALL.map(f))
    }

    /// Maps every value in report order, stopping at the first error.
    pub(crate) fn try_map<U, E>(
        self,
        mut f: impl FnMut(T) -> Result<U, E>,
    ) -> Result<PerOutput<U>, E> {
        let [a, b, c, d, e, g] = self.0;
        Ok(PerOutput([f(a)?, f(b)?, f(c)?, f(d)?, f(e)?, f(g)?]))
    }
}

impl<T> Index<Output> for PerOutput<T> {
    type Output = T;
    fn index(&self, o: Output) -> &T {
        &self.0[o as usize]
    }
}

impl<T> IndexMut<Output> for PerOutput<T> {
    fn index_mut(&mut self, o: Output) -> &mut T {
        &mut self.0[o as usize]
    }
}

/// A writer's place in the run's writers (`writer::Writers`): one of the fixed outputs, or a
/// split part opened during the run (after them, in opening order: the order of their
/// summaries).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct WriterId(usize);

impl From<Output> for WriterId {
    fn from(o: Output) -> Self {
        WriterId(o as usize)
    }
}

impl WriterId {
    /// The writer at position `k` of the run's writers.
    pub(crate) fn at(k: usize) -> Self {
        WriterId(k)
    }

    /// Its position in the run's writers.
    pub(crate) fn index(self) -> usize {
        self.0
    }
}

/// One input of a file run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Input {
    /// Read 1, single-end or interleaved reads (`--in1`).
    Reads,
    /// Read 2 (`--in2`).
    Mate2,
    /// The UMI index-read file (`--umi_index_file`).
    UmiIndex,
}

impl Input {
    /// The read input of mate 0 (read 1) or 1 (read 2).
    pub(crate) const MATES: [Input; 2] = [Input::Reads, Input::Mate2];
}

/// One value per [`Input`] (a batch's record counts per input...).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PerInput<T>([T; 3]);

impl<T> Index<Input> for PerInput<T> {
    type Output = T;
    fn index(&self, i: Input) -> &T {
        &self.0[i as usize]
    }
}

impl<T> IndexMut<Input> for PerInput<T> {
    fn index_mut(&mut self, i: Input) -> &mut T {
        &mut self.0[i as usize]
    }
}

/// Where the reads of a run go besides their read outputs: the worker's routing table.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Routing {
    /// Paired input with one read output: both mates to [`Output::Reads`].
    pub interleave_out: bool,
    /// The output of the lone surviving read 1 / read 2 of a failed pair, if any (both may be
    /// [`Output::Unpaired1`] when one file takes them).
    pub unpaired: [Option<Output>; 2],
    /// The output of the reads that fail a filter ([`Output::Failed`] with `--failed_out`).
    pub failed: Option<Output>,
}
