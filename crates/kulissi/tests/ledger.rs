//! `kulissi ledger`: the trial balance (as the log stands and as of a date), account
//! statements that lead back to events and trades, and the export for hledger and beancount
//! whose balances are the trial balance's (CI also runs hledger and beancount on it).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use rust_decimal::Decimal;

/// Runs the binary on `db`.
fn run(db: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_kulissi"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

/// Runs the binary on `db`, which must succeed; its standard output.
fn kulissi(db: &Path, args: &[&str]) -> String {
    let output = run(db, args);
    assert!(
        output.status.success(),
        "kulissi {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// A scratch directory, removed when dropped.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A generated book of 300 trades with their settlements.
fn book(name: &str) -> (Scratch, PathBuf) {
    let dir = std::env::temp_dir().join(format!("kulissi-ledger-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join(format!("{name}.db"));
    let dir = Scratch(dir);
    kulissi(&db, &["init"]);
    let out = kulissi(&db, &["generate", "--trades", "300", "--back-office"]);
    assert!(out.contains("settlement confirmations"), "{out}");
    (dir, db)
}

/// (account, currency) → debit-positive balance, from `trial-balance --format csv`.
fn trial_balance(db: &Path, extra: &[&str]) -> BTreeMap<(u16, String), Decimal> {
    let mut args = vec!["ledger", "trial-balance", "--format", "csv"];
    args.extend_from_slice(extra);
    kulissi(db, &args)
        .lines()
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            let debit: Decimal = f[3].parse().unwrap();
            let credit: Decimal = f[4].parse().unwrap();
            ((f[1].parse().unwrap(), f[0].to_owned()), debit - credit)
        })
        .collect()
}

#[test]
fn the_hledger_export_balances_entry_by_entry_and_adds_up_to_the_trial_balance() {
    let (_dir, db) = book("export");
    let tb = trial_balance(&db, &[]);
    assert!(tb.keys().any(|(a, _)| *a == 1100), "settlements moved cash");
    let journal = kulissi(&db, &["ledger", "export", "--format", "hledger"]);
    let mut sums: BTreeMap<(u16, String), Decimal> = BTreeMap::new();
    let mut entry: BTreeMap<String, Decimal> = BTreeMap::new();
    let mut entries = 0;
    for line in journal.lines().chain([""]) {
        if let Some(posting) = line.strip_prefix("    ") {
            let (account, amount) = posting.split_once("  ").unwrap();
            let (amount, currency) = amount.split_once(' ').unwrap();
            let code: u16 = account.split([':', '-']).nth(1).unwrap().parse().unwrap();
            let amount: Decimal = amount.parse().unwrap();
            *sums.entry((code, currency.to_owned())).or_default() += amount;
            *entry.entry(currency.to_owned()).or_default() += amount;
        } else if line.is_empty() && !entry.is_empty() {
            assert!(entry.values().all(|v| v.is_zero()), "unbalanced: {entry:?}");
            entry.clear();
            entries += 1;
        } else if !line.is_empty() && !line.starts_with(';') && !line.starts_with("account ") {
            assert!(
                line.contains("; seq:"),
                "each entry names its event: {line}"
            );
        }
    }
    assert!(
        entries >= 600,
        "{entries} entries: 300 bookings and their settlements"
    );
    sums.retain(|_, v| !v.is_zero());
    assert_eq!(sums, tb);

    let beancount = kulissi(&db, &["ledger", "export", "--format", "beancount"]);
    assert!(beancount.contains("option \"operating_currency\" \"EUR\""));
    assert_eq!(
        beancount.matches(" * \"").count(),
        entries,
        "the same entries in both formats"
    );
}

#[test]
fn trial_balance_as_of_a_date_and_statements_agree_with_it() {
    let (_dir, db) = book("statement");
    let all = trial_balance(&db, &[]);
    assert!(trial_balance(&db, &["--as-of", "2025-12-31"]).is_empty());
    // The demo firm has one legal entity: its books are all the books.
    assert_eq!(
        trial_balance(&db, &["--legal-entity", "743700KULISSISEC0050"]),
        all
    );
    let (ok, message) = attempt(
        &db,
        &[
            "ledger",
            "trial-balance",
            "--legal-entity",
            "529900T8BM49AURSDO55",
        ],
    );
    assert!(
        !ok && message.contains("no legal entity 529900T8BM49AURSDO55"),
        "{message}"
    );
    assert_eq!(trial_balance(&db, &["--as-of", "2099-12-31"]), all);
    let early = trial_balance(&db, &["--as-of", "2026-03-31"]);
    assert!(!early.is_empty() && early != all);
    for currency in early.keys().map(|(_, c)| c.clone()) {
        let (debits, credits) = early
            .iter()
            .filter(|((_, c), _)| *c == currency)
            .fold((Decimal::ZERO, Decimal::ZERO), |(d, c), (_, v)| {
                (d + v.max(&Decimal::ZERO), c + (-*v).max(Decimal::ZERO))
            });
        assert_eq!(debits, credits, "{currency} balances as of 2026-03-31");
    }

    // The cash statement from the first quarter on: opening balance = the trial balance as
    // of 31 March, closing balance = the trial balance as the log stands.
    let cash_statement = [
        "ledger",
        "statement",
        "--account",
        "1100",
        "--from",
        "2026-04-01",
        "--to",
        "2099-12-31",
    ];
    let statement = kulissi(&db, &cash_statement);
    assert!(
        statement.starts_with("account 1100 Cash at banks"),
        "{statement}"
    );
    let eur = statement.split("\nEUR\n").nth(1).unwrap();
    let last = |label: &str| -> Decimal {
        let line = eur.lines().find(|l| l.contains(label)).unwrap();
        line.split_whitespace().last().unwrap().parse().unwrap()
    };
    let key = (1100, "EUR".to_owned());
    assert_eq!(
        last("opening balance"),
        early.get(&key).copied().unwrap_or_default()
    );
    assert_eq!(last("closing balance"), all[&key]);
    assert!(
        eur.lines().any(|l| l.contains("Settlement of trade")),
        "lines lead to their trades: {eur}"
    );
    // The demo firm's one legal entity: the same statement.
    let own = kulissi(
        &db,
        &[
            &cash_statement[..],
            &["--legal-entity", "743700KULISSISEC0050"],
        ]
        .concat(),
    );
    assert_eq!(own, statement);
}

/// The status and output of a run that may fail.
fn attempt(db: &Path, args: &[&str]) -> (bool, String) {
    let output = run(db, args);
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr),
    )
}

#[test]
fn manual_entries_periods_and_year_end_from_the_command_line() {
    let (_dir, db) = book("accounting");
    let as_maija = ["--actor", "person:maija"];
    let propose = [
        "ledger",
        "propose",
        "--reference",
        "ACC-1",
        "--date",
        "2026-06-30",
        "--description",
        "Custody fee accrual",
        "--line",
        "5500:EUR:120.00",
        "--line",
        "2200:EUR:-120.00",
    ];
    let out = kulissi(&db, &[&as_maija[..], &propose[..]].concat());
    assert!(out.contains("proposed by person:maija"), "{out}");
    let (ok, message) = attempt(
        &db,
        &[&as_maija[..], &["ledger", "approve", "ACC-1"]].concat(),
    );
    assert!(
        !ok && message.contains("another person must approve"),
        "{message}"
    );
    kulissi(
        &db,
        &["--actor", "person:ville", "ledger", "approve", "ACC-1"],
    );
    let tb = trial_balance(&db, &[]);
    assert_eq!(tb[&(5500, "EUR".to_owned())], "120.00".parse().unwrap());

    // The entity adds an account to its chart for such entries: reports name it, and the
    // export files it under its type.
    let chart_file = _dir.0.join("chart.jsonl");
    std::fs::write(
        &chart_file,
        r#"{"type":"ledger_account","legal_entity":"743700KULISSISEC0050","code":"5600","name":"IT and market data","account_type":"expense"}
"#,
    )
    .unwrap();
    kulissi(&db, &["import", "refdata", chart_file.to_str().unwrap()]);
    let licence = [
        "ledger",
        "propose",
        "--reference",
        "IT-1",
        "--date",
        "2026-06-30",
        "--description",
        "Market data licence",
        "--line",
        "5600:EUR:900.00",
        "--line",
        "2200:EUR:-900.00",
    ];
    kulissi(&db, &[&as_maija[..], &licence[..]].concat());
    kulissi(
        &db,
        &["--actor", "person:ville", "ledger", "approve", "IT-1"],
    );
    let table = kulissi(
        &db,
        &[
            "ledger",
            "trial-balance",
            "--legal-entity",
            "743700KULISSISEC0050",
        ],
    );
    assert!(table.contains("IT and market data"), "{table}");
    let journal = kulissi(&db, &["ledger", "export", "--format", "hledger"]);
    assert!(
        journal.contains("Expenses:5600  900.00 EUR"),
        "exported under its type"
    );

    let (ok, message) = attempt(
        &db,
        &[
            "ledger",
            "propose",
            "--reference",
            "X",
            "--date",
            "2026-06-30",
            "--description",
            "d",
            "--line",
            "5500:EUR:1",
            "--line",
            "bad",
        ],
    );
    assert!(
        !ok && message.contains("--line 2: expected ACCOUNT:CURRENCY:AMOUNT"),
        "{message}"
    );

    // A year that has not ended cannot be closed; on 4 January 2027, closing 2026 moves
    // income and expenses to retained earnings; the trial balance still balances and shows
    // no income or expense.
    let (ok, message) = attempt(
        &db,
        &[
            "--business-date",
            "2026-12-30",
            "ledger",
            "close-year",
            "--year",
            "2026",
        ],
    );
    assert!(!ok && message.contains("cannot be closed yet"), "{message}");
    let out = kulissi(
        &db,
        &[
            "--business-date",
            "2027-01-04",
            "ledger",
            "close-year",
            "--year",
            "2026",
        ],
    );
    assert!(out.contains("year 2026 closed"), "{out}");
    let tb = trial_balance(&db, &[]);
    assert!(tb.keys().all(|(a, _)| *a < 4000), "{tb:?}");
    assert!(tb.keys().any(|(a, _)| *a == 3900));
    let (ok, message) = attempt(&db, &["ledger", "close", "--through", "2026-06-30"]);
    assert!(
        !ok && message.contains("already closed through 2026-12-31"),
        "{message}"
    );
    kulissi(
        &db,
        &[
            "ledger",
            "reopen",
            "--from",
            "2026-12-01",
            "--reason",
            "audit",
        ],
    );
    let tb = trial_balance(&db, &[]);
    assert!(
        tb.keys().any(|(a, _)| *a >= 4000),
        "income is back after the reopen"
    );
    assert!(kulissi(&db, &["verify"]).contains("the read models agree"));
}

/// The last amount of the line that contains `label` in `section` of `text` (after the
/// heading `heading`).
fn amount_after(text: &str, heading: &str, label: &str) -> Decimal {
    let part = text.split(heading).nth(1).unwrap();
    let line = part.lines().find(|l| l.contains(label)).unwrap();
    line.split_whitespace().last().unwrap().parse().unwrap()
}

#[test]
fn balance_sheet_and_income_statement_per_currency_and_converted() {
    let (_dir, db) = book("statements");
    let sheet = kulissi(&db, &["ledger", "balance-sheet", "--as-of", "2099-12-31"]);
    for heading in [
        "Balance sheet as of 2099-12-31, EUR",
        "all currencies translated into EUR",
    ] {
        let assets = amount_after(&sheet, heading, "Total assets");
        let liabilities = amount_after(&sheet, heading, "Total liabilities");
        let equity = amount_after(&sheet, heading, "Total equity");
        assert_eq!(assets, liabilities + equity, "{heading}: {sheet}");
    }
    assert!(
        sheet.contains("Balance sheet as of 2099-12-31, USD"),
        "{sheet}"
    );
    let income = kulissi(
        &db,
        &[
            "ledger",
            "income-statement",
            "--from",
            "2026-01-01",
            "--to",
            "2099-12-31",
        ],
    );
    let tb = trial_balance(&db, &[]);
    let profit: Decimal = -tb
        .iter()
        .filter(|((a, c), _)| *a >= 4000 && c == "EUR")
        .map(|(_, v)| *v)
        .sum::<Decimal>();
    assert_eq!(
        amount_after(
            &income,
            "Income statement, 2026-01-01 to 2099-12-31, EUR",
            "Profit for the period"
        ),
        profit,
        "{income}"
    );
    assert!(
        income.contains("all currencies translated into EUR"),
        "{income}"
    );
    // The translated statements tie: no plug in the balance sheet, and its profit is the
    // translated income statement's, FX P&L included.
    assert!(!sheet.contains("Translation difference"), "{sheet}");
    let translated = "all currencies translated into EUR";
    assert_eq!(
        amount_after(&sheet, translated, "Profit for the period"),
        amount_after(&income, translated, "Profit for the period"),
        "{sheet}\n{income}"
    );
    assert!(
        income.split(translated).nth(1).unwrap().contains("4300"),
        "{income}"
    );
}

#[test]
fn end_of_day_and_cash_movements_from_the_command_line() {
    let (dir, db) = book("eod");
    // The generated back office closed every week; its last end of day was 10 November 2026.
    let again = kulissi(&db, &["eod", "--date", "2026-11-10"]);
    assert!(again.contains("nothing changed since it ran"), "{again}");
    // The daily client-money check: no client in debit, so no shortfall.
    assert!(
        again.contains("client money EUR: at banks") && again.contains("shortfall 0.00: ok"),
        "{again}"
    );
    assert!(!again.contains("ALERT"), "{again}");
    let (ok, message) = attempt(&db, &["eod", "--date", "2026-11-09"]);
    assert!(
        !ok && message.contains("before the last end of day run"),
        "{message}"
    );
    let (ok, message) = attempt(&db, &["eod", "--date", "2026-11-20"]);
    assert!(!ok && message.contains("no recent price for"), "{message}");

    // A client deposit, then a withdrawal held pending, posted; a fee voided.
    let file = dir.0.join("cash.jsonl");
    std::fs::write(
        &file,
        r#"{"type":"cash_movement","reference":"DEP-1","movement":"deposit","account":"CLIENT-005","currency":"EUR","amount":"1000.00","value_date":"2026-11-05"}
{"type":"cash_movement","reference":"WD-1","movement":"withdrawal","account":"CLIENT-005","currency":"EUR","amount":"400.00","value_date":"2026-11-05","pending_until":"2026-11-10"}
{"type":"cash_movement","reference":"FEE-1","movement":"custody_fee","account":"HOUSE-01","currency":"EUR","amount":"25.00","value_date":"2026-11-05","pending_until":"2026-11-10"}
"#,
    )
    .unwrap();
    let before = trial_balance(&db, &[]);
    kulissi(&db, &["import", "refdata", file.to_str().unwrap()]);
    let balances = kulissi(&db, &["cash", "balances"]);
    assert!(balances.contains("CLIENT-005"), "{balances}");
    kulissi(
        &db,
        &["--business-date", "2026-11-06", "cash", "post", "WD-1"],
    );
    kulissi(&db, &["cash", "void", "FEE-1", "--reason", "waived"]);
    let (ok, message) = attempt(&db, &["cash", "post", "FEE-1"]);
    assert!(!ok && message.contains("voided"), "{message}");
    let after = trial_balance(&db, &[]);
    let eur = |tb: &BTreeMap<(u16, String), Decimal>, a: u16| {
        tb.get(&(a, "EUR".to_owned())).copied().unwrap_or_default()
    };
    // Client money: at the bank (1150) and owed to the client (2500); the firm's cash
    // (1100) does not move.
    assert_eq!(
        eur(&after, 1150) - eur(&before, 1150),
        "600.00".parse().unwrap()
    );
    assert_eq!(
        eur(&after, 2500) - eur(&before, 2500),
        "-600.00".parse().unwrap()
    );
    assert_eq!(eur(&after, 1100), eur(&before, 1100));
    assert_eq!(eur(&after, 5500), Decimal::ZERO);
    assert!(kulissi(&db, &["verify"]).contains("the read models agree"));
}
