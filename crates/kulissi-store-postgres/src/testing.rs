//! Test support: a throwaway database per test on the server named by
//! `KULISSI_TEST_POSTGRES` (an administrative URL such as
//! `postgres://postgres@127.0.0.1:5432/postgres`). Tests that need PostgreSQL skip when the
//! variable is unset; `.ci/run` always sets it.

use std::sync::atomic::{AtomicU64, Ordering};

/// The environment variable that names the test server.
pub const TEST_URL_VARIABLE: &str = "KULISSI_TEST_POSTGRES";

/// A database created for one test and dropped (forcibly) when this is dropped.
#[derive(Debug)]
pub struct TempDatabase {
    admin_url: String,
    name: String,
    url: String,
}

impl TempDatabase {
    /// Creates a fresh database, or `None` when `KULISSI_TEST_POSTGRES` is unset.
    pub fn create(label: &str) -> Option<Result<TempDatabase, postgres::Error>> {
        let admin_url = std::env::var(TEST_URL_VARIABLE).ok()?;
        static N: AtomicU64 = AtomicU64::new(0);
        let name = format!(
            "kulissi_test_{}_{}_{}",
            label.replace(|c: char| !c.is_ascii_alphanumeric(), "_"),
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        Some(Self::create_named(admin_url, name))
    }

    /// Creates a fresh database on the server `admin_url` names (benchmarks use this).
    pub fn create_on(admin_url: &str, label: &str) -> Result<TempDatabase, postgres::Error> {
        let name = format!("kulissi_{label}_{}", std::process::id());
        Self::create_named(admin_url.to_owned(), name)
    }

    fn create_named(admin_url: String, name: String) -> Result<TempDatabase, postgres::Error> {
        let mut admin = postgres::Client::connect(&admin_url, postgres::NoTls)?;
        admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))?;
        admin.batch_execute(&format!("CREATE DATABASE {name}"))?;
        let url = match admin_url.rfind('/') {
            Some(i) if !admin_url[..i].ends_with('/') => format!("{}/{name}", &admin_url[..i]),
            _ => format!("{admin_url}/{name}"),
        };
        Ok(TempDatabase {
            admin_url,
            name,
            url,
        })
    }

    /// The database's URL.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for TempDatabase {
    fn drop(&mut self) {
        if let Ok(mut admin) = postgres::Client::connect(&self.admin_url, postgres::NoTls) {
            let _ = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}
