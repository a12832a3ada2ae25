//! FASTQ records, the block chunker, the parser/validator and pairing rules.

mod chunk;
mod error;
pub mod pair;
pub mod parse;
mod record;

pub(crate) use chunk::io_error;
pub use chunk::{Chunk, Chunker, ChunkerOptions, MAX_RECORD_LIMIT};
pub use error::{FastqError, FastqErrorKind, ReadError};
pub use record::{ReadBuf, RecordRef, write_record};
