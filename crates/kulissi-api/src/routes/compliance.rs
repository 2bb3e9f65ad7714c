//! Compliance: the restricted list (checked before booking), surveillance alerts and their
//! workflow, and the surveillance thresholds.

use crate::extract::Json;
use crate::extract::{Path, Query};
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use kulissi_core::controls::commands::ControlCommand;
use kulissi_core::controls::compliance::{AlertAction, SurveillanceSettings};
use kulissi_core::engine::Command;
use kulissi_core::identifiers::Isin;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::trades::answer;
use super::{Outcome, execute_or_request};
use crate::app::{AppState, Caller};
use crate::paging::{ListQuery, Page};
use crate::problem::{ApiError, Problem};

/// The restricted list.
#[utoipa::path(get, path = "/api/v1/compliance/restricted", tag = "compliance", params(ListQuery),
    responses((status = 200, body = Page), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn restricted(
    State(app): State<AppState>,
    Query(query): Query<ListQuery>,
) -> Result<Json<Page>, ApiError> {
    let items = app
        .read(|s| {
            s.controls
                .compliance
                .restricted
                .values()
                .map(|e| {
                    json!({"id": e.id, "isin": e.isin.to_string(), "reason": e.reason, "added_by": e.added_by,
                        "from": e.from.to_string(), "standing": e.lifted.is_none(), "lifted": e.lifted})
                })
                .collect()
        })
        .await?;
    Ok(Json(query.page(items, app.config.max_page)?))
}

/// An instrument to restrict.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Restriction {
    /// The instrument (ISIN).
    pub isin: String,
    /// Why.
    pub reason: String,
}

/// Put an instrument on the restricted list: bookings in it are refused from now on.
#[utoipa::path(post, path = "/api/v1/compliance/restricted", tag = "compliance", request_body = Restriction,
    responses((status = 200, body = Outcome), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn restrict(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Json(body): Json<Restriction>,
) -> Result<(StatusCode, Json<Outcome>), ApiError> {
    let isin: Isin = body
        .isin
        .parse()
        .map_err(|e| ApiError::bad_request(format!("$.isin: {e}")))?;
    let command = Command::Control(ControlCommand::AddRestriction {
        isin,
        reason: body.reason,
    });
    answer(execute_or_request(&app, &caller, command).await?)
}

/// A reason.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Reason {
    /// Why.
    pub reason: String,
}

/// Lift a restriction.
#[utoipa::path(post, path = "/api/v1/compliance/restricted/{id}/lift", tag = "compliance", request_body = Reason,
    params(("id" = u64, Path, description = "the entry")),
    responses((status = 200, body = Outcome), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn lift(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<u64>,
    Json(body): Json<Reason>,
) -> Result<(StatusCode, Json<Outcome>), ApiError> {
    let command = Command::Control(ControlCommand::LiftRestriction {
        id,
        reason: body.reason,
    });
    answer(execute_or_request(&app, &caller, command).await?)
}

/// Surveillance alerts.
#[utoipa::path(get, path = "/api/v1/compliance/alerts", tag = "compliance", params(ListQuery),
    responses((status = 200, body = Page), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn alerts(
    State(app): State<AppState>,
    Query(query): Query<ListQuery>,
) -> Result<Json<Page>, ApiError> {
    let items = app
        .read(|s| {
            s.controls
                .compliance
                .alerts
                .values()
                .rev()
                .map(|a| {
                    json!({"id": a.id, "kind": a.kind.name(), "trade_id": a.trade.0, "related_trade_id": a.related.map(|t| t.0),
                        "detail": a.detail, "raised_on": a.raised_on.to_string(), "assignee": a.assignee,
                        "comments": a.comments.iter().map(|(by, text)| json!({"by": by, "text": text})).collect::<Vec<_>>(),
                        "status": if a.closed.is_some() { "closed" } else if a.assignee.is_some() { "assigned" } else { "open" },
                        "conclusion": a.closed})
                })
                .collect()
        })
        .await?;
    Ok(Json(query.page(items, app.config.max_page)?))
}

/// A step of an alert's workflow.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AlertStep {
    /// assign, comment or close.
    pub action: String,
    /// The assignee's login name, the comment, or the conclusion.
    pub text: String,
}

/// Work an alert: assign it, comment on it, close it with a conclusion.
#[utoipa::path(post, path = "/api/v1/compliance/alerts/{id}", tag = "compliance", request_body = AlertStep,
    params(("id" = u64, Path, description = "the alert")),
    responses((status = 200, body = Outcome), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn work(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<u64>,
    Json(body): Json<AlertStep>,
) -> Result<(StatusCode, Json<Outcome>), ApiError> {
    let action = match body.action.as_str() {
        "assign" => AlertAction::Assign(body.text),
        "comment" => AlertAction::Comment(body.text),
        "close" => AlertAction::Close(body.text),
        other => {
            return Err(ApiError::bad_request(format!(
                "$.action: expected assign, comment or close, found '{other}'"
            )));
        }
    };
    let command = Command::Control(ControlCommand::WorkAlert { id, action });
    answer(execute_or_request(&app, &caller, command).await?)
}

/// Surveillance thresholds.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Thresholds {
    /// The wash-trade window in seconds.
    pub wash_window_seconds: u32,
    /// The quantity band, a fraction (`0.10`).
    pub wash_quantity_band: String,
    /// The price deviation that alerts, a fraction (`0.10`).
    pub price_deviation: String,
}

/// Set the surveillance thresholds.
#[utoipa::path(put, path = "/api/v1/compliance/surveillance", tag = "compliance", request_body = Thresholds,
    responses((status = 200, body = Outcome), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn surveillance(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Json(body): Json<Thresholds>,
) -> Result<(StatusCode, Json<Outcome>), ApiError> {
    let fraction = |field: &str, v: &str| {
        v.parse::<Decimal>().map_err(|_| {
            ApiError::bad_request(format!(
                "$.{field}: expected a decimal fraction, found '{v}'"
            ))
        })
    };
    let settings = SurveillanceSettings {
        wash_window_seconds: body.wash_window_seconds,
        wash_quantity_band: fraction("wash_quantity_band", &body.wash_quantity_band)?,
        price_deviation: fraction("price_deviation", &body.price_deviation)?,
    };
    let command = Command::Control(ControlCommand::SetSurveillance(settings));
    answer(execute_or_request(&app, &caller, command).await?)
}
