//! Settlement netting of a day (docs/domain.md §3.6): the live, unsettled trades due on an
//! intended settlement date, as the instructions they settle by under the counterparties'
//! netting sets (net instructions linked to their trades, gross ones for counterparties
//! without a set), from the engine's state.

use std::io::{self, Write};

use jiff::civil::Date;
use kulissi_core::engine::State;
use kulissi_core::settlement::netting::{NetInstruction, Obligation, net};
use kulissi_core::trade::TradeStatus;
use rust_decimal::Decimal;

use super::{Cell, Report};

/// One instruction of the day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NettingLine {
    /// The counterparty settled with (the CCP for novated trades), by LEI.
    pub counterparty: String,
    /// The instrument.
    pub isin: String,
    /// The intended settlement date.
    pub settlement_date: Date,
    /// The currency.
    pub currency: String,
    /// Our account.
    pub account: String,
    /// Securities received (+) or delivered (−).
    pub quantity: Decimal,
    /// Cash received (+) or paid (−).
    pub cash: Decimal,
    /// The trades it settles.
    pub trades: usize,
    /// Whether it nets several trades.
    pub netted: bool,
}

/// The instructions of a day, net and gross.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NettingReport {
    /// The intended settlement date.
    pub date: Date,
    /// In counterparty, instrument, currency and account order.
    pub lines: Vec<NettingLine>,
    /// Trades due.
    pub trades: usize,
}

/// The instructions of the live trades due on `date` that have not begun to settle.
pub fn netting(state: &State, date: Date) -> NettingReport {
    let obligations: Vec<Obligation> = state
        .trades
        .iter()
        .map(|t| &t.record)
        .filter(|r| {
            r.status == TradeStatus::Live
                && r.terms.settlement_date == date
                && r.settled_quantity.is_zero()
        })
        .map(Obligation::of)
        .collect();
    let trades = obligations.len();
    let refdata = &state.refdata;
    let lines = net(&obligations, &refdata.netting_sets)
        .into_iter()
        .map(|n: NetInstruction| NettingLine {
            counterparty: refdata
                .counterparties
                .get(n.key.counterparty)
                .map(|c| c.lei.to_string())
                .unwrap_or_default(),
            isin: refdata
                .instruments
                .get(n.key.instrument)
                .map(|i| i.isin.to_string())
                .unwrap_or_default(),
            settlement_date: n.key.settlement_date,
            currency: n.currency.code().to_owned(),
            account: refdata
                .accounts
                .get(n.key.account)
                .map(|a| a.code.clone())
                .unwrap_or_default(),
            quantity: n.quantity,
            cash: n.cash,
            trades: n.members.len(),
            netted: n.netted,
        })
        .collect();
    NettingReport {
        date,
        lines,
        trades,
    }
}

impl Report for NettingReport {
    fn columns(&self) -> &'static [&'static str] {
        &[
            "counterparty",
            "isin",
            "settlement_date",
            "currency",
            "account",
            "quantity",
            "cash",
            "trades",
            "netted",
        ]
    }

    fn rows(&self) -> Vec<Vec<Cell>> {
        self.lines
            .iter()
            .map(|l| {
                vec![
                    l.counterparty.as_str().into(),
                    l.isin.as_str().into(),
                    l.settlement_date.into(),
                    l.currency.as_str().into(),
                    l.account.as_str().into(),
                    l.quantity.into(),
                    l.cash.into(),
                    (l.trades as u64).into(),
                    l.netted.into(),
                ]
            })
            .collect()
    }

    fn write_table(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(
            out,
            "Settlement on {}: {} trades in {} instructions",
            self.date,
            self.trades,
            self.lines.len()
        )?;
        writeln!(
            out,
            "{:<20} {:<12} {:<4} {:<12} {:>14} {:>18} {:>6} net",
            "counterparty", "isin", "ccy", "account", "quantity", "cash", "trades"
        )?;
        for l in &self.lines {
            writeln!(
                out,
                "{:<20} {:<12} {:<4} {:<12} {:>14} {:>18} {:>6} {}",
                l.counterparty,
                l.isin,
                l.currency,
                l.account,
                l.quantity.to_string(),
                l.cash.to_string(),
                l.trades,
                if l.netted { "yes" } else { "no" }
            )?;
        }
        Ok(())
    }
}
