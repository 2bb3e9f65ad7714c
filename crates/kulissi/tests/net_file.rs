//! `kulissi settle net-file` as scripts see it: the summary line, the file DuckDB writes, and
//! a bad line reported on stderr with status 2. (`kulissi settle TRADE ...` is tested with
//! the other bookings in `import.rs`, `exactly_once.rs` and `reports.rs`.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::Command;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../kulissi-formats/tests/fixtures/{name}"))
}

fn kulissi(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_kulissi"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn net_file_writes_what_duckdb_writes_and_says_so_in_one_line() {
    let dir =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-net-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("net.csv");
    let trades = fixture("net-trades.csv");
    let (status, stdout, stderr) = kulissi(&[
        "settle",
        "net-file",
        "--trades",
        trades.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!((status, stderr.as_str()), (0, ""));
    let groups = std::fs::read_to_string(fixture("net-duckdb.csv"))
        .unwrap()
        .lines()
        .count()
        - 1;
    assert!(
        stdout.starts_with(&format!("netted 12000 trades into {groups} groups in ")),
        "{stdout}"
    );
    assert_eq!(stdout.lines().count(), 1);
    assert!(std::fs::read(&out).unwrap() == std::fs::read(fixture("net-duckdb.csv")).unwrap());

    let bad = dir.join("bad.csv");
    let mut content = std::fs::read_to_string(&trades).unwrap();
    content.push_str(
        "12001,5493000000000047XX85,US0000001604,USD,2026-03-02,2026-03-03,B,10,1.23456\n",
    );
    std::fs::write(&bad, content).unwrap();
    let (status, stdout, stderr) = kulissi(&[
        "settle",
        "net-file",
        "--trades",
        bad.to_str().unwrap(),
        "--out",
        dir.join("never.csv").to_str().unwrap(),
    ]);
    assert_eq!((status, stdout.as_str()), (2, ""));
    assert_eq!(
        stderr,
        format!(
            "error: {} line 12002, column price: expected a price with at most 14 digits before the point and 4 after, such as 101.25, found '1.23456'\n",
            bad.display()
        )
    );
    assert!(!dir.join("never.csv").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The day's settlement from the engine's state, on a generated year of 300 trades: the
/// fails report lists the failing instructions aged and bucketed; the instructions issued
/// on a day are written as sese.023 files that read back to the same instructions; the
/// netting report has one gross instruction per trade when no netting set is configured.
#[test]
fn a_days_instructions_netting_and_fails_from_the_command_line() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("cli-settle-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("k.db");
    let db = db.to_str().unwrap();
    assert_eq!(kulissi(&["--db", db, "init"]).0, 0);
    let (status, _, stderr) =
        kulissi(&["--db", db, "generate", "--trades", "300", "--back-office"]);
    assert_eq!(status, 0, "{stderr}");
    let (status, fails, _) = kulissi(&[
        "--db",
        db,
        "settle",
        "fails",
        "--as-of",
        "2026-11-10",
        "--format",
        "csv",
    ]);
    assert_eq!(status, 0);
    let mut lines = fails.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("reference,status,reasons,trade_id,external_id,counterparty,isin")
    );
    let rows: Vec<&str> = lines.collect();
    assert!(!rows.is_empty(), "one generated trade in twenty fails");
    let (status, penalties, _) = kulissi(&[
        "--db",
        db,
        "settle",
        "penalties",
        "--month",
        "2026-10",
        "--format",
        "csv",
    ]);
    assert_eq!(status, 0);
    assert!(
        penalties.starts_with("counterparty,currency,fails,payable,receivable,net"),
        "{penalties}"
    );
    let (status, _, stderr) = kulissi(&["--db", db, "settle", "penalties", "--month", "10/2026"]);
    assert_eq!(status, 2);
    assert!(stderr.contains("--month: expected YYYY-MM"), "{stderr}");
    // The oldest fail's instruction, and the day it was issued (in the settlement queue).
    let oldest: Vec<&str> = rows[0].split(',').collect();
    assert!(
        ["failing", "unmatched"].contains(&oldest[1]),
        "matched and failing, or never matched: {fails}"
    );
    let (_, queue, _) = kulissi(&["--db", db, "settle", "queue", "--format", "csv"]);
    let header: Vec<&str> = queue.lines().next().unwrap().split(',').collect();
    let issued_at = header.iter().position(|h| *h == "issued").unwrap();
    let line: Vec<&str> = queue
        .lines()
        .find(|l| l.starts_with(&format!("{},", oldest[0])))
        .unwrap()
        .split(',')
        .collect();
    let issued = line[issued_at].to_owned();
    let isd = oldest[8];
    let out = dir.join("sese");
    let (status, said, stderr) = kulissi(&[
        "--db",
        db,
        "settle",
        "instructions",
        "--date",
        &issued,
        "--format",
        "sese.023",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(status, 0, "{stderr}");
    assert!(said.contains("sese.023 instructions"), "{said}");
    let (_, csv, _) = kulissi(&[
        "--db",
        db,
        "settle",
        "instructions",
        "--date",
        &issued,
        "--format",
        "csv",
    ]);
    let references: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert!(references.contains(&oldest[0]), "{csv}");
    for reference in &references {
        let path = out.join(format!("{reference}.xml"));
        let xml = std::fs::read_to_string(&path).unwrap();
        let read = kulissi_iso20022::sese023::read(&xml, path.to_str().unwrap()).unwrap();
        assert_eq!(read.reference, *reference);
    }
    let (_, net, _) = kulissi(&[
        "--db", db, "settle", "net", "--date", isd, "--format", "csv",
    ]);
    let net_rows: Vec<&str> = net.lines().skip(1).collect();
    assert!(!net_rows.is_empty());
    assert!(
        net_rows.iter().all(|r| r.ends_with(",1,false")),
        "gross: one per trade: {net}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `kulissi recon files` as scripts see it: DuckDB's file and a one-line summary; a bad line
/// on stderr with status 2 and no file written.
#[test]
fn recon_files_writes_what_duckdb_writes_and_says_so_in_one_line() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("cli-recon-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("breaks.csv");
    let (ours, theirs) = (
        fixture("recon-internal.csv"),
        fixture("recon-custodian.csv"),
    );
    let (status, stdout, stderr) = kulissi(&[
        "recon",
        "files",
        "--ours",
        ours.to_str().unwrap(),
        "--theirs",
        theirs.to_str().unwrap(),
        "--key",
        "account,isin",
        "--compare",
        "quantity",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(status, 0, "{stderr}");
    assert!(
        stdout.starts_with("reconciled 20000 rows against 19960 in ")
            && stdout.contains(": 200 breaks (80 missing at the custodian, 40 extra at the custodian, 80 quantity differences)"),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        std::fs::read_to_string(fixture("recon-duckdb.csv")).unwrap()
    );
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, "account,isin,quantity\nA,X,1\nB,Y,many\n").unwrap();
    let _ = std::fs::remove_file(&out);
    let (status, _, stderr) = kulissi(&[
        "recon",
        "files",
        "--ours",
        bad.to_str().unwrap(),
        "--theirs",
        theirs.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(status, 2);
    assert!(
        stderr.contains("line 3, column quantity: expected a number"),
        "{stderr}"
    );
    assert!(!out.exists(), "nothing written");
    std::fs::remove_dir_all(&dir).unwrap();
}
