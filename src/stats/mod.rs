//! Mergeable statistics accumulators (integers only; floats appear at render time).
