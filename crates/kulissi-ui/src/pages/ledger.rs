//! The ledger: trial balance, balance sheet and income statement, and the drill-down from a
//! balance to its account's entries, from an entry to the event that caused it, and from
//! there to the trade.

use askama::Template;
use axum::extract::{Extension, Path, Query, State};
use axum::response::Response;
use jiff::civil::Date;
use kulissi_api::app::Caller;
use kulissi_api::problem::ApiError;
use kulissi_app::reports::{
    Cell, DateBasis, TrialBalanceQuery, balance_sheet_of, income_statement_of,
    trial_balance as trial_balance_report,
};
use kulissi_store::ReadOnly;
use rust_decimal::Decimal;

use super::trades::{JOURNAL_COLUMNS, journal_links, journal_rows};
use super::{list, rows_of};
use crate::Ui;
use crate::journal::Lines;
use crate::table::{self, Params, Source, Table, common_links};
use crate::views::{Layout, UiError, render};

fn account_links(column: &str, cell: &Cell, row: &[Cell], columns: &[&str]) -> Option<String> {
    match (column, cell) {
        ("account", Cell::Integer(a)) => {
            let currency = columns
                .iter()
                .position(|c| *c == "currency")
                .and_then(|i| row.get(i))
                .map(Cell::text)
                .filter(|c| c.len() == 3);
            Some(match currency {
                Some(c) => format!("/ledger/accounts/{a}?f_currency={c}"),
                None => format!("/ledger/accounts/{a}"),
            })
        }
        _ => common_links(column, cell, row, columns),
    }
}

fn report_error(e: kulissi_app::reports::ReportError) -> ApiError {
    ApiError::unprocessable(e.to_string())
}

/// The trial balance, as the log stands.
pub async fn trial_balance(
    State(ui): State<Ui>,
    Extension(caller): Extension<Caller>,
    Query(params): Query<Params>,
) -> Result<Response, UiError> {
    let report = ui
        .app
        .read_store(|store| {
            trial_balance_report(&ReadOnly(store), &TrialBalanceQuery::default())
                .map_err(report_error)
        })
        .await?;
    let totals: Vec<String> = report
        .totals
        .iter()
        .map(|t| {
            format!(
                "{}: debits {} = credits {}, profit {}",
                t.currency, t.debits, t.credits, t.profit
            )
        })
        .collect();
    let (columns, rows) = rows_of(&report);
    Ok(list(
        Layout::new(&ui, &caller, "/ledger/trial-balance", "Trial balance"),
        format!(
            "Every account's balance per currency, in all books. Select an account to see its entries. {}.",
            totals.join("; ")
        ),
        Source {
            path: "/ledger/trial-balance",
            columns,
            rows,
            filters: &[("currency", true)],
            linker: account_links,
            keep: &[],
        },
        &params,
    ))
}

/// The balance sheet, as the log stands.
pub async fn balance_sheet(
    State(ui): State<Ui>,
    Extension(caller): Extension<Caller>,
    Query(params): Query<Params>,
) -> Result<Response, UiError> {
    let journal = ui.journal.clone();
    let report = ui
        .app
        .read_store(move |store| {
            journal
                .with_book(store, |book| {
                    balance_sheet_of(book, None, DateBasis::default(), None)
                })?
                .map_err(report_error)
        })
        .await?;
    let (columns, rows) = rows_of(&report);
    Ok(list(
        Layout::new(&ui, &caller, "/ledger/balance-sheet", "Balance sheet"),
        format!(
            "{}: assets, liabilities and equity per currency, and converted into the reporting currency at closing rates.",
            report.title
        ),
        Source {
            path: "/ledger/balance-sheet",
            columns,
            rows,
            filters: &[("currency", true), ("section", true)],
            linker: account_links,
            keep: &[],
        },
        &params,
    ))
}

/// The income statement, year to date.
pub async fn income_statement(
    State(ui): State<Ui>,
    Extension(caller): Extension<Caller>,
    Query(params): Query<Params>,
) -> Result<Response, UiError> {
    let to = ui.app.business_date();
    let from = Date::new(to.year(), 1, 1).unwrap_or(to);
    let journal = ui.journal.clone();
    let report = ui
        .app
        .read_store(move |store| {
            journal
                .with_book(store, |book| {
                    income_statement_of(book, from, to, DateBasis::default(), None)
                })?
                .map_err(report_error)
        })
        .await?;
    let (columns, rows) = rows_of(&report);
    Ok(list(
        Layout::new(&ui, &caller, "/ledger/income-statement", "Income statement"),
        format!(
            "{}: income and expenses per currency, and converted.",
            report.title
        ),
        Source {
            path: "/ledger/income-statement",
            columns,
            rows,
            filters: &[("currency", true), ("section", true)],
            linker: account_links,
            keep: &[],
        },
        &params,
    ))
}

/// An account's entries with a running balance per currency, each linked to its event and
/// trade.
pub async fn account(
    State(ui): State<Ui>,
    Extension(caller): Extension<Caller>,
    Path(account): Path<u16>,
    Query(params): Query<Params>,
) -> Result<Response, UiError> {
    let journal = ui.journal.clone();
    let lines = ui
        .app
        .read_store(move |store| journal.lines(store, Lines::Account(account)))
        .await?;
    let name = ui
        .app
        .read(move |s| {
            kulissi_core::ledger::ChartOfAccounts::broker_dealer()
                .get(account)
                .map(|a| a.name.clone())
                .or_else(|| {
                    s.ledger_accounts
                        .iter()
                        .find(|((_, code), _)| *code == account)
                        .map(|(_, a)| a.name.clone())
                })
        })
        .await?
        .unwrap_or_default();
    let mut running: std::collections::HashMap<String, Decimal> = Default::default();
    let rows: Vec<Vec<Cell>> = journal_rows(&lines)
        .into_iter()
        .zip(&lines)
        .map(|(mut row, line)| {
            let balance = running.entry(line.currency.to_string()).or_default();
            *balance += line.amount;
            row.push(Cell::Decimal(*balance));
            row
        })
        .collect();
    const COLUMNS: &[&str] = &[
        "entry",
        "event",
        "kind",
        "effective",
        "posted",
        "trade",
        "account",
        "currency",
        "debit",
        "credit",
        "balance",
    ];
    debug_assert_eq!(COLUMNS.len(), JOURNAL_COLUMNS.len() + 1);
    let path = format!("/ledger/accounts/{account}");
    Ok(list(
        Layout::new(
            &ui,
            &caller,
            "/ledger/trial-balance",
            format!("Account {account} {name}"),
        ),
        "Every entry to this account in log order, with the running balance per currency (debit positive). Each entry links to the event that caused it and its trade.",
        Source {
            path: &path,
            columns: COLUMNS,
            rows,
            filters: &[("currency", true), ("kind", true), ("effective", false)],
            linker: journal_links,
            keep: &[],
        },
        &params,
    ))
}

/// One event of the log.
#[derive(Debug, Template)]
#[template(path = "event.html")]
pub struct EventPage {
    /// The frame.
    pub layout: Layout,
    /// Its sequence number.
    pub seq: u64,
    /// Facts: name and value.
    pub facts: Vec<(String, String)>,
    /// Its trade.
    pub trade: Option<u64>,
    /// What it says.
    pub text: String,
    /// The journal entries it caused.
    pub journal: Table,
}

/// One event: who, when, what, the trade, and the journal entries it caused.
pub async fn event(
    State(ui): State<Ui>,
    Extension(caller): Extension<Caller>,
    Path(seq): Path<u64>,
) -> Result<Response, UiError> {
    let journal = ui.journal.clone();
    let (record, lines) = ui
        .app
        .read_store(move |store| {
            let record = store
                .record(seq)
                .map_err(|e| ApiError::unavailable(e.to_string()))?
                .ok_or_else(|| ApiError::not_found(format!("no event {seq}")))?;
            let lines = journal.lines(store, Lines::Event(seq))?;
            Ok((record, lines))
        })
        .await?;
    let text = super::event_text(&record);
    let hash: String = record.hash.iter().map(|b| format!("{b:02x}")).collect();
    let facts = vec![
        ("Kind".to_owned(), record.kind.to_string()),
        ("Actor".to_owned(), record.actor.to_string()),
        ("Recorded at".to_owned(), super::recorded_at(&record)),
        ("Business date".to_owned(), record.business_date.to_string()),
        ("Hash".to_owned(), hash),
    ];
    let path = format!("/events/{seq}");
    Ok(render(&EventPage {
        layout: Layout::new(
            &ui,
            &caller,
            "/ledger/trial-balance",
            format!("Event {seq}"),
        ),
        seq,
        facts,
        trade: record.trade_id,
        text,
        journal: table::build(
            Source {
                path: &path,
                columns: JOURNAL_COLUMNS,
                rows: journal_rows(&lines),
                filters: &[],
                linker: journal_links,
                keep: &[],
            },
            &Params::new(),
        ),
    }))
}
