//! Reconciliation through the engine (docs/domain.md §8, §7.1): a break's whole lifecycle
//! across two runs (opened, assigned, commented, closed when a later run matches), the same
//! statement refused twice, a timing break explained by a pending receipt, a client-money
//! shortfall planted at the bank, and write-offs through maker and checker.

use super::*;
use crate::reconciliation::breaks::BreakStatus;
use crate::reconciliation::views::ReconDefinition;
use crate::reconciliation::{BreakClass, ReconLine};

fn line(key: &[&str], value: &str, source: &str) -> ReconLine {
    ReconLine {
        key: key.iter().map(|k| (*k).to_owned()).collect(),
        value: d(value),
        source: source.to_owned(),
    }
}

fn recon(definition: ReconDefinition, as_of: Date, digest: &str, lines: Vec<ReconLine>) -> Command {
    Command::RunReconciliation {
        definition,
        legal_entity: lei(OURS),
        as_of,
        statement: format!("{digest}.csv"),
        digest: digest.into(),
        lines,
    }
}

fn as_person(state: &mut State, who: &str, command: Command) -> Result<Vec<Event>, Rejection> {
    let mut envelope = envelope(command);
    envelope.actor = Actor::Person(who.into());
    let events = decide(state, &envelope)?;
    for e in &events {
        apply(state, e).unwrap();
    }
    Ok(events)
}

/// 1,000 Nokia bought and settled into HOUSE-1 (safekeeping account SAFE-HOUSE-1).
fn settled_position() -> State {
    let mut s = firm();
    run(
        &mut s,
        Command::BookTrade(trade(
            "T1",
            FI_SHARE,
            Side::Buy,
            "1000",
            "20.00",
            "EUR",
            date(2025, 7, 14),
        )),
    );
    run(
        &mut s,
        Command::ConfirmSettlement {
            source: "TEST".into(),
            external_id: "T1".into(),
            quantity: Quantity::new(d("1000")),
            settlement_date: date(2025, 7, 16),
            reference: "CUST-1".into(),
        },
    );
    s
}

#[test]
fn a_breaks_whole_lifecycle_across_two_runs() {
    let mut s = settled_position();
    let nokia = ["SAFE-HOUSE-1", FI_SHARE];
    let total = ["SAFE-HOUSE-1", FR_SHARE];
    // Day 1: the custodian shows 990 Nokia, and 50 Total we never booked.
    let events = run(
        &mut s,
        recon(
            ReconDefinition::HousePositions,
            date(2025, 7, 16),
            "STMT-1",
            vec![line(&nokia, "990", "line 2"), line(&total, "50", "line 3")],
        ),
    );
    assert_round_trips(&events);
    let book = &s.reconciliations;
    assert_eq!(book.breaks.len(), 2);
    let quantity = book.get(1).unwrap();
    assert_eq!(quantity.finding.class, BreakClass::Quantity);
    assert_eq!(quantity.finding.difference(), d("-10"));
    assert_eq!(
        book.get(2).unwrap().finding.class,
        BreakClass::MissingInternal
    );
    assert_eq!(book.runs[0].items, 2);
    assert_eq!(book.runs[0].matched, 0);

    // The same statement again is refused by its digest, whatever its name.
    assert!(matches!(
        decide(
            &s,
            &envelope(recon(
                ReconDefinition::HousePositions,
                date(2025, 7, 16),
                "STMT-1",
                vec![]
            ))
        ),
        Err(Rejection::StatementLoaded { .. })
    ));

    // People work it.
    let moved = as_person(
        &mut s,
        "anna",
        Command::MoveBreak {
            id: 1,
            to: BreakStatus::Assigned,
            assignee: Some("ben".into()),
        },
    )
    .unwrap();
    assert_round_trips(&moved);
    let commented = as_person(
        &mut s,
        "ben",
        Command::CommentBreak {
            id: 1,
            text: "custodian booked a late delivery".into(),
        },
    )
    .unwrap();
    assert_round_trips(&commented);
    as_person(
        &mut s,
        "ben",
        Command::MoveBreak {
            id: 1,
            to: BreakStatus::PendingCounterparty,
            assignee: None,
        },
    )
    .unwrap();
    assert!(matches!(
        as_person(
            &mut s,
            "ben",
            Command::MoveBreak {
                id: 1,
                to: BreakStatus::Closed,
                assignee: None,
            },
        ),
        Err(Rejection::BreakState { .. })
    ));

    // Day 2: the custodian corrected Nokia; Total is still there.
    let events = run(
        &mut s,
        recon(
            ReconDefinition::HousePositions,
            date(2025, 7, 17),
            "STMT-2",
            vec![line(&nokia, "1000", "line 2"), line(&total, "50", "line 3")],
        ),
    );
    assert_round_trips(&events);
    let book = &s.reconciliations;
    let nokia_break = book.get(1).unwrap();
    assert_eq!(nokia_break.status, BreakStatus::Closed, "closed by the run");
    assert_eq!(nokia_break.assignee.as_deref(), Some("ben"));
    assert_eq!(nokia_break.comments.len(), 1);
    let total_break = book.get(2).unwrap();
    assert_eq!(
        (
            total_break.status,
            total_break.opened,
            total_break.last_seen
        ),
        (BreakStatus::Open, date(2025, 7, 16), date(2025, 7, 17))
    );
    assert_eq!(book.breaks.len(), 2, "nothing new");
    assert_eq!((book.runs[1].items, book.runs[1].matched), (2, 1));

    let resolved = as_person(
        &mut s,
        "ben",
        Command::ResolveBreak {
            id: 2,
            code: "custodian-error".into(),
            comment: "not our position; custodian to reverse".into(),
        },
    )
    .unwrap();
    assert_round_trips(&resolved);
    assert_eq!(
        s.reconciliations.get(2).unwrap().status,
        BreakStatus::Resolved
    );

    // A run is reproducible: the same log gives the same result digest.
    let decoded = snapshot::decode(&snapshot::encode(&s)).unwrap();
    assert_eq!(decoded, s);
}

/// A receipt of 300 instructed and matched, settled at the custodian before its
/// confirmation reached us: the custodian shows 1,300 where we have 1,000: timing.
#[test]
fn a_pending_receipt_explains_a_timing_break() {
    let mut s = settled_position();
    run(
        &mut s,
        Command::BookTrade(trade(
            "T2",
            FI_SHARE,
            Side::Buy,
            "300",
            "20.00",
            "EUR",
            date(2025, 7, 15),
        )),
    );
    run(
        &mut s,
        Command::InstructSettlement {
            date: date(2025, 7, 15),
        },
    );
    run(
        &mut s,
        recon(
            ReconDefinition::HousePositions,
            date(2025, 7, 17),
            "STMT-T",
            vec![line(&["SAFE-HOUSE-1", FI_SHARE], "1300", "line 2")],
        ),
    );
    assert_eq!(
        s.reconciliations.get(1).unwrap().finding.class,
        BreakClass::Timing
    );
    // An ISIN we do not know is reference data, not a missing position.
    run(
        &mut s,
        recon(
            ReconDefinition::HousePositions,
            date(2025, 7, 18),
            "STMT-U",
            vec![
                line(&["SAFE-HOUSE-1", FI_SHARE], "1300", "line 2"),
                line(&["SAFE-HOUSE-1", "US0378331005"], "5", "line 3"),
            ],
        ),
    );
    assert_eq!(
        s.reconciliations.get(2).unwrap().finding.class,
        BreakClass::ReferenceData
    );
}

/// §7.1: 30,000.00 of a client's money is at the bank by our books (1150); the bank's
/// statement of the client money accounts shows 29,900.00: a shortfall of 100.00.
#[test]
fn a_client_money_reconciliation_finds_a_planted_shortfall() {
    let mut s = firm();
    run(
        &mut s,
        Command::DefineAccount {
            code: "CLIENT-1".into(),
            legal_entity: lei(OURS),
            owner: AccountOwner::Client,
            custodian: lei(CUSTODIAN),
            safekeeping_account: "SAFE-CLIENT-1".into(),
            cash_account: "CLIENT-MONEY-1".into(),
        },
    );
    run(
        &mut s,
        Command::RecordCashMovement {
            reference: "DEP-1".into(),
            movement: crate::cash::CashMovementType::ClientDeposit,
            account: "CLIENT-1".into(),
            to_account: None,
            currency: ccy("EUR"),
            amount: d("30000.00"),
            value_date: date(2025, 7, 14),
            pending_until: None,
        },
    );
    // Two client money accounts at the bank, summed per currency.
    run(
        &mut s,
        recon(
            ReconDefinition::ClientMoney,
            date(2025, 7, 14),
            "BANK-1",
            vec![
                line(&["EUR"], "20000.00", "account 1"),
                line(&["EUR"], "9900.00", "account 2"),
            ],
        ),
    );
    let shortfall = s.reconciliations.get(1).unwrap();
    assert_eq!(shortfall.finding.class, BreakClass::Amount);
    assert_eq!(
        (shortfall.finding.ours, shortfall.finding.theirs),
        (Some(d("30000.00")), Some(d("29900.00")))
    );
    assert_eq!(shortfall.finding.difference(), d("-100.00"));
    // The bank's statement agreeing the next day closes it.
    run(
        &mut s,
        recon(
            ReconDefinition::ClientMoney,
            date(2025, 7, 15),
            "BANK-2",
            vec![line(&["EUR"], "30000.00", "account 1")],
        ),
    );
    assert_eq!(
        s.reconciliations.get(1).unwrap().status,
        BreakStatus::Closed
    );
}

#[test]
fn a_write_off_needs_a_second_person() {
    let mut s = settled_position();
    run(
        &mut s,
        recon(
            ReconDefinition::HousePositions,
            date(2025, 7, 16),
            "STMT-W",
            vec![line(&["SAFE-HOUSE-1", FI_SHARE], "999", "line 2")],
        ),
    );
    let asked = as_person(
        &mut s,
        "anna",
        Command::RequestWriteOff {
            id: 1,
            reason: "one share lost in a 2019 merger".into(),
        },
    )
    .unwrap();
    assert_round_trips(&asked);
    assert!(matches!(
        as_person(&mut s, "anna", Command::ApproveWriteOff { id: 1 }),
        Err(Rejection::FourEyes { .. })
    ));
    assert!(matches!(
        decide(&s, &envelope(Command::ApproveWriteOff { id: 1 })),
        Err(Rejection::CheckerNotAPerson { .. })
    ));
    let approved = as_person(&mut s, "ben", Command::ApproveWriteOff { id: 1 }).unwrap();
    assert_round_trips(&approved);
    let b = s.reconciliations.get(1).unwrap();
    assert_eq!(b.status, BreakStatus::Resolved);
    assert_eq!(
        b.resolution.as_ref().map(|r| r.0.as_ref()),
        Some("write-off")
    );
    assert_eq!(
        b.write_off.as_ref().and_then(|w| w.checker.as_deref()),
        Some("person:ben")
    );
    let decoded = snapshot::decode(&snapshot::encode(&s)).unwrap();
    assert_eq!(decoded, s);
}

/// Tolerances per reconciliation (§8): the bank's 0.50 fee on house cash is an amount break
/// at the default (to the cent); with 1.00 allowed it matches with a difference.
#[test]
fn a_reconciliations_tolerance_is_reference_data() {
    let mut s = settled_position();
    let cash = |s: &State| {
        crate::reconciliation::views::our_lines(
            s,
            ReconDefinition::HouseCash,
            s.refdata.legal_entities.id(&lei(OURS)).unwrap(),
        )
    };
    let ours = cash(&s);
    assert_eq!(ours.len(), 1);
    let bank = |value: Decimal| ReconLine {
        value,
        source: "stmt".into(),
        ..ours[0].clone()
    };
    run(
        &mut s,
        recon(
            ReconDefinition::HouseCash,
            date(2025, 7, 16),
            "BANK-A",
            vec![bank(ours[0].value - d("0.50"))],
        ),
    );
    assert_eq!(
        s.reconciliations.get(1).unwrap().finding.class,
        BreakClass::Amount
    );
    let set = run(
        &mut s,
        Command::SetReconTolerance {
            definition: ReconDefinition::HouseCash,
            absolute: d("1.00"),
            relative: Decimal::ZERO,
        },
    );
    assert_round_trips(&set);
    run(
        &mut s,
        recon(
            ReconDefinition::HouseCash,
            date(2025, 7, 17),
            "BANK-B",
            vec![bank(ours[0].value - d("0.50"))],
        ),
    );
    assert_eq!(
        s.reconciliations.get(1).unwrap().status,
        BreakStatus::Closed,
        "within the tolerance it matches (with a difference)"
    );
    assert_eq!(s.reconciliations.runs[1].matched, 1);
    let decoded = snapshot::decode(&snapshot::encode(&s)).unwrap();
    assert_eq!(decoded, s);
}

/// Confirmation matching: the broker confirms T1 as booked and T2 with 390 shares; T2's
/// confirmation break holds its instruction back while the desk blocks unconfirmed trades,
/// and a corrected confirmation the next day affirms it and lets it be instructed.
#[test]
fn a_mismatched_confirmation_holds_its_trade_back_until_it_is_affirmed() {
    use crate::reconciliation::confirmations::ConfirmationLine;
    let mut s = firm();
    for (id, quantity) in [("T1", "1000"), ("T2", "400")] {
        run(
            &mut s,
            Command::BookTrade(trade(
                id,
                FI_SHARE,
                Side::Buy,
                quantity,
                "20.00",
                "EUR",
                date(2025, 7, 14),
            )),
        );
    }
    let confirm = |reference: &str, quantity: &str| ConfirmationLine {
        counterparty: lei(BROKER),
        isin: Isin::parse(FI_SHARE).unwrap(),
        side: Side::Buy,
        quantity: d(quantity),
        price: d("20.00"),
        trade_date: date(2025, 7, 14),
        settlement_date: date(2025, 7, 16),
        reference: reference.into(),
        source: format!("confirms.csv {reference}"),
    };
    let affirm = |digest: &str, confirmations| Command::AffirmTrades {
        legal_entity: lei(OURS),
        as_of: date(2025, 7, 14),
        statement: format!("{digest}.csv"),
        digest: digest.into(),
        confirmations,
    };
    let events = run(&mut s, Command::SetConfirmationBlocking { block: true });
    assert_round_trips(&events);
    let events = run(
        &mut s,
        affirm(
            "CONF-1",
            vec![confirm("B-1", "1000"), confirm("B-2", "390"), {
                let mut other = confirm("B-3", "5");
                other.isin = Isin::parse(UK_SHARE).unwrap();
                other
            }],
        ),
    );
    assert_round_trips(&events);
    let book = &s.reconciliations;
    let found: Vec<(Vec<String>, BreakClass)> = book
        .breaks
        .iter()
        .map(|b| (b.finding.key.clone(), b.finding.class))
        .collect();
    assert_eq!(
        found,
        [
            (vec!["TEST:T2".to_owned()], BreakClass::Quantity),
            (
                vec!["confirmation B-3".to_owned()],
                BreakClass::MissingInternal
            ),
        ]
    );
    assert_eq!((book.runs[0].items, book.runs[0].matched), (3, 1));
    run(
        &mut s,
        Command::InstructSettlement {
            date: date(2025, 7, 14),
        },
    );
    assert!(s.settlement.get("KUL1V1").is_some(), "T1 is affirmed");
    assert!(
        s.settlement.get("KUL2V1").is_none(),
        "T2 waits for its confirmation"
    );

    run(&mut s, affirm("CONF-2", vec![confirm("B-2", "400")]));
    let book = &s.reconciliations;
    assert_eq!(
        book.breaks.len(),
        2,
        "T1, affirmed before, is not unconfirmed now"
    );
    assert_eq!(
        book.get(1).unwrap().status,
        BreakStatus::Closed,
        "affirmed now"
    );
    assert_eq!(
        book.get(2).unwrap().status,
        BreakStatus::Open,
        "not in this file's scope"
    );
    run(
        &mut s,
        Command::InstructSettlement {
            date: date(2025, 7, 14),
        },
    );
    assert!(s.settlement.get("KUL2V1").is_some());
    let decoded = snapshot::decode(&snapshot::encode(&s)).unwrap();
    assert_eq!(decoded, s);
}

#[test]
fn a_statement_mapping_is_reference_data() {
    let mut s = firm();
    let events = run(
        &mut s,
        Command::DefineStatementMapping {
            source: "POHJOLA".into(),
            definition: ReconDefinition::HouseCash,
            columns: vec![("amount".into(), "Saldo".into())],
        },
    );
    assert_round_trips(&events);
    assert!(
        run(
            &mut s,
            Command::DefineStatementMapping {
                source: "POHJOLA".into(),
                definition: ReconDefinition::HouseCash,
                columns: vec![("amount".into(), "Saldo".into())],
            },
        )
        .is_empty(),
        "the same again changes nothing"
    );
    assert!(matches!(
        decide(
            &s,
            &envelope(Command::DefineStatementMapping {
                source: "POHJOLA".into(),
                definition: ReconDefinition::HouseCash,
                columns: vec![("isin".into(), "ISIN".into())],
            })
        ),
        Err(Rejection::UnknownStatementColumn { .. })
    ));
    let decoded = snapshot::decode(&snapshot::encode(&s)).unwrap();
    assert_eq!(decoded, s);
}
