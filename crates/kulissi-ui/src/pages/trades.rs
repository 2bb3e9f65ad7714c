//! Trades: the blotter (search, filters, sorting, paging, CSV), booking a trade from a form,
//! a trade's page (every version with its enrichment, its settlement instructions and their
//! status, its journal entries and its events, each linked), and positions.

use askama::Template;
use axum::Form;
use axum::extract::{Extension, Path, Query, State};
use axum::response::Response;
use jiff::Timestamp;
use kulissi_api::app::Caller;
use kulissi_api::problem::ApiError;
use kulissi_app::reports::{
    Cell, QueueFilter, TradeRef, positions_as_of, settlement_queue, trade_history, trade_list,
};
use kulissi_store::ReadOnly;
use serde_json::Value;

use super::{field, list, list_with, rows_of, send};
use crate::Ui;
use crate::journal::Lines;
use crate::table::{self, Params, Source, Table, common_links};
use crate::views::{Layout, UiError, done, render};

const BLOTTER_FILTERS: &[(&str, bool)] = &[
    ("status", true),
    ("side", true),
    ("currency", true),
    ("trade_date", false),
    ("account", true),
];

/// The blotter: every trade's current version.
pub async fn blotter(
    State(ui): State<Ui>,
    Extension(caller): Extension<Caller>,
    Query(params): Query<Params>,
) -> Result<Response, UiError> {
    let list_ = ui
        .app
        .read_store(|store| {
            trade_list(&ReadOnly(store), 0, usize::MAX)
                .map_err(|e| ApiError::unavailable(e.to_string()))
        })
        .await?;
    let (columns, rows) = rows_of(&list_);
    let action = caller
        .can(kulissi_core::controls::roles::Permission::BookTrades)
        .then(|| ("/trades/new".to_owned(), "Book a trade".to_owned()));
    Ok(list_with(
        Layout::new(&ui, &caller, "/trades", "Trade blotter"),
        "Every trade's current version. Search any column, filter, sort by a heading, export what you see as CSV.",
        action,
        false,
        Source {
            path: "/trades",
            columns,
            rows,
            filters: BLOTTER_FILTERS,
            linker: common_links,
            keep: &[],
        },
        &params,
    ))
}

/// A choice in a form.
#[derive(Debug, Clone)]
pub struct Choice {
    /// The value sent.
    pub value: String,
    /// What it says.
    pub label: String,
    /// Chosen at first.
    pub selected: bool,
}

/// The last trade's terms, which the booking form starts from: legal entity, book,
/// counterparty, account, instrument (their natural keys), currency and venue.
#[derive(Debug, Clone, Default)]
pub struct Defaults {
    entity: String,
    book: String,
    counterparty: String,
    account: String,
    isin: String,
    currency: String,
    venue: String,
}

fn last_terms(s: &kulissi_core::engine::State) -> Option<Defaults> {
    let last = s.trades.next_trade_id().0.checked_sub(1)?;
    let t = &s.trades.get(kulissi_core::ids::TradeId(last))?.record.terms;
    let r = &s.refdata;
    Some(Defaults {
        entity: r.legal_entities.get(t.legal_entity)?.lei.to_string(),
        book: r.books.get(t.book)?.code.clone(),
        counterparty: r.counterparties.get(t.counterparty)?.lei.to_string(),
        account: r.accounts.get(t.account)?.code.clone(),
        isin: r.instruments.get(t.instrument)?.isin.to_string(),
        currency: t.currency.to_string(),
        venue: t.venue.to_string(),
    })
}

/// The booking form.
#[derive(Debug, Template)]
#[template(path = "trade_new.html")]
pub struct NewTrade {
    /// The frame.
    pub layout: Layout,
    /// Legal entities.
    pub entities: Vec<Choice>,
    /// Books.
    pub books: Vec<Choice>,
    /// Counterparties.
    pub counterparties: Vec<Choice>,
    /// Accounts.
    pub accounts: Vec<Choice>,
    /// Instruments.
    pub instruments: Vec<Choice>,
    /// A fresh external id.
    pub external_id: String,
    /// The currency the form starts with.
    pub currency: String,
    /// The venue the form starts with.
    pub venue: String,
    /// The business date.
    pub trade_date: String,
    /// Now.
    pub trade_time: String,
}

fn choices(items: &[Value], value: &str, label: &[&str], chosen: &str) -> Vec<Choice> {
    items
        .iter()
        .filter_map(|i| {
            let v = i.get(value)?.as_str()?.to_owned();
            let l: Vec<String> = label
                .iter()
                .filter_map(|f| i.get(*f).and_then(Value::as_str).map(str::to_owned))
                .collect();
            Some(Choice {
                label: format!("{v} {}", l.join(" · ")).trim().to_owned(),
                selected: v == chosen,
                value: v,
            })
        })
        .collect()
}

/// The booking form.
pub async fn new_trade(
    State(ui): State<Ui>,
    Extension(caller): Extension<Caller>,
) -> Result<Response, UiError> {
    let (e, b, c, a, i, d) = ui
        .app
        .read(|s| {
            use kulissi_api::routes::reference::items;
            (
                items(s, "legal-entities").unwrap_or_default(),
                items(s, "books").unwrap_or_default(),
                items(s, "counterparties").unwrap_or_default(),
                items(s, "accounts").unwrap_or_default(),
                items(s, "instruments").unwrap_or_default(),
                last_terms(s).unwrap_or_default(),
            )
        })
        .await?;
    let now = Timestamp::now();
    Ok(render(&NewTrade {
        layout: Layout::new(&ui, &caller, "/trades/new", "Book a trade"),
        entities: choices(&e, "lei", &["name"], &d.entity),
        books: choices(&b, "code", &["desk", "trader"], &d.book),
        counterparties: choices(&c, "lei", &["name"], &d.counterparty),
        accounts: choices(&a, "code", &["owner"], &d.account),
        instruments: choices(&i, "isin", &["name", "currency", "market"], &d.isin),
        currency: if d.currency.is_empty() {
            "EUR".to_owned()
        } else {
            d.currency
        },
        venue: if d.venue.is_empty() {
            "XHEL".to_owned()
        } else {
            d.venue
        },
        external_id: format!("UI-{}", now.as_millisecond()),
        trade_date: ui.app.business_date().to_string(),
        trade_time: now.round(jiff::Unit::Second).unwrap_or(now).to_string(),
    }))
}

/// Books the trade of the form, as the signed-in trader; then the blotter, found.
pub async fn book(
    State(ui): State<Ui>,
    Extension(caller): Extension<Caller>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, UiError> {
    let get = |name: &str| -> Option<&str> {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    };
    let command =
        kulissi_formats::trade_from_fields(get, "book", "the form").map_err(|errors| {
            let mut e = UiError::bad_request("the trade is not valid: nothing was booked");
            for f in errors.0 {
                e = e.with_field(format!("{}: {}", f.field.unwrap_or_default(), f.message));
            }
            e
        })?;
    let external = field(&form, "external_id")?.to_owned();
    let message = send(&ui, &caller, command).await?;
    Ok(done(
        &format!("/trades?q={}", table::encode(&external)),
        &message,
    ))
}

/// A trade's page.
#[derive(Debug, Template)]
#[template(path = "trade.html")]
pub struct TradePage {
    /// The frame.
    pub layout: Layout,
    /// The trade's id.
    pub id: u64,
    /// Its versions.
    pub versions: Table,
    /// Its settlement instructions.
    pub instructions: Table,
    /// Its journal entries.
    pub journal: Table,
    /// Its events.
    pub events: Table,
}

fn small(path: &str, columns: &'static [&'static str], rows: Vec<Vec<Cell>>) -> Table {
    table::build(
        Source {
            path,
            columns,
            rows,
            filters: &[],
            linker: common_links,
            keep: &[],
        },
        &Params::from([("limit".to_owned(), table::MAX_LIMIT.to_string())]),
    )
}

/// Every event of a trade, oldest first: sequence, time, actor, kind, what it says.
pub fn trade_events(
    store: &dyn kulissi_store::EventStore,
    id: u64,
) -> Result<Vec<Vec<Cell>>, ApiError> {
    let mut rows = Vec::new();
    store
        .read_log(1, None, &mut |record| {
            if record.trade_id == Some(id) {
                let text = super::event_text(&record);
                rows.push(vec![
                    Cell::Integer(record.seq),
                    Cell::Text(super::recorded_at(&record)),
                    Cell::Text(record.actor.to_string()),
                    Cell::Text(record.kind.to_string()),
                    Cell::Text(text),
                ]);
            }
            Ok(true)
        })
        .map_err(|e| ApiError::unavailable(e.to_string()))?;
    Ok(rows)
}

/// Journal lines as rows.
pub fn journal_rows(lines: &[crate::journal::PostedLine]) -> Vec<Vec<Cell>> {
    lines
        .iter()
        .map(|l| {
            vec![
                Cell::Integer(l.entry),
                Cell::Integer(l.seq),
                Cell::Text(l.kind.clone()),
                Cell::Date(l.effective),
                Cell::Date(l.posted),
                Cell::from(l.trade),
                Cell::Integer(u64::from(l.account)),
                Cell::Text(l.currency.to_string()),
                Cell::Decimal(l.amount.max(rust_decimal::Decimal::ZERO)),
                Cell::Decimal((-l.amount).max(rust_decimal::Decimal::ZERO)),
            ]
        })
        .collect()
}

/// The columns of [`journal_rows`].
pub const JOURNAL_COLUMNS: &[&str] = &[
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
];

/// Links of journal lines: events, trades and accounts.
pub fn journal_links(column: &str, cell: &Cell, row: &[Cell], columns: &[&str]) -> Option<String> {
    match (column, cell) {
        ("account", Cell::Integer(a)) => Some(format!("/ledger/accounts/{a}")),
        _ => common_links(column, cell, row, columns),
    }
}

/// A trade's page.
pub async fn trade(
    State(ui): State<Ui>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<u64>,
) -> Result<Response, UiError> {
    let journal = ui.journal.clone();
    let (history, events, lines) = ui
        .app
        .read_store(move |store| {
            let history = trade_history(&ReadOnly(store), &TradeRef::Id(id))
                .map_err(|e| ApiError::not_found(e.to_string()))?;
            let events = trade_events(store, id)?;
            let lines = journal.lines(store, Lines::Trade(id))?;
            Ok((history, events, lines))
        })
        .await?;
    let wanted = id.to_string();
    let queue = ui
        .app
        .read(move |s| {
            let q = settlement_queue(s, &QueueFilter::default());
            let mut q = q;
            q.lines
                .retain(|l| l.trades.split([',', ' ', ';']).any(|t| t == wanted));
            q
        })
        .await?;
    let path = format!("/trades/{id}");
    let (vc, vr) = rows_of(&history);
    let (ic, ir) = rows_of(&queue);
    let page = TradePage {
        layout: Layout::new(&ui, &caller, "/trades", format!("Trade {id}")),
        id,
        versions: small(&path, vc, vr),
        instructions: small(&path, ic, ir),
        journal: table::build(
            Source {
                path: &path,
                columns: JOURNAL_COLUMNS,
                rows: journal_rows(&lines),
                filters: &[],
                linker: journal_links,
                keep: &[],
            },
            &Params::from([("limit".to_owned(), table::MAX_LIMIT.to_string())]),
        ),
        events: small(
            &path,
            &["seq", "recorded_at", "actor", "kind", "event"],
            events,
        ),
    };
    Ok(render(&page))
}

/// Positions as of the business date: trade-date and settlement-date quantities.
pub async fn positions(
    State(ui): State<Ui>,
    Extension(caller): Extension<Caller>,
    Query(params): Query<Params>,
) -> Result<Response, UiError> {
    let date = ui.app.business_date();
    let report = ui
        .app
        .read_store(move |store| {
            positions_as_of(&ReadOnly(store), date)
                .map_err(|e| ApiError::unavailable(e.to_string()))
        })
        .await?;
    let (columns, rows) = rows_of(&report);
    Ok(list(
        Layout::new(&ui, &caller, "/positions", "Positions"),
        format!(
            "Quantities per account and instrument as of {date}, by trade date and by settlement date."
        ),
        Source {
            path: "/positions",
            columns,
            rows,
            filters: &[("account", true), ("isin", false)],
            linker: table::no_links,
            keep: &[],
        },
        &params,
    ))
}
