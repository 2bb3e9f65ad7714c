//! Reference data and messages: JSON lines, one object per line with a `type` field, and an
//! optional `message_id` on any line (the sender's idempotency key; without one, the key is
//! derived from the line's content, so re-importing a file applies nothing twice).
//!
//! ```text
//! {"type":"legal_entity","lei":"...","name":"...","reporting_currency":"EUR"}
//! {"type":"counterparty","lei":"...","name":"...","bic":"...","role":"broker|custodian|client|ccp"}
//! {"type":"instrument","isin":"...","name":"...","kind":"equity|bond|fund","currency":"EUR",
//!  "market":"XHEL","multiplier":"1","transaction_tax":false,
//!  bonds also: "coupon":"0.05","frequency":2,"day_count":"ACT/ACT-ICMA","issue_date":"...","maturity_date":"...",
//!  "first_coupon_date":"... (optional: the first regular date after issue)","end_of_month":false (optional, false)}
//! {"type":"book","code":"...","legal_entity":"...","desk":"...","trader":"...",
//!  "cost_method":"average|fifo (optional, average)"}
//! {"type":"account","code":"...","legal_entity":"...","owner":"house|client","custodian":"LEI",
//!  "safekeeping_account":"...","cash_account":"..."}
//! {"type":"ssi","counterparty":"LEI or absent for our own","market":"XHEL","currency":"EUR",
//!  "instrument_type":"equity","place_of_settlement":"BIC","agent":"BIC","safekeeping_account":"...","cash_account":"...",
//!  "valid_from":"2026-07-01 (optional: in force for every trade date)"}
//! {"type":"fee_schedule","market":"XHEL","instrument_type":"equity","commission_bp":"4",
//!  "commission_minimum":"9.00","exchange_fee_bp":"0.15","purchase_tax_bp":"0",
//!  "valid_from":"2026-07-01 (optional: in force for every trade date)"}
//! {"type":"ledger_account","legal_entity":"LEI","code":"5600","name":"IT and market data",
//!  "account_type":"asset|liability|equity|income|expense"}
//! {"type":"price","isin":"...","date":"2025-07-14","price":"20.50","source":"XHEL official close"}
//! {"type":"fx_rate","base":"EUR","quote":"USD","date":"2025-07-14","rate":"1.0800"}
//! {"type":"cash_movement","reference":"...","movement":"capital|deposit|withdrawal|transfer|custody_fee|penalty",
//!  "account":"...","to_account":"... (transfers)","currency":"EUR","amount":"50000.00",
//!  "value_date":"2025-07-11","pending_until":"... (two-phase, optional)"}
//! {"type":"trade", the fields of a trade file line (see `trades`), "action":"book|amend|cancel"}
//! {"type":"settlement","source":"OMS","external_id":"T-1","quantity":"600",
//!  "settlement_date":"2025-07-16","reference":"the custodian's reference"}
//! {"type":"netting_set","counterparty":"LEI","ccp":"LEI (optional: bilateral without)"}
//! {"type":"corporate_action","reference":"...","kind":"cash_dividend|split","isin":"...",
//!  "ex_date":"2025-07-16","record_date":"2025-07-17","pay_date":"2025-07-25",
//!  "amount_per_share":"0.50","currency":"EUR" (dividends), "ratio_new":"2","ratio_old":"1" (splits)}
//! {"type":"end_of_day","legal_entity":"LEI","date":"2025-07-14"}   (asset servicing, settlement penalties, then the end of day)
//! ```
//!
//! The settlement lines (instructing, custodians' statuses and confirmations, central-bank
//! rates, tolerances) are documented in [`crate::settlement_status`].
//!
//! Prices, FX rates and cash movements travel in the same files: they are what a back office
//! receives from its market-data vendor and its banks, one line each.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};

use kulissi_core::corporate_actions::CorporateActionKind;
use kulissi_core::daycount::CouponTerms;
use kulissi_core::engine::Command;
use kulissi_core::ledger::{AccountType, LedgerAccount};
use kulissi_core::money::Rate;
use kulissi_core::refdata::{Counterparty, FeeSchedule, Instrument, InstrumentKind, LegalEntity};
use rust_decimal::Decimal;

use crate::error::Collector;
use crate::fields::{FieldResult, date, decimal, parsed, text};
use crate::{ImportErrors, Located, MAX_LINES};

/// Calls `each` with the line number and the object of every non-blank line, its values as
/// text (strings as they are, numbers with all their digits, booleans as `true`/`false`;
/// `null` counts as absent). Lines that are not JSON objects are reported.
pub(crate) fn for_each_json_line(
    input: impl Read,
    errors: &mut Collector,
    mut each: impl FnMut(u64, HashMap<String, String>, &mut Collector),
) {
    let reader = BufReader::new(input);
    for (i, line) in reader.lines().enumerate() {
        let number = i as u64 + 1;
        if number > MAX_LINES {
            errors.push(
                number,
                None,
                format!("the file has more than {MAX_LINES} lines; split it"),
            );
            return;
        }
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                errors.push(number, None, format!("cannot read the line: {e}"));
                return;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<serde_json::Value>(&line) {
            Ok(serde_json::Value::Object(map)) => {
                let mut object = HashMap::new();
                for (key, value) in map {
                    let text = match value {
                        serde_json::Value::Null => continue,
                        serde_json::Value::String(s) => s,
                        serde_json::Value::Number(n) => n.to_string(),
                        serde_json::Value::Bool(b) => b.to_string(),
                        _ => {
                            errors.push(
                                number,
                                Some(&format!("$.{key}")),
                                "expected a string, number or boolean",
                            );
                            continue;
                        }
                    };
                    object.insert(key, text);
                }
                each(number, object, errors);
            }
            Ok(_) => errors.push(number, None, "expected a JSON object"),
            Err(e) => errors.push(number, None, format!("not valid JSON: {e}")),
        }
        if errors.full() {
            return;
        }
    }
}

/// Reads reference data as JSON lines.
pub fn read_refdata_jsonl(
    input: impl Read,
    file: &str,
) -> Result<Vec<Located<Command>>, ImportErrors> {
    let mut errors = Collector::new(file);
    let mut items = Vec::new();
    for_each_json_line(input, &mut errors, |line, object, errors| {
        if let Some(command) = refdata_command(&object, line, errors) {
            let id = crate::trades::message_id(&object);
            // An end of day first processes what falls due (asset servicing), accrues the
            // day's settlement penalties, then marks and revalues: one line, three commands,
            // each exactly once.
            if let Command::RunEndOfDay { legal_entity, date } = &command {
                let [service, penalties, _] =
                    kulissi_core::engine::end_of_day_steps(*legal_entity, *date);
                let step_id = |step: &str| id.as_ref().map(|id| format!("{id}/{step}"));
                items.push(Located::command(line, service, step_id("asset-servicing")));
                items.push(Located::command(line, penalties, step_id("penalties")));
            }
            items.push(Located::command(line, command, id));
        }
    });
    errors.finish(items)
}

/// `true` or `false`.
fn boolean(s: &str) -> FieldResult<bool> {
    match s {
        "true" => Ok(true),
        "false" => Ok(false),
        other => Err(format!("expected true or false, found '{other}'")),
    }
}

fn refdata_command(
    o: &HashMap<String, String>,
    line: u64,
    errors: &mut Collector,
) -> Option<Command> {
    macro_rules! read {
        ($name:literal, $parser:expr) => {{
            let parser: fn(&str) -> FieldResult<_> = $parser;
            match parser(o.get($name).map_or("", String::as_str)) {
                Ok(v) => Some(v),
                Err(message) => {
                    errors.push(line, Some(concat!("$.", $name)), message);
                    None
                }
            }
        }};
    }
    macro_rules! optional {
        ($name:literal, $parser:expr) => {{
            match o.get($name) {
                None => Some(None),
                Some(_) => read!($name, $parser).map(Some),
            }
        }};
    }
    let kind = o.get("type").map(String::as_str).unwrap_or("");
    let bp = |s: &str| decimal(s).map(Rate::from_basis_points);
    Some(match kind {
        "legal_entity" => {
            let (lei, name, currency) = (
                read!("lei", parsed),
                read!("name", text),
                read!("reporting_currency", parsed),
            );
            Command::DefineLegalEntity(LegalEntity {
                lei: lei?,
                name: name?,
                reporting_currency: currency?,
            })
        }
        "counterparty" => {
            let (lei, name, bic, role) = (
                read!("lei", parsed),
                read!("name", text),
                read!("bic", parsed),
                read!("role", parsed),
            );
            Command::DefineCounterparty(Counterparty {
                lei: lei?,
                name: name?,
                bic: bic?,
                role: role?,
            })
        }
        "instrument" => {
            let isin = read!("isin", parsed);
            let name = read!("name", text);
            let kind = read!("kind", text);
            let currency = read!("currency", parsed);
            let market = read!("market", parsed);
            let multiplier = optional!("multiplier", decimal);
            let taxed = optional!("transaction_tax", boolean);
            let instrument_kind = match kind?.to_ascii_lowercase().as_str() {
                "equity" => InstrumentKind::Equity,
                "fund" | "etf" => InstrumentKind::Fund,
                "bond" => {
                    let coupon = read!("coupon", decimal);
                    let frequency = read!("frequency", parsed);
                    let day_count = read!("day_count", parsed);
                    let issue = read!("issue_date", date);
                    let maturity = read!("maturity_date", date);
                    let first_coupon = optional!("first_coupon_date", date);
                    let end_of_month = optional!("end_of_month", boolean);
                    InstrumentKind::Bond(CouponTerms {
                        rate: coupon?,
                        frequency: frequency?,
                        day_count: day_count?,
                        issue_date: issue?,
                        maturity_date: maturity?,
                        first_coupon_date: first_coupon?,
                        end_of_month: end_of_month?.unwrap_or(false),
                    })
                }
                other => {
                    errors.push(
                        line,
                        Some("$.kind"),
                        format!("expected equity, bond or fund, found '{other}'"),
                    );
                    return None;
                }
            };
            let default_multiplier = match instrument_kind {
                InstrumentKind::Bond(_) => Decimal::new(1, 2),
                _ => Decimal::ONE,
            };
            Command::DefineInstrument(Instrument {
                isin: isin?,
                name: name?,
                kind: instrument_kind,
                currency: currency?,
                market: market?,
                multiplier: multiplier?.unwrap_or(default_multiplier),
                transaction_tax: taxed?.unwrap_or(false),
            })
        }
        "book" => {
            let (code, le, desk, trader) = (
                read!("code", text),
                read!("legal_entity", parsed),
                read!("desk", text),
                read!("trader", text),
            );
            let cost_method = optional!("cost_method", parsed);
            Command::DefineBook {
                code: code?,
                legal_entity: le?,
                desk: desk?,
                trader: trader?,
                cost_method: cost_method?.unwrap_or_default(),
            }
        }
        "account" => {
            let code = read!("code", text);
            let le = read!("legal_entity", parsed);
            let owner = read!("owner", parsed);
            let custodian = read!("custodian", parsed);
            let safekeeping = read!("safekeeping_account", text);
            let cash = read!("cash_account", text);
            Command::DefineAccount {
                code: code?,
                legal_entity: le?,
                owner: owner?,
                custodian: custodian?,
                safekeeping_account: safekeeping?,
                cash_account: cash?,
            }
        }
        "ssi" => {
            let counterparty = optional!("counterparty", parsed);
            let market = read!("market", parsed);
            let currency = read!("currency", parsed);
            let instrument_type = read!("instrument_type", parsed);
            let pset = read!("place_of_settlement", parsed);
            let agent = read!("agent", parsed);
            let safekeeping = read!("safekeeping_account", text);
            let cash = read!("cash_account", text);
            let valid_from = optional!("valid_from", date);
            Command::DefineSsi {
                counterparty: counterparty?,
                market: market?,
                currency: currency?,
                instrument_type: instrument_type?,
                place_of_settlement: pset?,
                agent: agent?,
                safekeeping_account: safekeeping?,
                cash_account: cash?,
                valid_from: valid_from?.unwrap_or(kulissi_core::refdata::IN_FORCE_FROM_THE_START),
            }
        }
        "fee_schedule" => {
            let market = read!("market", parsed);
            let instrument_type = read!("instrument_type", parsed);
            let commission = read!("commission_bp", bp);
            let minimum = optional!("commission_minimum", decimal);
            let exchange = optional!("exchange_fee_bp", bp);
            let tax = optional!("purchase_tax_bp", bp);
            let valid_from = optional!("valid_from", date);
            Command::DefineFeeSchedule(FeeSchedule {
                valid_from: valid_from?.unwrap_or(FeeSchedule::IN_FORCE_FROM_THE_START),
                market: market?,
                instrument_type: instrument_type?,
                commission: commission?,
                commission_minimum: minimum?.unwrap_or(Decimal::ZERO),
                exchange_fee: exchange?.unwrap_or(Rate::new(Decimal::ZERO)),
                purchase_tax: tax?.unwrap_or(Rate::new(Decimal::ZERO)),
            })
        }
        "ledger_account" => {
            let (le, code, name, account_type) = (
                read!("legal_entity", parsed),
                read!("code", parsed),
                read!("name", text),
                read!("account_type", |s| match s {
                    "asset" => Ok(AccountType::Asset),
                    "liability" => Ok(AccountType::Liability),
                    "equity" => Ok(AccountType::Equity),
                    "income" => Ok(AccountType::Income),
                    "expense" => Ok(AccountType::Expense),
                    other => Err(format!(
                        "expected asset, liability, equity, income or expense, found '{other}'"
                    )),
                }),
            );
            Command::DefineLedgerAccount {
                legal_entity: le?,
                account: LedgerAccount {
                    code: code?,
                    name: name?,
                    account_type: account_type?,
                },
            }
        }
        "price" => {
            let (isin, date, price, source) = (
                read!("isin", parsed),
                read!("date", date),
                read!("price", decimal),
                read!("source", text),
            );
            Command::RecordPrice {
                instrument: isin?,
                date: date?,
                price: kulissi_core::money::Price::new(price?),
                source: source?,
            }
        }
        "fx_rate" => {
            let (base, quote, date, rate) = (
                read!("base", parsed),
                read!("quote", parsed),
                read!("date", date),
                read!("rate", decimal),
            );
            Command::RecordFxRate {
                base: base?,
                quote: quote?,
                date: date?,
                rate: rate?,
            }
        }
        "cash_movement" => {
            let (reference, movement, account, to_account) = (
                read!("reference", text),
                read!("movement", parsed),
                read!("account", text),
                optional!("to_account", text),
            );
            let (currency, amount, value_date, pending_until) = (
                read!("currency", parsed),
                read!("amount", decimal),
                read!("value_date", date),
                optional!("pending_until", date),
            );
            Command::RecordCashMovement {
                reference: reference?,
                movement: movement?,
                account: account?,
                to_account: to_account?,
                currency: currency?,
                amount: amount?,
                value_date: value_date?,
                pending_until: pending_until?,
            }
        }
        "trade" => crate::trades::trade_command(o, line, errors)?,
        "netting_set" => {
            let counterparty = read!("counterparty", parsed);
            let ccp = optional!("ccp", parsed);
            Command::DefineNettingSet {
                counterparty: counterparty?,
                ccp: ccp?,
            }
        }
        "corporate_action" => {
            let reference = read!("reference", text);
            let isin = read!("isin", parsed);
            let ex_date = read!("ex_date", date);
            let record_date = read!("record_date", date);
            let pay_date = read!("pay_date", date);
            let action = read!("kind", text);
            let kind = match action?.as_str() {
                "cash_dividend" => {
                    let (amount, currency) = (
                        read!("amount_per_share", decimal),
                        read!("currency", parsed),
                    );
                    CorporateActionKind::CashDividend {
                        amount_per_share: amount?,
                        currency: currency?,
                    }
                }
                "split" => {
                    let (new, old) = (read!("ratio_new", decimal), read!("ratio_old", decimal));
                    CorporateActionKind::Split {
                        new: new?,
                        old: old?,
                    }
                }
                other => {
                    errors.push(
                        line,
                        Some("$.kind"),
                        format!("expected cash_dividend or split, found '{other}'"),
                    );
                    return None;
                }
            };
            Command::AnnounceCorporateAction {
                reference: reference?,
                isin: isin?,
                kind,
                ex_date: ex_date?,
                record_date: record_date?,
                pay_date: pay_date?,
            }
        }
        "end_of_day" => {
            let (legal_entity, date) = (read!("legal_entity", parsed), read!("date", date));
            Command::RunEndOfDay {
                legal_entity: legal_entity?,
                date: date?,
            }
        }
        "settlement" => {
            let (source, external_id, quantity) = (
                read!("source", text),
                read!("external_id", text),
                read!("quantity", decimal),
            );
            let (settlement_date, reference) =
                (read!("settlement_date", date), read!("reference", text));
            Command::ConfirmSettlement {
                source: source?,
                external_id: external_id?,
                quantity: kulissi_core::money::Quantity::new(quantity?),
                settlement_date: settlement_date?,
                reference: reference?,
            }
        }
        settlement if crate::settlement_status::JSON_KINDS.contains(&settlement) => {
            crate::settlement_status::json_command(settlement, o, line, errors)?
        }
        control if crate::controls::JSON_KINDS.contains(&control) => {
            crate::controls::json_command(control, o, line, errors)?
        }
        other => {
            errors.push(
                line,
                Some("$.type"),
                format!(
                    "expected legal_entity, counterparty, instrument, book, account, ssi, fee_schedule, ledger_account, price, fx_rate, cash_movement, trade, settlement, netting_set, corporate_action, end_of_day, {}, {}, found '{other}'",
                    crate::settlement_status::JSON_KINDS.join(", "),
                    crate::controls::JSON_KINDS.join(", ")
                ),
            );
            return None;
        }
    })
}
