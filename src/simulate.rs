//! Synthetic read generator (placeholder).
