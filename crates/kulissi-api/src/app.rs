//! The server's shared state and the one gate every request passes: authentication (a
//! bearer token or a session cookie with its CSRF header), then the permission the endpoint
//! table ([`crate::endpoints::ENDPOINTS`]) names for the route, checked against the
//! caller's roles. The handlers receive the [`Caller`] and never choose who acts: the
//! engine is sent the authenticated person.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::Response;
use jiff::Timestamp;
use jiff::civil::Date;
use kulissi_app::{Answer, GroupCommit};
use kulissi_core::controls::roles::{Permission, can};
use kulissi_core::controls::staff::{Directory, Principal};
use kulissi_core::engine::{Actor, Command, CommandEnvelope, State as EngineState};
use kulissi_store::{EventStore, StoreError};

use crate::auth::{Passwords, Sessions, Throttle, sha256_hex};
use crate::config::Config;
use crate::endpoints::{Access, endpoint};
use crate::metrics::Metrics;
use crate::problem::ApiError;

/// Opens a store connection for reading (reports, the audit log, verify), off the writer.
pub type ReaderFactory =
    Arc<dyn Fn() -> Result<Box<dyn EventStore + Send>, StoreError> + Send + Sync>;

/// The name of the session cookie.
pub const SESSION_COOKIE: &str = "kulissi_session";

/// Everything the handlers share.
#[derive(Clone)]
pub struct AppState {
    /// The writer.
    pub engine: GroupCommit,
    /// Store readers.
    pub readers: ReaderFactory,
    /// The directory as last committed (who may sign in, with which roles and tokens).
    pub directory: Arc<RwLock<Arc<Directory>>>,
    /// Browser sessions.
    pub sessions: Arc<Sessions>,
    /// Login throttling.
    pub throttle: Arc<Throttle>,
    /// Password hashing.
    pub passwords: Passwords,
    /// Configuration.
    pub config: Arc<Config>,
    /// Request counters.
    pub metrics: Arc<Metrics>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// Who is calling, once the gate let them in.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The person.
    pub principal: Principal,
    /// Signed in by a session (its cookie), not a token.
    pub session: Option<String>,
}

impl Caller {
    /// The actor the engine is told.
    pub fn actor(&self) -> Actor {
        Actor::Person(self.principal.username.clone())
    }

    /// Whether the caller holds a permission.
    pub fn can(&self, permission: Permission) -> bool {
        can(&self.principal.roles, permission)
    }
}

impl AppState {
    /// The business date commands are booked on.
    pub fn business_date(&self) -> Date {
        self.config
            .business_date
            .parse()
            .unwrap_or_else(|_| jiff::tz::Offset::UTC.to_datetime(Timestamp::now()).date())
    }

    /// The caller's command in an envelope: the authenticated person, now, today.
    pub fn envelope(&self, caller: &Caller, command: Command) -> CommandEnvelope {
        CommandEnvelope::new(
            caller.actor(),
            Timestamp::now(),
            self.business_date(),
            command,
        )
    }

    /// Sends a command and waits for its commit without holding a thread.
    pub async fn submit(&self, envelope: CommandEnvelope) -> Result<Answer, ApiError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.engine.submit_then(envelope, move |answer| {
            let _ = tx.send(answer);
        })?;
        let answer = rx
            .await
            .map_err(|_| ApiError::unavailable("the writer dropped the command"))??;
        Ok(answer)
    }

    /// Sends a command; a rejection is an error.
    pub async fn execute(
        &self,
        envelope: CommandEnvelope,
    ) -> Result<kulissi_app::Receipt, ApiError> {
        let refresh = matches!(envelope.command, Command::Control(_));
        let receipt = self.submit(envelope).await?.map_err(ApiError::from)?;
        if refresh {
            self.refresh_directory().await?;
        }
        Ok(receipt)
    }

    /// Reads the committed engine state on the writer thread.
    pub async fn read<R: Send + 'static>(
        &self,
        read: impl FnOnce(&EngineState) -> R + Send + 'static,
    ) -> Result<R, ApiError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.engine.query_then(move |state, _| {
            let _ = tx.send(read(state));
        })?;
        rx.await
            .map_err(|_| ApiError::unavailable("the writer dropped the read"))
    }

    /// Reads the store on a connection of its own, on a blocking thread.
    pub async fn read_store<R: Send + 'static>(
        &self,
        read: impl FnOnce(&dyn EventStore) -> Result<R, ApiError> + Send + 'static,
    ) -> Result<R, ApiError> {
        let readers = self.readers.clone();
        tokio::task::spawn_blocking(move || {
            let store = readers().map_err(|e| ApiError::unavailable(e.to_string()))?;
            read(&*store)
        })
        .await
        .map_err(|e| ApiError::unavailable(format!("the reader failed: {e}")))?
    }

    /// Copies the committed directory for the gate (after a control command).
    pub async fn refresh_directory(&self) -> Result<(), ApiError> {
        let directory = self.read(|s| s.controls.directory.clone()).await?;
        let left: Vec<String> = {
            let current = self.directory();
            current
                .users
                .keys()
                .filter(|u| current.active_user(u).is_some() && directory.active_user(u).is_none())
                .cloned()
                .collect()
        };
        for user in left {
            self.sessions.close_user(&user);
        }
        if let Ok(mut slot) = self.directory.write() {
            *slot = Arc::new(directory);
        }
        Ok(())
    }

    /// The directory as the gate sees it.
    pub fn directory(&self) -> Arc<Directory> {
        self.directory.read().map(|d| d.clone()).unwrap_or_default()
    }

    /// How long an unused session lives.
    pub fn idle(&self) -> Duration {
        Duration::from_secs(u64::from(self.config.session_idle_minutes) * 60)
    }

    /// Authenticates a request: a bearer token, else the session cookie (whose CSRF token
    /// a state-changing request must echo).
    pub fn authenticate(&self, request: &Request) -> Result<Option<Caller>, ApiError> {
        let headers = request.headers();
        if let Some(value) = headers.get(header::AUTHORIZATION) {
            let token = value
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .ok_or_else(ApiError::unauthenticated)?;
            let principal = self
                .directory()
                .principal_of_token(&sha256_hex(token.trim()), Timestamp::now())
                .ok_or_else(ApiError::unauthenticated)?;
            return Ok(Some(Caller {
                principal,
                session: None,
            }));
        }
        let Some(cookie) = session_cookie(request) else {
            return Ok(None);
        };
        let Some(session) = self.sessions.get(&cookie, self.idle()) else {
            return Ok(None);
        };
        let Some(principal) = self.directory().principal(&session.username) else {
            self.sessions.close_user(&session.username);
            return Ok(None);
        };
        let safe = matches!(
            *request.method(),
            Method::GET | Method::HEAD | Method::OPTIONS
        );
        if !safe {
            let sent = headers.get("x-csrf-token").and_then(|v| v.to_str().ok());
            if sent != Some(session.csrf.as_str()) {
                return Err(ApiError::forbidden(
                    "a state-changing request from a browser session needs its X-CSRF-Token header",
                ));
            }
        }
        Ok(Some(Caller {
            principal,
            session: Some(cookie),
        }))
    }
}

/// The session cookie of a request, if any.
pub fn session_cookie(request: &Request) -> Option<String> {
    request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_owned())
}

/// The gate: authenticate, authorise by the endpoint table, count.
pub async fn gate(
    State(app): State<AppState>,
    matched: MatchedPath,
    mut request: Request,
    next: Next,
) -> Response {
    use axum::response::IntoResponse;
    let started = Instant::now();
    let method = request.method().clone();
    let path = matched.as_str();
    let response = match check(&app, &method, path, &mut request) {
        Ok(()) => next.run(request).await,
        Err(e) => e.into_response(),
    };
    app.metrics
        .record(&method, path, response.status().as_u16(), started.elapsed());
    response
}

fn check(
    app: &AppState,
    method: &Method,
    path: &str,
    request: &mut Request,
) -> Result<(), ApiError> {
    let Some(endpoint) = endpoint(method, path) else {
        return Err(ApiError::forbidden(format!(
            "{method} {path} has no row in the permission table: refused"
        )));
    };
    let caller = app.authenticate(request)?;
    match (endpoint.access, caller) {
        (Access::Public, caller) => {
            if let Some(caller) = caller {
                request.extensions_mut().insert(caller);
            }
            Ok(())
        }
        (Access::Needs(_), None) => Err(ApiError::unauthenticated()),
        (Access::Needs(permission), Some(caller)) => {
            if !caller.can(permission) {
                return Err(ApiError::forbidden(format!(
                    "{} lacks the permission {} that {method} {path} needs",
                    caller.principal.username,
                    permission.name()
                )));
            }
            request.extensions_mut().insert(caller);
            Ok(())
        }
    }
}
