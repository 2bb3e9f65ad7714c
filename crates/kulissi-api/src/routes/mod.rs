//! The handlers, one module per area. Shared here: reading a command from a JSON body as
//! the message files read it (so a body's errors name its fields as an import's do), and
//! sending a command that may need a second person.

pub mod approvals;
pub mod audit;
pub mod compliance;
pub mod drill;
pub mod imports;
pub mod ledger;
pub mod messages;
pub mod reconciliation;
pub mod reference;
pub mod session;
pub mod settlement;
pub mod staff;
pub mod tokens;
pub mod trades;

use jiff::{SignedDuration, Timestamp};
use kulissi_core::controls::ControlError;
use kulissi_core::controls::commands::ControlCommand;
use kulissi_core::engine::{Command, MessageId, Rejection};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::app::{AppState, Caller};
use crate::problem::{ApiError, FieldError};

/// What a command did.
#[derive(Debug, Serialize, ToSchema)]
pub struct Outcome {
    /// `done`, `duplicate` (a resubmission, acknowledged without effect) or
    /// `pending_approval` (it waits for a second person).
    pub status: String,
    /// The trade it concerned, if any.
    pub trade_id: Option<u64>,
    /// The approval request it became, if it needs a second person.
    pub request_id: Option<u64>,
    /// The sequence numbers of the events it caused.
    pub events: Vec<u64>,
}

impl Outcome {
    fn of(receipt: &kulissi_app::Receipt) -> Outcome {
        Outcome {
            status: if receipt.is_duplicate() {
                "duplicate".into()
            } else {
                "done".into()
            },
            trade_id: receipt.trade_id.map(|t| t.0),
            request_id: None,
            events: receipt.seqs.clone().collect(),
        }
    }
}

/// Reads one command from a JSON object of the message files' shape (`type` and its
/// fields, see `kulissi_formats::refdata`); errors name the fields.
pub fn command_of(object: Map<String, Value>) -> Result<(Command, MessageId), ApiError> {
    let line = serde_json::to_string(&Value::Object(object))
        .map_err(|e| ApiError::bad_request(e.to_string()))?;
    match kulissi_formats::read_refdata_jsonl(line.as_bytes(), "request body") {
        Ok(mut items) if items.len() == 1 => {
            let item = items.remove(0);
            Ok((item.item, item.message_id))
        }
        Ok(_) => Err(ApiError::bad_request(
            "the body stands for more or fewer than one command",
        )),
        Err(errors) => Err(ApiError::invalid_body(
            "the body is not a valid command",
            errors
                .0
                .into_iter()
                .map(|e| FieldError {
                    line: None,
                    field: e.field,
                    message: e.message,
                })
                .collect(),
        )),
    }
}

/// Sends a command as the caller; if its kind needs a second person, it becomes an approval
/// request (the answer says which).
pub async fn execute_or_request(
    app: &AppState,
    caller: &Caller,
    command: Command,
) -> Result<Outcome, ApiError> {
    match app.submit(app.envelope(caller, command.clone())).await? {
        Ok(receipt) => {
            if matches!(command, Command::Control(_)) {
                app.refresh_directory().await?;
            }
            Ok(Outcome::of(&receipt))
        }
        Err(Rejection::Control(ControlError::ApprovalRequired { .. })) => {
            request_approval(app, caller, command).await
        }
        Err(rejection) => Err(rejection.into()),
    }
}

/// Files an approval request for a command.
pub async fn request_approval(
    app: &AppState,
    caller: &Caller,
    command: Command,
) -> Result<Outcome, ApiError> {
    let payload = kulissi_formats::messages::command_object(&command)
        .map(|o| o.to_string())
        .ok_or_else(|| {
            ApiError::unprocessable(
                "this command has no message line, so it cannot wait for approval",
            )
        })?;
    let hours = i64::from(app.config.approval_hours);
    let expires_at = Timestamp::now()
        .checked_add(SignedDuration::from_hours(hours))
        .map_err(|e| ApiError::bad_request(e.to_string()))?;
    let digest = kulissi_core::engine::messages::command_digest(&command);
    let maker = caller.principal.username.clone();
    let request = Command::Control(ControlCommand::RequestApproval {
        command: Box::new(command),
        payload,
        expires_at,
    });
    let receipt = app
        .submit(app.envelope(caller, request))
        .await?
        .map_err(ApiError::from)?;
    let request_id = app
        .read(move |s| {
            s.controls
                .approvals
                .requests
                .values()
                .rev()
                .find(|r| r.maker == maker && r.digest == digest)
                .map(|r| r.id)
        })
        .await?;
    Ok(Outcome {
        status: "pending_approval".into(),
        trade_id: None,
        request_id,
        events: receipt.seqs.collect(),
    })
}

/// An optional date parameter (`YYYY-MM-DD`); empty is absent.
pub fn optional_date(
    field: &str,
    value: Option<&str>,
) -> Result<Option<jiff::civil::Date>, ApiError> {
    value
        .filter(|v| !v.is_empty())
        .map(|v| {
            v.parse::<jiff::civil::Date>().map_err(|e| {
                ApiError::bad_request(format!("{field}: expected YYYY-MM-DD, found '{v}': {e}"))
            })
        })
        .transpose()
}

/// An optional legal entity parameter (LEI); empty is absent.
pub fn optional_lei(
    value: Option<&str>,
) -> Result<Option<kulissi_core::identifiers::Lei>, ApiError> {
    value
        .filter(|v| !v.is_empty())
        .map(|v| {
            v.parse::<kulissi_core::identifiers::Lei>()
                .map_err(|e| ApiError::bad_request(format!("legal_entity: {e}")))
        })
        .transpose()
}

/// A JSON body as an object.
pub fn object(value: Value) -> Result<Map<String, Value>, ApiError> {
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(ApiError::bad_request("the body must be a JSON object")),
    }
}
