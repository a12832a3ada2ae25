//! FASTQ records, the block chunker, the parser/validator and pairing rules.

mod chunk;
mod error;
mod record;

pub use chunk::{Chunk, Chunker, ChunkerOptions};
pub use error::{FastqError, FastqErrorKind};
pub use record::{ReadBuf, RecordRef, write_record};
