//! Settlement (the queue, exceptions, fails, instructing a day) and the reconciliation break
//! workbench (assign, comment, resolve, write-off with four eyes).

use crate::extract::Json;
use crate::extract::{Path, Query};
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use kulissi_app::reports::{
    QueueFilter, fails, recon_breaks, settlement_exceptions, settlement_queue,
};
use kulissi_core::engine::Command;
use kulissi_core::reconciliation::breaks::BreakStatus;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::trades::answer;
use super::{Outcome, execute_or_request, optional_date};
use crate::app::{AppState, Caller};
use crate::paging::{ListQuery, Page, report_items};
use crate::problem::{ApiError, Problem};

/// Filters of the settlement queue.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// A status's name, or `open`.
    pub status: Option<String>,
    /// Intended settlement date.
    pub date: Option<String>,
    /// Counterparty (LEI).
    pub counterparty: Option<String>,
    /// Only open items (exceptions, breaks).
    pub open: Option<bool>,
    /// As of this date (fails, breaks; default today).
    pub as_of: Option<String>,
}

/// The settlement queue: instructions by status, date and counterparty.
#[utoipa::path(get, path = "/api/v1/settlement/instructions", tag = "settlement", params(QueueQuery, ListQuery),
    responses((status = 200, body = Page), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn queue(
    State(app): State<AppState>,
    Query(filter): Query<QueueQuery>,
    Query(query): Query<ListQuery>,
) -> Result<Json<Page>, ApiError> {
    let filter = QueueFilter {
        status: filter.status.filter(|s| !s.is_empty()),
        date: optional_date("date", filter.date.as_deref())?,
        counterparty: filter.counterparty.filter(|s| !s.is_empty()),
    };
    let items = app
        .read(move |s| report_items(&settlement_queue(s, &filter)))
        .await?;
    Ok(Json(query.page(items, app.config.max_page)?))
}

/// The settlement exception queue.
#[utoipa::path(get, path = "/api/v1/settlement/exceptions", tag = "settlement", params(QueueQuery, ListQuery),
    responses((status = 200, body = Page), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn exceptions(
    State(app): State<AppState>,
    Query(filter): Query<QueueQuery>,
    Query(query): Query<ListQuery>,
) -> Result<Json<Page>, ApiError> {
    let open = filter.open.unwrap_or(false);
    let items = app
        .read(move |s| report_items(&settlement_exceptions(s, open)))
        .await?;
    Ok(Json(query.page(items, app.config.max_page)?))
}

/// Fails as of a date, with their age bucket and CSDR penalties.
#[utoipa::path(get, path = "/api/v1/settlement/fails", tag = "settlement", params(QueueQuery, ListQuery),
    responses((status = 200, body = Page), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn fails_list(
    State(app): State<AppState>,
    Query(filter): Query<QueueQuery>,
    Query(query): Query<ListQuery>,
) -> Result<Json<Page>, ApiError> {
    let as_of =
        optional_date("as_of", filter.as_of.as_deref())?.unwrap_or_else(|| app.business_date());
    let items = app.read(move |s| report_items(&fails(s, as_of))).await?;
    Ok(Json(query.page(items, app.config.max_page)?))
}

/// A day to instruct.
#[derive(Debug, Deserialize, ToSchema)]
pub struct InstructRequest {
    /// Trade date whose trades are instructed.
    pub date: String,
}

/// Instruct a day's trades for settlement (gross or net by the counterparties' netting sets).
#[utoipa::path(post, path = "/api/v1/settlement/instruct", tag = "settlement", request_body = InstructRequest,
    responses((status = 200, body = Outcome), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn instruct(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Json(body): Json<InstructRequest>,
) -> Result<(StatusCode, Json<Outcome>), ApiError> {
    let date = optional_date("date", Some(&body.date))?
        .ok_or_else(|| ApiError::bad_request("date: required"))?;
    answer(execute_or_request(&app, &caller, Command::InstructSettlement { date }).await?)
}

/// Reconciliation breaks.
#[utoipa::path(get, path = "/api/v1/reconciliation/breaks", tag = "reconciliation", params(QueueQuery, ListQuery),
    responses((status = 200, body = Page), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn breaks(
    State(app): State<AppState>,
    Query(filter): Query<QueueQuery>,
    Query(query): Query<ListQuery>,
) -> Result<Json<Page>, ApiError> {
    let open = filter.open.unwrap_or(false);
    let as_of =
        optional_date("as_of", filter.as_of.as_deref())?.unwrap_or_else(|| app.business_date());
    let items = app
        .read(move |s| report_items(&recon_breaks(s, open, as_of)))
        .await?;
    Ok(Json(query.page(items, app.config.max_page)?))
}

/// Someone to give a break to.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AssignRequest {
    /// Their login name.
    pub assignee: String,
}

/// A text: a comment, a reason.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TextRequest {
    /// The text.
    pub text: String,
}

/// A resolution.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ResolveRequest {
    /// The resolution code (booked-late, custodian-error, timing, ...).
    pub code: String,
    /// The comment.
    pub comment: String,
}

/// Assign a break.
#[utoipa::path(post, path = "/api/v1/reconciliation/breaks/{id}/assign", tag = "reconciliation", request_body = AssignRequest,
    params(("id" = u64, Path, description = "the break")),
    responses((status = 200, body = Outcome), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn assign(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<u64>,
    Json(body): Json<AssignRequest>,
) -> Result<(StatusCode, Json<Outcome>), ApiError> {
    let command = Command::MoveBreak {
        id,
        to: BreakStatus::Assigned,
        assignee: Some(body.assignee),
    };
    answer(execute_or_request(&app, &caller, command).await?)
}

/// Comment on a break.
#[utoipa::path(post, path = "/api/v1/reconciliation/breaks/{id}/comment", tag = "reconciliation", request_body = TextRequest,
    params(("id" = u64, Path, description = "the break")),
    responses((status = 200, body = Outcome), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn comment(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<u64>,
    Json(body): Json<TextRequest>,
) -> Result<(StatusCode, Json<Outcome>), ApiError> {
    let command = Command::CommentBreak {
        id,
        text: body.text,
    };
    answer(execute_or_request(&app, &caller, command).await?)
}

/// Resolve a break with a code and a comment.
#[utoipa::path(post, path = "/api/v1/reconciliation/breaks/{id}/resolve", tag = "reconciliation", request_body = ResolveRequest,
    params(("id" = u64, Path, description = "the break")),
    responses((status = 200, body = Outcome), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn resolve(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<u64>,
    Json(body): Json<ResolveRequest>,
) -> Result<(StatusCode, Json<Outcome>), ApiError> {
    let command = Command::ResolveBreak {
        id,
        code: body.code,
        comment: body.comment,
    };
    answer(execute_or_request(&app, &caller, command).await?)
}

/// Ask to write a break off (a second person of finance approves).
#[utoipa::path(post, path = "/api/v1/reconciliation/breaks/{id}/write-off", tag = "reconciliation", request_body = TextRequest,
    params(("id" = u64, Path, description = "the break")),
    responses((status = 200, body = Outcome), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn write_off(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<u64>,
    Json(body): Json<TextRequest>,
) -> Result<(StatusCode, Json<Outcome>), ApiError> {
    let command = Command::RequestWriteOff {
        id,
        reason: body.text,
    };
    answer(execute_or_request(&app, &caller, command).await?)
}

/// Approve a write-off (a person of finance other than the one who asked).
#[utoipa::path(post, path = "/api/v1/reconciliation/breaks/{id}/approve-write-off", tag = "reconciliation",
    params(("id" = u64, Path, description = "the break")),
    responses((status = 200, body = Outcome), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn approve_write_off(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<u64>,
) -> Result<(StatusCode, Json<Outcome>), ApiError> {
    answer(execute_or_request(&app, &caller, Command::ApproveWriteOff { id }).await?)
}
