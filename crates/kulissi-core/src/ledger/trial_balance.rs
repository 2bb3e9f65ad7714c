//! The trial balance: every account's balance per currency as of a date, from the journal.

use std::collections::BTreeMap;

use jiff::civil::Date;
use rust_decimal::Decimal;

use super::chart::ChartOfAccounts;
use super::journal::JournalEntry;
use crate::identifiers::Currency;

/// One account's balance in one currency, on its debit or its credit side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrialBalanceRow {
    /// Account code.
    pub account: u16,
    /// Currency.
    pub currency: Currency,
    /// Debit balance (zero when the balance is a credit).
    pub debit: Decimal,
    /// Credit balance (zero when the balance is a debit).
    pub credit: Decimal,
}

/// Balances by account and currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrialBalance {
    /// Accounts with a non-zero balance, by currency then code.
    pub rows: Vec<TrialBalanceRow>,
}

impl TrialBalance {
    /// The trial balance of the entries effective on or before `as_of`.
    pub fn as_of<'a>(
        entries: impl IntoIterator<Item = &'a JournalEntry>,
        as_of: Date,
    ) -> TrialBalance {
        let mut balances: BTreeMap<(&str, u16), (Currency, Decimal)> = BTreeMap::new();
        for entry in entries.into_iter().filter(|e| e.effective_date <= as_of) {
            for line in &entry.lines {
                let slot = balances
                    .entry((line.currency.code(), line.account))
                    .or_insert((line.currency, Decimal::ZERO));
                slot.1 += line.net();
            }
        }
        let rows = balances
            .into_iter()
            .filter(|(_, (_, net))| !net.is_zero())
            .map(|((_, account), (currency, net))| TrialBalanceRow {
                account,
                currency,
                debit: net.max(Decimal::ZERO),
                credit: (-net).max(Decimal::ZERO),
            })
            .collect();
        TrialBalance { rows }
    }

    /// Total debits and total credits in `currency` (equal, when the journal balances).
    pub fn totals(&self, currency: Currency) -> (Decimal, Decimal) {
        self.rows
            .iter()
            .filter(|r| r.currency == currency)
            .fold((Decimal::ZERO, Decimal::ZERO), |(d, c), r| {
                (d + r.debit, c + r.credit)
            })
    }

    /// Profit for the period in `currency`: income credits minus expense debits.
    pub fn profit(&self, chart: &ChartOfAccounts, currency: Currency) -> Decimal {
        self.rows
            .iter()
            .filter(|r| r.currency == currency)
            .filter(|r| {
                chart
                    .get(r.account)
                    .is_some_and(|a| a.account_type.is_profit_and_loss())
            })
            .map(|r| r.credit - r.debit)
            .sum()
    }

    /// The balance of one account in one currency, debit positive.
    pub fn balance(&self, account: u16, currency: Currency) -> Decimal {
        self.rows
            .iter()
            .find(|r| r.account == account && r.currency == currency)
            .map_or(Decimal::ZERO, |r| r.debit - r.credit)
    }
}
