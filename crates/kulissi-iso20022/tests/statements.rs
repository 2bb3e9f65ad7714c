//! The statements of reconciliation read from the hand-written fixtures (validated by
//! `tools/peers/iso20022_validate.sh` against the python-iso20022 models): a semt.002
//! statement of holdings and two camt.053 bank statements to their values, as the lines of
//! a reconciliation; what is refused, naming the element; and no panic on mangled input.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use kulissi_core::reconciliation::views::ReconDefinition;
use kulissi_core::settlement::instruction::QuantityKind;
use kulissi_core::{Date, Decimal};
use kulissi_iso20022::{camt053, semt002, statements};
use proptest::prelude::*;

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[test]
fn a_statement_of_holdings_reads_to_its_values() {
    let s = semt002::read(&fixture("semt002-holdings.xml"), "h.xml").unwrap();
    assert_eq!(s.statement_id.as_deref(), Some("STMT-SAFE1-20250718"));
    assert_eq!(s.date, Date::new(2025, 7, 18).unwrap());
    assert_eq!(s.safekeeping_account, "SAFE1");
    let holdings: Vec<(String, Decimal, QuantityKind)> = s
        .holdings
        .iter()
        .map(|h| (h.isin.to_string(), h.quantity, h.quantity_kind))
        .collect();
    assert_eq!(
        holdings,
        [
            ("FI0009000681".into(), d("1000"), QuantityKind::Units),
            ("FI0009007132".into(), d("250"), QuantityKind::Units),
            ("FI4000197959".into(), d("200000"), QuantityKind::FaceAmount),
        ]
    );
    let empty = semt002::read(&fixture("semt002-empty.xml"), "e.xml").unwrap();
    assert!(empty.holdings.is_empty());
    assert_eq!(empty.date, Date::new(2025, 7, 21).unwrap());
}

#[test]
fn bank_statements_read_to_their_values_and_add_up() {
    let s = camt053::read(&fixture("camt053-statement.xml"), "c.xml").unwrap();
    assert_eq!(s.len(), 1);
    let s = &s[0];
    assert_eq!(
        (s.id.as_str(), s.account.as_str(), s.currency.code()),
        ("STMT-CASH1-20250718", "FI2112345600000785", "EUR")
    );
    assert_eq!(s.date, Date::new(2025, 7, 18).unwrap());
    assert_eq!(
        (s.opening, s.closing),
        (Some(d("1000000.00")), d("981963.00"))
    );
    let entries: Vec<(Decimal, Option<&str>)> = s
        .entries
        .iter()
        .map(|e| (e.amount, e.reference.as_deref()))
        .collect();
    assert_eq!(
        entries,
        [
            (d("-20020.00"), Some("KUL1V1")),
            (d("1998.00"), Some("KUL2V1")),
            (d("-15.00"), Some("FEE-2025-07")),
        ]
    );
    assert_eq!(
        s.entries[0].value_date,
        Some(Date::new(2025, 7, 16).unwrap())
    );
    let cm = camt053::read(&fixture("camt053-client-money.xml"), "cm.xml").unwrap();
    assert_eq!(cm[0].closing, d("29900.00"));
}

#[test]
fn statements_become_the_lines_of_their_reconciliation() {
    let (lines, date) = statements::recon_lines(
        &fixture("semt002-holdings.xml"),
        "h.xml",
        ReconDefinition::HousePositions,
    )
    .unwrap();
    assert_eq!(date, Date::new(2025, 7, 18).unwrap());
    assert_eq!(lines[0].key, ["SAFE1", "FI0009000681"]);
    assert_eq!(lines[2].source, "h.xml BalForAcct[3]");
    let (lines, _) = statements::recon_lines(
        &fixture("camt053-client-money.xml"),
        "cm.xml",
        ReconDefinition::ClientMoney,
    )
    .unwrap();
    assert_eq!(
        (lines[0].key.clone(), lines[0].value),
        (vec!["EUR".into()], d("29900.00"))
    );
    let (lines, _) = statements::recon_lines(
        &fixture("camt053-statement.xml"),
        "c.xml",
        ReconDefinition::HouseCash,
    )
    .unwrap();
    assert_eq!(lines[0].key, ["FI2112345600000785", "EUR"]);
    // The wrong kind of statement for the reconciliation.
    let wrong = statements::recon_lines(
        &fixture("camt053-statement.xml"),
        "c.xml",
        ReconDefinition::HousePositions,
    )
    .unwrap_err()
    .to_string();
    assert!(
        wrong.contains("semt.002.001.11 for the house-positions reconciliation"),
        "{wrong}"
    );
}

#[test]
fn what_cannot_be_reconciled_is_refused_naming_the_element() {
    let delta = fixture("semt002-holdings.xml").replace("<Cd>COMP</Cd>", "<Cd>DELT</Cd>");
    let e = semt002::read(&delta, "h.xml").unwrap_err().to_string();
    assert!(
        e.starts_with("h.xml: /Document/SctiesBalCtdyRpt/StmtGnlDtls/UpdTp/Cd:"),
        "{e}"
    );
    let unbalanced = fixture("camt053-statement.xml").replace(">981963.00<", ">981964.00<");
    let e = camt053::read(&unbalanced, "c.xml").unwrap_err().to_string();
    assert!(
        e.contains("/Document/BkToCstmrStmt/Stmt/Bal: the closing balance 981964.00 is not the opening 1000000.00 plus the booked entries -18037.00"),
        "{e}"
    );
    let no_isin = fixture("semt002-holdings.xml").replacen("<ISIN>FI0009000681</ISIN>", "", 1);
    let e = semt002::read(&no_isin, "h.xml").unwrap_err().to_string();
    assert!(e.contains("FinInstrmId/ISIN: missing"), "{e}");
}

proptest! {
    #[test]
    fn mangled_statements_never_panic(cut in 0usize..4000, byte in any::<u8>(), which in 0usize..4) {
        let names = ["semt002-holdings.xml", "semt002-empty.xml", "camt053-statement.xml", "camt053-client-money.xml"];
        let mut bytes = fixture(names[which]).into_bytes();
        if cut < bytes.len() {
            bytes[cut] = byte;
        }
        let text = String::from_utf8_lossy(&bytes);
        let _ = semt002::read(&text, "x.xml");
        let _ = camt053::read(&text, "x.xml");
        for definition in ReconDefinition::ALL {
            let _ = statements::recon_lines(&text, "x.xml", definition);
        }
    }
}
