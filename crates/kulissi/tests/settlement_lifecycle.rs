//! The settlement lifecycle from the command line, driven by the sese.024 and sese.025
//! fixtures written by hand from the standard (`crates/kulissi-iso20022/tests/fixtures`)
//! and the CSV status file: seven trades instructed as sese.023, then each one down its own
//! path (accepted and settled in full; rejected and resent; matched and settled in two
//! parts; unmatched with reasons; matched and pending; failing for lack of securities, with
//! its CSDR penalty in the fails report; cancelled), a status for an unknown reference on
//! the exception queue, every file exactly once, and a malformed message refused naming
//! its element.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod firm;

use std::path::{Path, PathBuf};

const HEADER: &str = "source,external_id,legal_entity,book,trader,counterparty,account,isin,side,quantity,price,currency,trade_date,trade_time,venue";

const BOND: &str = r#"{"type":"instrument","isin":"FI4000197959","name":"Finland 0.5% 2026","kind":"bond","currency":"EUR","market":"XHEL","multiplier":"0.01","coupon":"0.005","frequency":1,"day_count":"ACT/ACT-ICMA","issue_date":"2016-04-15","maturity_date":"2026-04-15"}
{"type":"ssi","market":"XHEL","currency":"EUR","instrument_type":"bond","place_of_settlement":"APKEFIHH","agent":"OKOYFIHH","safekeeping_account":"SAFE1","cash_account":"CASH1"}
{"type":"ssi","counterparty":"529900T8BM49AURSDO55","market":"XHEL","currency":"EUR","instrument_type":"bond","place_of_settlement":"APKEFIHH","agent":"NDEAFIHH","safekeeping_account":"CP1","cash_account":"CPCASH"}
{"type":"fee_schedule","market":"XHEL","instrument_type":"bond","commission_bp":"0"}
{"type":"price","isin":"FI0009000681","date":"2025-07-16","price":"20.00","source":"XHEL official close"}
{"type":"price","isin":"FI0009000681","date":"2025-07-17","price":"21.00","source":"XHEL official close"}
"#;

fn trade(id: &str, isin: &str, side: &str, quantity: &str, price: &str) -> String {
    format!(
        "OMS,{id},5493001KJTIIGC8Y1R12,NEQ,aino,529900T8BM49AURSDO55,HOUSE-1,{isin},{side},{quantity},{price},EUR,2025-07-14,2025-07-14T09:30:00Z,XHEL"
    )
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../kulissi-iso20022/tests/fixtures")
        .join(name)
}

struct Desk {
    dir: PathBuf,
    db: PathBuf,
}

impl Drop for Desk {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Desk {
    fn run(&self, date: &str, args: &[&str]) -> String {
        let outcome = firm::run_on(&self.db, date, args);
        assert_eq!(outcome.status, 0, "kulissi {args:?}: {}", outcome.stderr);
        outcome.stdout
    }

    fn write(&self, name: &str, content: &str) -> String {
        let path = self.dir.join(name);
        std::fs::write(&path, content).unwrap();
        path.to_str().unwrap().to_owned()
    }

    fn status_file(&self, date: &str, file: &Path) -> String {
        self.run(
            date,
            &["import", "settlement-status", file.to_str().unwrap()],
        )
    }

    /// reference → (status, reasons, settled) from `settle queue --format csv`.
    fn queue(&self) -> std::collections::BTreeMap<String, (String, String, String)> {
        let csv = self.run("2025-07-18", &["settle", "queue", "--format", "csv"]);
        let mut lines = csv.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
        let (r, s, why, settled) = (
            col("reference"),
            col("status"),
            col("reasons"),
            col("settled"),
        );
        lines
            .map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                (
                    f[r].to_owned(),
                    (f[s].to_owned(), f[why].to_owned(), f[settled].to_owned()),
                )
            })
            .collect()
    }
}

fn desk(name: &str) -> Desk {
    let dir =
        std::env::temp_dir().join(format!("kulissi-settlement-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let desk = Desk {
        db: dir.join("kulissi.db"),
        dir,
    };
    desk.run("2025-07-14", &["init"]);
    let refdata = desk.write("refdata.jsonl", &format!("{}{BOND}", firm::REFDATA));
    desk.run("2025-07-14", &["import", "refdata", &refdata]);
    let nokia = "FI0009000681";
    let trades = [
        trade("T1", nokia, "buy", "1000", "20.02"),
        trade("T2", nokia, "sell", "100", "20.00"),
        trade("T3", "FI4000197959", "sell", "500000", "100.120886"),
        trade("T4", nokia, "buy", "200", "20.00"),
        trade("T5", nokia, "buy", "300", "20.00"),
        trade("T6", nokia, "sell", "400", "20.00"),
        trade("T7", nokia, "buy", "500", "20.00"),
    ];
    let file = desk.write("trades.csv", &format!("{HEADER}\n{}\n", trades.join("\n")));
    desk.run("2025-07-14", &["import", "trades", &file]);
    desk
}

#[test]
fn each_status_message_drives_its_path_of_the_lifecycle() {
    let desk = desk("paths");
    let out = desk.dir.join("sese023");
    let said = desk.run(
        "2025-07-14",
        &[
            "settle",
            "instructions",
            "--date",
            "2025-07-14",
            "--format",
            "sese.023",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(
        said.starts_with("7 sese.023 instructions issued on 2025-07-14"),
        "{said}"
    );
    for n in 1..=7 {
        let xml = std::fs::read_to_string(out.join(format!("KUL{n}V1.xml"))).unwrap();
        let back = kulissi_iso20022::sese023::read(&xml, "KUL.xml").unwrap();
        assert_eq!(back.reference, format!("KUL{n}V1"));
    }
    // Instructing the day again issues nothing new: the same seven are listed again.
    let again = desk.run(
        "2025-07-14",
        &[
            "settle",
            "instructions",
            "--date",
            "2025-07-14",
            "--format",
            "csv",
        ],
    );
    assert_eq!(again.lines().count(), 8, "{again}");
    assert_eq!(desk.queue().len(), 7);

    for name in [
        "sese024-accepted.xml",
        "sese024-rejected.xml",
        "sese024-matched.xml",
        "sese024-unmatched.xml",
        "sese024-pending.xml",
        "sese024-cancelled.xml",
    ] {
        desk.status_file("2025-07-14", &fixture(name));
    }
    // The failing instruction had been matched (its status in the CSV file) before it failed.
    let matched = desk.write(
        "matched.csv",
        "reference,event,reasons,date\nKUL6V1,matched,,2025-07-14\n",
    );
    desk.status_file("2025-07-14", Path::new(&matched));
    desk.status_file("2025-07-16", &fixture("sese024-failing.xml"));
    desk.run("2025-07-16", &["settle", "resend", "KUL2V1"]);
    desk.status_file("2025-07-16", &fixture("sese025-full.xml"));
    desk.status_file("2025-07-17", &fixture("sese025-partial.xml"));

    let q = desk.queue();
    let status = |r: &str| q[r].0.as_str();
    assert_eq!(
        q["KUL1V1"],
        ("settled".into(), String::new(), "1000".into())
    );
    assert_eq!(status("KUL2V1"), "instructed", "rejected, then resent");
    assert_eq!(
        q["KUL3V1"],
        ("partially_settled".into(), String::new(), "300000".into()),
        "{}",
        desk.run("2025-07-18", &["settle", "exceptions"])
    );
    assert_eq!(
        q["KUL4V1"],
        ("unmatched".into(), "DDAT;DQUA;CMIS".into(), "0".into())
    );
    assert_eq!(q["KUL5V1"], ("matched".into(), "FUTU".into(), "0".into()));
    assert_eq!(
        q["KUL6V1"],
        ("failing".into(), "LACK;INSU;CLAT".into(), "0".into())
    );
    assert_eq!(q["KUL7V1"], ("cancelled".into(), "CXLR".into(), "0".into()));

    // The rest of the bond by the CSV file, and a status for a reference we never sent.
    let rest = desk.write(
        "rest.csv",
        "reference,event,reasons,quantity,amount,settlement_date,isin,message_id\n\
         KUL3V1,settled,,200000,200493.83,2025-07-18,FI4000197959,CUST-0003-2\n\
         KUL99V1,matched,,,,,,CUST-0099\n",
    );
    let said = desk.status_file("2025-07-18", Path::new(&rest));
    assert!(
        said.contains("exception 1: KUL99V1: a matched status for an unknown instruction"),
        "{said}"
    );
    assert_eq!(desk.queue()["KUL3V1"].0, "settled");
    // Exactly once: the same file again applies nothing and queues nothing.
    let again = desk.status_file("2025-07-18", Path::new(&rest));
    assert!(again.contains("0 applied, 2 already known"), "{again}");
    assert!(!again.contains("exception"), "{again}");
    let again = desk.status_file("2025-07-18", &fixture("sese025-full.xml"));
    assert!(again.contains("0 applied, 1 already known"), "{again}");
    let exceptions = desk.run("2025-07-18", &["settle", "exceptions", "--open"]);
    assert!(
        exceptions.starts_with("1 exceptions, 1 open"),
        "{exceptions}"
    );
    desk.run(
        "2025-07-18",
        &[
            "settle",
            "resolve",
            "1",
            "--resolution",
            "not ours: returned",
        ],
    );
    let open = desk.run("2025-07-18", &["settle", "exceptions", "--open"]);
    assert!(open.starts_with("0 exceptions, 0 open"), "{open}");
    let all = desk.run("2025-07-18", &["settle", "exceptions"]);
    assert!(all.contains("[resolved: not ours: returned]"), "{all}");

    // The failing delivery's CSDR penalty: 400 Nokia at 20.00 then 21.00, 1 bp a day, ours.
    let fails = desk.run(
        "2025-07-18",
        &[
            "settle",
            "fails",
            "--as-of",
            "2025-07-17",
            "--format",
            "csv",
        ],
    );
    let kul6: Vec<&str> = fails
        .lines()
        .find(|l| l.starts_with("KUL6V1,"))
        .unwrap()
        .split(',')
        .collect();
    assert_eq!(kul6[1..3], ["failing", "LACK;INSU;CLAT"]);
    assert!(
        fails
            .lines()
            .next()
            .unwrap()
            .ends_with("penalty,extension_date")
    );
    assert_eq!(kul6[kul6.len() - 2], "-1.64", "{fails}");
}

#[test]
fn a_malformed_status_names_its_element_and_imports_nothing() {
    let desk = desk("malformed");
    desk.run(
        "2025-07-14",
        &[
            "settle",
            "instructions",
            "--date",
            "2025-07-14",
            "--format",
            "csv",
        ],
    );
    let xml = std::fs::read_to_string(fixture("sese024-accepted.xml"))
        .unwrap()
        .replace("<AcctOwnrTxId>KUL1V1</AcctOwnrTxId>", "");
    let bad = desk.write("bad.xml", &xml);
    let outcome = firm::run_on(
        &desk.db,
        "2025-07-14",
        &["import", "settlement-status", &bad],
    );
    assert_ne!(outcome.status, 0);
    assert!(
        outcome
            .stderr
            .contains("/Document/SctiesSttlmTxStsAdvc/TxId/AcctOwnrTxId: missing"),
        "{}",
        outcome.stderr
    );
    assert!(outcome.stderr.contains("nothing was imported"));
    let csv = desk.write(
        "bad.csv",
        "reference,event\nKUL1V1,matched\nKUL2V1,settled-ish\n",
    );
    let outcome = firm::run_on(
        &desk.db,
        "2025-07-14",
        &["import", "settlement-status", &csv],
    );
    assert_ne!(outcome.status, 0);
    assert!(outcome.stderr.contains("line 3"), "{}", outcome.stderr);
    assert!(outcome.stderr.contains("event"), "{}", outcome.stderr);
    assert_eq!(desk.queue()["KUL1V1"].0, "instructed", "nothing imported");
}
