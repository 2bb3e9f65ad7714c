//! `kulissi init` and `kulissi import`: imports are atomic, errors name line and column,
//! and importing the same file twice books nothing twice.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod firm;

use std::path::{Path, PathBuf};

fn kulissi(db: &Path, args: &[&str]) -> firm::Outcome {
    firm::run_on(db, "2026-06-18", args)
}

const HEADER: &str = "source,external_id,legal_entity,book,trader,counterparty,account,isin,side,quantity,price,currency,trade_date,trade_time,venue";

fn trade(id: &str, side: &str, quantity: &str, isin: &str) -> String {
    format!(
        "OMS,{id},5493001KJTIIGC8Y1R12,NEQ,aino,529900T8BM49AURSDO55,HOUSE-1,{isin},{side},{quantity},20.00,EUR,2026-06-18,2026-06-18T09:30:00Z,XHEL"
    )
}

fn setup(name: &str) -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!("kulissi-import-{name}-{}", std::process::id()));
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

#[test]
fn import_is_atomic_idempotent_and_explains_errors() {
    let (dir, db) = setup("atomic");
    let good = dir.join("good.csv");
    std::fs::write(
        &good,
        format!(
            "{HEADER}\n{}\n{}\n{}\n",
            trade("T1", "buy", "1000", "FI0009000681"),
            trade("T2", "sell", "400", "FI0009000681"),
            trade("T3", "buy", "10", "FI0009000681")
        ),
    )
    .unwrap();
    let out = kulissi(&db, &["import", "trades", good.to_str().unwrap()]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("3 lines, 3 applied, 0 already known"),
        "{}",
        out.stdout
    );

    // The same file again books nothing.
    let out = kulissi(&db, &["import", "trades", good.to_str().unwrap()]);
    assert!(
        out.stdout.contains("3 lines, 0 applied, 3 already known"),
        "{}",
        out.stdout
    );

    // One line the engine rejects: the whole file is refused, naming the line.
    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        format!(
            "{HEADER}\n{}\n{}\n",
            trade("T4", "buy", "5", "FI0009000681"),
            trade("T5", "buy", "5", "SE0000108656")
        ),
    )
    .unwrap();
    let out = kulissi(&db, &["import", "trades", bad.to_str().unwrap()]);
    assert_eq!(out.status, 2);
    assert!(
        out.stderr
            .contains("bad.csv line 3: unknown instrument SE0000108656"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("nothing was imported"),
        "{}",
        out.stderr
    );

    // A line that does not parse: named by line and column.
    let broken = dir.join("broken.csv");
    std::fs::write(
        &broken,
        format!("{HEADER}\n{}\n", trade("T6", "buy", "1O0", "FI0009000681")),
    )
    .unwrap();
    let out = kulissi(&db, &["import", "trades", broken.to_str().unwrap()]);
    assert_eq!(out.status, 2);
    assert!(
        out.stderr.contains("broken.csv line 2, column quantity: expected a decimal number such as 101.25, found '1O0'"),
        "{}",
        out.stderr
    );

    // Neither bad file left a trace: still three trades, and the position is 1000 - 400 + 10.
    let list = kulissi(&db, &["trades", "list"]);
    assert_eq!(list.stdout.lines().count(), 4, "{}", list.stdout);
    let positions = kulissi(&db, &["positions", "--as-of", "2026-06-22"]);
    assert!(
        positions
            .stdout
            .contains("HOUSE-1      FI0009000681              610              610"),
        "{}",
        positions.stdout
    );
    let before_settlement = kulissi(&db, &["positions", "--as-of", "2026-06-19"]);
    assert!(
        before_settlement
            .stdout
            .contains("HOUSE-1      FI0009000681              610                0"),
        "{}",
        before_settlement.stdout
    );

    // Amend and cancel through a file; the history shows every version.
    let changes = dir.join("changes.csv");
    std::fs::write(
        &changes,
        format!(
            "{HEADER},action,reason\n{},amend,\nOMS,T3,,,,,,,,,,,,,,cancel,booked twice\n",
            trade("T1", "buy", "1500", "FI0009000681")
        ),
    )
    .unwrap();
    let out = kulissi(&db, &["import", "trades", changes.to_str().unwrap()]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let show = kulissi(&db, &["trades", "show", "OMS:T1"]);
    assert!(
        show.stdout.contains("trade 1: 2 version(s)"),
        "{}",
        show.stdout
    );
    assert!(show.stdout.contains("by person:tester"), "{}", show.stdout);
    let show = kulissi(&db, &["trades", "show", "3"]);
    assert!(
        show.stdout.contains("cancelled: booked twice"),
        "{}",
        show.stdout
    );
    let positions = kulissi(&db, &["positions", "--as-of", "2026-06-22"]);
    assert!(
        positions
            .stdout
            .contains("FI0009000681             1100             1100"),
        "{}",
        positions.stdout
    );
    // The custodian confirms T2 (sold 400) in two parts; the second confirmation is sent twice.
    let settle = |quantity: &str, reference: &str| {
        kulissi(
            &db,
            &[
                "settle",
                "OMS:T2",
                "--quantity",
                quantity,
                "--date",
                "2026-06-22",
                "--reference",
                reference,
            ],
        )
    };
    let out = settle("150", "CUST-001");
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(
        out.stdout.starts_with("trade 2: 150 of 400 settled"),
        "{}",
        out.stdout
    );
    assert!(
        settle("250", "CUST-002")
            .stdout
            .starts_with("trade 2: 400 of 400 settled")
    );
    assert!(
        settle("250", "CUST-002")
            .stdout
            .contains("already recorded; nothing changed")
    );
    let out = settle("1", "CUST-003");
    assert_eq!(out.status, 2);
    assert!(
        out.stderr
            .contains("would exceed its quantity 400 (400 already settled)"),
        "{}",
        out.stderr
    );
    let positions = kulissi(&db, &["positions", "--as-of-seq", "1000000"]);
    assert!(
        positions
            .stdout
            .contains("FI0009000681             1100             -400"),
        "{}",
        positions.stdout
    );

    // The ledger: T1 (now 1,500 at 20.00) and T2 (400 sold at 20.00, settled) are live, T3
    // cancelled. Securities at cost 1,100 × 20.00; T2's sale realised nothing; T2's proceeds
    // net of its 8.00 commission are in cash.
    let tb = kulissi(&db, &["ledger", "trial-balance", "--format", "csv"]);
    assert_eq!(tb.status, 0, "{}", tb.stderr);
    for line in [
        "EUR,1100,Cash at banks,7992.00,0",
        "EUR,1200,Trading securities at cost,22000.00,0",
        "EUR,5100,Commission and brokerage,38.00,0",
    ] {
        assert!(
            tb.stdout.contains(line),
            "{line} missing from\n{}",
            tb.stdout
        );
    }
    let table = kulissi(&db, &["ledger", "trial-balance"]);
    assert!(
        table.stdout.contains("profit for the period: -38.00"),
        "{}",
        table.stdout
    );

    let verify = kulissi(&db, &["verify"]);
    assert_eq!(verify.status, 0, "{}", verify.stdout);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn tampering_makes_verify_fail_and_name_the_sequence() {
    let (dir, db) = setup("tamper");
    let good = dir.join("good.csv");
    std::fs::write(
        &good,
        format!(
            "{HEADER}\n{}\n{}\n",
            trade("T1", "buy", "1000", "FI0009000681"),
            trade("T2", "sell", "400", "FI0009000681")
        ),
    )
    .unwrap();
    assert_eq!(
        kulissi(&db, &["import", "trades", good.to_str().unwrap()]).status,
        0
    );
    assert_eq!(kulissi(&db, &["verify"]).status, 0);
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute("UPDATE events SET payload = substr(payload, 1, 20) || X'FF' || substr(payload, 22) WHERE seq = 5", []).unwrap();
    }
    let out = kulissi(&db, &["verify"]);
    assert_eq!(out.status, 1);
    assert!(
        out.stdout.starts_with("verify failed at sequence 5: "),
        "{}",
        out.stdout
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
