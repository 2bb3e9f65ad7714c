//! Maker-checker and the leaver, over HTTP against a real server (docs/domain.md §10):
//! a change waits as a request; its maker cannot approve it; a checker of the wrong
//! department cannot; an approval executes once however often it is sent; a rejection
//! leaves only the request and the rejection; a leaver's token and session stop at once.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::Server;
use serde_json::{Value, json};

/// An SSI change: the demo firm's first SSI with another cash account from a new date.
fn ssi_change(server: &Server, cash_account: &str) -> Value {
    let r = server.as_user(
        "auditor",
        "GET",
        "/api/v1/reference-data/ssis?sort=id",
        None,
    );
    let mut ssi = r.json()["items"][0].clone();
    let object = ssi.as_object_mut().unwrap();
    object.remove("id");
    if object["counterparty"].is_null() {
        object.remove("counterparty");
    }
    object.insert("type".into(), "ssi".into());
    object.insert("cash_account".into(), cash_account.into());
    object.insert("valid_from".into(), "2026-06-01".into());
    ssi
}

fn events_of_kind(server: &Server, kind: &str) -> Vec<Value> {
    let r = server.as_user(
        "auditor",
        "GET",
        &format!("/api/v1/audit/events?kind={kind}&limit=1000"),
        None,
    );
    assert_eq!(r.status, 200, "{}", r.text);
    r.json()["items"].as_array().unwrap().clone()
}

fn ssis_with_cash(server: &Server, cash_account: &str) -> usize {
    let r = server.as_user(
        "auditor",
        "GET",
        &format!("/api/v1/reference-data/ssis?filter=cash_account:{cash_account}"),
        None,
    );
    r.json()["total"].as_u64().unwrap() as usize
}

fn request_change(server: &Server, maker: &str, cash_account: &str) -> u64 {
    let r = server.as_user(
        maker,
        "POST",
        "/api/v1/reference-data",
        Some(&ssi_change(server, cash_account)),
    );
    assert_eq!(r.status, 202, "{}", r.text);
    assert_eq!(r.json()["status"], "pending_approval");
    r.json()["request_id"].as_u64().unwrap()
}

#[test]
fn an_ssi_change_waits_for_a_second_person_and_runs_once() {
    let server = Server::start("maker-checker");
    let id = request_change(&server, "settlements", "CASH-NEW-1");
    assert_eq!(
        ssis_with_cash(&server, "CASH-NEW-1"),
        0,
        "a pending change is not in force"
    );
    let pending = server.as_user("risk", "GET", &format!("/api/v1/approvals/{id}"), None);
    assert_eq!(pending.json()["status"], "pending");
    assert_eq!(pending.json()["maker"], "settlements");
    assert_eq!(pending.json()["command"]["cash_account"], "CASH-NEW-1");

    // The maker cannot approve their own request.
    let r = server.as_user(
        "settlements",
        "POST",
        &format!("/api/v1/approvals/{id}/approve"),
        None,
    );
    assert_eq!(r.status, 403, "{}", r.text);
    assert!(
        r.json()["detail"]
            .as_str()
            .unwrap()
            .contains("made this request"),
        "{}",
        r.text
    );

    // A front-office desk assistant holds the operations role but not the department.
    let r = server.as_user(
        "desk_assistant",
        "POST",
        &format!("/api/v1/approvals/{id}/approve"),
        None,
    );
    assert_eq!(r.status, 403, "{}", r.text);
    assert!(
        r.json()["detail"]
            .as_str()
            .unwrap()
            .contains("is in front_office, which does not check ssi changes"),
        "{}",
        r.text
    );
    // Risk may check reference data but not SSIs: the wrong department for this kind.
    let r = server.as_user(
        "risk",
        "POST",
        &format!("/api/v1/approvals/{id}/approve"),
        None,
    );
    assert_eq!(r.status, 403, "{}", r.text);
    assert_eq!(ssis_with_cash(&server, "CASH-NEW-1"), 0);

    // A second person of operations approves it, twice at the same moment and once more.
    let before = events_of_kind(&server, "SsiDefined").len();
    let approvals: Vec<_> = (0..2)
        .map(|_| {
            let address = server.address;
            let token = server.token("settlements2");
            std::thread::spawn(move || {
                common::request(
                    address,
                    "POST",
                    &format!("/api/v1/approvals/{id}/approve"),
                    &[("Authorization".into(), format!("Bearer {token}"))],
                    None,
                )
            })
        })
        .collect();
    let mut statuses: Vec<u16> = approvals
        .into_iter()
        .map(|t| t.join().unwrap().status)
        .collect();
    statuses.sort();
    assert_eq!(
        statuses,
        [200, 409],
        "one approval executes, the other is refused"
    );
    let again = server.as_user(
        "settlements2",
        "POST",
        &format!("/api/v1/approvals/{id}/approve"),
        None,
    );
    assert_eq!(again.status, 409, "{}", again.text);
    assert!(
        again.text.contains("is approved, not pending"),
        "{}",
        again.text
    );
    assert_eq!(
        events_of_kind(&server, "SsiDefined").len(),
        before + 1,
        "executed exactly once"
    );
    assert_eq!(ssis_with_cash(&server, "CASH-NEW-1"), 1);

    // Both people are in the log: the request by the maker, the approval by the checker,
    // and the SSI defined under the checker's name right after it.
    let requested = events_of_kind(&server, "ApprovalRequested");
    assert_eq!(requested.last().unwrap()["actor"], "person:settlements");
    let approved = events_of_kind(&server, "RequestApproved");
    assert_eq!(approved.len(), 1);
    assert_eq!(approved[0]["actor"], "person:settlements2");
    let defined = events_of_kind(&server, "SsiDefined");
    let last = defined.last().unwrap();
    assert_eq!(last["seq"], approved[0]["seq"].as_u64().unwrap() + 1);
    assert_eq!(last["actor"], "person:settlements2");
    let done = server.as_user("risk", "GET", &format!("/api/v1/approvals/{id}"), None);
    assert_eq!(
        (
            done.json()["status"].clone(),
            done.json()["checker"].clone()
        ),
        (json!("approved"), json!("settlements2"))
    );
}

#[test]
fn a_rejected_request_leaves_only_the_request_and_the_rejection() {
    let server = Server::start("rejection");
    let head = |server: &Server| {
        let r = server.as_user("auditor", "GET", "/api/v1/audit/events?limit=1000", None);
        r.json()["items"].as_array().unwrap().last().unwrap()["seq"]
            .as_u64()
            .unwrap()
    };
    let start = head(&server);
    let id = request_change(&server, "settlements", "CASH-REJECTED");
    let r = server.as_user(
        "settlements2",
        "POST",
        &format!("/api/v1/approvals/{id}/reject"),
        Some(&json!({"reason": "wrong account"})),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let after = server.as_user(
        "auditor",
        "GET",
        &format!("/api/v1/audit/events?after={start}"),
        None,
    );
    let kinds: Vec<String> = after.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(kinds, ["ApprovalRequested", "RequestRejected"]);
    assert_eq!(ssis_with_cash(&server, "CASH-REJECTED"), 0);
    let r = server.as_user(
        "settlements2",
        "POST",
        &format!("/api/v1/approvals/{id}/approve"),
        None,
    );
    assert_eq!(
        r.status, 409,
        "a rejected request cannot be approved after: {}",
        r.text
    );
    let shown = server.as_user("risk", "GET", &format!("/api/v1/approvals/{id}"), None);
    assert_eq!(shown.json()["status"], "rejected");
    assert_eq!(shown.json()["reason"], "wrong account");
}

#[test]
fn no_one_grants_themselves_a_role_and_roles_change_by_approval() {
    let server = Server::start("roles");
    let body = json!({"roles": ["hr_administrator", "auditor"]});
    let r = server.as_user(
        "hr_administrator",
        "POST",
        "/api/v1/staff/users/hr_administrator/roles",
        Some(&body),
    );
    assert_eq!(r.status, 403, "{}", r.text);
    assert!(
        r.text.contains("cannot change their own roles"),
        "{}",
        r.text
    );
    // HR asks for another person's roles; the same person cannot approve; a second HR
    // administrator does, and the new role is in force at once.
    let body = json!({"roles": ["settlements", "reconciliations"]});
    let r = server.as_user(
        "hr_administrator",
        "POST",
        "/api/v1/staff/users/settlements/roles",
        Some(&body),
    );
    assert_eq!(r.status, 202, "{}", r.text);
    let id = r.json()["request_id"].as_u64().unwrap();
    let r = server.as_user(
        "hr_administrator",
        "POST",
        &format!("/api/v1/approvals/{id}/approve"),
        None,
    );
    assert_eq!(r.status, 403);
    let comment = json!({"text": "looking"});
    let path = "/api/v1/reconciliation/breaks/999999/comment";
    let r = server.as_user("settlements", "POST", path, Some(&comment));
    assert_eq!(
        (r.status, r.problem().as_str()),
        (403, "forbidden"),
        "not yet a reconciler"
    );
    let r = server.as_user(
        "hr2",
        "POST",
        &format!("/api/v1/approvals/{id}/approve"),
        None,
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let me = server.as_user("settlements", "GET", "/api/v1/me", None);
    assert_eq!(
        me.json()["roles"],
        json!(["settlements"]),
        "a token keeps its scope"
    );
    let (cookie, csrf) = server.login("settlements");
    let session = [
        ("Cookie".to_owned(), cookie),
        ("X-CSRF-Token".to_owned(), csrf),
    ];
    let me = common::request(server.address, "GET", "/api/v1/me", &session, None);
    assert_eq!(
        me.json()["roles"],
        json!(["settlements", "reconciliations"])
    );
    let r = common::request(server.address, "POST", path, &session, Some(&comment));
    assert_ne!(r.problem(), "forbidden", "a reconciler now: {}", r.text);
    assert_eq!(r.status, 409, "no such break: {}", r.text);
}

#[test]
fn a_leavers_token_and_session_stop_at_once() {
    let server = Server::start("leaver");
    let (cookie, _) = server.login("leaver");
    let session = [("Cookie".to_owned(), cookie)];
    assert_eq!(
        server.as_user("leaver", "GET", "/api/v1/me", None).status,
        200
    );
    assert_eq!(
        common::request(server.address, "GET", "/api/v1/me", &session, None).status,
        200
    );
    let employee = {
        let r = server.as_user(
            "hr_administrator",
            "GET",
            "/api/v1/staff/users?filter=username:leaver",
            None,
        );
        r.json()["items"][0]["employee"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let r = server.as_user(
        "hr_administrator",
        "POST",
        &format!("/api/v1/staff/employees/{employee}/leave"),
        Some(&json!({"last_day": "2026-03-02"})),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let by_token = server.as_user("leaver", "GET", "/api/v1/me", None);
    assert_eq!(by_token.status, 401, "{}", by_token.text);
    let by_session = common::request(server.address, "GET", "/api/v1/me", &session, None);
    assert_eq!(by_session.status, 401, "{}", by_session.text);
    let login = common::request(
        server.address,
        "POST",
        "/api/v1/login",
        &[],
        Some(&json!({"username": "leaver", "password": common::PASSWORD})),
    );
    assert_eq!(login.status, 401);
    let users = server.as_user(
        "hr_administrator",
        "GET",
        "/api/v1/staff/users?filter=username:leaver",
        None,
    );
    assert_eq!(users.json()["items"][0]["active"], false);
}
