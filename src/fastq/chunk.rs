//! Placeholder chunker (being written).
use super::RecordRef;
/// Options.
#[derive(Debug, Clone, Default)]
pub struct ChunkerOptions {}
/// Chunk.
pub struct Chunk {}
impl Chunk {
    /// len
    pub fn len(&self) -> usize {
        0
    }
    /// is_empty
    pub fn is_empty(&self) -> bool {
        true
    }
    /// record
    pub fn record(&self, _i: usize) -> RecordRef<'_> {
        RecordRef {
            head: b"",
            seq: b"",
            plus: b"",
            qual: b"",
        }
    }
}
/// Chunker.
pub struct Chunker<R> {
    _r: R,
}
impl<R: std::io::Read> Chunker<R> {
    /// new
    pub fn new(r: R, _o: ChunkerOptions) -> Self {
        Self { _r: r }
    }
    /// next
    pub fn next_chunk(&mut self, _n: Option<usize>) -> Result<Option<Chunk>, super::FastqError> {
        Ok(None)
    }
}
