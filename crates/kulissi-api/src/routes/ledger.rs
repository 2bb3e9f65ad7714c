//! Positions, cash, the ledger's reports, manual journals, period close and the end of day.

use crate::extract::Json;
use crate::extract::{Path, Query};
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use jiff::civil::Date;
use kulissi_app::reports::{
    DateBasis, TrialBalanceQuery, balance_sheet, cash_balances, income_statement, positions_as_of,
    trial_balance,
};
use kulissi_core::engine::{Command, end_of_day_steps};
use kulissi_core::identifiers::Currency;
use kulissi_store::ReadOnly;
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::trades::answer;
use super::{Outcome, execute_or_request, optional_date, optional_lei};
use crate::app::{AppState, Caller};
use crate::paging::{ListQuery, Page, report_items};
use crate::problem::{ApiError, Problem};

/// Report parameters: a date, a legal entity.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// As of this date (`YYYY-MM-DD`; default: as the log stands, or today for positions).
    pub as_of: Option<String>,
    /// From this date (the income statement).
    pub from: Option<String>,
    /// Only this legal entity's books (LEI).
    pub legal_entity: Option<String>,
}

fn report_error(e: impl std::fmt::Display) -> ApiError {
    ApiError::unprocessable(e.to_string())
}

/// Positions by book and instrument as of a date (default today).
#[utoipa::path(get, path = "/api/v1/positions", tag = "positions", params(ReportQuery, ListQuery),
    responses((status = 200, body = Page), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn positions(
    State(app): State<AppState>,
    Query(report): Query<ReportQuery>,
    Query(query): Query<ListQuery>,
) -> Result<Json<Page>, ApiError> {
    let as_of =
        optional_date("as_of", report.as_of.as_deref())?.unwrap_or_else(|| app.business_date());
    let items = app
        .read_store(move |store| {
            positions_as_of(&ReadOnly(store), as_of)
                .map(|r| report_items(&r))
                .map_err(report_error)
        })
        .await?;
    Ok(Json(query.page(items, app.config.max_page)?))
}

/// Cash balances by account and currency.
#[utoipa::path(get, path = "/api/v1/cash", tag = "positions", params(ListQuery),
    responses((status = 200, body = Page), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn cash(
    State(app): State<AppState>,
    Query(query): Query<ListQuery>,
) -> Result<Json<Page>, ApiError> {
    let items = app.read(|s| report_items(&cash_balances(s))).await?;
    Ok(Json(query.page(items, app.config.max_page)?))
}

/// The trial balance, by account and currency.
#[utoipa::path(get, path = "/api/v1/ledger/trial-balance", tag = "ledger", params(ReportQuery, ListQuery),
    responses((status = 200, body = Page), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn trial(
    State(app): State<AppState>,
    Query(report): Query<ReportQuery>,
    Query(query): Query<ListQuery>,
) -> Result<Json<Page>, ApiError> {
    let q = TrialBalanceQuery {
        as_of: optional_date("as_of", report.as_of.as_deref())?,
        basis: DateBasis::default(),
        legal_entity: optional_lei(report.legal_entity.as_deref())?,
    };
    let items = app
        .read_store(move |store| {
            trial_balance(&ReadOnly(store), &q)
                .map(|r| report_items(&r))
                .map_err(report_error)
        })
        .await?;
    Ok(Json(query.page(items, app.config.max_page)?))
}

/// The balance sheet.
#[utoipa::path(get, path = "/api/v1/ledger/balance-sheet", tag = "ledger", params(ReportQuery, ListQuery),
    responses((status = 200, body = Page), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn balance(
    State(app): State<AppState>,
    Query(report): Query<ReportQuery>,
    Query(query): Query<ListQuery>,
) -> Result<Json<Page>, ApiError> {
    let as_of = optional_date("as_of", report.as_of.as_deref())?;
    let entity = optional_lei(report.legal_entity.as_deref())?;
    let items = app
        .read_store(move |store| {
            balance_sheet(&ReadOnly(store), as_of, DateBasis::default(), entity)
                .map(|r| report_items(&r))
                .map_err(report_error)
        })
        .await?;
    Ok(Json(query.page(items, app.config.max_page)?))
}

/// The income statement between two dates (default: the year to date).
#[utoipa::path(get, path = "/api/v1/ledger/income-statement", tag = "ledger", params(ReportQuery, ListQuery),
    responses((status = 200, body = Page), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn income(
    State(app): State<AppState>,
    Query(report): Query<ReportQuery>,
    Query(query): Query<ListQuery>,
) -> Result<Json<Page>, ApiError> {
    let to =
        optional_date("as_of", report.as_of.as_deref())?.unwrap_or_else(|| app.business_date());
    let from = optional_date("from", report.from.as_deref())?
        .unwrap_or_else(|| Date::new(to.year(), 1, 1).unwrap_or(to));
    let entity = optional_lei(report.legal_entity.as_deref())?;
    let items = app
        .read_store(move |store| {
            income_statement(&ReadOnly(store), from, to, DateBasis::default(), entity)
                .map(|r| report_items(&r))
                .map_err(report_error)
        })
        .await?;
    Ok(Json(query.page(items, app.config.max_page)?))
}

/// A manual journal entry proposed.
#[derive(Debug, Deserialize, ToSchema)]
pub struct JournalRequest {
    /// The maker's reference (its idempotency key).
    pub reference: String,
    /// Legal entity (LEI).
    pub legal_entity: String,
    /// Effective date.
    pub effective_date: String,
    /// What it is for.
    pub description: String,
    /// Lines: account, currency, amount (debit positive); balanced per currency.
    pub lines: Vec<JournalLine>,
}

/// One line of a manual entry.
#[derive(Debug, Deserialize, ToSchema)]
pub struct JournalLine {
    /// Account code.
    pub account: u16,
    /// Currency.
    pub currency: String,
    /// Amount, an exact decimal: debit positive, credit negative.
    pub amount: String,
}

/// Propose a manual journal entry; a second person of finance approves it.
#[utoipa::path(post, path = "/api/v1/ledger/journal-entries", tag = "ledger", request_body = JournalRequest,
    responses((status = 200, body = Outcome), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn propose(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Json(body): Json<JournalRequest>,
) -> Result<(StatusCode, Json<Outcome>), ApiError> {
    let legal_entity = optional_lei(Some(&body.legal_entity))?
        .ok_or_else(|| ApiError::bad_request("legal_entity: required"))?;
    let effective_date = optional_date("effective_date", Some(&body.effective_date))?
        .ok_or_else(|| ApiError::bad_request("effective_date: required"))?;
    let mut lines = Vec::new();
    for (i, l) in body.lines.iter().enumerate() {
        let currency: Currency = l
            .currency
            .parse()
            .map_err(|e| ApiError::bad_request(format!("$.lines[{i}].currency: {e}")))?;
        let amount: Decimal = l.amount.parse().map_err(|_| {
            ApiError::bad_request(format!(
                "$.lines[{i}].amount: expected an exact decimal, found '{}'",
                l.amount
            ))
        })?;
        lines.push((l.account, currency, amount));
    }
    let command = Command::ProposeJournalEntry {
        reference: body.reference,
        legal_entity,
        effective_date,
        description: body.description,
        lines,
    };
    answer(execute_or_request(&app, &caller, command).await?)
}

/// Approve a manual journal entry (a person of finance other than its maker).
#[utoipa::path(post, path = "/api/v1/ledger/journal-entries/{reference}/approve", tag = "ledger",
    params(("reference" = String, Path, description = "the entry's reference")),
    responses((status = 200, body = Outcome), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn approve_journal(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(reference): Path<String>,
) -> Result<(StatusCode, Json<Outcome>), ApiError> {
    answer(execute_or_request(&app, &caller, Command::ApproveJournalEntry { reference }).await?)
}

/// A period close asked for.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PeriodCloseRequest {
    /// Legal entity (LEI).
    pub legal_entity: String,
    /// The last date closed.
    pub through: String,
}

/// Request a period close (approved by a second person of finance).
#[utoipa::path(post, path = "/api/v1/ledger/period-close", tag = "ledger", request_body = PeriodCloseRequest,
    responses((status = 202, body = Outcome), (status = 200, body = Outcome), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn close_period(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Json(body): Json<PeriodCloseRequest>,
) -> Result<(StatusCode, Json<Outcome>), ApiError> {
    let command = Command::ClosePeriod {
        legal_entity: optional_lei(Some(&body.legal_entity))?
            .ok_or_else(|| ApiError::bad_request("legal_entity: required"))?,
        through: optional_date("through", Some(&body.through))?
            .ok_or_else(|| ApiError::bad_request("through: required"))?,
    };
    answer(execute_or_request(&app, &caller, command).await?)
}

/// An end of day asked for.
#[derive(Debug, Deserialize, ToSchema)]
pub struct EndOfDayRequest {
    /// Legal entity (LEI).
    pub legal_entity: String,
    /// The business date.
    pub date: String,
}

/// Run a legal entity's end of day: asset servicing, settlement penalties, then marks,
/// accruals and revaluation, each exactly once.
#[utoipa::path(post, path = "/api/v1/end-of-day", tag = "end of day", request_body = EndOfDayRequest,
    responses((status = 200, body = [Outcome]), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn end_of_day(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Json(body): Json<EndOfDayRequest>,
) -> Result<Json<Vec<Outcome>>, ApiError> {
    let entity = optional_lei(Some(&body.legal_entity))?
        .ok_or_else(|| ApiError::bad_request("legal_entity: required"))?;
    let day = optional_date("date", Some(&body.date))?
        .ok_or_else(|| ApiError::bad_request("date: required"))?;
    let mut outcomes = Vec::new();
    for step in end_of_day_steps(entity, day) {
        outcomes.push(execute_or_request(&app, &caller, step).await?);
    }
    Ok(Json(outcomes))
}
