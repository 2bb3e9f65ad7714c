//! The message lines of the commands that go through maker-checker and had no line of
//! their own: limits, period closes and role changes. An approval request keeps its command
//! as one of these lines (`kulissi_formats::messages::command_object`), and the approval
//! reads it back with the same reader as every message file.
//!
//! ```text
//! {"type":"overdraft_limit","account":"HOUSE-EUR","currency":"EUR","limit":"1000000"}
//! {"type":"close_period","legal_entity":"LEI","through":"2025-06-30"}
//! {"type":"reopen_period","legal_entity":"LEI","from":"2025-06-01","reason":"..."}
//! {"type":"close_year","legal_entity":"LEI","year":"2025"}
//! {"type":"user_roles","username":"alice","roles":"trader,risk"}
//! ```

use std::collections::HashMap;

use kulissi_core::controls::commands::ControlCommand;
use kulissi_core::controls::roles::{parse_roles, roles_text};
use kulissi_core::engine::Command;
use serde_json::{Value, json};

use crate::error::Collector;
use crate::fields::{FieldResult, date, decimal, parsed, text};

/// The line types of this module.
pub(crate) const JSON_KINDS: [&str; 5] = [
    "overdraft_limit",
    "close_period",
    "reopen_period",
    "close_year",
    "user_roles",
];

fn read<T>(
    o: &HashMap<String, String>,
    name: &str,
    line: u64,
    errors: &mut Collector,
    parser: fn(&str) -> FieldResult<T>,
) -> Option<T> {
    match parser(o.get(name).map_or("", String::as_str).trim()) {
        Ok(v) => Some(v),
        Err(message) => {
            errors.push(line, Some(&format!("$.{name}")), message);
            None
        }
    }
}

/// The command of a line of one of [`JSON_KINDS`]; `None` after pushing errors that name
/// the field.
pub(crate) fn json_command(
    kind: &str,
    o: &HashMap<String, String>,
    line: u64,
    errors: &mut Collector,
) -> Option<Command> {
    Some(match kind {
        "overdraft_limit" => {
            let (account, currency, limit) = (
                read(o, "account", line, errors, text),
                read(o, "currency", line, errors, parsed),
                read(o, "limit", line, errors, decimal),
            );
            Command::SetOverdraftLimit {
                account: account?,
                currency: currency?,
                limit: limit?,
            }
        }
        "close_period" => {
            let (legal_entity, through) = (
                read(o, "legal_entity", line, errors, parsed),
                read(o, "through", line, errors, date),
            );
            Command::ClosePeriod {
                legal_entity: legal_entity?,
                through: through?,
            }
        }
        "reopen_period" => {
            let (legal_entity, from, reason) = (
                read(o, "legal_entity", line, errors, parsed),
                read(o, "from", line, errors, date),
                read(o, "reason", line, errors, text),
            );
            Command::ReopenPeriod {
                legal_entity: legal_entity?,
                from: from?,
                reason: reason?,
            }
        }
        "close_year" => {
            let (legal_entity, year) = (
                read(o, "legal_entity", line, errors, parsed),
                read(o, "year", line, errors, parsed),
            );
            Command::CloseYear {
                legal_entity: legal_entity?,
                year: year?,
            }
        }
        "user_roles" => {
            let (username, roles) = (
                read(o, "username", line, errors, text),
                read(o, "roles", line, errors, |s| {
                    parse_roles(s).map_err(|e| e.to_string())
                }),
            );
            Command::Control(ControlCommand::SetUserRoles {
                username: username?,
                roles: roles?,
            })
        }
        _ => return None,
    })
}

/// The line of a command of this module, if it is one.
pub(crate) fn command_object(command: &Command) -> Option<Value> {
    let s = |v: &dyn std::fmt::Display| Value::String(v.to_string());
    Some(match command {
        Command::SetOverdraftLimit {
            account,
            currency,
            limit,
        } => json!({
            "type": "overdraft_limit", "account": account, "currency": s(currency), "limit": s(limit),
        }),
        Command::ClosePeriod {
            legal_entity,
            through,
        } => json!({
            "type": "close_period", "legal_entity": s(legal_entity), "through": s(through),
        }),
        Command::ReopenPeriod {
            legal_entity,
            from,
            reason,
        } => json!({
            "type": "reopen_period", "legal_entity": s(legal_entity), "from": s(from), "reason": reason,
        }),
        Command::CloseYear { legal_entity, year } => json!({
            "type": "close_year", "legal_entity": s(legal_entity), "year": s(year),
        }),
        Command::DefineLedgerAccount {
            legal_entity,
            account,
        } => json!({
            "type": "ledger_account", "legal_entity": s(legal_entity), "code": s(&account.code),
            "name": account.name, "account_type": account.account_type.code(),
        }),
        Command::Control(ControlCommand::SetUserRoles { username, roles }) => json!({
            "type": "user_roles", "username": username, "roles": roles_text(roles),
        }),
        _ => return None,
    })
}
