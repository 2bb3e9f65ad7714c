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
//! Counterparty confirmations (for confirmation matching) have
//! `counterparty,isin,side,quantity,price,trade_date,settlement_date,reference` (side as
//! ours: `buy` or `sell`).
//!
//! Errors name the file, the line as an editor numbers it and the column. A statement's
//! identity is the SHA-256 of its bytes ([`statement_digest`]): the engine refuses one
//! loaded before, under whatever name.

use kulissi_core::reconciliation::ReconLine;
use kulissi_core::reconciliation::views::ReconDefinition;
use sha2::{Digest, Sha256};

use crate::ImportErrors;
use crate::error::Collector;
use crate::fields::decimal;
use crate::trades::Fields;

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
    read_mapped_statement_csv(bytes, file, definition, &[])
}

/// [`read_statement_csv`] for a source that names the columns its own way: `mapping` gives
/// (our column, its column) for those it names otherwise (a saved mapping, see
/// `DefineStatementMapping`).
pub fn read_mapped_statement_csv(
    bytes: &[u8],
    file: &str,
    definition: ReconDefinition,
    mapping: &[(String, String)],
) -> Result<Vec<ReconLine>, ImportErrors> {
    let rename: Vec<(String, String)> = mapping
        .iter()
        .map(|(ours, theirs)| (theirs.to_ascii_lowercase(), ours.clone()))
        .collect();
    let (keys, value) = definition.columns();
    let mut errors = Collector::new(file);
    let required: Vec<&str> = keys.iter().copied().chain([value]).collect();
    let hint = format!(
        "a {} statement has {},{value}",
        definition.name(),
        keys.join(",")
    );
    let columns = crate::csv_records::Columns {
        allowed: None,
        required: &required,
        hint: &hint,
        rename: &rename,
    };
    let mut lines = Vec::new();
    crate::csv_records::for_each_record(bytes, &mut errors, &columns, |line, fields, errors| {
        let mut key = Vec::new();
        for column in keys {
            let text = fields.get(column).unwrap_or("").to_owned();
            if text.is_empty() {
                errors.push(line, Some(column), "empty; a key column needs a value");
            }
            key.push(text);
        }
        match decimal(fields.get(value).unwrap_or("")) {
            Ok(v) => lines.push(ReconLine {
                key,
                value: v,
                source: format!("{file} line {line}"),
            }),
            Err(message) => errors.push(line, Some(value), message),
        }
    });
    errors.finish(lines)
}

/// The columns of a counterparty confirmation file.
pub const CONFIRMATION_COLUMNS: [&str; 8] = [
    "counterparty",
    "isin",
    "side",
    "quantity",
    "price",
    "trade_date",
    "settlement_date",
    "reference",
];

/// Reads a counterparty confirmation file (CSV with [`CONFIRMATION_COLUMNS`], in any order;
/// `side` is ours: `buy` or `sell`).
pub fn read_confirmations_csv(
    bytes: &[u8],
    file: &str,
) -> Result<Vec<kulissi_core::reconciliation::confirmations::ConfirmationLine>, ImportErrors> {
    use crate::fields::{date, parsed, text};
    let mut errors = Collector::new(file);
    let columns = crate::csv_records::Columns {
        allowed: None,
        required: &CONFIRMATION_COLUMNS,
        hint: "a confirmation file has counterparty,isin,side,quantity,price,trade_date,settlement_date,reference",
        rename: &[],
    };
    let mut lines = Vec::new();
    crate::csv_records::for_each_record(bytes, &mut errors, &columns, |line, fields, errors| {
        macro_rules! read {
            ($name:literal, $parser:expr) => {{
                let parser: fn(&str) -> crate::fields::FieldResult<_> = $parser;
                match parser(fields.get($name).unwrap_or("")) {
                    Ok(v) => Some(v),
                    Err(message) => {
                        errors.push(line, Some($name), message);
                        None
                    }
                }
            }};
        }
        let side = |s: &str| match s.to_ascii_lowercase().as_str() {
            "buy" | "b" => Ok(kulissi_core::trade::Side::Buy),
            "sell" | "s" => Ok(kulissi_core::trade::Side::Sell),
            other => Err(format!("expected buy or sell, found '{other}'")),
        };
        let (counterparty, isin, side) = (
            read!("counterparty", parsed),
            read!("isin", parsed),
            read!("side", side),
        );
        let (quantity, price) = (read!("quantity", decimal), read!("price", decimal));
        let (trade_date, settlement_date, reference) = (
            read!("trade_date", date),
            read!("settlement_date", date),
            read!("reference", text),
        );
        if let (
            Some(counterparty),
            Some(isin),
            Some(side),
            Some(quantity),
            Some(price),
            Some(trade_date),
            Some(settlement_date),
            Some(reference),
        ) = (
            counterparty,
            isin,
            side,
            quantity,
            price,
            trade_date,
            settlement_date,
            reference,
        ) {
            lines.push(
                kulissi_core::reconciliation::confirmations::ConfirmationLine {
                    counterparty,
                    isin,
                    side,
                    quantity,
                    price,
                    trade_date,
                    settlement_date,
                    reference,
                    source: format!("{file} line {line}"),
                },
            );
        }
    });
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
