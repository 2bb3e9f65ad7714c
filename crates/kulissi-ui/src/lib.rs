//! Kulissi's web workbench: server-rendered pages for the people of the back office
//! (operations, finance, compliance, HR, audit), with htmx for the actions that change
//! things and uPlot for the charts. Templates are compiled in (askama, checked against their
//! view structs at build time) and so are the assets, so the `kulissi` binary is all it
//! takes; nothing is built with Node.
//!
//! The workbench is a second door onto the same [`kulissi_api::AppState`] as the REST API:
//! the same sessions, the same permissions (every route names one in [`routes::ROUTES`],
//! checked by [`gate`] against the signed-in person's roles; the navigation shows only what
//! the person may open), the same engine commands sent as the signed-in person, so
//! maker-checker and the other controls hold here exactly as they do over the API.
//! State-changing requests carry the session's CSRF token (htmx sends it from the page's
//! `hx-headers`).

pub mod assets;
pub mod gate;
pub mod jobs;
pub mod journal;
pub mod pages;
pub mod routes;
pub mod table;
pub mod views;

use std::sync::Arc;

use axum::Router;
use axum::middleware::from_fn_with_state;
use kulissi_api::AppState;

pub use jobs::Jobs;

/// What the workbench's handlers share: the server's state and the background jobs.
#[derive(Debug, Clone)]
pub struct Ui {
    /// The server's state (writer, readers, directory, sessions, configuration).
    pub app: AppState,
    /// Imports, ends of day and reconciliation runs working in the background.
    pub jobs: Arc<Jobs>,
    /// The journal, kept for drilling down.
    pub journal: Arc<journal::Journal>,
}

impl Ui {
    /// The workbench over a server's state.
    pub fn new(app: AppState) -> Ui {
        Ui {
            app,
            jobs: Arc::new(Jobs::default()),
            journal: Arc::default(),
        }
    }
}

/// The workbench's routes behind its gate, ready to merge with the API's router.
pub fn router(ui: Ui) -> Router {
    routes::routes()
        .route_layer(from_fn_with_state(ui.clone(), gate::gate))
        .with_state(ui)
}

/// The API and the workbench on one router: what `kulissi serve` and `kulissi demo` serve.
pub fn app(state: AppState) -> Router {
    kulissi_api::router(state.clone()).merge(router(Ui::new(state)))
}
