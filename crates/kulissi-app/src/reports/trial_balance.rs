//! The trial balance: every account's balance per currency, debit or credit, with the totals
//! and the profit per currency.
//!
//! One implementation with two sources that agree by construction (`verify` checks it): as
//! the log stands in every legal entity's books, the `ledger_balances` read model, which
//! needs no replay; as of a date or in one legal entity's books, the journal read back from
//! the log, the entries selected by effective date (default) or posting date
//! ([`DateBasis`]).

use std::io::{self, Write};

use jiff::civil::Date;
use kulissi_core::identifiers::{Currency, Lei};
use kulissi_core::ledger::{ChartOfAccounts, TrialBalance, TrialBalanceRow};
use kulissi_store::EventStore;
use rust_decimal::Decimal;

use super::{
    Cell, DateBasis, JournalBook, JournalSums, Report, ReportError, account_name, read_all,
};

/// What trial balance to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TrialBalanceQuery {
    /// The entries dated on or before this date (default: all of them).
    pub as_of: Option<Date>,
    /// Which date of an entry `as_of` looks at.
    pub basis: DateBasis,
    /// Only this legal entity's books (default: every entity's).
    pub legal_entity: Option<Lei>,
}

/// One account's balance in one currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrialBalanceLine {
    /// Currency.
    pub currency: Currency,
    /// Account code.
    pub account: u16,
    /// Its name in the chart of the entity (or the default chart).
    pub name: String,
    /// Debit balance (zero when the balance is a credit).
    pub debit: Decimal,
    /// Credit balance (zero when the balance is a debit).
    pub credit: Decimal,
}

/// Totals of one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CurrencyTotals {
    /// Currency.
    pub currency: Currency,
    /// Sum of the debit balances.
    pub debits: Decimal,
    /// Sum of the credit balances (equal to the debits: the ledger balances per currency).
    pub credits: Decimal,
    /// Income less expenses not yet closed into retained earnings.
    pub profit: Decimal,
}

/// The trial balance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrialBalanceReport {
    /// What was asked.
    pub query: TrialBalanceQuery,
    /// Accounts with a non-zero balance, by currency code then account code.
    pub lines: Vec<TrialBalanceLine>,
    /// Totals per currency, by currency code.
    pub totals: Vec<CurrencyTotals>,
}

/// Makes the trial balance `query` asks for.
pub fn trial_balance(
    store: &impl EventStore,
    query: &TrialBalanceQuery,
) -> Result<TrialBalanceReport, ReportError> {
    let (chart, mut balances) = match (query.as_of, query.legal_entity) {
        // As the log stands, in all the books: the read model (no replay), the same on
        // either basis since every entry is in.
        (None, None) => {
            let mut balances = Vec::new();
            for row in store.ledger_balances()? {
                let currency = Currency::parse(&row.currency).map_err(|e| {
                    ReportError::ReadModel(format!("ledger balance of {}: {e}", row.account))
                })?;
                balances.push((currency, row.account, row.balance));
            }
            (ChartOfAccounts::broker_dealer(), balances)
        }
        (as_of, legal_entity) => {
            let (state, entries) = read_all(store)?;
            let book = JournalBook {
                state: &state,
                entries: &entries,
            };
            let journal = JournalSums::of(book, None, as_of, query.basis, legal_entity)?;
            let balances = journal
                .sums
                .into_iter()
                .map(|((_, account), (currency, amount))| (currency, account, amount))
                .collect();
            (journal.chart, balances)
        }
    };
    balances.retain(|(_, _, balance)| !balance.is_zero());
    balances.sort_by_key(|(currency, account, _)| (currency.code(), *account));
    let book = TrialBalance {
        rows: balances
            .iter()
            .map(|(currency, account, balance)| TrialBalanceRow {
                account: *account,
                currency: *currency,
                debit: (*balance).max(Decimal::ZERO),
                credit: (-*balance).max(Decimal::ZERO),
            })
            .collect(),
    };
    let mut currencies: Vec<Currency> = book.rows.iter().map(|r| r.currency).collect();
    currencies.dedup();
    let totals = currencies
        .into_iter()
        .map(|currency| {
            let (debits, credits) = book.totals(currency);
            CurrencyTotals {
                currency,
                debits,
                credits,
                profit: book.profit(&chart, currency),
            }
        })
        .collect();
    let lines = book
        .rows
        .iter()
        .map(|r| TrialBalanceLine {
            currency: r.currency,
            account: r.account,
            name: account_name(&chart, r.account),
            debit: r.debit,
            credit: r.credit,
        })
        .collect();
    Ok(TrialBalanceReport {
        query: *query,
        lines,
        totals,
    })
}

impl Report for TrialBalanceReport {
    fn columns(&self) -> &'static [&'static str] {
        &["currency", "account", "name", "debit", "credit"]
    }

    fn rows(&self) -> Vec<Vec<Cell>> {
        self.lines
            .iter()
            .map(|l| {
                vec![
                    l.currency.code().into(),
                    l.account.into(),
                    l.name.as_str().into(),
                    l.debit.into(),
                    l.credit.into(),
                ]
            })
            .collect()
    }

    fn write_table(&self, out: &mut dyn Write) -> io::Result<()> {
        for totals in &self.totals {
            writeln!(out, "{}", totals.currency)?;
            writeln!(
                out,
                "  {:<6} {:<42} {:>18} {:>18}",
                "acct", "name", "debit", "credit"
            )?;
            for l in self.lines.iter().filter(|l| l.currency == totals.currency) {
                writeln!(
                    out,
                    "  {:<6} {:<42} {:>18} {:>18}",
                    l.account,
                    l.name,
                    l.debit.to_string(),
                    l.credit.to_string()
                )?;
            }
            writeln!(
                out,
                "  {:<6} {:<42} {:>18} {:>18}",
                "",
                "total",
                totals.debits.to_string(),
                totals.credits.to_string()
            )?;
            writeln!(out, "  profit for the period: {}", totals.profit)?;
        }
        Ok(())
    }
}
