//! Reconciliation from the command line: a house-positions statement (CSV) reconciled on
//! two days, its break assigned, commented and closed by the second run; the same statement
//! refused the second time; the break workbench in CSV; a bad statement naming its line.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod firm;

use std::path::PathBuf;

const HEADER: &str = "source,external_id,legal_entity,book,trader,counterparty,account,isin,side,quantity,price,currency,trade_date,trade_time,venue";

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
    fn new(name: &str) -> Desk {
        let dir = std::env::temp_dir().join(format!("kulissi-recon-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let desk = Desk {
            db: dir.join("kulissi.db"),
            dir,
        };
        desk.ok("2026-06-18", &["init"]);
        let refdata = desk.write("refdata.jsonl", firm::REFDATA);
        desk.ok("2026-06-18", &["import", "refdata", &refdata]);
        let trades = desk.write(
            "trades.csv",
            &format!(
                "{HEADER}\nOMS,T1,5493001KJTIIGC8Y1R12,NEQ,aino,529900T8BM49AURSDO55,HOUSE-1,FI0009000681,buy,1000,20.00,EUR,2026-06-18,2026-06-18T09:30:00Z,XHEL\n"
            ),
        );
        desk.ok("2026-06-18", &["import", "trades", &trades]);
        desk.ok(
            "2026-06-22",
            &[
                "settle",
                "OMS:T1",
                "--quantity",
                "1000",
                "--date",
                "2026-06-22",
                "--reference",
                "CUST-1",
            ],
        );
        desk
    }

    fn write(&self, name: &str, content: &str) -> String {
        let path = self.dir.join(name);
        std::fs::write(&path, content).unwrap();
        path.to_str().unwrap().to_owned()
    }

    fn run(&self, date: &str, args: &[&str]) -> firm::Outcome {
        firm::run_on(&self.db, date, args)
    }

    fn ok(&self, date: &str, args: &[&str]) -> String {
        let o = self.run(date, args);
        assert_eq!(o.status, 0, "kulissi {args:?}: {}", o.stderr);
        o.stdout
    }
}

#[test]
fn a_break_across_two_runs_from_the_command_line() {
    let desk = Desk::new("two-runs");
    let day1 = desk.write(
        "holdings-0622.csv",
        "safekeeping_account,isin,quantity\nSAFE1,FI0009000681,990\n",
    );
    let said = desk.ok(
        "2026-06-22",
        &[
            "recon",
            "run",
            "--definition",
            "house-positions",
            "--statement",
            &day1,
            "--as-of",
            "2026-06-22",
        ],
    );
    assert!(
        said.starts_with("house-positions on 2026-06-22: 0 of 1 items matched; 1 breaks opened"),
        "{said}"
    );
    // The same statement again, under another name, is refused.
    let copy = desk.write(
        "copy.csv",
        "safekeeping_account,isin,quantity\nSAFE1,FI0009000681,990\n",
    );
    let again = desk.run(
        "2026-06-22",
        &[
            "recon",
            "run",
            "--definition",
            "house-positions",
            "--statement",
            &copy,
            "--as-of",
            "2026-06-22",
        ],
    );
    assert_ne!(again.status, 0);
    assert!(
        again.stderr.contains("was loaded before"),
        "{}",
        again.stderr
    );

    desk.ok("2026-06-22", &["recon", "assign", "1", "--to", "ben"]);
    desk.ok(
        "2026-06-22",
        &["recon", "comment", "1", "--text", "custodian late booking"],
    );
    desk.ok(
        "2026-06-22",
        &["recon", "move", "1", "--status", "pending_counterparty"],
    );
    let csv = desk.ok("2026-06-23", &["recon", "breaks", "--format", "csv"]);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "id,definition,key,class,ours,theirs,difference,status,assignee,opened,last_seen,age,bucket,escalate,resolution"
    );
    assert_eq!(
        lines.next().unwrap(),
        "1,house-positions,SAFE1/FI0009000681,quantity,1000,990,-10,pending_counterparty,ben,2026-06-22,2026-06-22,1,0-1,false,"
    );

    let day2 = desk.write(
        "holdings-0623.csv",
        "safekeeping_account,isin,quantity\nSAFE1,FI0009000681,1000\n",
    );
    let said = desk.ok(
        "2026-06-23",
        &[
            "recon",
            "run",
            "--definition",
            "house-positions",
            "--statement",
            &day2,
            "--as-of",
            "2026-06-23",
        ],
    );
    assert!(
        said.contains("1 of 1 items matched; 0 breaks opened, 0 still open, 1 closed"),
        "{said}"
    );
    let open = desk.ok(
        "2026-06-23",
        &["recon", "breaks", "--open", "--format", "csv"],
    );
    assert_eq!(open.lines().count(), 1, "none open: {open}");
    let table = desk.ok("2026-06-23", &["recon", "breaks"]);
    assert!(table.contains("closed"), "{table}");
    assert!(table.contains("1 of 1 matched (100%)"), "{table}");
}

#[test]
fn a_bad_statement_names_its_line_and_reconciles_nothing() {
    let desk = Desk::new("bad");
    let bad = desk.write(
        "bad.csv",
        "safekeeping_account,isin,quantity\nSAFE1,FI0009000681,lots\n",
    );
    let o = desk.run(
        "2026-06-22",
        &[
            "recon",
            "run",
            "--definition",
            "house-positions",
            "--statement",
            &bad,
            "--as-of",
            "2026-06-22",
        ],
    );
    assert_ne!(o.status, 0);
    assert!(o.stderr.contains("line 2, column quantity"), "{}", o.stderr);
    assert!(o.stderr.contains("nothing was reconciled"), "{}", o.stderr);
    let o = desk.run(
        "2026-06-22",
        &[
            "recon",
            "run",
            "--definition",
            "houses",
            "--statement",
            &bad,
            "--as-of",
            "2026-06-22",
        ],
    );
    assert!(
        o.stderr.contains("expected one of house-positions"),
        "{}",
        o.stderr
    );
}

/// A custodian's semt.002 statement of holdings (the hand-written fixture): our 1,000 Nokia
/// in SAFE1 match; the two ISINs we do not know are reference-data breaks. A statement of
/// another date than --as-of is refused.
#[test]
fn a_semt_002_statement_reconciles_house_positions() {
    let desk = Desk::new("semt002");
    let fixture = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../kulissi-iso20022/tests/fixtures/semt002-holdings.xml");
    let fixture = fixture.to_str().unwrap();
    let wrong_day = desk.run(
        "2026-06-22",
        &[
            "recon",
            "run",
            "--definition",
            "house-positions",
            "--statement",
            fixture,
            "--as-of",
            "2025-07-17",
        ],
    );
    assert!(
        wrong_day
            .stderr
            .contains("is a statement of 2025-07-18, not of 2025-07-17"),
        "{}",
        wrong_day.stderr
    );
    let said = desk.ok(
        "2026-06-22",
        &[
            "recon",
            "run",
            "--definition",
            "house-positions",
            "--statement",
            fixture,
            "--as-of",
            "2025-07-18",
        ],
    );
    assert!(
        said.contains("1 of 3 items matched; 2 breaks opened"),
        "{said}"
    );
    let csv = desk.ok("2026-06-22", &["recon", "breaks", "--format", "csv"]);
    let classes: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(3).unwrap())
        .collect();
    assert_eq!(classes, ["reference_data", "reference_data"], "{csv}");
}

/// Confirmation matching from the command line: the broker's file confirms T2 with 390
/// shares; with unconfirmed trades blocked, T2 is not instructed until a corrected file
/// affirms it.
#[test]
fn a_confirmation_break_blocks_the_instruction_until_affirmed() {
    let desk = Desk::new("confirmations");
    let t2 = desk.write(
        "t2.csv",
        &format!(
            "{HEADER}\nOMS,T2,5493001KJTIIGC8Y1R12,NEQ,aino,529900T8BM49AURSDO55,HOUSE-1,FI0009000681,buy,400,20.00,EUR,2026-06-18,2026-06-18T10:30:00Z,XHEL\n"
        ),
    );
    desk.ok("2026-06-18", &["import", "trades", &t2]);
    desk.ok("2026-06-18", &["recon", "block-unconfirmed", "true"]);
    let header = "counterparty,isin,side,quantity,price,trade_date,settlement_date,reference";
    let line = |quantity: &str, reference: &str| {
        format!(
            "529900T8BM49AURSDO55,FI0009000681,buy,{quantity},20.00,2026-06-18,2026-06-22,{reference}"
        )
    };
    let first = desk.write(
        "confirms-1.csv",
        &format!(
            "{header}\n{}\n{}\n",
            line("1000", "NE-1"),
            line("390", "NE-2")
        ),
    );
    let said = desk.ok(
        "2026-06-18",
        &[
            "recon",
            "confirmations",
            "--file",
            &first,
            "--as-of",
            "2026-06-18",
        ],
    );
    assert!(
        said.contains("1 trades affirmed; 1 confirmation breaks opened"),
        "{said}"
    );
    let breaks = desk.ok(
        "2026-06-18",
        &["recon", "breaks", "--open", "--format", "csv"],
    );
    assert!(
        breaks.contains("1,confirmations,OMS:T2,quantity,400,390,-10,open"),
        "{breaks}"
    );
    let instructed = desk.ok(
        "2026-06-18",
        &[
            "settle",
            "instructions",
            "--date",
            "2026-06-18",
            "--format",
            "csv",
        ],
    );
    assert!(!instructed.contains("KUL2V1"), "T2 waits: {instructed}");
    let second = desk.write(
        "confirms-2.csv",
        &format!("{header}\n{}\n", line("400", "NE-2")),
    );
    desk.ok(
        "2026-06-19",
        &[
            "recon",
            "confirmations",
            "--file",
            &second,
            "--as-of",
            "2026-06-18",
        ],
    );
    let instructed = desk.ok(
        "2026-06-19",
        &[
            "settle",
            "instructions",
            "--date",
            "2026-06-19",
            "--format",
            "csv",
        ],
    );
    assert!(instructed.contains("KUL2V1"), "{instructed}");
}

/// A custodian that names its columns its own way: the mapping is saved once and its files
/// load as they come; without the mapping the file is refused naming the missing column.
#[test]
fn a_sources_saved_column_mapping_reads_its_statements() {
    let desk = Desk::new("mapping");
    let file = desk.write(
        "pohjola.csv",
        "Account,ISIN Code,Position,Note\nSAFE1,FI0009000681,1000,ok\n",
    );
    let args = |source: Option<&str>| {
        let mut a = vec![
            "recon".to_owned(),
            "run".into(),
            "--definition".into(),
            "house-positions".into(),
            "--statement".into(),
            file.clone(),
            "--as-of".into(),
            "2026-06-22".into(),
        ];
        if let Some(s) = source {
            a.extend(["--source".into(), s.into()]);
        }
        a
    };
    let plain = args(None);
    let plain: Vec<&str> = plain.iter().map(String::as_str).collect();
    let refused = desk.run("2026-06-22", &plain);
    assert!(
        refused
            .stderr
            .contains("column safekeeping_account: missing column"),
        "{}",
        refused.stderr
    );
    desk.ok(
        "2026-06-22",
        &[
            "recon",
            "mapping",
            "--source",
            "POHJOLA",
            "--definition",
            "house-positions",
            "--map",
            "safekeeping_account=Account",
            "--map",
            "isin=ISIN Code",
            "--map",
            "quantity=Position",
        ],
    );
    let mapped = args(Some("POHJOLA"));
    let mapped: Vec<&str> = mapped.iter().map(String::as_str).collect();
    let said = desk.ok("2026-06-22", &mapped);
    assert!(
        said.contains("1 of 1 items matched; 0 breaks opened"),
        "{said}"
    );
}
