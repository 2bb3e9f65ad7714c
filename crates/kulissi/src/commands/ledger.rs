//! The general-ledger commands: the reports (`ledger trial-balance`, `ledger statement`,
//! `ledger balance-sheet`, `ledger income-statement`, computed and rendered by
//! `kulissi_app::reports`), `ledger export`, and the accounting commands through the engine.

use std::io::Write;

use jiff::civil::Date;
use kulissi_app::read_journal;
use kulissi_app::reports::{self, AccountStatementQuery, DateBasis, Format, TrialBalanceQuery};
use kulissi_core::engine::{Command, Event, State};
use kulissi_core::identifiers::{Currency, Lei};
use kulissi_core::ledger::{ChartOfAccounts, codes};
use kulissi_formats::ledger_export::{ExportFormat, JournalWriter};
use kulissi_store::EventStore;
use rust_decimal::Decimal;

use super::context::{self, Context};
use crate::cli::LedgerCommand;

/// The `--legal-entity` value as an LEI.
fn lei(text: Option<&str>) -> anyhow::Result<Option<Lei>> {
    text.map(|t| Lei::parse(t).map_err(|e| anyhow::anyhow!("--legal-entity: {e}")))
        .transpose()
}

/// A report's error, naming the flag when it is about one.
fn flagged(e: reports::ReportError) -> anyhow::Error {
    match e {
        reports::ReportError::UnknownLegalEntity(_) => anyhow::anyhow!("--legal-entity: {e}"),
        e => e.into(),
    }
}

/// `kulissi ledger trial-balance`.
pub(crate) fn trial_balance(
    ctx: &Context,
    as_of: Option<Date>,
    basis: DateBasis,
    legal_entity: Option<&str>,
    format: Format,
    out: &mut impl Write,
) -> anyhow::Result<u8> {
    let query = TrialBalanceQuery {
        as_of,
        basis,
        legal_entity: lei(legal_entity)?,
    };
    let report = reports::trial_balance(&ctx.open()?, &query).map_err(flagged)?;
    reports::render(&report, format, out)?;
    Ok(0)
}

/// `kulissi ledger statement`.
pub(crate) fn statement(
    ctx: &Context,
    account: u16,
    (from, to): (Date, Date),
    basis: DateBasis,
    legal_entity: Option<&str>,
    format: Format,
    out: &mut impl Write,
) -> anyhow::Result<u8> {
    let query = AccountStatementQuery {
        account,
        from,
        to,
        basis,
        legal_entity: lei(legal_entity)?,
    };
    let report = reports::account_statement(&ctx.open()?, &query).map_err(flagged)?;
    reports::render(&report, format, out)?;
    Ok(0)
}

/// `ledger balance-sheet` (no `from`) and `ledger income-statement` (`from` and `to`).
pub(crate) fn statements(
    ctx: &Context,
    period: (Option<Date>, Option<Date>),
    basis: DateBasis,
    legal_entity: Option<&str>,
    format: Format,
    out: &mut impl Write,
) -> anyhow::Result<u8> {
    let store = ctx.open()?;
    let legal_entity = lei(legal_entity)?;
    let report = match period {
        (Some(from), Some(to)) => reports::income_statement(&store, from, to, basis, legal_entity),
        (_, as_of) => reports::balance_sheet(&store, as_of, basis, legal_entity),
    }
    .map_err(flagged)?;
    reports::render(&report, format, out)?;
    if format != Format::Table
        && let Some(Err(e)) = &report.converted
    {
        eprintln!("not translated: {e}");
    }
    Ok(0)
}

/// `kulissi ledger export`: the whole journal for hledger/ledger or beancount, to a file or
/// to `out`. Prints (to stderr) how many entries it wrote.
pub(crate) fn export(
    ctx: &Context,
    format: &str,
    to: Option<&std::path::Path>,
    out: &mut impl Write,
) -> anyhow::Result<u8> {
    let format: ExportFormat = format.parse().map_err(|e: String| anyhow::anyhow!(e))?;
    let store = ctx.open()?;
    let chart = ChartOfAccounts::broker_dealer();
    let operating = "EUR".parse()?;
    let entries = match to {
        Some(path) => {
            let file = std::fs::File::create(path)
                .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", path.display()))?;
            let writer = std::io::BufWriter::with_capacity(1 << 20, file);
            write_journal(&store, format, chart, operating, writer)?
        }
        None => write_journal(&store, format, chart, operating, &mut *out)?,
    };
    eprintln!("exported {entries} journal entries");
    Ok(0)
}

fn write_journal<W: Write>(
    store: &impl EventStore,
    format: ExportFormat,
    chart: ChartOfAccounts,
    operating: kulissi_core::identifiers::Currency,
    out: W,
) -> anyhow::Result<u64> {
    let mut writer = JournalWriter::new(out, format, chart, operating)?;
    read_journal::<_, anyhow::Error>(store, None, |entry| {
        writer.entry(entry.seq, entry.header, entry.lines)?;
        Ok(())
    })?;
    Ok(writer.finish()?)
}

/// `ledger close|reopen|close-year|propose|approve|reject`: commands through the engine.
pub(crate) fn accounting(
    ctx: &Context,
    cmd: LedgerCommand,
    out: &mut impl Write,
) -> anyhow::Result<u8> {
    let build = |state: &State| -> anyhow::Result<Command> {
        let entity = |lei: Option<String>| context::legal_entity(state, lei.as_deref());
        Ok(match cmd {
            LedgerCommand::Close {
                through,
                legal_entity,
            } => Command::ClosePeriod {
                legal_entity: entity(legal_entity)?,
                through,
            },
            LedgerCommand::Reopen {
                from,
                reason,
                legal_entity,
            } => Command::ReopenPeriod {
                legal_entity: entity(legal_entity)?,
                from,
                reason,
            },
            LedgerCommand::CloseYear { year, legal_entity } => Command::CloseYear {
                legal_entity: entity(legal_entity)?,
                year,
            },
            LedgerCommand::Propose {
                reference,
                date,
                description,
                lines,
                legal_entity,
            } => Command::ProposeJournalEntry {
                reference,
                legal_entity: entity(legal_entity)?,
                effective_date: date,
                description,
                lines: lines
                    .iter()
                    .enumerate()
                    .map(|(i, line)| {
                        parse_line(line).map_err(|e| anyhow::anyhow!("--line {}: {e}", i + 1))
                    })
                    .collect::<anyhow::Result<_>>()?,
            },
            LedgerCommand::Approve { reference } => Command::ApproveJournalEntry { reference },
            LedgerCommand::Reject { reference, reason } => {
                Command::RejectJournalEntry { reference, reason }
            }
            LedgerCommand::TrialBalance { .. }
            | LedgerCommand::Statement { .. }
            | LedgerCommand::BalanceSheet { .. }
            | LedgerCommand::IncomeStatement { .. }
            | LedgerCommand::Export { .. } => anyhow::bail!("not an accounting command"),
        })
    };
    let events = ctx.execute(build)?;
    match events.first() {
        None => writeln!(out, "nothing changed")?,
        Some(Event::YearClosed { year, lines, .. }) => writeln!(
            out,
            "year {year} closed: {} income and expense balances moved to retained earnings",
            lines
                .iter()
                .filter(|(a, _, _)| *a != codes::RETAINED_EARNINGS)
                .count()
        )?,
        Some(Event::JournalEntryProposed(e)) => writeln!(
            out,
            "journal entry {} ('{}') proposed by {}: it posts when another person approves it",
            e.id, e.reference, e.maker
        )?,
        Some(event) => writeln!(out, "done: {}", event.kind())?,
    }
    Ok(0)
}

/// `ACCOUNT:CURRENCY:AMOUNT`.
fn parse_line(text: &str) -> Result<(u16, Currency, Decimal), String> {
    let mut parts = text.split(':');
    let (Some(account), Some(currency), Some(amount), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(format!(
            "expected ACCOUNT:CURRENCY:AMOUNT such as 5500:EUR:120.00, found '{text}'"
        ));
    };
    let account = account
        .parse()
        .map_err(|_| format!("account '{account}' is not an account code"))?;
    let currency = currency.parse().map_err(|e| format!("{e}"))?;
    let amount = amount
        .parse()
        .map_err(|_| format!("amount '{amount}' is not a decimal number"))?;
    Ok((account, currency, amount))
}
