//! The router and the server: every route with its handler, the gate in front of them, the
//! documentation, graceful shutdown (in-flight requests finish; their commands are committed
//! by the writer, which then stops).

use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::{delete, get, post, put};
use kulissi_app::GroupCommit;
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

use crate::app::{AppState, ReaderFactory, gate};
use crate::auth::{AuthError, Passwords, Sessions, Throttle};
use crate::config::Config;
use crate::metrics::Metrics;
use crate::openapi::ApiDoc;
use crate::problem::ApiError;
use crate::routes::{
    approvals, audit, compliance, drill, imports, ledger, messages, reconciliation, reference,
    session, settlement, staff, tokens, trades,
};

/// The shared state of a server over a writer and a way to open readers.
pub async fn app_state(
    engine: GroupCommit,
    readers: ReaderFactory,
    config: Config,
) -> Result<AppState, AuthError> {
    let passwords = Passwords::new(config.argon2_memory_kib, config.argon2_passes)?;
    let state = AppState {
        engine,
        readers,
        directory: Arc::new(RwLock::new(Arc::default())),
        sessions: Arc::new(Sessions::default()),
        throttle: Arc::new(Throttle::new(
            config.login_failures,
            Duration::from_secs(u64::from(config.login_window_seconds)),
        )),
        passwords,
        config: Arc::new(config),
        metrics: Arc::new(Metrics::default()),
    };
    state.refresh_directory().await.map_err(|e| {
        AuthError::Hash(format!(
            "cannot read the directory: {:?}",
            e.problem().detail
        ))
    })?;
    Ok(state)
}

/// Every route, behind the gate.
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/health", get(session::health))
        .route("/ready", get(session::ready))
        .route("/metrics", get(session::metrics))
        .route("/api/v1/login", post(session::login))
        .route("/api/v1/logout", post(session::logout))
        .route("/api/v1/me", get(session::me))
        .route("/api/v1/trades", get(trades::list).post(trades::book))
        .route("/api/v1/trades/{id}", get(trades::history))
        .route("/api/v1/trades/{id}/amend", post(trades::amend))
        .route("/api/v1/trades/{id}/cancel", post(trades::cancel))
        .route("/api/v1/reference-data/{kind}", get(reference::list))
        .route("/api/v1/reference-data", post(reference::change))
        .route("/api/v1/positions", get(ledger::positions))
        .route("/api/v1/cash", get(ledger::cash))
        .route("/api/v1/ledger/trial-balance", get(ledger::trial))
        .route("/api/v1/ledger/balance-sheet", get(ledger::balance))
        .route("/api/v1/ledger/income-statement", get(ledger::income))
        .route("/api/v1/ledger/journal-entries", post(ledger::propose))
        .route(
            "/api/v1/ledger/journal-entries/{reference}/approve",
            post(ledger::approve_journal),
        )
        .route("/api/v1/ledger/period-close", post(ledger::close_period))
        .route("/api/v1/end-of-day", post(ledger::end_of_day))
        .route("/api/v1/settlement/instructions", get(settlement::queue))
        .route("/api/v1/settlement/exceptions", get(settlement::exceptions))
        .route("/api/v1/settlement/fails", get(settlement::fails_list))
        .route("/api/v1/settlement/instruct", post(settlement::instruct))
        .route("/api/v1/reconciliation/breaks", get(settlement::breaks))
        .route(
            "/api/v1/reconciliation/breaks/{id}/assign",
            post(settlement::assign),
        )
        .route(
            "/api/v1/reconciliation/breaks/{id}/comment",
            post(settlement::comment),
        )
        .route(
            "/api/v1/reconciliation/breaks/{id}/resolve",
            post(settlement::resolve),
        )
        .route(
            "/api/v1/reconciliation/breaks/{id}/write-off",
            post(settlement::write_off),
        )
        .route(
            "/api/v1/reconciliation/breaks/{id}/approve-write-off",
            post(settlement::approve_write_off),
        )
        .route("/api/v1/approvals", get(approvals::list))
        .route("/api/v1/approvals/{id}", get(approvals::get))
        .route("/api/v1/approvals/{id}/approve", post(approvals::approve))
        .route("/api/v1/approvals/{id}/reject", post(approvals::reject))
        .route(
            "/api/v1/approval-policy",
            get(approvals::policy).put(approvals::set_policy),
        )
        .route(
            "/api/v1/staff/employees",
            get(staff::employees).post(staff::hire),
        )
        .route(
            "/api/v1/staff/employees/{id}/move",
            post(staff::move_employee),
        )
        .route("/api/v1/staff/employees/{id}/leave", post(staff::leave))
        .route(
            "/api/v1/staff/users",
            get(staff::users).post(staff::create_user),
        )
        .route(
            "/api/v1/staff/users/{username}/roles",
            post(staff::set_roles),
        )
        .route(
            "/api/v1/staff/users/{username}/password",
            post(staff::set_password),
        )
        .route("/api/v1/tokens", get(tokens::list).post(tokens::issue))
        .route("/api/v1/tokens/{id}", delete(tokens::revoke))
        .route(
            "/api/v1/compliance/restricted",
            get(compliance::restricted).post(compliance::restrict),
        )
        .route(
            "/api/v1/compliance/restricted/{id}/lift",
            post(compliance::lift),
        )
        .route("/api/v1/compliance/alerts", get(compliance::alerts))
        .route("/api/v1/compliance/alerts/{id}", post(compliance::work))
        .route(
            "/api/v1/compliance/surveillance",
            put(compliance::surveillance),
        )
        .route(
            "/api/v1/ledger/accounts/{account}/statement",
            get(drill::statement),
        )
        .route("/api/v1/corporate-actions", get(drill::corporate))
        .route("/api/v1/settlement/netting", get(drill::net))
        .route(
            "/api/v1/settlement/exceptions/{id}/resolve",
            post(drill::resolve_exception),
        )
        .route(
            "/api/v1/reconciliation/runs",
            post(reconciliation::run).layer(axum::extract::DefaultBodyLimit::max(256 << 20)),
        )
        .route("/api/v1/messages", post(messages::send))
        .route(
            "/api/v1/imports/{kind}",
            post(imports::import).layer(axum::extract::DefaultBodyLimit::max(256 << 20)),
        )
        .route("/api/v1/audit/events", get(audit::events))
        .route("/api/v1/audit/verify", get(audit::verify))
        .merge(SwaggerUi::new("/api/docs").url("/api/openapi.json", ApiDoc::openapi()));
    api.route_layer(from_fn_with_state(state.clone(), gate))
        .fallback(|| async { ApiError::not_found("no such route") })
        .method_not_allowed_fallback(|| async { ApiError::new_method_not_allowed() })
        .with_state(state)
}

/// Serves the API until `shutdown` resolves; requests in flight finish (within the grace
/// period).
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let grace = Duration::from_secs(u64::from(state.config.shutdown_grace_seconds));
    serve_router(listener, router(state), grace, shutdown).await
}

/// Serves `app` (the API, and the workbench merged with it) until `shutdown` resolves;
/// requests in flight finish within `grace`.
pub async fn serve_router(
    listener: tokio::net::TcpListener,
    app: Router,
    grace: Duration,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    let (stopped_tx, stopped_rx) = tokio::sync::oneshot::channel::<()>();
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        shutdown.await;
        let _ = stopped_tx.send(());
    });
    let server = tokio::spawn(async move { server.await });
    let _ = stopped_rx.await;
    match tokio::time::timeout(grace, server).await {
        Ok(Ok(result)) => result,
        Ok(Err(e)) => Err(std::io::Error::other(e)),
        Err(_) => {
            tracing::warn!("requests still in flight after the grace period: stopping");
            Ok(())
        }
    }
}
