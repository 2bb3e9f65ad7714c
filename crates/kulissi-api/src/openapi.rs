//! The OpenAPI 3.1 document, generated from the handlers' annotations, served at
//! `/api/openapi.json` with a browsable page at `/api/docs`. A test keeps the committed
//! copy (`docs/openapi.json`) equal to it.

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::routes::{
    approvals, audit, compliance, drill, imports, ledger, messages, reconciliation, reference,
    session, settlement, staff, tokens, trades,
};

/// The document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Kulissi",
        description = "The back office's REST API. Every endpoint but /health, /ready, /metrics and /api/v1/login needs a session (cookie and X-CSRF-Token on changes) or an API token (Authorization: Bearer). Errors are RFC 9457 problem documents. Lists take offset, limit, sort, filter (field:value;...) and q.",
        license(name = "Apache-2.0")
    ),
    paths(
        session::health, session::ready, session::metrics, session::login, session::logout, session::me,
        trades::list, trades::book, trades::history, trades::amend, trades::cancel,
        reference::list, reference::change,
        ledger::positions, ledger::cash, ledger::trial, ledger::balance, ledger::income,
        ledger::propose, ledger::approve_journal, ledger::close_period, ledger::end_of_day,
        settlement::queue, settlement::exceptions, settlement::fails_list, settlement::instruct,
        settlement::breaks, settlement::assign, settlement::comment, settlement::resolve,
        settlement::write_off, settlement::approve_write_off,
        approvals::list, approvals::get, approvals::approve, approvals::reject,
        approvals::policy, approvals::set_policy,
        staff::employees, staff::hire, staff::move_employee, staff::leave,
        staff::users, staff::create_user, staff::set_roles, staff::set_password,
        tokens::list, tokens::issue, tokens::revoke,
        compliance::restricted, compliance::restrict, compliance::lift, compliance::alerts,
        compliance::work, compliance::surveillance,
        messages::send, imports::import, reconciliation::run,
        drill::statement, drill::corporate, drill::net, drill::resolve_exception,
        audit::events, audit::verify,
    ),
    modifiers(&Security)
)]
#[derive(Debug)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("an API token (kul_...), from POST /api/v1/tokens"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new("kulissi_session"))),
        );
    }
}

/// The document as pretty JSON.
pub fn json() -> String {
    ApiDoc::openapi().to_pretty_json().unwrap_or_default()
}
