//! Positions: per account and instrument, the trade-date and contractual settlement-date
//! quantities as of a business date (summed from the live trade versions of the read model),
//! or the engine's positions right after a log sequence number (replayed): quantity, settled
//! quantity and cost.

use std::collections::BTreeMap;
use std::io::{self, Write};

use jiff::civil::Date;
use kulissi_store::EventStore;
use rust_decimal::Decimal;

use super::{Cell, Names, Report, ReportError};
use crate::replay;

/// One position as of a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatePosition {
    /// Account code.
    pub account: String,
    /// Instrument ISIN.
    pub isin: String,
    /// Quantity of the live trades traded on or before the date.
    pub trade_date_quantity: Decimal,
    /// Quantity of those also due to settle on or before the date.
    pub settlement_date_quantity: Decimal,
}

/// Positions as of a business date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PositionsAsOf {
    /// The date.
    pub date: Date,
    /// Positions not flat on both dates, by account code then ISIN.
    pub positions: Vec<DatePosition>,
}

/// The positions as of `date` from the live trade versions.
pub fn positions_as_of(store: &impl EventStore, date: Date) -> Result<PositionsAsOf, ReportError> {
    let names = Names::load(store)?;
    let mut totals: BTreeMap<(String, String), (Decimal, Decimal)> = BTreeMap::new();
    let mut after = 0;
    loop {
        let page = store.current_trades(after, 50_000)?;
        let Some(last) = page.last() else { break };
        after = last.trade_id;
        for v in page
            .iter()
            .filter(|v| v.status == "live" && v.trade_date <= date)
        {
            let signed = if v.side == "buy" {
                v.quantity
            } else {
                -v.quantity
            };
            let entry = totals
                .entry((
                    names.get("account", v.account).to_owned(),
                    names.get("instrument", v.instrument).to_owned(),
                ))
                .or_default();
            entry.0 += signed;
            if v.settlement_date <= date {
                entry.1 += signed;
            }
        }
    }
    let positions = totals
        .into_iter()
        .filter(|(_, (t, s))| !(t.is_zero() && s.is_zero()))
        .map(|((account, isin), (t, s))| DatePosition {
            account,
            isin,
            trade_date_quantity: t,
            settlement_date_quantity: s,
        })
        .collect();
    Ok(PositionsAsOf { date, positions })
}

/// One of the engine's positions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldPosition {
    /// Account code.
    pub account: String,
    /// Instrument ISIN.
    pub isin: String,
    /// Trade-date quantity.
    pub quantity: Decimal,
    /// Quantity settled at the custodian.
    pub settled_quantity: Decimal,
    /// Cost basis, signed like the quantity.
    pub cost: Decimal,
    /// Average cost per unit (the engine's, rounded to 6 decimals).
    pub average_cost: Decimal,
}

/// The engine's positions after an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PositionsAfterEvent {
    /// The last event replayed (0 for an empty log).
    pub seq: u64,
    /// Positions with a quantity, by account code then ISIN.
    pub positions: Vec<HeldPosition>,
}

/// The positions right after event `seq` (the log's end, if it is shorter), replaying the
/// log.
pub fn positions_after_event(
    store: &impl EventStore,
    seq: u64,
) -> Result<PositionsAfterEvent, ReportError> {
    let names = Names::load(store)?;
    let (state, head) = replay(store, Some(seq))?;
    let mut positions: Vec<HeldPosition> = state
        .holdings
        .positions
        .iter()
        .filter(|(_, p)| !p.quantity.is_zero())
        .map(|((account, instrument), p)| HeldPosition {
            account: names.get("account", u32::from(*account)).to_owned(),
            isin: names.get("instrument", u32::from(*instrument)).to_owned(),
            quantity: p.quantity,
            settled_quantity: p.settled_quantity,
            cost: p.cost,
            average_cost: p.average_cost().round_dp(6),
        })
        .collect();
    positions.sort_by(|a, b| (&a.account, &a.isin).cmp(&(&b.account, &b.isin)));
    Ok(PositionsAfterEvent {
        seq: head.map_or(0, |h| h.seq),
        positions,
    })
}

impl Report for PositionsAsOf {
    fn columns(&self) -> &'static [&'static str] {
        &[
            "account",
            "isin",
            "trade_date_quantity",
            "settlement_date_quantity",
        ]
    }

    fn rows(&self) -> Vec<Vec<Cell>> {
        self.positions
            .iter()
            .map(|p| {
                vec![
                    p.account.as_str().into(),
                    p.isin.as_str().into(),
                    p.trade_date_quantity.into(),
                    p.settlement_date_quantity.into(),
                ]
            })
            .collect()
    }

    fn write_table(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "positions as of {}", self.date)?;
        writeln!(
            out,
            "{:<12} {:<12} {:>16} {:>16}",
            "account", "isin", "trade date", "settlement date"
        )?;
        for p in &self.positions {
            writeln!(
                out,
                "{:<12} {:<12} {:>16} {:>16}",
                p.account,
                p.isin,
                p.trade_date_quantity.to_string(),
                p.settlement_date_quantity.to_string()
            )?;
        }
        Ok(())
    }
}

impl Report for PositionsAfterEvent {
    fn columns(&self) -> &'static [&'static str] {
        &[
            "account",
            "isin",
            "quantity",
            "settled_quantity",
            "cost",
            "average_cost",
        ]
    }

    fn rows(&self) -> Vec<Vec<Cell>> {
        self.positions
            .iter()
            .map(|p| {
                vec![
                    p.account.as_str().into(),
                    p.isin.as_str().into(),
                    p.quantity.into(),
                    p.settled_quantity.into(),
                    p.cost.into(),
                    p.average_cost.into(),
                ]
            })
            .collect()
    }

    fn write_table(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "positions after event {}", self.seq)?;
        writeln!(
            out,
            "{:<12} {:<12} {:>16} {:>16} {:>20}",
            "account", "isin", "quantity", "settled", "average cost"
        )?;
        for p in &self.positions {
            writeln!(
                out,
                "{:<12} {:<12} {:>16} {:>16} {:>20}",
                p.account,
                p.isin,
                p.quantity.to_string(),
                p.settled_quantity.to_string(),
                p.average_cost.to_string()
            )?;
        }
        Ok(())
    }
}
