//! Reports: fastp-compatible JSON, self-contained HTML, upload manifest.
