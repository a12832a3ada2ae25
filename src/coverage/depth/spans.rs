//! Depth over the merged target spans: one difference array per span (+1/-1 per counted
//! interval clipped to the span), turned into depths by one prefix sum at the end.

use super::super::targets::Span;

/// Depth over one merged target span. Before [`SpanDepth::finish`] `depth` holds differences
/// (length + 1 entries); after it, the depth of each base.
#[derive(Debug, Clone)]
pub struct SpanDepth {
    /// 0-based start on the contig.
    pub start: u64,
    /// 0-based exclusive end.
    pub end: u64,
    /// Differences, then depths.
    pub depth: Vec<i32>,
}

impl SpanDepth {
    /// An all-zero span.
    pub fn new(span: &Span) -> Self {
        Self {
            start: span.start,
            end: span.end,
            depth: vec![0; (span.end - span.start) as usize + 1],
        }
    }

    /// Turns the differences into depths (one prefix sum).
    pub fn finish(&mut self) {
        let mut d = 0i32;
        for v in self.depth.iter_mut() {
            d += *v;
            *v = d;
        }
        self.depth.pop();
    }

    /// Depth at contig position `pos` (0 outside the span).
    pub fn at(&self, pos: u64) -> i32 {
        if pos < self.start || pos >= self.end {
            return 0;
        }
        self.depth[(pos - self.start) as usize]
    }
}

/// Per-contig state: its spans and the first span that can still be reached.
#[derive(Debug, Default)]
pub struct ContigDepth {
    /// Merged spans in order.
    pub spans: Vec<SpanDepth>,
    pub(crate) cursor: usize,
}

impl ContigDepth {
    /// Moves the cursor past the spans that end at or before `start` (records arrive sorted,
    /// so those spans are done); true when a span begins before `stop`.
    #[inline]
    pub(crate) fn advance(&mut self, start: u64, stop: u64) -> bool {
        while self.cursor < self.spans.len() && self.spans[self.cursor].end <= start {
            self.cursor += 1;
        }
        self.cursor < self.spans.len() && self.spans[self.cursor].start < stop
    }

    /// Target bases `[a, b)` would touch from the cursor on, without changing anything.
    #[inline]
    pub(crate) fn touched(&self, a: u64, b: u64) -> u64 {
        touched(&self.spans, self.cursor, a, b)
    }

    /// Adds `w` over `[a, b)` from the cursor on; returns the target bases touched.
    #[inline]
    pub(crate) fn add(&mut self, a: u64, b: u64, w: i32) -> u64 {
        apply(&mut self.spans, self.cursor, a, b, w)
    }
}

/// Adds `w` over `[a, b)` to every span it meets, starting at `spans[from]`; returns the
/// number of target bases touched.
#[inline]
pub(crate) fn apply(spans: &mut [SpanDepth], from: usize, a: u64, b: u64, w: i32) -> u64 {
    let mut total = 0;
    for s in spans.iter_mut().skip(from) {
        if s.start >= b {
            break;
        }
        if s.end <= a {
            continue;
        }
        let lo = a.max(s.start);
        let hi = b.min(s.end);
        s.depth[(lo - s.start) as usize] += w;
        s.depth[(hi - s.start) as usize] -= w;
        total += hi - lo;
    }
    total
}

/// Target bases `[a, b)` would touch, without changing anything.
#[inline]
pub(crate) fn touched(spans: &[SpanDepth], from: usize, a: u64, b: u64) -> u64 {
    let mut total = 0;
    for s in spans.iter().skip(from) {
        if s.start >= b {
            break;
        }
        if s.end <= a {
            continue;
        }
        total += b.min(s.end) - a.max(s.start);
    }
    total
}
