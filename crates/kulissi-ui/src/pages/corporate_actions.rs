//! Corporate actions announced (dividends, splits) and where each stands.

use axum::extract::{Extension, Query, State};
use axum::response::Response;
use kulissi_api::app::Caller;
use kulissi_app::reports::corporate_actions;

use super::{list, rows_of};
use crate::Ui;
use crate::table::{Params, Source, no_links};
use crate::views::{Layout, UiError};

/// The corporate actions.
pub async fn list_page(
    State(ui): State<Ui>,
    Extension(caller): Extension<Caller>,
    Query(params): Query<Params>,
) -> Result<Response, UiError> {
    let report = ui.app.read(corporate_actions).await?;
    let (columns, rows) = rows_of(&report);
    Ok(list(
        Layout::new(&ui, &caller, "/corporate-actions", "Corporate actions"),
        "Dividends and splits announced, with their dates and where each stands.",
        Source {
            path: "/corporate-actions",
            columns,
            rows,
            filters: &[("kind", true), ("isin", false)],
            linker: no_links,
            keep: &[],
        },
        &params,
    ))
}
