//! Kulissi's embedded store: the event log and the read models in one SQLite file.
//!
//! One writer connection appends batches in `BEGIN IMMEDIATE` transactions; readers open
//! their own connections (WAL mode lets them read while the writer writes). Durability:
//! `journal_mode=WAL` with `synchronous=FULL`, so a commit that returned survives a process
//! kill and a power cut; the cost is one fsync per batch, not per trade.
//!
//! Money, quantities and prices are stored as `TEXT` in canonical decimal form: a column with
//! SQLite's NUMERIC or REAL affinity would silently turn them into floating point. Nothing
//! sums money in SQL here; aggregation happens in Rust with exact decimals.
//!
//! Why rusqlite rather than sqlx: the writer is one synchronous thread that batches, which is
//! what rusqlite is best at (the lowest per-row overhead measured on this machine kind), and
//! it builds in about half the time. See ARCHITECTURE.md.

mod migrations;
mod store;

pub use store::SqliteStore;
