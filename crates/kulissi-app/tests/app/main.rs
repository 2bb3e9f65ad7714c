//! kulissi-app's integration tests on real SQLite files: the writer end to end, the
//! simulation over many seeds, and tampering.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod simulation;
mod snapshots;
mod support;
mod tamper;
mod writer;
