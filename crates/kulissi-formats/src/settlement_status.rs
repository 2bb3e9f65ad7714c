//! What custodians say about our settlement instructions, for those that send CSV rather
//! than ISO 20022 (sese.024 and sese.025 are read by `kulissi-iso20022`); and the settlement
//! lines of the JSON-lines message files.
//!
//! The CSV status file has a header row; columns in any order, names as below (case does
//! not matter), blank optional fields allowed:
//!
//! | column | required | what |
//! |---|---|---|
//! | `reference` | yes | our instruction's reference (the sese.023 `TxId`, e.g. `KUL12V1`, `KULN3`) |
//! | `event` | yes | `accepted`, `rejected`, `cancelled`, `matched`, `unmatched`, `pending`, `failing` (sese.024) or `settled` (sese.025) |
//! | `reasons` | no | reason codes separated by `;` (`DDAT;DQUA`, `LACK`, `MONY`, `CLAC`, `CMON`, ...) |
//! | `quantity` | for `settled` | the quantity settled by this line (positive; less than the rest for a part) |
//! | `amount` | no | the cash that moved (positive); blank for free of payment |
//! | `settlement_date` | for `settled` | the effective settlement date |
//! | `isin` | no | the instrument settled (a `settled` line naming another than the instruction's is an exception) |
//! | `date` | no | the date the status is as of (blank: the import's business date) |
//! | `message_id` | no | the custodian's message id (blank: derived from the line's content) |
//!
//! ```text
//! reference,event,reasons,quantity,amount,settlement_date,date,message_id
//! KUL12V1,matched,,,,,2025-07-14,
//! KUL12V1,failing,LACK,,,,2025-07-16,
//! KUL12V1,settled,,600,12000.00,2025-07-17,,
//! ```
//!
//! A status for a reference Kulissi does not know is not an error of the file: the engine
//! puts it on the settlement exception queue. Every line is exactly once: a file imported
//! again is acknowledged line by line.
//!
//! The JSON-lines message files (`kulissi import refdata`) carry the same as:
//!
//! ```text
//! {"type":"instruct_settlement","date":"2025-07-14"}
//! {"type":"settlement_status","reference":"KUL12V1","status":"failing","reasons":"LACK","date":"2025-07-16"}
//! {"type":"instruction_settlement","reference":"KUL12V1","quantity":"600","amount":"12000.00","settlement_date":"2025-07-17","isin":"(optional)"}
//! {"type":"instruction","reference":"KUL12V1","action":"resend|hold|release"}
//! {"type":"central_bank_rate","currency":"EUR","date":"2025-06-11","rate":"0.024"}
//! {"type":"settlement_tolerance","currency":"EUR","amount":"0.05"}
//! {"type":"penalty_rate","class":"liquid_shares|illiquid_shares|sme_growth_market|sovereign_debt|other_debt|sme_debt|other",
//!  "valid_from":"2027-01-01","basis_points":"1.5"}
//! ```

use std::collections::HashMap;
use std::io::Read;

use jiff::civil::Date;
use kulissi_core::engine::Command;
use kulissi_core::settlement::lifecycle::StatusReport;

use crate::error::Collector;
use crate::fields::{FieldResult, date, decimal, parsed, text};
use crate::trades::{Fields, message_id};
use crate::{ImportErrors, Located};

/// The columns of the CSV status file.
pub const STATUS_COLUMNS: [&str; 9] = [
    "reference",
    "event",
    "reasons",
    "quantity",
    "amount",
    "settlement_date",
    "isin",
    "date",
    "message_id",
];

const REQUIRED: [&str; 2] = ["reference", "event"];

fn report(value: &str) -> FieldResult<StatusReport> {
    StatusReport::parse(value).ok_or_else(|| {
        let names: Vec<&str> = StatusReport::ALL.iter().map(|r| r.name()).collect();
        format!("expected one of {}, found '{value}'", names.join(", "))
    })
}

/// Reason codes separated by `;` (or spaces), each 1 to 35 characters without spaces.
fn reasons(value: &str) -> FieldResult<Vec<String>> {
    value
        .split([';', ' '])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(|c| {
            if c.len() > 35 {
                Err(format!("reason code '{c}' is longer than 35 characters"))
            } else {
                Ok(c.to_owned())
            }
        })
        .collect()
}

/// Reads a field with a parser; an error is pushed naming the field.
fn read<T>(
    fields: &dyn Fields,
    name: &str,
    line: u64,
    errors: &mut Collector,
    parser: fn(&str) -> FieldResult<T>,
) -> Option<T> {
    match parser(fields.get(name).unwrap_or("").trim()) {
        Ok(v) => Some(v),
        Err(message) => {
            errors.push(line, Some(&fields.label(name)), message);
            None
        }
    }
}

/// Like [`read`], `None` inside when the field is absent or blank.
fn optional<T>(
    fields: &dyn Fields,
    name: &str,
    line: u64,
    errors: &mut Collector,
    parser: fn(&str) -> FieldResult<T>,
) -> Option<Option<T>> {
    match fields.get(name).map(str::trim) {
        None | Some("") => Some(None),
        Some(_) => read(fields, name, line, errors, parser).map(Some),
    }
}

/// A status or a confirmation: `event` is a status report's name or `settled`; `date`
/// defaults to `business_date` when blank.
fn status_command(
    fields: &dyn Fields,
    event_field: &str,
    line: u64,
    errors: &mut Collector,
    business_date: Option<Date>,
) -> Option<Command> {
    let reference = read(fields, "reference", line, errors, text);
    let event = fields.get(event_field).unwrap_or("").trim();
    if event == "settled" {
        let quantity = read(fields, "quantity", line, errors, decimal);
        let amount = optional(fields, "amount", line, errors, decimal);
        let settlement_date = read(fields, "settlement_date", line, errors, date);
        let isin = optional(fields, "isin", line, errors, parsed);
        return Some(Command::ConfirmInstruction {
            reference: reference?,
            quantity: quantity?,
            amount: amount?,
            settlement_date: settlement_date?,
            isin: isin?,
        });
    }
    let status = match report(event) {
        Ok(s) => Some(s),
        Err(message) => {
            errors.push(
                line,
                Some(&fields.label(event_field)),
                format!("{message} or settled"),
            );
            None
        }
    };
    let reasons = optional(fields, "reasons", line, errors, reasons);
    let day = match (optional(fields, "date", line, errors, date)?, business_date) {
        (Some(d), _) | (None, Some(d)) => Some(d),
        (None, None) => {
            errors.push(line, Some(&fields.label("date")), "expected a date");
            None
        }
    };
    Some(Command::RecordSettlementStatus {
        reference: reference?,
        status: status?,
        reasons: reasons?.unwrap_or_default(),
        date: day?,
    })
}

/// Reads a CSV status file. `file` names the file in errors; a status without a `date` is
/// as of `business_date`.
pub fn read_settlement_status_csv(
    input: impl Read,
    file: &str,
    business_date: Date,
) -> Result<Vec<Located<Command>>, ImportErrors> {
    let mut errors = Collector::new(file);
    let columns = crate::csv_records::Columns {
        allowed: Some(&STATUS_COLUMNS),
        required: &REQUIRED,
        hint: "",
        rename: &[],
    };
    let mut items = Vec::new();
    crate::csv_records::for_each_record(input, &mut errors, &columns, |line, fields, errors| {
        if let Some(command) = status_command(fields, "event", line, errors, Some(business_date)) {
            items.push(Located::command(line, command, message_id(fields)));
        }
    });
    errors.finish(items)
}

/// The kinds of settlement line in the JSON-lines message files.
pub(crate) const JSON_KINDS: [&str; 7] = [
    "instruct_settlement",
    "penalty_rate",
    "settlement_status",
    "instruction_settlement",
    "instruction",
    "central_bank_rate",
    "settlement_tolerance",
];

/// The command of a settlement line of a JSON-lines message file (one of [`JSON_KINDS`]);
/// `None` after pushing errors that name the field.
pub(crate) fn json_command(
    kind: &str,
    o: &HashMap<String, String>,
    line: u64,
    errors: &mut Collector,
) -> Option<Command> {
    Some(match kind {
        "instruct_settlement" => Command::InstructSettlement {
            date: read(o, "date", line, errors, date)?,
        },
        "settlement_status" => return status_command(o, "status", line, errors, None),
        "penalty_rate" => {
            let class = read(o, "class", line, errors, parsed);
            let valid_from = read(o, "valid_from", line, errors, date);
            let basis_points = read(o, "basis_points", line, errors, decimal);
            Command::SetPenaltyRate {
                class: class?,
                valid_from: valid_from?,
                basis_points: basis_points?,
            }
        }
        "instruction_settlement" => {
            let reference = read(o, "reference", line, errors, text);
            let quantity = read(o, "quantity", line, errors, decimal);
            let amount = optional(o, "amount", line, errors, decimal);
            let settlement_date = read(o, "settlement_date", line, errors, date);
            let isin = optional(o, "isin", line, errors, parsed);
            Command::ConfirmInstruction {
                reference: reference?,
                quantity: quantity?,
                amount: amount?,
                settlement_date: settlement_date?,
                isin: isin?,
            }
        }
        "instruction" => {
            let reference = read(o, "reference", line, errors, text)?;
            match o.get("action").map(String::as_str).unwrap_or("") {
                "resend" => Command::ResendInstruction { reference },
                "hold" => Command::HoldInstruction {
                    reference,
                    hold: true,
                },
                "release" => Command::HoldInstruction {
                    reference,
                    hold: false,
                },
                other => {
                    errors.push(
                        line,
                        Some("$.action"),
                        format!("expected resend, hold or release, found '{other}'"),
                    );
                    return None;
                }
            }
        }
        "central_bank_rate" => {
            let currency = read(o, "currency", line, errors, parsed);
            let day = read(o, "date", line, errors, date);
            let rate = read(o, "rate", line, errors, decimal);
            Command::RecordCentralBankRate {
                currency: currency?,
                date: day?,
                rate: rate?,
            }
        }
        _ => {
            let currency = read(o, "currency", line, errors, parsed);
            let amount = read(o, "amount", line, errors, decimal);
            Command::SetSettlementTolerance {
                currency: currency?,
                amount: amount?,
            }
        }
    })
}
