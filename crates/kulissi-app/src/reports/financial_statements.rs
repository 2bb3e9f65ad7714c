//! The balance sheet and the income statement of the journal, per currency and converted
//! into the reporting currency of the legal entity (or the first one) at the closing rates
//! recorded on or before the last date. The statements themselves are core's
//! (`kulissi_core::ledger::{balance_sheets, income_statements, convert}`); this gathers the
//! balances and lays them out.

use std::io::{self, Write};

use jiff::civil::Date;
use kulissi_core::identifiers::{Currency, Lei};
use kulissi_core::ledger::{
    MissingRate, Statement, balance_sheets, codes, convert, income_statements,
};
use kulissi_store::EventStore;
use rust_decimal::Decimal;

use super::{Cell, DateBasis, JournalSums, Report, ReportError};

/// Which statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatementKind {
    /// Assets, liabilities and equity as of a date.
    BalanceSheet,
    /// Income and expenses over a period.
    IncomeStatement,
}

/// A balance sheet or an income statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FinancialStatements {
    /// Which statement.
    pub kind: StatementKind,
    /// "Balance sheet as of 2026-12-31", "Income statement, 2026-01-01 to 2026-12-31".
    pub title: String,
    /// Which date of an entry the dates look at.
    pub basis: DateBasis,
    /// One statement per currency, by currency code.
    pub per_currency: Vec<Statement>,
    /// All currencies converted into the reporting currency at closing rates (without the
    /// end of day's FX revaluation, 1190 against 4300, which closing-rate translation already
    /// covers), or why they could not be; `None` when no legal entity is defined.
    pub converted: Option<Result<Statement, MissingRate>>,
}

/// The balance sheet of the entries dated (on `basis`) on or before `as_of` (all of them when
/// `None`), in one legal entity's books or in all.
pub fn balance_sheet(
    store: &impl EventStore,
    as_of: Option<Date>,
    basis: DateBasis,
    legal_entity: Option<Lei>,
) -> Result<FinancialStatements, ReportError> {
    let title = match as_of {
        None => "Balance sheet".to_owned(),
        Some(to) => format!("Balance sheet as of {to}"),
    };
    statements(
        store,
        StatementKind::BalanceSheet,
        title,
        None,
        as_of,
        basis,
        legal_entity,
    )
}

/// The income statement of the entries dated (on `basis`) from `from` to `to`, in one legal
/// entity's books or in all.
pub fn income_statement(
    store: &impl EventStore,
    from: Date,
    to: Date,
    basis: DateBasis,
    legal_entity: Option<Lei>,
) -> Result<FinancialStatements, ReportError> {
    statements(
        store,
        StatementKind::IncomeStatement,
        format!("Income statement, {from} to {to}"),
        Some(from),
        Some(to),
        basis,
        legal_entity,
    )
}

fn statements(
    store: &impl EventStore,
    kind: StatementKind,
    title: String,
    from: Option<Date>,
    to: Option<Date>,
    basis: DateBasis,
    legal_entity: Option<Lei>,
) -> Result<FinancialStatements, ReportError> {
    let title = match basis {
        DateBasis::Effective => title,
        DateBasis::Posting => format!("{title} (by posting date)"),
    };
    let journal = JournalSums::read(store, from, to, basis, legal_entity)?;
    let balances: Vec<(u16, Currency, Decimal)> = journal
        .sums
        .iter()
        .map(|((_, account), (currency, amount))| (*account, *currency, *amount))
        .collect();
    let make = |balances: &[(u16, Currency, Decimal)]| match kind {
        StatementKind::BalanceSheet => balance_sheets(&journal.chart, balances),
        StatementKind::IncomeStatement => income_statements(&journal.chart, balances),
    };
    let per_currency = make(&balances);
    let state = &journal.state;
    let reporting = match journal.entity {
        Some(id) => state.refdata.legal_entities.get(id),
        None => state.refdata.legal_entities.iter().next().map(|(_, e)| e),
    }
    .map(|e| e.reporting_currency);
    let converted = reporting.map(|reporting| {
        // The end of day's revaluation (1190 against 4300) restates foreign balances at the
        // closing rate, which conversion at the closing rate already does: leave it out.
        let without_revaluation: Vec<(u16, Currency, Decimal)> = balances
            .iter()
            .copied()
            .filter(|(a, _, _)| {
                !matches!(*a, codes::FX_REVALUATION_ADJUSTMENT | codes::FX_REVALUATION)
            })
            .collect();
        let date = to.unwrap_or(Date::MAX);
        convert(&make(&without_revaluation), reporting, |c| {
            state
                .market_data
                .latest_rate(reporting, c, date)
                .map(|(_, r)| r)
        })
    });
    Ok(FinancialStatements {
        kind,
        title,
        basis,
        per_currency,
        converted,
    })
}

impl FinancialStatements {
    /// Each statement with its heading: the per-currency ones, then the converted one.
    fn titled(&self) -> Vec<(String, bool, &Statement)> {
        let mut out: Vec<(String, bool, &Statement)> = self
            .per_currency
            .iter()
            .map(|s| (format!("{}, {}", self.title, s.currency), false, s))
            .collect();
        if let Some(Ok(s)) = &self.converted {
            out.push((
                format!(
                    "{}, all currencies in {} at closing rates",
                    self.title, s.currency
                ),
                true,
                s,
            ));
        }
        out
    }
}

impl Report for FinancialStatements {
    fn columns(&self) -> &'static [&'static str] {
        &[
            "currency",
            "converted",
            "section",
            "account",
            "name",
            "amount",
        ]
    }

    /// Every line of every statement, then each section's total (a line without account
    /// named "Total assets" and so on). Lines computed rather than booked (the period's
    /// profit) have no account.
    fn rows(&self) -> Vec<Vec<Cell>> {
        let mut rows = Vec::new();
        for (_, converted, statement) in self.titled() {
            let code = statement.currency.code();
            for section in &statement.sections {
                for line in &section.lines {
                    rows.push(vec![
                        code.into(),
                        converted.into(),
                        section.title.into(),
                        (line.account != 0).then_some(line.account).into(),
                        line.name.as_str().into(),
                        line.amount.into(),
                    ]);
                }
                rows.push(vec![
                    code.into(),
                    converted.into(),
                    section.title.into(),
                    Cell::Empty,
                    format!("Total {}", section.title.to_lowercase()).into(),
                    section.total.into(),
                ]);
            }
        }
        rows
    }

    fn write_table(&self, out: &mut dyn Write) -> io::Result<()> {
        for (title, _, statement) in self.titled() {
            write_statement(out, &title, statement)?;
        }
        if let Some(Err(e)) = &self.converted {
            writeln!(out, "not converted into {}: {e}", e.reporting)?;
        }
        Ok(())
    }
}

fn write_statement(out: &mut dyn Write, title: &str, statement: &Statement) -> io::Result<()> {
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
    writeln!(out)
}
