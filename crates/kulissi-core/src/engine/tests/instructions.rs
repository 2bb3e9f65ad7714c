//! A trade's settlement instruction (docs/domain.md §3.3–§3.4, §4.1): the movement, DvP for
//! the principal, both sides' SSIs in force on the trade date, units or face amount, and a
//! reference per trade version, so an amendment instructs anew.

use super::*;
use crate::settlement::instruction::{Movement, Payment, QuantityKind, instruction_for};

#[test]
fn a_trade_instructs_its_principal_against_payment_with_both_sides_ssis() {
    let mut s = firm();
    run(
        &mut s,
        Command::BookTrade(trade(
            "T1",
            UK_SHARE,
            Side::Buy,
            "10000",
            "4.2575",
            "GBP",
            date(2026, 8, 28),
        )),
    );
    let record = booked(&s, "T1");
    let i = instruction_for(&record, &s.refdata).unwrap();
    assert_eq!(i.reference, "KUL1V1");
    assert_eq!(
        (i.movement, i.payment),
        (Movement::Receive, Payment::AgainstPayment)
    );
    assert_eq!(i.settlement_date, date(2026, 9, 2));
    assert_eq!(
        (i.quantity, i.quantity_kind),
        (d("10000"), QuantityKind::Units)
    );
    // The market leg is the principal; commission and SDRT are paid elsewhere.
    assert_eq!(i.amount, Some((d("42575.00"), ccy("GBP"))));
    assert_eq!(i.counterparty, lei(BROKER));
    assert_eq!(i.ours.place_of_settlement.to_string(), "APKEFIHHXXX");

    // A bond sells its face amount, principal with accrued interest; an amendment is a new
    // version with a new reference.
    run(
        &mut s,
        Command::BookTrade(trade(
            "B1",
            BOND,
            Side::Sell,
            "1000000",
            "101.25",
            "EUR",
            date(2025, 7, 14),
        )),
    );
    let bond = instruction_for(&booked(&s, "B1"), &s.refdata).unwrap();
    assert_eq!(
        (bond.movement, bond.quantity_kind),
        (Movement::Deliver, QuantityKind::FaceAmount)
    );
    assert_eq!(bond.amount, Some((d("1031114.13"), ccy("EUR"))));
    run(
        &mut s,
        Command::AmendTrade(trade(
            "B1",
            BOND,
            Side::Sell,
            "900000",
            "101.25",
            "EUR",
            date(2025, 7, 14),
        )),
    );
    let amended = instruction_for(&booked(&s, "B1"), &s.refdata).unwrap();
    assert_eq!(amended.reference, "KUL2V2");
    assert_eq!(amended.quantity, d("900000"));
}
