//! Financial statements from account balances: the balance sheet (assets = liabilities +
//! equity, the period's unclosed profit shown in equity) and the income statement, per
//! currency. Statements in the reporting currency are made the same way from the
//! translated balances (`translation.rs`), which balance by construction: there is no
//! translation-difference line to hide anything in.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::chart::{AccountType, ChartOfAccounts};
use crate::identifiers::Currency;

/// One line: an account and its amount on its normal side (a credit balance of a liability
/// is positive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementLine {
    /// Account code (0 for a computed line such as the period's profit).
    pub account: u16,
    /// What it is.
    pub name: String,
    /// Amount, normal side positive.
    pub amount: Decimal,
}

/// A titled group of lines and its total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementSection {
    /// "Assets", "Liabilities", "Equity", "Income", "Expenses".
    pub title: &'static str,
    /// Its lines, by account.
    pub lines: Vec<StatementLine>,
    /// Their sum.
    pub total: Decimal,
}

/// A statement in one currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// The currency of its amounts.
    pub currency: Currency,
    /// Its sections.
    pub sections: Vec<StatementSection>,
}

impl Statement {
    /// The section titled `title`.
    pub fn section(&self, title: &str) -> Option<&StatementSection> {
        self.sections.iter().find(|s| s.title == title)
    }

    /// The total of the section titled `title` (zero when absent).
    pub fn total(&self, title: &str) -> Decimal {
        self.section(title).map_or(Decimal::ZERO, |s| s.total)
    }
}

fn section(title: &'static str, lines: Vec<StatementLine>) -> StatementSection {
    let total = lines.iter().map(|l| l.amount).sum();
    StatementSection {
        title,
        lines,
        total,
    }
}

/// The balance sheet of `balances` (account, currency, debit-positive balance) in each
/// currency: assets, liabilities, and equity with the profit not yet closed into retained
/// earnings as a line of its own.
pub fn balance_sheets(
    chart: &ChartOfAccounts,
    balances: &[(u16, Currency, Decimal)],
) -> Vec<Statement> {
    per_currency(balances)
        .into_values()
        .map(|entry| balance_sheet(chart, &entry))
        .collect()
}

/// The income statement of `movements` (account, currency, debit-positive movement over the
/// period) in each currency: income, expenses and the profit.
pub fn income_statements(
    chart: &ChartOfAccounts,
    movements: &[(u16, Currency, Decimal)],
) -> Vec<Statement> {
    per_currency(movements)
        .into_values()
        .map(|entry| income_statement(chart, &entry))
        .collect()
}

fn per_currency(
    balances: &[(u16, Currency, Decimal)],
) -> BTreeMap<&'static str, (Currency, BTreeMap<u16, Decimal>)> {
    let mut out: BTreeMap<&'static str, (Currency, BTreeMap<u16, Decimal>)> = BTreeMap::new();
    for (account, currency, balance) in balances {
        *out.entry(currency.code())
            .or_insert_with(|| (*currency, BTreeMap::new()))
            .1
            .entry(*account)
            .or_default() += *balance;
    }
    out
}

fn account_type(chart: &ChartOfAccounts, account: u16) -> AccountType {
    chart.get(account).map_or(
        AccountType::of_code(account).unwrap_or(AccountType::Asset),
        |a| a.account_type,
    )
}

fn line(chart: &ChartOfAccounts, account: u16, amount: Decimal) -> StatementLine {
    StatementLine {
        account,
        name: chart
            .get(account)
            .map_or_else(|| format!("Account {account}"), |a| a.name.clone()),
        amount,
    }
}

fn balance_sheet(
    chart: &ChartOfAccounts,
    (currency, accounts): &(Currency, BTreeMap<u16, Decimal>),
) -> Statement {
    let (mut assets, mut liabilities, mut equity) = (Vec::new(), Vec::new(), Vec::new());
    let mut profit = Decimal::ZERO;
    for (account, balance) in accounts {
        if balance.is_zero() {
            continue;
        }
        match account_type(chart, *account) {
            AccountType::Asset => assets.push(line(chart, *account, *balance)),
            AccountType::Liability => liabilities.push(line(chart, *account, -*balance)),
            AccountType::Equity => equity.push(line(chart, *account, -*balance)),
            AccountType::Income | AccountType::Expense => profit -= *balance,
        }
    }
    if !profit.is_zero() {
        equity.push(StatementLine {
            account: 0,
            name: "Profit for the period (not yet closed)".to_owned(),
            amount: profit,
        });
    }
    Statement {
        currency: *currency,
        sections: vec![
            section("Assets", assets),
            section("Liabilities", liabilities),
            section("Equity", equity),
        ],
    }
}

fn income_statement(
    chart: &ChartOfAccounts,
    (currency, accounts): &(Currency, BTreeMap<u16, Decimal>),
) -> Statement {
    let (mut income, mut expenses) = (Vec::new(), Vec::new());
    for (account, movement) in accounts {
        if movement.is_zero() {
            continue;
        }
        match account_type(chart, *account) {
            AccountType::Income => income.push(line(chart, *account, -*movement)),
            AccountType::Expense => expenses.push(line(chart, *account, *movement)),
            _ => {}
        }
    }
    let income = section("Income", income);
    let expenses = section("Expenses", expenses);
    let profit = section(
        "Profit",
        vec![StatementLine {
            account: 0,
            name: "Profit for the period".to_owned(),
            amount: income.total - expenses.total,
        }],
    );
    Statement {
        currency: *currency,
        sections: vec![income, expenses, profit],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::codes::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    /// docs/domain.md §7 after settlement: assets 38,371.60 + 12,540.00 = 50,911.60 = equity
    /// 50,000 + 911.60; the income statement 400 + 540 − 28.40 = 911.60.
    #[test]
    fn section_7_statements() {
        let chart = ChartOfAccounts::broker_dealer();
        let eur: Currency = "EUR".parse().unwrap();
        let balances = [
            (CASH, eur, d("38371.60")),
            (SECURITIES_AT_COST, eur, d("12000.00")),
            (VALUATION_ADJUSTMENT, eur, d("540.00")),
            (COMMISSION_EXPENSE, eur, d("28.40")),
            (SHARE_CAPITAL, eur, d("-50000.00")),
            (REALISED_PNL, eur, d("-400.00")),
            (UNREALISED_PNL, eur, d("-540.00")),
        ];
        let bs = &balance_sheets(&chart, &balances)[0];
        assert_eq!(bs.total("Assets"), d("50911.60"));
        assert_eq!(bs.total("Liabilities"), Decimal::ZERO);
        assert_eq!(bs.total("Equity"), d("50911.60"));
        let profit = bs.section("Equity").unwrap().lines.last().unwrap();
        assert_eq!(profit.amount, d("911.60"));
        let is = &income_statements(&chart, &balances)[0];
        assert_eq!(is.total("Income"), d("940.00"));
        assert_eq!(is.total("Expenses"), d("28.40"));
        assert_eq!(is.total("Profit"), d("911.60"));
    }
}
