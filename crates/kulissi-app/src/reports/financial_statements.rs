//! The balance sheet and the income statement of the journal, per currency and translated
//! into the reporting currency of the legal entity (or of every entity, when they share
//! one) the way its ends of day keep it (`kulissi_core::ledger::translate`, IAS 21): every
//! entry translated at the closing rate of the end of day that first saw it, foreign
//! monetary balances and securities shown at the closing rate of the last date, FX P&L
//! included, no plug. The statements themselves are core's
//! (`kulissi_core::ledger::{balance_sheets, income_statements}`); this gathers the balances
//! and lays them out.

use std::io::{self, Write};

use jiff::civil::Date;
use kulissi_core::identifiers::{Currency, Lei};
use kulissi_core::ledger::{
    EntryToTranslate, Statement, TranslationError, balance_sheets, balances_at_closing_rates,
    income_statements, translate,
};
use kulissi_store::EventStore;
use rust_decimal::Decimal;

use super::{Cell, DateBasis, JournalBook, JournalSums, Report, ReportError, read_all};

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
    /// All currencies translated into the reporting currency, or why they could not be;
    /// `None` when no legal entity is defined.
    pub converted: Option<Result<Statement, ConversionError>>,
}

/// Why statements could not be translated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConversionError {
    /// A rate is missing.
    #[error(transparent)]
    Rate(#[from] TranslationError),
    /// No legal entity to report for.
    #[error("no legal entity to translate for")]
    NoLegalEntity,
    /// The legal entities report in different currencies: translate one at a time.
    #[error("the legal entities report in {0} and {1}: ask for one legal entity")]
    Currencies(Currency, Currency),
}

/// The balance sheet of the entries dated (on `basis`) on or before `as_of` (all of them when
/// `None`), in one legal entity's books or in all.
pub fn balance_sheet(
    store: &impl EventStore,
    as_of: Option<Date>,
    basis: DateBasis,
    legal_entity: Option<Lei>,
) -> Result<FinancialStatements, ReportError> {
    let (state, entries) = read_all(store)?;
    let book = JournalBook {
        state: &state,
        entries: &entries,
    };
    balance_sheet_of(book, as_of, basis, legal_entity)
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
    let (state, entries) = read_all(store)?;
    let book = JournalBook {
        state: &state,
        entries: &entries,
    };
    income_statement_of(book, from, to, basis, legal_entity)
}

/// The balance sheet of a journal already read, as [`balance_sheet`] makes it from the log.
pub fn balance_sheet_of(
    book: JournalBook<'_>,
    as_of: Option<Date>,
    basis: DateBasis,
    legal_entity: Option<Lei>,
) -> Result<FinancialStatements, ReportError> {
    let title = match as_of {
        None => "Balance sheet".to_owned(),
        Some(to) => format!("Balance sheet as of {to}"),
    };
    statements_of(
        book,
        StatementKind::BalanceSheet,
        title,
        None,
        as_of,
        basis,
        legal_entity,
    )
}

/// The income statement of a journal already read, as [`income_statement`] makes it from
/// the log.
pub fn income_statement_of(
    book: JournalBook<'_>,
    from: Date,
    to: Date,
    basis: DateBasis,
    legal_entity: Option<Lei>,
) -> Result<FinancialStatements, ReportError> {
    statements_of(
        book,
        StatementKind::IncomeStatement,
        format!("Income statement, {from} to {to}"),
        Some(from),
        Some(to),
        basis,
        legal_entity,
    )
}

fn statements_of(
    book: JournalBook<'_>,
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
    let journal = JournalSums::of(book, from, to, basis, legal_entity)?;
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
    let state = journal.state;
    let entities: Vec<_> = match journal.entity {
        Some(id) => vec![id],
        None => state
            .refdata
            .legal_entities
            .iter()
            .map(|(id, _)| id)
            .collect(),
    };
    let converted = (!entities.is_empty()).then(|| {
        translated_balances(&journal, &entities, from, to, basis).map(|(reporting, balances)| {
            let lines: Vec<(u16, Currency, Decimal)> = balances
                .into_iter()
                .map(|(account, amount)| (account, reporting, amount))
                .collect();
            make(&lines).into_iter().next().unwrap_or(Statement {
                currency: reporting,
                sections: Vec::new(),
            })
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
                    "{}, all currencies translated into {} (closing rates, IAS 21)",
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
            writeln!(out, "not translated: {e}")?;
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

/// The reporting currency and the translated balances by account of `entities` (which
/// must share a reporting currency), for the entries dated (on `basis`) in `from..=to`.
fn translated_balances(
    journal: &JournalSums<'_>,
    entities: &[kulissi_core::ids::LegalEntityId],
    from: Option<Date>,
    to: Option<Date>,
    basis: DateBasis,
) -> Result<(Currency, std::collections::BTreeMap<u16, Decimal>), ConversionError> {
    let state = journal.state;
    let mut reporting: Option<Currency> = None;
    let mut total: std::collections::BTreeMap<u16, Decimal> = Default::default();
    for entity in entities {
        let Some(e) = state.refdata.legal_entities.get(*entity) else {
            continue;
        };
        let currency = e.reporting_currency;
        match reporting {
            Some(r) if r != currency => return Err(ConversionError::Currencies(r, currency)),
            _ => reporting = Some(currency),
        }
        let entries: Vec<EntryToTranslate<'_>> = journal
            .entries
            .iter()
            .filter(|(h, _)| h.legal_entity == *entity)
            .map(|(h, l)| (h, l.as_slice()))
            .collect();
        let as_of = to.unwrap_or_else(|| {
            journal
                .entries
                .iter()
                .map(|(h, _)| h.effective_date)
                .max()
                .unwrap_or(Date::MIN)
        });
        let rate = |c: Currency, day: Date| {
            state
                .market_data
                .latest_rate(currency, c, day)
                .map(|(_, r)| r)
        };
        let translated = translate(&entries, currency, as_of, rate)?;
        let in_period: Vec<_> = translated
            .into_iter()
            .filter(|t| {
                let date = basis.date_of(&t.header);
                from.is_none_or(|f| date >= f) && to.is_none_or(|t| date <= t)
            })
            .collect();
        let balances = balances_at_closing_rates(&in_period, currency, |c| rate(c, as_of))?;
        for (account, amount) in balances {
            *total.entry(account).or_default() += amount;
        }
    }
    total.retain(|_, v| !v.is_zero());
    let reporting = reporting.ok_or(ConversionError::NoLegalEntity)?;
    Ok((reporting, total))
}
