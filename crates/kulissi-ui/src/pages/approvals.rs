//! The approvals inbox: requests waiting for a second person (with the command each will
//! run), approving or rejecting them, and the recent decisions. Whether the person may
//! decide is the engine's rule (another person, of a department that checks the kind,
//! holding its approval permission); a refusal says why.

use askama::Template;
use axum::extract::{Extension, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use jiff::Timestamp;
use kulissi_api::app::Caller;
use kulissi_api::routes::approvals::{Approval, approval, approve_request};
use kulissi_core::controls::commands::ControlCommand;
use kulissi_core::engine::Command;

use crate::Ui;
use crate::table::Params;
use crate::views::{Layout, UiError, done, render};

/// The inbox.
#[derive(Debug, Template)]
#[template(path = "approvals.html")]
pub struct Inbox {
    /// The frame.
    pub layout: Layout,
    /// Waiting, oldest first.
    pub pending: Vec<Approval>,
    /// Decided or lapsed, newest first (the last 50).
    pub decided: Vec<Approval>,
}

/// The inbox.
pub async fn inbox(
    State(ui): State<Ui>,
    Extension(caller): Extension<Caller>,
    Query(params): Query<Params>,
) -> Result<Response, UiError> {
    let now = Timestamp::now();
    let (pending, decided) = ui
        .app
        .read(move |s| {
            let all: Vec<Approval> = s
                .controls
                .approvals
                .requests
                .values()
                .map(|r| approval(r, now))
                .collect();
            let (pending, mut decided): (Vec<Approval>, Vec<Approval>) =
                all.into_iter().partition(|a| a.status == "pending");
            decided.reverse();
            decided.truncate(50);
            (pending, decided)
        })
        .await?;
    Ok(render(&Inbox {
        layout: Layout::new(&ui, &caller, "/approvals", "Approvals inbox")
            .with_flash(params.get("done")),
        pending,
        decided,
    }))
}

/// Approves or rejects a request.
pub async fn decide(
    State(ui): State<Ui>,
    Extension(caller): Extension<Caller>,
    Path((id, decision)): Path<(u64, String)>,
    headers: HeaderMap,
) -> Result<Response, UiError> {
    match decision.as_str() {
        "approve" => {
            approve_request(&ui.app, &caller, id).await?;
            Ok(done(
                "/approvals",
                &format!("Request {id} approved: its command has run."),
            ))
        }
        "reject" => {
            let reason = headers
                .get("hx-prompt")
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .ok_or_else(|| UiError::bad_request("reason: say why the request is rejected"))?
                .to_owned();
            let command = Command::Control(ControlCommand::RejectRequest { id, reason });
            ui.app
                .submit(ui.app.envelope(&caller, command))
                .await?
                .map_err(kulissi_api::problem::ApiError::from)?;
            Ok(done(
                "/approvals",
                &format!("Request {id} rejected: nothing of it happened."),
            ))
        }
        other => Err(UiError::not_found(format!(
            "no decision '{other}': approve or reject"
        ))),
    }
}
