//! Every list and report command in its three formats (`--format table|csv|json`) on a small
//! book whose figures are known: T1 buys 1,000 Nokia at 20.00 and T2 sells 400 at 20.00 on
//! 18 June 2026 (commission 10 bp), T2 settles on 22 June, June is closed, and then T3 (a
//! purchase of 10 at 20.00 also traded on 18 June) arrives late: effective 18 June, posted
//! 1 July. CSV has the documented header; JSON parses, with amounts as exact decimal
//! strings; the ledger reports by effective date count T3 in June, by posting date they do
//! not.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod firm;

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

const HEADER: &str = "source,external_id,legal_entity,book,trader,counterparty,account,isin,side,quantity,price,currency,trade_date,trade_time,venue";

fn trade(id: &str, side: &str, quantity: &str) -> String {
    format!(
        "OMS,{id},5493001KJTIIGC8Y1R12,NEQ,aino,529900T8BM49AURSDO55,HOUSE-1,FI0009000681,{side},{quantity},20.00,EUR,2026-06-18,2026-06-18T09:30:00Z,XHEL"
    )
}

/// A scratch directory, removed when dropped.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

struct Book {
    dir: Scratch,
    db: PathBuf,
}

impl Book {
    /// Runs the binary on the business date 18 June 2026, which must succeed; its standard
    /// output.
    fn run(&self, args: &[&str]) -> String {
        self.run_on("2026-06-18", args)
    }

    /// Runs the binary on `business_date`, which must succeed; its standard output.
    fn run_on(&self, business_date: &str, args: &[&str]) -> String {
        let output = Command::new(env!("CARGO_BIN_EXE_kulissi"))
            .arg("--db")
            .arg(&self.db)
            .args(["--actor", "person:tester", "--business-date", business_date])
            .args(args)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "kulissi {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    /// `args --format csv`: the header and the rows, split on commas (no field here holds
    /// one).
    fn csv(&self, args: &[&str]) -> (String, Vec<Vec<String>>) {
        let text = self.run(&[args, &["--format", "csv"]].concat());
        let mut lines = text.lines();
        let header = lines.next().unwrap().to_owned();
        let rows = lines
            .map(|l| l.split(',').map(str::to_owned).collect())
            .collect();
        (header, rows)
    }

    /// `args --format json`, parsed: an array of objects.
    fn json(&self, args: &[&str]) -> Vec<Value> {
        let text = self.run(&[args, &["--format", "json"]].concat());
        match serde_json::from_str(&text).unwrap() {
            Value::Array(rows) => rows,
            other => panic!("not an array: {other}"),
        }
    }

    fn import(&self, name: &str, kind: &str, content: &str) {
        let file = self.dir.0.join(name);
        std::fs::write(&file, content).unwrap();
        self.run(&["import", kind, file.to_str().unwrap()]);
    }
}

/// The book, and the trial balance as of 30 June taken right after the close (CSV).
fn book(name: &str) -> (Book, String) {
    let dir = std::env::temp_dir().join(format!("kulissi-reports-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let book = Book {
        db: dir.join("kulissi.db"),
        dir: Scratch(dir),
    };
    book.run(&["init"]);
    book.import("refdata.jsonl", "refdata", firm::REFDATA);
    book.import(
        "t1.csv",
        "trades",
        &format!(
            "{HEADER}\n{}\n{}\n",
            trade("T1", "buy", "1000"),
            trade("T2", "sell", "400")
        ),
    );
    book.run(&[
        "settle",
        "OMS:T2",
        "--quantity",
        "400",
        "--date",
        "2026-06-22",
        "--reference",
        "CUST-1",
    ]);
    book.run_on(
        "2026-07-01",
        &["ledger", "close", "--through", "2026-06-30"],
    );
    let at_close = book.run(&[
        "ledger",
        "trial-balance",
        "--as-of",
        "2026-06-30",
        "--format",
        "csv",
    ]);
    book.import(
        "t2.csv",
        "trades",
        &format!("{HEADER}\n{}\n", trade("T3", "buy", "10")),
    );
    (book, at_close)
}

fn rows(lines: &[&str]) -> Vec<Vec<String>> {
    lines
        .iter()
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect()
}

#[test]
fn trades_positions_and_cash_in_every_format() {
    let (book, _) = book("lists");

    let (header, trades) = book.csv(&["trades", "list"]);
    assert_eq!(
        header,
        "trade_id,version,status,source,external_id,isin,side,quantity,price,currency,trade_date,settlement_date,net,account"
    );
    assert_eq!(
        trades,
        rows(&[
            "1,1,live,OMS,T1,FI0009000681,buy,1000,20.00,EUR,2026-06-18,2026-06-22,20020.00,HOUSE-1",
            "2,1,live,OMS,T2,FI0009000681,sell,400,20.00,EUR,2026-06-18,2026-06-22,7992.00,HOUSE-1",
            "3,1,live,OMS,T3,FI0009000681,buy,10,20.00,EUR,2026-06-18,2026-06-22,200.20,HOUSE-1",
        ])
    );
    let trades = book.json(&["trades", "list", "--after", "1"]);
    assert_eq!(trades.len(), 2);
    assert_eq!(trades[0]["trade_id"], 2);
    assert_eq!(
        trades[0]["external_id"],
        "OMS:T2".split(':').nth(1).unwrap()
    );
    assert_eq!(trades[0]["net"], "7992.00", "amounts are exact strings");
    assert_eq!(trades[1]["quantity"], "10");
    assert_eq!(trades[1]["settlement_date"], "2026-06-22");
    let table = book.run(&["trades", "list"]);
    assert_eq!(table.lines().count(), 4, "{table}");
    assert!(table.starts_with("   trade ver status"), "{table}");

    let (header, versions) = book.csv(&["trades", "show", "OMS:T1"]);
    assert_eq!(
        header,
        "trade_id,version,status,seq,actor,recorded_at,source,external_id,book,counterparty,side,quantity,isin,price,currency,trade_date,settlement_date,account,gross,accrued,commission,fees,taxes,net,cancel_reason"
    );
    assert_eq!(versions.len(), 1);
    let v = &versions[0];
    // Events 1 and 2 are `kulissi init`'s first administrator.
    assert_eq!(&v[..4], ["1", "1", "live", "21"]);
    assert_eq!(v[4], "person:tester");
    assert_eq!(
        &v[6..],
        [
            "OMS",
            "T1",
            "NEQ",
            "529900T8BM49AURSDO55",
            "buy",
            "1000",
            "FI0009000681",
            "20.00",
            "EUR",
            "2026-06-18",
            "2026-06-22",
            "HOUSE-1",
            "20000.00",
            "0.00",
            "20.00",
            "0.00",
            "0.00",
            "20020.00",
            ""
        ]
    );
    let versions = book.json(&["trades", "show", "3"]);
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[0]["commission"], "0.20");
    assert_eq!(versions[0]["cancel_reason"], Value::Null);
    assert!(
        book.run(&["trades", "show", "OMS:T1"])
            .starts_with("trade 1: 1 version(s)")
    );

    let (header, positions) = book.csv(&["positions", "--as-of", "2026-06-19"]);
    assert_eq!(
        header,
        "account,isin,trade_date_quantity,settlement_date_quantity"
    );
    assert_eq!(positions, rows(&["HOUSE-1,FI0009000681,610,0"]));
    let positions = book.json(&["positions", "--as-of", "2026-06-22"]);
    assert_eq!(positions.len(), 1);
    assert_eq!(positions[0]["trade_date_quantity"], "610");
    assert_eq!(positions[0]["settlement_date_quantity"], "610");
    let (header, held) = book.csv(&["positions", "--as-of-seq", "1000"]);
    assert_eq!(
        header,
        "account,isin,quantity,settled_quantity,cost,average_cost"
    );
    assert_eq!(
        held,
        rows(&["HOUSE-1,FI0009000681,610,-400,12200.00,20.00"])
    );
    let held = book.json(&["positions", "--as-of-seq", "22"]);
    assert_eq!(held[0]["quantity"], "600", "before the settlement and T3");
    assert_eq!(held[0]["settled_quantity"], "0");
    assert_eq!(held[0]["cost"], "12000.00");

    let (header, cash) = book.csv(&["cash", "balances"]);
    assert_eq!(
        header,
        "account,currency,posted,held,available,overdraft_limit"
    );
    assert_eq!(cash, rows(&["HOUSE-1,EUR,7992.00,0,7992.00,0"]));
    let cash = book.json(&["cash", "balances"]);
    assert_eq!(cash.len(), 1);
    assert_eq!(cash[0]["available"], "7992.00");
    assert!(book.run(&["cash", "balances"]).contains("HOUSE-1"));
}

/// (account, debit, credit) of the EUR rows of a trial balance in CSV, header checked.
fn eur_balances(csv: &str) -> Vec<(u16, String, String)> {
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("currency,account,name,debit,credit"));
    lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            assert_eq!(f[0], "EUR");
            (f[1].parse().unwrap(), f[3].to_owned(), f[4].to_owned())
        })
        .collect()
}

#[test]
fn ledger_reports_by_effective_and_by_posting_date_in_every_format() {
    let (book, at_close) = book("ledger");
    let june = ["ledger", "trial-balance", "--as-of", "2026-06-30"];
    let by_posting = book.run(&[&june[..], &["--by", "posting", "--format", "csv"]].concat());
    assert_eq!(by_posting, at_close, "a closed period does not change");
    let by_effective = book.run(&[&june[..], &["--format", "csv"]].concat());
    let s = |a: &str| a.to_owned();
    assert_eq!(
        eur_balances(&by_posting),
        [
            (1100, s("7992.00"), s("0")),
            (1200, s("12000.00"), s("0")),
            (2100, s("0"), s("20000.00")),
            (2200, s("0"), s("20.00")),
            (5100, s("28.00"), s("0")),
        ]
    );
    assert_eq!(
        eur_balances(&by_effective),
        [
            (1100, s("7992.00"), s("0")),
            (1200, s("12200.00"), s("0")),
            (2100, s("0"), s("20200.00")),
            (2200, s("0"), s("20.20")),
            (5100, s("28.20"), s("0")),
        ],
        "T3 took effect in June"
    );
    // From 1 July, the day T3 posted, both bases agree with the trial balance as the log
    // stands (the read model).
    let everything = book.run(&["ledger", "trial-balance", "--format", "csv"]);
    assert_eq!(everything, by_effective);
    for by in ["effective", "posting"] {
        let july = [
            "ledger",
            "trial-balance",
            "--as-of",
            "2026-07-01",
            "--by",
            by,
            "--format",
            "csv",
        ];
        assert_eq!(book.run(&july), everything, "{by}");
    }
    let json = book.json(&["ledger", "trial-balance"]);
    assert_eq!(json.len(), 5);
    assert_eq!(json[1]["account"], 1200, "account codes are numbers");
    assert_eq!(json[1]["name"], "Trading securities at cost");
    assert_eq!(json[1]["debit"], "12200.00");
    assert_eq!(json[1]["credit"], "0");
    let table = book.run(&["ledger", "trial-balance"]);
    assert!(table.contains("profit for the period: -28.20"), "{table}");

    // The statement of securities at cost for June.
    let statement = [
        "ledger",
        "statement",
        "--account",
        "1200",
        "--from",
        "2026-06-01",
        "--to",
        "2026-06-30",
    ];
    let (header, lines) = book.csv(&statement);
    assert_eq!(
        header,
        "currency,posted,effective,event,trade,entry,debit,credit,balance"
    );
    assert_eq!(
        lines,
        rows(&[
            "EUR,,,,,opening balance,,,0",
            "EUR,2026-06-18,2026-06-18,21,1,Trade 1 booked,20000.00,,20000.00",
            "EUR,2026-06-18,2026-06-18,22,2,Trade 2 booked,,8000.00,12000.00",
            "EUR,2026-07-01,2026-06-18,25,3,Trade 3 booked,200.00,,12200.00",
            "EUR,,,,,closing balance,20200.00,8000.00,12200.00",
        ])
    );
    let posted = book.json(&[&statement[..], &["--by", "posting"]].concat());
    assert_eq!(posted.len(), 4, "T3 posted in July: {posted:?}");
    assert_eq!(posted[3]["entry"], "closing balance");
    assert_eq!(posted[3]["balance"], "12000.00");
    assert_eq!(posted[1]["event"], 21);
    assert_eq!(posted[1]["trade"], 1);
    assert_eq!(posted[0]["trade"], Value::Null);
    let table = book.run(&statement);
    assert!(
        table.starts_with("account 1200 Trading securities at cost, 2026-06-01 to 2026-06-30\n"),
        "{table}"
    );

    // The balance sheet: per currency then converted; assets = liabilities + equity.
    let sheet = ["ledger", "balance-sheet", "--as-of", "2026-06-30"];
    let (header, lines) = book.csv(&sheet);
    assert_eq!(header, "currency,converted,section,account,name,amount");
    assert!(
        lines.contains(&rows(&["EUR,false,Assets,1200,Trading securities at cost,12200.00"])[0])
    );
    assert!(lines.contains(&rows(&["EUR,true,Assets,,Total assets,20192.00"])[0]));
    for by in ["effective", "posting"] {
        let json = book.json(&[&sheet[..], &["--by", by]].concat());
        for converted in [false, true] {
            let total = |section: &str| -> rust_decimal::Decimal {
                json.iter()
                    .find(|r| {
                        r["converted"] == converted
                            && r["section"] == section
                            && r["account"].is_null()
                            && r["name"].as_str().unwrap().starts_with("Total")
                    })
                    .unwrap()["amount"]
                    .as_str()
                    .unwrap()
                    .parse()
                    .unwrap()
            };
            assert_eq!(
                total("Assets"),
                total("Liabilities") + total("Equity"),
                "{by}, converted {converted}"
            );
        }
    }
    let posted = book.run(&[&sheet[..], &["--by", "posting"]].concat());
    assert!(
        posted.starts_with("Balance sheet as of 2026-06-30 (by posting date), EUR\n"),
        "{posted}"
    );

    // The income statement of June: T3's commission counts by effective date only.
    let income = [
        "ledger",
        "income-statement",
        "--from",
        "2026-06-01",
        "--to",
        "2026-06-30",
    ];
    let profit = |by: &str| -> String {
        let (header, lines) = book.csv(&[&income[..], &["--by", by]].concat());
        assert_eq!(header, "currency,converted,section,account,name,amount");
        lines
            .iter()
            .find(|l| l[1] == "false" && l[4] == "Profit for the period")
            .unwrap()[5]
            .clone()
    };
    assert_eq!(profit("effective"), "-28.20");
    assert_eq!(profit("posting"), "-28.00");
    let json = book.json(&income);
    assert!(
        json.iter()
            .any(|r| r["account"] == 5100 && r["amount"] == "28.20" && r["converted"] == true)
    );
}
