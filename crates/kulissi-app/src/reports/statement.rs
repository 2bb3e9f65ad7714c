//! An account statement: one account's journal entries between two dates (effective dates by
//! default, posting dates on request), per currency, with the opening balance, a running
//! balance and the closing balance; each line names the event (sequence number) and the
//! trade it comes from.

use std::collections::BTreeMap;
use std::io::{self, Write};

use jiff::civil::Date;
use kulissi_core::identifiers::{Currency, Lei};
use kulissi_core::ledger::ChartOfAccounts;
use kulissi_store::EventStore;
use rust_decimal::Decimal;

use super::{Cell, DateBasis, Report, ReportError, account_name, entity_id};
use crate::read_journal;

/// What statement to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountStatementQuery {
    /// Account code.
    pub account: u16,
    /// First date.
    pub from: Date,
    /// Last date.
    pub to: Date,
    /// Which date of an entry `from` and `to` look at, and the lines are ordered by.
    pub basis: DateBasis,
    /// Only this legal entity's books (default: every entity's).
    pub legal_entity: Option<Lei>,
}

/// One entry's line on the account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementEntry {
    /// Posting date.
    pub posted: Date,
    /// Effective date.
    pub effective: Date,
    /// Sequence number of the event that caused it.
    pub seq: u64,
    /// What it records ("Settlement of trade 12").
    pub entry: String,
    /// The trade it comes from, if any.
    pub trade: Option<u64>,
    /// The amount on the account, debit positive.
    pub amount: Decimal,
    /// The balance after it.
    pub balance: Decimal,
}

/// The statement in one currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrencyStatement {
    /// Currency.
    pub currency: Currency,
    /// Balance before `from`, debit positive.
    pub opening: Decimal,
    /// The entries from `from` to `to`, by date on the basis then log order.
    pub entries: Vec<StatementEntry>,
    /// Sum of the debits of the entries.
    pub debits: Decimal,
    /// Sum of the credits of the entries (positive).
    pub credits: Decimal,
    /// Balance after `to`, debit positive.
    pub closing: Decimal,
}

/// An account statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountStatement {
    /// What was asked.
    pub query: AccountStatementQuery,
    /// The account's name in the chart of the entity (or the default chart).
    pub name: String,
    /// Per currency with a balance or entries, by currency code.
    pub currencies: Vec<CurrencyStatement>,
}

/// Makes the statement `query` asks for, from the journal read back from the log.
pub fn account_statement(
    store: &impl EventStore,
    query: &AccountStatementQuery,
) -> Result<AccountStatement, ReportError> {
    let q = *query;
    let mut opening: BTreeMap<
        (kulissi_core::ids::LegalEntityId, &'static str),
        (Currency, Decimal),
    > = BTreeMap::new();
    let mut lines: Vec<(kulissi_core::ids::LegalEntityId, Currency, StatementEntry)> = Vec::new();
    let state = read_journal::<_, ReportError>(store, None, |entry| {
        let date = q.basis.date_of(entry.header);
        if date > q.to {
            return Ok(());
        }
        for (account, currency, amount) in entry.lines {
            if *account != q.account {
                continue;
            }
            let entity = entry.header.legal_entity;
            if date < q.from {
                opening
                    .entry((entity, currency.code()))
                    .or_insert((*currency, Decimal::ZERO))
                    .1 += *amount;
            } else {
                lines.push((
                    entity,
                    *currency,
                    StatementEntry {
                        posted: entry.header.posting_date,
                        effective: entry.header.effective_date,
                        seq: entry.seq,
                        entry: entry.header.kind.describe(entry.header.trade_id),
                        trade: entry.header.trade_id.map(u64::from),
                        amount: *amount,
                        balance: Decimal::ZERO,
                    },
                ));
            }
        }
        Ok(())
    })?;
    let entity = q
        .legal_entity
        .map(|lei| entity_id(&state, lei))
        .transpose()?;
    let ours = |e: kulissi_core::ids::LegalEntityId| entity.is_none_or(|id| id == e);
    let chart = match entity {
        Some(id) => state.chart_of(id),
        None => ChartOfAccounts::broker_dealer(),
    };
    let mut per_currency: BTreeMap<&'static str, (Currency, Decimal, Vec<StatementEntry>)> =
        BTreeMap::new();
    for ((e, code), (currency, amount)) in opening {
        if ours(e) {
            per_currency
                .entry(code)
                .or_insert((currency, Decimal::ZERO, Vec::new()))
                .1 += amount;
        }
    }
    // By date on the basis, then log order (the sort is stable).
    lines.sort_by_key(|(_, _, l)| match q.basis {
        DateBasis::Effective => l.effective,
        DateBasis::Posting => l.posted,
    });
    for (e, currency, line) in lines {
        if ours(e) {
            per_currency
                .entry(currency.code())
                .or_insert((currency, Decimal::ZERO, Vec::new()))
                .2
                .push(line);
        }
    }
    let currencies = per_currency
        .into_values()
        .map(|(currency, opening, mut entries)| {
            let mut balance = opening;
            let (mut debits, mut credits) = (Decimal::ZERO, Decimal::ZERO);
            for line in &mut entries {
                balance += line.amount;
                line.balance = balance;
                debits += line.amount.max(Decimal::ZERO);
                credits += (-line.amount).max(Decimal::ZERO);
            }
            CurrencyStatement {
                currency,
                opening,
                entries,
                debits,
                credits,
                closing: balance,
            }
        })
        .collect();
    Ok(AccountStatement {
        query: q,
        name: account_name(&chart, q.account),
        currencies,
    })
}

/// The debit and credit columns of a debit-positive amount (the other one empty).
fn sides(amount: Decimal) -> (Option<Decimal>, Option<Decimal>) {
    if amount.is_sign_negative() {
        (None, Some(-amount))
    } else {
        (Some(amount), None)
    }
}

impl Report for AccountStatement {
    fn columns(&self) -> &'static [&'static str] {
        &[
            "currency",
            "posted",
            "effective",
            "event",
            "trade",
            "entry",
            "debit",
            "credit",
            "balance",
        ]
    }

    /// Per currency: the opening balance, the entries, and the closing balance with the
    /// period's debits and credits (the two balance lines have no dates, event or trade).
    fn rows(&self) -> Vec<Vec<Cell>> {
        let mut rows = Vec::new();
        for c in &self.currencies {
            let code = || Cell::from(c.currency.code());
            rows.push(vec![
                code(),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                "opening balance".into(),
                Cell::Empty,
                Cell::Empty,
                c.opening.into(),
            ]);
            for e in &c.entries {
                let (debit, credit) = sides(e.amount);
                rows.push(vec![
                    code(),
                    e.posted.into(),
                    e.effective.into(),
                    e.seq.into(),
                    e.trade.into(),
                    e.entry.as_str().into(),
                    debit.into(),
                    credit.into(),
                    e.balance.into(),
                ]);
            }
            rows.push(vec![
                code(),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                "closing balance".into(),
                c.debits.into(),
                c.credits.into(),
                c.closing.into(),
            ]);
        }
        rows
    }

    fn write_table(&self, out: &mut dyn Write) -> io::Result<()> {
        let q = &self.query;
        write!(
            out,
            "account {} {}, {} to {}",
            q.account, self.name, q.from, q.to
        )?;
        match q.basis {
            DateBasis::Effective => writeln!(out)?,
            DateBasis::Posting => writeln!(out, " (by posting date)")?,
        }
        if self.currencies.is_empty() {
            writeln!(out, "no balance and no entries")?;
        }
        let row = |out: &mut dyn Write, cells: [&str; 8]| {
            let [
                posted,
                effective,
                event,
                trade,
                entry,
                debit,
                credit,
                balance,
            ] = cells;
            writeln!(
                out,
                "  {posted:<10} {effective:<10} {event:>9} {trade:>9}  {entry:<28} {debit:>16} {credit:>16} {balance:>18}"
            )
        };
        for c in &self.currencies {
            writeln!(out)?;
            writeln!(out, "{}", c.currency)?;
            row(
                out,
                [
                    "posted",
                    "effective",
                    "event",
                    "trade",
                    "entry",
                    "debit",
                    "credit",
                    "balance",
                ],
            )?;
            row(
                out,
                [
                    &q.from.to_string(),
                    "",
                    "",
                    "",
                    "opening balance",
                    "",
                    "",
                    &c.opening.to_string(),
                ],
            )?;
            for e in &c.entries {
                let (debit, credit) = sides(e.amount);
                let text = |d: Option<Decimal>| d.map(|d| d.to_string()).unwrap_or_default();
                row(
                    out,
                    [
                        &e.posted.to_string(),
                        &e.effective.to_string(),
                        &e.seq.to_string(),
                        &e.trade.map(|t| t.to_string()).unwrap_or_default(),
                        &e.entry,
                        &text(debit),
                        &text(credit),
                        &e.balance.to_string(),
                    ],
                )?;
            }
            row(
                out,
                [
                    &q.to.to_string(),
                    "",
                    "",
                    "",
                    "closing balance",
                    &c.debits.to_string(),
                    &c.credits.to_string(),
                    &c.closing.to_string(),
                ],
            )?;
        }
        Ok(())
    }
}
