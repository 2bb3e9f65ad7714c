//! The general-ledger commands: `ledger trial-balance`, `ledger statement` and
//! `ledger export`.

use std::collections::BTreeMap;
use std::io::Write;

use jiff::civil::Date;
use kulissi_app::read_journal;
use kulissi_core::engine::{Command, Event, State};
use kulissi_core::identifiers::Currency;
use kulissi_core::ledger::{ChartOfAccounts, codes};
use kulissi_formats::ledger_export::{ExportFormat, JournalWriter};
use kulissi_store::EventStore;
use rust_decimal::Decimal;

use super::context::{self, Context};
use crate::cli::LedgerCommand;

/// One account's balance in one currency, debit positive.
struct Balance {
    account: u16,
    currency: String,
    balance: Decimal,
}

/// The id of the legal entity `lei` in `state`.
fn entity_id(state: &kulissi_core::engine::State, lei: &str) -> anyhow::Result<u32> {
    let lei = kulissi_core::identifiers::Lei::parse(lei)
        .map_err(|e| anyhow::anyhow!("--legal-entity: {e}"))?;
    state
        .refdata
        .legal_entities
        .id(&lei)
        .ok_or_else(|| anyhow::anyhow!("--legal-entity: no legal entity {lei} is defined"))
}

/// `kulissi ledger trial-balance`: from the `ledger_balances` read model as the log stands
/// (all legal entities), or, with `--as-of` or `--legal-entity`, from the journal of the
/// entries posted on or before that date in that entity's books.
pub(crate) fn trial_balance(
    ctx: &Context,
    as_of: Option<Date>,
    legal_entity: Option<&str>,
    format: &str,
    out: &mut impl Write,
) -> anyhow::Result<u8> {
    let store = ctx.open()?;
    let mut chart = ChartOfAccounts::broker_dealer();
    let rows: Vec<Balance> = match (as_of, legal_entity) {
        (None, None) => store
            .ledger_balances()?
            .into_iter()
            .filter(|r| !r.balance.is_zero())
            .map(|r| Balance {
                account: r.account,
                currency: r.currency,
                balance: r.balance,
            })
            .collect(),
        (as_of, legal_entity) => {
            let date = as_of.unwrap_or(Date::MAX);
            let mut sums: BTreeMap<(u32, String, u16), Decimal> = BTreeMap::new();
            let state = read_journal::<_, anyhow::Error>(&store, None, |entry| {
                if entry.header.posting_date <= date {
                    for (account, currency, amount) in entry.lines {
                        *sums
                            .entry((
                                entry.header.legal_entity,
                                currency.code().to_owned(),
                                *account,
                            ))
                            .or_default() += *amount;
                    }
                }
                Ok(())
            })?;
            let entity = legal_entity.map(|l| entity_id(&state, l)).transpose()?;
            if let Some(id) = entity {
                chart = state.chart_of(id);
            }
            let mut totals: BTreeMap<(String, u16), Decimal> = BTreeMap::new();
            for ((e, currency, account), amount) in sums {
                if entity.is_none_or(|id| id == e) {
                    *totals.entry((currency, account)).or_default() += amount;
                }
            }
            totals
                .into_iter()
                .filter(|(_, b)| !b.is_zero())
                .map(|((currency, account), balance)| Balance {
                    account,
                    currency,
                    balance,
                })
                .collect()
        }
    };
    let name = |code: u16| {
        chart
            .get(code)
            .map_or("(not in the chart)", |a| a.name.as_str())
    };
    let side = |balance: Decimal| {
        if balance.is_sign_negative() {
            (Decimal::ZERO, -balance)
        } else {
            (balance, Decimal::ZERO)
        }
    };
    let mut currencies: Vec<&str> = rows.iter().map(|r| r.currency.as_str()).collect();
    currencies.dedup();
    match format {
        "csv" => {
            writeln!(out, "currency,account,name,debit,credit")?;
            for r in &rows {
                let (debit, credit) = side(r.balance);
                writeln!(
                    out,
                    "{},{},{},{debit},{credit}",
                    r.currency,
                    r.account,
                    name(r.account)
                )?;
            }
        }
        "json" => {
            let items: Vec<String> = rows
                .iter()
                .map(|r| {
                    let (debit, credit) = side(r.balance);
                    format!(
                        "{{\"currency\":\"{}\",\"account\":{},\"name\":\"{}\",\"debit\":\"{debit}\",\"credit\":\"{credit}\"}}",
                        r.currency,
                        r.account,
                        name(r.account)
                    )
                })
                .collect();
            writeln!(out, "[{}]", items.join(","))?;
        }
        _ => {
            for currency in currencies {
                writeln!(out, "{currency}")?;
                writeln!(
                    out,
                    "  {:<6} {:<42} {:>18} {:>18}",
                    "acct", "name", "debit", "credit"
                )?;
                let (mut debits, mut credits, mut profit) =
                    (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
                for r in rows.iter().filter(|r| r.currency == currency) {
                    let (debit, credit) = side(r.balance);
                    debits += debit;
                    credits += credit;
                    if chart
                        .get(r.account)
                        .is_some_and(|a| a.account_type.is_profit_and_loss())
                    {
                        profit -= r.balance;
                    }
                    writeln!(
                        out,
                        "  {:<6} {:<42} {:>18} {:>18}",
                        r.account,
                        name(r.account),
                        debit.to_string(),
                        credit.to_string()
                    )?;
                }
                writeln!(
                    out,
                    "  {:<6} {:<42} {:>18} {:>18}",
                    "",
                    "total",
                    debits.to_string(),
                    credits.to_string()
                )?;
                writeln!(out, "  profit for the period: {profit}")?;
            }
        }
    }
    Ok(0)
}

/// One line of an account statement.
struct StatementLine {
    posted: Date,
    effective: Date,
    seq: u64,
    what: String,
    trade: Option<u64>,
    currency: String,
    amount: Decimal,
}

/// `kulissi ledger statement`: one account's entries between two posting dates, with the
/// opening balance, a running balance, and for each line the event and trade it comes from.
pub(crate) fn statement(
    ctx: &Context,
    account: u16,
    from: Date,
    to: Date,
    legal_entity: Option<&str>,
    out: &mut impl Write,
) -> anyhow::Result<u8> {
    let store = ctx.open()?;
    let mut opening: BTreeMap<(u32, String), Decimal> = BTreeMap::new();
    let mut lines: Vec<(u32, StatementLine)> = Vec::new();
    let state = read_journal::<_, anyhow::Error>(&store, None, |entry| {
        let date = entry.header.posting_date;
        if date > to {
            return Ok(());
        }
        for (a, currency, amount) in entry.lines {
            if *a != account {
                continue;
            }
            let entity = entry.header.legal_entity;
            if date < from {
                *opening
                    .entry((entity, currency.code().to_owned()))
                    .or_default() += *amount;
            } else {
                lines.push((
                    entity,
                    StatementLine {
                        posted: date,
                        effective: entry.header.effective_date,
                        seq: entry.seq,
                        what: entry.header.kind.describe(entry.header.trade_id),
                        trade: entry.header.trade_id,
                        currency: currency.code().to_owned(),
                        amount: *amount,
                    },
                ));
            }
        }
        Ok(())
    })?;
    let entity = legal_entity.map(|l| entity_id(&state, l)).transpose()?;
    let ours = |e: &u32| entity.is_none_or(|id| id == *e);
    let chart = match entity {
        Some(id) => state.chart_of(id),
        None => ChartOfAccounts::broker_dealer(),
    };
    let name = chart
        .get(account)
        .map_or("(not in the chart)", |a| a.name.as_str());
    let mut totals: BTreeMap<String, Decimal> = BTreeMap::new();
    for ((e, currency), amount) in opening {
        if ours(&e) {
            *totals.entry(currency).or_default() += amount;
        }
    }
    let opening = totals;
    let mut lines: Vec<StatementLine> = lines
        .into_iter()
        .filter(|(e, _)| ours(e))
        .map(|(_, l)| l)
        .collect();
    // By posting date, then log order (the sort is stable).
    lines.sort_by_key(|l| l.posted);
    let mut currencies: Vec<String> = opening.keys().cloned().collect();
    currencies.extend(lines.iter().map(|l| l.currency.clone()));
    currencies.sort();
    currencies.dedup();
    writeln!(out, "account {account} {name}, {from} to {to}")?;
    if currencies.is_empty() {
        writeln!(out, "no balance and no entries")?;
    }
    for currency in currencies {
        let mut balance = opening.get(&currency).copied().unwrap_or_default();
        writeln!(out)?;
        writeln!(out, "{currency}")?;
        writeln!(
            out,
            "  {:<10} {:<10} {:>9} {:>9}  {:<28} {:>16} {:>16} {:>18}",
            "posted", "effective", "event", "trade", "entry", "debit", "credit", "balance"
        )?;
        writeln!(
            out,
            "  {:<10} {:<10} {:>9} {:>9}  {:<28} {:>16} {:>16} {:>18}",
            from,
            "",
            "",
            "",
            "opening balance",
            "",
            "",
            balance.to_string()
        )?;
        let (mut debits, mut credits) = (Decimal::ZERO, Decimal::ZERO);
        for StatementLine {
            posted,
            effective,
            seq,
            what,
            trade,
            amount,
            ..
        } in lines.iter().filter(|l| l.currency == currency)
        {
            balance += *amount;
            let (debit, credit) = if amount.is_sign_negative() {
                (String::new(), (-*amount).to_string())
            } else {
                (amount.to_string(), String::new())
            };
            debits += amount.max(&Decimal::ZERO);
            credits += (-*amount).max(Decimal::ZERO);
            writeln!(
                out,
                "  {:<10} {:<10} {:>9} {:>9}  {:<28} {:>16} {:>16} {:>18}",
                posted,
                effective,
                seq,
                trade.map(|t| t.to_string()).unwrap_or_default(),
                what,
                debit,
                credit,
                balance.to_string()
            )?;
        }
        writeln!(
            out,
            "  {:<10} {:<10} {:>9} {:>9}  {:<28} {:>16} {:>16} {:>18}",
            to,
            "",
            "",
            "",
            "closing balance",
            debits.to_string(),
            credits.to_string(),
            balance.to_string()
        )?;
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

/// `ledger balance-sheet` (no `from`) and `ledger income-statement`: the balances of the
/// entries posted in the range, in one legal entity's books or in all, per currency and
/// converted into the reporting currency of that (or the first) legal entity at the
/// closing rates recorded on or before the last date.
pub(crate) fn statements(
    ctx: &Context,
    from: Option<Date>,
    to: Option<Date>,
    legal_entity: Option<&str>,
    out: &mut impl Write,
) -> anyhow::Result<u8> {
    use kulissi_core::ledger::{balance_sheets, convert, income_statements};
    let store = ctx.open()?;
    let mut chart = ChartOfAccounts::broker_dealer();
    let mut sums: BTreeMap<(u32, String, u16), (Currency, Decimal)> = BTreeMap::new();
    let state = read_journal::<_, anyhow::Error>(&store, None, |entry| {
        let date = entry.header.posting_date;
        if from.is_some_and(|f| date < f) || to.is_some_and(|t| date > t) {
            return Ok(());
        }
        for (account, currency, amount) in entry.lines {
            sums.entry((
                entry.header.legal_entity,
                currency.code().to_owned(),
                *account,
            ))
            .or_insert((*currency, Decimal::ZERO))
            .1 += *amount;
        }
        Ok(())
    })?;
    let entity = legal_entity.map(|l| entity_id(&state, l)).transpose()?;
    if let Some(id) = entity {
        chart = state.chart_of(id);
    }
    let mut totals: BTreeMap<(String, u16), (Currency, Decimal)> = BTreeMap::new();
    for ((e, code, account), (currency, amount)) in sums {
        if entity.is_none_or(|id| id == e) {
            totals
                .entry((code, account))
                .or_insert((currency, Decimal::ZERO))
                .1 += amount;
        }
    }
    let balances: Vec<(u16, Currency, Decimal)> = totals
        .into_iter()
        .map(|((_, account), (currency, amount))| (account, currency, amount))
        .collect();
    let statements = match from {
        None => balance_sheets(&chart, &balances),
        Some(_) => income_statements(&chart, &balances),
    };
    let title = match (from, to) {
        (None, None) => "Balance sheet".to_owned(),
        (None, Some(to)) => format!("Balance sheet as of {to}"),
        (Some(from), to) => format!(
            "Income statement, {from} to {}",
            to.map_or("today".to_owned(), |t| t.to_string())
        ),
    };
    for statement in &statements {
        print_statement(out, &format!("{title}, {}", statement.currency), statement)?;
    }
    let reporting = match entity {
        Some(id) => state.refdata.legal_entities.get(id),
        None => state.refdata.legal_entities.iter().next().map(|(_, e)| e),
    }
    .map(|e| e.reporting_currency);
    if let Some(reporting) = reporting {
        // The end of day's revaluation (1190 against 4300) restates foreign balances at the
        // closing rate, which conversion at the closing rate already does: leave it out.
        let without_revaluation: Vec<(u16, Currency, Decimal)> = balances
            .iter()
            .copied()
            .filter(|(a, _, _)| {
                !matches!(*a, codes::FX_REVALUATION_ADJUSTMENT | codes::FX_REVALUATION)
            })
            .collect();
        let per_currency = match from {
            None => balance_sheets(&chart, &without_revaluation),
            Some(_) => income_statements(&chart, &without_revaluation),
        };
        let date = to.unwrap_or(Date::MAX);
        let converted = convert(&per_currency, reporting, |c| {
            state
                .market_data
                .latest_rate(reporting, c, date)
                .map(|(_, r)| r)
        });
        match converted {
            Ok(statement) => print_statement(
                out,
                &format!("{title}, all currencies in {reporting} at closing rates"),
                &statement,
            )?,
            Err(e) => writeln!(out, "not converted into {reporting}: {e}")?,
        }
    }
    Ok(0)
}

fn print_statement(
    out: &mut impl Write,
    title: &str,
    statement: &kulissi_core::ledger::Statement,
) -> anyhow::Result<()> {
    writeln!(out, "{title}")?;
    for section in &statement.sections {
        writeln!(out, "  {}", section.title)?;
        for line in &section.lines {
            let code = if line.account == 0 {
                String::new()
            } else {
                line.account.to_string()
            };
            writeln!(
                out,
                "    {code:<6} {:<48} {:>20}",
                line.name,
                line.amount.to_string()
            )?;
        }
        writeln!(
            out,
            "    {:<6} {:<48} {:>20}",
            "",
            format!("Total {}", section.title.to_lowercase()),
            section.total.to_string()
        )?;
    }
    writeln!(out)?;
    Ok(())
}
