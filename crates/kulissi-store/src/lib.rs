//! The store interface of Kulissi: what a backend must keep and how.
//!
//! The event log is the truth and the audit trail. Each [`LogRecord`] carries a sequence
//! number, its partition, business date, wall time, actor, the encoded event and a SHA-256
//! hash chaining it to the record before ([`chain`]). Read models (reference data, trade
//! versions, positions, cash) are derived rows written in the same transaction as the events
//! that caused them ([`CommitBatch`]), so they never disagree with the log after a commit and
//! can always be rebuilt from it.
//!
//! A backend implements [`EventStore`]; [`conformance`] is the test suite every backend runs
//! against itself, so SQLite and PostgreSQL behave the same.

pub mod chain;
pub mod conformance;
mod rows;
pub mod snapshot;

pub use chain::{ChainHead, GENESIS_HASH, record_hash};
pub use rows::{
    CashRow, CommitBatch, LedgerBalanceRow, LogRecord, PositionRow, ReadModels, ReferenceRow,
    SettlementRow, TradeVersionRow, names,
};
pub use snapshot::Snapshot;

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database refused or failed. The message says what was being done and what the
    /// driver (or a parser of a stored value) said; the driver's error itself is kept as the
    /// source, for code that needs more than its text.
    #[error(
        "database error: {context}{colon}{source}",
        colon = if .context.is_empty() { "" } else { ": " }
    )]
    Database {
        /// What was being done or found ("cannot connect to ...", "column 3 holds 'x'"), or
        /// empty when the source says it all.
        context: String,
        /// The error that caused it; for a failure the store found itself, its text.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The database schema is newer than this program knows.
    #[error(
        "the database schema is version {found}, newer than this program's {known}; upgrade Kulissi"
    )]
    SchemaTooNew {
        /// Version found in the database.
        found: i64,
        /// Newest version this program knows.
        known: i64,
    },
    /// The database has not been initialised.
    #[error("the database at {location} is not initialised; run `kulissi init`")]
    NotInitialised {
        /// Where.
        location: String,
    },
    /// A batch does not continue the chain (wrong sequence number or previous hash).
    #[error("batch does not continue the log: expected sequence {expected}, got {found}")]
    OutOfSequence {
        /// The next sequence number the log expects.
        expected: u64,
        /// What the batch started with.
        found: u64,
    },
    /// Stored data is corrupt.
    #[error("corrupt data at sequence {seq}: {what}")]
    Corrupt {
        /// Sequence number.
        seq: u64,
        /// What.
        what: String,
    },
}

impl StoreError {
    /// A database failure that its source says all about (a driver's error, or the text of
    /// a failure the store found itself).
    pub fn database(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> StoreError {
        StoreError::Database {
            context: String::new(),
            source: source.into(),
        }
    }

    /// A database failure while doing `context`, caused by `source`.
    pub fn database_with(
        context: impl Into<String>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> StoreError {
        StoreError::Database {
            context: context.into(),
            source: source.into(),
        }
    }
}

/// The migrations a database at schema version `current` still needs, each with the version
/// it brings the schema to, in order. `migrations[i]` brings the schema to version `i + 1`.
///
/// A database newer than the newest migration is refused: this program would misread it.
pub fn pending_migrations<'a>(
    migrations: &'a [&'a str],
    current: i64,
) -> Result<impl Iterator<Item = (i64, &'a str)> + 'a, StoreError> {
    let known = migrations.len() as i64;
    if current > known {
        return Err(StoreError::SchemaTooNew {
            found: current,
            known,
        });
    }
    let done = usize::try_from(current).unwrap_or(0);
    Ok(migrations
        .iter()
        .enumerate()
        .skip(done)
        .map(|(i, sql)| (i as i64 + 1, *sql)))
}

/// What a backend provides. One writer appends; any number of readers may read.
///
/// **Invariant:** `append` is atomic: after it returns `Ok`, every record and row of the batch
/// is durable; after `Err`, none is.
pub trait EventStore {
    /// The last record's sequence number and hash, or `None` for an empty log.
    fn head(&self) -> Result<Option<ChainHead>, StoreError>;

    /// Appends a batch of records and read-model rows in one transaction.
    fn append(&mut self, batch: &CommitBatch) -> Result<(), StoreError>;

    /// Visits log records with `seq >= from_seq` in order, until `until_seq` (inclusive) if
    /// given. The visitor may stop early by returning `Ok(false)`.
    fn read_log(
        &self,
        from_seq: u64,
        until_seq: Option<u64>,
        visit: &mut dyn FnMut(LogRecord) -> Result<bool, StoreError>,
    ) -> Result<(), StoreError>;

    /// Every read-model row, for comparison with a replay (`kulissi verify`).
    fn read_models(&self) -> Result<ReadModels, StoreError>;

    /// All versions of one trade, oldest first.
    fn trade_versions(&self, trade_id: u64) -> Result<Vec<TradeVersionRow>, StoreError>;

    /// Every general-ledger balance, by currency then account (one small query: what the
    /// trial balance reads).
    fn ledger_balances(&self) -> Result<Vec<LedgerBalanceRow>, StoreError>;

    /// The trade booked from `source` under `external_id`, if any.
    fn trade_id_by_external(
        &self,
        source: &str,
        external_id: &str,
    ) -> Result<Option<u64>, StoreError>;

    /// The record with sequence number `seq`.
    fn record(&self, seq: u64) -> Result<Option<LogRecord>, StoreError> {
        let mut found = None;
        self.read_log(seq, Some(seq), &mut |r| {
            found = Some(r);
            Ok(false)
        })?;
        Ok(found)
    }

    /// The current version of every trade, by trade id, at most `limit` starting after
    /// `after_trade_id`.
    fn current_trades(
        &self,
        after_trade_id: u64,
        limit: usize,
    ) -> Result<Vec<TradeVersionRow>, StoreError>;

    /// Stores a snapshot (in one transaction) and deletes all but the newest `keep`.
    fn save_snapshot(&mut self, snapshot: &Snapshot, keep: usize) -> Result<(), StoreError>;

    /// The sequence numbers of the stored snapshots, newest first.
    fn snapshot_seqs(&self) -> Result<Vec<u64>, StoreError>;

    /// The snapshot at `seq`, if stored. A payload whose digest is not the one stored with
    /// it is [`StoreError::Corrupt`].
    fn load_snapshot(&self, seq: u64) -> Result<Option<Snapshot>, StoreError>;

    /// Deletes the snapshot at `seq` (one that was refused).
    fn delete_snapshot(&mut self, seq: u64) -> Result<(), StoreError>;
}

/// A boxed store is a store, so tests and tools can choose a backend at run time.
impl<T: EventStore + ?Sized> EventStore for Box<T> {
    fn head(&self) -> Result<Option<ChainHead>, StoreError> {
        (**self).head()
    }
    fn append(&mut self, batch: &CommitBatch) -> Result<(), StoreError> {
        (**self).append(batch)
    }
    fn read_log(
        &self,
        from_seq: u64,
        until_seq: Option<u64>,
        visit: &mut dyn FnMut(LogRecord) -> Result<bool, StoreError>,
    ) -> Result<(), StoreError> {
        (**self).read_log(from_seq, until_seq, visit)
    }
    fn read_models(&self) -> Result<ReadModels, StoreError> {
        (**self).read_models()
    }
    fn ledger_balances(&self) -> Result<Vec<LedgerBalanceRow>, StoreError> {
        (**self).ledger_balances()
    }
    fn trade_id_by_external(
        &self,
        source: &str,
        external_id: &str,
    ) -> Result<Option<u64>, StoreError> {
        (**self).trade_id_by_external(source, external_id)
    }
    fn trade_versions(&self, trade_id: u64) -> Result<Vec<TradeVersionRow>, StoreError> {
        (**self).trade_versions(trade_id)
    }
    fn current_trades(
        &self,
        after_trade_id: u64,
        limit: usize,
    ) -> Result<Vec<TradeVersionRow>, StoreError> {
        (**self).current_trades(after_trade_id, limit)
    }
    fn save_snapshot(&mut self, snapshot: &Snapshot, keep: usize) -> Result<(), StoreError> {
        (**self).save_snapshot(snapshot, keep)
    }
    fn snapshot_seqs(&self) -> Result<Vec<u64>, StoreError> {
        (**self).snapshot_seqs()
    }
    fn load_snapshot(&self, seq: u64) -> Result<Option<Snapshot>, StoreError> {
        (**self).load_snapshot(seq)
    }
    fn delete_snapshot(&mut self, seq: u64) -> Result<(), StoreError> {
        (**self).delete_snapshot(seq)
    }
}

/// A store seen through a shared reference: every read, and no write (a write is a
/// [`StoreError`]). What a reader on the writer's thread gets, so the reports, which take
/// any store, run on it.
#[derive(Clone, Copy)]
pub struct ReadOnly<'a>(pub &'a dyn EventStore);

impl std::fmt::Debug for ReadOnly<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReadOnly")
    }
}

impl ReadOnly<'_> {
    fn refused() -> StoreError {
        StoreError::database("a read-only view of the store does not write")
    }
}

impl EventStore for ReadOnly<'_> {
    fn head(&self) -> Result<Option<ChainHead>, StoreError> {
        self.0.head()
    }
    fn append(&mut self, _batch: &CommitBatch) -> Result<(), StoreError> {
        Err(Self::refused())
    }
    fn read_log(
        &self,
        from_seq: u64,
        until_seq: Option<u64>,
        visit: &mut dyn FnMut(LogRecord) -> Result<bool, StoreError>,
    ) -> Result<(), StoreError> {
        self.0.read_log(from_seq, until_seq, visit)
    }
    fn read_models(&self) -> Result<ReadModels, StoreError> {
        self.0.read_models()
    }
    fn ledger_balances(&self) -> Result<Vec<LedgerBalanceRow>, StoreError> {
        self.0.ledger_balances()
    }
    fn trade_id_by_external(
        &self,
        source: &str,
        external_id: &str,
    ) -> Result<Option<u64>, StoreError> {
        self.0.trade_id_by_external(source, external_id)
    }
    fn trade_versions(&self, trade_id: u64) -> Result<Vec<TradeVersionRow>, StoreError> {
        self.0.trade_versions(trade_id)
    }
    fn current_trades(
        &self,
        after_trade_id: u64,
        limit: usize,
    ) -> Result<Vec<TradeVersionRow>, StoreError> {
        self.0.current_trades(after_trade_id, limit)
    }
    fn save_snapshot(&mut self, _snapshot: &Snapshot, _keep: usize) -> Result<(), StoreError> {
        Err(Self::refused())
    }
    fn snapshot_seqs(&self) -> Result<Vec<u64>, StoreError> {
        self.0.snapshot_seqs()
    }
    fn load_snapshot(&self, seq: u64) -> Result<Option<Snapshot>, StoreError> {
        self.0.load_snapshot(seq)
    }
    fn delete_snapshot(&mut self, _seq: u64) -> Result<(), StoreError> {
        Err(Self::refused())
    }
}
