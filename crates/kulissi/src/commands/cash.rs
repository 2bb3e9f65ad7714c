//! The end of day and cash commands: `eod`, `cash post|void|expire|limit|balances`.

use std::io::Write;

use jiff::civil::Date;
use kulissi_app::Writer;
use kulissi_core::engine::{Command, Event};
use rust_decimal::Decimal;

use super::context::{self, Context};
use crate::cli::CashCommand;

pub(crate) fn end_of_day(
    ctx: &Context,
    date: Date,
    legal_entity: Option<&str>,
    out: &mut impl Write,
) -> anyhow::Result<u8> {
    let mut lei = None;
    let events = ctx.execute(|state| {
        let entity = context::legal_entity(state, legal_entity)?;
        lei = Some(entity);
        Ok(Command::RunEndOfDay {
            legal_entity: entity,
            date,
        })
    })?;
    let lei = lei.map(|l| l.to_string()).unwrap_or_default();
    match events.first() {
        Some(Event::EndOfDayRun {
            marks,
            revaluations,
            reporting_currency,
            ..
        }) => {
            writeln!(
                out,
                "end of day {date} for {lei}: {} positions marked to market, {} currencies revalued",
                marks.len(),
                revaluations.len()
            )?;
            for r in revaluations {
                writeln!(
                    out,
                    "  {}: balance {} at {} per {reporting_currency}, gain {} {reporting_currency}",
                    r.currency, r.balance, r.rate, r.gain
                )?;
            }
        }
        _ => writeln!(
            out,
            "end of day {date} for {lei}: nothing changed since it ran"
        )?,
    }
    Ok(0)
}

pub(crate) fn run(ctx: &Context, cmd: CashCommand, out: &mut impl Write) -> anyhow::Result<u8> {
    let command = match cmd {
        CashCommand::Post { reference } => Command::PostCashMovement { reference },
        CashCommand::Void { reference, reason } => Command::VoidCashMovement { reference, reason },
        CashCommand::Expire { date } => Command::ExpireCashMovements { date },
        CashCommand::Limit {
            account,
            currency,
            limit,
        } => Command::SetOverdraftLimit {
            account,
            currency: currency
                .parse()
                .map_err(|e| anyhow::anyhow!("--currency: {e}"))?,
            limit: limit.parse::<Decimal>().map_err(|_| {
                anyhow::anyhow!("--limit: expected a decimal number, found '{limit}'")
            })?,
        },
        CashCommand::Balances => return balances(ctx, out),
    };
    let events = ctx.execute(|_| Ok(command))?;
    match events.first() {
        None => writeln!(out, "nothing changed")?,
        Some(Event::CashMovementsExpired { ids, .. }) => {
            writeln!(out, "{} pending movements expired", ids.len())?
        }
        Some(event) => writeln!(out, "done: {}", event.kind())?,
    }
    Ok(0)
}

fn balances(ctx: &Context, out: &mut impl Write) -> anyhow::Result<u8> {
    let writer = Writer::open(ctx.open()?)?;
    let state = writer.state();
    let mut rows: Vec<_> = state
        .cash
        .balances()
        .filter_map(|((account, currency), b)| {
            let code = state.refdata.accounts.get(account)?.code.clone();
            Some((code, currency.code(), b))
        })
        .collect();
    rows.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    writeln!(
        out,
        "{:<16} {:<4} {:>18} {:>14} {:>18} {:>14}",
        "account", "ccy", "posted", "held", "available", "overdraft"
    )?;
    for (code, currency, b) in rows {
        writeln!(
            out,
            "{:<16} {:<4} {:>18} {:>14} {:>18} {:>14}",
            code,
            currency,
            b.posted.to_string(),
            b.held.to_string(),
            b.available().to_string(),
            b.overdraft_limit.to_string()
        )?;
    }
    Ok(0)
}
