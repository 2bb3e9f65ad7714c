//! File imports over HTTP, all of the file or none of it and exactly once, as
//! `kulissi import` does: trades (CSV or JSON lines), message files (JSON lines) and a
//! custodian's settlement statuses (sese.024 or sese.025, or the CSV status file). Every
//! command of the file needs its own permission; errors name the file's line and field.

use axum::body::Bytes;
use axum::extract::{Extension, State};
use jiff::civil::Date;
use kulissi_core::controls::roles::{command_name, permission_of};
use kulissi_core::engine::Command;
use kulissi_formats::{ImportErrors, Located};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::app::{AppState, Caller};
use crate::extract::{Json, Path, Query};
use crate::problem::{ApiError, FieldError, Problem};

/// The file's name, for messages.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// The file's name as the sender knows it (errors name it; `.jsonl` reads JSON lines).
    pub name: Option<String>,
}

/// What an import did.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportOutcome {
    /// The file.
    pub file: String,
    /// Lines (commands) read.
    pub lines: u64,
    /// Commands that changed something.
    pub applied: u64,
    /// Commands already known (a file imported again applies nothing twice).
    pub already_known: u64,
    /// The first and last event written.
    pub events: Option<(u64, u64)>,
    /// What the engine could not fit and put on the exception queue.
    pub exceptions: Vec<String>,
}

fn refused(e: ImportErrors) -> ApiError {
    ApiError::invalid_body(
        "the file is not valid: nothing was imported",
        e.0.into_iter()
            .map(|e| FieldError {
                line: Some(e.line),
                field: e.field,
                message: e.message,
            })
            .collect(),
    )
}

fn read(
    kind: &str,
    name: &str,
    bytes: &[u8],
    business_date: Date,
) -> Result<Vec<Located<Command>>, ApiError> {
    let text_start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map_or(&b""[..], |i| &bytes[i..]);
    match kind {
        "trades" => {
            if name.ends_with(".jsonl") || text_start.starts_with(b"{") {
                kulissi_formats::read_trades_jsonl(bytes, name).map_err(refused)
            } else {
                kulissi_formats::read_trades_csv(bytes, name).map_err(refused)
            }
        }
        "messages" => kulissi_formats::read_refdata_jsonl(bytes, name).map_err(refused),
        "settlement-status" => {
            let text = String::from_utf8_lossy(bytes);
            let body = text.trim_start_matches('\u{feff}').trim_start();
            if body.starts_with('<') {
                let message = kulissi_iso20022::status::read(body, name)
                    .map_err(|e| ApiError::bad_request(format!("{e}; nothing was imported")))?;
                Ok(kulissi_iso20022::status::commands(&message, business_date)
                    .into_iter()
                    .map(|c| Located {
                        line: 1,
                        message_id: kulissi_core::engine::MessageId::derived(&c),
                        item: c,
                    })
                    .collect())
            } else {
                kulissi_formats::read_settlement_status_csv(bytes, name, business_date)
                    .map_err(refused)
            }
        }
        other => Err(ApiError::not_found(format!(
            "no import '{other}': expected trades, messages or settlement-status"
        ))),
    }
}

/// Import a file (the body, as it is): `trades` (CSV, or JSON lines), `messages` (JSON
/// lines) or `settlement-status` (sese.024, sese.025 or CSV). All of it or none; a file
/// imported again applies nothing twice.
#[utoipa::path(post, path = "/api/v1/imports/{kind}", tag = "imports",
    params(("kind" = String, Path, description = "trades, messages or settlement-status"), ImportQuery),
    request_body(content = String, content_type = "text/plain", description = "the file"),
    responses((status = 200, body = ImportOutcome), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 413, body = Problem, content_type = "application/problem+json", description = "too large"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn import(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(kind): Path<String>,
    Query(query): Query<ImportQuery>,
    body: Bytes,
) -> Result<Json<ImportOutcome>, ApiError> {
    let name = query
        .name
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| format!("{kind} upload"));
    import_file(&app, &caller, &kind, name, &body)
        .await
        .map(Json)
}

/// Imports a file as `caller`: every command under its own permission, all of it or none.
/// The API's import and the workbench's background imports both come here.
pub async fn import_file(
    app: &AppState,
    caller: &Caller,
    kind: &str,
    name: String,
    body: &[u8],
) -> Result<ImportOutcome, ApiError> {
    let business_date = app.business_date();
    let items = read(kind, &name, body, business_date)?;
    for item in &items {
        let permission = permission_of(&item.item);
        if !caller.can(permission) {
            return Err(ApiError::forbidden(format!(
                "{name} line {}: {} lacks the permission {} that {} needs; nothing was imported",
                item.line,
                caller.principal.username,
                permission.name(),
                command_name(&item.item)
            )));
        }
    }
    let lines: Vec<u64> = items.iter().map(|l| l.line).collect();
    let envelopes = items
        .into_iter()
        .map(|l| app.envelope(caller, l.item).with_message_id(l.message_id))
        .collect();
    let exceptions_before = app.read(|s| s.settlement.exceptions.len()).await?;
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.engine.submit_atomic_then(envelopes, move |outcome| {
        let _ = tx.send(outcome);
    })?;
    let outcome = rx
        .await
        .map_err(|_| ApiError::unavailable("the writer dropped the import"))??;
    let receipts = outcome.map_err(|(i, rejection)| {
        ApiError::rejected(format!(
            "{name} line {}: {rejection}; nothing was imported",
            lines.get(i).copied().unwrap_or(0)
        ))
    })?;
    let duplicates = receipts.iter().filter(|r| r.is_duplicate()).count() as u64;
    let events = receipts
        .iter()
        .filter(|r| !r.is_duplicate())
        .map(|r| (r.seqs.start, r.seqs.end.saturating_sub(1)))
        .reduce(|(a, b), (c, d)| (a.min(c), b.max(d)));
    let exceptions = app
        .read(move |s| {
            s.settlement
                .exceptions
                .iter()
                .skip(exceptions_before)
                .map(|e| format!("exception {}: {}: {}", e.id, e.reference, e.detail))
                .collect()
        })
        .await?;
    let mut distinct = lines;
    distinct.dedup();
    Ok(ImportOutcome {
        file: name,
        lines: distinct.len() as u64,
        applied: receipts.len() as u64 - duplicates,
        already_known: duplicates,
        events,
        exceptions,
    })
}
