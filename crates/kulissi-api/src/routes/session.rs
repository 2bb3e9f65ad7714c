//! Signing in and out, who am I, and the unauthenticated probes (`/health`, `/ready`,
//! `/metrics`).

use std::net::SocketAddr;

use crate::extract::Json;
use axum::extract::connect_info::ConnectInfo;
use axum::extract::{Extension, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::{AppState, Caller, SESSION_COOKIE};
use crate::problem::{ApiError, Problem};

/// A sign-in.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Login {
    /// Login name.
    pub username: String,
    /// Password.
    pub password: String,
}

/// A session opened.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionOpened {
    /// Login name.
    pub username: String,
    /// Echo it in `X-CSRF-Token` on every state-changing request of this session.
    pub csrf_token: String,
}

/// Who the caller is.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    /// Login name.
    pub username: String,
    /// Department.
    pub department: String,
    /// Roles in force (a token's scope narrows its user's).
    pub roles: Vec<String>,
    /// Permissions those roles hold.
    pub permissions: Vec<String>,
}

/// Sign in with a user name and password: a session cookie (HttpOnly, SameSite=Strict) and
/// the session's CSRF token. Failed attempts are throttled per user and per address.
#[utoipa::path(post, path = "/api/v1/login", tag = "session", request_body = Login,
    responses((status = 200, body = SessionOpened), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")))]
pub async fn login(
    State(app): State<AppState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    Json(body): Json<Login>,
) -> Result<Response, ApiError> {
    let address = peer.map_or_else(
        || "unknown".to_owned(),
        |Extension(ConnectInfo(a))| a.ip().to_string(),
    );
    let (set_cookie, csrf) = sign_in(&app, &body.username, body.password, &address).await?;
    let mut headers = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(&set_cookie) {
        headers.insert(header::SET_COOKIE, v);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok((
        headers,
        Json(SessionOpened {
            username: body.username,
            csrf_token: csrf,
        }),
    )
        .into_response())
}

/// Checks a user's password (throttled per user and address; an unknown user costs the same
/// as a wrong password) and opens a session: the `Set-Cookie` value and the CSRF token.
/// The API's login and the workbench's sign-in page both come here.
pub async fn sign_in(
    app: &AppState,
    username: &str,
    password: String,
    address: &str,
) -> Result<(String, String), ApiError> {
    let user_key = format!("user:{username}");
    let keys = [user_key.clone(), format!("addr:{address}")];
    if let Some(wait) = app.throttle.blocked(&keys) {
        tracing::warn!(user = %username, %address, "login throttled");
        return Err(ApiError::throttled(wait));
    }
    let hash = app
        .directory()
        .active_user(username)
        .map(|(u, _)| u.password_hash.clone());
    let passwords = app.passwords.clone();
    // A missing user costs the same as a wrong password: hash against a dummy.
    let ok = tokio::task::spawn_blocking(move || match hash {
        Some(hash) => passwords.verify(&password, &hash),
        None => {
            let _ = passwords.verify(&password, DUMMY);
            false
        }
    })
    .await
    .unwrap_or(false);
    if !ok {
        app.throttle.fail(&keys);
        tracing::warn!(user = %username, %address, "login failed");
        return Err(ApiError::bad_credentials());
    }
    app.throttle.succeed(&user_key);
    let (cookie, csrf) = app
        .sessions
        .open(username)
        .map_err(|e| ApiError::unavailable(e.to_string()))?;
    tracing::info!(user = %username, %address, "signed in");
    let secure = if app.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let set_cookie = format!(
        "{SESSION_COOKIE}={cookie}; HttpOnly; SameSite=Strict; Path=/{secure}; Max-Age={}",
        u64::from(app.config.session_idle_minutes) * 60
    );
    Ok((set_cookie, csrf))
}

/// An Argon2id hash of nothing anyone knows, so that an unknown user costs one verification.
const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$J1dqIuQqTCS+OGW4ljWlHRUaHA3dhI3cpdFQD5lRHmg";

/// Sign out: the session ends.
#[utoipa::path(post, path = "/api/v1/logout", tag = "session",
    responses((status = 204), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")), security(("bearer" = []), ("session" = [])))]
pub async fn logout(State(app): State<AppState>, Extension(caller): Extension<Caller>) -> Response {
    if let Some(cookie) = &caller.session {
        app.sessions.close(cookie);
    }
    let mut headers = HeaderMap::new();
    headers.insert(
        header::SET_COOKIE,
        HeaderValue::from_static("kulissi_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"),
    );
    (StatusCode::NO_CONTENT, headers).into_response()
}

/// Who am I.
#[utoipa::path(get, path = "/api/v1/me", tag = "session",
    responses((status = 200, body = Me), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")), security(("bearer" = []), ("session" = [])))]
pub async fn me(Extension(caller): Extension<Caller>) -> Json<Me> {
    let p = &caller.principal;
    Json(Me {
        username: p.username.clone(),
        department: p.department.name().to_owned(),
        roles: p.roles.iter().map(|r| r.name().to_owned()).collect(),
        permissions: kulissi_core::controls::roles::GRANTS
            .iter()
            .filter(|(perm, _, _)| caller.can(*perm))
            .map(|(perm, _, _)| perm.name())
            .collect(),
    })
}

/// Health: the process answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok`.
    pub status: String,
}

/// The process is up.
#[utoipa::path(get, path = "/health", tag = "operations", responses((status = 200, body = Health)))]
pub async fn health() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
    })
}

/// Readiness: the writer answers, with the log's length.
#[derive(Debug, Serialize, ToSchema)]
pub struct Ready {
    /// `ready`.
    pub status: String,
    /// Trades in the book.
    pub trades: u64,
}

/// The writer answers.
#[utoipa::path(get, path = "/ready", tag = "operations",
    responses((status = 200, body = Ready), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")))]
pub async fn ready(State(app): State<AppState>) -> Result<Json<Ready>, ApiError> {
    let trades = app.read(|s| s.trades.len() as u64).await?;
    Ok(Json(Ready {
        status: "ready".into(),
        trades,
    }))
}

/// Prometheus metrics (text exposition format).
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, content_type = "text/plain", body = String)))]
pub async fn metrics(State(app): State<AppState>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        app.metrics.render(),
    )
        .into_response()
}
