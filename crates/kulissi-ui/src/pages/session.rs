//! Signing in and out of the workbench: the sign-in page (a form; failures throttled as the
//! API's login is, since both go through `kulissi_api::routes::session::sign_in`) and
//! signing out.

use std::net::SocketAddr;

use askama::Template;
use axum::Form;
use axum::extract::connect_info::ConnectInfo;
use axum::extract::{Extension, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use kulissi_api::app::Caller;
use serde::Deserialize;

use crate::Ui;
use crate::views::render;

/// The sign-in page.
#[derive(Debug, Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    /// Where to go after.
    pub next: String,
    /// Why the last attempt failed.
    pub error: Option<String>,
    /// The user name tried.
    pub username: String,
    /// The assets' version.
    pub version: &'static str,
}

/// The page to go to after signing in.
#[derive(Debug, Deserialize)]
pub struct Next {
    /// A path on this server.
    pub next: Option<String>,
}

/// A sign-in form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    /// User name.
    pub username: String,
    /// Password.
    pub password: String,
    /// Where to go after.
    pub next: Option<String>,
}

/// Only paths on this server (never `//host` or `https://...`).
fn local(next: Option<String>) -> String {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\'))
        .unwrap_or_else(|| "/".to_owned())
}

/// The sign-in page.
pub async fn login_page(Query(q): Query<Next>) -> Response {
    render(&LoginPage {
        next: local(q.next),
        error: None,
        username: String::new(),
        version: crate::assets::VERSION,
    })
}

/// Whether a form was posted from another site: its `Origin` names a host other than the
/// one it was sent to (no `Origin`, as from older clients, is let through; the session
/// cookie is SameSite=Strict anyway).
fn cross_site(headers: &HeaderMap) -> bool {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    match headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) {
        None => false,
        Some(origin) => {
            let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
            Some(origin_host) != host
        }
    }
}

/// Signs in: the session cookie, then the page asked for. A sign-in posted from another
/// site is refused (login CSRF).
pub async fn login(
    State(ui): State<Ui>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    if cross_site(&headers) {
        let mut response = render(&LoginPage {
            next: "/".to_owned(),
            error: Some("A sign-in from another site is refused.".to_owned()),
            username: String::new(),
            version: crate::assets::VERSION,
        });
        *response.status_mut() = StatusCode::FORBIDDEN;
        return response;
    }
    let address = peer.map_or_else(
        || "unknown".to_owned(),
        |Extension(ConnectInfo(a))| a.ip().to_string(),
    );
    let next = local(form.next);
    match kulissi_api::routes::session::sign_in(&ui.app, &form.username, form.password, &address)
        .await
    {
        Ok((cookie, _csrf)) => {
            let mut response = Redirect::to(&next).into_response();
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                response.headers_mut().insert(header::SET_COOKIE, v);
            }
            response
        }
        Err(e) => {
            let status = e.status();
            let error = if status == StatusCode::TOO_MANY_REQUESTS {
                "Too many failed attempts: wait a few minutes and try again.".to_owned()
            } else {
                "The user name or password is not right.".to_owned()
            };
            let mut response = render(&LoginPage {
                next,
                error: Some(error),
                username: form.username,
                version: crate::assets::VERSION,
            });
            *response.status_mut() = status;
            response
        }
    }
}

/// Signs out.
pub async fn logout(State(ui): State<Ui>, Extension(caller): Extension<Caller>) -> Response {
    if let Some(cookie) = &caller.session {
        ui.app.sessions.close(cookie);
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::SET_COOKIE,
        HeaderValue::from_static("kulissi_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"),
    );
    headers.insert("hx-redirect", HeaderValue::from_static("/login"));
    response
}
