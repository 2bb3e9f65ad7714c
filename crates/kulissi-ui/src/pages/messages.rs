//! Any message line, as the message files carry it (prices, FX rates, cash movements,
//! corporate actions, settlement instructions and statuses, netting sets, tolerances, the
//! end of day, manual journals...): sent as the signed-in person under the command's own
//! permission, through approval where the policy asks for it. The door for what has no
//! screen of its own.

use askama::Template;
use axum::Form;
use axum::extract::{Extension, Query, State};
use axum::response::Response;
use kulissi_api::app::Caller;
use kulissi_api::routes::messages::send_line;
use kulissi_core::controls::roles::Permission;
use serde_json::Value;

use super::{describe, field};
use crate::Ui;
use crate::table::Params;
use crate::views::{Layout, UiError, done, render};

/// An example line the person may send.
#[derive(Debug, Clone)]
pub struct Example {
    /// What it does.
    pub what: &'static str,
    /// The line.
    pub line: &'static str,
}

const EXAMPLES: [(Permission, &str, &str); 6] = [
    (
        Permission::RecordMarketData,
        "a closing price",
        r#"{"type":"price","isin":"FI0009000681","date":"2026-11-10","price":"4.2150","source":"XHEL official close"}"#,
    ),
    (
        Permission::RecordMarketData,
        "an FX rate",
        r#"{"type":"fx_rate","base":"EUR","quote":"USD","date":"2026-11-10","rate":"1.0800"}"#,
    ),
    (
        Permission::MoveCash,
        "a client's deposit",
        r#"{"type":"cash_movement","reference":"DEP-1","movement":"deposit","account":"CLIENT-1","currency":"EUR","amount":"50000.00","value_date":"2026-11-10"}"#,
    ),
    (
        Permission::AnnounceCorporateActions,
        "a cash dividend",
        r#"{"type":"corporate_action","reference":"DIV-1","kind":"cash_dividend","isin":"FI0009000681","ex_date":"2026-11-16","record_date":"2026-11-17","pay_date":"2026-11-25","amount_per_share":"0.05","currency":"EUR"}"#,
    ),
    (
        Permission::RunEndOfDay,
        "an end of day",
        r#"{"type":"end_of_day","legal_entity":"LEI","date":"2026-11-10"}"#,
    ),
    (
        Permission::ChangeReferenceData,
        "a netting set",
        r#"{"type":"netting_set","counterparty":"LEI"}"#,
    ),
];

/// The message form.
#[derive(Debug, Template)]
#[template(path = "messages.html")]
pub struct MessagesPage {
    /// The frame.
    pub layout: Layout,
    /// Examples the person may send.
    pub examples: Vec<Example>,
}

/// The message form.
pub async fn page(
    State(ui): State<Ui>,
    Extension(caller): Extension<Caller>,
    Query(params): Query<Params>,
) -> Response {
    render(&MessagesPage {
        layout: Layout::new(&ui, &caller, "/messages", "Send a message")
            .with_flash(params.get("done")),
        examples: EXAMPLES
            .iter()
            .filter(|(p, _, _)| caller.can(*p))
            .map(|(_, what, line)| Example { what, line })
            .collect(),
    })
}

/// Sends the line.
pub async fn send(
    State(ui): State<Ui>,
    Extension(caller): Extension<Caller>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, UiError> {
    let line = field(&form, "line")?;
    let object = match serde_json::from_str::<Value>(line) {
        Ok(Value::Object(map)) => map,
        Ok(_) => return Err(UiError::bad_request("line: expected a JSON object")),
        Err(e) => return Err(UiError::bad_request(format!("line: not JSON: {e}"))),
    };
    let outcomes = send_line(&ui.app, &caller, object).await?;
    let said: Vec<String> = outcomes.iter().map(describe).collect();
    Ok(done("/messages", &said.join(" ")))
}
