//! Who may call what: `docs/permissions.md` is what the code's tables say, and every
//! endpoint, called as every role and as nobody, answers exactly as the table says.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::Server;
use kulissi_api::endpoints::{Access, ENDPOINTS, allows};
use kulissi_core::controls::roles::Role;
use serde_json::json;

fn repository_file(path: &str) -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    std::fs::read_to_string(root.join(path)).unwrap_or_default()
}

#[test]
fn the_documents_are_generated_from_the_code() {
    assert_eq!(
        repository_file("docs/permissions.md"),
        kulissi_api::endpoints::permissions_markdown(),
        "docs/permissions.md is stale: run `kulissi docs permissions > docs/permissions.md`"
    );
    assert_eq!(
        repository_file("docs/openapi.json").trim_end(),
        kulissi_api::openapi::json(),
        "docs/openapi.json is stale: run `kulissi docs openapi > docs/openapi.json`"
    );
    assert_eq!(
        repository_file("docs/configuration.md"),
        kulissi_api::Config::markdown(),
        "docs/configuration.md is stale: run `kulissi docs config > docs/configuration.md`"
    );
}

/// A concrete path for a route: parameters that name nothing, so that an allowed call is
/// refused by the handler (404, 400), never changes anything.
fn concrete(path: &str) -> String {
    path.replace("{id}", "999999")
        .replace("{kind}", "instruments")
        .replace("{reference}", "NO-SUCH-ENTRY")
        .replace("{username}", "nobody")
        .replace("{*rest}", "index.html")
        .replace("{account}", "1100")
}

#[test]
fn every_endpoint_as_every_role_gets_what_the_table_says() {
    let server = Server::start("permissions");
    let body = json!({});
    let mut checked = 0;
    for endpoint in ENDPOINTS {
        let path = concrete(endpoint.path);
        let body = matches!(endpoint.method, "POST" | "PUT").then_some(&body);
        // Nobody signed in.
        if endpoint.path != "/api/v1/login" && endpoint.path != "/api/v1/logout" {
            let r = server.call(endpoint.method, &path, None, body);
            match endpoint.access {
                Access::Public => assert_ne!(r.status, 401, "{} {path}", endpoint.method),
                Access::Needs(_) => assert_eq!(
                    (r.status, r.problem().as_str()),
                    (401, "unauthenticated"),
                    "{} {path} without credentials",
                    endpoint.method
                ),
            }
        }
        for role in Role::ALL {
            let r = server.as_user(role.name(), endpoint.method, &path, body);
            let refused_at_the_door =
                r.status == 401 || (r.status == 403 && r.problem() == "forbidden");
            assert_eq!(
                !refused_at_the_door,
                allows(endpoint, role),
                "{} {path} as {}: {} {}",
                endpoint.method,
                role.name(),
                r.status,
                r.text
            );
            assert!(
                r.status < 500,
                "{} {path} as {}: {}",
                endpoint.method,
                role.name(),
                r.text
            );
            checked += 1;
        }
    }
    assert_eq!(checked, ENDPOINTS.len() * Role::ALL.len());
}

#[test]
fn every_route_the_router_answers_has_a_row() {
    // A route missing from the table is refused by the gate even for the administrator;
    // the table's rows are exactly the OpenAPI paths plus the documentation's own.
    let doc: serde_json::Value = serde_json::from_str(&kulissi_api::openapi::json()).unwrap();
    let mut documented = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.push((method.to_uppercase(), path.clone()));
        }
    }
    let mut rows: Vec<(String, String)> = ENDPOINTS
        .iter()
        .filter(|e| !e.path.starts_with("/api/docs") && e.path != "/api/openapi.json")
        .map(|e| (e.method.to_owned(), e.path.to_owned()))
        .collect();
    documented.sort();
    rows.sort();
    assert_eq!(documented, rows);
}

#[test]
fn a_session_needs_its_csrf_token_to_change_anything() {
    let server = Server::start("csrf");
    let (cookie, csrf) = server.login("compliance_officer");
    let headers = |with_csrf: bool| {
        let mut h = vec![("Cookie".to_owned(), cookie.clone())];
        if with_csrf {
            h.push(("X-CSRF-Token".to_owned(), csrf.clone()));
        }
        h
    };
    let isin = server.isin(0);
    let body = json!({"isin": isin, "reason": "mandate"});
    let me = common::request(server.address, "GET", "/api/v1/me", &headers(false), None);
    assert_eq!(me.status, 200, "a read needs no CSRF token");
    let r = common::request(
        server.address,
        "POST",
        "/api/v1/compliance/restricted",
        &headers(false),
        Some(&body),
    );
    assert_eq!(
        (r.status, r.problem().as_str()),
        (403, "forbidden"),
        "{}",
        r.text
    );
    let r = common::request(
        server.address,
        "POST",
        "/api/v1/compliance/restricted",
        &headers(true),
        Some(&body),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    // Logging out ends the session.
    let r = common::request(
        server.address,
        "POST",
        "/api/v1/logout",
        &headers(true),
        None,
    );
    assert_eq!(r.status, 204);
    let r = common::request(server.address, "GET", "/api/v1/me", &headers(false), None);
    assert_eq!(r.status, 401);
}

#[test]
fn failed_logins_are_throttled_per_user() {
    let server = Server::start("throttle");
    let bad = json!({"username": "auditor", "password": "not the password at all"});
    for _ in 0..5 {
        let r = common::request(server.address, "POST", "/api/v1/login", &[], Some(&bad));
        assert_eq!(r.status, 401);
    }
    let good = json!({"username": "auditor", "password": common::PASSWORD});
    let r = common::request(server.address, "POST", "/api/v1/login", &[], Some(&good));
    assert_eq!(r.status, 429, "{}", r.text);
    assert!(r.header("retry-after").is_some());
}

#[test]
fn a_token_issued_over_the_api_is_shown_once_scoped_and_stops_when_revoked() {
    let server = Server::start("tokens");
    // The accountant issues a read-only token for a reporting system.
    let r = server.as_user(
        "accountant",
        "POST",
        "/api/v1/tokens",
        Some(&json!({"name": "reporting", "roles": ["accountant"], "days": 7})),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let (id, token) = (
        r.json()["id"].as_u64().unwrap(),
        r.json()["token"].as_str().unwrap().to_owned(),
    );
    let list = server.as_user("accountant", "GET", "/api/v1/tokens", None);
    assert!(
        !list.text.contains(&token),
        "the secret is shown once, never listed"
    );
    let me = server.call("GET", "/api/v1/me", Some(&token), None);
    assert_eq!(me.json()["roles"], json!(["accountant"]));
    // Beyond one's own roles: refused.
    let r = server.as_user(
        "accountant",
        "POST",
        "/api/v1/tokens",
        Some(&json!({"name": "x", "roles": ["trader"]})),
    );
    assert_eq!(r.status, 403, "{}", r.text);
    // Another's token: only a system administrator revokes it.
    let r = server.as_user("auditor", "DELETE", &format!("/api/v1/tokens/{id}"), None);
    assert_eq!(r.status, 403, "{}", r.text);
    let r = server.as_user(
        "accountant",
        "DELETE",
        &format!("/api/v1/tokens/{id}"),
        None,
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let me = server.call("GET", "/api/v1/me", Some(&token), None);
    assert_eq!(me.status, 401, "revoked at once");
}
