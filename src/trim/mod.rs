//! Read trimming: adapters (SE search, PE overlap), poly-G/X, quality windows, fixed cuts, UMIs.
