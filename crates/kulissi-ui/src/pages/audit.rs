//! The audit log viewer: the hash-chained event log itself, filtered by actor, kind, trade
//! and business date, read forward by cursor (the last sequence number shown), each event
//! with what it says (secrets redacted) and its trade linked.

use askama::Template;
use axum::extract::{Extension, Query, State};
use axum::response::Response;
use kulissi_api::app::Caller;
use kulissi_api::problem::ApiError;
use kulissi_app::reports::Cell;

use crate::Ui;
use crate::table::{self, Params, Source, Table, common_links};
use crate::views::{Layout, UiError, render};

const COLUMNS: &[&str] = &[
    "seq",
    "recorded_at",
    "business_date",
    "actor",
    "kind",
    "trade_id",
    "event",
];

/// Events per page.
const PAGE: usize = 100;

/// The audit log page.
#[derive(Debug, Template)]
#[template(path = "audit.html")]
pub struct AuditPage {
    /// The frame.
    pub layout: Layout,
    /// The events.
    pub table: Table,
    /// The filters as sent.
    pub actor: String,
    /// Kind.
    pub kind: String,
    /// Trade.
    pub trade: String,
    /// Business date.
    pub date: String,
    /// The next page (after the last event shown).
    pub next: Option<String>,
    /// The first page.
    pub first: Option<String>,
}

/// The audit log.
pub async fn log(
    State(ui): State<Ui>,
    Extension(caller): Extension<Caller>,
    Query(params): Query<Params>,
) -> Result<Response, UiError> {
    let get = |k: &str| {
        params
            .get(k)
            .map(|v| v.trim().to_owned())
            .unwrap_or_default()
    };
    let (actor, kind, trade, date) = (
        get("actor"),
        get("kind"),
        get("trade_id"),
        get("business_date"),
    );
    let after: u64 = params
        .get("after")
        .and_then(|a| a.parse().ok())
        .unwrap_or(0);
    let trade_id: Option<u64> = if trade.is_empty() {
        None
    } else {
        Some(trade.parse().map_err(|_| {
            UiError::bad_request(format!(
                "trade_id: expected a trade number, found '{trade}'"
            ))
        })?)
    };
    let (a, k, d) = (actor.clone(), kind.clone(), date.clone());
    let (rows, last, more) = ui
        .app
        .read_store(move |store| {
            let mut rows = Vec::new();
            let mut last = after;
            let mut more = false;
            store
                .read_log(after.saturating_add(1), None, &mut |record| {
                    if rows.len() == PAGE {
                        more = true;
                        return Ok(false);
                    }
                    let keep = (a.is_empty() || *record.actor == *a)
                        && (k.is_empty() || record.kind == k.as_str())
                        && trade_id.is_none_or(|t| record.trade_id == Some(t))
                        && (d.is_empty() || record.business_date.to_string() == d);
                    if keep {
                        let event = super::event_text(&record);
                        rows.push(vec![
                            Cell::Integer(record.seq),
                            Cell::Text(super::recorded_at(&record)),
                            Cell::Date(record.business_date),
                            Cell::Text(record.actor.to_string()),
                            Cell::Text(record.kind.to_string()),
                            Cell::from(record.trade_id),
                            Cell::Text(event),
                        ]);
                        last = record.seq;
                    }
                    Ok(true)
                })
                .map_err(|e| ApiError::unavailable(e.to_string()))?;
            Ok((rows, last, more))
        })
        .await?;
    let mut base = params.clone();
    base.remove("after");
    let next = more.then(|| {
        let mut p = base.clone();
        p.insert("after".to_owned(), last.to_string());
        table::href("/audit", &p)
    });
    let first = (after > 0).then(|| table::href("/audit", &base));
    let mut limit = Params::new();
    limit.insert("limit".to_owned(), PAGE.to_string());
    Ok(render(&AuditPage {
        layout: Layout::new(&ui, &caller, "/audit", "Audit log"),
        table: table::build(
            Source {
                path: "/audit",
                columns: COLUMNS,
                rows,
                filters: &[],
                linker: |c, cell, row, cols| match (c, cell) {
                    ("seq", _) => None,
                    _ => common_links(c, cell, row, cols),
                },
                keep: &[],
            },
            &limit,
        ),
        actor,
        kind,
        trade,
        date,
        next,
        first,
    }))
}
