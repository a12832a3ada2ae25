//! The threaded engine: reader -> worker pool -> ordered writer.
