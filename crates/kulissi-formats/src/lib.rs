//! Kulissi's file formats: imports of trades (CSV and JSON lines) and reference data (JSON
//! lines), turned into engine commands; and the general ledger's journal exported for
//! hledger, ledger and beancount ([`ledger_export`]); and commands written back as the JSON
//! lines the imports read ([`messages`]).
//!
//! [`settlement_status`] reads custodians' CSV status files and the settlement lines of the
//! message files.
//!
//! [`statement`] reads custodians' and banks' statements (CSV) for the reconciliations.
//!
//! [`recon_file`] reconciles two position files (`kulissi recon files`), byte for byte what
//! DuckDB's full outer join writes.
//!
//! [`net_file`] nets a trade file per (counterparty, ISIN, settlement date, currency) on two
//! threads (`kulissi settle net-file`), writing what DuckDB's `GROUP BY ALL ORDER BY ALL` does.
//!
//! Every error names the file, the line and the column or JSON field, and says what was
//! expected, e.g. `trades.csv line 12, column price: expected a decimal number such as
//! 101.25, found '10,5'`. Parsing collects up to [`MAX_ERRORS`] errors so a person can fix a
//! file in one go; any error rejects the whole file (imports are atomic).
//!
//! Decimals are read exactly: JSON numbers keep their digits (serde_json's arbitrary
//! precision), never passing through floating point.

mod controls;
mod csv_records;
mod error;
mod fields;
pub mod ledger_export;
pub mod messages;
pub mod net_file;
pub mod recon_file;
mod refdata;
pub mod settlement_status;
pub mod statement;
mod trades;

pub use error::{ImportError, ImportErrors};
pub use refdata::read_refdata_jsonl;
pub use settlement_status::read_settlement_status_csv;
pub use trades::{TRADE_COLUMNS, read_trades_csv, read_trades_jsonl, trade_from_fields};

use kulissi_core::engine::{Command, MessageId};

/// The most errors reported for one file.
pub const MAX_ERRORS: usize = 20;

/// The most data lines one import file may hold.
pub const MAX_LINES: u64 = 20_000_000;

/// A command read from a file, with the line it came from and its idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    /// The line it starts on, as an editor numbers the file: the header (if any) is line 1.
    pub line: u64,
    /// What the line says.
    pub item: T,
    /// The line's `message_id`, or the key derived from its content when it has none
    /// ([`MessageId::derived`]): re-importing a file is acknowledged line by line.
    pub message_id: MessageId,
}

impl Located<Command> {
    /// A command read from `line`, under the sender's message id or a derived one.
    pub(crate) fn command(line: u64, item: Command, message_id: Option<String>) -> Self {
        let message_id = match message_id {
            Some(id) => MessageId::new(id),
            None => MessageId::derived(&item),
        };
        Located {
            line,
            item,
            message_id,
        }
    }
}
