//! `recon_file` against DuckDB's output (a committed oracle fixture, see
//! `tools/oracles/recon_fixture.sh`), against a model written here for any small pair of
//! files, with tolerances and key columns in any place; its errors; and no panic on any
//! input.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use kulissi_formats::recon_file::{ReconSpec, ReconSummary, recon_files};
use proptest::prelude::*;

const FIXTURE_OURS: &str = include_str!("fixtures/recon-internal.csv");
const FIXTURE_THEIRS: &str = include_str!("fixtures/recon-custodian.csv");
const FIXTURE_DUCKDB: &str = include_str!("fixtures/recon-duckdb.csv");

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("recon_file");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(format!("{}-{name}", std::process::id()))
}

/// Reconciles `ours` against `theirs` (written as `name`-ours and `name`-theirs); the
/// output's text, or the error's (file paths shortened to `ours` and `theirs`).
fn recon(
    name: &str,
    ours: &str,
    theirs: &str,
    spec: &ReconSpec,
) -> Result<(ReconSummary, String), String> {
    let (a, b, out) = (
        scratch(&format!("{name}-ours")),
        scratch(&format!("{name}-theirs")),
        scratch(&format!("{name}-out")),
    );
    std::fs::write(&a, ours).unwrap();
    std::fs::write(&b, theirs).unwrap();
    let _ = std::fs::remove_file(&out);
    let result = recon_files(&a, &b, spec, &out);
    let text = std::fs::read_to_string(&out).ok();
    for p in [&a, &b, &out] {
        let _ = std::fs::remove_file(p);
    }
    match result {
        Ok(summary) => Ok((summary, text.unwrap())),
        Err(e) => {
            assert!(text.is_none(), "{name}: an output was written despite {e}");
            Err(e
                .to_string()
                .replace(&a.display().to_string(), "ours")
                .replace(&b.display().to_string(), "theirs"))
        }
    }
}

fn spec() -> ReconSpec {
    ReconSpec::default()
}

#[test]
fn the_fixture_reconciles_byte_for_byte_as_duckdb() {
    let (summary, out) = recon("fixture", FIXTURE_OURS, FIXTURE_THEIRS, &spec()).unwrap();
    assert!(out == FIXTURE_DUCKDB, "the output differs from DuckDB's");
    // gen_recon.py plants 0.4% missing, 0.4% different and 0.2% extra.
    assert_eq!(
        (
            summary.internal,
            summary.missing_at_custodian,
            summary.qty_diff,
            summary.extra_at_custodian
        ),
        (20_000, 80, 80, 40)
    );
}

#[test]
fn a_tolerance_keeps_small_differences_out_of_the_breaks() {
    let ours = "account,isin,quantity\nA,X1,100\nA,X2,100\nB,X1,10.5\n";
    let theirs = "account,isin,quantity\nB,X1,10.25\nA,X2,103\nA,X1,101\n";
    let (_, exact) = recon("exact", ours, theirs, &spec()).unwrap();
    assert_eq!(
        exact,
        "account,isin,internal_qty,custodian_qty,kind\nA,X1,100,101,qty_diff\nA,X2,100,103,qty_diff\nB,X1,10.5,10.25,qty_diff\n"
    );
    let tolerant = ReconSpec {
        tolerance: Some("1".into()),
        ..spec()
    };
    let (summary, out) = recon("tolerant", ours, theirs, &tolerant).unwrap();
    assert_eq!(
        out,
        "account,isin,internal_qty,custodian_qty,kind\nA,X2,100,103,qty_diff\n"
    );
    assert_eq!(summary.breaks(), 1);
    let bad = ReconSpec {
        tolerance: Some("-1".into()),
        ..spec()
    };
    assert!(
        recon("bad-tolerance", ours, theirs, &bad)
            .unwrap_err()
            .contains("tolerance")
    );
}

#[test]
fn key_columns_may_stand_anywhere_and_any_column_may_be_compared() {
    let ours = "market_value,isin,account\n500.00,X1,A\n20,X2,A\n";
    let theirs = "account,isin,market_value\nA,X1,500\nA,X2,21\nB,X9,7\n";
    let by_value = ReconSpec {
        key: vec!["account".into(), "isin".into()],
        compare: "market_value".into(),
        tolerance: None,
    };
    let (_, out) = recon("anywhere", ours, theirs, &by_value).unwrap();
    assert_eq!(
        out,
        "account,isin,internal_market_value,custodian_market_value,kind\nA,X2,20,21,qty_diff\nB,X9,,7,extra_at_custodian\n"
    );
}

#[test]
fn errors_name_the_file_the_line_and_the_column() {
    let header = "account,isin,quantity\n";
    let cases = [
        (
            format!("{header}A,X1,10\nA,X1,11\n"),
            "ours line 3: key A,X1 appears again (first on line 2)",
        ),
        (
            format!("{header}A,X1,1e3\n"),
            "ours line 2, column quantity: expected a number with at most 9 decimals, found '1e3'",
        ),
        (
            format!("{header}A,X1\n"),
            "ours line 2: expected 3 columns, found 2",
        ),
        (
            format!("{header}A,X1,1,2\n"),
            "ours line 2: expected 3 columns, found more",
        ),
        (
            format!("{header}\"A\",X1,1\n"),
            "ours line 2, column account: a quoted field; fields may not be quoted",
        ),
        (
            format!("{header},X1,1\n"),
            "ours line 2, column account: empty; a key column needs a value",
        ),
        (
            "account,quantity\nA,1\n".to_owned(),
            "ours line 1, column isin: missing column; the header has account,quantity",
        ),
    ];
    for (ours, expected) in cases {
        assert_eq!(
            recon("errors", &ours, header, &spec()).unwrap_err(),
            expected
        );
    }
    let twice = format!("{header}B,X1,1\nB,X1,1\n");
    assert!(
        recon("theirs-twice", header, &twice, &spec())
            .unwrap_err()
            .starts_with("theirs line 3: key B,X1 appears again")
    );
}

/// The model: both files as maps, the outer join by hand, sorted by the key's fields.
fn model(ours: &[(u8, u8, i64)], theirs: &[(u8, u8, i64)]) -> String {
    let key = |a: u8, i: u8| (format!("ACC{a}"), format!("X{i}"));
    let mut rows: BTreeMap<(String, String), (Option<i64>, Option<i64>)> = BTreeMap::new();
    for (a, i, q) in ours {
        rows.entry(key(*a, *i)).or_default().0 = Some(*q);
    }
    for (a, i, q) in theirs {
        rows.entry(key(*a, *i)).or_default().1 = Some(*q);
    }
    let mut out = String::from("account,isin,internal_qty,custodian_qty,kind\n");
    for ((account, isin), (o, t)) in rows {
        let kind = match (o, t) {
            (Some(x), Some(y)) if x == y => continue,
            (Some(_), Some(_)) => "qty_diff",
            (Some(_), None) => "missing_at_custodian",
            _ => "extra_at_custodian",
        };
        let show = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
        out.push_str(&format!(
            "{account},{isin},{},{},{kind}\n",
            show(o),
            show(t)
        ));
    }
    out
}

fn positions() -> impl Strategy<Value = Vec<(u8, u8, i64)>> {
    prop::collection::btree_map((0u8..12, 0u8..12), -1_000i64..1_000, 0..40)
        .prop_map(|m| m.into_iter().map(|((a, i), q)| (a, i, q)).collect())
}

fn csv(rows: &[(u8, u8, i64)]) -> String {
    let mut s = String::from("account,isin,quantity\n");
    for (a, i, q) in rows {
        s.push_str(&format!("ACC{a},X{i},{q}\n"));
    }
    s
}

proptest! {
    #[test]
    fn any_two_files_reconcile_as_the_model_says(
        ours in positions(),
        theirs in positions(),
        rotate in 0usize..40,
    ) {
        let mut shuffled = theirs.clone();
        let len = shuffled.len().max(1);
        shuffled.rotate_left(rotate % len);
        let (_, out) = recon("model", &csv(&ours), &csv(&shuffled), &spec()).unwrap();
        prop_assert_eq!(out, model(&ours, &theirs));
    }

    #[test]
    fn arbitrary_bytes_never_panic(
        a in proptest::collection::vec(any::<u8>(), 0..300),
        b in proptest::collection::vec(any::<u8>(), 0..300),
    ) {
        let (pa, pb, out) = (scratch("fuzz-a"), scratch("fuzz-b"), scratch("fuzz-out"));
        std::fs::write(&pa, &a).unwrap();
        std::fs::write(&pb, &b).unwrap();
        let _ = recon_files(&pa, &pb, &spec(), &out);
    }
}
