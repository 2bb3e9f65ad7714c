//! Reference data: read by kind; changes (reference data and SSIs) go through approval.

use crate::extract::Json;
use crate::extract::{Path, Query};
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use serde_json::{Value, json};

use super::trades::answer;
use super::{Outcome, command_of, execute_or_request, object};
use crate::app::{AppState, Caller};
use crate::paging::{ListQuery, Page};
use crate::problem::{ApiError, Problem};
use kulissi_core::engine::State as EngineState;
use kulissi_core::refdata::InstrumentKind;

/// The message-line types a reference-data change may have.
pub const CHANGES: [&str; 9] = [
    "legal_entity",
    "counterparty",
    "instrument",
    "book",
    "account",
    "ssi",
    "fee_schedule",
    "ledger_account",
    "netting_set",
];

/// The kinds of reference data.
pub const KINDS: [&str; 6] = [
    "legal-entities",
    "counterparties",
    "instruments",
    "books",
    "accounts",
    "ssis",
];

/// The reference data of a kind (one of [`KINDS`]) as JSON objects.
pub fn items(state: &EngineState, kind: &str) -> Option<Vec<Value>> {
    let r = &state.refdata;
    let lei_of = |id| {
        r.legal_entities
            .get(id)
            .map_or_else(String::new, |e| e.lei.to_string())
    };
    Some(match kind {
        "legal-entities" => r
            .legal_entities
            .iter()
            .map(|(id, e)| json!({"id": id.0, "lei": e.lei.to_string(), "name": e.name, "reporting_currency": e.reporting_currency.to_string()}))
            .collect(),
        "counterparties" => r
            .counterparties
            .iter()
            .map(|(id, c)| json!({"id": id.0, "lei": c.lei.to_string(), "name": c.name, "bic": c.bic.to_string(), "role": c.role.code()}))
            .collect(),
        "instruments" => r
            .instruments
            .iter()
            .map(|(id, i)| {
                let kind = match i.kind {
                    InstrumentKind::Equity => "equity",
                    InstrumentKind::Bond(_) => "bond",
                    InstrumentKind::Fund => "fund",
                };
                json!({"id": id.0, "isin": i.isin.to_string(), "name": i.name, "kind": kind, "currency": i.currency.to_string(), "market": i.market.to_string()})
            })
            .collect(),
        "books" => r
            .books
            .iter()
            .map(|(id, b)| json!({"id": id.0, "code": b.code, "legal_entity": lei_of(b.legal_entity), "desk": b.desk, "trader": b.trader, "cost_method": b.cost_method.code()}))
            .collect(),
        "accounts" => r
            .accounts
            .iter()
            .map(|(id, a)| json!({"id": id.0, "code": a.code, "legal_entity": lei_of(a.legal_entity), "owner": a.owner.code(), "custodian": a.custodian.to_string(), "safekeeping_account": a.safekeeping_account, "cash_account": a.cash_account}))
            .collect(),
        "ssis" => r
            .ssis
            .iter()
            .map(|(id, s)| {
                let counterparty = s
                    .key
                    .counterparty
                    .and_then(|c| r.counterparties.get(c))
                    .map(|c| c.lei.to_string());
                json!({"id": id.0, "counterparty": counterparty, "market": s.key.market.to_string(), "currency": s.key.currency.to_string(), "instrument_type": s.key.instrument_type.code(), "valid_from": s.valid_from.to_string(), "place_of_settlement": s.place_of_settlement.to_string(), "agent": s.agent.to_string(), "safekeeping_account": s.safekeeping_account, "cash_account": s.cash_account})
            })
            .collect(),
        _ => return None,
    })
}

/// Reference data of one kind: `legal-entities`, `counterparties`, `instruments`, `books`,
/// `accounts` or `ssis`.
#[utoipa::path(get, path = "/api/v1/reference-data/{kind}", tag = "reference data",
    params(("kind" = String, Path, description = "legal-entities, counterparties, instruments, books, accounts or ssis"), ListQuery),
    responses((status = 200, body = Page), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn list(
    State(app): State<AppState>,
    Path(kind): Path<String>,
    Query(query): Query<ListQuery>,
) -> Result<Json<Page>, ApiError> {
    let max = app.config.max_page;
    let wanted = kind.clone();
    let found = app.read(move |s| items(s, &wanted)).await?;
    let items = found.ok_or_else(|| {
        ApiError::not_found(format!(
            "no reference data '{kind}': expected one of {}",
            KINDS.join(", ")
        ))
    })?;
    Ok(Json(query.page(items, max)?))
}

/// Request a reference-data or SSI change: a message line's object (`{"type":"ssi", ...}`,
/// see the message files). It waits for a second person unless the approval policy says
/// otherwise.
#[utoipa::path(post, path = "/api/v1/reference-data", tag = "reference data",
    request_body(content = Object, description = "a reference-data message line: type legal_entity, counterparty, instrument, book, account, ssi, fee_schedule, ledger_account or netting_set, and its fields"),
    responses((status = 202, body = Outcome), (status = 200, body = Outcome), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn change(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Json(body): Json<Value>,
) -> Result<(StatusCode, Json<Outcome>), ApiError> {
    let body = object(body)?;
    let kind = body.get("type").and_then(Value::as_str).unwrap_or("");
    if !CHANGES.contains(&kind) {
        return Err(ApiError::bad_request(format!(
            "$.type: expected one of {}, found '{kind}'",
            CHANGES.join(", ")
        )));
    }
    let (command, _) = command_of(body)?;
    answer(execute_or_request(&app, &caller, command).await?)
}
