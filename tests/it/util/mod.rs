//! Helpers shared by the integration tests (formerly `tests/common`, `tests/report_common`,
//! `tests/umi_common` and `tests/coverage_common.rs`, one copy each per test binary).

pub mod c_abi;
pub mod common;
pub mod coverage;
pub mod report;
pub mod umi;
