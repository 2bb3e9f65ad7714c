//! The jobs page: upload a file to import (trades, message files, custodians' settlement
//! statuses), a statement to reconcile, or start an end of day; each runs in the background
//! and the page follows its progress. Every command of a file is checked against the
//! person's permissions, as the API's import is.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Extension, Multipart, Path, State};
use axum::response::Response;
use kulissi_api::app::Caller;
use kulissi_api::problem::ApiError;
use kulissi_api::routes::reconciliation::{RunQuery, run_statement};
use kulissi_api::routes::{command_of, imports::import_file};
use kulissi_core::controls::roles::Permission;
use kulissi_core::reconciliation::views::ReconDefinition;
use serde_json::{Map, Value};

use crate::Ui;
use crate::jobs::Job;
use crate::views::{Layout, UiError, done, render};

/// The jobs page.
#[derive(Debug, Template)]
#[template(path = "jobs.html")]
pub struct JobsPage {
    /// The frame.
    pub layout: Layout,
    /// The jobs.
    pub jobs: Vec<Job>,
    /// May import trades.
    pub can_trades: bool,
    /// May import settlement statuses.
    pub can_statuses: bool,
    /// May reconcile.
    pub can_reconcile: bool,
    /// May run the end of day.
    pub can_eod: bool,
    /// Reconciliation definitions.
    pub definitions: Vec<&'static str>,
    /// Legal entities: LEI and name.
    pub entities: Vec<(String, String)>,
    /// Whether a job runs (the list polls).
    pub running: bool,
}

/// The list of jobs alone (htmx refreshes it while a job runs).
#[derive(Debug, Template)]
#[template(path = "jobs_list.html")]
pub struct JobsList {
    /// The jobs.
    pub jobs: Vec<Job>,
    /// Whether to poll again.
    pub running: bool,
}

/// The jobs page.
pub async fn page(
    State(ui): State<Ui>,
    Extension(caller): Extension<Caller>,
    axum::extract::Query(params): axum::extract::Query<crate::table::Params>,
) -> Result<Response, UiError> {
    let entities = ui
        .app
        .read(|s| {
            s.refdata
                .legal_entities
                .iter()
                .map(|(_, e)| (e.lei.to_string(), e.name.clone()))
                .collect::<Vec<_>>()
        })
        .await?;
    Ok(render(&JobsPage {
        layout: Layout::new(&ui, &caller, "/jobs", "Jobs and uploads")
            .with_flash(params.get("done")),
        jobs: ui.jobs.list(),
        running: ui.jobs.any_running(),
        can_trades: caller.can(Permission::BookTrades),
        can_statuses: caller.can(Permission::WorkSettlement),
        can_reconcile: caller.can(Permission::WorkBreaks),
        can_eod: caller.can(Permission::RunEndOfDay),
        definitions: ReconDefinition::ALL.iter().map(|d| d.name()).collect(),
        entities,
    }))
}

/// The jobs alone.
pub async fn list(State(ui): State<Ui>) -> Response {
    render(&JobsList {
        jobs: ui.jobs.list(),
        running: ui.jobs.any_running(),
    })
}

/// The fields of a form, and its file.
struct Upload {
    fields: Vec<(String, String)>,
    file: Option<(String, Bytes)>,
}

async fn upload(mut form: Multipart) -> Result<Upload, UiError> {
    let mut fields = Vec::new();
    let mut file = None;
    while let Some(part) = form
        .next_field()
        .await
        .map_err(|e| UiError::bad_request(format!("the upload could not be read: {e}")))?
    {
        let name = part.name().unwrap_or("").to_owned();
        if let Some(file_name) = part.file_name().map(str::to_owned) {
            let bytes = part
                .bytes()
                .await
                .map_err(|e| UiError::bad_request(format!("{file_name}: {e}")))?;
            if !bytes.is_empty() {
                file = Some((file_name, bytes));
            }
        } else {
            let text = part
                .text()
                .await
                .map_err(|e| UiError::bad_request(format!("{name}: {e}")))?;
            fields.push((name, text));
        }
    }
    Ok(Upload { fields, file })
}

fn failure(e: ApiError) -> (String, Vec<String>) {
    let e = UiError::from(e);
    (e.detail().to_owned(), e.fields().to_vec())
}

/// Starts a job: `import` (a file of trades, messages or settlement statuses),
/// `reconcile` or `end-of-day`.
pub async fn start(
    State(ui): State<Ui>,
    Extension(caller): Extension<Caller>,
    Path(kind): Path<String>,
    form: Multipart,
) -> Result<Response, UiError> {
    let form = upload(form).await?;
    let get = |name: &str| {
        form.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let by = caller.principal.username.clone();
    let jobs = ui.jobs.clone();
    let app = ui.app.clone();
    match kind.as_str() {
        "import" => {
            let what = get("kind").unwrap_or_default();
            if !["trades", "messages", "settlement-status"].contains(&what.as_str()) {
                return Err(UiError::bad_request(format!(
                    "kind: expected trades, messages or settlement-status, found '{what}'"
                )));
            }
            let (name, bytes) = form
                .file
                .ok_or_else(|| UiError::bad_request("file: choose a file to import"))?;
            let lines = bytes.iter().filter(|b| **b == b'\n').count() as u64 + 1;
            let id = jobs.start(&format!("import {what}"), &name, &by, 2);
            tokio::spawn(async move {
                jobs.progress(
                    id,
                    1,
                    &format!("reading, checking and committing about {lines} lines"),
                );
                let result = import_file(&app, &caller, &what, name, &bytes)
                    .await
                    .map(|o| {
                        format!(
                            "{}: {} lines, {} applied, {} already known{}",
                            o.file,
                            o.lines,
                            o.applied,
                            o.already_known,
                            if o.exceptions.is_empty() {
                                String::new()
                            } else {
                                format!("; exceptions: {}", o.exceptions.join("; "))
                            }
                        )
                    })
                    .map_err(failure);
                jobs.finish(id, result);
            });
        }
        "reconcile" => {
            if !caller.can(Permission::WorkBreaks) {
                return Err(UiError::forbidden(
                    "reconciling needs the permission work_breaks",
                ));
            }
            let (name, bytes) = form
                .file
                .ok_or_else(|| UiError::bad_request("file: choose a statement"))?;
            let query = RunQuery {
                definition: get("definition").unwrap_or_default(),
                as_of: get("as_of").unwrap_or_default(),
                legal_entity: get("legal_entity"),
                source: get("source"),
                name: Some(name.clone()),
            };
            let id = jobs.start("reconciliation", &name, &by, 2);
            tokio::spawn(async move {
                jobs.progress(id, 1, "matching the statement against the books");
                let result = run_statement(&app, &caller, query, bytes)
                    .await
                    .map(|o| {
                        format!(
                            "{} as of {}: {} items, {} matched, {} breaks opened, {} updated, {} closed",
                            o.definition, o.as_of, o.items, o.matched, o.opened, o.updated, o.closed
                        )
                    })
                    .map_err(failure);
                jobs.finish(id, result);
            });
        }
        "end-of-day" => {
            if !caller.can(Permission::RunEndOfDay) {
                return Err(UiError::forbidden(
                    "the end of day needs the permission run_end_of_day",
                ));
            }
            let lei = get("legal_entity")
                .ok_or_else(|| UiError::bad_request("legal_entity: required"))?;
            let date = get("date").unwrap_or_else(|| app.business_date().to_string());
            let mut line = Map::new();
            line.insert("type".into(), Value::String("end_of_day".into()));
            line.insert("legal_entity".into(), Value::String(lei.clone()));
            line.insert("date".into(), Value::String(date.clone()));
            let (command, _) = command_of(line)?;
            let id = jobs.start("end of day", &format!("{lei} {date}"), &by, 2);
            tokio::spawn(async move {
                jobs.progress(id, 1, "asset servicing, penalties, valuation and the close");
                let result = app
                    .execute(app.envelope(&caller, command))
                    .await
                    .map(|r| format!("end of day {date}: {} events", r.seqs.end - r.seqs.start))
                    .map_err(failure);
                jobs.finish(id, result);
            });
        }
        other => {
            return Err(UiError::not_found(format!(
                "no job '{other}': import, reconcile or end-of-day"
            )));
        }
    }
    Ok(done("/jobs", "Started: follow it below."))
}
