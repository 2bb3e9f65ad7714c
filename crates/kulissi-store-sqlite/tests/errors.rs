//! A database error keeps the driver's error as its source, and says it in its message.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::error::Error;

use kulissi_store::StoreError;
use kulissi_store_sqlite::SqliteStore;

#[test]
fn a_database_error_keeps_the_drivers_error() {
    let dir = std::env::temp_dir().join(format!("kulissi-sqlite-errors-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("not-a-database.db");
    std::fs::write(&path, [b'x'; 4096]).unwrap();

    let err = SqliteStore::open(&path).expect_err("a file of x's is no database");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(matches!(err, StoreError::Database { .. }), "{err:?}");
    let source = err.source().expect("the driver's error is kept");
    let driver = source
        .downcast_ref::<rusqlite::Error>()
        .expect("the source is rusqlite's error");
    assert_eq!(
        err.to_string(),
        format!("database error: {driver}"),
        "the message says what the driver said"
    );
}
