//! Reference data: legal entities, counterparties, instruments, books, accounts and SSIs;
//! changes are requested here and take effect when a second person approves them (the
//! engine's approval policy; a change outside the policy applies at once).

use askama::Template;
use axum::Form;
use axum::extract::{Extension, Query, State};
use axum::response::Response;
use kulissi_api::app::Caller;
use kulissi_api::routes::command_of;
use kulissi_api::routes::reference::{CHANGES, KINDS, items};
use kulissi_core::controls::roles::Permission;
use serde_json::{Map, Value};

use super::{json_rows, send, table_or_csv};
use crate::Ui;
use crate::table::{Params, Source, Table, no_links};
use crate::views::{Layout, UiError, done, render};

fn columns(kind: &str) -> &'static [&'static str] {
    match kind {
        "legal-entities" => &["id", "lei", "name", "reporting_currency"],
        "counterparties" => &["id", "lei", "name", "bic", "role"],
        "instruments" => &["id", "isin", "name", "kind", "currency", "market"],
        "books" => &[
            "id",
            "code",
            "legal_entity",
            "desk",
            "trader",
            "cost_method",
        ],
        "accounts" => &[
            "id",
            "code",
            "legal_entity",
            "owner",
            "custodian",
            "safekeeping_account",
            "cash_account",
        ],
        _ => &[
            "id",
            "counterparty",
            "market",
            "currency",
            "instrument_type",
            "valid_from",
            "place_of_settlement",
            "agent",
            "safekeeping_account",
            "cash_account",
        ],
    }
}

/// The reference data page.
#[derive(Debug, Template)]
#[template(path = "reference.html")]
pub struct ReferencePage {
    /// The frame.
    pub layout: Layout,
    /// The kind shown.
    pub kind: String,
    /// Every kind.
    pub kinds: &'static [&'static str],
    /// The items.
    pub table: Table,
    /// The person may request changes.
    pub can_change: bool,
    /// Counterparties' LEIs and names, for the SSI form.
    pub counterparties: Vec<(String, String)>,
}

/// The reference data of a kind.
pub async fn page(
    State(ui): State<Ui>,
    Extension(caller): Extension<Caller>,
    Query(params): Query<Params>,
) -> Result<Response, UiError> {
    let kind = params
        .get("kind")
        .filter(|k| KINDS.contains(&k.as_str()))
        .cloned()
        .unwrap_or_else(|| "ssis".to_owned());
    let wanted = kind.clone();
    let (found, counterparties) = ui
        .app
        .read(move |s| {
            (
                items(s, &wanted).unwrap_or_default(),
                items(s, "counterparties").unwrap_or_default(),
            )
        })
        .await?;
    let cols = columns(&kind);
    let rows = json_rows(&found, cols);
    let source = Source {
        path: "/reference",
        columns: cols,
        rows,
        filters: &[],
        linker: no_links,
        keep: &["kind"],
    };
    let table = match table_or_csv(source, &params) {
        Ok(table) => table,
        Err(csv) => return Ok(csv),
    };
    Ok(render(&ReferencePage {
        layout: Layout::new(&ui, &caller, "/reference", "Reference data")
            .with_flash(params.get("done")),
        table,
        kind,
        kinds: &KINDS,
        can_change: caller.can(Permission::ChangeReferenceData),
        counterparties: counterparties
            .iter()
            .filter_map(|c| {
                Some((
                    c.get("lei")?.as_str()?.to_owned(),
                    c.get("name")?.as_str()?.to_owned(),
                ))
            })
            .collect(),
    }))
}

/// Requests a change: the SSI form's fields, or a message line.
pub async fn change(
    State(ui): State<Ui>,
    Extension(caller): Extension<Caller>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, UiError> {
    let object = match form.iter().find(|(k, _)| k == "line") {
        Some((_, line)) => match serde_json::from_str::<Value>(line.trim()) {
            Ok(Value::Object(map)) => map,
            Ok(_) => return Err(UiError::bad_request("line: expected a JSON object")),
            Err(e) => return Err(UiError::bad_request(format!("line: not JSON: {e}"))),
        },
        None => {
            let mut map = Map::new();
            for (k, v) in &form {
                if !v.trim().is_empty() {
                    map.insert(k.clone(), Value::String(v.trim().to_owned()));
                }
            }
            map
        }
    };
    let kind = object
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    if !CHANGES.contains(&kind.as_str()) {
        return Err(UiError::bad_request(format!(
            "type: expected one of {}, found '{kind}'",
            CHANGES.join(", ")
        )));
    }
    let (command, _) = command_of(object)?;
    let message = send(&ui, &caller, command).await?;
    Ok(done("/reference?kind=ssis", &message))
}
