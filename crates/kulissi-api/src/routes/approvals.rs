//! The approvals inbox: requests waiting for a second person, approving (the command runs
//! then, once) and rejecting them, and the policy of which kinds need one.

use std::collections::BTreeSet;

use crate::extract::Json;
use crate::extract::{Path, Query};
use axum::extract::{Extension, State};
use jiff::Timestamp;
use kulissi_core::controls::approvals::{ApprovalKind, ApprovalRequest, RequestStatus};
use kulissi_core::controls::commands::ControlCommand;
use kulissi_core::engine::Command;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::{Outcome, command_of, object};
use crate::app::{AppState, Caller};
use crate::paging::{ListQuery, Page, to_items};
use crate::problem::{ApiError, Problem};

/// An approval request.
#[derive(Debug, Serialize, ToSchema)]
pub struct Approval {
    /// Its id.
    pub id: u64,
    /// Its kind.
    pub kind: String,
    /// pending, expired, approved or rejected.
    pub status: String,
    /// The maker.
    pub maker: String,
    /// When it was asked.
    pub requested_at: String,
    /// When it lapses.
    pub expires_at: String,
    /// The checker, once decided.
    pub checker: Option<String>,
    /// When it was decided.
    pub decided_at: Option<String>,
    /// Why it was rejected.
    pub reason: Option<String>,
    /// The command, as its message line.
    #[schema(value_type = Object)]
    pub command: Value,
}

/// A request as the inbox shows it.
pub fn approval(r: &ApprovalRequest, now: Timestamp) -> Approval {
    let (checker, decided_at, reason) = match &r.status {
        RequestStatus::Pending => (None, None, None),
        RequestStatus::Approved { checker, at } => {
            (Some(checker.clone()), Some(at.to_string()), None)
        }
        RequestStatus::Rejected {
            checker,
            at,
            reason,
        } => (
            Some(checker.clone()),
            Some(at.to_string()),
            Some(reason.clone()),
        ),
    };
    Approval {
        id: r.id,
        kind: r.kind.name().to_owned(),
        status: r.status_name(now).to_owned(),
        maker: r.maker.clone(),
        requested_at: r.requested_at.to_string(),
        expires_at: r.expires_at.to_string(),
        checker,
        decided_at,
        reason,
        command: serde_json::from_str(&r.payload).unwrap_or(Value::Null),
    }
}

/// Approval requests, newest first unless sorted otherwise.
#[utoipa::path(get, path = "/api/v1/approvals", tag = "approvals", params(ListQuery),
    responses((status = 200, body = Page), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn list(
    State(app): State<AppState>,
    Query(query): Query<ListQuery>,
) -> Result<Json<Page>, ApiError> {
    let now = Timestamp::now();
    let items = app
        .read(move |s| {
            let all: Vec<Approval> = s
                .controls
                .approvals
                .requests
                .values()
                .rev()
                .map(|r| approval(r, now))
                .collect();
            to_items(&all)
        })
        .await?;
    Ok(Json(query.page(items, app.config.max_page)?))
}

async fn request(app: &AppState, id: u64) -> Result<ApprovalRequest, ApiError> {
    app.read(move |s| s.controls.approvals.requests.get(&id).cloned())
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no approval request {id}")))
}

/// One approval request.
#[utoipa::path(get, path = "/api/v1/approvals/{id}", tag = "approvals",
    params(("id" = u64, Path, description = "the request")),
    responses((status = 200, body = Approval), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn get(
    State(app): State<AppState>,
    Path(id): Path<u64>,
) -> Result<Json<Approval>, ApiError> {
    Ok(Json(approval(&request(&app, id).await?, Timestamp::now())))
}

/// Approve a request: its command executes now, once, with both people in the log. The
/// checker must not be the maker, must be of a department that checks the kind and hold
/// its approval permission.
#[utoipa::path(post, path = "/api/v1/approvals/{id}/approve", tag = "approvals",
    params(("id" = u64, Path, description = "the request")),
    responses((status = 200, body = Outcome), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn approve(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<u64>,
) -> Result<Json<Outcome>, ApiError> {
    approve_request(&app, &caller, id).await.map(Json)
}

/// Approves request `id` as `caller`: its command, read back from the request, runs now.
/// The API's approval and the workbench's both come here.
pub async fn approve_request(
    app: &AppState,
    caller: &Caller,
    id: u64,
) -> Result<Outcome, ApiError> {
    let r = request(app, id).await?;
    let payload: Value = serde_json::from_str(&r.payload).map_err(|e| {
        ApiError::unprocessable(format!("request {id}'s command cannot be read: {e}"))
    })?;
    let (command, _) = command_of(object(payload)?)?;
    let approval = Command::Control(ControlCommand::ApproveRequest {
        id,
        command: Box::new(command),
    });
    let receipt = app
        .submit(app.envelope(caller, approval))
        .await?
        .map_err(ApiError::from)?;
    app.refresh_directory().await?;
    Ok(Outcome {
        status: "done".into(),
        trade_id: receipt.trade_id.map(|t| t.0),
        request_id: Some(id),
        events: receipt.seqs.collect(),
    })
}

/// A rejection's reason.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RejectRequest {
    /// Why.
    pub reason: String,
}

/// Reject a request, with a reason. Nothing of its command happens.
#[utoipa::path(post, path = "/api/v1/approvals/{id}/reject", tag = "approvals", request_body = RejectRequest,
    params(("id" = u64, Path, description = "the request")),
    responses((status = 200, body = Outcome), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn reject(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<u64>,
    Json(body): Json<RejectRequest>,
) -> Result<Json<Outcome>, ApiError> {
    let command = Command::Control(ControlCommand::RejectRequest {
        id,
        reason: body.reason,
    });
    let receipt = app
        .submit(app.envelope(&caller, command))
        .await?
        .map_err(ApiError::from)?;
    Ok(Json(Outcome {
        status: "rejected".into(),
        trade_id: None,
        request_id: Some(id),
        events: receipt.seqs.collect(),
    }))
}

/// The approval policy: the kinds that need a second person.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Policy {
    /// reference_data, ssi, trade_after_instruction, role_change, limit, period_close,
    /// manual_journal, write_off.
    pub kinds: Vec<String>,
}

/// Which kinds need a second person.
#[utoipa::path(get, path = "/api/v1/approval-policy", tag = "approvals",
    responses((status = 200, body = Policy), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn policy(State(app): State<AppState>) -> Result<Json<Policy>, ApiError> {
    let kinds = app
        .read(|s| {
            s.controls
                .approvals
                .policy
                .iter()
                .map(|k| k.name().to_owned())
                .collect()
        })
        .await?;
    Ok(Json(Policy { kinds }))
}

/// Set which kinds need a second person.
#[utoipa::path(put, path = "/api/v1/approval-policy", tag = "approvals", request_body = Policy,
    responses((status = 200, body = Outcome), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn set_policy(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Json(body): Json<Policy>,
) -> Result<Json<Outcome>, ApiError> {
    let kinds = body
        .kinds
        .iter()
        .map(|k| ApprovalKind::parse(k).map_err(|e| ApiError::bad_request(format!("$.kinds: {e}"))))
        .collect::<Result<BTreeSet<_>, _>>()?;
    let command = Command::Control(ControlCommand::SetApprovalPolicy { kinds });
    Ok(Json(
        super::execute_or_request(&app, &caller, command).await?,
    ))
}
