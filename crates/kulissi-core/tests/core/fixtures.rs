//! Where the oracle files are, and how to read them.
//!
//! Every oracle file is committed under `crates/kulissi-core/tests/fixtures/`, with the
//! script and package version that made it in `tools/oracles/` (see its README); the tests
//! read nothing outside the repository. A missing oracle file fails the test: a skipped
//! comparison proves nothing.

use std::path::PathBuf;

use jiff::civil::Date;

/// A committed fixture under `tests/fixtures/` (made or checked by a script in `tools/oracles/`).
pub(crate) fn own_fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The data rows of a CSV file (header skipped, `\r` stripped), split on commas.
pub(crate) fn csv_rows(path: &std::path::Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read oracle file {}: {e}", path.display()));
    text.lines()
        .skip(1)
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect()
}

pub(crate) fn date(s: &str) -> Date {
    s.parse()
        .unwrap_or_else(|e| panic!("bad date {s:?} in fixture: {e}"))
}
