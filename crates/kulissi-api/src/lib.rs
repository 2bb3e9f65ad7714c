//! Kulissi's HTTP door: the REST API under `/api/v1` (axum), its OpenAPI 3.1 document,
//! authentication (Argon2id passwords, browser sessions with CSRF protection, hashed API
//! tokens), authorisation of every route by the endpoint table against the caller's roles,
//! Prometheus metrics, and the HTTP load benchmark.
//!
//! The door never writes state itself: every change is a command sent to the writer
//! ([`kulissi_app::GroupCommit`]) as the authenticated person, and every read is either a
//! read of the committed state on the writer thread or a read of the store on a connection
//! of its own. See `docs/permissions.md` for who may call what.

pub mod app;
pub mod auth;
pub mod config;
pub mod endpoints;
pub mod extract;
pub mod load;
pub mod metrics;
pub mod openapi;
pub mod paging;
pub mod problem;
pub mod routes;
pub mod server;

pub use app::AppState;
pub use config::Config;
pub use server::{app_state, router, serve, serve_router};
