//! The settlement instruction lifecycle through the engine (docs/domain.md §3.5–§3.7):
//! instructions issued and reissued when a trade changes, netting undone and redone, the
//! custodian's statuses and confirmations, exceptions instead of crashes, and CSDR
//! penalties posted to the ledger.

use super::*;
use crate::ids::TradeId;
use crate::ledger::codes;
use crate::settlement::lifecycle::{InstructionStatus as S, StatusReport as R};

fn instruct(s: &mut State) -> Vec<Event> {
    run(
        s,
        Command::InstructSettlement {
            date: date(2025, 7, 14),
        },
    )
}

fn status(s: &mut State, reference: &str, report: R, reasons: &[&str]) -> Vec<Event> {
    run(
        s,
        Command::RecordSettlementStatus {
            reference: reference.into(),
            status: report,
            reasons: reasons.iter().map(|r| (*r).to_owned()).collect(),
            date: date(2025, 7, 14),
        },
    )
}

fn confirm(s: &mut State, reference: &str, quantity: &str, amount: &str) -> Vec<Event> {
    run(
        s,
        Command::ConfirmInstruction {
            reference: reference.into(),
            quantity: d(quantity),
            amount: Some(d(amount)),
            settlement_date: date(2025, 7, 16),
            isin: None,
        },
    )
}

fn current(s: &State, reference: &str) -> (S, bool, Vec<String>) {
    let i = s.settlement.get(reference).unwrap();
    (
        i.status(),
        i.matched(),
        i.reasons().iter().map(|r| r.to_string()).collect(),
    )
}

fn exceptions(s: &State) -> Vec<String> {
    s.settlement
        .exceptions
        .iter()
        .map(|e| format!("{}: {}", e.reference, e.detail))
        .collect()
}

fn book(s: &mut State, id: &str, side: Side, quantity: &str, price: &str) {
    run(
        s,
        Command::BookTrade(trade(
            id,
            FI_SHARE,
            side,
            quantity,
            price,
            "EUR",
            date(2025, 7, 14),
        )),
    );
}

#[test]
fn instructions_are_issued_once_and_reissued_when_the_trade_changes() {
    let mut s = firm();
    book(&mut s, "T1", Side::Buy, "1000", "20.00");
    let events = instruct(&mut s);
    assert_round_trips(&events);
    let i = s.settlement.get("KUL1V1").unwrap();
    assert_eq!(
        (i.terms.quantity, i.terms.cash),
        (d("1000"), d("-20000.00"))
    );
    assert!(i.terms.partial_allowed && !i.terms.netted);
    assert_eq!(i.terms.settlement_date, date(2025, 7, 16));
    assert!(instruct(&mut s).is_empty(), "a trade is instructed once");

    // An amendment cancels the instruction and instructs the new version.
    let events = run(
        &mut s,
        Command::AmendTrade(trade(
            "T1",
            FI_SHARE,
            Side::Buy,
            "900",
            "20.00",
            "EUR",
            date(2025, 7, 14),
        )),
    );
    assert_round_trips(&events);
    assert_eq!(current(&s, "KUL1V1").0, S::Cancelled);
    assert_eq!(current(&s, "KUL1V1").2, ["trade amended"]);
    assert_eq!(
        s.settlement
            .of_trade(TradeId(1))
            .unwrap()
            .terms
            .reference
            .as_ref(),
        "KUL1V2"
    );
    assert_eq!(s.settlement.get("KUL1V2").unwrap().terms.quantity, d("900"));

    // A cancellation cancels it and instructs nothing.
    run(
        &mut s,
        Command::CancelTrade {
            source: "TEST".into(),
            external_id: "T1".into(),
            reason: "booked in error".into(),
        },
    );
    assert_eq!(current(&s, "KUL1V2").0, S::Cancelled);
    assert!(s.settlement.of_trade(TradeId(1)).is_none());
    assert!(instruct(&mut s).is_empty());
    let decoded = snapshot::decode(&snapshot::encode(&s)).unwrap();
    assert_eq!(decoded, s);
}

/// §3.6 through the engine: the broker nets bilaterally; the sale of 500 at 100.00 and the
/// purchase of 300 at 101.00 become one delivery of 200 against 19,700.00. A third trade
/// on the same key undoes the net and redoes it; an amendment of a member does too; the net
/// settles only in full, and settling it settles every member.
#[test]
fn net_instructions_replace_the_gross_ones_and_settle_every_member() {
    let mut s = firm();
    run(
        &mut s,
        Command::DefineNettingSet {
            counterparty: lei(BROKER),
            ccp: None,
        },
    );
    book(&mut s, "S", Side::Sell, "500", "100.00");
    book(&mut s, "B", Side::Buy, "300", "101.00");
    assert_round_trips(&instruct(&mut s));
    let net = s.settlement.get("KULN1").unwrap();
    assert!(net.terms.netted && !net.terms.partial_allowed);
    assert_eq!(net.terms.members, [TradeId(1), TradeId(2)]);
    assert_eq!(
        (net.terms.quantity, net.terms.cash),
        (d("-200"), d("19700.00"))
    );

    book(&mut s, "B2", Side::Buy, "100", "100.00");
    instruct(&mut s);
    assert_eq!(
        current(&s, "KULN1"),
        (S::Cancelled, false, vec!["renetted".into()])
    );
    let net = s.settlement.get("KULN2").unwrap();
    assert_eq!(net.terms.members, [TradeId(1), TradeId(2), TradeId(3)]);
    assert_eq!(
        (net.terms.quantity, net.terms.cash),
        (d("-100"), d("9700.00"))
    );

    run(
        &mut s,
        Command::AmendTrade(trade(
            "B2",
            FI_SHARE,
            Side::Buy,
            "100",
            "99.00",
            "EUR",
            date(2025, 7, 14),
        )),
    );
    assert_eq!(current(&s, "KULN2").0, S::Cancelled);
    let net = s.settlement.get("KULN3").unwrap();
    assert_eq!(net.terms.members, [TradeId(1), TradeId(2), TradeId(3)]);
    assert_eq!(net.terms.cash, d("9800.00"));

    // A trade in a net settles only through it, and the net only in full.
    assert!(matches!(
        decide(
            &s,
            &envelope(Command::ConfirmSettlement {
                source: "TEST".into(),
                external_id: "S".into(),
                quantity: Quantity::new(d("500")),
                settlement_date: date(2025, 7, 16),
                reference: "C1".into(),
            })
        ),
        Err(Rejection::SettlesThroughNet { .. })
    ));
    status(&mut s, "KULN3", R::Matched, &[]);
    confirm(&mut s, "KULN3", "60", "5880.00");
    assert!(exceptions(&s)[0].contains("does not allow partial settlement"));
    let events = confirm(&mut s, "KULN3", "100", "9800.00");
    assert_round_trips(&events);
    assert_eq!(current(&s, "KULN3").0, S::Settled);
    for t in s.trades.iter() {
        assert_eq!(t.record.settled_quantity, t.record.terms.quantity.value());
    }
    let decoded = snapshot::decode(&snapshot::encode(&s)).unwrap();
    assert_eq!(decoded, s);
}

#[test]
fn statuses_move_an_instruction_through_its_life() {
    let mut s = firm();
    book(&mut s, "T1", Side::Buy, "1000", "20.00");
    book(&mut s, "T2", Side::Sell, "400", "20.00");
    instruct(&mut s);
    status(&mut s, "KUL1V1", R::Accepted, &[]);
    assert_eq!(current(&s, "KUL1V1").0, S::Acknowledged);
    status(&mut s, "KUL1V1", R::Unmatched, &["DDAT"]);
    assert_eq!(
        current(&s, "KUL1V1"),
        (S::Unmatched, false, vec!["DDAT".into()])
    );
    status(&mut s, "KUL1V1", R::Matched, &[]);
    assert!(
        status(&mut s, "KUL1V1", R::Matched, &[]).is_empty(),
        "a repeat changes nothing"
    );
    status(&mut s, "KUL1V1", R::Failing, &["MONY"]);
    assert_eq!(
        current(&s, "KUL1V1"),
        (S::Failing, true, vec!["MONY".into()])
    );
    // A partial settlement, then the rest.
    let events = confirm(&mut s, "KUL1V1", "600", "12000.00");
    assert_round_trips(&events);
    assert_eq!(current(&s, "KUL1V1").0, S::PartiallySettled);
    assert_eq!(booked(&s, "T1").settled_quantity, d("600"));
    confirm(&mut s, "KUL1V1", "400", "8000.00");
    assert_eq!(current(&s, "KUL1V1").0, S::Settled);
    assert_eq!(booked(&s, "T1").settled_quantity, d("1000"));

    // After settlement, nothing moves it: the status is an exception, not a crash.
    status(&mut s, "KUL1V1", R::Rejected, &["SAFE"]);
    status(&mut s, "NOSUCHREF", R::Matched, &[]);
    confirm(&mut s, "NOSUCHREF", "1", "1.00");
    assert_eq!(
        exceptions(&s),
        [
            "KUL1V1: a rejected status for an instruction that is settled",
            "NOSUCHREF: a matched status for an unknown instruction",
            "NOSUCHREF: a confirmation for an unknown instruction",
        ]
    );
    let resolved = run(
        &mut s,
        Command::ResolveSettlementException {
            id: 2,
            resolution: "not ours: forwarded to the custodian".into(),
        },
    );
    assert_round_trips(&resolved);
    assert!(s.settlement.exceptions[1].resolution.is_some());

    // A rejection waits for repair and resend; holds are ours.
    status(&mut s, "KUL2V1", R::Rejected, &["SAFE"]);
    assert_eq!(current(&s, "KUL2V1").0, S::Rejected);
    confirm(&mut s, "KUL2V1", "400", "8000.00");
    assert!(exceptions(&s)[3].contains("rejected instruction"));
    run(
        &mut s,
        Command::ResendInstruction {
            reference: "KUL2V1".into(),
        },
    );
    assert_eq!(current(&s, "KUL2V1").0, S::Instructed);
    let held = run(
        &mut s,
        Command::HoldInstruction {
            reference: "KUL2V1".into(),
            hold: true,
        },
    );
    assert_round_trips(&held);
    assert!(s.settlement.get("KUL2V1").unwrap().on_hold);
    assert!(matches!(
        decide(
            &s,
            &envelope(Command::ResendInstruction {
                reference: "KUL2V1".into()
            })
        ),
        Err(Rejection::InstructionState { .. })
    ));
    let decoded = snapshot::decode(&snapshot::encode(&s)).unwrap();
    assert_eq!(decoded, s);
}

#[test]
fn a_settled_amount_outside_the_tolerance_is_an_exception() {
    let mut s = firm();
    book(&mut s, "T1", Side::Buy, "1000", "20.00");
    instruct(&mut s);
    status(&mut s, "KUL1V1", R::Matched, &[]);
    confirm(&mut s, "KUL1V1", "1000", "20000.05");
    assert_eq!(
        exceptions(&s),
        ["KUL1V1: settled amount 20000.05 EUR where 20000.00 was expected (tolerance 0)"]
    );
    assert_eq!(booked(&s, "T1").settled_quantity, d("0"), "nothing posted");
    let events = run(
        &mut s,
        Command::SetSettlementTolerance {
            currency: ccy("EUR"),
            amount: d("0.10"),
        },
    );
    assert_round_trips(&events);
    confirm(&mut s, "KUL1V1", "1000", "20000.05");
    assert_eq!(current(&s, "KUL1V1").0, S::Settled);
}

fn price(s: &mut State, day: Date, p: &str) {
    run(
        s,
        Command::RecordPrice {
            instrument: Isin::parse(FI_SHARE).unwrap(),
            date: day,
            price: Price::new(d(p)),
            source: "XHEL official close".into(),
        },
    );
}

fn accrue(s: &mut State, through: Date) -> Vec<Event> {
    run(
        s,
        Command::AccrueSettlementPenalties {
            legal_entity: lei(OURS),
            date: through,
        },
    )
}

/// §3.7: a fail to deliver 10,000 liquid shares for three days at reference prices 50.00,
/// 49.00 and 51.00 costs EUR 150.00: Dr 5400 / Cr 2700. Accruing the same days again adds
/// nothing; the days after the delivery settles accrue nothing.
#[test]
fn a_failing_delivery_pays_the_worked_penalty_of_domain_section_3_7() {
    let mut s = firm();
    book(&mut s, "S1", Side::Sell, "10000", "50.00");
    instruct(&mut s);
    status(&mut s, "KUL1V1", R::Matched, &[]);
    status(&mut s, "KUL1V1", R::Failing, &["LACK"]);
    for (day, p) in [(16, "50.00"), (17, "49.00"), (18, "51.00")] {
        price(&mut s, date(2025, 7, day), p);
    }
    let events = accrue(&mut s, date(2025, 7, 18));
    assert_round_trips(&events);
    let Event::SettlementPenaltiesAccrued { penalties, .. } = &events[0] else {
        panic!("{events:?}")
    };
    let days: Vec<(Date, Decimal)> = penalties.iter().map(|p| (p.date, p.amount)).collect();
    assert_eq!(
        days,
        [
            (date(2025, 7, 16), d("50.00")),
            (date(2025, 7, 17), d("49.00")),
            (date(2025, 7, 18), d("51.00")),
        ]
    );
    let eur = ccy("EUR");
    assert_eq!(
        s.ledger.balance(codes::SETTLEMENT_PENALTIES, eur),
        d("150.00")
    );
    assert_eq!(
        s.ledger.balance(codes::PENALTIES_PAYABLE, eur),
        d("-150.00")
    );
    assert!(accrue(&mut s, date(2025, 7, 18)).is_empty());

    // Settled on the 21st: the weekend is not a business day, the 21st is not a fail.
    run(
        &mut s,
        Command::ConfirmInstruction {
            reference: "KUL1V1".into(),
            quantity: d("10000"),
            amount: Some(d("500000.00")),
            settlement_date: date(2025, 7, 21),
            isin: Some(Isin::parse(FI_SHARE).unwrap()),
        },
    );
    price(&mut s, date(2025, 7, 21), "52.00");
    let events = accrue(&mut s, date(2025, 7, 25));
    let Event::SettlementPenaltiesAccrued { penalties, .. } = &events[0] else {
        panic!("{events:?}")
    };
    assert!(penalties.is_empty(), "{penalties:?}");
    let decoded = snapshot::decode(&snapshot::encode(&s)).unwrap();
    assert_eq!(decoded, s);
}

/// §3.7: a cash fail on a 500,000 reference value with the ECB rate at 2.40% costs 32.88 a
/// day; a counterparty's fail is paid to us (Dr 1700 / Cr 5400); a client's own fail is
/// recharged to the client (Dr 1320), and a counterparty's fail on a client's trade is
/// passed on to the client (Cr 2120).
#[test]
fn cash_fails_and_who_pays_them() {
    let mut s = firm();
    run(
        &mut s,
        Command::DefineAccount {
            code: "CLIENT-1".into(),
            legal_entity: lei(OURS),
            owner: AccountOwner::Client,
            custodian: lei(CUSTODIAN),
            safekeeping_account: "SAFE-C1".into(),
            cash_account: "CASH-C1".into(),
        },
    );
    let events = run(
        &mut s,
        Command::RecordCentralBankRate {
            currency: ccy("EUR"),
            date: date(2025, 6, 11),
            rate: d("0.024"),
        },
    );
    assert_round_trips(&events);
    book(&mut s, "B1", Side::Buy, "10000", "50.00");
    let mut client = trade(
        "B2",
        FI_SHARE,
        Side::Buy,
        "10000",
        "50.00",
        "EUR",
        date(2025, 7, 14),
    );
    client.account = "CLIENT-1".into();
    run(&mut s, Command::BookTrade(client.clone()));
    client.external_id = "S3".into();
    client.side = Side::Sell;
    run(&mut s, Command::BookTrade(client));
    instruct(&mut s);
    for (reference, reason) in [("KUL1V1", "MONY"), ("KUL2V1", "MONY"), ("KUL3V1", "CLAC")] {
        status(&mut s, reference, R::Matched, &[]);
        status(&mut s, reference, R::Failing, &[reason]);
    }
    price(&mut s, date(2025, 7, 16), "50.00");
    let eur = ccy("EUR");
    let before = s.ledger.clone();
    accrue(&mut s, date(2025, 7, 16));
    let change = |code| s.ledger.balance(code, eur) - before.balance(code, eur);
    // The house's own cash fail: 32.88 paid. The client's cash fail: 32.88 paid and
    // recharged. The counterparty's fail on the client's sale: the client's 50.00.
    assert_eq!(change(codes::PENALTIES_PAYABLE), d("-65.76"));
    assert_eq!(change(codes::SETTLEMENT_PENALTIES), d("32.88"));
    assert_eq!(change(codes::RECEIVABLE_FROM_CLIENTS), d("32.88"));
    assert_eq!(change(codes::PENALTIES_RECEIVABLE), d("50.00"));
    assert_eq!(change(codes::PAYABLE_TO_CLIENTS), d("-50.00"));
}

/// The penalty table is effective-dated reference data: liquid shares at 2 bp from the 17th
/// make the second and third days of the §3.7 fail cost 98.00 and 102.00.
#[test]
fn penalty_rates_apply_from_their_date() {
    let mut s = firm();
    let events = run(
        &mut s,
        Command::SetPenaltyRate {
            class: crate::settlement::penalties::PenaltyClass::LiquidShares,
            valid_from: date(2025, 7, 17),
            basis_points: d("2"),
        },
    );
    assert_round_trips(&events);
    book(&mut s, "S1", Side::Sell, "10000", "50.00");
    instruct(&mut s);
    status(&mut s, "KUL1V1", R::Matched, &[]);
    for (day, p) in [(16, "50.00"), (17, "49.00"), (18, "51.00")] {
        price(&mut s, date(2025, 7, day), p);
    }
    accrue(&mut s, date(2025, 7, 18));
    assert_eq!(
        s.ledger.balance(codes::SETTLEMENT_PENALTIES, ccy("EUR")),
        d("250.00")
    );
    let decoded = snapshot::decode(&snapshot::encode(&s)).unwrap();
    assert_eq!(decoded, s);
}
