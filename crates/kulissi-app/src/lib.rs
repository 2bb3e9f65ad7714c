//! Kulissi's application layer, generic over the store.
//!
//! - [`Writer`]: owns the engine state of a partition and its store; executes batches of
//!   commands (decide, apply, encode, chain, project) and commits each batch in one
//!   transaction. On open it rebuilds the state by replaying the log.
//! - [`GroupCommit`]: a writer thread with a bounded queue in front; callers submit one
//!   command and are answered after the commit of the batch it joined.
//! - [`snapshots`]: the engine state saved every so many events and loaded at start-up, tied
//!   to the chain (refused by name and rebuilt when it does not match the log).
//! - [`verify`]: replays the log from scratch, checks the chain and the invariants, compares
//!   with the stored read models, and names the first sequence number that disagrees.
//! - [`read_journal`]: the general ledger's journal, derived from the log by replaying it
//!   with a journal attached to the engine; each entry names the event that caused it.
//! - [`reports`]: the trial balance, account statements, balance sheet and income
//!   statement, trades, positions and cash balances, each a typed value rendered as a table,
//!   CSV or JSON; every door (the CLI, the server to come) calls these.
//! - [`generator`]: the demo firm (a Helsinki broker) and seeded trades, for the CLI, tests
//!   and benchmarks.

pub mod back_office;
pub mod generator;
mod group_commit;
mod journal;
mod projection;
mod replay;
pub mod reports;
pub mod snapshots;
pub mod verify;
mod writer;

pub use group_commit::{AtomicOutcome, GroupCommit, MAX_BATCH, Ticket};
pub use journal::{JournalEntryRef, JournalReader, read_journal};
pub use replay::replay;
pub use snapshots::{SnapshotPolicy, Startup};
pub use writer::{Answer, Receipt, Timings, Writer};

use kulissi_store::StoreError;

/// Why the application layer failed (as opposed to a command being rejected).
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The log does not replay: a broken chain, an undecodable event, or an event that does
    /// not fit the state replayed before it (a corrupt log).
    #[error("the log does not replay at sequence {seq}: {what}")]
    Log {
        /// Sequence number.
        seq: u64,
        /// What is wrong.
        what: String,
    },
    /// An event the engine decided did not fit the writer's state (a bug, never input): the
    /// batch it was in was not committed, and the writer rebuilt its state from the log.
    #[error("the engine's event at sequence {seq} did not fit its state: {error}")]
    Apply {
        /// The sequence number the event would have had.
        seq: u64,
        /// What did not fit.
        error: kulissi_core::engine::ApplyError,
    },
    /// The writer's queue is full: try again shortly.
    #[error("the writer is busy (its queue is full): try again")]
    Busy,
    /// The writer thread is gone (it failed, and said so to the callers of that batch).
    #[error("the writer has stopped: {0}")]
    WriterStopped(String),
}
