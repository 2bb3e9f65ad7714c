//! Settlement: the instruction queue by status, date and counterparty, the exceptions, a
//! day's netting, and the fails with their age and CSDR penalties, with the month's
//! penalties per counterparty.

use axum::extract::{Extension, Query, State};
use axum::response::Response;
use kulissi_api::app::Caller;
use kulissi_app::reports::{
    QueueFilter, fails as fails_report, netting as netting_report, penalties,
    settlement_exceptions, settlement_queue,
};

use super::{list, rows_of};
use crate::Ui;
use crate::table::{Params, Source, common_links};
use crate::views::{Layout, UiError};

/// The settlement queue.
pub async fn queue(
    State(ui): State<Ui>,
    Extension(caller): Extension<Caller>,
    Query(params): Query<Params>,
) -> Result<Response, UiError> {
    let report = ui
        .app
        .read(|s| settlement_queue(s, &QueueFilter::default()))
        .await?;
    let (columns, rows) = rows_of(&report);
    Ok(list(
        Layout::new(&ui, &caller, "/settlement", "Settlement queue"),
        "Every instruction with its status and reasons. Filter by status, settlement date and counterparty.",
        Source {
            path: "/settlement",
            columns,
            rows,
            filters: &[
                ("status", true),
                ("settlement_date", false),
                ("counterparty", true),
                ("currency", true),
            ],
            linker: common_links,
            keep: &[],
        },
        &params,
    ))
}

/// Fails with penalties.
pub async fn fails(
    State(ui): State<Ui>,
    Extension(caller): Extension<Caller>,
    Query(params): Query<Params>,
) -> Result<Response, UiError> {
    let as_of = ui.app.business_date();
    let (report, month) = ui
        .app
        .read(move |s| {
            let first = as_of.first_of_month();
            (fails_report(s, as_of), penalties(s, first, as_of))
        })
        .await?;
    let (columns, rows) = rows_of(&report);
    let summary: Vec<String> = month
        .lines
        .iter()
        .filter(|l| !l.net.is_zero())
        .map(|l| format!("{} {} {}", l.counterparty, l.net, l.currency))
        .collect();
    let lead = format!(
        "Trades unsettled after their intended settlement date, as of {as_of}, aged in business days with the CSDR penalty accrued. This month's net penalties: {}.",
        if summary.is_empty() {
            "none".to_owned()
        } else {
            summary.join("; ")
        }
    );
    Ok(list(
        Layout::new(&ui, &caller, "/settlement/fails", "Fails and penalties"),
        lead,
        Source {
            path: "/settlement/fails",
            columns,
            rows,
            filters: &[("bucket", true), ("counterparty", true), ("currency", true)],
            linker: common_links,
            keep: &[],
        },
        &params,
    ))
}

/// The exception queue: what the engine could not fit (a status for an unknown instruction,
/// a confirmation that does not match), open or resolved.
pub async fn exceptions(
    State(ui): State<Ui>,
    Extension(caller): Extension<Caller>,
    Query(params): Query<Params>,
) -> Result<Response, UiError> {
    let report = ui.app.read(|s| settlement_exceptions(s, false)).await?;
    let (columns, rows) = rows_of(&report);
    Ok(list(
        Layout::new(
            &ui,
            &caller,
            "/settlement/exceptions",
            "Settlement exceptions",
        ),
        "What the custodians sent that did not fit an instruction, with how each was resolved.",
        Source {
            path: "/settlement/exceptions",
            columns,
            rows,
            filters: &[],
            linker: common_links,
            keep: &[],
        },
        &params,
    ))
}

/// A settlement date's net obligations per counterparty, instrument and account.
pub async fn netting(
    State(ui): State<Ui>,
    Extension(caller): Extension<Caller>,
    Query(params): Query<Params>,
) -> Result<Response, UiError> {
    let date = match params.get("date").filter(|d| !d.is_empty()) {
        Some(d) => d.parse().map_err(|e| {
            UiError::bad_request(format!("date: expected YYYY-MM-DD, found '{d}': {e}"))
        })?,
        None => ui.app.business_date(),
    };
    let report = ui.app.read(move |s| netting_report(s, date)).await?;
    let (columns, rows) = rows_of(&report);
    Ok(list(
        Layout::new(&ui, &caller, "/settlement/netting", "Netting"),
        format!(
            "The obligations settling on {date}, net and gross (add ?date=YYYY-MM-DD for another day)."
        ),
        Source {
            path: "/settlement/netting",
            columns,
            rows,
            filters: &[("counterparty", true), ("currency", true)],
            linker: common_links,
            keep: &["date"],
        },
        &params,
    ))
}
