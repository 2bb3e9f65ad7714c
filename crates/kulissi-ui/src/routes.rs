//! Every route of the workbench with the permission it needs and, for pages, where it sits
//! in the navigation. The gate refuses a route without a row here, and the navigation is
//! made from the same rows, so a person sees a link exactly when they may follow it.

use axum::Router;
use axum::routing::{get, post};
use kulissi_core::controls::roles::Permission;

use crate::Ui;
use crate::pages::{
    approvals, audit, breaks, compliance, corporate_actions, dashboard, jobs, ledger, messages,
    reference, session, settlement, staff, trades,
};

/// A route of the workbench.
#[derive(Debug, Clone, Copy)]
pub struct UiRoute {
    /// `GET` or `POST`.
    pub method: &'static str,
    /// The route as axum matches it.
    pub path: &'static str,
    /// What it needs; `None` for the sign-in page and the assets.
    pub permission: Option<Permission>,
    /// The navigation section and label, for pages that appear there.
    pub nav: Option<(&'static str, &'static str)>,
}

const fn page(
    path: &'static str,
    permission: Permission,
    section: &'static str,
    label: &'static str,
) -> UiRoute {
    UiRoute {
        method: "GET",
        path,
        permission: Some(permission),
        nav: Some((section, label)),
    }
}

const fn get_(path: &'static str, permission: Permission) -> UiRoute {
    UiRoute {
        method: "GET",
        path,
        permission: Some(permission),
        nav: None,
    }
}

const fn post_(path: &'static str, permission: Permission) -> UiRoute {
    UiRoute {
        method: "POST",
        path,
        permission: Some(permission),
        nav: None,
    }
}

use Permission as P;

/// The sections of the navigation, in order.
pub const SECTIONS: [&str; 7] = [
    "Overview",
    "Trading",
    "Settlement",
    "Reconciliation",
    "Ledger",
    "Controls",
    "Operations",
];

/// Every route of the workbench.
pub const ROUTES: &[UiRoute] = &[
    UiRoute {
        method: "GET",
        path: "/login",
        permission: None,
        nav: None,
    },
    UiRoute {
        method: "POST",
        path: "/login",
        permission: None,
        nav: None,
    },
    UiRoute {
        method: "GET",
        path: "/assets/{file}",
        permission: None,
        nav: None,
    },
    post_("/logout", P::Authenticated),
    page("/", P::Authenticated, "Overview", "Dashboard"),
    page("/trades", P::ViewTrades, "Trading", "Trade blotter"),
    page("/trades/new", P::BookTrades, "Trading", "Book a trade"),
    post_("/trades", P::BookTrades),
    get_("/trades/{id}", P::ViewTrades),
    page("/positions", P::ViewPositions, "Trading", "Positions"),
    page(
        "/settlement",
        P::ViewSettlement,
        "Settlement",
        "Settlement queue",
    ),
    page(
        "/settlement/fails",
        P::ViewSettlement,
        "Settlement",
        "Fails and penalties",
    ),
    page(
        "/settlement/exceptions",
        P::ViewSettlement,
        "Settlement",
        "Exceptions",
    ),
    page(
        "/settlement/netting",
        P::ViewSettlement,
        "Settlement",
        "Netting",
    ),
    page(
        "/breaks",
        P::ViewReconciliation,
        "Reconciliation",
        "Break workbench",
    ),
    post_("/breaks", P::WorkBreaks),
    page(
        "/ledger/trial-balance",
        P::ViewLedger,
        "Ledger",
        "Trial balance",
    ),
    page(
        "/ledger/balance-sheet",
        P::ViewLedger,
        "Ledger",
        "Balance sheet",
    ),
    page(
        "/ledger/income-statement",
        P::ViewLedger,
        "Ledger",
        "Income statement",
    ),
    get_("/ledger/accounts/{account}", P::ViewLedger),
    get_("/events/{seq}", P::ViewLedger),
    page(
        "/approvals",
        P::ViewApprovals,
        "Controls",
        "Approvals inbox",
    ),
    post_("/approvals/{id}/{decision}", P::ViewApprovals),
    page("/staff", P::ViewStaff, "Controls", "Staff directory"),
    post_("/staff/{action}", P::ManageStaff),
    page(
        "/alerts",
        P::ViewCompliance,
        "Controls",
        "Compliance alerts",
    ),
    post_("/alerts", P::ManageCompliance),
    page("/audit", P::ViewAudit, "Controls", "Audit log"),
    page(
        "/reference",
        P::ViewReferenceData,
        "Operations",
        "Reference data",
    ),
    post_("/reference", P::ChangeReferenceData),
    page(
        "/corporate-actions",
        P::ViewPositions,
        "Operations",
        "Corporate actions",
    ),
    page(
        "/messages",
        P::Authenticated,
        "Operations",
        "Send a message",
    ),
    post_("/messages", P::Authenticated),
    page("/jobs", P::Authenticated, "Operations", "Jobs and uploads"),
    get_("/jobs/list", P::Authenticated),
    post_("/jobs/{kind}", P::Authenticated),
];

/// The row of a route.
pub fn route(method: &str, path: &str) -> Option<&'static UiRoute> {
    ROUTES.iter().find(|r| r.method == method && r.path == path)
}

/// The workbench's routes (without their gate and state).
pub(crate) fn routes() -> Router<Ui> {
    Router::new()
        .route("/login", get(session::login_page).post(session::login))
        .route("/logout", post(session::logout))
        .route("/assets/{file}", get(crate::assets::serve))
        .route("/", get(dashboard::page))
        .route("/trades", get(trades::blotter).post(trades::book))
        .route("/trades/new", get(trades::new_trade))
        .route("/trades/{id}", get(trades::trade))
        .route("/positions", get(trades::positions))
        .route("/settlement", get(settlement::queue))
        .route("/settlement/fails", get(settlement::fails))
        .route("/settlement/exceptions", get(settlement::exceptions))
        .route("/settlement/netting", get(settlement::netting))
        .route("/corporate-actions", get(corporate_actions::list_page))
        .route("/messages", get(messages::page).post(messages::send))
        .route("/breaks", get(breaks::workbench).post(breaks::act))
        .route("/ledger/trial-balance", get(ledger::trial_balance))
        .route("/ledger/balance-sheet", get(ledger::balance_sheet))
        .route("/ledger/income-statement", get(ledger::income_statement))
        .route("/ledger/accounts/{account}", get(ledger::account))
        .route("/events/{seq}", get(ledger::event))
        .route("/approvals", get(approvals::inbox))
        .route("/approvals/{id}/{decision}", post(approvals::decide))
        .route("/staff", get(staff::directory))
        .route("/staff/{action}", post(staff::act))
        .route("/alerts", get(compliance::alerts).post(compliance::work))
        .route("/audit", get(audit::log))
        .route("/reference", get(reference::page).post(reference::change))
        .route("/jobs", get(jobs::page))
        .route("/jobs/list", get(jobs::list))
        .route("/jobs/{kind}", post(jobs::start))
        .layer(axum::extract::DefaultBodyLimit::max(256 << 20))
}
