//! The pages, one module per area of the back office. Shared here: a list page over any
//! report (the table with its search, filters, sorting, paging and CSV download), reading
//! forms, and sending a command as the signed-in person.

pub mod approvals;
pub mod audit;
pub mod breaks;
pub mod compliance;
pub mod corporate_actions;
pub mod dashboard;
pub mod jobs;
pub mod ledger;
pub mod messages;
pub mod reference;
pub mod session;
pub mod settlement;
pub mod staff;
pub mod trades;

use askama::Template;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use kulissi_api::app::Caller;
use kulissi_api::routes::{Outcome, execute_or_request};
use kulissi_app::reports::{Cell, Report};
use kulissi_core::engine::Command;
use serde_json::Value;

use crate::Ui;
use crate::table::{self, Params, Source, Table};
use crate::views::{Layout, UiError, done, render};

/// A list page: a heading, a line of explanation, an action, and the table.
#[derive(Debug, Template)]
#[template(path = "list.html")]
pub struct ListPage {
    /// The frame.
    pub layout: Layout,
    /// A line under the heading.
    pub lead: String,
    /// A button at the top right: where it goes and what it says.
    pub action: Option<(String, String)>,
    /// The table.
    pub table: Table,
    /// Rows carry a checkbox (bulk actions).
    pub selectable: bool,
}

/// A report's columns and rows.
pub fn rows_of(report: &impl Report) -> (&'static [&'static str], Vec<Vec<Cell>>) {
    (report.columns(), report.rows())
}

/// JSON objects as rows of the named fields (numbers as whole numbers, strings as text).
pub fn json_rows(items: &[Value], columns: &[&str]) -> Vec<Vec<Cell>> {
    items
        .iter()
        .map(|item| {
            columns
                .iter()
                .map(|c| match item.get(*c) {
                    Some(Value::Number(n)) => n
                        .as_u64()
                        .map_or_else(|| Cell::Text(n.to_string()), Cell::Integer),
                    Some(Value::String(s)) => Cell::Text(s.clone()),
                    Some(Value::Bool(b)) => Cell::Bool(*b),
                    Some(Value::Null) | None => Cell::Empty,
                    Some(other) => Cell::Text(other.to_string()),
                })
                .collect()
        })
        .collect()
}

/// The CSV download of a selection.
pub fn csv_response(name: &str, body: Vec<u8>) -> Response {
    let disposition = format!("attachment; filename=\"{name}.csv\"");
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
        ],
        body,
    )
        .into_response()
}

/// A list page over `source`, or its CSV when the query asks `format=csv`.
pub fn list(
    layout: Layout,
    lead: impl Into<String>,
    source: Source<'_>,
    params: &Params,
) -> Response {
    list_with(layout, lead, None, false, source, params)
}

/// A list page with an action button and optionally selectable rows.
pub fn list_with(
    layout: Layout,
    lead: impl Into<String>,
    action: Option<(String, String)>,
    selectable: bool,
    source: Source<'_>,
    params: &Params,
) -> Response {
    let table = match table_or_csv(source, params) {
        Ok(table) => table,
        Err(csv) => return csv,
    };
    let page = ListPage {
        layout: layout.with_flash(params.get("done")),
        lead: lead.into(),
        action,
        table,
        selectable,
    };
    render(&page)
}

/// The table `params` ask for, or (as the error, to answer at once) the CSV download of
/// the same selection when they ask `format=csv`.
pub fn table_or_csv(source: Source<'_>, params: &Params) -> Result<Table, Response> {
    if params.get("format").map(String::as_str) == Some("csv") {
        let name = source.path.trim_start_matches('/').replace('/', "-");
        return Err(csv_response(
            &name,
            table::csv(source.columns, source.rows, params),
        ));
    }
    Ok(table::build(source, params))
}

/// The row ids ticked in a bulk form (`selected`): at least one.
pub fn selected(form: &[(String, String)], what: &str) -> Result<Vec<u64>, UiError> {
    let ids: Vec<u64> = form
        .iter()
        .filter(|(k, _)| k == "selected")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    if ids.is_empty() {
        return Err(UiError::bad_request(format!("select at least one {what}")));
    }
    Ok(ids)
}

/// After a bulk action: back to `location` saying what was done to which rows and which
/// were refused and why; an error when every one was refused.
pub fn bulk_outcome(
    location: &str,
    noun: &str,
    verb: &str,
    done_ids: &[String],
    refused: &[String],
) -> Result<Response, UiError> {
    if done_ids.is_empty() {
        return Err(UiError::new(
            axum::http::StatusCode::CONFLICT,
            format!("Refused: {}", refused.join("; ")),
        ));
    }
    let mut message = format!(
        "{} {noun}(s) {verb}: {}.",
        done_ids.len(),
        done_ids.join(", ")
    );
    if !refused.is_empty() {
        message.push_str(&format!(" Refused: {}.", refused.join("; ")));
    }
    Ok(done(location, &message))
}

/// Sends a command as the caller (an approval request if its kind needs a second person)
/// and says what happened, for the flash message.
pub async fn send(ui: &Ui, caller: &Caller, command: Command) -> Result<String, UiError> {
    let outcome: Outcome = execute_or_request(&ui.app, caller, command).await?;
    Ok(describe(&outcome))
}

/// What an outcome says to a person.
pub fn describe(outcome: &Outcome) -> String {
    match (
        outcome.status.as_str(),
        outcome.request_id,
        outcome.trade_id,
    ) {
        ("pending_approval", Some(id), _) => {
            format!("Sent for approval as request {id}: a second person must approve it.")
        }
        ("duplicate", _, _) => "Already done: nothing changed.".to_owned(),
        (_, _, Some(trade)) => format!("Done: trade {trade}."),
        _ => "Done.".to_owned(),
    }
}

/// A form field, trimmed; a missing or empty one is an error naming it.
pub fn field<'a>(form: &'a [(String, String)], name: &str) -> Result<&'a str, UiError> {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| UiError::bad_request(format!("{name}: required")))
}

/// A form field, trimmed, if given.
pub fn optional<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

/// What a logged event says, for people (secrets redacted, as the API's audit log shows it).
pub fn event_text(record: &kulissi_store::LogRecord) -> String {
    kulissi_core::engine::codec::decode(&record.payload).map_or_else(
        |e| format!("(undecodable: {e})"),
        |e| kulissi_api::routes::audit::describe(&e),
    )
}

/// When an event was recorded (RFC 3339).
pub fn recorded_at(record: &kulissi_store::LogRecord) -> String {
    jiff::Timestamp::from_microsecond(record.wall_time_us)
        .map(|t| t.to_string())
        .unwrap_or_default()
}
