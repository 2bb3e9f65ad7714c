//! Any message line, the way the message files carry it (`kulissi import messages`): prices,
//! FX rates, cash movements, corporate actions, settlement statuses and confirmations,
//! netting sets, tolerances, end of day. The person needs the command's own permission
//! (`kulissi_core::controls::roles::COMMANDS`); a kind that needs a second person becomes an
//! approval request.

use axum::extract::{Extension, State};
use kulissi_core::controls::roles::{command_name, permission_of};
use serde_json::Value;

use super::{Outcome, execute_or_request, object};
use crate::app::{AppState, Caller};
use crate::extract::Json;
use crate::problem::{ApiError, FieldError, Problem};

/// Send one message line (`{"type": ..., ...}`); an `end_of_day` line runs its three steps.
#[utoipa::path(post, path = "/api/v1/messages", tag = "messages",
    request_body(content = Object, description = "one line of a message file: a type and its fields (see kulissi_formats::refdata and settlement_status)"),
    responses((status = 200, body = [Outcome]), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn send(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Json(body): Json<Value>,
) -> Result<Json<Vec<Outcome>>, ApiError> {
    send_line(&app, &caller, object(body)?).await.map(Json)
}

/// Sends one message line as `caller`, under its command's permission; a kind that needs a
/// second person becomes an approval request. The API's `POST /api/v1/messages` and the
/// workbench's message form both come here.
pub async fn send_line(
    app: &AppState,
    caller: &Caller,
    line: serde_json::Map<String, Value>,
) -> Result<Vec<Outcome>, ApiError> {
    let line = serde_json::to_string(&Value::Object(line))
        .map_err(|e| ApiError::bad_request(e.to_string()))?;
    let items =
        kulissi_formats::read_refdata_jsonl(line.as_bytes(), "request body").map_err(|errors| {
            ApiError::invalid_body(
                "the body is not a valid message line",
                errors
                    .0
                    .into_iter()
                    .map(|e| FieldError {
                        line: None,
                        field: e.field,
                        message: e.message,
                    })
                    .collect(),
            )
        })?;
    for item in &items {
        let permission = permission_of(&item.item);
        if !caller.can(permission) {
            return Err(ApiError::forbidden(format!(
                "{} lacks the permission {} that {} needs",
                caller.principal.username,
                permission.name(),
                command_name(&item.item)
            )));
        }
    }
    let mut outcomes = Vec::new();
    for item in items {
        outcomes.push(execute_or_request(app, caller, item.item).await?);
    }
    Ok(outcomes)
}
