//! Settlement fails and CSDR penalties (docs/domain.md §3.7). The fails report: every live
//! trade still unsettled after its
//! intended settlement date as of a date, counting the confirmations dated on or before it;
//! its age in settlement-calendar business days and bucket, the buy-in extension date, and
//! the CSDR cash penalty accrued from the intended settlement date, each failing business
//! day at that day's reference price; with totals per counterparty and bucket. The
//! penalties report: a month's penalties per counterparty and currency, as the CSD nets
//! and collects them.
//!
//! Penalties apply to instructions at EU/EEA CSDs (here Helsinki, Stockholm, Copenhagen,
//! Xetra, Paris and Oslo), are assumed matched, and are for lack of securities: a failing
//! delivery of ours pays, a failing receipt is paid to us. The penalty class is the
//! instrument type's (shares: liquid shares; bonds: other debt; funds: all other
//! instruments) until instruments carry their own. Fails for lack of cash (the central
//! bank rate) are not estimated here.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

use jiff::civil::Date;
use kulissi_core::engine::State;
use kulissi_core::ids::TradeId;
use kulissi_core::refdata::InstrumentType;
use kulissi_core::settlement::Market;
use kulissi_core::settlement::penalties::{
    AgeBucket, PenaltyClass, PenaltyRates, buy_in_extension_date, fail_age, reference_value,
    securities_penalty,
};
use kulissi_core::trade::{Side, TradeStatus};
use rust_decimal::Decimal;

use super::{Cell, Report};

/// One failing trade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailLine {
    /// The trade.
    pub trade_id: u64,
    /// Its id in the source system.
    pub external_id: String,
    /// The counterparty's LEI.
    pub counterparty: String,
    /// The instrument.
    pub isin: String,
    /// `delivery` (we owe the securities) or `receipt`.
    pub direction: &'static str,
    /// The intended settlement date.
    pub intended_settlement_date: Date,
    /// Business days failing.
    pub age: i64,
    /// Its bucket.
    pub bucket: &'static str,
    /// Quantity still to settle.
    pub outstanding: Decimal,
    /// The currency.
    pub currency: String,
    /// The outstanding quantity's reference value on the report date.
    pub reference_value: Decimal,
    /// The penalty accrued, signed: negative when we pay it, positive when we receive it;
    /// zero outside the EU/EEA CSDs.
    pub penalty: Decimal,
    /// The last day of the buy-in extension period.
    pub extension_date: Option<Date>,
}

/// Fails and penalties (per currency) by counterparty and age bucket.
pub type FailTotals = BTreeMap<(String, &'static str), (usize, BTreeMap<String, Decimal>)>;

/// Failing trades and their totals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailsReport {
    /// The date the fails are as of.
    pub as_of: Date,
    /// By counterparty, age and trade.
    pub lines: Vec<FailLine>,
    /// (counterparty, bucket) → (fails, penalty per currency summed).
    pub totals: FailTotals,
}

fn penalised(market: Market) -> bool {
    matches!(
        market,
        Market::Xhel | Market::Xsto | Market::Xcse | Market::Xetr | Market::Xpar | Market::Xosl
    )
}

fn class_of(instrument_type: InstrumentType) -> PenaltyClass {
    match instrument_type {
        InstrumentType::Equity => PenaltyClass::LiquidShares,
        InstrumentType::Bond => PenaltyClass::OtherDebt,
        InstrumentType::Fund => PenaltyClass::Other,
    }
}

/// The CSDR penalty a trade accrues on the settlement-calendar business days in
/// `from..=to` (none before its intended settlement date) on which it had not settled by
/// the close, per its `confirmations` (date, quantity): each day at that day's reference
/// price and rate, rounded to the currency; negative when we pay it (our delivery fails),
/// positive when it is paid to us; zero outside the EU/EEA CSDs.
fn penalty_between(
    state: &State,
    rates: &PenaltyRates,
    r: &kulissi_core::trade::TradeRecord,
    confirmations: &[(Date, Decimal)],
    from: Date,
    to: Date,
) -> Decimal {
    let t = &r.terms;
    let Some(instrument) = state.refdata.instruments.get(t.instrument) else {
        return Decimal::ZERO;
    };
    if !penalised(instrument.market) {
        return Decimal::ZERO;
    }
    let class = class_of(instrument.kind.instrument_type());
    let calendar = instrument.market.settlement_calendar();
    let quantity = t.quantity.value();
    let mut penalty = Decimal::ZERO;
    let mut day = from.max(t.settlement_date);
    while day <= to {
        let settled: Decimal = confirmations
            .iter()
            .filter(|(d, _)| *d <= day)
            .map(|(_, q)| *q)
            .sum();
        let left = quantity - settled;
        if left <= Decimal::ZERO {
            break;
        }
        if calendar.is_business_day(day)
            && let Some(bp) = rates.basis_points(class, day)
        {
            let price = state
                .market_data
                .latest_price(t.instrument, day)
                .map_or(Decimal::ZERO, |(_, p)| p.price);
            let value = reference_value(left, price, instrument.multiplier);
            penalty += securities_penalty(value, bp, t.currency);
        }
        match day.tomorrow() {
            Ok(next) => day = next,
            Err(_) => break,
        }
    }
    match t.side {
        Side::Sell => -penalty,
        Side::Buy => penalty,
    }
}

/// The confirmations of every trade: (effective settlement date, quantity).
fn confirmations_by_trade(state: &State) -> HashMap<TradeId, Vec<(Date, Decimal)>> {
    let mut confirmed: HashMap<TradeId, Vec<(Date, Decimal)>> = HashMap::new();
    for c in state.trades.confirmations() {
        confirmed
            .entry(c.trade_id)
            .or_default()
            .push((c.settlement_date, c.quantity));
    }
    confirmed
}

/// The fails of `state` as of `as_of`.
pub fn fails(state: &State, as_of: Date) -> FailsReport {
    let rates = PenaltyRates::csdr();
    let confirmed = confirmations_by_trade(state);
    let mut lines = Vec::new();
    for stored in state.trades.iter() {
        let r = &stored.record;
        let t = &r.terms;
        if r.status != TradeStatus::Live || t.settlement_date >= as_of {
            continue;
        }
        let settled_by = |day: Date| -> Decimal {
            confirmed
                .get(&r.trade_id)
                .map(|c| c.iter().filter(|(d, _)| *d <= day).map(|(_, q)| *q).sum())
                .unwrap_or_default()
        };
        let quantity = t.quantity.value();
        let outstanding = quantity - settled_by(as_of);
        if outstanding <= Decimal::ZERO {
            continue;
        }
        let Some(instrument) = state.refdata.instruments.get(t.instrument) else {
            continue;
        };
        let calendar = instrument.market.settlement_calendar();
        let age = fail_age(calendar, t.settlement_date, as_of);
        let Some(bucket) = AgeBucket::of(age) else {
            continue;
        };
        let class = class_of(instrument.kind.instrument_type());
        let price_on = |day: Date| {
            state
                .market_data
                .latest_price(t.instrument, day)
                .map_or(Decimal::ZERO, |(_, p)| p.price)
        };
        let confirmations = confirmed.get(&r.trade_id).map_or(&[][..], Vec::as_slice);
        let penalty = penalty_between(state, &rates, r, confirmations, t.settlement_date, as_of);
        let direction = match t.side {
            Side::Sell => "delivery",
            Side::Buy => "receipt",
        };
        lines.push(FailLine {
            trade_id: r.trade_id.0,
            external_id: r.external_id.to_string(),
            counterparty: state
                .refdata
                .counterparties
                .get(t.counterparty)
                .map(|c| c.lei.to_string())
                .unwrap_or_default(),
            isin: instrument.isin.to_string(),
            direction,
            intended_settlement_date: t.settlement_date,
            age,
            bucket: bucket.label(),
            outstanding,
            currency: t.currency.code().to_owned(),
            reference_value: kulissi_core::money::RoundingMode::HalfUp.round_to_currency(
                reference_value(outstanding, price_on(as_of), instrument.multiplier),
                t.currency,
            ),
            penalty,
            extension_date: buy_in_extension_date(class, calendar, t.settlement_date).ok(),
        });
    }
    lines.sort_by(|a, b| {
        (&a.counterparty, std::cmp::Reverse(a.age), a.trade_id).cmp(&(
            &b.counterparty,
            std::cmp::Reverse(b.age),
            b.trade_id,
        ))
    });
    let mut totals = FailTotals::new();
    for l in &lines {
        let t = totals
            .entry((l.counterparty.clone(), l.bucket))
            .or_default();
        t.0 += 1;
        *t.1.entry(l.currency.clone()).or_default() += l.penalty;
    }
    FailsReport {
        as_of,
        lines,
        totals,
    }
}

impl Report for FailsReport {
    fn columns(&self) -> &'static [&'static str] {
        &[
            "trade_id",
            "external_id",
            "counterparty",
            "isin",
            "direction",
            "intended_settlement_date",
            "age",
            "bucket",
            "outstanding",
            "currency",
            "reference_value",
            "penalty",
            "extension_date",
        ]
    }

    fn rows(&self) -> Vec<Vec<Cell>> {
        self.lines
            .iter()
            .map(|l| {
                vec![
                    l.trade_id.into(),
                    l.external_id.as_str().into(),
                    l.counterparty.as_str().into(),
                    l.isin.as_str().into(),
                    l.direction.into(),
                    l.intended_settlement_date.into(),
                    (l.age.max(0) as u64).into(),
                    l.bucket.into(),
                    l.outstanding.into(),
                    l.currency.as_str().into(),
                    l.reference_value.into(),
                    l.penalty.into(),
                    l.extension_date.map_or(Cell::Empty, Cell::from),
                ]
            })
            .collect()
    }

    fn write_table(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(
            out,
            "Settlement fails as of {}: {}",
            self.as_of,
            self.lines.len()
        )?;
        writeln!(
            out,
            "{:>8} {:<20} {:<12} {:<8} {:<10} {:>4} {:<5} {:>12} {:<4} {:>16} {:>10}",
            "trade",
            "counterparty",
            "isin",
            "dir",
            "isd",
            "age",
            "bkt",
            "outstanding",
            "ccy",
            "ref. value",
            "penalty"
        )?;
        for l in &self.lines {
            writeln!(
                out,
                "{:>8} {:<20} {:<12} {:<8} {:<10} {:>4} {:<5} {:>12} {:<4} {:>16} {:>10}",
                l.trade_id,
                l.counterparty,
                l.isin,
                l.direction,
                l.intended_settlement_date,
                l.age,
                l.bucket,
                l.outstanding.to_string(),
                l.currency,
                l.reference_value.to_string(),
                l.penalty.to_string()
            )?;
        }
        writeln!(out, "\nTotals per counterparty and age bucket")?;
        for ((counterparty, bucket), (n, penalties)) in &self.totals {
            let p: Vec<String> = penalties.iter().map(|(c, v)| format!("{v} {c}")).collect();
            writeln!(
                out,
                "  {counterparty:<20} {bucket:<5} {n:>5} fails, penalties {}",
                p.join(", ")
            )?;
        }
        Ok(())
    }
}

/// One counterparty's penalties in one currency over a month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PenaltyLine {
    /// The counterparty's LEI.
    pub counterparty: String,
    /// The currency.
    pub currency: String,
    /// Trades that failed in the month.
    pub fails: usize,
    /// Penalties we pay (our deliveries failed), negative.
    pub payable: Decimal,
    /// Penalties paid to us (their deliveries failed).
    pub receivable: Decimal,
    /// The net: what the CSD collects or pays for the month.
    pub net: Decimal,
}

/// A month's CSDR penalties per counterparty and currency (the CSDs net and collect them
/// monthly).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PenaltiesReport {
    /// The first day of the month.
    pub from: Date,
    /// The last day.
    pub to: Date,
    /// By counterparty and currency.
    pub lines: Vec<PenaltyLine>,
}

/// The penalties of the business days `from..=to` (a month), from the confirmations seen.
pub fn penalties(state: &State, from: Date, to: Date) -> PenaltiesReport {
    let rates = PenaltyRates::csdr();
    let confirmed = confirmations_by_trade(state);
    let mut per: BTreeMap<(String, String), PenaltyLine> = BTreeMap::new();
    for stored in state.trades.iter() {
        let r = &stored.record;
        if r.status != TradeStatus::Live || r.terms.settlement_date > to {
            continue;
        }
        let confirmations = confirmed.get(&r.trade_id).map_or(&[][..], Vec::as_slice);
        let penalty = penalty_between(state, &rates, r, confirmations, from, to);
        if penalty.is_zero() {
            continue;
        }
        let counterparty = state
            .refdata
            .counterparties
            .get(r.terms.counterparty)
            .map(|c| c.lei.to_string())
            .unwrap_or_default();
        let currency = r.terms.currency.code().to_owned();
        let line = per
            .entry((counterparty.clone(), currency.clone()))
            .or_insert(PenaltyLine {
                counterparty,
                currency,
                fails: 0,
                payable: Decimal::ZERO,
                receivable: Decimal::ZERO,
                net: Decimal::ZERO,
            });
        line.fails += 1;
        if penalty.is_sign_negative() {
            line.payable += penalty;
        } else {
            line.receivable += penalty;
        }
        line.net += penalty;
    }
    PenaltiesReport {
        from,
        to,
        lines: per.into_values().collect(),
    }
}

impl Report for PenaltiesReport {
    fn columns(&self) -> &'static [&'static str] {
        &[
            "counterparty",
            "currency",
            "fails",
            "payable",
            "receivable",
            "net",
        ]
    }

    fn rows(&self) -> Vec<Vec<Cell>> {
        self.lines
            .iter()
            .map(|l| {
                vec![
                    l.counterparty.as_str().into(),
                    l.currency.as_str().into(),
                    (l.fails as u64).into(),
                    l.payable.into(),
                    l.receivable.into(),
                    l.net.into(),
                ]
            })
            .collect()
    }

    fn write_table(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "CSDR penalties, {} to {}", self.from, self.to)?;
        writeln!(
            out,
            "{:<20} {:<4} {:>6} {:>14} {:>14} {:>14}",
            "counterparty", "ccy", "fails", "payable", "receivable", "net"
        )?;
        for l in &self.lines {
            writeln!(
                out,
                "{:<20} {:<4} {:>6} {:>14} {:>14} {:>14}",
                l.counterparty,
                l.currency,
                l.fails,
                l.payable.to_string(),
                l.receivable.to_string(),
                l.net.to_string()
            )?;
        }
        Ok(())
    }
}
