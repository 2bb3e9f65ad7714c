//! The workbench's gate: who is signed in (the session cookie; a state-changing request must
//! carry the session's CSRF token) and whether their roles hold the permission the route's
//! row in [`crate::routes::ROUTES`] names. A page asked for without a session goes to the
//! sign-in page; a page the person may not open is answered 403 with their navigation.

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use crate::Ui;
use crate::routes::route;
use crate::views::{self, UiError};

/// Authenticates and authorises a request to the workbench.
pub async fn gate(
    State(ui): State<Ui>,
    matched: MatchedPath,
    mut request: Request,
    next: Next,
) -> Response {
    let started = std::time::Instant::now();
    let method = request.method().clone();
    let path = matched.as_str().to_owned();
    let Some(row) = route(method.as_str(), &path) else {
        return UiError::forbidden(format!(
            "{method} {path} has no row in the workbench's table"
        ))
        .into_response();
    };
    let Some(permission) = row.permission else {
        let mut response = next.run(request).await;
        harden(&mut response);
        return response;
    };
    let caller = match ui.app.authenticate(&request) {
        Ok(Some(caller)) if caller.session.is_some() => caller,
        Ok(_) => {
            if method == axum::http::Method::GET {
                let target = request
                    .uri()
                    .path_and_query()
                    .map_or("/", |p| p.as_str())
                    .to_owned();
                return Redirect::to(&format!("/login?next={}", crate::table::encode(&target)))
                    .into_response();
            }
            let mut response = UiError::new(
                StatusCode::UNAUTHORIZED,
                "Your session has ended: sign in again.",
            )
            .into_response();
            response
                .headers_mut()
                .insert("hx-redirect", HeaderValue::from_static("/login"));
            return response;
        }
        Err(e) => return UiError::from(e).into_response(),
    };
    if !caller.can(permission) {
        return views::forbidden(&ui, &caller, &path, permission);
    }
    request.extensions_mut().insert(caller);
    let mut response = next.run(request).await;
    response
        .headers_mut()
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    harden(&mut response);
    ui.app.metrics.record(
        &method,
        &path,
        response.status().as_u16(),
        started.elapsed(),
    );
    response
}

/// Headers every workbench answer carries: no framing by other sites (clickjacking), no
/// content sniffing, no referrer to other sites, and a content security policy that allows
/// only this server's scripts, styles and images (the pages hold no inline script; chart
/// data is JSON, not script).
fn harden(response: &mut Response) {
    let headers = response.headers_mut();
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    headers.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    headers.insert(
        "content-security-policy",
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        ),
    );
}
