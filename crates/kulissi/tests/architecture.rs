//! Architecture invariants that the compiler does not enforce: the domain core stays pure.
//!
//! `kulissi-core` may depend on a few small crates (decimal, dates, errors), never on an
//! async runtime, a database driver, an HTTP stack, an XML or a JSON crate. This test asks
//! `cargo tree` for the core's normal (non-dev) dependency graph and fails on any of them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

/// Crates whose presence in the core's graph means I/O or a wire format leaked in.
const FORBIDDEN: &[&str] = &[
    "tokio",
    "async-std",
    "smol",
    "futures",
    "mio", // async runtimes
    "sqlx",
    "rusqlite",
    "libsqlite3-sys",
    "postgres",
    "tokio-postgres",
    "diesel",
    "sea-orm", // databases
    "hyper",
    "axum",
    "reqwest",
    "http",
    "tower",
    "actix-web", // HTTP
    "quick-xml",
    "xml-rs",
    "roxmltree",  // XML
    "serde_json", // JSON
];

#[test]
fn core_depends_on_no_runtime_database_http_or_xml_crate() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args([
            "tree",
            "-p",
            "kulissi-core",
            "-e",
            "normal",
            "--prefix",
            "none",
            "--format",
            "{p}",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let tree = String::from_utf8(output.stdout).unwrap();
    let crates: Vec<&str> = tree
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(
        crates.contains(&"kulissi-core") && crates.contains(&"rust_decimal"),
        "{tree}"
    );
    let leaked: Vec<&&str> = crates.iter().filter(|c| FORBIDDEN.contains(c)).collect();
    assert!(
        leaked.is_empty(),
        "kulissi-core must stay pure, but depends on {leaked:?}:\n{tree}"
    );
}
