//! The audit trail: the event log itself, filtered by person, kind, time and trade, and the
//! verification of its hash chain and read models (`kulissi verify` over HTTP). Secrets
//! (password and token hashes) are shown as redacted.

use crate::extract::Json;
use crate::extract::Query;
use axum::extract::State;
use jiff::Timestamp;
use kulissi_core::controls::commands::ControlEvent;
use kulissi_core::engine::{Event, codec};
use kulissi_store::ReadOnly;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use crate::app::AppState;
use crate::paging::Page;
use crate::problem::{ApiError, Problem};

/// Filters of the event log.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Events after this sequence number (the cursor: the last `seq` of the previous page).
    #[param(minimum = 0)]
    pub after: Option<u64>,
    /// Events to return (default 100, at most the server's page size).
    #[param(minimum = 1)]
    pub limit: Option<u64>,
    /// The actor, as logged (`person:alice`, `system:import`).
    pub actor: Option<String>,
    /// The event kind (`TradeBooked`, `RequestApproved`, ...).
    pub kind: Option<String>,
    /// The trade the event is about.
    pub trade_id: Option<u64>,
    /// Recorded at or after this time (RFC 3339).
    pub from: Option<String>,
    /// Recorded before this time (RFC 3339).
    pub to: Option<String>,
}

fn time(field: &str, v: Option<&str>) -> Result<Option<i64>, ApiError> {
    v.filter(|v| !v.is_empty())
        .map(|v| {
            v.parse::<Timestamp>()
                .map(|t| t.as_microsecond())
                .map_err(|e| {
                    ApiError::bad_request(format!(
                        "{field}: expected an RFC 3339 time, found '{v}': {e}"
                    ))
                })
        })
        .transpose()
}

/// What an event says, for people; secrets redacted.
pub fn describe(event: &Event) -> String {
    let text = match event {
        Event::Control(ControlEvent::UserCreated(u)) => format!(
            "UserCreated {{ username: {:?}, employee: {:?}, roles: {:?}, password_hash: (redacted) }}",
            u.username, u.employee, u.roles
        ),
        Event::Control(ControlEvent::PasswordSet { username, .. }) => {
            format!("PasswordSet {{ username: {username:?}, password_hash: (redacted) }}")
        }
        Event::Control(ControlEvent::ApiTokenIssued(t)) => format!(
            "ApiTokenIssued {{ id: {}, username: {:?}, name: {:?}, roles: {:?}, expires_at: {}, hash: (redacted) }}",
            t.id, t.username, t.name, t.roles, t.expires_at
        ),
        other => format!("{other:?}"),
    };
    if text.len() > 4_000 {
        let mut cut = 4_000;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        format!("{}…", &text[..cut])
    } else {
        text
    }
}

/// The event log, oldest first from the cursor. `total` counts the matches read up to the
/// page's end (the log is read forward and stops when the page is full).
#[utoipa::path(get, path = "/api/v1/audit/events", tag = "audit", params(AuditQuery),
    responses((status = 200, body = Page), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn events(
    State(app): State<AppState>,
    Query(q): Query<AuditQuery>,
) -> Result<Json<Page>, ApiError> {
    let from = time("from", q.from.as_deref())?;
    let to = time("to", q.to.as_deref())?;
    let limit = q
        .limit
        .unwrap_or(100)
        .clamp(1, app.config.max_page.max(1) as u64);
    let after = q.after.unwrap_or(0);
    let page = app
        .read_store(move |store| {
            let mut items = Vec::new();
            ReadOnly(store)
                .0
                .read_log(after.saturating_add(1), None, &mut |record| {
                    let keep = q.actor.as_deref().is_none_or(|a| *record.actor == *a)
                        && q.kind.as_deref().is_none_or(|k| record.kind == k)
                        && q.trade_id.is_none_or(|t| record.trade_id == Some(t))
                        && from.is_none_or(|f| record.wall_time_us >= f)
                        && to.is_none_or(|t| record.wall_time_us < t);
                    if keep {
                        let event = codec::decode(&record.payload)
                            .map_or_else(|e| format!("(undecodable: {e})"), |e| describe(&e));
                        let hash: String = record.hash.iter().map(|b| format!("{b:02x}")).collect();
                        items.push(json!({
                            "seq": record.seq,
                            "recorded_at": Timestamp::from_microsecond(record.wall_time_us).map(|t| t.to_string()).unwrap_or_default(),
                            "business_date": record.business_date.to_string(),
                            "actor": &*record.actor,
                            "kind": &*record.kind,
                            "trade_id": record.trade_id,
                            "event": event,
                            "hash": hash,
                        }));
                    }
                    Ok((items.len() as u64) < limit)
                })
                .map_err(|e| ApiError::unavailable(e.to_string()))?;
            Ok(Page {
                total: items.len() as u64,
                offset: 0,
                limit,
                items,
            })
        })
        .await?;
    Ok(Json(page))
}

/// The result of verifying the log.
#[derive(Debug, Serialize, ToSchema)]
pub struct Verification {
    /// Whether every hash, every version and every read-model row agreed.
    pub ok: bool,
    /// Records checked.
    pub records: u64,
    /// Trades in the replayed state.
    pub trades: u64,
    /// The first sequence number that disagrees, and what.
    pub first_problem: Option<String>,
}

/// Verify the hash chain, replaying the log and comparing the read models.
#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "audit",
    responses((status = 200, body = Verification), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn verify(State(app): State<AppState>) -> Result<Json<Verification>, ApiError> {
    let report = app
        .read_store(|store| {
            kulissi_app::verify::verify(&ReadOnly(store), |_| {})
                .map_err(|e| ApiError::unavailable(e.to_string()))
        })
        .await?;
    Ok(Json(Verification {
        ok: report.is_ok(),
        records: report.records,
        trades: report.trades as u64,
        first_problem: report
            .first_problem
            .map(|(seq, what)| format!("sequence {seq}: {what}")),
    }))
}
