//! The endpoint table: every route the server answers, with the permission it needs. The
//! gate (`app::gate`) refuses a route without a row; `docs/permissions.md` is generated
//! from this table and the core's role table (`kulissi_core::controls::roles::GRANTS`), and
//! a test drives every row as every role.

use axum::http::Method;
use kulissi_core::controls::roles::{Permission, Role};

/// Who may call an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// A signed-in person holding the permission.
    Needs(Permission),
}

/// One route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    /// The HTTP method.
    pub method: &'static str,
    /// The route, with `{parameters}` as the router writes them.
    pub path: &'static str,
    /// Who may call it.
    pub access: Access,
    /// What it does.
    pub summary: &'static str,
}

use Access::{Needs, Public};
use Permission as P;

const fn e(
    method: &'static str,
    path: &'static str,
    access: Access,
    summary: &'static str,
) -> Endpoint {
    Endpoint {
        method,
        path,
        access,
        summary,
    }
}

/// Every endpoint.
pub const ENDPOINTS: &[Endpoint] = &[
    e("GET", "/health", Public, "the process is up"),
    e("GET", "/ready", Public, "the writer answers"),
    e("GET", "/metrics", Public, "Prometheus metrics"),
    e(
        "POST",
        "/api/v1/login",
        Public,
        "sign in: a session cookie and its CSRF token",
    ),
    e(
        "POST",
        "/api/v1/logout",
        Needs(P::Authenticated),
        "sign out",
    ),
    e(
        "GET",
        "/api/v1/me",
        Needs(P::Authenticated),
        "who am I: user, department, roles, permissions",
    ),
    e(
        "GET",
        "/api/openapi.json",
        Needs(P::Authenticated),
        "this API's OpenAPI 3.1 document",
    ),
    e(
        "GET",
        "/api/docs",
        Needs(P::Authenticated),
        "the browsable API documentation",
    ),
    e(
        "GET",
        "/api/docs/",
        Needs(P::Authenticated),
        "the browsable API documentation",
    ),
    e(
        "GET",
        "/api/docs/{*rest}",
        Needs(P::Authenticated),
        "the browsable API documentation's files",
    ),
    e(
        "GET",
        "/api/v1/trades",
        Needs(P::ViewTrades),
        "trades, current versions",
    ),
    e(
        "POST",
        "/api/v1/trades",
        Needs(P::BookTrades),
        "book a trade",
    ),
    e(
        "GET",
        "/api/v1/trades/{id}",
        Needs(P::ViewTrades),
        "a trade's versions",
    ),
    e(
        "POST",
        "/api/v1/trades/{id}/amend",
        Needs(P::AmendTrades),
        "amend a trade (after instruction: an approval request)",
    ),
    e(
        "POST",
        "/api/v1/trades/{id}/cancel",
        Needs(P::AmendTrades),
        "cancel a trade (after instruction: an approval request)",
    ),
    e(
        "GET",
        "/api/v1/reference-data/{kind}",
        Needs(P::ViewReferenceData),
        "reference data of a kind",
    ),
    e(
        "POST",
        "/api/v1/reference-data",
        Needs(P::ChangeReferenceData),
        "request a reference-data or SSI change",
    ),
    e(
        "GET",
        "/api/v1/positions",
        Needs(P::ViewPositions),
        "positions as of a date",
    ),
    e(
        "GET",
        "/api/v1/cash",
        Needs(P::ViewPositions),
        "cash balances",
    ),
    e(
        "GET",
        "/api/v1/ledger/trial-balance",
        Needs(P::ViewLedger),
        "the trial balance",
    ),
    e(
        "GET",
        "/api/v1/ledger/balance-sheet",
        Needs(P::ViewLedger),
        "the balance sheet",
    ),
    e(
        "GET",
        "/api/v1/ledger/income-statement",
        Needs(P::ViewLedger),
        "the income statement",
    ),
    e(
        "POST",
        "/api/v1/ledger/journal-entries",
        Needs(P::PostJournals),
        "propose a manual journal entry",
    ),
    e(
        "POST",
        "/api/v1/ledger/journal-entries/{reference}/approve",
        Needs(P::ApproveJournals),
        "approve a manual journal entry",
    ),
    e(
        "POST",
        "/api/v1/ledger/period-close",
        Needs(P::ClosePeriods),
        "request a period close",
    ),
    e(
        "POST",
        "/api/v1/end-of-day",
        Needs(P::RunEndOfDay),
        "run a legal entity's end of day",
    ),
    e(
        "GET",
        "/api/v1/settlement/instructions",
        Needs(P::ViewSettlement),
        "the settlement queue",
    ),
    e(
        "GET",
        "/api/v1/settlement/exceptions",
        Needs(P::ViewSettlement),
        "settlement exceptions",
    ),
    e(
        "GET",
        "/api/v1/settlement/fails",
        Needs(P::ViewSettlement),
        "fails with their age and penalties",
    ),
    e(
        "POST",
        "/api/v1/settlement/instruct",
        Needs(P::WorkSettlement),
        "instruct a day's trades",
    ),
    e(
        "GET",
        "/api/v1/reconciliation/breaks",
        Needs(P::ViewReconciliation),
        "reconciliation breaks",
    ),
    e(
        "POST",
        "/api/v1/reconciliation/breaks/{id}/assign",
        Needs(P::WorkBreaks),
        "assign a break",
    ),
    e(
        "POST",
        "/api/v1/reconciliation/breaks/{id}/comment",
        Needs(P::WorkBreaks),
        "comment on a break",
    ),
    e(
        "POST",
        "/api/v1/reconciliation/breaks/{id}/resolve",
        Needs(P::WorkBreaks),
        "resolve a break",
    ),
    e(
        "POST",
        "/api/v1/reconciliation/breaks/{id}/write-off",
        Needs(P::WorkBreaks),
        "ask to write a break off",
    ),
    e(
        "POST",
        "/api/v1/reconciliation/breaks/{id}/approve-write-off",
        Needs(P::ApproveWriteOffs),
        "approve a write-off",
    ),
    e(
        "GET",
        "/api/v1/approvals",
        Needs(P::ViewApprovals),
        "approval requests",
    ),
    e(
        "GET",
        "/api/v1/approvals/{id}",
        Needs(P::ViewApprovals),
        "one approval request",
    ),
    e(
        "POST",
        "/api/v1/approvals/{id}/approve",
        Needs(P::ViewApprovals),
        "approve a request (the engine checks the checker)",
    ),
    e(
        "POST",
        "/api/v1/approvals/{id}/reject",
        Needs(P::ViewApprovals),
        "reject a request (the engine checks the checker)",
    ),
    e(
        "GET",
        "/api/v1/approval-policy",
        Needs(P::ViewApprovals),
        "which kinds need a second person",
    ),
    e(
        "PUT",
        "/api/v1/approval-policy",
        Needs(P::Administer),
        "set which kinds need a second person",
    ),
    e(
        "GET",
        "/api/v1/staff/employees",
        Needs(P::ViewStaff),
        "the staff directory",
    ),
    e(
        "POST",
        "/api/v1/staff/employees",
        Needs(P::ManageStaff),
        "a joiner",
    ),
    e(
        "POST",
        "/api/v1/staff/employees/{id}/move",
        Needs(P::ManageStaff),
        "a mover",
    ),
    e(
        "POST",
        "/api/v1/staff/employees/{id}/leave",
        Needs(P::ManageStaff),
        "a leaver",
    ),
    e(
        "GET",
        "/api/v1/staff/users",
        Needs(P::ViewStaff),
        "users and their roles",
    ),
    e(
        "POST",
        "/api/v1/staff/users",
        Needs(P::ManageUsers),
        "create a user (roles by approval)",
    ),
    e(
        "POST",
        "/api/v1/staff/users/{username}/roles",
        Needs(P::ManageUsers),
        "request a role change",
    ),
    e(
        "POST",
        "/api/v1/staff/users/{username}/password",
        Needs(P::ManageUsers),
        "set a user's password",
    ),
    e(
        "GET",
        "/api/v1/tokens",
        Needs(P::Authenticated),
        "API tokens: one's own (all with manage_all_tokens)",
    ),
    e(
        "POST",
        "/api/v1/tokens",
        Needs(P::Authenticated),
        "issue an API token for oneself (shown once)",
    ),
    e(
        "DELETE",
        "/api/v1/tokens/{id}",
        Needs(P::Authenticated),
        "revoke a token: one's own (any with manage_all_tokens)",
    ),
    e(
        "GET",
        "/api/v1/compliance/restricted",
        Needs(P::ViewCompliance),
        "the restricted list",
    ),
    e(
        "POST",
        "/api/v1/compliance/restricted",
        Needs(P::ManageCompliance),
        "restrict an instrument",
    ),
    e(
        "POST",
        "/api/v1/compliance/restricted/{id}/lift",
        Needs(P::ManageCompliance),
        "lift a restriction",
    ),
    e(
        "GET",
        "/api/v1/compliance/alerts",
        Needs(P::ViewCompliance),
        "surveillance alerts",
    ),
    e(
        "POST",
        "/api/v1/compliance/alerts/{id}",
        Needs(P::ManageCompliance),
        "work an alert: assign, comment, close",
    ),
    e(
        "PUT",
        "/api/v1/compliance/surveillance",
        Needs(P::ManageCompliance),
        "set the surveillance thresholds",
    ),
    e(
        "POST",
        "/api/v1/imports/{kind}",
        Needs(P::Authenticated),
        "import a file (trades, messages, settlement-status), all or nothing, exactly once: every command's own permission applies",
    ),
    e(
        "GET",
        "/api/v1/ledger/accounts/{account}/statement",
        Needs(P::ViewLedger),
        "an account's entries down to the event and trade",
    ),
    e(
        "GET",
        "/api/v1/corporate-actions",
        Needs(P::ViewPositions),
        "corporate actions announced and their status",
    ),
    e(
        "GET",
        "/api/v1/settlement/netting",
        Needs(P::ViewSettlement),
        "a day's settlement obligations, net and gross",
    ),
    e(
        "POST",
        "/api/v1/settlement/exceptions/{id}/resolve",
        Needs(P::WorkSettlement),
        "resolve a settlement exception",
    ),
    e(
        "POST",
        "/api/v1/reconciliation/runs",
        Needs(P::WorkBreaks),
        "reconcile a statement (the body) against our side",
    ),
    e(
        "POST",
        "/api/v1/messages",
        Needs(P::Authenticated),
        "send any message line (prices, cash, corporate actions, settlement, ...): the command's own permission applies",
    ),
    e(
        "GET",
        "/api/v1/audit/events",
        Needs(P::ViewAudit),
        "the event log, filtered",
    ),
    e(
        "GET",
        "/api/v1/audit/verify",
        Needs(P::ViewAudit),
        "verify the hash chain and the read models",
    ),
];

/// The row of a route (an index built on first use: the gate asks on every request).
pub fn endpoint(method: &Method, path: &str) -> Option<&'static Endpoint> {
    static INDEX: std::sync::OnceLock<
        std::collections::HashMap<(&'static str, &'static str), &'static Endpoint>,
    > = std::sync::OnceLock::new();
    INDEX
        .get_or_init(|| ENDPOINTS.iter().map(|e| ((e.method, e.path), e)).collect())
        .get(&(method.as_str(), path))
        .copied()
}

/// Whether a role may call an endpoint.
pub fn allows(endpoint: &Endpoint, role: Role) -> bool {
    match endpoint.access {
        Access::Public => true,
        Access::Needs(p) => p.roles().contains(&role),
    }
}

/// `docs/permissions.md`: the roles, the permissions and every endpoint, generated.
pub fn permissions_markdown() -> String {
    let mut out = String::from(
        "# Permissions\n\nGenerated from the code (`kulissi_core::controls::roles::GRANTS` and `kulissi_api::endpoints::ENDPOINTS`) by `kulissi docs permissions`; a test fails when this file differs. Every request but the public ones needs a session or an API token; the server checks the permission of the route against the caller's roles (a token's scope narrows its user's roles), and the engine checks the segregation of duties on top.\n\n## Roles by permission\n\n| permission | what it allows |",
    );
    for role in Role::ALL {
        out.push_str(&format!(" {} |", role.name()));
    }
    out.push_str("\n|---|---|");
    for _ in Role::ALL {
        out.push_str("---|");
    }
    out.push('\n');
    for (permission, description, _) in kulissi_core::controls::roles::GRANTS {
        out.push_str(&format!("| `{}` | {description} |", permission.name()));
        for role in Role::ALL {
            out.push_str(if permission.roles().contains(&role) {
                " yes |"
            } else {
                " |"
            });
        }
        out.push('\n');
    }
    out.push_str("\n## Endpoints\n\n| method | path | permission | roles | what it does |\n|---|---|---|---|---|\n");
    for e in ENDPOINTS {
        let (permission, roles) = match e.access {
            Access::Public => ("public".to_owned(), "anyone".to_owned()),
            Access::Needs(p) => (
                format!("`{}`", p.name()),
                Role::ALL
                    .into_iter()
                    .filter(|r| p.roles().contains(r))
                    .map(Role::name)
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        };
        out.push_str(&format!(
            "| {} | `{}` | {permission} | {roles} | {} |\n",
            e.method, e.path, e.summary
        ));
    }
    out.push_str("\n## Commands\n\nEvery command the engine takes, and the permission a person needs to send it (through its endpoint, or as a message line to `POST /api/v1/messages`); a request for approval needs its command's.\n\n| command | permission | roles |\n|---|---|---|\n");
    for (name, permission) in kulissi_core::controls::roles::COMMANDS {
        out.push_str(&format!(
            "| `{name}` | `{}` | {} |\n",
            permission.name(),
            Role::ALL
                .into_iter()
                .filter(|r| permission.roles().contains(r))
                .map(Role::name)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    out.push_str("\n## Segregation of duties (enforced by the engine)\n\n");
    out.push_str("- A command of a kind in the approval policy, sent directly by a person, is refused: it must be requested, and a second person approves it.\n");
    out.push_str("- No one approves or rejects their own request, manual journal or write-off.\n");
    out.push_str("- The checker must be in a department that checks the kind, and hold its approval permission:\n");
    for kind in kulissi_core::controls::approvals::ApprovalKind::ALL {
        out.push_str(&format!(
            "  - `{}`: {} (`{}`)\n",
            kind.name(),
            kind.checker_departments()
                .iter()
                .map(|d| d.name())
                .collect::<Vec<_>>()
                .join(", "),
            kind.checker_permission().name()
        ));
    }
    out.push_str("- No one changes their own roles, directly or by request.\n");
    out.push_str(
        "- The front office checks nothing of the back office's: no approval kind names it.\n",
    );
    out
}
