//! The location every error of an input carries: file, record and line. No dependency, so that
//! every layer can name it.

use std::fmt;
use std::path::PathBuf;

/// Where in an input an error was found: file, 1-based record number and 1-based line number.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location {
    /// The input path (`-` for standard input, `<stream>` for pushed bytes).
    pub path: PathBuf,
    /// 1-based record number, 0 when not known.
    pub record: u64,
    /// 1-based line number, 0 when not known.
    pub line: u64,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if self.record > 0 {
            write!(f, ", record {}", self.record)?;
        }
        if self.line > 0 {
            write!(f, ", line {}", self.line)?;
        }
        Ok(())
    }
}
