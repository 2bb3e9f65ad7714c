//! `net_file` against DuckDB's output (a committed oracle fixture, see
//! `tools/oracles/net_fixture.sh`), on one thread and on two, its errors, and no panic on any
//! input.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use kulissi_formats::net_file::{NET_COLUMNS, NetSummary, net_file};
use proptest::prelude::*;

const FIXTURE_TRADES: &str = include_str!("fixtures/net-trades.csv");
const FIXTURE_DUCKDB: &str = include_str!("fixtures/net-duckdb.csv");
const HEADER: &str =
    "trade_id,counterparty,isin,currency,trade_date,settle_date,side,quantity,price";
const LEI: &str = "5493000000000047XX85";
const ISIN: &str = "US0000001604";

/// A scratch path unique to this test process and `name`.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("net_file");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(format!("{}-{name}", std::process::id()))
}

/// Nets `content` (written to `name`); the output's text, or the error's.
fn net(name: &str, content: &[u8]) -> Result<(NetSummary, String), String> {
    let input = scratch(name);
    let output = scratch(&format!("{name}.out"));
    std::fs::write(&input, content).unwrap();
    let _ = std::fs::remove_file(&output);
    let result = net_file(&input, &output);
    let text = std::fs::read_to_string(&output).ok();
    let _ = std::fs::remove_file(&input);
    let _ = std::fs::remove_file(&output);
    match result {
        Ok(summary) => Ok((summary, text.unwrap())),
        Err(e) => {
            assert!(text.is_none(), "{name}: an output was written despite {e}");
            Err(e.to_string().replace(&input.display().to_string(), name))
        }
    }
}

fn line(id: u64, side: &str, quantity: &str, price: &str) -> String {
    format!("{id},{LEI},{ISIN},USD,2026-03-02,2026-03-03,{side},{quantity},{price}")
}

#[test]
fn the_fixture_nets_byte_for_byte_as_duckdb() {
    let (summary, out) = net("fixture.csv", FIXTURE_TRADES.as_bytes()).unwrap();
    assert_eq!(
        summary,
        NetSummary {
            trades: 12_000,
            groups: FIXTURE_DUCKDB.lines().count() as u64 - 1
        }
    );
    assert!(out == FIXTURE_DUCKDB, "the output differs from DuckDB's");
}

/// DuckDB's rows with every sum multiplied by `k` (exact: decimal strings as integers).
fn times(duckdb: &str, k: i128) -> String {
    let mut out = String::new();
    for (i, row) in duckdb.lines().enumerate() {
        if i == 0 {
            out.push_str(row);
            out.push('\n');
            continue;
        }
        let f: Vec<&str> = row.split(',').collect();
        let (int, frac) = f[5].split_once('.').unwrap();
        let negative = int.starts_with('-');
        let cents: i128 = format!("{}{frac}", int.trim_start_matches('-'))
            .parse()
            .unwrap();
        let cash = if negative { -cents } else { cents } * k;
        let sign = if cash < 0 { "-" } else { "" };
        let cash = cash.unsigned_abs();
        out.push_str(&format!(
            "{},{},{},{},{},{sign}{}.{:04},{}\n",
            f[0],
            f[1],
            f[2],
            f[3],
            f[4].parse::<i128>().unwrap() * k,
            cash / 10_000,
            cash % 10_000,
            f[6].parse::<i128>().unwrap() * k
        ));
    }
    out
}

/// The fixture's trades `k` times over (over 4 MiB for k = 5: read on two threads).
fn repeated(k: usize) -> String {
    let (header, trades) = FIXTURE_TRADES.split_once('\n').unwrap();
    let mut content = format!("{header}\n");
    for _ in 0..k {
        content.push_str(trades);
    }
    content
}

#[test]
fn two_threads_merge_their_halves_exactly() {
    let content = repeated(5);
    assert!(content.len() > 4 << 20);
    let (summary, out) = net("five.csv", content.as_bytes()).unwrap();
    assert_eq!(summary.trades, 60_000);
    assert!(out == times(FIXTURE_DUCKDB, 5), "five copies differ");
    // CRLF line ends, blank lines and no line end at the end change nothing.
    let crlf = content.replace('\n', "\r\n\r\n");
    let crlf = crlf.trim_end();
    let (_, out) = net("five-crlf.csv", crlf.as_bytes()).unwrap();
    assert!(out == times(FIXTURE_DUCKDB, 5), "CRLF differs");
}

#[test]
fn errors_in_the_second_half_name_the_line_in_the_file() {
    let mut content = repeated(5);
    let lines = content.lines().count();
    content.push_str(&line(1, "B", "10", "1.5"));
    content.push('\n');
    content.push_str(&line(2, "b", "10", "1.5"));
    content.push('\n');
    assert_eq!(
        net("late.csv", content.as_bytes()).unwrap_err(),
        format!(
            "late.csv line {}, column side: expected B (buy) or S (sell), found 'b'",
            lines + 2
        )
    );
    // With an error in each half, the first in the file is reported.
    // (the first trade of the first copy: the first half)
    let content = content.replacen(",2026-03-02,", ",2026-03-32,", 1);
    let err = net("both.csv", content.as_bytes()).unwrap_err();
    let first_bad = content
        .lines()
        .position(|l| l.contains("2026-03-32"))
        .unwrap()
        + 1;
    assert_eq!(
        err,
        format!(
            "both.csv line {first_bad}, column trade_date: expected a date YYYY-MM-DD, found '2026-03-32'"
        )
    );
}

#[test]
fn each_error_names_file_line_column_and_what_was_expected() {
    let cases: &[(&str, &str)] = &[
        (
            &line(1, "B", "10", "10.12345"),
            "line 2, column price: expected a price with at most 14 digits before the point and 4 after, such as 101.25, found '10.12345'",
        ),
        (
            &line(1, "B", "10", "10,5"),
            "line 2: expected 9 columns (trade_id,counterparty,isin,currency,trade_date,settle_date,side,quantity,price), found 10",
        ),
        (
            &line(1, "B", "10", "-1.5"),
            "line 2, column price: expected a price with at most 14 digits before the point and 4 after, such as 101.25, found '-1.5'",
        ),
        (
            &line(1, "B", "10", "123456789012345"),
            "line 2, column price: expected a price with at most 14 digits before the point and 4 after, such as 101.25, found '123456789012345'",
        ),
        (
            &line(1, "X", "10", "1"),
            "line 2, column side: expected B (buy) or S (sell), found 'X'",
        ),
        (
            &line(1, "B", "9223372036854775808", "1"),
            "line 2, column quantity: expected a whole number of units from 0 to 9223372036854775807, found '9223372036854775808'",
        ),
        (
            &line(1, "B", "1.5", "1"),
            "line 2, column quantity: expected a whole number of units from 0 to 9223372036854775807, found '1.5'",
        ),
        (
            &line(1, "B", "10", "1").replace("1,5493", "T1,5493"),
            "line 2, column trade_id: expected an integer trade id such as 1042, found 'T1'",
        ),
        (
            &line(1, "B", "10", "1").replace(LEI, "5493000000000047XX58"),
            "line 2, column counterparty: LEI check digit is wrong: expected 85, found 58",
        ),
        (
            &line(1, "B", "10", "1").replace(LEI, "5493000000000047xx85"),
            "line 2, column counterparty: expected a 20-character LEI in capitals such as 5493001KJTIIGC8Y1R12, found '5493000000000047xx85'",
        ),
        (
            &line(1, "B", "10", "1").replace(ISIN, "US0000001605"),
            "line 2, column isin: ISIN check digit is wrong: expected 4, found 5",
        ),
        (
            &line(1, "B", "10", "1").replace("USD", "ABC"),
            "line 2, column currency: 'ABC' is not an active ISO 4217 currency code",
        ),
        (
            &line(1, "B", "10", "1").replace("USD", "usd"),
            "line 2, column currency: expected a 3-letter ISO 4217 currency code in capitals such as EUR, found 'usd'",
        ),
        (
            &line(1, "B", "10", "1").replace("2026-03-03", "2026-02-29"),
            "line 2, column settle_date: expected a date YYYY-MM-DD, found '2026-02-29'",
        ),
        (
            &line(1, "B", "10", "1").replace("2026-03-02", "2.3.2026"),
            "line 2, column trade_date: expected a date YYYY-MM-DD, found '2.3.2026'",
        ),
        (
            &format!("1,{LEI},{ISIN},USD,2026-03-02"),
            "line 2: expected 9 columns (trade_id,counterparty,isin,currency,trade_date,settle_date,side,quantity,price), found 5",
        ),
        (
            "\"1\",x",
            "line 2, column trade_id: expected an integer trade id such as 1042, found '\\\"1\\\"'",
        ),
        (
            &format!(
                "{}\n{}",
                line(1, "B", "9223372036854775807", "1"),
                line(2, "B", "1", "1")
            ),
            "line 3: the net quantity of 5493000000000047XX85,US0000001604,2026-03-03,USD overflows",
        ),
    ];
    for (i, (data, expected)) in cases.iter().enumerate() {
        let name = format!("case{i}.csv");
        let content = format!("{HEADER}\n{data}\n");
        assert_eq!(
            net(&name, content.as_bytes()).unwrap_err(),
            format!("{name} {expected}"),
            "{data}"
        );
    }
}

#[test]
fn net_cash_overflow_is_an_error_not_a_wrap() {
    // Each sell adds 9.2e32 to the cash (9.2e36 ten-thousandths); the buys at 0 keep the
    // quantity at zero. The 128-bit sum overflows at the 19th sell.
    let mut content = format!("{HEADER}\n");
    for i in 0..40 {
        content.push_str(&line(2 * i, "B", "9223372036854775807", "0"));
        content.push('\n');
        content.push_str(&line(
            2 * i + 1,
            "S",
            "9223372036854775807",
            "99999999999999.9999",
        ));
        content.push('\n');
    }
    assert_eq!(
        net("cash.csv", content.as_bytes()).unwrap_err(),
        "cash.csv line 39: the net cash of 5493000000000047XX85,US0000001604,2026-03-03,USD overflows"
    );
}

#[test]
fn the_header_is_checked_and_may_be_quoted() {
    assert_eq!(
        net("h.csv", b"trade_id,counterparty\n1,2\n").unwrap_err(),
        format!("h.csv line 1: expected the header {HEADER}, found 'trade_id,counterparty'")
    );
    assert_eq!(
        net("empty.csv", b"").unwrap_err(),
        format!("empty.csv line 1: expected the header {HEADER}, found ''")
    );
    let quoted = HEADER
        .split(',')
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(",");
    let (summary, out) = net("q.csv", format!("{quoted}\r\n").as_bytes()).unwrap();
    assert_eq!(
        summary,
        NetSummary {
            trades: 0,
            groups: 0
        }
    );
    assert_eq!(out, format!("{NET_COLUMNS}\n"));
    let missing = scratch("does-not-exist.csv");
    let err = net_file(&missing, &scratch("x.out"))
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("cannot read "), "{err}");
}

#[test]
fn small_amounts_zero_and_negative_are_written_as_duckdb_does() {
    let content = format!(
        "{HEADER}\n{}\n{}\n\n{}\r\n{}\n{}",
        line(1, "S", "1", "0.5"),
        line(2, "B", "1", "0.5").replace("03-03", "03-04"),
        line(3, "B", "1", "0.5").replace("03-03", "03-05"),
        line(4, "S", "1", "0.5").replace("03-03", "03-05"),
        line(5, "S", "3", "0.0001").replace("03-03", "03-06"),
    );
    // Checked against DuckDB 2.0.1 (net_duckdb.py --out) on the same five trades.
    let expected = format!(
        "{NET_COLUMNS}\n\
         {LEI},{ISIN},2026-03-03,USD,-1,0.5000,1\n\
         {LEI},{ISIN},2026-03-04,USD,1,-0.5000,1\n\
         {LEI},{ISIN},2026-03-05,USD,0,0.0000,2\n\
         {LEI},{ISIN},2026-03-06,USD,-3,0.0003,1\n"
    );
    assert_eq!(net("small.csv", content.as_bytes()).unwrap().1, expected);
}

/// The netting written the plain way: a sorted map of decimal sums.
fn model(trades: &[(usize, usize, usize, bool, u32, u32)]) -> String {
    let mut groups: BTreeMap<[String; 4], (i128, i128, u64)> = BTreeMap::new();
    for &(cp, isin, day, buy, quantity, price) in trades {
        let key = [
            LEIS[cp].to_owned(),
            ISINS[isin].0.to_owned(),
            format!("2026-03-{:02}", 3 + day),
            ISINS[isin].1.to_owned(),
        ];
        let g = groups.entry(key).or_default();
        let cash = i128::from(quantity) * i128::from(price);
        let sign = if buy { 1 } else { -1 };
        g.0 += sign * i128::from(quantity);
        g.1 -= sign * cash;
        g.2 += 1;
    }
    let mut out = format!("{NET_COLUMNS}\n");
    for ([cp, isin, date, ccy], (q, c, n)) in groups {
        let sign = if c < 0 { "-" } else { "" };
        let a = c.unsigned_abs();
        out.push_str(&format!(
            "{cp},{isin},{date},{ccy},{q},{sign}{}.{:04},{n}\n",
            a / 10_000,
            a % 10_000
        ));
    }
    out
}

const LEIS: [&str; 3] = [
    "5493000000000047XX85",
    "5493001KJTIIGC8Y1R12",
    "529900T8BM49AURSDO55",
];
const ISINS: [(&str, &str); 3] = [
    ("US0000001604", "USD"),
    ("FI0009000681", "EUR"),
    ("US0378331005", "USD"),
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn no_input_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400), header in any::<bool>()) {
        let mut content = if header { format!("{HEADER}\n").into_bytes() } else { Vec::new() };
        content.extend_from_slice(&bytes);
        let _ = net("arbitrary.csv", &content);
    }

    #[test]
    fn mangled_good_lines_never_panic(
        cut in 0usize..80,
        byte in any::<u8>(),
        lines in 1usize..4,
    ) {
        let mut content = format!("{HEADER}\n");
        for i in 0..lines {
            content.push_str(&line(i as u64, "B", "100", "12.5"));
            content.push('\n');
        }
        let mut bytes = content.into_bytes();
        let at = HEADER.len() + 1 + cut;
        if at < bytes.len() {
            bytes[at] = byte;
        }
        let _ = net("mangled.csv", &bytes);
    }

    #[test]
    fn good_files_net_as_the_plain_model_does(
        trades in proptest::collection::vec(
            (0usize..3, 0usize..3, 0usize..3, any::<bool>(), 0u32..1_000_000, 0u32..100_000_000),
            0..60,
        )
    ) {
        let mut content = format!("{HEADER}\n");
        for (i, &(cp, isin, day, buy, quantity, price)) in trades.iter().enumerate() {
            content.push_str(&format!(
                "{i},{},{},{},2026-03-02,2026-03-{:02},{},{quantity},{}.{:04}\n",
                LEIS[cp],
                ISINS[isin].0,
                ISINS[isin].1,
                3 + day,
                if buy { "B" } else { "S" },
                price / 10_000,
                price % 10_000,
            ));
        }
        let (summary, out) = net("model.csv", content.as_bytes()).unwrap();
        prop_assert_eq!(summary.trades, trades.len() as u64);
        prop_assert_eq!(out, model(&trades));
    }
}
