//! The store a `--db` value names: a SQLite file path, or a `postgres://` URL.

use std::path::Path;

use kulissi_store::{
    ChainHead, CommitBatch, EventStore, LogRecord, ReadModels, StoreError, TradeVersionRow,
};
use kulissi_store_postgres::{PostgresStore, is_postgres_url};
use kulissi_store_sqlite::SqliteStore;

/// Either backend, chosen by the location's form.
#[derive(Debug)]
pub(crate) enum AnyStore {
    Sqlite(SqliteStore),
    Postgres(Box<PostgresStore>),
}

impl AnyStore {
    /// Creates (or brings up to date) the store at `location` (`kulissi init`).
    pub(crate) fn create(location: &Path) -> Result<AnyStore, StoreError> {
        match postgres_url(location) {
            Some(url) => Ok(AnyStore::Postgres(Box::new(PostgresStore::create(url)?))),
            None => Ok(AnyStore::Sqlite(SqliteStore::create(location)?)),
        }
    }

    /// Opens the initialised store at `location`.
    pub(crate) fn open(location: &Path) -> Result<AnyStore, StoreError> {
        match postgres_url(location) {
            Some(url) => Ok(AnyStore::Postgres(Box::new(PostgresStore::open(url)?))),
            None => Ok(AnyStore::Sqlite(SqliteStore::open(location)?)),
        }
    }

    /// The schema version of the database.
    pub(crate) fn schema_version(&mut self) -> Result<i64, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.schema_version(),
            AnyStore::Postgres(s) => s.schema_version(),
        }
    }
}

/// The URL, if `location` is a PostgreSQL URL.
pub(crate) fn postgres_url(location: &Path) -> Option<&str> {
    location.to_str().filter(|s| is_postgres_url(s))
}

macro_rules! delegate {
    ($self:ident, $s:ident => $call:expr) => {
        match $self {
            AnyStore::Sqlite($s) => $call,
            AnyStore::Postgres($s) => $call,
        }
    };
}

impl EventStore for AnyStore {
    fn head(&self) -> Result<Option<ChainHead>, StoreError> {
        delegate!(self, s => s.head())
    }

    fn append(&mut self, batch: &CommitBatch) -> Result<(), StoreError> {
        delegate!(self, s => s.append(batch))
    }

    fn read_log(
        &self,
        from_seq: u64,
        until_seq: Option<u64>,
        visit: &mut dyn FnMut(LogRecord) -> Result<bool, StoreError>,
    ) -> Result<(), StoreError> {
        delegate!(self, s => s.read_log(from_seq, until_seq, visit))
    }

    fn read_models(&self) -> Result<ReadModels, StoreError> {
        delegate!(self, s => s.read_models())
    }
    fn ledger_balances(&self) -> Result<Vec<kulissi_store::LedgerBalanceRow>, StoreError> {
        delegate!(self, s => s.ledger_balances())
    }

    fn trade_id_by_external(
        &self,
        source: &str,
        external_id: &str,
    ) -> Result<Option<u64>, StoreError> {
        delegate!(self, s => s.trade_id_by_external(source, external_id))
    }

    fn trade_versions(&self, trade_id: u64) -> Result<Vec<TradeVersionRow>, StoreError> {
        delegate!(self, s => s.trade_versions(trade_id))
    }

    fn current_trades(
        &self,
        after_trade_id: u64,
        limit: usize,
    ) -> Result<Vec<TradeVersionRow>, StoreError> {
        delegate!(self, s => s.current_trades(after_trade_id, limit))
    }
    fn save_snapshot(
        &mut self,
        snapshot: &kulissi_store::Snapshot,
        keep: usize,
    ) -> Result<(), StoreError> {
        delegate!(self, s => s.save_snapshot(snapshot, keep))
    }
    fn snapshot_seqs(&self) -> Result<Vec<u64>, StoreError> {
        delegate!(self, s => s.snapshot_seqs())
    }
    fn load_snapshot(&self, seq: u64) -> Result<Option<kulissi_store::Snapshot>, StoreError> {
        delegate!(self, s => s.load_snapshot(seq))
    }
    fn delete_snapshot(&mut self, seq: u64) -> Result<(), StoreError> {
        delegate!(self, s => s.delete_snapshot(seq))
    }
}
