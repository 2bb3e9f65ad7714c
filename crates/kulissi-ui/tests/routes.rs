//! Every route the workbench's router answers has a row in `ROUTES` (so the gate knows its
//! permission and does not refuse it), and every row has a route: read from the router's
//! source, since axum does not list its routes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use kulissi_ui::routes::ROUTES;

/// (method, path) of every `.route("...", get(..).post(..))` in `routes.rs`.
fn routed() -> BTreeSet<(String, String)> {
    let source = include_str!("../src/routes.rs");
    let body = source.split("pub(crate) fn routes()").nth(1).unwrap();
    let mut found = BTreeSet::new();
    for call in body.split(".route(").skip(1) {
        let path = call.split('"').nth(1).unwrap().to_owned();
        // The call ends at the next `.route(` or `.layer(`: its methods are before that.
        let methods = call.split(".layer(").next().unwrap();
        for (token, method) in [("get(", "GET"), ("post(", "POST")] {
            if methods.contains(token) {
                found.insert((method.to_owned(), path.clone()));
            }
        }
    }
    found
}

#[test]
fn every_route_has_a_row_and_every_row_a_route() {
    let rows: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|r| (r.method.to_owned(), r.path.to_owned()))
        .collect();
    let routed = routed();
    assert!(routed.len() > 20, "{routed:?}");
    let without_row: Vec<_> = routed.difference(&rows).collect();
    let without_route: Vec<_> = rows.difference(&routed).collect();
    assert!(
        without_row.is_empty(),
        "routes without a row: {without_row:?}"
    );
    assert!(
        without_route.is_empty(),
        "rows without a route: {without_route:?}"
    );
}
