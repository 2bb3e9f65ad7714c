//! Writes commands as the JSON lines `kulissi import messages` reads back: reference data,
//! trades, settlements, prices, FX rates, cash movements and ends of day, one object per
//! line with its `type`, decimals as strings so that every digit survives.
//!
//! `kulissi generate --to FILE` writes the demo firm this way, so the firm can be imported
//! into another store and read by outside tools (the reference model of the journal in
//! `tools/oracles/journal_model.py` reads exactly these files).

use std::io::{self, Write};

use kulissi_core::corporate_actions::CorporateActionKind;
use kulissi_core::engine::Command;
use kulissi_core::refdata::InstrumentKind;
use serde_json::{Map, Value, json};

/// The JSON object of a command, or `None` for a command the message files do not carry
/// (those a person types at the prompt: amendments of periods, approvals and the like).
pub fn command_object(command: &Command) -> Option<Value> {
    let s = |v: &dyn ToString| Value::String(v.to_string());
    Some(match command {
        Command::DefineLegalEntity(e) => json!({
            "type": "legal_entity", "lei": s(&e.lei), "name": e.name,
            "reporting_currency": s(&e.reporting_currency),
        }),
        Command::DefineCounterparty(c) => json!({
            "type": "counterparty", "lei": s(&c.lei), "name": c.name, "bic": s(&c.bic),
            "role": c.role.code(),
        }),
        Command::DefineInstrument(i) => {
            let mut o = json!({
                "type": "instrument", "isin": s(&i.isin), "name": i.name,
                "kind": i.kind.instrument_type().code(), "currency": s(&i.currency),
                "market": i.market.mic(), "multiplier": s(&i.multiplier),
                "transaction_tax": i.transaction_tax,
            });
            if let (InstrumentKind::Bond(terms), Value::Object(map)) = (&i.kind, &mut o) {
                map.insert("coupon".into(), s(&terms.rate));
                map.insert("frequency".into(), s(&terms.frequency));
                map.insert("day_count".into(), terms.day_count.code().into());
                map.insert("issue_date".into(), s(&terms.issue_date));
                map.insert("maturity_date".into(), s(&terms.maturity_date));
                if let Some(first) = terms.first_coupon_date {
                    map.insert("first_coupon_date".into(), s(&first));
                }
                map.insert("end_of_month".into(), Value::Bool(terms.end_of_month));
            }
            o
        }
        Command::DefineBook {
            code,
            legal_entity,
            desk,
            trader,
            cost_method,
        } => json!({
            "type": "book", "code": code, "legal_entity": s(legal_entity), "desk": desk,
            "trader": trader, "cost_method": cost_method.code(),
        }),
        Command::DefineAccount {
            code,
            legal_entity,
            owner,
            custodian,
            safekeeping_account,
            cash_account,
        } => json!({
            "type": "account", "code": code, "legal_entity": s(legal_entity),
            "owner": owner.code(), "custodian": s(custodian),
            "safekeeping_account": safekeeping_account, "cash_account": cash_account,
        }),
        Command::DefineSsi {
            counterparty,
            market,
            currency,
            instrument_type,
            place_of_settlement,
            agent,
            safekeeping_account,
            cash_account,
            valid_from,
        } => {
            let mut o = json!({
                "type": "ssi", "market": market.mic(), "currency": s(currency),
                "instrument_type": instrument_type.code(),
                "place_of_settlement": s(place_of_settlement), "agent": s(agent),
                "safekeeping_account": safekeeping_account, "cash_account": cash_account,
                "valid_from": s(valid_from),
            });
            if let (Some(c), Value::Object(map)) = (counterparty, &mut o) {
                map.insert("counterparty".into(), s(c));
            }
            o
        }
        Command::DefineFeeSchedule(f) => json!({
            "type": "fee_schedule", "market": f.market.mic(),
            "instrument_type": f.instrument_type.code(),
            "commission_bp": s(&f.commission.basis_points()),
            "commission_minimum": s(&f.commission_minimum),
            "exchange_fee_bp": s(&f.exchange_fee.basis_points()),
            "purchase_tax_bp": s(&f.purchase_tax.basis_points()),
            "valid_from": s(&f.valid_from),
        }),
        Command::RecordPrice {
            instrument,
            date,
            price,
            source,
        } => json!({
            "type": "price", "isin": s(instrument), "date": s(date),
            "price": s(&price.value()), "source": source,
        }),
        Command::RecordFxRate {
            base,
            quote,
            date,
            rate,
        } => json!({
            "type": "fx_rate", "base": s(base), "quote": s(quote), "date": s(date),
            "rate": s(rate),
        }),
        Command::RecordCashMovement {
            reference,
            movement,
            account,
            to_account,
            currency,
            amount,
            value_date,
            pending_until,
        } => {
            let mut map = Map::new();
            map.insert("type".into(), "cash_movement".into());
            map.insert("reference".into(), reference.as_str().into());
            map.insert("movement".into(), movement.code().into());
            map.insert("account".into(), account.as_str().into());
            if let Some(to) = to_account {
                map.insert("to_account".into(), to.as_str().into());
            }
            map.insert("currency".into(), s(currency));
            map.insert("amount".into(), s(amount));
            map.insert("value_date".into(), s(value_date));
            if let Some(until) = pending_until {
                map.insert("pending_until".into(), s(until));
            }
            Value::Object(map)
        }
        Command::BookTrade(t) | Command::AmendTrade(t) => {
            let action = if matches!(command, Command::BookTrade(_)) {
                "book"
            } else {
                "amend"
            };
            let mut o = json!({
                "type": "trade", "action": action, "source": t.source,
                "external_id": t.external_id, "legal_entity": s(&t.legal_entity),
                "book": t.book, "trader": t.trader, "counterparty": s(&t.counterparty),
                "account": t.account, "isin": s(&t.instrument), "side": t.side.code(),
                "quantity": s(&t.quantity.value()), "price": s(&t.price.value()),
                "currency": s(&t.currency), "trade_date": s(&t.trade_date),
                "trade_time": s(&t.trade_time), "venue": s(&t.venue),
            });
            if let (Some(date), Value::Object(map)) = (t.settlement_date, &mut o) {
                map.insert("settlement_date".into(), s(&date));
            }
            o
        }
        Command::CancelTrade {
            source,
            external_id,
            reason,
        } => json!({
            "type": "trade", "action": "cancel", "source": source,
            "external_id": external_id, "reason": reason,
        }),
        Command::ConfirmSettlement {
            source,
            external_id,
            quantity,
            settlement_date,
            reference,
        } => json!({
            "type": "settlement", "source": source, "external_id": external_id,
            "quantity": s(&quantity.value()), "settlement_date": s(settlement_date),
            "reference": reference,
        }),
        Command::AnnounceCorporateAction {
            reference,
            isin,
            kind,
            ex_date,
            record_date,
            pay_date,
        } => {
            let mut o = json!({
                "type": "corporate_action", "reference": reference, "kind": kind.code(),
                "isin": s(isin), "ex_date": s(ex_date), "record_date": s(record_date),
                "pay_date": s(pay_date),
            });
            if let Value::Object(map) = &mut o {
                match kind {
                    CorporateActionKind::CashDividend {
                        amount_per_share,
                        currency,
                    } => {
                        map.insert("amount_per_share".into(), s(amount_per_share));
                        map.insert("currency".into(), s(currency));
                    }
                    CorporateActionKind::Split { new, old } => {
                        map.insert("ratio_new".into(), s(new));
                        map.insert("ratio_old".into(), s(old));
                    }
                }
            }
            o
        }
        Command::DefineNettingSet { counterparty, ccp } => {
            let mut o = json!({"type": "netting_set", "counterparty": s(counterparty)});
            if let (Some(ccp), Value::Object(map)) = (ccp, &mut o) {
                map.insert("ccp".into(), s(ccp));
            }
            o
        }
        Command::InstructSettlement { date } => {
            json!({"type": "instruct_settlement", "date": s(date)})
        }
        Command::RecordSettlementStatus {
            reference,
            status,
            reasons,
            date,
        } => json!({
            "type": "settlement_status", "reference": reference, "status": status.name(),
            "reasons": reasons.join(";"), "date": s(date),
        }),
        Command::ConfirmInstruction {
            reference,
            quantity,
            amount,
            settlement_date,
            isin,
        } => {
            let mut o = json!({
                "type": "instruction_settlement", "reference": reference,
                "quantity": s(quantity), "settlement_date": s(settlement_date),
            });
            if let Value::Object(map) = &mut o {
                if let Some(amount) = amount {
                    map.insert("amount".into(), s(amount));
                }
                if let Some(isin) = isin {
                    map.insert("isin".into(), s(isin));
                }
            }
            o
        }
        Command::ResendInstruction { reference } => {
            json!({"type": "instruction", "reference": reference, "action": "resend"})
        }
        Command::HoldInstruction { reference, hold } => json!({
            "type": "instruction", "reference": reference,
            "action": if *hold { "hold" } else { "release" },
        }),
        Command::RecordCentralBankRate {
            currency,
            date,
            rate,
        } => json!({
            "type": "central_bank_rate", "currency": s(currency), "date": s(date),
            "rate": s(rate),
        }),
        Command::SetPenaltyRate {
            class,
            valid_from,
            basis_points,
        } => json!({
            "type": "penalty_rate", "class": class.code(), "valid_from": s(valid_from),
            "basis_points": s(basis_points),
        }),
        Command::SetSettlementTolerance { currency, amount } => json!({
            "type": "settlement_tolerance", "currency": s(currency), "amount": s(amount),
        }),
        // An end_of_day line stands for every step (see `refdata`).
        Command::ServiceAssets { .. } | Command::AccrueSettlementPenalties { .. } => return None,
        Command::RunEndOfDay { legal_entity, date } => json!({
            "type": "end_of_day", "legal_entity": s(legal_entity), "date": s(date),
        }),
        other => return crate::controls::command_object(other),
    })
}

/// Writes a command as one line; returns whether it was one the message files carry.
pub fn write_command(command: &Command, out: &mut impl Write) -> io::Result<bool> {
    match command_object(command) {
        Some(object) => {
            serde_json::to_writer(&mut *out, &object)?;
            out.write_all(b"\n")?;
            Ok(true)
        }
        None => Ok(false),
    }
}
