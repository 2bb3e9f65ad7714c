//! Positions and projected cash, kept by the engine as trades are booked, amended and
//! cancelled.
//!
//! A position is keyed by account × instrument and holds the trade-date quantity (signed:
//! long > 0), the quantity actually settled (moved by settlement confirmations, which a later
//! capability adds), and the cost basis of the open quantity, at average cost or FIFO (the
//! book's [`CostMethod`]). Cost depends on the order of trades, so each position keeps its
//! live trades ordered by trade date, time and id, each with the running quantity and cost
//! after it: a trade that arrives last folds in at once, and anything else (a trade reported
//! late, an amendment, a cancellation) refolds only the trades after it at average cost, or
//! all of them under FIFO (whose state is the queue of open lots).
//!
//! Projected cash is keyed by account × currency × value date (the settlement date) and
//! moves by each live trade's net amount: −net for a purchase, +net for a sale.

use std::collections::HashMap;

use jiff::civil::Date;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::identifiers::Currency;
use crate::refdata::CostMethod;
use crate::trade::TradeRecord;

/// Decimals kept in a cost basis after a partial close (its pro-rata reduction divides).
const COST_DECIMALS: u32 = 12;

/// Account × instrument (ids).
pub type PositionKey = (crate::ids::AccountId, crate::ids::InstrumentId);

/// Account × currency × value date.
pub type CashKey = (crate::ids::AccountId, Currency, Date);

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
    /// Live trades in cost order, each with the running quantity and cost after it, so a
    /// trade placed anywhere refolds only the trades after it, without looking others up.
    pub(crate) trades: Vec<PositionTrade>,
    /// Decimals the cost basis is kept to: the currency's minor units once a trade has been
    /// placed through [`Holdings`] (so the ledger can carry it to the cent), 12 otherwise.
    pub(crate) cost_decimals: Option<u32>,
    /// How cost is released.
    pub(crate) method: CostMethod,
    /// Under FIFO, the open lots, oldest first: quantity and cost, signed like the position.
    pub(crate) lots: std::collections::VecDeque<(Decimal, Decimal)>,
}

/// The order trades enter average cost in: trade date, trade time, trade id.
pub type CostOrder = (Date, jiff::Timestamp, crate::ids::TradeId);

/// Entries that are corporate actions rather than trades carry an id with this bit set
/// (trade ids never reach it), so a position's entries stay one list in cost order.
const CORPORATE_ACTION: u64 = 1 << 63;

/// What a position entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// A live trade: its signed quantity and gross.
    Trade,
    /// A split: the quantity is multiplied by the ratio, the cost is unchanged (so the
    /// average cost divides by it); the entry's `signed_quantity` holds the ratio.
    Split,
    /// A redemption: the whole position is closed, all of its cost released; the entry's
    /// `gross` holds the redemption amount per unit (price × multiplier).
    Redemption,
}

/// A corporate-action entry's id in a position: `action` counts from 0.
pub fn corporate_action_entry(action: u64) -> crate::ids::TradeId {
    crate::ids::TradeId(CORPORATE_ACTION | action)
}

/// A live trade's contribution to a position (or a corporate action's, see [`EntryKind`]),
/// and the position's state after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PositionTrade {
    pub(crate) order: CostOrder,
    pub(crate) signed_quantity: Decimal,
    pub(crate) gross: Decimal,
    pub(crate) quantity_after: Decimal,
    pub(crate) cost_after: Decimal,
}

impl PositionTrade {
    fn kind(&self) -> EntryKind {
        if self.order.2.0 & CORPORATE_ACTION == 0 {
            EntryKind::Trade
        } else if self.gross.is_zero() && !self.signed_quantity.is_zero() {
            EntryKind::Split
        } else {
            EntryKind::Redemption
        }
    }

    /// The position (quantity, cost) after this entry at average cost.
    fn step(&self, q: Decimal, cost: Decimal, decimals: u32) -> (Decimal, Decimal) {
        match self.kind() {
            EntryKind::Trade => fold(q, cost, self.signed_quantity, self.gross, decimals),
            EntryKind::Split => (q * self.signed_quantity, cost),
            EntryKind::Redemption => (Decimal::ZERO, Decimal::ZERO),
        }
    }

    /// The position after this entry under FIFO.
    fn step_fifo(
        &self,
        lots: &mut std::collections::VecDeque<(Decimal, Decimal)>,
        decimals: u32,
    ) -> (Decimal, Decimal) {
        match self.kind() {
            EntryKind::Trade => fold_fifo(lots, self.signed_quantity, self.gross, decimals),
            EntryKind::Split => {
                for lot in lots.iter_mut() {
                    lot.0 *= self.signed_quantity;
                }
                lots.iter()
                    .fold((Decimal::ZERO, Decimal::ZERO), |(q, c), lot| {
                        (q + lot.0, c + lot.1)
                    })
            }
            EntryKind::Redemption => {
                lots.clear();
                (Decimal::ZERO, Decimal::ZERO)
            }
        }
    }
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
    pub fn trade_ids(&self) -> impl Iterator<Item = crate::ids::TradeId> + '_ {
        self.trades
            .iter()
            .filter(|t| t.kind() == EntryKind::Trade)
            .map(|t| t.order.2)
    }

    /// Every entry in cost order: its kind, its order key, and the value it carries (a
    /// trade's signed quantity, a split's ratio, a redemption's amount per unit).
    pub fn entries(&self) -> impl Iterator<Item = (EntryKind, CostOrder, Decimal)> + '_ {
        self.trades.iter().map(|t| {
            let kind = t.kind();
            let value = match kind {
                EntryKind::Trade | EntryKind::Split => t.signed_quantity,
                EntryKind::Redemption => t.gross,
            };
            (kind, t.order, value)
        })
    }

    /// Whether a corporate action (a split or a redemption) has versioned the position.
    pub fn has_corporate_actions(&self) -> bool {
        self.trades.iter().any(|t| t.kind() != EntryKind::Trade)
    }

    /// Places a corporate action's entry in cost order and refolds from there; returns the
    /// trade-date quantity just before it.
    pub fn insert_corporate_action(
        &mut self,
        order: CostOrder,
        kind: EntryKind,
        value: Decimal,
    ) -> Decimal {
        let (signed_quantity, gross) = match kind {
            EntryKind::Split => (value, Decimal::ZERO),
            _ => (Decimal::ZERO, value),
        };
        self.insert(order, signed_quantity, gross);
        let at = self.trades.partition_point(|t| t.order < order);
        at.checked_sub(1)
            .and_then(|i| self.trades.get(i))
            .map_or(Decimal::ZERO, |t| t.quantity_after)
    }

    /// An empty position whose cost basis is kept to `decimals` (a currency's minor units).
    pub fn with_cost_decimals(decimals: u32) -> Position {
        Position {
            cost_decimals: Some(decimals),
            ..Position::default()
        }
    }

    /// An empty position released at `method`, its cost kept to `decimals`.
    pub fn new(method: CostMethod, decimals: u32) -> Position {
        Position {
            method,
            ..Position::with_cost_decimals(decimals)
        }
    }

    /// How this position releases cost.
    pub fn method(&self) -> CostMethod {
        self.method
    }

    /// Folds one trade into quantity and cost at average cost: adding to a position adds its
    /// gross; reducing one releases cost pro rata, rounded half-up to the position's cost
    /// decimals (the average is unchanged up to that rounding); crossing zero closes the old
    /// position and opens the remainder at the trade's own price.
    pub fn fold(&mut self, signed_quantity: Decimal, gross: Decimal) {
        let decimals = self.cost_decimals.unwrap_or(COST_DECIMALS);
        (self.quantity, self.cost) = match self.method {
            CostMethod::AverageCost => {
                fold(self.quantity, self.cost, signed_quantity, gross, decimals)
            }
            CostMethod::Fifo => fold_fifo(&mut self.lots, signed_quantity, gross, decimals),
        };
    }

    /// Places a trade in cost order and refolds from there.
    fn insert(&mut self, order: CostOrder, signed_quantity: Decimal, gross: Decimal) {
        let at = match self.trades.last() {
            // Trades mostly arrive in order: append without searching.
            Some(last) if last.order < order => self.trades.len(),
            None => 0,
            Some(_) => self.trades.partition_point(|t| t.order < order),
        };
        let entry = PositionTrade {
            order,
            signed_quantity,
            gross,
            quantity_after: Decimal::ZERO,
            cost_after: Decimal::ZERO,
        };
        self.trades.insert(at, entry);
        self.refold_from(at);
    }

    /// Takes a trade out and refolds from where it was.
    fn remove(&mut self, trade_id: crate::ids::TradeId) {
        if let Some(at) = self.trades.iter().position(|t| t.order.2 == trade_id) {
            self.trades.remove(at);
            self.refold_from(at);
        }
    }

    fn refold_from(&mut self, at: usize) {
        let decimals = self.cost_decimals.unwrap_or(COST_DECIMALS);
        if self.method == CostMethod::Fifo {
            // The lots after an earlier trade are not kept: unless the trade was appended,
            // refold from the first.
            let appended = at + 1 == self.trades.len();
            if !appended {
                self.lots.clear();
            }
            let from = if appended { at } else { 0 };
            let (mut quantity, mut cost) = if appended {
                (self.quantity, self.cost)
            } else {
                (Decimal::ZERO, Decimal::ZERO)
            };
            for t in self.trades.iter_mut().skip(from) {
                (quantity, cost) = t.step_fifo(&mut self.lots, decimals);
                t.quantity_after = quantity;
                t.cost_after = cost;
            }
            if self.trades.is_empty() {
                (quantity, cost) = (Decimal::ZERO, Decimal::ZERO);
            }
            self.quantity = quantity;
            self.cost = cost;
            return;
        }
        let (mut quantity, mut cost) = match at.checked_sub(1).and_then(|i| self.trades.get(i)) {
            Some(before) => (before.quantity_after, before.cost_after),
            None => (Decimal::ZERO, Decimal::ZERO),
        };
        for t in self.trades.iter_mut().skip(at) {
            (quantity, cost) = t.step(quantity, cost, decimals);
            t.quantity_after = quantity;
            t.cost_after = cost;
        }
        self.quantity = quantity;
        self.cost = cost;
    }
}

/// One step of average cost: the position (quantity, cost) after a trade.
fn fold(
    q: Decimal,
    cost: Decimal,
    t: Decimal,
    gross: Decimal,
    decimals: u32,
) -> (Decimal, Decimal) {
    if t.is_zero() {
        return (q, cost);
    }
    let trade_cost = if t.is_sign_negative() { -gross } else { gross };
    let round = |v: Decimal| {
        let mut rounded =
            v.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero);
        rounded.rescale(decimals);
        rounded
    };
    if q.is_zero() || q.is_sign_negative() == t.is_sign_negative() {
        (q + t, cost + trade_cost)
    } else if t.abs() <= q.abs() {
        let remaining = q + t;
        (remaining, round(cost * remaining / q))
    } else {
        let remaining = q + t;
        (remaining, round(trade_cost * remaining.abs() / t.abs()))
    }
}

/// One step of FIFO: the trade closes the oldest opposite lots first (each partly closed
/// lot releasing its cost pro rata, rounded half-up to `decimals`), and what is left opens a
/// new lot at the trade's own price. Returns the position (quantity, cost) after it.
fn fold_fifo(
    lots: &mut std::collections::VecDeque<(Decimal, Decimal)>,
    t: Decimal,
    gross: Decimal,
    decimals: u32,
) -> (Decimal, Decimal) {
    let round = |v: Decimal| {
        let mut rounded =
            v.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero);
        rounded.rescale(decimals);
        rounded
    };
    let mut left = t;
    while !left.is_zero() {
        let Some(lot) = lots.front_mut() else { break };
        if lot.0.is_sign_negative() == left.is_sign_negative() {
            break;
        }
        if left.abs() >= lot.0.abs() {
            left += lot.0;
            lots.pop_front();
        } else {
            let remaining = lot.0 + left;
            lot.1 = round(lot.1 * remaining / lot.0);
            lot.0 = remaining;
            left = Decimal::ZERO;
        }
    }
    if !left.is_zero() {
        let unit_cost = if t.is_sign_negative() { -gross } else { gross };
        lots.push_back((left, round(unit_cost * left.abs() / t.abs())));
    }
    lots.iter()
        .fold((Decimal::ZERO, Decimal::ZERO), |(q, c), lot| {
            (q + lot.0, c + lot.1)
        })
}

fn cost_order(record: &TradeRecord) -> CostOrder {
    (
        record.terms.trade_date,
        record.terms.trade_time,
        record.trade_id,
    )
}

/// All positions and the projected cash ladder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Holdings {
    /// Positions by account × instrument.
    pub positions: HashMap<PositionKey, Position, IdHasher>,
    /// Projected cash by account × currency × value date.
    pub cash: HashMap<CashKey, Decimal, IdHasher>,
}

/// A fast hasher for keys made of our own small integers (ids, dates), which outside input
/// cannot choose, so the DoS resistance of `std`'s SipHash buys nothing here. (Multiply and
/// rotate, as rustc's FxHasher does.)
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IdHasher;

impl std::hash::BuildHasher for IdHasher {
    type Hasher = FxHasher;
    fn build_hasher(&self) -> FxHasher {
        FxHasher(0)
    }
}

/// The hasher of [`IdHasher`].
#[derive(Debug, Clone, Copy, Default)]
pub struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.write_u64(u64::from(i));
    }
    fn write_u16(&mut self, i: u16) {
        self.write_u64(u64::from(i));
    }
    fn write_u32(&mut self, i: u32) {
        self.write_u64(u64::from(i));
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
    fn finish(&self) -> u64 {
        // The multiply leaves the entropy in the high bits, and hash tables index buckets by
        // the low ones: rotate it down (keys that differ only in their last bytes, like
        // external ids, would otherwise share buckets).
        self.0.rotate_left(26)
    }
}

impl Holdings {
    /// Adds a live trade version to its position and the cash ladder.
    /// Returns the position's cost before and after.
    pub fn add(&mut self, record: &TradeRecord, method: CostMethod) -> (Decimal, Decimal) {
        let key = (record.terms.account, record.terms.instrument);
        let decimals = u32::from(record.terms.currency.minor_units().unwrap_or(2));
        let position = self
            .positions
            .entry(key)
            .or_insert_with(|| Position::new(method, decimals));
        if position.method != method && position.trades.is_empty() {
            // A flat position takes the method of the book that trades it next.
            *position = Position {
                settled_quantity: position.settled_quantity,
                ..Position::new(method, decimals)
            };
        }
        let before = position.cost;
        position.insert(
            cost_order(record),
            record.terms.signed_quantity(),
            record.economics.gross,
        );
        let after = position.cost;
        *self.cash.entry(cash_key(record)).or_default() +=
            record.economics.cash_flow(record.terms.side);
        (before, after)
    }

    /// The trade-date quantity of a position (zero when there is none).
    pub fn quantity_of(&self, key: PositionKey) -> Decimal {
        self.positions
            .get(&key)
            .map_or(Decimal::ZERO, |p| p.quantity)
    }

    /// The cost basis of a position (zero when there is none).
    pub fn cost_of(&self, key: PositionKey) -> Decimal {
        self.positions.get(&key).map_or(Decimal::ZERO, |p| p.cost)
    }

    /// Moves the settled quantity of a trade's position by `quantity` settled now (signed by
    /// the trade's side).
    pub fn settle(&mut self, record: &TradeRecord, quantity: Decimal) {
        let key = (record.terms.account, record.terms.instrument);
        self.positions.entry(key).or_default().settled_quantity +=
            record.terms.side.sign() * quantity;
    }

    /// Removes a trade version (the one being replaced or cancelled) from its position and
    /// the cash ladder.
    pub fn remove(&mut self, record: &TradeRecord) {
        let key = (record.terms.account, record.terms.instrument);
        if let Some(position) = self.positions.get_mut(&key) {
            position.remove(record.trade_id);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    /// docs/domain.md §6 under FIFO: the sale consumes 100 at 10 and 50 at 13, leaving 150 at 13.
    #[test]
    fn fifo_worked_example() {
        let mut p = Position::new(CostMethod::Fifo, 2);
        p.fold(d("100"), d("1000"));
        p.fold(d("200"), d("2600"));
        p.fold(d("-150"), d("2250"));
        assert_eq!((p.quantity, p.cost), (d("150"), d("1950.00")));
        // Selling 200 more closes the lot and opens a short of 50 at the sale's price.
        p.fold(d("-200"), d("3000"));
        assert_eq!((p.quantity, p.cost), (d("-50"), d("-750.00")));
    }

    /// docs/domain.md §6: buy 100 at 10, buy 200 at 13, sell 150 at 15 → average 12, remaining
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
