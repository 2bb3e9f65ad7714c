//! Trades and messages over HTTP: booking exactly once, the blotter's filters, the
//! restricted list's refusal by name, an instructed trade's amendment through approval, and
//! a message line needing its command's own permission.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::Server;
use serde_json::{Value, json};

fn booking(server: &Server, i: u64) -> Value {
    let envelope = server.firm.trade(3, i, 100);
    kulissi_formats::messages::command_object(&envelope.command).unwrap()
}

#[test]
fn a_trade_is_booked_once_found_on_the_blotter_and_amended_through_approval_once_instructed() {
    let server = Server::start("trading");
    let trade = booking(&server, 0);
    let r = server.as_user("trader", "POST", "/api/v1/trades", Some(&trade));
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.json()["trade_id"].as_u64().unwrap();
    let again = server.as_user("trader", "POST", "/api/v1/trades", Some(&trade));
    assert_eq!(
        (again.status, again.json()["status"].clone()),
        (200, json!("duplicate"))
    );
    assert_eq!(again.json()["trade_id"], id);

    let external_id = trade["external_id"].as_str().unwrap();
    let blotter = server.as_user(
        "auditor",
        "GET",
        &format!("/api/v1/trades?filter=external_id:{external_id}"),
        None,
    );
    assert_eq!(blotter.json()["total"], 1, "{}", blotter.text);
    assert_eq!(blotter.json()["items"][0]["trade_id"], id);

    // A bad field is named.
    let mut bad = trade.clone();
    bad["quantity"] = json!("1,000");
    bad["external_id"] = json!("BAD-1");
    let r = server.as_user("trader", "POST", "/api/v1/trades", Some(&bad));
    assert_eq!(r.status, 400, "{}", r.text);
    assert_eq!(r.json()["errors"][0]["field"], "$.quantity", "{}", r.text);

    // Before instruction, operations amend directly; once instructed, by approval.
    let mut amended = trade.clone();
    let quantity: rust_decimal::Decimal = trade["quantity"].as_str().unwrap().parse().unwrap();
    amended["quantity"] = json!((quantity + rust_decimal::Decimal::ONE).to_string());
    let r = server.as_user(
        "settlements",
        "POST",
        &format!("/api/v1/trades/{id}/amend"),
        Some(&amended),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let date = trade["trade_date"].as_str().unwrap();
    let r = server.as_user(
        "settlements",
        "POST",
        "/api/v1/settlement/instruct",
        Some(&json!({"date": date})),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    amended["quantity"] = json!((quantity + rust_decimal::Decimal::TWO).to_string());
    let r = server.as_user(
        "settlements",
        "POST",
        &format!("/api/v1/trades/{id}/amend"),
        Some(&amended),
    );
    assert_eq!(r.status, 202, "{}", r.text);
    let request = r.json()["request_id"].as_u64().unwrap();
    let versions = |server: &Server| {
        server
            .as_user("auditor", "GET", &format!("/api/v1/trades/{id}"), None)
            .json()["total"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(
        versions(&server),
        2,
        "the pending amendment is not in force"
    );
    let r = server.as_user(
        "settlements2",
        "POST",
        &format!("/api/v1/approvals/{request}/approve"),
        None,
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(versions(&server), 3);
    let r = server.as_user(
        "settlements2",
        "POST",
        &format!("/api/v1/approvals/{request}/approve"),
        None,
    );
    assert_eq!(r.status, 409);
    assert_eq!(versions(&server), 3, "once");
}

#[test]
fn the_restricted_list_refuses_a_booking_by_name_over_http() {
    let server = Server::start("restricted");
    let trade = booking(&server, 1);
    let isin = trade["isin"].as_str().unwrap();
    let r = server.as_user(
        "compliance_officer",
        "POST",
        "/api/v1/compliance/restricted",
        Some(&json!({"isin": isin, "reason": "advisory mandate"})),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let r = server.as_user("trader", "POST", "/api/v1/trades", Some(&trade));
    assert_eq!(r.status, 409, "{}", r.text);
    assert!(
        r.json()["detail"]
            .as_str()
            .unwrap()
            .contains("is on the restricted list (entry 1: advisory mandate)"),
        "{}",
        r.text
    );
    let r = server.as_user(
        "compliance_officer",
        "POST",
        "/api/v1/compliance/restricted/1/lift",
        Some(&json!({"reason": "mandate ended"})),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let r = server.as_user("trader", "POST", "/api/v1/trades", Some(&trade));
    assert_eq!(r.status, 201, "{}", r.text);
}

#[test]
fn a_message_line_needs_its_commands_own_permission() {
    let server = Server::start("messages");
    let isin = server.isin(0);
    let price = json!({"type": "price", "isin": isin, "date": "2026-03-02", "price": "12.34", "source": "XHEL close"});
    let r = server.as_user("trader", "POST", "/api/v1/messages", Some(&price));
    assert_eq!(
        (r.status, r.problem().as_str()),
        (403, "forbidden"),
        "{}",
        r.text
    );
    assert!(
        r.text.contains("record_market_data that RecordPrice needs"),
        "{}",
        r.text
    );
    let r = server.as_user("risk", "POST", "/api/v1/messages", Some(&price));
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()[0]["status"], "done");
    let mut bad = price.clone();
    bad["price"] = json!("12,34");
    let r = server.as_user("risk", "POST", "/api/v1/messages", Some(&bad));
    assert_eq!(r.status, 400, "{}", r.text);
    assert_eq!(r.json()["errors"][0]["field"], "$.price", "{}", r.text);
}

fn upload(server: &Server, user: &str, path: &str, body: &str) -> common::Response {
    let headers = [
        (
            "Authorization".to_owned(),
            format!("Bearer {}", server.token(user)),
        ),
        ("Content-Type".to_owned(), "text/plain".to_owned()),
        ("Content-Length".to_owned(), body.len().to_string()),
    ];
    common::request_raw(server.address, "POST", path, &headers, body.as_bytes())
}

#[test]
fn a_file_is_imported_all_or_nothing_and_exactly_once() {
    let server = Server::start("imports");
    let lines: Vec<String> = (10..13).map(|i| booking(&server, i).to_string()).collect();
    let file = lines.join("\n") + "\n";
    let path = "/api/v1/imports/messages?name=desk.jsonl";
    // A line the sender may not send refuses the whole file, naming the line.
    let isin = server.isin(0);
    let price = json!({"type": "price", "isin": isin, "date": "2026-03-02", "price": "1.00", "source": "x"});
    let mixed = format!("{file}{price}\n");
    let r = upload(&server, "trader", path, &mixed);
    assert_eq!(r.status, 403, "{}", r.text);
    assert!(r.text.contains("desk.jsonl line 4"), "{}", r.text);
    let count = |server: &Server| {
        server
            .as_user("auditor", "GET", "/api/v1/trades", None)
            .json()["total"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(count(&server), 0, "nothing was imported");
    // A malformed line refuses the file too.
    let broken = format!("{}\n{{\"type\":\"trade\",\"action\":\"book\"\n", lines[0]);
    let r = upload(&server, "trader", path, &broken);
    assert_eq!(r.status, 400, "{}", r.text);
    assert_eq!(r.json()["errors"][0]["line"], 2, "{}", r.text);
    assert_eq!(count(&server), 0);
    // The file, twice.
    let r = upload(&server, "trader", path, &file);
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        (
            r.json()["applied"].clone(),
            r.json()["already_known"].clone()
        ),
        (json!(3), json!(0))
    );
    let r = upload(&server, "trader", path, &file);
    assert_eq!(
        (
            r.json()["applied"].clone(),
            r.json()["already_known"].clone()
        ),
        (json!(0), json!(3))
    );
    assert_eq!(count(&server), 3);
}

#[test]
fn the_ledger_drills_down_from_a_balance_to_its_entry_event_and_trade() {
    let server = Server::start("drill");
    let trade = booking(&server, 20);
    let r = server.as_user("trader", "POST", "/api/v1/trades", Some(&trade));
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.json()["trade_id"].as_u64().unwrap();
    let tb = server.as_user("accountant", "GET", "/api/v1/ledger/trial-balance", None);
    assert_eq!(tb.status, 200, "{}", tb.text);
    let items = tb.json()["items"].as_array().unwrap().clone();
    assert!(!items.is_empty(), "{}", tb.text);
    let account = items[0]["account"].as_u64().unwrap();
    let date = trade["trade_date"].as_str().unwrap();
    let statement = server.as_user(
        "accountant",
        "GET",
        &format!("/api/v1/ledger/accounts/{account}/statement?from={date}&to=2026-12-31"),
        None,
    );
    assert_eq!(statement.status, 200, "{}", statement.text);
    let entry = statement.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["trade"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("no entry of trade {id} on {account}: {}", statement.text));
    let seq = entry["event"].as_u64().unwrap();
    let events = server.as_user(
        "auditor",
        "GET",
        &format!("/api/v1/audit/events?trade_id={id}"),
        None,
    );
    let first = &events.json()["items"][0];
    assert_eq!(
        (first["seq"].as_u64(), first["kind"].as_str()),
        (Some(seq), Some("TradeBooked"))
    );
    assert_eq!(first["actor"], "person:trader");
    let history = server.as_user("auditor", "GET", &format!("/api/v1/trades/{id}"), None);
    assert_eq!(history.json()["items"][0]["seq"], seq);
}

#[test]
fn a_statement_reconciled_over_http_opens_a_break_that_people_work() {
    let server = Server::start("recon");
    let accounts = server.as_user(
        "auditor",
        "GET",
        "/api/v1/reference-data/accounts?filter=owner:house&sort=id",
        None,
    );
    let safekeeping = accounts.json()["items"][0]["safekeeping_account"]
        .as_str()
        .unwrap()
        .to_owned();
    let isin = server.isin(0);
    let statement = format!("safekeeping_account,isin,quantity\n{safekeeping},{isin},100\n");
    let path =
        "/api/v1/reconciliation/runs?definition=house-positions&as_of=2026-03-02&name=custody.csv";
    let run = |user: &str| {
        let headers = [
            (
                "Authorization".to_owned(),
                format!("Bearer {}", server.token(user)),
            ),
            ("Content-Type".to_owned(), "text/csv".to_owned()),
            ("Content-Length".to_owned(), statement.len().to_string()),
        ];
        common::request_raw(server.address, "POST", path, &headers, statement.as_bytes())
    };
    let r = run("settlements");
    assert_eq!(
        (r.status, r.problem().as_str()),
        (403, "forbidden"),
        "{}",
        r.text
    );
    let r = run("reconciliations");
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["opened"], 1, "{}", r.text);
    let again = run("reconciliations");
    assert_eq!(
        again.status, 409,
        "a statement is loaded once: {}",
        again.text
    );
    let breaks = server.as_user(
        "auditor",
        "GET",
        "/api/v1/reconciliation/breaks?open=true",
        None,
    );
    assert_eq!(breaks.json()["total"], 1, "{}", breaks.text);
    let id = breaks.json()["items"][0]["id"].as_u64().unwrap();
    let work = |action: &str, body: Value| {
        server.as_user(
            "reconciliations",
            "POST",
            &format!("/api/v1/reconciliation/breaks/{id}/{action}"),
            Some(&body),
        )
    };
    assert_eq!(
        work("assign", json!({"assignee": "reconciliations"})).status,
        200
    );
    assert_eq!(
        work("comment", json!({"text": "asked the custodian"})).status,
        200
    );
    let r = work(
        "resolve",
        json!({"code": "custodian-error", "comment": "custodian corrected"}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let open = server.as_user(
        "auditor",
        "GET",
        "/api/v1/reconciliation/breaks?open=true",
        None,
    );
    assert_eq!(open.json()["total"], 0, "{}", open.text);
}

#[test]
fn shutting_down_finishes_the_bookings_in_flight_and_loses_none() {
    let mut server = Server::start("shutdown");
    let answered = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let bodies: Vec<Value> = (100..1100).map(|i| booking(&server, i)).collect();
    let mut senders = Vec::new();
    for chunk in bodies.chunks(50) {
        let (chunk, answered) = (chunk.to_vec(), answered.clone());
        let (address, token) = (server.address, server.token("trader"));
        senders.push(std::thread::spawn(move || {
            for body in chunk {
                let headers = [("Authorization".to_owned(), format!("Bearer {token}"))];
                let r =
                    common::try_request(address, "POST", "/api/v1/trades", &headers, Some(&body));
                if let Some(r) = r
                    && r.status == 201
                {
                    answered
                        .lock()
                        .unwrap()
                        .push(r.json()["trade_id"].as_u64().unwrap());
                }
            }
        }));
    }
    std::thread::sleep(std::time::Duration::from_millis(30));
    server.shut_down();
    for s in senders {
        let _ = s.join();
    }
    let answered = answered.lock().unwrap().clone();
    let store = kulissi_store_sqlite::SqliteStore::open(&server.path).unwrap();
    let mut booked = std::collections::BTreeSet::new();
    kulissi_store::EventStore::read_log(&store, 1, None, &mut |record| {
        if record.kind == "TradeBooked" {
            booked.insert(record.trade_id.unwrap());
        }
        Ok(true)
    })
    .unwrap();
    assert!(
        !answered.is_empty(),
        "bookings were answered before the shutdown"
    );
    assert!(
        answered.len() < bodies.len(),
        "the shutdown came before the last booking"
    );
    for id in &answered {
        assert!(
            booked.contains(id),
            "trade {id} was answered 201 but is not in the log"
        );
    }
    assert_eq!(
        booked.len(),
        answered.len(),
        "nothing booked without its answer"
    );
}
