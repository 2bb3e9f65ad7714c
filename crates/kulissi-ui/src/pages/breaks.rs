//! The reconciliation break workbench: open breaks (or all) with both sides, age, bucket
//! and owner; assign, comment, resolve or request a write-off for one break or many at once.
//! Each break is its own command, so one refusal does not stop the others, and the message
//! says which were done and which were refused, and why.

use askama::Template;
use axum::Form;
use axum::extract::{Extension, Query, State};
use axum::response::Response;
use kulissi_api::app::Caller;
use kulissi_app::reports::recon_breaks;
use kulissi_core::engine::Command;
use kulissi_core::reconciliation::breaks::BreakStatus;

use super::{bulk_outcome, field, optional, rows_of, selected, send, table_or_csv};
use crate::Ui;
use crate::table::{Params, Source, Table, common_links};
use crate::views::{Layout, UiError, render};

/// Resolution codes offered (the engine takes any non-empty code).
pub const RESOLUTION_CODES: [&str; 6] = [
    "TIMING",
    "BOOKING_ERROR",
    "CUSTODIAN_ERROR",
    "PRICE_DIFFERENCE",
    "CORPORATE_ACTION",
    "OTHER",
];

/// The workbench.
#[derive(Debug, Template)]
#[template(path = "breaks.html")]
pub struct Workbench {
    /// The frame.
    pub layout: Layout,
    /// The breaks.
    pub table: Table,
    /// Whether closed breaks are shown too.
    pub all: bool,
    /// The person may work breaks.
    pub can_work: bool,
    /// Resolution codes.
    pub codes: &'static [&'static str],
}

/// The workbench.
pub async fn workbench(
    State(ui): State<Ui>,
    Extension(caller): Extension<Caller>,
    Query(params): Query<Params>,
) -> Result<Response, UiError> {
    let all = params.get("show").map(String::as_str) == Some("all");
    let as_of = ui.app.business_date();
    let report = ui.app.read(move |s| recon_breaks(s, !all, as_of)).await?;
    let (columns, rows) = rows_of(&report);
    let source = Source {
        path: "/breaks",
        columns,
        rows,
        filters: &[
            ("definition", true),
            ("class", true),
            ("status", true),
            ("bucket", true),
            ("assignee", true),
        ],
        linker: common_links,
        keep: &["show"],
    };
    let table = match table_or_csv(source, &params) {
        Ok(table) => table,
        Err(csv) => return Ok(csv),
    };
    Ok(render(&Workbench {
        layout: Layout::new(&ui, &caller, "/breaks", "Break workbench")
            .with_flash(params.get("done")),
        table,
        all,
        can_work: caller.can(kulissi_core::controls::roles::Permission::WorkBreaks),
        codes: &RESOLUTION_CODES,
    }))
}

/// Acts on the selected breaks.
pub async fn act(
    State(ui): State<Ui>,
    Extension(caller): Extension<Caller>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, UiError> {
    let ids = selected(&form, "break")?;
    let action = field(&form, "action")?;
    let mut done_ids = Vec::new();
    let mut refused = Vec::new();
    for id in ids {
        let command = match action {
            "assign" => Command::MoveBreak {
                id,
                to: BreakStatus::Assigned,
                assignee: Some(
                    optional(&form, "assignee")
                        .unwrap_or(&caller.principal.username)
                        .to_owned(),
                ),
            },
            "comment" => Command::CommentBreak {
                id,
                text: field(&form, "comment")?.to_owned(),
            },
            "resolve" => Command::ResolveBreak {
                id,
                code: field(&form, "code")?.to_owned(),
                comment: field(&form, "comment")?.to_owned(),
            },
            "write_off" => Command::RequestWriteOff {
                id,
                reason: field(&form, "comment")?.to_owned(),
            },
            other => {
                return Err(UiError::bad_request(format!(
                    "action: expected assign, comment, resolve or write_off, found '{other}'"
                )));
            }
        };
        match send(&ui, &caller, command).await {
            Ok(_) => done_ids.push(id.to_string()),
            Err(e) => refused.push(format!("{id} ({})", e.detail())),
        }
    }
    let verb = match action {
        "assign" => "assigned",
        "comment" => "commented",
        "resolve" => "resolved",
        _ => "sent for write-off approval",
    };
    bulk_outcome("/breaks", "break", verb, &done_ids, &refused)
}
