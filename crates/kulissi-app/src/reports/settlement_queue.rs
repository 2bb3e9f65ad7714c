//! The settlement queue (every instruction with its status, reasons, what has settled and
//! how long it has been past its intended settlement date) and the settlement exception
//! queue (what the engine could not fit, waiting for a person).

use std::io::{self, Write};

use jiff::civil::Date;
use kulissi_core::engine::State;
use kulissi_core::settlement::lifecycle::InstructionStatus;
use rust_decimal::Decimal;

use super::{Cell, Report};

/// Which instructions the queue shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueFilter {
    /// A status's name, or `open` (neither settled nor cancelled); all when `None`.
    pub status: Option<String>,
    /// Only those intended to settle on this date.
    pub date: Option<Date>,
    /// Only those facing this counterparty (LEI).
    pub counterparty: Option<String>,
}

/// One instruction on the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueLine {
    /// Its reference.
    pub reference: String,
    /// Its status.
    pub status: &'static str,
    /// The reasons of its status, `;`-separated.
    pub reasons: String,
    /// Matched with the counterparty.
    pub matched: bool,
    /// On hold.
    pub on_hold: bool,
    /// Whether it nets several trades.
    pub netted: bool,
    /// The trades it settles, space-separated.
    pub trades: String,
    /// The counterparty it faces (LEI).
    pub counterparty: String,
    /// The instrument.
    pub isin: String,
    /// `receive` or `deliver`.
    pub movement: &'static str,
    /// Its quantity (positive).
    pub quantity: Decimal,
    /// Settled so far.
    pub settled: Decimal,
    /// Its cash (positive).
    pub cash: Decimal,
    /// The currency.
    pub currency: String,
    /// The intended settlement date.
    pub settlement_date: Date,
    /// The date it was issued.
    pub issued: Date,
}

/// The settlement queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettlementQueue {
    /// The instructions, by intended settlement date then reference.
    pub lines: Vec<QueueLine>,
}

/// The instructions of `state` that `filter` keeps.
pub fn settlement_queue(state: &State, filter: &QueueFilter) -> SettlementQueue {
    let mut lines = Vec::new();
    for i in state.settlement.iter() {
        let t = &i.terms;
        let status = i.status();
        let keep_status = match filter.status.as_deref() {
            None => true,
            Some("open") => !status.is_final(),
            Some(name) => InstructionStatus::parse(name) == Some(status),
        };
        let counterparty = state
            .refdata
            .counterparties
            .get(t.counterparty)
            .map(|c| c.lei.to_string())
            .unwrap_or_default();
        if !keep_status
            || filter.date.is_some_and(|d| d != t.settlement_date)
            || filter
                .counterparty
                .as_deref()
                .is_some_and(|c| c != counterparty)
        {
            continue;
        }
        let trades: Vec<String> = t.members.iter().map(|m| m.to_string()).collect();
        lines.push(QueueLine {
            reference: t.reference.to_string(),
            status: status.name(),
            reasons: i
                .reasons()
                .iter()
                .map(|r| r.as_ref())
                .collect::<Vec<_>>()
                .join(";"),
            matched: i.matched(),
            on_hold: i.on_hold,
            netted: t.netted,
            trades: trades.join(" "),
            counterparty,
            isin: state
                .refdata
                .instruments
                .get(t.instrument)
                .map(|x| x.isin.to_string())
                .unwrap_or_default(),
            movement: if i.we_deliver() { "deliver" } else { "receive" },
            quantity: t.quantity.abs(),
            settled: i.settled_quantity(),
            cash: t.cash.abs(),
            currency: t.currency.code().to_owned(),
            settlement_date: t.settlement_date,
            issued: i.issued,
        });
    }
    lines.sort_by(|a, b| (a.settlement_date, &a.reference).cmp(&(b.settlement_date, &b.reference)));
    SettlementQueue { lines }
}

impl Report for SettlementQueue {
    fn columns(&self) -> &'static [&'static str] {
        &[
            "reference",
            "status",
            "reasons",
            "matched",
            "on_hold",
            "netted",
            "trades",
            "counterparty",
            "isin",
            "movement",
            "quantity",
            "settled",
            "cash",
            "currency",
            "settlement_date",
            "issued",
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
                    l.matched.into(),
                    l.on_hold.into(),
                    l.netted.into(),
                    l.trades.as_str().into(),
                    l.counterparty.as_str().into(),
                    l.isin.as_str().into(),
                    l.movement.into(),
                    l.quantity.into(),
                    l.settled.into(),
                    l.cash.into(),
                    l.currency.as_str().into(),
                    l.settlement_date.into(),
                    l.issued.into(),
                ]
            })
            .collect()
    }

    fn write_table(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut counts = std::collections::BTreeMap::new();
        for l in &self.lines {
            *counts.entry(l.status).or_insert(0u64) += 1;
        }
        let summary: Vec<String> = counts.iter().map(|(s, n)| format!("{n} {s}")).collect();
        writeln!(
            out,
            "{} instructions: {}",
            self.lines.len(),
            summary.join(", ")
        )?;
        writeln!(
            out,
            "{:<14} {:<18} {:<10} {:<10} {:<12} {:<8} {:>12} {:>12} {:>16} {:<4} hold",
            "reference",
            "status",
            "reasons",
            "isd",
            "isin",
            "movement",
            "quantity",
            "settled",
            "cash",
            "ccy"
        )?;
        for l in &self.lines {
            writeln!(
                out,
                "{:<14} {:<18} {:<10} {:<10} {:<12} {:<8} {:>12} {:>12} {:>16} {:<4} {}",
                l.reference,
                l.status,
                l.reasons,
                l.settlement_date.to_string(),
                l.isin,
                l.movement,
                l.quantity.to_string(),
                l.settled.to_string(),
                l.cash.to_string(),
                l.currency,
                if l.on_hold { "yes" } else { "" }
            )?;
        }
        Ok(())
    }
}

/// The exception queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettlementExceptions {
    /// (number, raised, reference, detail, resolution).
    pub lines: Vec<(u64, Date, String, String, Option<String>)>,
}

/// The exceptions of `state`, all or only the `open` ones, oldest first.
pub fn settlement_exceptions(state: &State, open: bool) -> SettlementExceptions {
    SettlementExceptions {
        lines: state
            .settlement
            .exceptions
            .iter()
            .filter(|e| !open || e.resolution.is_none())
            .map(|e| {
                (
                    e.id,
                    e.raised,
                    e.reference.to_string(),
                    e.detail.to_string(),
                    e.resolution.as_ref().map(|r| r.to_string()),
                )
            })
            .collect(),
    }
}

impl Report for SettlementExceptions {
    fn columns(&self) -> &'static [&'static str] {
        &["id", "raised", "reference", "detail", "resolution"]
    }

    fn rows(&self) -> Vec<Vec<Cell>> {
        self.lines
            .iter()
            .map(|(id, raised, reference, detail, resolution)| {
                vec![
                    (*id).into(),
                    (*raised).into(),
                    reference.as_str().into(),
                    detail.as_str().into(),
                    resolution.as_deref().map_or(Cell::Empty, Cell::from),
                ]
            })
            .collect()
    }

    fn write_table(&self, out: &mut dyn Write) -> io::Result<()> {
        let open = self.lines.iter().filter(|l| l.4.is_none()).count();
        writeln!(out, "{} exceptions, {open} open", self.lines.len())?;
        for (id, raised, reference, detail, resolution) in &self.lines {
            writeln!(
                out,
                "{id:>5} {raised} {reference:<16} {detail}{}",
                resolution
                    .as_ref()
                    .map_or(String::new(), |r| format!(" [resolved: {r}]"))
            )?;
        }
        Ok(())
    }
}
