//! Posting rules: pure functions from what happened to journal entries, under trade-date
//! accounting (IFRS 9 regular-way trades: the asset and the liability to pay for it are
//! recognised on trade date; transaction costs are expensed, as trading books are FVTPL).

use jiff::civil::Date;
use rust_decimal::Decimal;

use super::chart::codes::*;
use super::journal::{EntryError, JournalEntry, JournalLine};
use super::valuation::target_adjustment;
use crate::identifiers::Currency;
use crate::money::RoundingMode;
use crate::trade::{Side, TradeRecord};

/// The entries of a trade version on its trade date.
///
/// A purchase: Dr securities at cost (gross) and accrued interest / Cr unsettled purchases.
/// A sale: Dr unsettled sales (gross + accrued) / Cr securities at cost (`cost_released`: the
/// position's cost of the quantity sold, at the book's cost method) and accrued interest, and
/// the difference to realised P&L. Either way, commission, fees and taxes are expensed
/// against payables. `cost_released` is ignored for purchases.
pub fn post_trade(
    record: &TradeRecord,
    cost_released: Decimal,
) -> Result<Vec<JournalEntry>, EntryError> {
    let t = &record.terms;
    let e = &record.economics;
    let ccy = t.currency;
    let id = Some(record.trade_id);
    let what = format!(
        "{} {} of instrument {}",
        t.side.code(),
        t.quantity,
        t.instrument
    );
    let principal = match t.side {
        Side::Buy => JournalEntry::new(
            t.trade_date,
            format!("Trade {}: {what}", record.trade_id),
            id,
            [
                JournalLine::debit(SECURITIES_AT_COST, ccy, e.gross),
                JournalLine::debit(ACCRUED_INTEREST, ccy, e.accrued),
                JournalLine::credit(UNSETTLED_PURCHASES, ccy, e.gross + e.accrued),
            ],
        )?,
        Side::Sell => JournalEntry::new(
            t.trade_date,
            format!("Trade {}: {what}", record.trade_id),
            id,
            [
                JournalLine::debit(UNSETTLED_SALES, ccy, e.gross + e.accrued),
                JournalLine::credit(SECURITIES_AT_COST, ccy, cost_released),
                JournalLine::credit(ACCRUED_INTEREST, ccy, e.accrued),
                JournalLine::credit(REALISED_PNL, ccy, e.gross - cost_released),
            ],
        )?,
    };
    let mut entries = vec![principal];
    let charges = JournalEntry::new(
        t.trade_date,
        format!("Trade {}: commission, fees and taxes", record.trade_id),
        id,
        [
            JournalLine::debit(COMMISSION_EXPENSE, ccy, e.commission),
            JournalLine::debit(EXCHANGE_FEES, ccy, e.fees),
            JournalLine::debit(TRANSACTION_TAXES, ccy, e.taxes),
            JournalLine::credit(FEES_PAYABLE, ccy, e.commission + e.fees),
            JournalLine::credit(TAXES_PAYABLE, ccy, e.taxes),
        ],
    );
    match charges {
        Ok(entry) => entries.push(entry),
        Err(EntryError::Empty) => {}
        Err(other) => return Err(other),
    }
    Ok(entries)
}

/// The entry of a trade's settlement on `date`: the unsettled balance and the payables
/// against cash. A purchase pays net (gross + accrued + charges); a sale receives net (gross
/// + accrued − charges), the charges being netted from the proceeds.
pub fn post_settlement(record: &TradeRecord, date: Date) -> Result<JournalEntry, EntryError> {
    let t = &record.terms;
    let e = &record.economics;
    let ccy = t.currency;
    let description = format!("Settlement of trade {}", record.trade_id);
    let charges = [
        JournalLine::debit(FEES_PAYABLE, ccy, e.commission + e.fees),
        JournalLine::debit(TAXES_PAYABLE, ccy, e.taxes),
    ];
    match t.side {
        Side::Buy => JournalEntry::new(
            date,
            description,
            Some(record.trade_id),
            [JournalLine::debit(
                UNSETTLED_PURCHASES,
                ccy,
                e.gross + e.accrued,
            )]
            .into_iter()
            .chain(charges)
            .chain([JournalLine::credit(CASH, ccy, e.net)]),
        ),
        Side::Sell => JournalEntry::new(
            date,
            description,
            Some(record.trade_id),
            [JournalLine::debit(CASH, ccy, e.net)]
                .into_iter()
                .chain(charges)
                .chain([JournalLine::credit(
                    UNSETTLED_SALES,
                    ccy,
                    e.gross + e.accrued,
                )]),
        ),
    }
}

/// A position to mark to market at a price.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarkToMarket {
    /// Currency of the position.
    pub currency: Currency,
    /// Quantity held.
    pub quantity: Decimal,
    /// Its cost basis.
    pub cost: Decimal,
    /// Gross amount per unit of price (1 for shares, 0.01 for bonds quoted per 100).
    pub multiplier: Decimal,
    /// The valuation price.
    pub price: Decimal,
    /// The valuation adjustment already booked for it.
    pub current_adjustment: Decimal,
}

/// The end-of-day entry that brings the valuation adjustment to market value minus cost:
/// Dr valuation adjustment / Cr unrealised P&L by the difference (the other way round when
/// it falls). `None` when nothing changes.
pub fn post_mark_to_market(
    date: Date,
    m: &MarkToMarket,
) -> Result<Option<JournalEntry>, EntryError> {
    let target = target_adjustment(m.currency, m.quantity, m.price, m.multiplier, m.cost);
    let delta = target - m.current_adjustment;
    if delta.is_zero() {
        return Ok(None);
    }
    JournalEntry::new(
        date,
        format!("Mark to market at {}", m.price),
        None,
        [
            JournalLine::debit(VALUATION_ADJUSTMENT, m.currency, delta),
            JournalLine::credit(UNREALISED_PNL, m.currency, delta),
        ],
    )
    .map(Some)
}

/// The share of a position's valuation adjustment that a sale of `sold` out of
/// `quantity_before` releases (pro rata), rounded to the currency: released on trade date by
/// Dr unrealised P&L / Cr valuation adjustment, so that realised and unrealised P&L do not
/// count the same gain twice.
pub fn release_valuation(
    currency: Currency,
    current_adjustment: Decimal,
    quantity_before: Decimal,
    sold: Decimal,
) -> Decimal {
    if quantity_before.is_zero() {
        return Decimal::ZERO;
    }
    RoundingMode::HalfUp.round_to_currency(current_adjustment * sold / quantity_before, currency)
}
