//! API tokens: issued by a person for themselves (shown once; only the hash is kept),
//! scoped to some of their roles, expiring, revocable by them or by a system administrator.

use crate::extract::Json;
use crate::extract::{Path, Query};
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use jiff::{SignedDuration, Timestamp};
use kulissi_core::controls::commands::ControlCommand;
use kulissi_core::controls::roles::{Permission, Role};
use kulissi_core::engine::Command;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Outcome;
use crate::app::{AppState, Caller};
use crate::auth::{new_token, sha256_hex};
use crate::paging::{ListQuery, Page, to_items};
use crate::problem::{ApiError, Problem};

/// A token, without its secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenDto {
    /// Its id.
    pub id: u64,
    /// The user it acts as.
    pub username: String,
    /// What it is for.
    pub name: String,
    /// Its scope.
    pub roles: Vec<String>,
    /// Expiry.
    pub expires_at: String,
    /// Revoked.
    pub revoked: bool,
}

/// A token asked for.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewToken {
    /// What it is for.
    pub name: String,
    /// Its scope: some of one's roles (all of them if absent).
    pub roles: Option<Vec<String>>,
    /// Days it lives (the server's default if absent; at most 366).
    pub days: Option<u32>,
}

/// A token issued: the secret, shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct IssuedToken {
    /// Its id.
    pub id: u64,
    /// The secret: send it as `Authorization: Bearer ...`. It is not kept and cannot be
    /// shown again.
    pub token: String,
    /// Expiry.
    pub expires_at: String,
}

/// API tokens: one's own, or everyone's with manage_all_tokens.
#[utoipa::path(get, path = "/api/v1/tokens", tag = "tokens", params(ListQuery),
    responses((status = 200, body = Page), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn list(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(query): Query<ListQuery>,
) -> Result<Json<Page>, ApiError> {
    let all = caller.can(Permission::ManageAllTokens);
    let list: Vec<TokenDto> = app
        .directory()
        .tokens
        .values()
        .filter(|t| all || t.username == caller.principal.username)
        .map(|t| TokenDto {
            id: t.id,
            username: t.username.clone(),
            name: t.name.clone(),
            roles: t.roles.iter().map(|r| r.name().to_owned()).collect(),
            expires_at: t.expires_at.to_string(),
            revoked: t.revoked,
        })
        .collect();
    Ok(Json(query.page(to_items(&list), app.config.max_page)?))
}

/// Issue an API token for oneself; the secret is in the answer, once.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "tokens", request_body = NewToken,
    responses((status = 201, body = IssuedToken), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn issue(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Json(body): Json<NewToken>,
) -> Result<(StatusCode, Json<IssuedToken>), ApiError> {
    let roles = match &body.roles {
        None => caller.principal.roles.clone(),
        Some(list) => list
            .iter()
            .map(|r| Role::parse(r).map_err(|e| ApiError::bad_request(format!("$.roles: {e}"))))
            .collect::<Result<_, _>>()?,
    };
    if !roles.is_subset(&caller.principal.roles) {
        return Err(ApiError::forbidden(
            "a token's roles must be some of the caller's roles in force",
        ));
    }
    let days = body.days.unwrap_or(app.config.token_days);
    if days == 0 || days > 366 {
        return Err(ApiError::bad_request("$.days: 1 to 366"));
    }
    let expires_at = Timestamp::now()
        .checked_add(SignedDuration::from_hours(i64::from(days) * 24))
        .map_err(|e| ApiError::bad_request(e.to_string()))?;
    let token = new_token().map_err(|e| ApiError::unavailable(e.to_string()))?;
    let hash = sha256_hex(&token);
    let command = Command::Control(ControlCommand::IssueApiToken {
        username: caller.principal.username.clone(),
        name: body.name,
        hash: hash.clone(),
        roles,
        expires_at,
    });
    app.execute(app.envelope(&caller, command)).await?;
    let id = app
        .directory()
        .tokens
        .values()
        .find(|t| t.hash == hash)
        .map_or(0, |t| t.id);
    Ok((
        StatusCode::CREATED,
        Json(IssuedToken {
            id,
            token,
            expires_at: expires_at.to_string(),
        }),
    ))
}

/// Revoke a token: it stops working at once.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "tokens",
    params(("id" = u64, Path, description = "the token")),
    responses((status = 200, body = Outcome), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn revoke(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<u64>,
) -> Result<Json<Outcome>, ApiError> {
    let owner = app
        .directory()
        .tokens
        .get(&id)
        .map(|t| t.username.clone())
        .ok_or_else(|| ApiError::not_found(format!("no token {id}")))?;
    if owner != caller.principal.username && !caller.can(Permission::ManageAllTokens) {
        return Err(ApiError::forbidden(format!(
            "token {id} is {owner}'s; revoking another's token needs manage_all_tokens"
        )));
    }
    let receipt = app
        .execute(app.envelope(
            &caller,
            Command::Control(ControlCommand::RevokeApiToken { id }),
        ))
        .await?;
    Ok(Json(Outcome {
        status: "done".into(),
        trade_id: None,
        request_id: None,
        events: receipt.seqs.collect(),
    }))
}
