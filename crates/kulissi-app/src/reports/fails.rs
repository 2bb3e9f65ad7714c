//! Settlement fails and CSDR penalties (docs/domain.md §3.7). The fails report: every
//! instruction still unsettled after its intended settlement date as of a date (its
//! statuses and settled parts as they stood that day), and every live trade past its
//! intended settlement date that was never instructed; its status and reasons, age in
//! settlement-calendar business days and bucket, the buy-in extension date, and the CSDR
//! penalty accrued from the intended settlement date (the engine's own rule,
//! [`penalties_between`]: matched fails only, each business day at that day's reference
//! price, the class's rate for lack of securities and the central bank's for lack of cash;
//! negative when we pay, positive when we are paid); with totals per counterparty and
//! bucket. The penalties report: a month's penalties per counterparty and currency, as the
//! CSD nets and collects them.

use std::collections::BTreeMap;
use std::io::{self, Write};

use jiff::civil::Date;
use kulissi_core::engine::{State, penalties_between};
use kulissi_core::settlement::lifecycle::{FailCause, Instruction, InstructionStatus};
use kulissi_core::settlement::penalties::{
    AgeBucket, buy_in_extension_date, class_of, fail_age, reference_value,
};
use kulissi_core::trade::{Side, TradeStatus};
use rust_decimal::Decimal;

use super::{Cell, Report};

/// One fail: an instruction (or a trade never instructed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailLine {
    /// The instruction's reference (empty for a trade never instructed).
    pub reference: String,
    /// Its status as of the report date (`not_instructed` for a trade never instructed).
    pub status: &'static str,
    /// The reasons of that status, `;`-separated.
    pub reasons: String,
    /// The (first) trade it settles.
    pub trade_id: u64,
    /// That trade's id in the source system.
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
    /// zero outside the EU/EEA CSDs and for fails never matched.
    pub penalty: Decimal,
    /// The last day of the buy-in extension period.
    pub extension_date: Option<Date>,
}

/// Fails and penalties (per currency) by counterparty and age bucket.
pub type FailTotals = BTreeMap<(String, &'static str), (usize, BTreeMap<String, Decimal>)>;

/// Failing instructions and trades, and their totals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailsReport {
    /// The date the fails are as of.
    pub as_of: Date,
    /// By counterparty, age and trade.
    pub lines: Vec<FailLine>,
    /// (counterparty, bucket) → (fails, penalty per currency summed).
    pub totals: FailTotals,
}

/// The signed sum of `instruction`'s penalties over `from..=to`: negative for ours.
fn signed_penalty(state: &State, instruction: &Instruction, from: Date, to: Date) -> Decimal {
    penalties_between(state, instruction, from, to)
        .iter()
        .map(|p| match p.cause {
            FailCause::Ours => -p.amount,
            FailCause::Theirs => p.amount,
        })
        .sum()
}

fn lei_of(state: &State, id: kulissi_core::ids::CounterpartyId) -> String {
    state
        .refdata
        .counterparties
        .get(id)
        .map(|c| c.lei.to_string())
        .unwrap_or_default()
}

/// What a fail line needs of its instrument: ISIN, age and bucket, reference value and the
/// buy-in extension date; `None` when it is not a fail on `as_of` (age 0).
fn fail_line(
    state: &State,
    instrument: kulissi_core::ids::InstrumentId,
    intended: Date,
    outstanding: Decimal,
    currency: kulissi_core::identifiers::Currency,
    as_of: Date,
) -> Option<(String, i64, &'static str, Decimal, Option<Date>)> {
    let i = state.refdata.instruments.get(instrument)?;
    let calendar = i.market.settlement_calendar();
    let age = fail_age(calendar, intended, as_of);
    let bucket = AgeBucket::of(age)?;
    let price = state
        .market_data
        .latest_price(instrument, as_of)
        .map_or(Decimal::ZERO, |(_, p)| p.price);
    let value = kulissi_core::money::RoundingMode::HalfUp
        .round_to_currency(reference_value(outstanding, price, i.multiplier), currency);
    let class = class_of(i.kind.instrument_type());
    Some((
        i.isin.to_string(),
        age,
        bucket.label(),
        value,
        buy_in_extension_date(class, calendar, intended).ok(),
    ))
}

/// The fails of `state` as of `as_of`.
pub fn fails(state: &State, as_of: Date) -> FailsReport {
    let mut lines = Vec::new();
    for i in state.settlement.iter() {
        let t = &i.terms;
        if t.settlement_date >= as_of || i.issued > as_of {
            continue;
        }
        let change = i.status_on(as_of);
        let status = change.map_or(InstructionStatus::Instructed, |c| c.status);
        if status == InstructionStatus::Cancelled {
            continue;
        }
        let outstanding = t.quantity.abs() - i.settled_by(as_of);
        if outstanding <= Decimal::ZERO {
            continue;
        }
        let Some((isin, age, bucket, reference_value, extension_date)) = fail_line(
            state,
            t.instrument,
            t.settlement_date,
            outstanding,
            t.currency,
            as_of,
        ) else {
            continue;
        };
        let first = t.members.first().and_then(|id| state.trades.get(*id));
        lines.push(FailLine {
            reference: t.reference.to_string(),
            status: status.name(),
            reasons: change.map_or(String::new(), |c| {
                c.reasons
                    .iter()
                    .map(|r| r.as_ref())
                    .collect::<Vec<_>>()
                    .join(";")
            }),
            trade_id: first.map_or(0, |s| s.record.trade_id.0),
            external_id: first.map_or(String::new(), |s| s.record.external_id.to_string()),
            counterparty: lei_of(state, t.counterparty),
            isin,
            direction: if i.we_deliver() {
                "delivery"
            } else {
                "receipt"
            },
            intended_settlement_date: t.settlement_date,
            age,
            bucket,
            outstanding,
            currency: t.currency.code().to_owned(),
            reference_value,
            penalty: signed_penalty(state, i, t.settlement_date, as_of),
            extension_date,
        });
    }
    // Trades past their intended settlement date that were never instructed fail too.
    let mut settled_by_trade = None;
    for stored in state.trades.iter() {
        let r = &stored.record;
        let t = &r.terms;
        if r.status != TradeStatus::Live
            || t.settlement_date >= as_of
            || state.settlement.of_trade(r.trade_id).is_some()
        {
            continue;
        }
        let settled = settled_by_trade
            .get_or_insert_with(|| {
                // Once, on the first trade never instructed: every confirmation by trade.
                let mut settled: std::collections::HashMap<u64, Decimal> =
                    std::collections::HashMap::new();
                for c in state.trades.confirmations() {
                    if c.settlement_date <= as_of {
                        *settled.entry(c.trade_id.0).or_default() += c.quantity;
                    }
                }
                settled
            })
            .get(&r.trade_id.0)
            .copied()
            .unwrap_or_default();
        let outstanding = t.quantity.value() - settled;
        if outstanding <= Decimal::ZERO {
            continue;
        }
        let Some((isin, age, bucket, reference_value, extension_date)) = fail_line(
            state,
            t.instrument,
            t.settlement_date,
            outstanding,
            t.currency,
            as_of,
        ) else {
            continue;
        };
        lines.push(FailLine {
            reference: String::new(),
            status: "not_instructed",
            reasons: String::new(),
            trade_id: r.trade_id.0,
            external_id: r.external_id.to_string(),
            counterparty: lei_of(state, t.counterparty),
            isin,
            direction: match t.side {
                Side::Sell => "delivery",
                Side::Buy => "receipt",
            },
            intended_settlement_date: t.settlement_date,
            age,
            bucket,
            outstanding,
            currency: t.currency.code().to_owned(),
            reference_value,
            penalty: Decimal::ZERO,
            extension_date,
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
            "reference",
            "status",
            "reasons",
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
                    l.reference.as_str().into(),
                    l.status.into(),
                    l.reasons.as_str().into(),
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
            "{:<12} {:<10} {:<6} {:<20} {:<12} {:<8} {:<10} {:>4} {:<5} {:>12} {:<4} {:>16} {:>10}",
            "reference",
            "status",
            "reason",
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
                "{:<12} {:<10} {:<6} {:<20} {:<12} {:<8} {:<10} {:>4} {:<5} {:>12} {:<4} {:>16} {:>10}",
                if l.reference.is_empty() {
                    format!("trade {}", l.trade_id)
                } else {
                    l.reference.clone()
                },
                l.status,
                l.reasons,
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
    /// Instructions that failed in the month.
    pub fails: usize,
    /// Penalties we pay (our or our clients' fails), negative.
    pub payable: Decimal,
    /// Penalties paid to us (the counterparty's fails).
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

/// The penalties of the business days `from..=to` (a month) of every instruction, by the
/// counterparty it faces and its currency.
pub fn penalties(state: &State, from: Date, to: Date) -> PenaltiesReport {
    let mut per: BTreeMap<(String, String), PenaltyLine> = BTreeMap::new();
    for i in state.settlement.iter() {
        let t = &i.terms;
        if t.settlement_date > to {
            continue;
        }
        let accrued = penalties_between(state, i, from, to);
        if accrued.is_empty() {
            continue;
        }
        let counterparty = lei_of(state, t.counterparty);
        let currency = t.currency.code().to_owned();
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
        for p in accrued {
            match p.cause {
                FailCause::Ours => line.payable -= p.amount,
                FailCause::Theirs => line.receivable += p.amount,
            }
        }
        line.net = line.payable + line.receivable;
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
