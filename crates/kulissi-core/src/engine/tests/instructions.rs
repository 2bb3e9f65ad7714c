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
    assert_eq!(i.amount, Some((d("-42575.00"), ccy("GBP"))), "we pay");
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

/// docs/domain.md §3.6 through the engine: with the broker configured to net bilaterally,
/// selling it 500 at 100.00 and buying 300 back at 101.00 for the same settlement date
/// settles as one delivery of 200 against 19,700.00; the netting set is reference data
/// (refused against a counterparty that is not a CCP, acknowledged when repeated).
#[test]
fn a_bilateral_netting_set_nets_a_days_trades_with_the_broker() {
    use crate::settlement::netting::{NettingSet, Obligation, net};
    let mut s = firm();
    let netting = Command::DefineNettingSet {
        counterparty: lei(BROKER),
        ccp: None,
    };
    let events = run(&mut s, netting.clone());
    assert_round_trips(&events);
    assert!(run(&mut s, netting).is_empty());
    assert!(matches!(
        decide(
            &s,
            &envelope(Command::DefineNettingSet {
                counterparty: lei(BROKER),
                ccp: Some(lei(CUSTODIAN)),
            })
        ),
        Err(Rejection::NotACcp(_))
    ));
    for (id, side, quantity, price) in [
        ("S", Side::Sell, "500", "100.00"),
        ("B", Side::Buy, "300", "101.00"),
    ] {
        run(
            &mut s,
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
    let broker = s.refdata.counterparties.id(&lei(BROKER)).unwrap();
    assert_eq!(
        s.refdata.netting_sets.of(broker),
        Some(NettingSet::Bilateral)
    );
    let obligations: Vec<Obligation> = s.trades.iter().map(|t| Obligation::of(&t.record)).collect();
    let instructions = net(&obligations, &s.refdata.netting_sets);
    assert_eq!(instructions.len(), 1);
    assert_eq!(
        (instructions[0].quantity, instructions[0].cash),
        (d("-200"), d("19700.00"))
    );
    // The netting set survives a snapshot.
    let decoded = crate::engine::snapshot::decode(&crate::engine::snapshot::encode(&s)).unwrap();
    assert_eq!(decoded, s);
}
