//! Imports read exactly, and every error names the file, line and column or field.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use kulissi_core::engine::Command;
use kulissi_core::refdata::{Instrument, InstrumentKind};
use kulissi_formats::{read_refdata_jsonl, read_trades_csv, read_trades_jsonl};
use proptest::prelude::*;

const HEADER: &str = "source,external_id,legal_entity,book,trader,counterparty,account,isin,side,quantity,price,currency,trade_date,trade_time,venue";
const GOOD: &str = "OMS,T1,5493001KJTIIGC8Y1R12,EQ-HEL,anna,529900T8BM49AURSDO55,HOUSE-1,FI0009000681,buy,1000,20.0050,EUR,2026-06-18,2026-06-18T09:30:00Z,XHEL";

#[test]
fn a_good_csv_line_becomes_a_booking_with_exact_decimals() {
    let csv = format!("{HEADER}\n{GOOD}\n");
    let items = read_trades_csv(csv.as_bytes(), "trades.csv").unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].line, 2);
    let Command::BookTrade(t) = &items[0].item else {
        panic!("{:?}", items[0].item)
    };
    assert_eq!(t.price.value().to_string(), "20.0050");
    assert_eq!(t.settlement_date, None);
}

#[test]
fn csv_errors_name_line_and_column_and_all_are_reported() {
    let bad = GOOD
        .replace(",20.0050,", ",20,5,")
        .replace(",buy,", ",bye,");
    let csv = format!(
        "{HEADER}\n{GOOD}\n{}\n",
        GOOD.replace("2026-06-18,", "2026-13-18,")
    );
    let err = read_trades_csv(csv.as_bytes(), "trades.csv")
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "trades.csv line 3, column trade_date: expected a date YYYY-MM-DD, found '2026-13-18'"
    );
    let csv = format!("{HEADER}\n{bad}\n");
    let err = read_trades_csv(csv.as_bytes(), "trades.csv")
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("trades.csv line 2: not a valid CSV record"),
        "{err}"
    );
    let csv = format!(
        "{HEADER}\n{}\n",
        GOOD.replace(",buy,", ",bye,")
            .replace("FI0009000681", "FI0009000682")
    );
    let err = read_trades_csv(csv.as_bytes(), "trades.csv")
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "trades.csv line 2, column isin: ISIN check digit is wrong: expected 1, found 2\n\
         trades.csv line 2, column side: unknown side 'bye', expected buy or sell"
    );
}

#[test]
fn missing_and_unknown_columns_are_refused() {
    let csv = format!("{},colour\n{GOOD},red\n", HEADER.replace(",price", ""));
    let err = read_trades_csv(csv.as_bytes(), "t.csv")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("t.csv line 1, column colour: unknown column"),
        "{err}"
    );
    assert!(
        err.contains("t.csv line 1, column price: missing column"),
        "{err}"
    );
}

#[test]
fn json_lines_keep_every_digit_of_numbers_and_name_json_paths() {
    let line = r#"{"source":"OMS","external_id":"T9","legal_entity":"5493001KJTIIGC8Y1R12","book":"B","trader":"t","counterparty":"529900T8BM49AURSDO55","account":"A","isin":"FI0009000681","side":"sell","quantity":1000.5,"price":12.345678901234567891,"currency":"EUR","trade_date":"2026-06-18","trade_time":"2026-06-18T09:30:00Z","venue":"XHEL","action":"amend"}"#;
    let items = read_trades_jsonl(format!("\n{line}\n").as_bytes(), "t.jsonl").unwrap();
    assert_eq!(items[0].line, 2);
    let Command::AmendTrade(t) = &items[0].item else {
        panic!()
    };
    assert_eq!(t.price.value().to_string(), "12.345678901234567891");
    let bad = line.replace(r#""quantity":1000.5"#, r#""quantity":"lots""#);
    let err = read_trades_jsonl(bad.as_bytes(), "t.jsonl")
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "t.jsonl line 1, field $.quantity: expected a decimal number such as 101.25, found 'lots'"
    );
    let err = read_trades_jsonl("{\"source\": }".as_bytes(), "t.jsonl")
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("t.jsonl line 1: not valid JSON"), "{err}");
}

#[test]
fn cancellations_need_only_ids_and_a_reason() {
    let csv = "source,external_id,action,reason,legal_entity,book,trader,counterparty,account,isin,side,quantity,price,currency,trade_date,trade_time,venue\n\
               OMS,T1,cancel,booked twice,,,,,,,,,,,,,\n";
    let items = read_trades_csv(csv.as_bytes(), "c.csv").unwrap();
    assert!(
        matches!(&items[0].item, Command::CancelTrade { reason, .. } if reason == "booked twice")
    );
}

#[test]
fn reference_data_lines() {
    let text = r#"{"type":"legal_entity","lei":"5493001KJTIIGC8Y1R12","name":"Kulissi Securities Oyj","reporting_currency":"EUR"}
{"type":"instrument","isin":"FI4000148630","name":"Finland 5% 2030","kind":"bond","currency":"EUR","market":"XHEL","coupon":"0.05","frequency":1,"day_count":"ACT/ACT-ICMA","issue_date":"2020-03-01","maturity_date":"2030-03-01"}
{"type":"fee_schedule","market":"XLON","instrument_type":"equity","commission_bp":"5","purchase_tax_bp":"50"}"#;
    let items = read_refdata_jsonl(text.as_bytes(), "ref.jsonl").unwrap();
    assert_eq!(items.len(), 3);
    let Command::DefineInstrument(i) = &items[1].item else {
        panic!()
    };
    assert_eq!(i.multiplier.to_string(), "0.01");
    let err = read_refdata_jsonl(
        r#"{"type":"instrument","isin":"FI4000148630","kind":"bond"}"#.as_bytes(),
        "ref.jsonl",
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("ref.jsonl line 1, field $.name: expected a value, found nothing"),
        "{err}"
    );
    assert!(err.contains("field $.coupon"), "{err}");
    let err = read_refdata_jsonl(r#"{"type":"desk"}"#.as_bytes(), "ref.jsonl")
        .unwrap_err()
        .to_string();
    assert!(err.contains("field $.type: expected legal_entity"), "{err}");
}

#[test]
fn bond_lines_may_name_a_first_coupon_date_and_the_end_of_month_rule() {
    let line = |extra: &str| {
        format!(
            r#"{{"type":"instrument","isin":"FI4000148630","name":"Finland 5% 2030","kind":"bond","currency":"EUR","market":"XHEL","coupon":"0.05","frequency":2,"day_count":"ACT/ACT-ICMA","issue_date":"2020-01-10","maturity_date":"2030-08-31"{extra}}}"#
        )
    };
    let terms = |text: &str| match read_refdata_jsonl(text.as_bytes(), "ref.jsonl") {
        Ok(items) => match &items[0].item {
            Command::DefineInstrument(Instrument {
                kind: InstrumentKind::Bond(t),
                ..
            }) => Ok((t.first_coupon_date, t.end_of_month)),
            other => panic!("{other:?}"),
        },
        Err(e) => Err(e.to_string()),
    };
    assert_eq!(terms(&line("")), Ok((None, false)));
    assert_eq!(
        terms(&line(
            r#","first_coupon_date":"2020-08-31","end_of_month":true"#
        )),
        Ok((Some("2020-08-31".parse().unwrap()), true))
    );
    let err = terms(&line(
        r#","first_coupon_date":"31.8.2020","end_of_month":"yes""#,
    ))
    .unwrap_err();
    assert!(err.contains("field $.first_coupon_date"), "{err}");
    assert!(
        err.contains("field $.end_of_month: expected true or false, found 'yes'"),
        "{err}"
    );
}

proptest! {
    /// Whatever the bytes, the readers answer with items or errors, never a panic.
    #[test]
    fn readers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400), line in "[ -~]{0,200}") {
        let _ = read_trades_csv(&bytes[..], "f");
        let _ = read_trades_jsonl(&bytes[..], "f");
        let _ = read_refdata_jsonl(&bytes[..], "f");
        let with_header = format!("{HEADER}\n{line}\n");
        let _ = read_trades_csv(with_header.as_bytes(), "f");
        let _ = read_trades_jsonl(line.as_bytes(), "f");
    }
}

/// What `generate --to` writes reads back as the same commands: reference data (a bond with
/// a first coupon date and the end-of-month rule), a trade with its settlement date, a
/// settlement, a transfer, a dividend and a split, and an end of day, which reads as its two
/// steps (asset servicing, then the day).
#[test]
fn written_commands_read_back_the_same() {
    use kulissi_core::cash::CashMovementType;
    use kulissi_core::corporate_actions::CorporateActionKind;
    use kulissi_core::daycount::{CouponTerms, DayCount};
    use kulissi_core::identifiers::{Currency, Isin, Lei, Mic};
    use kulissi_core::money::{Price, Quantity};
    use kulissi_core::settlement::Market;
    use kulissi_core::trade::{Side, TradeInput};
    use kulissi_formats::messages::write_command;
    let d = |s: &str| s.parse::<rust_decimal::Decimal>().unwrap();
    let day = |s: &str| s.parse::<jiff::civil::Date>().unwrap();
    let lei = Lei::parse("5493001KJTIIGC8Y1R12").unwrap();
    let bond = Isin::parse("FI4000148630").unwrap();
    let commands = vec![
        Command::DefineInstrument(Instrument {
            isin: bond,
            name: "5% 2030".into(),
            kind: InstrumentKind::Bond(CouponTerms {
                rate: d("0.05"),
                frequency: 2,
                day_count: DayCount::ActActIcma,
                issue_date: day("2020-02-10"),
                maturity_date: day("2030-04-30"),
                first_coupon_date: Some(day("2020-10-31")),
                end_of_month: true,
            }),
            currency: Currency::parse("EUR").unwrap(),
            market: Market::Xhel,
            multiplier: d("0.01"),
            transaction_tax: false,
        }),
        Command::BookTrade(TradeInput {
            source: "OMS".into(),
            external_id: "T1".into(),
            legal_entity: lei,
            book: "FI-RATES".into(),
            trader: "anna".into(),
            counterparty: Lei::parse("529900T8BM49AURSDO55").unwrap(),
            account: "CLIENT-001".into(),
            instrument: bond,
            side: Side::Sell,
            quantity: Quantity::new(d("1000000")),
            price: Price::new(d("101.255")),
            currency: Currency::parse("EUR").unwrap(),
            trade_date: day("2026-03-02"),
            trade_time: "2026-03-02T09:30:00Z".parse().unwrap(),
            venue: Mic::parse("XHEL").unwrap(),
            settlement_date: Some(day("2026-03-04")),
        }),
        Command::ConfirmSettlement {
            source: "OMS".into(),
            external_id: "T1".into(),
            quantity: Quantity::new(d("400000")),
            settlement_date: day("2026-03-04"),
            reference: "CUST-1".into(),
        },
        Command::RecordCashMovement {
            reference: "TR-1".into(),
            movement: CashMovementType::Transfer,
            account: "HOUSE-01".into(),
            to_account: Some("HOUSE-02".into()),
            currency: Currency::parse("SEK").unwrap(),
            amount: d("1000.50"),
            value_date: day("2026-03-04"),
            pending_until: None,
        },
        Command::DefineNettingSet {
            counterparty: Lei::parse("529900T8BM49AURSDO55").unwrap(),
            ccp: None,
        },
        Command::DefineNettingSet {
            counterparty: Lei::parse("529900T8BM49AURSDO55").unwrap(),
            ccp: Some(lei),
        },
        Command::AnnounceCorporateAction {
            reference: "DIV-1".into(),
            isin: Isin::parse("FI0009000681").unwrap(),
            kind: CorporateActionKind::CashDividend {
                amount_per_share: d("0.125"),
                currency: Currency::parse("EUR").unwrap(),
            },
            ex_date: day("2026-04-01"),
            record_date: day("2026-04-02"),
            pay_date: day("2026-04-10"),
        },
        Command::AnnounceCorporateAction {
            reference: "SPLIT-1".into(),
            isin: Isin::parse("FI0009000681").unwrap(),
            kind: CorporateActionKind::Split {
                new: d("3"),
                old: d("2"),
            },
            ex_date: day("2026-06-15"),
            record_date: day("2026-06-15"),
            pay_date: day("2026-06-15"),
        },
        Command::InstructSettlement {
            date: day("2026-03-02"),
        },
        Command::RecordSettlementStatus {
            reference: "KUL1V1".into(),
            status: kulissi_core::settlement::lifecycle::StatusReport::Failing,
            reasons: vec!["LACK".into(), "CLAT".into()],
            date: day("2026-03-04"),
        },
        Command::RecordSettlementStatus {
            reference: "KUL1V1".into(),
            status: kulissi_core::settlement::lifecycle::StatusReport::Matched,
            reasons: vec![],
            date: day("2026-03-02"),
        },
        Command::ConfirmInstruction {
            reference: "KUL1V1".into(),
            quantity: d("400000"),
            amount: Some(d("405020.00")),
            settlement_date: day("2026-03-05"),
            isin: Some(Isin::parse("FI0009000681").unwrap()),
        },
        Command::ConfirmInstruction {
            reference: "KULN3".into(),
            quantity: d("0"),
            amount: None,
            settlement_date: day("2026-03-05"),
            isin: None,
        },
        Command::ResendInstruction {
            reference: "KUL1V1".into(),
        },
        Command::HoldInstruction {
            reference: "KUL1V1".into(),
            hold: true,
        },
        Command::HoldInstruction {
            reference: "KUL1V1".into(),
            hold: false,
        },
        Command::RecordCentralBankRate {
            currency: Currency::parse("EUR").unwrap(),
            date: day("2025-06-11"),
            rate: d("0.024"),
        },
        Command::SetSettlementTolerance {
            currency: Currency::parse("EUR").unwrap(),
            amount: d("0.05"),
        },
        Command::SetPenaltyRate {
            class: kulissi_core::settlement::penalties::PenaltyClass::SovereignDebt,
            valid_from: day("2027-01-01"),
            basis_points: d("0.15"),
        },
        Command::RunEndOfDay {
            legal_entity: lei,
            date: day("2026-03-04"),
        },
    ];
    let mut file = Vec::new();
    for c in &commands {
        assert!(write_command(c, &mut file).unwrap(), "{c:?}");
    }
    let read = read_refdata_jsonl(file.as_slice(), "firm.jsonl").unwrap();
    let mut expected = commands.clone();
    let end_of_day = expected.len() - 1;
    expected.splice(
        end_of_day..end_of_day,
        [
            Command::ServiceAssets {
                legal_entity: lei,
                date: day("2026-03-04"),
            },
            Command::AccrueSettlementPenalties {
                legal_entity: lei,
                date: day("2026-03-04"),
            },
        ],
    );
    let got: Vec<Command> = read.iter().map(|l| l.item.clone()).collect();
    assert_eq!(got, expected);
    // Every step of the end of day comes from its line, the last.
    assert_eq!(read[end_of_day].line, read[end_of_day + 2].line);
}
