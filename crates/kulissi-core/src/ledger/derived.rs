//! The journal the engine derives from its events (issue: the ledger driven by the engine).
//!
//! One entry per trade event and one per settlement confirmation, with lines netted by
//! account, so that a plain purchase reads Dr securities at cost / Cr unsettled purchases and
//! a plain sale reads Dr unsettled sales / Cr securities at cost / Cr realised P&L.
//!
//! The trade rule keeps securities at cost equal to the positions' cost sub-ledger by
//! construction: the consideration of the version replaced is reversed and the new one's is
//! booked through realised P&L, and every touched position's change of cost is booked
//! between securities at cost and realised P&L. A sale in order therefore realises gross
//! minus the cost released; a trade reported late, an amendment or a cancellation that
//! re-orders average cost corrects realised P&L by exactly the change of cost.

use jiff::civil::Date;
use rust_decimal::Decimal;

use super::chart::codes::*;
use super::journal::{EntryError, JournalEntry, JournalLine};
use crate::identifiers::Currency;
use crate::money::RoundingMode;
use crate::trade::{Side, TradeRecord};

/// Adds the consideration and charges of `record` to `lines`, mirrored when `sign` is −1.
fn consideration(record: &TradeRecord, sign: Decimal, lines: &mut Vec<JournalLine>) {
    let e = &record.economics;
    let ccy = record.terms.currency;
    let principal = e.gross + e.accrued;
    match record.terms.side {
        Side::Buy => {
            lines.push(JournalLine::debit(REALISED_PNL, ccy, sign * e.gross));
            lines.push(JournalLine::debit(ACCRUED_INTEREST, ccy, sign * e.accrued));
            lines.push(JournalLine::credit(UNSETTLED_PURCHASES, ccy, sign * principal));
        }
        Side::Sell => {
            lines.push(JournalLine::debit(UNSETTLED_SALES, ccy, sign * principal));
            lines.push(JournalLine::credit(ACCRUED_INTEREST, ccy, sign * e.accrued));
            lines.push(JournalLine::credit(REALISED_PNL, ccy, sign * e.gross));
        }
    }
    lines.push(JournalLine::debit(COMMISSION_EXPENSE, ccy, sign * e.commission));
    lines.push(JournalLine::debit(EXCHANGE_FEES, ccy, sign * e.fees));
    lines.push(JournalLine::debit(TRANSACTION_TAXES, ccy, sign * e.taxes));
    lines.push(JournalLine::credit(FEES_PAYABLE, ccy, sign * (e.commission + e.fees)));
    lines.push(JournalLine::credit(TAXES_PAYABLE, ccy, sign * e.taxes));
}

/// Sums lines by account and currency, dropping those that net to zero.
fn net_lines(lines: Vec<JournalLine>) -> Vec<JournalLine> {
    let mut out: Vec<JournalLine> = Vec::new();
    for line in lines {
        match out.iter_mut().find(|l| l.account == line.account && l.currency == line.currency) {
            Some(l) => {
                let net = l.net() + line.net();
                *l = JournalLine::debit(l.account, l.currency, net);
            }
            None => out.push(JournalLine::debit(line.account, line.currency, line.net())),
        }
    }
    out.retain(|l| !l.net().is_zero());
    out
}

/// The entry of one trade event: `old` is the live version it replaces (none for a
/// booking), `new` the live version it leaves (none for a cancellation), `cost_changes` the
/// change of cost of every position it touched, by currency. `None` when nothing moves.
pub fn post_trade_event(
    date: Date,
    trade_id: u64,
    old: Option<&TradeRecord>,
    new: Option<&TradeRecord>,
    cost_changes: &[(Currency, Decimal)],
) -> Result<Option<JournalEntry>, EntryError> {
    let mut lines = Vec::new();
    if let Some(old) = old {
        consideration(old, Decimal::NEGATIVE_ONE, &mut lines);
    }
    if let Some(new) = new {
        consideration(new, Decimal::ONE, &mut lines);
    }
    for (currency, change) in cost_changes {
        lines.push(JournalLine::debit(SECURITIES_AT_COST, *currency, *change));
        lines.push(JournalLine::credit(REALISED_PNL, *currency, *change));
    }
    let lines = net_lines(lines);
    if lines.is_empty() {
        return Ok(None);
    }
    let what = match (old, new) {
        (None, Some(_)) => "booked",
        (Some(_), Some(_)) => "amended",
        _ => "cancelled",
    };
    JournalEntry::new(date, format!("Trade {trade_id} {what}"), Some(trade_id), lines).map(Some)
}

/// The amounts a trade has settled when `settled` of its quantity has: each amount pro rata,
/// rounded half-up to the currency, and exactly the whole once all of it has settled.
fn settled_part(record: &TradeRecord, settled: Decimal, amount: Decimal) -> Decimal {
    let total = record.terms.quantity.value();
    if settled >= total || total.is_zero() {
        return amount;
    }
    let dp = u32::from(record.terms.currency.minor_units().unwrap_or(2));
    RoundingMode::HalfUp.round(amount * settled / total, dp)
}

/// The entry of a settlement confirmation that takes a trade from `settled_before` to
/// `settled_after` of its quantity: the unsettled balance and payables of that part against
/// cash. Pro rata per confirmation, the last one settling whatever remains, so a trade
/// settled in parts posts exactly what it would have posted at once.
pub fn post_settlement_part(
    date: Date,
    record: &TradeRecord,
    settled_before: Decimal,
    settled_after: Decimal,
) -> Result<Option<JournalEntry>, EntryError> {
    let e = &record.economics;
    let ccy = record.terms.currency;
    let part = |amount: Decimal| settled_part(record, settled_after, amount) - settled_part(record, settled_before, amount);
    let principal = part(e.gross + e.accrued);
    let fees = part(e.commission + e.fees);
    let taxes = part(e.taxes);
    let lines = match record.terms.side {
        // Cash paid is the sum of the parts, so the entry balances whatever the rounding.
        Side::Buy => vec![
            JournalLine::debit(UNSETTLED_PURCHASES, ccy, principal),
            JournalLine::debit(FEES_PAYABLE, ccy, fees),
            JournalLine::debit(TAXES_PAYABLE, ccy, taxes),
            JournalLine::credit(CASH, ccy, principal + fees + taxes),
        ],
        Side::Sell => vec![
            JournalLine::debit(CASH, ccy, principal - fees - taxes),
            JournalLine::debit(FEES_PAYABLE, ccy, fees),
            JournalLine::debit(TAXES_PAYABLE, ccy, taxes),
            JournalLine::credit(UNSETTLED_SALES, ccy, principal),
        ],
    };
    match JournalEntry::new(date, format!("Settlement of trade {}", record.trade_id), Some(record.trade_id), lines) {
        Ok(entry) => Ok(Some(entry)),
        Err(EntryError::Empty) => Ok(None),
        Err(e) => Err(e),
    }
}
