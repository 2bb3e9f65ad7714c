//! The `kulissi` command line as scripts see it: exact stdout, exit status, and one-line
//! errors on stderr for bad arguments.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod firm;

fn kulissi(args: &[&str]) -> firm::Outcome {
    firm::run(args)
}

/// Asserts a bad-argument outcome: status 2, nothing on stdout, one line on stderr that
/// contains `needle`.
fn assert_bad_argument(args: &[&str], needle: &str) {
    let out = kulissi(args);
    assert_eq!(out.status, 2, "{args:?}: {}", out.stderr);
    assert_eq!(out.stdout, "", "{args:?}");
    assert_eq!(out.stderr.lines().count(), 1, "{args:?}: {:?}", out.stderr);
    assert!(
        out.stderr.contains(needle),
        "{args:?}: {:?} lacks {needle:?}",
        out.stderr
    );
}

#[test]
fn id_check_prints_valid_or_the_reason() {
    let out = kulissi(&["id", "check", "isin", "US0378331005"]);
    assert_eq!((out.status, out.stdout.as_str()), (0, "valid\n"));
    let out = kulissi(&["id", "check", "isin", "US0373831005"]);
    assert_eq!(
        (out.status, out.stdout.as_str()),
        (
            1,
            "invalid: ISIN check digit is wrong: expected 9, found 5\n"
        )
    );
    for (kind, value) in [
        ("lei", "5493001KJTIIGC8Y1R12"),
        ("bic", "APKEFIHH"),
        ("iban", "FI2112345600000785"),
        ("cusip", "037833100"),
        ("currency", "EUR"),
        ("mic", "XHEL"),
    ] {
        let out = kulissi(&["id", "check", kind, value]);
        assert_eq!(
            (out.status, out.stdout.as_str()),
            (0, "valid\n"),
            "{kind} {value}"
        );
    }
    let out = kulissi(&["id", "check", "currency", "GBX"]);
    assert_eq!(
        out.stdout,
        "invalid: 'GBX' is not an active ISO 4217 currency code\n"
    );
    assert_eq!(out.status, 1);
}

#[test]
fn calendar_commands() {
    let out = kulissi(&[
        "calendar",
        "add-business-days",
        "--calendar",
        "XHEL",
        "--date",
        "2026-12-23",
        "--days",
        "1",
    ]);
    assert_eq!((out.status, out.stdout.as_str()), (0, "2026-12-28\n"));
    let out = kulissi(&[
        "calendar",
        "add-business-days",
        "--calendar",
        "XHEL",
        "--date",
        "2026-12-28",
        "--days",
        "-1",
    ]);
    assert_eq!(out.stdout, "2026-12-23\n");
    let out = kulissi(&[
        "calendar",
        "add-business-days",
        "--calendar",
        "XHEL",
        "--date",
        "2026-12-24",
        "--days",
        "0",
    ]);
    assert_eq!(out.stdout, "2026-12-28\n");

    let out = kulissi(&[
        "calendar",
        "is-business-day",
        "--calendar",
        "TARGET",
        "2026-12-25",
    ]);
    assert_eq!((out.status, out.stdout.as_str()), (0, "false\n"));
    let out = kulissi(&[
        "calendar",
        "is-business-day",
        "--calendar",
        "TARGET+XNYS",
        "2026-12-28",
    ]);
    assert_eq!(out.stdout, "true\n");

    let out = kulissi(&[
        "calendar",
        "holidays",
        "--calendar",
        "TARGET",
        "--year",
        "2026",
    ]);
    assert_eq!(
        out.stdout,
        "2026-01-01\n2026-04-03\n2026-04-06\n2026-05-01\n2026-12-25\n"
    );
    let out = kulissi(&[
        "calendar",
        "holidays",
        "--calendar",
        "XNYS",
        "--year",
        "2025",
        "--names",
    ]);
    assert!(
        out.stdout
            .contains("2025-01-09\tNational Day of Mourning for President Carter\n")
    );

    let out = kulissi(&[
        "calendar",
        "settlement-date",
        "--market",
        "XHEL",
        "--trade-date",
        "2026-06-18",
    ]);
    assert_eq!((out.status, out.stdout.as_str()), (0, "2026-06-22\n"));
    let out = kulissi(&[
        "calendar",
        "settlement-date",
        "--market",
        "XNYS",
        "--trade-date",
        "2024-05-28",
    ]);
    assert_eq!(out.stdout, "2024-05-29\n");

    let out = kulissi(&["calendar", "list"]);
    assert_eq!(out.status, 0);
    for name in [
        "TARGET",
        "XNYS",
        "US-SETTLEMENT",
        "XLON",
        "XHEL",
        "XSTO",
        "XCSE",
        "XOSL",
        "XETR",
        "XSWX",
        "XTKS",
        "XPAR",
    ] {
        assert!(
            out.stdout.lines().any(|l| l.starts_with(name)),
            "{name} missing from list"
        );
    }
}

#[test]
fn bad_arguments_get_one_line_and_status_2() {
    assert_bad_argument(
        &["id", "check", "swift", "X"],
        "unknown identifier kind 'swift'",
    );
    assert_bad_argument(
        &[
            "calendar",
            "is-business-day",
            "--calendar",
            "XFRA",
            "2026-01-02",
        ],
        "unknown calendar 'XFRA'",
    );
    assert_bad_argument(
        &[
            "calendar",
            "is-business-day",
            "--calendar",
            "TARGET",
            "2026-13-01",
        ],
        "expected a date YYYY-MM-DD",
    );
    assert_bad_argument(
        &[
            "calendar",
            "add-business-days",
            "--calendar",
            "TARGET",
            "--date",
            "2026-01-02",
            "--days",
            "x",
        ],
        "--days",
    );
    assert_bad_argument(
        &[
            "calendar",
            "add-business-days",
            "--calendar",
            "TARGET",
            "--date",
            "2026-01-02",
        ],
        "--days",
    );
    assert_bad_argument(
        &[
            "calendar",
            "holidays",
            "--calendar",
            "TARGET",
            "--year",
            "12345",
        ],
        "--year",
    );
    assert_bad_argument(
        &[
            "calendar",
            "settlement-date",
            "--market",
            "XXXX",
            "--trade-date",
            "2026-01-02",
        ],
        "unknown market 'XXXX'",
    );
    assert_bad_argument(
        &[
            "calendar",
            "settlement-date",
            "--market",
            "XHEL",
            "--trade-date",
            "1980-01-02",
        ],
        "no settlement cycle is known",
    );
    assert_bad_argument(
        &[
            "calendar",
            "add-business-days",
            "--calendar",
            "TARGET",
            "--date",
            "9999-12-01",
            "--days",
            "100000",
        ],
        "leaves the supported date range",
    );
    assert_bad_argument(&["frobnicate"], "unrecognized subcommand");
}

#[test]
fn demo_books_the_demo_firm_and_verifies() {
    let dir = std::env::temp_dir().join(format!("kulissi-cli-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("demo.db");
    let out = kulissi(&[
        "--db",
        db.to_str().unwrap(),
        "demo",
        "--trades",
        "2000",
        "--no-serve",
    ]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    // The enrichment walk-through shows the 2027 double settlement day ...
    let both: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.contains("2027-10-12"))
        .collect();
    assert_eq!(both.len(), 2, "{}", out.stdout);
    // ... and the firm's trades are booked and verified.
    assert!(out.stdout.contains("2000 trades booked"), "{}", out.stdout);
    assert!(out.stdout.contains("verified "), "{}", out.stdout);
    // Running it again books nothing twice.
    let again = kulissi(&[
        "--db",
        db.to_str().unwrap(),
        "demo",
        "--trades",
        "2000",
        "--no-serve",
    ]);
    assert!(
        again
            .stdout
            .contains("0 trades booked, 2000 already booked"),
        "{}",
        again.stdout
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
