//! Running a reconciliation over HTTP: the statement is the body (CSV, with a source's saved
//! column mapping, or ISO 20022 semt.002 and camt.053), loaded once by its digest, as
//! `kulissi recon run` does.

use axum::body::Bytes;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use jiff::civil::Date;
use kulissi_core::engine::{Command, Event};
use kulissi_core::reconciliation::views::ReconDefinition;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::app::{AppState, Caller};
use crate::extract::{Json, Query};
use crate::problem::{ApiError, Problem};

/// A run's parameters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RunQuery {
    /// house-positions, client-assets, house-cash or client-money.
    pub definition: String,
    /// The statement's date.
    pub as_of: String,
    /// The legal entity (LEI), when there are several.
    pub legal_entity: Option<String>,
    /// The statement's source, whose saved column mapping reads a CSV statement.
    pub source: Option<String>,
    /// The statement's file name.
    pub name: Option<String>,
}

/// What a run found.
#[derive(Debug, Serialize, ToSchema)]
pub struct RunOutcome {
    /// The reconciliation.
    pub definition: String,
    /// The statement's date.
    pub as_of: String,
    /// Items compared.
    pub items: u64,
    /// Items matched.
    pub matched: u64,
    /// Breaks opened.
    pub opened: u64,
    /// Breaks still open, updated.
    pub updated: u64,
    /// Breaks closed by this run.
    pub closed: u64,
}

/// Reconcile a statement (the body) against our side as of its date.
#[utoipa::path(post, path = "/api/v1/reconciliation/runs", tag = "reconciliation", params(RunQuery),
    request_body(content = String, content_type = "text/plain", description = "the statement: CSV, semt.002 or camt.053"),
    responses((status = 200, body = RunOutcome), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine (a statement loaded before)"), (status = 413, body = Problem, content_type = "application/problem+json", description = "too large"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a statement of this reconciliation"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn run(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<RunQuery>,
    body: Bytes,
) -> Result<(StatusCode, Json<RunOutcome>), ApiError> {
    let outcome = run_statement(&app, &caller, q, body).await?;
    Ok((StatusCode::OK, Json(outcome)))
}

/// Reconciles a statement as `caller`. The API's run and the workbench's background runs
/// both come here.
pub async fn run_statement(
    app: &AppState,
    caller: &Caller,
    q: RunQuery,
    body: Bytes,
) -> Result<RunOutcome, ApiError> {
    let definition = ReconDefinition::parse(&q.definition).ok_or_else(|| {
        let names: Vec<&str> = ReconDefinition::ALL.iter().map(|d| d.name()).collect();
        ApiError::bad_request(format!(
            "definition '{}': expected one of {}",
            q.definition,
            names.join(", ")
        ))
    })?;
    let as_of: Date = q.as_of.parse().map_err(|e| {
        ApiError::bad_request(format!(
            "as_of: expected YYYY-MM-DD, found '{}': {e}",
            q.as_of
        ))
    })?;
    let lei = super::optional_lei(q.legal_entity.as_deref())?;
    let name = q
        .name
        .clone()
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| format!("{} statement of {as_of}", definition.name()));
    let digest = kulissi_formats::statement::statement_digest(&body);
    let source = q.source.clone().filter(|s| !s.is_empty());
    let statement_name = name.clone();
    let command = app
        .read(move |s| -> Result<Command, ApiError> {
            let mapping = kulissi_iso20022::statements::mapping_of(
                &s.reconciliations,
                source.as_deref(),
                definition,
            )
            .map_err(|e| ApiError::unprocessable(e.to_string()))?;
            let lines = kulissi_iso20022::statements::statement_lines(
                &body,
                &statement_name,
                definition,
                &mapping,
                as_of,
            )
            .map_err(|e| ApiError::unprocessable(format!("{e}; nothing was reconciled")))?;
            let legal_entity = match lei {
                Some(lei) => lei,
                None => {
                    let mut all = s.refdata.legal_entities.iter().map(|(_, e)| e.lei);
                    match (all.next(), all.next()) {
                        (Some(lei), None) => lei,
                        _ => {
                            return Err(ApiError::bad_request(
                                "legal_entity: required (there is not exactly one legal entity)",
                            ));
                        }
                    }
                }
            };
            Ok(Command::RunReconciliation {
                definition,
                legal_entity,
                as_of,
                statement: statement_name,
                digest,
                lines,
            })
        })
        .await??;
    let receipt = app.execute(app.envelope(caller, command)).await?;
    let seqs = receipt.seqs.clone();
    let outcome = app
        .read_store(move |store| {
            let mut found = None;
            store
                .read_log(
                    seqs.start,
                    Some(seqs.end.saturating_sub(1)),
                    &mut |record| {
                        if let Ok(Event::ReconciliationRan {
                            run,
                            opened,
                            updated,
                            closed,
                            ..
                        }) = kulissi_core::engine::codec::decode(&record.payload)
                        {
                            found = Some(RunOutcome {
                                definition: run.definition.name().to_owned(),
                                as_of: run.as_of.to_string(),
                                items: run.items,
                                matched: run.matched,
                                opened: opened.len() as u64,
                                updated: updated.len() as u64,
                                closed: closed.len() as u64,
                            });
                        }
                        Ok(true)
                    },
                )
                .map_err(|e| ApiError::unavailable(e.to_string()))?;
            found.ok_or_else(|| ApiError::unavailable("the run's event was not found"))
        })
        .await?;
    Ok(outcome)
}
