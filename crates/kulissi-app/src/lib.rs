//! Kulissi's application layer, generic over the store.
//!
//! - [`Writer`]: owns the engine state of a partition and its store; executes batches of
//!   commands (decide, apply, encode, chain, project) and commits each batch in one
//!   transaction. On open it rebuilds the state by replaying the log.
//! - [`GroupCommit`]: a writer thread with a bounded queue in front; callers submit one
//!   command and are answered after the commit of the batch it joined.
//! - [`verify`]: replays the log from scratch, checks the chain and the invariants, compares
//!   with the stored read models, and names the first sequence number that disagrees.
//! - [`read_journal`]: the general ledger's journal, derived from the log by replaying it
//!   with a journal attached to the engine; each entry names the event that caused it.
//! - [`reports`]: the trial balance, account statements, balance sheet and income
//!   statement, trades, positions and cash balances, each a typed value rendered as a table,
//!   CSV or JSON; every door (the CLI, the server to come) calls these.
//! - [`generator`]: the demo firm (a Helsinki broker) and seeded trades, for the CLI, tests
//!   and benchmarks.

pub mod generator;
mod group_commit;
mod journal;
mod projection;
mod replay;
pub mod reports;
pub mod verify;
mod writer;

pub use group_commit::{GroupCommit, MAX_BATCH, Ticket};
pub use journal::{JournalEntryRef, read_journal};
pub use replay::replay;
pub use writer::{Answer, Receipt, Timings, Writer};

use kulissi_store::StoreError;

/// Why the application layer failed (as opposed to a command being rejected).
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The log does not replay: broken chain, undecodable event.
    #[error("the log does not replay at sequence {seq}: {what}")]
    Log {
        /// Sequence number.
        seq: u64,
        /// What is wrong.
        what: String,
    },
    /// The writer thread is gone (it failed, and said so to the callers of that batch).
    #[error("the writer has stopped: {0}")]
    WriterStopped(String),
}
