//! Positions and projected cash, kept by the engine as trades are booked, amended and
//! cancelled.
//!
//! A position is keyed by account × instrument and holds the trade-date quantity (signed:
//! long > 0), the quantity actually settled (moved by settlement confirmations, which a later
//! capability adds), and the cost basis of the open quantity at average cost. Average cost
//! depends on the order of trades, so each position keeps its live trades ordered by trade
//! date, time and id; a trade that arrives last folds in incrementally, anything else (a
//! back-dated booking, an amendment, a cancellation) recomputes the position from its trades.
//!
//! Projected cash is keyed by account × currency × value date (the settlement date) and
//! moves by each live trade's net amount: −net for a purchase, +net for a sale.

use std::collections::HashMap;

use jiff::civil::Date;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::identifiers::Currency;
use crate::trade::TradeRecord;

/// Decimals kept in a cost basis after a partial close (its pro-rata reduction divides).
const COST_DECIMALS: u32 = 12;

/// Account × instrument (ids).
pub type PositionKey = (u32, u32);

/// Account × currency × value date.
pub type CashKey = (u32, Currency, Date);

/// One account's holding of one instrument.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Position {
    /// Trade-date quantity: the sum of live trades' signed quantities.
    pub quantity: Decimal,
    /// Quantity settled at the custodian (moved by settlement confirmations).
    pub settled_quantity: Decimal,
    /// Cost of the open quantity at average cost, in the instrument currency, signed like
    /// the quantity (a short's cost basis is negative).
    pub cost: Decimal,
    /// Live trade ids, ordered by (trade date, trade time, trade id).
    trades: Vec<u64>,
}

impl Position {
    /// Average cost per unit of quantity (gross per unit, so it includes the multiplier);
    /// zero when flat.
    pub fn average_cost(&self) -> Decimal {
        if self.quantity.is_zero() {
            Decimal::ZERO
        } else {
            (self.cost / self.quantity)
                .round_dp_with_strategy(COST_DECIMALS, RoundingStrategy::MidpointNearestEven)
        }
    }

    /// The live trades in this position, in cost order.
    pub fn trade_ids(&self) -> &[u64] {
        &self.trades
    }

    /// Folds one trade into quantity and cost at average cost: adding to a position adds its
    /// gross; reducing one releases cost pro rata (the average is unchanged); crossing zero
    /// closes the old position and opens the remainder at the trade's own price.
    pub fn fold(&mut self, signed_quantity: Decimal, gross: Decimal) {
        let q = self.quantity;
        let t = signed_quantity;
        if t.is_zero() {
            return;
        }
        let trade_cost = if t.is_sign_negative() { -gross } else { gross };
        if q.is_zero() || q.is_sign_negative() == t.is_sign_negative() {
            self.quantity = q + t;
            self.cost += trade_cost;
        } else if t.abs() <= q.abs() {
            let remaining = q + t;
            self.cost = (self.cost * remaining / q)
                .round_dp_with_strategy(COST_DECIMALS, RoundingStrategy::MidpointNearestEven);
            self.quantity = remaining;
        } else {
            let remaining = q + t;
            self.cost = (trade_cost * remaining.abs() / t.abs())
                .round_dp_with_strategy(COST_DECIMALS, RoundingStrategy::MidpointNearestEven);
            self.quantity = remaining;
        }
    }
}

/// The order trades enter average cost in.
fn cost_order(record: &TradeRecord) -> (Date, jiff::Timestamp, u64) {
    (
        record.terms.trade_date,
        record.terms.trade_time,
        record.trade_id,
    )
}

/// All positions and the projected cash ladder.
#[derive(Debug, Clone, Default)]
pub struct Holdings {
    /// Positions by account × instrument.
    pub positions: HashMap<PositionKey, Position>,
    /// Projected cash by account × currency × value date.
    pub cash: HashMap<CashKey, Decimal>,
}

impl Holdings {
    /// Adds a live trade version to its position and the cash ladder. `lookup` finds other
    /// trades of the position by id (for ordering and recomputation).
    pub fn add<'a>(
        &mut self,
        record: &TradeRecord,
        lookup: impl Fn(u64) -> Option<&'a TradeRecord>,
    ) {
        let key = (record.terms.account, record.terms.instrument);
        let position = self.positions.entry(key).or_default();
        let order = cost_order(record);
        let at = position
            .trades
            .partition_point(|id| lookup(*id).map(cost_order).is_some_and(|o| o < order));
        position.trades.insert(at, record.trade_id);
        if at + 1 == position.trades.len() {
            position.fold(record.terms.signed_quantity(), record.economics.gross);
        } else {
            recompute(position, &lookup, Some(record));
        }
        *self.cash.entry(cash_key(record)).or_default() +=
            record.economics.cash_flow(record.terms.side);
    }

    /// Removes a trade version (the one being replaced or cancelled) from its position and
    /// the cash ladder.
    pub fn remove<'a>(
        &mut self,
        record: &TradeRecord,
        lookup: impl Fn(u64) -> Option<&'a TradeRecord>,
    ) {
        let key = (record.terms.account, record.terms.instrument);
        if let Some(position) = self.positions.get_mut(&key) {
            position.trades.retain(|id| *id != record.trade_id);
            recompute(position, &lookup, None);
        }
        *self.cash.entry(cash_key(record)).or_default() -=
            record.economics.cash_flow(record.terms.side);
    }
}

fn cash_key(record: &TradeRecord) -> CashKey {
    (
        record.terms.account,
        record.terms.currency,
        record.terms.settlement_date,
    )
}

/// Recomputes quantity and cost from the position's trades; `fresh` is a record not yet in
/// the lookup (the version being added).
fn recompute<'a>(
    position: &mut Position,
    lookup: &impl Fn(u64) -> Option<&'a TradeRecord>,
    fresh: Option<&TradeRecord>,
) {
    position.quantity = Decimal::ZERO;
    position.cost = Decimal::ZERO;
    let trades = std::mem::take(&mut position.trades);
    for id in &trades {
        let record = match fresh {
            Some(f) if f.trade_id == *id => Some(f),
            _ => lookup(*id),
        };
        if let Some(r) = record {
            position.fold(r.terms.signed_quantity(), r.economics.gross);
        }
    }
    position.trades = trades;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    /// domain.md §6: buy 100 at 10, buy 200 at 13, sell 150 at 15 → average 12, remaining
    /// 150 with cost 1,800.
    #[test]
    fn average_cost_worked_example() {
        let mut p = Position::default();
        p.fold(d("100"), d("1000"));
        p.fold(d("200"), d("2600"));
        assert_eq!(p.average_cost(), d("12"));
        p.fold(d("-150"), d("2250"));
        assert_eq!((p.quantity, p.cost), (d("150"), d("1800")));
        assert_eq!(p.average_cost(), d("12"));
    }

    /// Crossing zero resets the average to the flipping trade's price.
    #[test]
    fn a_flip_opens_the_remainder_at_the_trade_price() {
        let mut p = Position::default();
        p.fold(d("100"), d("1000"));
        p.fold(d("-300"), d("4500"));
        assert_eq!((p.quantity, p.cost), (d("-200"), d("-3000")));
        assert_eq!(p.average_cost(), d("15"));
        p.fold(d("200"), d("2800"));
        assert_eq!((p.quantity, p.cost), (d("0"), d("0")));
    }
}
