//! The reports a person drills into: an account's entries down to the event and trade,
//! the corporate actions announced, a day's net settlement obligations, and resolving a
//! settlement exception.

use axum::extract::{Extension, State};
use axum::http::StatusCode;
use jiff::civil::Date;
use kulissi_app::reports::{
    AccountStatementQuery, DateBasis, account_statement, corporate_actions, netting,
};
use kulissi_core::engine::Command;
use kulissi_store::ReadOnly;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::trades::answer;
use super::{Outcome, execute_or_request, optional_date, optional_lei};
use crate::app::{AppState, Caller};
use crate::extract::{Json, Path, Query};
use crate::paging::{ListQuery, Page, report_items};
use crate::problem::{ApiError, Problem};

/// An account statement's period.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatementQuery {
    /// First date (default: 1 January of the last date's year).
    pub from: Option<String>,
    /// Last date (default: the business date).
    pub to: Option<String>,
    /// Only this legal entity's books (LEI).
    pub legal_entity: Option<String>,
}

/// One account's entries between two dates: opening balance, each entry with its event
/// (`/api/v1/audit/events?after=`) and trade (`/api/v1/trades/{id}`), closing balance.
#[utoipa::path(get, path = "/api/v1/ledger/accounts/{account}/statement", tag = "ledger",
    params(("account" = u16, Path, description = "the account code (1100, 4100, ...)"), StatementQuery, ListQuery),
    responses((status = 200, body = Page), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a report the ledger can make"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn statement(
    State(app): State<AppState>,
    Path(account): Path<u16>,
    Query(period): Query<StatementQuery>,
    Query(query): Query<ListQuery>,
) -> Result<Json<Page>, ApiError> {
    let to = optional_date("to", period.to.as_deref())?.unwrap_or_else(|| app.business_date());
    let from = optional_date("from", period.from.as_deref())?
        .unwrap_or_else(|| Date::new(to.year(), 1, 1).unwrap_or(to));
    let legal_entity = optional_lei(period.legal_entity.as_deref())?;
    let q = AccountStatementQuery {
        account,
        from,
        to,
        basis: DateBasis::default(),
        legal_entity,
    };
    let items = app
        .read_store(move |store| {
            account_statement(&ReadOnly(store), &q)
                .map(|r| report_items(&r))
                .map_err(|e| ApiError::unprocessable(e.to_string()))
        })
        .await?;
    Ok(Json(query.page(items, app.config.max_page)?))
}

/// Corporate actions announced, and their status.
#[utoipa::path(get, path = "/api/v1/corporate-actions", tag = "positions", params(ListQuery),
    responses((status = 200, body = Page), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn corporate(
    State(app): State<AppState>,
    Query(query): Query<ListQuery>,
) -> Result<Json<Page>, ApiError> {
    let items = app.read(|s| report_items(&corporate_actions(s))).await?;
    Ok(Json(query.page(items, app.config.max_page)?))
}

/// A settlement date.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NettingQuery {
    /// The intended settlement date (default: the business date).
    pub date: Option<String>,
}

/// A day's settlement obligations, net and gross, by counterparty and instrument.
#[utoipa::path(get, path = "/api/v1/settlement/netting", tag = "settlement", params(NettingQuery, ListQuery),
    responses((status = 200, body = Page), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn net(
    State(app): State<AppState>,
    Query(on): Query<NettingQuery>,
    Query(query): Query<ListQuery>,
) -> Result<Json<Page>, ApiError> {
    let date = optional_date("date", on.date.as_deref())?.unwrap_or_else(|| app.business_date());
    let items = app.read(move |s| report_items(&netting(s, date))).await?;
    Ok(Json(query.page(items, app.config.max_page)?))
}

/// How an exception was resolved.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Resolution {
    /// What was done.
    pub resolution: String,
}

/// Resolve a settlement exception.
#[utoipa::path(post, path = "/api/v1/settlement/exceptions/{id}/resolve", tag = "settlement", request_body = Resolution,
    params(("id" = u64, Path, description = "the exception")),
    responses((status = 200, body = Outcome), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn resolve_exception(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<u64>,
    Json(body): Json<Resolution>,
) -> Result<(StatusCode, Json<Outcome>), ApiError> {
    let command = Command::ResolveSettlementException {
        id,
        resolution: body.resolution,
    };
    answer(execute_or_request(&app, &caller, command).await?)
}
