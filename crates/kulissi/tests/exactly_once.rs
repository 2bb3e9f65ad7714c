//! Exactly once at the file door, and line numbers as an editor shows them.
//!
//! A file of bookings, amendments, cancellations, exact resubmissions, settlement
//! confirmations, cash movements and prices imported twice applies nothing the second time;
//! any prefix of it imported twice and then the whole file gives the state of one import of
//! the whole file. Errors, from the parser and from the engine, name the file's own line.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod firm;

use std::path::{Path, PathBuf};

use kulissi_store::EventStore;
use kulissi_store_sqlite::SqliteStore;

fn kulissi(db: &Path, args: &[&str]) -> firm::Outcome {
    firm::run_on(db, "2026-06-22", args)
}

/// A trade line of a messages file.
fn trade(action: &str, id: &str, side: &str, quantity: &str) -> String {
    format!(
        r#"{{"type":"trade","action":"{action}","source":"OMS","external_id":"{id}","legal_entity":"5493001KJTIIGC8Y1R12","book":"NEQ","trader":"aino","counterparty":"529900T8BM49AURSDO55","account":"HOUSE-1","isin":"FI0009000681","side":"{side}","quantity":"{quantity}","price":"20.00","currency":"EUR","trade_date":"2026-06-18","trade_time":"2026-06-18T09:30:00Z","venue":"XHEL"}}"#
    )
}

fn settlement(id: &str, quantity: &str, reference: &str) -> String {
    format!(
        r#"{{"type":"settlement","source":"OMS","external_id":"{id}","quantity":"{quantity}","settlement_date":"2026-06-22","reference":"{reference}"}}"#
    )
}

fn cash(reference: &str, movement: &str, amount: &str) -> String {
    format!(
        r#"{{"type":"cash_movement","reference":"{reference}","movement":"{movement}","account":"HOUSE-1","currency":"EUR","amount":"{amount}","value_date":"2026-06-18"}}"#
    )
}

fn price(date: &str, price: &str) -> String {
    format!(
        r#"{{"type":"price","isin":"FI0009000681","date":"{date}","price":"{price}","source":"XHEL official close"}}"#
    )
}

/// Every kind of message, in an order where a second pass over it would trip over the
/// state the first pass left (an amendment of a trade cancelled later, a confirmation of a
/// trade settled since).
fn messages() -> Vec<String> {
    vec![
        price("2026-06-17", "19.80"),
        cash("CAP-1", "capital", "50000.00"),
        trade("book", "T1", "buy", "1000"),
        trade("book", "T2", "buy", "500"),
        trade("amend", "T1", "buy", "1200"),
        trade("book", "T1", "buy", "1000"), // an exact resubmission of line 3
        trade("amend", "T2", "buy", "600"),
        r#"{"type":"trade","action":"cancel","source":"OMS","external_id":"T2","reason":"wrong account"}"#.into(),
        trade("amend", "T1", "buy", "1000"),
        settlement("T1", "600", "CUST-1"),
        settlement("T1", "600", "CUST-1"), // an exact resubmission of line 10
        trade("book", "T3", "sell", "100"),
        cash("FEE-1", "custody_fee", "100.00"),
        price("2026-06-18", "20.10"),
        settlement("T1", "400", "CUST-2"),
        trade("book", "T9", "buy", "1"),
    ]
}

fn setup(name: &str) -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!(
        "kulissi-exactly-once-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("kulissi.db");
    assert_eq!(kulissi(&db, &["init"]).status, 0);
    let refdata = dir.join("refdata.jsonl");
    std::fs::write(&refdata, firm::REFDATA).unwrap();
    let out = kulissi(&db, &["import", "refdata", refdata.to_str().unwrap()]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    (dir, db)
}

fn import(db: &Path, file: &Path) -> firm::Outcome {
    let out = kulissi(db, &["import", "messages", file.to_str().unwrap()]);
    assert_eq!(out.status, 0, "{}\n{}", out.stdout, out.stderr);
    out
}

fn head(db: &Path) -> u64 {
    SqliteStore::open(db)
        .unwrap()
        .head()
        .unwrap()
        .map_or(0, |h| h.seq)
}

/// What one import leaves: every event's kind and payload, and every read-model row.
fn end_state(db: &Path) -> (Vec<(String, Vec<u8>)>, String) {
    let store = SqliteStore::open(db).unwrap();
    let mut events = Vec::new();
    store
        .read_log(1, None, &mut |r| {
            // `kulissi init` creates the first administrator, whose password hash has a
            // random salt: every database's differs, and no import touches it.
            if !matches!(&*r.kind, "EmployeeHired" | "UserCreated") {
                events.push((r.kind.to_string(), r.payload.clone()));
            }
            Ok(true)
        })
        .unwrap();
    (events, format!("{:?}", store.read_models().unwrap()))
}

#[test]
fn a_file_imported_again_applies_nothing_and_says_so() {
    let (dir, db) = setup("twice");
    let file = dir.join("messages.jsonl");
    let lines = messages();
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();

    let first = import(&db, &file);
    assert!(
        first
            .stdout
            .contains("16 lines, 14 applied, 2 already known"),
        "{}",
        first.stdout
    );
    let after_first = head(&db);
    let state = end_state(&db);

    let again = import(&db, &file);
    assert!(
        again
            .stdout
            .contains("16 lines, 0 applied, 16 already known"),
        "{}",
        again.stdout
    );
    assert_eq!(head(&db), after_first, "the second import wrote events");
    assert_eq!(end_state(&db), state);

    // The trade cancelled on line 8 was amended on line 7, and T1 was settled after its
    // amendments: a replay of the lines is acknowledged, not refused.
    let out = kulissi(&db, &["verify"]);
    assert_eq!(out.status, 0, "{}{}", out.stdout, out.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn any_prefix_twice_then_the_whole_file_equals_one_import() {
    let lines = messages();
    let (dir, reference_db) = setup("whole");
    let whole = dir.join("messages.jsonl");
    std::fs::write(&whole, lines.join("\n") + "\n").unwrap();
    import(&reference_db, &whole);
    let expected = end_state(&reference_db);

    // Cut points drawn from a fixed seed (so a failure repeats), plus the awkward ones: just
    // after the amendment of the trade cancelled later, and just after a confirmation.
    let mut seed: u64 = 0x5eed_0009;
    let mut cuts = vec![7, 10];
    for _ in 0..3 {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        cuts.push(1 + (seed >> 33) as usize % (lines.len() - 1));
    }
    for cut in cuts {
        let (dir, db) = setup(&format!("cut{cut}"));
        let part = dir.join("part.jsonl");
        std::fs::write(&part, lines[..cut].join("\n") + "\n").unwrap();
        import(&db, &part);
        let out = import(&db, &part);
        assert!(
            out.stdout
                .contains(&format!("{cut} lines, 0 applied, {cut} already known")),
            "cut at line {cut}: {}",
            out.stdout
        );
        import(&db, &whole);
        assert!(
            end_state(&db) == expected,
            "cut at line {cut}: the end state differs from one import of the whole file"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_message_id_wins_over_the_derived_key() {
    let (dir, db) = setup("message-id");
    // 100 -> 200 -> 100 -> 200: without message ids the fourth line is word for word the
    // second, derives the same key and is taken as already known (documented); with its
    // own message id it is applied.
    let amend = |q: &str, id: Option<&str>| {
        let line = trade("amend", "T1", "buy", q);
        match id {
            Some(id) => line.replacen('{', &format!(r#"{{"message_id":"{id}","#), 1),
            None => line,
        }
    };
    let derived = dir.join("derived.jsonl");
    std::fs::write(
        &derived,
        [
            trade("book", "T1", "buy", "100"),
            amend("200", None),
            amend("100", None),
            amend("200", None),
        ]
        .join("\n"),
    )
    .unwrap();
    let out = import(&db, &derived);
    assert!(
        out.stdout.contains("4 lines, 3 applied, 1 already known"),
        "{}",
        out.stdout
    );
    let out = kulissi(&db, &["trades", "show", "OMS:T1"]);
    assert!(
        out.stdout.contains("trade 1: 3 version(s)"),
        "{}",
        out.stdout
    );

    let explicit = dir.join("explicit.jsonl");
    std::fs::write(
        &explicit,
        [
            trade("book", "T2", "buy", "100").replace("\"T1\"", "\"T2\""),
            amend("200", Some("M-2")).replace("\"T1\"", "\"T2\""),
            amend("100", Some("M-3")).replace("\"T1\"", "\"T2\""),
            amend("200", Some("M-4")).replace("\"T1\"", "\"T2\""),
        ]
        .join("\n"),
    )
    .unwrap();
    let out = import(&db, &explicit);
    assert!(
        out.stdout.contains("4 lines, 4 applied, 0 already known"),
        "{}",
        out.stdout
    );

    // The same message id with other content is refused, and nothing of the file lands.
    let reused = dir.join("reused.jsonl");
    std::fs::write(
        &reused,
        amend("300", Some("M-4")).replace("\"T1\"", "\"T2\"") + "\n",
    )
    .unwrap();
    let before = head(&db);
    let out = kulissi(&db, &["import", "messages", reused.to_str().unwrap()]);
    assert_ne!(out.status, 0);
    assert!(
        out.stderr
            .contains("line 1: message id 'M-4' was already used"),
        "{}",
        out.stderr
    );
    assert_eq!(head(&db), before);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_reused_settlement_reference_with_another_quantity_is_refused_naming_it() {
    let (dir, db) = setup("reference");
    let file = dir.join("settle.jsonl");
    std::fs::write(
        &file,
        [
            trade("book", "T1", "buy", "1000"),
            settlement("T1", "600", "CUST-1"),
        ]
        .join("\n"),
    )
    .unwrap();
    import(&db, &file);
    let before = head(&db);
    // Through the CLI (no message id: the reference is the key) and through a file (the
    // derived key differs, so the engine's reference check answers).
    let out = kulissi(
        &db,
        &[
            "settle",
            "OMS:T1",
            "--quantity",
            "400",
            "--date",
            "2026-06-22",
            "--reference",
            "CUST-1",
        ],
    );
    assert_ne!(out.status, 0);
    assert!(
        out.stderr.contains(
            "settlement reference CUST-1 already confirmed trade 1 with other terms: quantity 400 (was 600)"
        ),
        "{}",
        out.stderr
    );
    let other = dir.join("other.jsonl");
    std::fs::write(
        &other,
        settlement("T1", "600", "CUST-1").replace("2026-06-22", "2026-06-23"),
    )
    .unwrap();
    let out = kulissi(&db, &["import", "messages", other.to_str().unwrap()]);
    assert_ne!(out.status, 0);
    assert!(
        out.stderr
            .contains("line 1: settlement reference CUST-1 already confirmed trade 1 with other terms: settlement date 2026-06-23 (was 2026-06-22)"),
        "{}",
        out.stderr
    );
    assert_eq!(head(&db), before);
    let _ = std::fs::remove_dir_all(&dir);
}

const CSV_HEADER: &str = "source,external_id,legal_entity,book,trader,counterparty,account,isin,side,quantity,price,currency,trade_date,trade_time,venue,action,reason";

fn csv_trade(id: &str, isin: &str, price: &str) -> String {
    format!(
        "OMS,{id},5493001KJTIIGC8Y1R12,NEQ,aino,529900T8BM49AURSDO55,HOUSE-1,{isin},buy,100,{price},EUR,2026-06-18,2026-06-18T09:30:00Z,XHEL,book,"
    )
}

#[test]
fn errors_name_the_line_an_editor_shows() {
    let (dir, db) = setup("lines");
    let before = head(&db);
    // Line 1 header, 2 a booking, 3-4 a cancellation whose quoted reason spans two lines,
    // 5 a booking, 6 the bad one.
    let cancel = "OMS,T1,,,,,,,,,,,,,,cancel,\"booked twice:\nsee ticket 7\"";
    let body = |sixth: String| {
        format!(
            "{CSV_HEADER}\n{}\n{cancel}\n{}\n{sixth}\n",
            csv_trade("T1", "FI0009000681", "20.00"),
            csv_trade("T2", "FI0009000681", "20.00"),
        )
    };
    let file = dir.join("trades.csv");
    // A value the parser refuses.
    std::fs::write(&file, body(csv_trade("T3", "FI0009000681", "20,5"))).unwrap();
    let out = kulissi(&db, &["import", "trades", file.to_str().unwrap()]);
    assert_ne!(out.status, 0);
    assert!(
        out.stderr.contains("trades.csv line 6"),
        "parse error: {}",
        out.stderr
    );
    // A value the engine refuses (an instrument nobody defined, with a good check digit).
    std::fs::write(&file, body(csv_trade("T3", "SE0000108656", "20.00"))).unwrap();
    let out = kulissi(&db, &["import", "trades", file.to_str().unwrap()]);
    assert_ne!(out.status, 0);
    assert!(
        out.stderr
            .contains("trades.csv line 6: unknown instrument SE0000108656"),
        "rejection: {}",
        out.stderr
    );

    // JSON lines: a blank line still counts.
    let file = dir.join("messages.jsonl");
    let lines = |third: String| format!("{}\n\n{third}\n", trade("book", "T1", "buy", "100"));
    std::fs::write(&file, lines(trade("book", "T2", "buy", "1O0"))).unwrap();
    let out = kulissi(&db, &["import", "messages", file.to_str().unwrap()]);
    assert!(
        out.stderr
            .contains("messages.jsonl line 3, field $.quantity"),
        "parse error: {}",
        out.stderr
    );
    std::fs::write(
        &file,
        lines(trade("book", "T2", "buy", "100").replace("FI0009000681", "SE0000108656")),
    )
    .unwrap();
    let out = kulissi(&db, &["import", "messages", file.to_str().unwrap()]);
    assert!(
        out.stderr
            .contains("messages.jsonl line 3: unknown instrument SE0000108656"),
        "rejection: {}",
        out.stderr
    );
    assert_eq!(head(&db), before, "nothing of the refused files may land");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_message_id_on_the_command_line_makes_one_command_exactly_once() {
    let (dir, db) = setup("cli-message-id");
    let file = dir.join("book.jsonl");
    std::fs::write(&file, trade("book", "T1", "buy", "1000")).unwrap();
    import(&db, &file);
    let settle = |quantity: &str, reference: &str| {
        kulissi(
            &db,
            &[
                "--message-id",
                "CONF-7",
                "settle",
                "OMS:T1",
                "--quantity",
                quantity,
                "--date",
                "2026-06-22",
                "--reference",
                reference,
            ],
        )
    };
    let first = settle("600", "CUST-1");
    assert_eq!(first.status, 0, "{}", first.stderr);
    let after_first = head(&db);
    let again = settle("600", "CUST-1");
    assert_eq!(again.status, 0, "{}", again.stderr);
    assert!(
        again.stdout.contains("already recorded; nothing changed"),
        "{}",
        again.stdout
    );
    assert_eq!(head(&db), after_first);
    // The same key on another confirmation: refused, whatever the reference says.
    let other = settle("400", "CUST-2");
    assert_ne!(other.status, 0);
    assert!(
        other.stderr.contains(
            "message id 'CONF-7' was already used for another command (answered with trade 1)"
        ),
        "{}",
        other.stderr
    );
    assert_eq!(head(&db), after_first);
    let _ = std::fs::remove_dir_all(&dir);
}
