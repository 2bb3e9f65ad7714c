//! The end of day, cash and corporate-action commands: `eod` (asset servicing, then marks
//! and revaluations), `cash post|void|expire|limit|balances`, `corporate-actions
//! list|entitlements`.

use std::io::Write;

use jiff::civil::Date;
use kulissi_app::reports::{self, Format};
use kulissi_core::engine::{Command, Event};
use rust_decimal::Decimal;

use super::context::{self, Context};
use crate::cli::{CashCommand, CorporateActionsCommand};

pub(crate) fn corporate_actions(
    ctx: &Context,
    cmd: CorporateActionsCommand,
    out: &mut impl Write,
) -> anyhow::Result<u8> {
    let writer = ctx.writer()?;
    match cmd {
        CorporateActionsCommand::List { format } => {
            reports::render(&reports::corporate_actions(writer.state()), format, out)?
        }
        CorporateActionsCommand::Entitlements { event, format } => {
            let report = reports::entitlements(writer.state(), &event)?;
            reports::render(&report, format, out)?
        }
    }
    Ok(0)
}

pub(crate) fn end_of_day(
    ctx: &Context,
    date: Date,
    legal_entity: Option<&str>,
    out: &mut impl Write,
) -> anyhow::Result<u8> {
    let mut lei = None;
    let (events, client_money) = ctx.execute_all_and(
        |state| {
            let entity = context::legal_entity(state, legal_entity)?;
            lei = Some(entity);
            // What falls due first (splits, dividends, coupons, redemptions), the day's
            // settlement penalties, then the marks, accruals and revaluations, as one
            // atomic batch.
            Ok(kulissi_core::engine::end_of_day_steps(entity, date).to_vec())
        },
        kulissi_core::client_money::client_money,
    )?;
    let lei = lei.map(|l| l.to_string()).unwrap_or_default();
    let mut ran = false;
    for event in &events {
        match event {
            Event::SplitApplied { action, .. } => {
                writeln!(out, "  split applied (corporate action {action})")?
            }
            Event::DividendEntitled {
                action,
                entitlements,
                ..
            } => writeln!(
                out,
                "  dividend (corporate action {action}) ex-date: {} house entitlements receivable",
                entitlements.len()
            )?,
            Event::DividendPaid {
                action, payments, ..
            } => writeln!(
                out,
                "  dividend (corporate action {action}) paid to {} accounts",
                payments.len()
            )?,
            Event::CouponPaid {
                payment_date,
                payments,
                ..
            } if !payments.is_empty() => writeln!(
                out,
                "  coupon of {payment_date} paid to {} accounts",
                payments.len()
            )?,
            Event::SettlementPenaltiesAccrued { penalties, .. } if !penalties.is_empty() => {
                let mut totals = std::collections::BTreeMap::new();
                for p in penalties {
                    let signed = match p.cause {
                        kulissi_core::settlement::lifecycle::FailCause::Ours => -p.amount,
                        kulissi_core::settlement::lifecycle::FailCause::Theirs => p.amount,
                    };
                    *totals
                        .entry(p.currency.code())
                        .or_insert(rust_decimal::Decimal::ZERO) += signed;
                }
                let t: Vec<String> = totals.iter().map(|(c, v)| format!("{v} {c}")).collect();
                writeln!(
                    out,
                    "  settlement penalties: {} fail days, net {} (negative: we pay)",
                    penalties.len(),
                    t.join(", ")
                )?
            }
            Event::BondRedeemed {
                maturity, payments, ..
            } => writeln!(
                out,
                "  bond matured {maturity}: {} positions redeemed",
                payments.len()
            )?,
            Event::EndOfDayRun {
                marks,
                revaluations,
                translations,
                accruals,
                reporting_currency,
                ..
            } => {
                ran = true;
                writeln!(
                    out,
                    "end of day {date} for {lei}: {} positions marked to market, {} currencies revalued",
                    marks.len(),
                    revaluations.len()
                )?;
                for (currency, change) in accruals {
                    writeln!(out, "  interest accrued: {change} {currency}")?;
                }
                for (what, list) in [("monetary", revaluations), ("securities", translations)] {
                    for r in list {
                        writeln!(
                            out,
                            "  {} {what}: balance {} at {} per {reporting_currency}, gain {} {reporting_currency}",
                            r.currency, r.balance, r.rate, r.gain
                        )?;
                    }
                }
            }
            _ => {}
        }
    }
    if !ran {
        writeln!(
            out,
            "end of day {date} for {lei}: nothing changed since it ran"
        )?;
    }
    // The daily client-money check: a shortfall is an alert for a person, not a refusal.
    let mut alerts = 0;
    for c in &client_money {
        let status = if !c.ledger_ties() || !c.sub_ledger_ties() {
            alerts += 1;
            "ALERT: the ledger does not tie"
        } else if c.shortfall() > Decimal::ZERO {
            alerts += 1;
            "ALERT: shortfall, top up client money"
        } else {
            "ok"
        };
        writeln!(
            out,
            "  client money {}: at banks {}, held {}, requirement {}, shortfall {}: {status}",
            c.currency,
            c.at_banks,
            c.held,
            c.requirement,
            c.shortfall()
        )?;
    }
    Ok(if alerts > 0 { 1 } else { 0 })
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
        CashCommand::Balances { format } => return balances(ctx, format, out),
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

/// `cash balances`, from the cash sub-ledger of the state the writer rebuilds on opening.
fn balances(ctx: &Context, format: Format, out: &mut impl Write) -> anyhow::Result<u8> {
    let writer = ctx.writer()?;
    reports::render(&reports::cash_balances(writer.state()), format, out)?;
    Ok(0)
}
