//! sese.023 round trips, every fixture read to its typed value, malformed messages refused
//! naming the element, and no reader panicking on arbitrary input.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use kulissi_core::identifiers::{Bic, Currency, Isin, Lei};
use kulissi_core::ids::TradeId;
use kulissi_core::settlement::instruction::{
    Movement, Payment, QuantityKind, SettlementInstruction, SettlementParty,
};
use kulissi_core::{Date, Decimal};
use kulissi_iso20022::sese024::{Reason, ReasonCode, Status, StatusAdvice};
use kulissi_iso20022::sese025::{Confirmation, CreditDebit, PartialSettlement, SettledAmount};
use kulissi_iso20022::{Iso20022Error, sese023, sese024, sese025};
use proptest::prelude::*;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn party(pset: &str, agent: &str, safe: &str, cash: &str) -> SettlementParty {
    SettlementParty {
        place_of_settlement: Bic::parse(pset).unwrap(),
        agent: Bic::parse(agent).unwrap(),
        safekeeping_account: safe.to_owned(),
        cash_account: cash.to_owned(),
    }
}

fn share_purchase() -> SettlementInstruction {
    SettlementInstruction {
        reference: "KUL1V1".to_owned(),
        trades: vec![TradeId::from(1)],
        movement: Movement::Receive,
        payment: Payment::AgainstPayment,
        trade_date: Date::new(2025, 7, 14).unwrap(),
        settlement_date: Date::new(2025, 7, 16).unwrap(),
        isin: Isin::parse("FI0009000681").unwrap(),
        quantity: Decimal::new(1000, 0),
        quantity_kind: QuantityKind::Units,
        amount: Some((Decimal::new(-2002000, 2), Currency::parse("EUR").unwrap())),
        partial_allowed: true,
        ours: party("APKEFIHH", "NDEAFIHH", "OURSAFE01", "FI2112345600000785"),
        theirs: party("APKEFIHH", "OKOYFIHH", "CPTYSAFE7", "CPTYCASH-EUR-1"),
        counterparty: Lei::parse("5493001KJTIIGC8Y1R12").unwrap(),
    }
}

fn bond_sale() -> SettlementInstruction {
    SettlementInstruction {
        reference: "KUL3V2".to_owned(),
        trades: vec![TradeId::from(3)],
        movement: Movement::Deliver,
        isin: Isin::from_national_code("FI", "400019795").unwrap(),
        quantity: Decimal::new(500_000, 0),
        quantity_kind: QuantityKind::FaceAmount,
        amount: Some((Decimal::new(50_123_456, 2), Currency::parse("EUR").unwrap())),
        partial_allowed: false,
        ..share_purchase()
    }
}

/// The reader gives back the instruction, less the trades, which are not in the message.
fn round_trip(instruction: &SettlementInstruction) -> Result<String, Iso20022Error> {
    let xml = sese023::write(instruction);
    let back = sese023::read(&xml, "out.xml")?;
    assert_eq!(
        back,
        SettlementInstruction {
            trades: Vec::new(),
            ..instruction.clone()
        }
    );
    Ok(xml)
}

#[test]
fn share_purchase_round_trips() -> TestResult {
    let xml = round_trip(&share_purchase())?;
    for part in [
        "<SctiesMvmntTp>RECE</SctiesMvmntTp>",
        "<Pmt>APMT</Pmt>",
        "<Unit>1000</Unit>",
        r#"<Amt Ccy="EUR">20020.00</Amt>"#,
        "<CdtDbtInd>DBIT</CdtDbtInd>",
        "<PrtlSttlmInd>PART</PrtlSttlmInd>",
    ] {
        assert!(xml.contains(part), "{part} not in\n{xml}");
    }
    // We receive: the counterparty delivers.
    let delivering = &xml[xml.find("<DlvrgSttlmPties>").unwrap()..];
    assert!(delivering.starts_with("<DlvrgSttlmPties>"));
    assert!(xml.find("OKOYFIHHXXX") < xml.find("<RcvgSttlmPties>"));
    Ok(())
}

#[test]
fn bond_sale_round_trips() -> TestResult {
    let xml = round_trip(&bond_sale())?;
    for part in [
        "<SctiesMvmntTp>DELI</SctiesMvmntTp>",
        "<FaceAmt>500000</FaceAmt>",
        r#"<Amt Ccy="EUR">501234.56</Amt>"#,
        "<CdtDbtInd>CRDT</CdtDbtInd>",
        "<PrtlSttlmInd>NPAR</PrtlSttlmInd>",
    ] {
        assert!(xml.contains(part), "{part} not in\n{xml}");
    }
    // We deliver: our agent is in the delivering parties, theirs in the receiving ones.
    let rcvg = xml.find("<RcvgSttlmPties>").unwrap();
    assert!(xml.find("NDEAFIHHXXX").unwrap() < rcvg);
    assert!(xml[rcvg..].contains("<LEI>5493001KJTIIGC8Y1R12</LEI>"));
    Ok(())
}

#[test]
fn free_of_payment_and_odd_quantities_round_trip() -> TestResult {
    let mut free = share_purchase();
    free.payment = Payment::Free;
    free.amount = None;
    free.ours.cash_account.clear();
    free.theirs.cash_account.clear();
    free.quantity = Decimal::new(123_4500, 4);
    let xml = round_trip(&free)?;
    assert!(xml.contains("<Unit>123.45</Unit>"), "{xml}");
    assert!(!xml.contains("SttlmAmt") && !xml.contains("CshPties"));
    let mut jpy = share_purchase();
    jpy.amount = Some((Decimal::new(-1500, 0), Currency::parse("JPY")?));
    assert!(round_trip(&jpy)?.contains(r#"<Amt Ccy="JPY">1500</Amt>"#));
    Ok(())
}

fn reason(code: &str, info: Option<&str>) -> Reason {
    Reason {
        code: ReasonCode::Code(code.to_owned()),
        additional_information: info.map(str::to_owned),
    }
}

fn advice(tx: &str, svc: &str, statuses: Vec<Status>) -> StatusAdvice {
    StatusAdvice {
        tx_id: tx.to_owned(),
        account_servicer_tx_id: Some(svc.to_owned()),
        statuses,
    }
}

#[test]
fn status_fixtures_read_to_their_values() -> TestResult {
    let cases = [
        (
            "sese024-accepted.xml",
            advice("KUL1V1", "CUST-0001", vec![Status::Accepted(vec![])]),
        ),
        (
            "sese024-rejected.xml",
            advice(
                "KUL2V1",
                "CUST-0002",
                vec![Status::Rejected(vec![
                    reason("SAFE", Some("Safekeeping account unknown at the custodian")),
                    reason("DSEC", None),
                ])],
            ),
        ),
        (
            "sese024-matched.xml",
            advice(
                "KUL3V1",
                "CUST-0003",
                vec![Status::Accepted(vec![]), Status::Matched(vec![])],
            ),
        ),
        (
            "sese024-unmatched.xml",
            advice(
                "KUL4V1",
                "CUST-0004",
                vec![Status::Unmatched(vec![
                    reason("DDAT", None),
                    reason("DQUA", Some("Counterparty instructed 900")),
                    reason("CMIS", None),
                ])],
            ),
        ),
        (
            "sese024-pending.xml",
            advice(
                "KUL5V1",
                "CUST-0005",
                vec![
                    Status::Matched(vec![]),
                    Status::Pending(vec![reason("FUTU", None)]),
                ],
            ),
        ),
        (
            "sese024-failing.xml",
            advice(
                "KUL6V1",
                "CUST-0006",
                vec![Status::Failing(vec![
                    reason("LACK", Some("Lack of securities")),
                    Reason {
                        code: ReasonCode::Proprietary {
                            id: "INSU".to_owned(),
                            issuer: "NDEAFIHH".to_owned(),
                        },
                        additional_information: None,
                    },
                    reason("CLAT", None),
                ])],
            ),
        ),
        (
            "sese024-cancelled.xml",
            advice(
                "KUL7V1",
                "CUST-0007",
                vec![Status::Cancelled(vec![reason(
                    "CXLR",
                    Some("Cancelled at your request"),
                )])],
            ),
        ),
    ];
    for (file, expected) in cases {
        assert_eq!(sese024::read(&fixture(file), file)?, expected, "{file}");
    }
    Ok(())
}

#[test]
fn confirmation_fixtures_read_to_their_values() -> TestResult {
    let eur = Currency::parse("EUR")?;
    let full = sese025::read(&fixture("sese025-full.xml"), "sese025-full.xml")?;
    assert_eq!(
        full,
        Confirmation {
            tx_id: "KUL1V1".to_owned(),
            account_servicer_tx_id: Some("CUST-SETT-0001".to_owned()),
            movement: Movement::Receive,
            payment: Payment::AgainstPayment,
            isin: Isin::parse("FI0009000681")?,
            effective_settlement_date: Date::new(2025, 7, 16)?,
            settled_quantity: Decimal::new(1000, 0),
            quantity_kind: QuantityKind::Units,
            settled_amount: Some(SettledAmount {
                amount: Decimal::new(2002000, 2),
                currency: eur,
                direction: CreditDebit::Debit,
            }),
            partial: None,
            remaining_quantity: None,
        }
    );
    let partial = sese025::read(&fixture("sese025-partial.xml"), "sese025-partial.xml")?;
    assert_eq!(
        partial,
        Confirmation {
            tx_id: "KUL3V1".to_owned(),
            account_servicer_tx_id: Some("CUST-SETT-0002".to_owned()),
            movement: Movement::Deliver,
            payment: Payment::AgainstPayment,
            isin: Isin::parse("FI4000197959")?,
            effective_settlement_date: Date::new(2025, 7, 17)?,
            settled_quantity: Decimal::new(300_000, 0),
            quantity_kind: QuantityKind::FaceAmount,
            settled_amount: Some(SettledAmount {
                amount: Decimal::new(30_074_074, 2),
                currency: eur,
                direction: CreditDebit::Credit,
            }),
            partial: Some(PartialSettlement::Part),
            remaining_quantity: Some(Decimal::new(200_000, 0)),
        }
    );
    Ok(())
}

fn error_text<T: std::fmt::Debug>(r: Result<T, Iso20022Error>) -> String {
    match r {
        Ok(v) => panic!("accepted: {v:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn malformed_messages_name_the_element() {
    let accepted = fixture("sese024-accepted.xml");
    let no_tx = accepted.replace("<AcctOwnrTxId>KUL1V1</AcctOwnrTxId>", "");
    assert_eq!(
        error_text(sese024::read(&no_tx, "status.xml")),
        "status.xml: /Document/SctiesSttlmTxStsAdvc/TxId/AcctOwnrTxId: missing"
    );
    let no_tx_block = accepted
        .replace("<TxId>", "<Foo>")
        .replace("</TxId>", "</Foo>");
    assert_eq!(
        error_text(sese024::read(&no_tx_block, "status.xml")),
        "status.xml: /Document/SctiesSttlmTxStsAdvc/TxId: missing"
    );
    let unknown = accepted.replace("AckdAccptd", "Sttld");
    assert_eq!(
        error_text(sese024::read(&unknown, "status.xml")),
        "status.xml: /Document/SctiesSttlmTxStsAdvc/PrcgSts/Sttld: unknown or unsupported \
         status Sttld, expected AckdAccptd or Rjctd or Canc"
    );
    let no_status = fixture("sese024-cancelled.xml").replace("PrcgSts", "Lnkgs");
    assert!(error_text(sese024::read(&no_status, "s.xml")).contains("no status"));

    let full = fixture("sese025-full.xml");
    let bad_date = full.replace(
        "<Dt>2025-07-16</Dt>\n        </Dt>\n      </FctvSttlmDt>",
        "<Dt>2025-02-30</Dt>\n        </Dt>\n      </FctvSttlmDt>",
    );
    assert_eq!(
        error_text(sese025::read(&bad_date, "conf.xml")),
        "conf.xml: /Document/SctiesSttlmTxConf/TradDtls/FctvSttlmDt/Dt/Dt: not a date \
         YYYY-MM-DD: \"2025-02-30\""
    );
    let bad_qty = full.replace("<Unit>1000</Unit>", "<Unit>1e3</Unit>");
    assert_eq!(
        error_text(sese025::read(&bad_qty, "conf.xml")),
        "conf.xml: /Document/SctiesSttlmTxConf/QtyAndAcctDtls/SttldQty/Qty/Unit: not a \
         decimal: \"1e3\""
    );
    let bad_ccy = full.replace(r#"Ccy="EUR""#, r#"Ccy="EUX""#);
    assert!(
        error_text(sese025::read(&bad_ccy, "conf.xml"))
            .starts_with("conf.xml: /Document/SctiesSttlmTxConf/SttldAmt/Amt/@Ccy: ")
    );

    // Another message type.
    let wrong = error_text(sese024::read(&full, "conf.xml"));
    assert!(
        wrong.starts_with("conf.xml: unexpected message type"),
        "{wrong}"
    );
    assert!(
        error_text(sese025::read("<Document", "x.xml")).starts_with("x.xml: not well-formed XML")
    );

    // A sese.023 whose credit or debit is neither.
    let xml = sese023::write(&share_purchase()).replace(">DBIT<", ">DEBT<");
    let text = error_text(sese023::read(&xml, "out.xml"));
    assert!(
        text.starts_with("out.xml: /Document/SctiesSttlmTxInstr/SttlmAmt/CdtDbtInd:")
            && text.contains("DEBT"),
        "{text}"
    );
}

/// A net instruction may receive securities and be paid (bought low, sold high to the same
/// broker): CRDT on a RECE, the counterparty the cash debtor; it reads back the same.
#[test]
fn a_net_receipt_that_is_paid_round_trips() -> TestResult {
    let mut net = share_purchase();
    net.reference = "KULN7".to_owned();
    net.trades = vec![TradeId::from(1), TradeId::from(2)];
    net.partial_allowed = false;
    net.amount = Some((Decimal::new(50_000, 2), Currency::parse("EUR")?));
    let xml = round_trip(&net)?;
    assert!(xml.contains("<CdtDbtInd>CRDT</CdtDbtInd>"), "{xml}");
    let debtor = xml.split("<Dbtr>").nth(1).unwrap_or_default();
    assert!(debtor.contains("CPTYCASH-EUR-1"), "{xml}");
    Ok(())
}

fn readers(input: &str) {
    let _ = sese023::read(input, "fuzz.xml");
    let _ = sese024::read(input, "fuzz.xml");
    let _ = sese025::read(input, "fuzz.xml");
}

fn valid_messages() -> Vec<String> {
    let mut all: Vec<String> = [
        "sese024-accepted.xml",
        "sese024-failing.xml",
        "sese024-matched.xml",
        "sese024-unmatched.xml",
        "sese025-full.xml",
        "sese025-partial.xml",
    ]
    .iter()
    .map(|f| fixture(f))
    .collect();
    all.push(sese023::write(&share_purchase()));
    all.push(sese023::write(&bond_sale()));
    all
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        readers(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn mutated_messages_never_panic(
        which in 0usize..8,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..4, any::<char>()), 1..8),
    ) {
        let messages = valid_messages();
        let mut chars: Vec<char> = messages[which % messages.len()].chars().collect();
        for (at, op, c) in edits {
            if chars.is_empty() {
                break;
            }
            let i = at.index(chars.len());
            match op {
                0 => { chars.remove(i); }
                1 => chars.insert(i, c),
                2 => chars[i] = c,
                _ => { chars.truncate(i); }
            }
        }
        readers(&chars.into_iter().collect::<String>());
    }

    #[test]
    fn deep_nesting_never_panics(depth in 0usize..5000) {
        readers(&"<A>".repeat(depth));
        readers(&format!("{}{}", "<A>".repeat(depth), "</A>".repeat(depth)));
    }
}
