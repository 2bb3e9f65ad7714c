//! Trade imports.
//!
//! CSV with a header row naming these columns, in any order (`settlement_date`, `action`,
//! `reason` and `message_id` may be left out):
//!
//! ```text
//! source,external_id,legal_entity,book,trader,counterparty,account,isin,side,quantity,price,
//! currency,trade_date,trade_time,venue,settlement_date,action,reason,message_id
//! ```
//!
//! `action` is `book` (the default), `amend` (replace the trade's terms with this line's) or
//! `cancel` (only `source`, `external_id` and `reason` are read). JSON lines carry the same
//! names as fields of one object per line; decimals may be JSON numbers or strings.
//!
//! `message_id` is the sender's idempotency key for the line; without one, the key is
//! derived from the line's content (see `kulissi_core::engine::messages`), so re-importing
//! a file applies nothing twice.
//!
//! Line numbers are the file's as an editor shows them: the header is line 1, and a record
//! whose quoted field spans lines is numbered by the line it starts on.

use std::collections::HashMap;
use std::io::Read;

use kulissi_core::engine::Command;
use kulissi_core::money::{Price, Quantity};
use kulissi_core::trade::TradeInput;

use crate::error::Collector;
use crate::fields::{FieldResult, date, decimal, optional_date, parsed, text, timestamp};
use crate::{ImportErrors, Located};

/// The columns of a trade file, in the documented order.
pub const TRADE_COLUMNS: [&str; 19] = [
    "source",
    "external_id",
    "legal_entity",
    "book",
    "trader",
    "counterparty",
    "account",
    "isin",
    "side",
    "quantity",
    "price",
    "currency",
    "trade_date",
    "trade_time",
    "venue",
    "settlement_date",
    "action",
    "reason",
    "message_id",
];

const OPTIONAL: [&str; 4] = ["settlement_date", "action", "reason", "message_id"];

/// One record's fields by name, from either format.
pub(crate) trait Fields {
    /// The value of `name`, `None` when absent (or JSON null).
    fn get(&self, name: &str) -> Option<&str>;
    /// How errors name the field (`price` for CSV, `$.price` for JSON).
    fn label(&self, name: &str) -> String;
}

/// A CSV record's fields by the header's column index.
pub(crate) struct CsvFields<'a> {
    pub(crate) index: &'a HashMap<String, usize>,
    pub(crate) record: &'a csv::StringRecord,
}

impl Fields for CsvFields<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        self.index.get(name).and_then(|i| self.record.get(*i))
    }
    fn label(&self, name: &str) -> String {
        name.to_owned()
    }
}

impl Fields for HashMap<String, String> {
    fn get(&self, name: &str) -> Option<&str> {
        HashMap::get(self, name).map(String::as_str)
    }
    fn label(&self, name: &str) -> String {
        format!("$.{name}")
    }
}

/// Reads a trade CSV. `file` names the file in errors.
pub fn read_trades_csv(
    input: impl Read,
    file: &str,
) -> Result<Vec<Located<Command>>, ImportErrors> {
    let mut errors = Collector::new(file);
    let required: Vec<&str> = TRADE_COLUMNS
        .iter()
        .copied()
        .filter(|c| !OPTIONAL.contains(c))
        .collect();
    let columns = crate::csv_records::Columns {
        allowed: Some(&TRADE_COLUMNS),
        required: &required,
        hint: "",
        rename: &[],
    };
    let mut items = Vec::new();
    crate::csv_records::for_each_record(input, &mut errors, &columns, |line, fields, errors| {
        if let Some(command) = trade_command(fields, line, errors) {
            items.push(Located::command(line, command, message_id(fields)));
        }
    });
    errors.finish(items)
}

/// Reads trades as JSON lines (one object per line; blank lines are skipped).
pub fn read_trades_jsonl(
    input: impl Read,
    file: &str,
) -> Result<Vec<Located<Command>>, ImportErrors> {
    let mut errors = Collector::new(file);
    let mut items = Vec::new();
    crate::refdata::for_each_json_line(input, &mut errors, |line, object, errors| {
        for key in object.keys() {
            if !TRADE_COLUMNS.contains(&key.as_str()) && key != "type" {
                errors.push(
                    line,
                    Some(&format!("$.{key}")),
                    format!(
                        "unknown field, expected one of {}",
                        TRADE_COLUMNS.join(", ")
                    ),
                );
            }
        }
        if let Some(command) = trade_command(&object, line, errors) {
            items.push(Located::command(line, command, message_id(&object)));
        }
    });
    errors.finish(items)
}

/// The record's `message_id`, if it has a non-blank one.
pub(crate) fn message_id(fields: &dyn Fields) -> Option<String> {
    fields
        .get("message_id")
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(str::to_owned)
}

/// A trade's fields by name, from a caller that already has them apart (the API's body).
struct NamedFields<'a, F: Fn(&str) -> Option<&'a str>> {
    get: F,
    action: &'a str,
}

impl<'a, F: Fn(&str) -> Option<&'a str>> Fields for NamedFields<'a, F> {
    fn get(&self, name: &str) -> Option<&str> {
        if name == "action" {
            return Some(self.action);
        }
        (self.get)(name)
    }
    fn label(&self, name: &str) -> String {
        format!("$.{name}")
    }
}

/// One booking (`action` `book`) or amendment (`amend`) from fields by name, as a trade
/// file's line is read: the same checks, errors naming the fields as `$.name` in
/// `source` (line 1).
pub fn trade_from_fields<'a>(
    get: impl Fn(&str) -> Option<&'a str>,
    action: &'a str,
    source: &str,
) -> Result<Command, ImportErrors> {
    let mut errors = Collector::new(source);
    let command = trade_command(&NamedFields { get, action }, 1, &mut errors);
    match command {
        Some(c) => errors.finish(vec![c]).map(|mut v| v.remove(0)),
        None => Err(errors
            .finish(Vec::<Command>::new())
            .err()
            .unwrap_or(ImportErrors(Vec::new()))),
    }
}

/// Builds the command of one record, or records every error it has and returns `None`.
pub(crate) fn trade_command(
    fields: &dyn Fields,
    line: u64,
    errors: &mut Collector,
) -> Option<Command> {
    macro_rules! read {
        ($name:literal, $parser:expr) => {{
            let parser: fn(&str) -> FieldResult<_> = $parser;
            match parser(fields.get($name).unwrap_or("")) {
                Ok(v) => Some(v),
                Err(message) => {
                    errors.push(line, Some(&fields.label($name)), message);
                    None
                }
            }
        }};
    }
    let action = fields
        .get("action")
        .map(|a| a.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let source = read!("source", text);
    let external_id = read!("external_id", text);
    match action.as_str() {
        "cancel" => {
            let reason = read!("reason", text);
            return Some(Command::CancelTrade {
                source: source?,
                external_id: external_id?,
                reason: reason?,
            });
        }
        "" | "book" | "amend" => {}
        other => {
            errors.push(
                line,
                Some(&fields.label("action")),
                format!("expected book, amend or cancel, found '{other}'"),
            );
            return None;
        }
    }
    // Read every field before giving up, so that one pass reports all of a line's errors.
    let legal_entity = read!("legal_entity", parsed);
    let book = read!("book", text);
    let trader = read!("trader", text);
    let counterparty = read!("counterparty", parsed);
    let account = read!("account", text);
    let instrument = read!("isin", parsed);
    let side = read!("side", parsed);
    let quantity = read!("quantity", decimal);
    let price = read!("price", decimal);
    let currency = read!("currency", parsed);
    let trade_date = read!("trade_date", date);
    let trade_time = read!("trade_time", timestamp);
    let venue = read!("venue", parsed);
    let settlement_date = read!("settlement_date", optional_date);
    let input = TradeInput {
        source: source?,
        external_id: external_id?,
        legal_entity: legal_entity?,
        book: book?,
        trader: trader?,
        counterparty: counterparty?,
        account: account?,
        instrument: instrument?,
        side: side?,
        quantity: Quantity::new(quantity?),
        price: Price::new(price?),
        currency: currency?,
        trade_date: trade_date?,
        trade_time: trade_time?,
        venue: venue?,
        settlement_date: settlement_date?,
    };
    Some(if action == "amend" {
        Command::AmendTrade(input)
    } else {
        Command::BookTrade(input)
    })
}
