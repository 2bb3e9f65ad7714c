//! Trades: the blotter, a trade's versions, booking, amending and cancelling. A trade that
//! was instructed for settlement is amended or cancelled through an approval request.

use crate::extract::Json;
use crate::extract::{Path, Query};
use axum::extract::{Extension, State};
use axum::http::{HeaderMap, StatusCode};
use kulissi_app::reports::{TradeRef, trade_history, trade_list};
use kulissi_core::engine::{Command, MessageId};
use kulissi_store::ReadOnly;
use serde::Deserialize;
use utoipa::ToSchema;

use super::{Outcome, execute_or_request};
use crate::app::{AppState, Caller};
use crate::paging::{ListQuery, Page, report_items};
use crate::problem::{ApiError, Problem};

/// A trade as the front office sends it (the fields of a trade file line).
#[derive(Debug, Clone, Deserialize, serde::Serialize, ToSchema)]
pub struct TradeRequest {
    /// Source system.
    pub source: String,
    /// The trade's id in the source system.
    pub external_id: String,
    /// Our legal entity (LEI).
    pub legal_entity: String,
    /// Book code.
    pub book: String,
    /// Trader.
    pub trader: String,
    /// Counterparty (LEI).
    pub counterparty: String,
    /// Account code.
    pub account: String,
    /// Instrument (ISIN).
    pub isin: String,
    /// `B` or `S`.
    pub side: String,
    /// Quantity, an exact decimal.
    pub quantity: String,
    /// Price, an exact decimal.
    pub price: String,
    /// Currency (ISO 4217).
    pub currency: String,
    /// Trade date.
    pub trade_date: String,
    /// Execution time (RFC 3339).
    pub trade_time: String,
    /// Venue (MIC).
    pub venue: String,
    /// Settlement date, if not the market's cycle.
    pub settlement_date: Option<String>,
}

/// Why a trade is cancelled.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CancelRequest {
    /// The reason.
    pub reason: String,
}

/// The command of a trade body, read as a trade file's line is (the same checks; errors
/// name the fields).
fn trade_command(t: &TradeRequest, action: &'static str) -> Result<Command, ApiError> {
    let get = |name: &str| -> Option<&str> {
        Some(match name {
            "source" => &t.source,
            "external_id" => &t.external_id,
            "legal_entity" => &t.legal_entity,
            "book" => &t.book,
            "trader" => &t.trader,
            "counterparty" => &t.counterparty,
            "account" => &t.account,
            "isin" => &t.isin,
            "side" => &t.side,
            "quantity" => &t.quantity,
            "price" => &t.price,
            "currency" => &t.currency,
            "trade_date" => &t.trade_date,
            "trade_time" => &t.trade_time,
            "venue" => &t.venue,
            "settlement_date" => return t.settlement_date.as_deref(),
            _ => return None,
        })
    };
    kulissi_formats::trade_from_fields(get, action, "request body").map_err(|errors| {
        ApiError::invalid_body(
            "the body is not a valid trade",
            errors
                .0
                .into_iter()
                .map(|e| crate::problem::FieldError {
                    line: None,
                    field: e.field,
                    message: e.message,
                })
                .collect(),
        )
    })
}

fn idempotency_key(headers: &HeaderMap) -> Result<Option<MessageId>, ApiError> {
    match headers.get("idempotency-key") {
        None => Ok(None),
        Some(v) => {
            let key = v
                .to_str()
                .map_err(|_| ApiError::bad_request("Idempotency-Key must be visible ASCII"))?;
            Ok(Some(MessageId::new(key)))
        }
    }
}

/// Book a trade. Exactly once: the same source and external id again is acknowledged as a
/// duplicate; an `Idempotency-Key` header makes any resubmission safe.
#[utoipa::path(post, path = "/api/v1/trades", tag = "trades", request_body = TradeRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "the sender's idempotency key")),
    responses((status = 201, body = Outcome), (status = 200, body = Outcome, description = "a duplicate"), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn book(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Json(body): Json<TradeRequest>,
) -> Result<(StatusCode, Json<Outcome>), ApiError> {
    let command = trade_command(&body, "book")?;
    let mut envelope = app.envelope(&caller, command);
    if let Some(key) = idempotency_key(&headers)? {
        envelope = envelope.with_message_id(key);
    }
    let receipt = app.submit(envelope).await?.map_err(ApiError::from)?;
    let outcome = Outcome::of(&receipt);
    let status = if receipt.is_duplicate() {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(outcome)))
}

/// The blotter: every trade's current version.
#[utoipa::path(get, path = "/api/v1/trades", tag = "trades", params(ListQuery),
    responses((status = 200, body = Page), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn list(
    State(app): State<AppState>,
    Query(query): Query<ListQuery>,
) -> Result<Json<Page>, ApiError> {
    let max = app.config.max_page;
    let everything = query.filter.is_some() || query.q.is_some() || query.sort.is_some();
    let wanted = usize::try_from(
        query
            .offset
            .unwrap_or(0)
            .saturating_add(query.limit.unwrap_or(100)),
    )
    .unwrap_or(usize::MAX)
    .min(max.saturating_mul(1_000));
    let total = app.read(|s| s.trades.len() as u64).await?;
    let items = app
        .read_store(move |store| {
            let limit = if everything { usize::MAX } else { wanted };
            trade_list(&ReadOnly(store), 0, limit)
                .map(|l| report_items(&l))
                .map_err(|e| ApiError::unavailable(e.to_string()))
        })
        .await?;
    let mut page = query.page(items, max)?;
    if !everything {
        page.total = total;
    }
    Ok(Json(page))
}

/// A trade's versions, oldest first, with the event that made each.
#[utoipa::path(get, path = "/api/v1/trades/{id}", tag = "trades",
    params(("id" = u64, Path, description = "Kulissi's trade id"), ListQuery),
    responses((status = 200, body = Page), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn history(
    State(app): State<AppState>,
    Path(id): Path<u64>,
    Query(query): Query<ListQuery>,
) -> Result<Json<Page>, ApiError> {
    let max = app.config.max_page;
    let items = app
        .read_store(move |store| {
            trade_history(&ReadOnly(store), &TradeRef::Id(id))
                .map(|h| report_items(&h))
                .map_err(|e| ApiError::not_found(e.to_string()))
        })
        .await?;
    Ok(Json(query.page(items, max)?))
}

async fn keys_of(app: &AppState, id: u64) -> Result<(String, String), ApiError> {
    app.read(move |s| {
        s.trades.get(kulissi_core::ids::TradeId(id)).map(|t| {
            (
                t.record.source.to_string(),
                t.record.external_id.to_string(),
            )
        })
    })
    .await?
    .ok_or_else(|| ApiError::not_found(format!("no trade {id}")))
}

/// Amend a trade: its new terms. After settlement instruction, an approval request.
#[utoipa::path(post, path = "/api/v1/trades/{id}/amend", tag = "trades", request_body = TradeRequest,
    params(("id" = u64, Path, description = "Kulissi's trade id")),
    responses((status = 200, body = Outcome), (status = 202, body = Outcome, description = "waits for approval"), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn amend(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<u64>,
    Json(body): Json<TradeRequest>,
) -> Result<(StatusCode, Json<Outcome>), ApiError> {
    let (source, external_id) = keys_of(&app, id).await?;
    if body.source != source || body.external_id != external_id {
        return Err(ApiError::bad_request(format!(
            "trade {id} is {source}/{external_id}; the body names {}/{}",
            body.source, body.external_id
        )));
    }
    let command = trade_command(&body, "amend")?;
    answer(execute_or_request(&app, &caller, command).await?)
}

/// Cancel a trade. After settlement instruction, an approval request.
#[utoipa::path(post, path = "/api/v1/trades/{id}/cancel", tag = "trades", request_body = CancelRequest,
    params(("id" = u64, Path, description = "Kulissi's trade id")),
    responses((status = 200, body = Outcome), (status = 202, body = Outcome, description = "waits for approval"), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn cancel(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<u64>,
    Json(body): Json<CancelRequest>,
) -> Result<(StatusCode, Json<Outcome>), ApiError> {
    let (source, external_id) = keys_of(&app, id).await?;
    let command = Command::CancelTrade {
        source,
        external_id,
        reason: body.reason,
    };
    answer(execute_or_request(&app, &caller, command).await?)
}

/// 202 for a request waiting for approval, 200 otherwise.
pub fn answer(outcome: Outcome) -> Result<(StatusCode, Json<Outcome>), ApiError> {
    let status = if outcome.status == "pending_approval" {
        StatusCode::ACCEPTED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(outcome)))
}
