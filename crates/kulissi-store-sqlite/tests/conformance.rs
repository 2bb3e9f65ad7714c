//! The store conformance suite on a real SQLite file, plus SQLite-specific behaviour.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use kulissi_store::EventStore;
use kulissi_store_sqlite::SqliteStore;

fn temp_dir() -> std::path::PathBuf {
    let dir =
        std::env::temp_dir().join(format!("kulissi-sqlite-{}-{}", std::process::id(), next()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn next() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

#[test]
fn sqlite_passes_the_conformance_suite() {
    let mut dirs = Vec::new();
    kulissi_store::conformance::run_all(&mut || {
        let dir = temp_dir();
        let store = SqliteStore::create(&dir.join("kulissi.db")).unwrap();
        dirs.push(dir);
        store
    });
    for dir in dirs {
        std::fs::remove_dir_all(dir).unwrap();
    }
}

#[test]
fn open_refuses_missing_uninitialised_and_newer_databases() {
    let dir = temp_dir();
    let path = dir.join("kulissi.db");
    let err = SqliteStore::open(&path).unwrap_err().to_string();
    assert!(
        err.contains("is not initialised; run `kulissi init`"),
        "{err}"
    );
    {
        let store = SqliteStore::create(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), 4);
        store
            .connection()
            .execute("INSERT INTO schema_version VALUES (99)", [])
            .unwrap();
    }
    let err = SqliteStore::open(&path).unwrap_err().to_string();
    assert_eq!(
        err,
        "the database schema is version 99, newer than this program's 4; upgrade Kulissi"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn reopening_keeps_the_head() {
    let dir = temp_dir();
    let path = dir.join("kulissi.db");
    let record = kulissi_store::conformance::record(1, &kulissi_store::GENESIS_HASH);
    {
        let mut store = SqliteStore::create(&path).unwrap();
        store
            .append(&kulissi_store::CommitBatch {
                records: vec![record.clone()],
                ..Default::default()
            })
            .unwrap();
    }
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.head().unwrap().unwrap().hash, record.hash);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn an_older_schema_is_migrated_on_open() {
    let dir = temp_dir();
    let path = dir.join("kulissi.db");
    {
        let store = SqliteStore::create(&path).unwrap();
        // Make it look like a database written by a program that knew only version 1.
        store
            .connection()
            .execute_batch("DROP TABLE settlements; DROP TABLE ledger_balances; DROP TABLE snapshot_pieces; DROP TABLE snapshots; DELETE FROM schema_version WHERE version >= 2")
            .unwrap();
        assert_eq!(store.schema_version().unwrap(), 1);
    }
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), 4);
    assert!(store.read_models().unwrap().settlements.is_empty());
    std::fs::remove_dir_all(dir).unwrap();
}
