//! Kulissi's production store: the event log and the read models on PostgreSQL.
//!
//! The same behaviour as the SQLite store (the conformance suite runs on both): one writer
//! connection appends each batch in one transaction; readers take connections from a small
//! pool. Bulk writes use COPY: binary COPY for the log (bytea payloads and hashes travel as
//! bytes), text COPY for the trade versions (NUMERIC columns parse the exact decimal text),
//! and `INSERT ... SELECT FROM unnest(...) ON CONFLICT` for the position and cash upserts, one
//! statement per batch.
//!
//! If the connection drops while a batch is committing (a server restart), the writer
//! reconnects and asks the log where it stands: if the batch's last record is there, the
//! commit went through and the batch is acknowledged; if the log still ends where it did, the
//! batch is written again; otherwise the batch fails and says so. No acknowledged batch is
//! lost and none is written twice.

mod migrations;
mod store;
pub mod testing;
mod types;

pub use store::{PostgresStore, redact};

/// Whether a `--db` value names a PostgreSQL database.
pub fn is_postgres_url(location: &str) -> bool {
    location.starts_with("postgres://") || location.starts_with("postgresql://")
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn a_url_is_shown_without_its_password() {
        assert_eq!(
            redact("postgres://kulissi:s3cret@db.example:5432/books"),
            "postgres://kulissi:***@db.example:5432/books"
        );
        assert_eq!(
            redact("postgres://kulissi@db.example/books"),
            "postgres://kulissi@db.example/books"
        );
        assert_eq!(
            redact("/var/lib/kulissi/books.db"),
            "/var/lib/kulissi/books.db"
        );
    }
}
