//! Statements from custodians and banks as CSV, for the reconciliations of
//! `kulissi_core::reconciliation::views`: a header row, the definition's key columns and
//! value column (in any order; other columns are ignored), one holding or balance a line.
//!
//! | definition | columns |
//! |---|---|
//! | `house-positions`, `client-assets` | `safekeeping_account,isin,quantity` |
//! | `house-cash` | `cash_account,currency,amount` |
//! | `client-money` | `currency,amount` (several accounts' lines are summed per currency) |
//!
//! Errors name the file, the line as an editor numbers it and the column. A statement's
//! identity is the SHA-256 of its bytes ([`statement_digest`]): the engine refuses one
//! loaded before, under whatever name.

use std::collections::HashMap;

use kulissi_core::reconciliation::ReconLine;
use kulissi_core::reconciliation::views::ReconDefinition;
use sha2::{Digest, Sha256};

use crate::ImportErrors;
use crate::error::Collector;
use crate::fields::decimal;

/// The SHA-256 of a statement's bytes, in hex.
pub fn statement_digest(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Reads a CSV statement for `definition`. `file` names it in errors and in each line's
/// source (`FILE line N`).
pub fn read_statement_csv(
    bytes: &[u8],
    file: &str,
    definition: ReconDefinition,
) -> Result<Vec<ReconLine>, ImportErrors> {
    let (keys, value) = definition.columns();
    let mut errors = Collector::new(file);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            errors.push(1, None, format!("cannot read the header row: {e}"));
            return errors.finish(Vec::new());
        }
    };
    let index: HashMap<String, usize> = headers
        .iter()
        .enumerate()
        .map(|(i, n)| (n.to_ascii_lowercase(), i))
        .collect();
    for column in keys.iter().chain([&value]) {
        if !index.contains_key(*column) {
            errors.push(
                1,
                Some(column),
                format!(
                    "missing column: a {} statement has {},{value}",
                    definition.name(),
                    keys.join(",")
                ),
            );
        }
    }
    if !errors.errors.is_empty() {
        return errors.finish(Vec::new());
    }
    let mut lines = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(0, |p| p.line());
                let field = |name: &str| {
                    index
                        .get(name)
                        .and_then(|i| record.get(*i))
                        .unwrap_or("")
                        .to_owned()
                };
                let mut key = Vec::new();
                for column in keys {
                    let text = field(column);
                    if text.is_empty() {
                        errors.push(line, Some(column), "empty; a key column needs a value");
                    }
                    key.push(text);
                }
                match decimal(&field(value)) {
                    Ok(v) => lines.push(ReconLine {
                        key,
                        value: v,
                        source: format!("{file} line {line}"),
                    }),
                    Err(message) => errors.push(line, Some(value), message),
                }
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                errors.push(line, None, format!("not a valid CSV record: {e}"));
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
            }
        }
        if errors.full() {
            break;
        }
    }
    errors.finish(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_statement_reads_its_definitions_columns_in_any_order() {
        let csv = "isin,quantity,safekeeping_account,custodian_note\nFI0009000681,990,SAFE1,x\n";
        let lines = read_statement_csv(
            csv.as_bytes(),
            "holdings.csv",
            ReconDefinition::HousePositions,
        )
        .unwrap();
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].key, ["SAFE1", "FI0009000681"]);
        assert_eq!(lines[0].value, "990".parse().unwrap());
        assert_eq!(lines[0].source, "holdings.csv line 2");
    }

    #[test]
    fn errors_name_the_line_and_the_column() {
        let csv = "currency,amount\nEUR,12.5x\n,3\n";
        let err = read_statement_csv(csv.as_bytes(), "bank.csv", ReconDefinition::ClientMoney)
            .unwrap_err()
            .to_string();
        assert!(err.contains("bank.csv line 2, column amount"), "{err}");
        assert!(err.contains("bank.csv line 3, column currency"), "{err}");
        let err = read_statement_csv(b"account,amount\n", "bank.csv", ReconDefinition::HouseCash)
            .unwrap_err()
            .to_string();
        assert!(err.contains("missing column"), "{err}");
    }

    #[test]
    fn the_digest_is_the_contents() {
        assert_eq!(statement_digest(b"a"), statement_digest(b"a"));
        assert_ne!(statement_digest(b"a"), statement_digest(b"b"));
        assert_eq!(statement_digest(b"").len(), 64);
    }
}
