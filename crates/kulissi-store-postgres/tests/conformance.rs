//! The store conformance suite on a real PostgreSQL server, plus PostgreSQL-specific
//! behaviour. Runs when `KULISSI_TEST_POSTGRES` names an administrative URL (as `.ci/run`
//! always does); each test creates and drops its own database.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use kulissi_store::EventStore;
use kulissi_store_postgres::PostgresStore;
use kulissi_store_postgres::testing::TempDatabase;

macro_rules! database_or_skip {
    ($label:expr) => {
        match TempDatabase::create($label) {
            Some(db) => db.unwrap(),
            None => {
                eprintln!("KULISSI_TEST_POSTGRES is not set: skipping");
                return;
            }
        }
    };
}

#[test]
fn postgres_passes_the_conformance_suite() {
    let mut databases = Vec::new();
    if std::env::var(kulissi_store_postgres::testing::TEST_URL_VARIABLE).is_err() {
        eprintln!("KULISSI_TEST_POSTGRES is not set: skipping");
        return;
    }
    kulissi_store::conformance::run_all(&mut || {
        let db = TempDatabase::create("conformance").unwrap().unwrap();
        let store = PostgresStore::create(db.url()).unwrap();
        databases.push(db);
        store
    });
}

#[test]
fn open_refuses_uninitialised_and_newer_databases() {
    let db = database_or_skip!("refuse");
    let err = PostgresStore::open(db.url()).unwrap_err().to_string();
    assert!(
        err.contains("is not initialised; run `kulissi init`"),
        "{err}"
    );
    let mut store = PostgresStore::create(db.url()).unwrap();
    assert_eq!(store.schema_version().unwrap(), 4);
    store
        .execute_raw("INSERT INTO schema_version VALUES (99)")
        .unwrap();
    drop(store);
    let err = PostgresStore::open(db.url()).unwrap_err().to_string();
    assert_eq!(
        err,
        "the database schema is version 99, newer than this program's 4; upgrade Kulissi"
    );
}

#[test]
fn reopening_keeps_the_head() {
    let db = database_or_skip!("reopen");
    let record = kulissi_store::conformance::record(1, &kulissi_store::GENESIS_HASH);
    {
        let mut store = PostgresStore::create(db.url()).unwrap();
        store
            .append(&kulissi_store::CommitBatch {
                records: vec![record.clone()],
                ..Default::default()
            })
            .unwrap();
    }
    let store = PostgresStore::open(db.url()).unwrap();
    assert_eq!(store.head().unwrap().unwrap().hash, record.hash);
}

#[test]
fn an_older_schema_is_migrated_on_open() {
    let db = database_or_skip!("migrate");
    {
        let mut store = PostgresStore::create(db.url()).unwrap();
        // Make it look like a database written by a program that knew only version 1.
        store
            .execute_raw("DROP TABLE settlements; DROP TABLE ledger_balances; DROP TABLE snapshot_pieces; DROP TABLE snapshots; DELETE FROM schema_version WHERE version >= 2")
            .unwrap();
        assert_eq!(store.schema_version().unwrap(), 1);
    }
    let mut store = PostgresStore::open(db.url()).unwrap();
    assert_eq!(store.schema_version().unwrap(), 4);
    assert!(store.read_models().unwrap().settlements.is_empty());
}
