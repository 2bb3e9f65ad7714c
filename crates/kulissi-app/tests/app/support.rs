//! Test backends: a temporary SQLite file always, and a temporary PostgreSQL database when
//! `KULISSI_TEST_POSTGRES` names a server. Both are removed when the test ends.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use kulissi_store::EventStore;
use kulissi_store_postgres::PostgresStore;
use kulissi_store_postgres::testing::TempDatabase;
use kulissi_store_sqlite::SqliteStore;

pub(crate) type Store = Box<dyn EventStore + Send>;

pub(crate) struct TempDir(PathBuf);

impl TempDir {
    pub(crate) fn new(name: &str) -> TempDir {
        static N: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "kulissi-app-{name}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    pub(crate) fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A fresh, empty database of one backend.
pub(crate) enum Backend {
    Sqlite(TempDir),
    Postgres(TempDatabase),
}

impl Backend {
    /// SQLite, and PostgreSQL when the test server is configured.
    pub(crate) fn all(label: &str) -> Vec<Backend> {
        let mut backends = vec![Backend::sqlite(label)];
        backends.extend(Backend::postgres(label));
        backends
    }

    /// A temporary SQLite file.
    pub(crate) fn sqlite(label: &str) -> Backend {
        Backend::Sqlite(TempDir::new(label))
    }

    /// A temporary PostgreSQL database, when the test server is configured.
    pub(crate) fn postgres(label: &str) -> Option<Backend> {
        match TempDatabase::create(label) {
            Some(db) => Some(Backend::Postgres(db.unwrap())),
            None => {
                eprintln!("KULISSI_TEST_POSTGRES is not set: {label} runs on SQLite only");
                None
            }
        }
    }

    pub(crate) fn name(&self) -> &'static str {
        match self {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    fn sqlite_path(dir: &TempDir) -> PathBuf {
        dir.path().join("kulissi.db")
    }

    /// Creates the schema and returns the store.
    pub(crate) fn create(&self) -> Store {
        match self {
            Backend::Sqlite(dir) => Box::new(SqliteStore::create(&Self::sqlite_path(dir)).unwrap()),
            Backend::Postgres(db) => Box::new(PostgresStore::create(db.url()).unwrap()),
        }
    }

    /// Opens the initialised store again.
    pub(crate) fn open(&self) -> Store {
        match self {
            Backend::Sqlite(dir) => Box::new(SqliteStore::open(&Self::sqlite_path(dir)).unwrap()),
            Backend::Postgres(db) => Box::new(PostgresStore::open(db.url()).unwrap()),
        }
    }

    /// Runs SQL behind the store's back (the same text on both backends).
    pub(crate) fn execute_raw(&self, sql: &str) {
        match self {
            Backend::Sqlite(dir) => {
                let store = SqliteStore::open(&Self::sqlite_path(dir)).unwrap();
                store.connection().execute_batch(sql).unwrap();
            }
            Backend::Postgres(db) => {
                let mut store = PostgresStore::open(db.url()).unwrap();
                store.execute_raw(sql).unwrap();
            }
        }
    }

    /// Flips one bit of byte `at` of event `seq`'s payload behind the store's back.
    pub(crate) fn flip_payload_bit(&self, seq: u64, at: usize) {
        match self {
            Backend::Sqlite(dir) => {
                let store = SqliteStore::open(&Self::sqlite_path(dir)).unwrap();
                let mut payload: Vec<u8> = store
                    .connection()
                    .query_row(
                        "SELECT payload FROM events WHERE seq = ?1",
                        [seq as i64],
                        |r| r.get(0),
                    )
                    .unwrap();
                let at = at.min(payload.len() - 1);
                payload[at] ^= 1;
                store
                    .connection()
                    .execute(
                        "UPDATE events SET payload = ?1 WHERE seq = ?2",
                        (payload, seq as i64),
                    )
                    .unwrap();
            }
            Backend::Postgres(db) => {
                let mut store = PostgresStore::open(db.url()).unwrap();
                store
                    .execute_raw(&format!(
                        "UPDATE events SET payload = set_byte(payload, least({at}, length(payload) - 1),
                             get_byte(payload, least({at}, length(payload) - 1)) # 1) WHERE seq = {seq}"
                    ))
                    .unwrap();
            }
        }
    }
}
