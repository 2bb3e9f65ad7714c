//! Compliance alerts (wash trades, trades in another trader's book, prices far from the
//! market): the list with their trades linked, and working them (assign, comment, close
//! with a conclusion), one or many at once.

use askama::Template;
use axum::Form;
use axum::extract::{Extension, Query, State};
use axum::response::Response;
use kulissi_api::app::Caller;
use kulissi_app::reports::Cell;
use kulissi_core::controls::commands::ControlCommand;
use kulissi_core::controls::compliance::AlertAction;
use kulissi_core::controls::roles::Permission;
use kulissi_core::engine::Command;

use super::{bulk_outcome, field, selected, send, table_or_csv};
use crate::Ui;
use crate::table::{self, Params, Source, Table};
use crate::views::{Layout, UiError, render};

const COLUMNS: &[&str] = &[
    "id",
    "kind",
    "status",
    "trade_id",
    "related_trade",
    "raised_on",
    "assignee",
    "detail",
    "comments",
    "conclusion",
];

fn links(column: &str, cell: &Cell, row: &[Cell], columns: &[&str]) -> Option<String> {
    match (column, cell) {
        ("related_trade", Cell::Integer(t)) => Some(format!("/trades/{t}")),
        _ => table::common_links(column, cell, row, columns),
    }
}

/// The alerts page.
#[derive(Debug, Template)]
#[template(path = "alerts.html")]
pub struct AlertsPage {
    /// The frame.
    pub layout: Layout,
    /// The alerts.
    pub table: Table,
    /// The person may work alerts.
    pub can_work: bool,
}

/// The alerts, newest first.
pub async fn alerts(
    State(ui): State<Ui>,
    Extension(caller): Extension<Caller>,
    Query(params): Query<Params>,
) -> Result<Response, UiError> {
    let rows = ui
        .app
        .read(|s| {
            s.controls
                .compliance
                .alerts
                .values()
                .rev()
                .map(|a| {
                    let status = if a.closed.is_some() {
                        "closed"
                    } else if a.assignee.is_some() {
                        "assigned"
                    } else {
                        "open"
                    };
                    vec![
                        Cell::Integer(a.id),
                        Cell::Text(a.kind.name().to_owned()),
                        Cell::Text(status.to_owned()),
                        Cell::Integer(a.trade.0),
                        Cell::from(a.related.map(|t| t.0)),
                        Cell::Date(a.raised_on),
                        Cell::from(a.assignee.clone()),
                        Cell::Text(a.detail.clone()),
                        Cell::Integer(a.comments.len() as u64),
                        Cell::from(a.closed.clone()),
                    ]
                })
                .collect::<Vec<_>>()
        })
        .await?;
    let source = Source {
        path: "/alerts",
        columns: COLUMNS,
        rows,
        filters: &[("kind", true), ("status", true), ("assignee", true)],
        linker: links,
        keep: &[],
    };
    let table = match table_or_csv(source, &params) {
        Ok(table) => table,
        Err(csv) => return Ok(csv),
    };
    Ok(render(&AlertsPage {
        layout: Layout::new(&ui, &caller, "/alerts", "Compliance alerts")
            .with_flash(params.get("done")),
        table,
        can_work: caller.can(Permission::ManageCompliance),
    }))
}

/// Works the selected alerts.
pub async fn work(
    State(ui): State<Ui>,
    Extension(caller): Extension<Caller>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, UiError> {
    let ids = selected(&form, "alert")?;
    let action = field(&form, "action")?.to_owned();
    let text = field(&form, "text")?.to_owned();
    let mut worked = Vec::new();
    let mut refused = Vec::new();
    for id in ids {
        let step = match action.as_str() {
            "assign" => AlertAction::Assign(text.clone()),
            "comment" => AlertAction::Comment(text.clone()),
            "close" => AlertAction::Close(text.clone()),
            other => {
                return Err(UiError::bad_request(format!(
                    "action: expected assign, comment or close, found '{other}'"
                )));
            }
        };
        let command = Command::Control(ControlCommand::WorkAlert { id, action: step });
        match send(&ui, &caller, command).await {
            Ok(_) => worked.push(id.to_string()),
            Err(e) => refused.push(format!("{id} ({})", e.detail())),
        }
    }
    let verb = match action.as_str() {
        "assign" => "assigned",
        "comment" => "commented",
        _ => "closed",
    };
    bulk_outcome("/alerts", "alert", verb, &worked, &refused)
}
