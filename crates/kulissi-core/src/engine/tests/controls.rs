//! Internal control through the engine (docs/domain.md §10): the restricted list before
//! booking, surveillance alerts after it and their workflow, and the segregation of duties
//! of maker-checker, whatever door the command comes through.

use std::collections::BTreeSet;

use super::*;
use crate::controls::ControlError;
use crate::controls::approvals::ApprovalKind;
use crate::controls::commands::{ControlCommand as C, ControlEvent as E};
use crate::controls::compliance::{AlertAction, AlertKind};
use crate::controls::roles::Role;
use crate::controls::staff::{Department, Employee};

fn at(seconds: i64) -> jiff::Timestamp {
    jiff::Timestamp::from_second(1_752_480_000 + seconds).unwrap()
}

/// Decides and applies as a person at a time; the rejection if refused.
fn as_person(
    state: &mut State,
    who: &str,
    wall: jiff::Timestamp,
    command: Command,
) -> Result<Vec<Event>, Rejection> {
    let envelope = CommandEnvelope {
        actor: Actor::Person(who.into()),
        wall_time: wall,
        ..envelope(command)
    };
    let events = decide(state, &envelope)?;
    for e in &events {
        apply(state, e).unwrap();
    }
    assert_round_trips(&events);
    Ok(events)
}

fn control(c: C) -> Command {
    Command::Control(c)
}

/// The firm with people: a maker and a checker in operations, a front-office desk
/// assistant holding the settlements role, a trader.
fn staffed() -> State {
    let mut s = firm();
    for (user, department, roles) in [
        ("olli", Department::Operations, vec![Role::Settlements]),
        ("outi", Department::Operations, vec![Role::Settlements]),
        ("fred", Department::FrontOffice, vec![Role::Settlements]),
        ("anna", Department::FrontOffice, vec![Role::Trader]),
        ("hilla", Department::Hr, vec![Role::HrAdministrator]),
    ] {
        run(
            &mut s,
            control(C::HireEmployee(Employee {
                id: user.to_uppercase(),
                name: user.into(),
                department,
                title: "staff".into(),
                manager: None,
                start: date(2025, 1, 1),
                end: None,
            })),
        );
        run(
            &mut s,
            control(C::CreateUser {
                username: user.into(),
                employee: user.to_uppercase(),
                password_hash: "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaA".into(),
                roles: roles.into_iter().collect(),
            }),
        );
    }
    s
}

fn ssi(cash_account: &str) -> Command {
    Command::DefineSsi {
        counterparty: None,
        market: Market::Xhel,
        currency: ccy("EUR"),
        instrument_type: InstrumentType::Equity,
        place_of_settlement: Bic::parse("ESSEFIHX").unwrap(),
        agent: Bic::parse("NDEAFIHH").unwrap(),
        safekeeping_account: "SAFE-1".into(),
        cash_account: cash_account.into(),
        valid_from: date(2025, 8, 1),
    }
}

fn refused(r: Result<Vec<Event>, Rejection>) -> ControlError {
    match r {
        Err(Rejection::Control(e)) => e,
        other => panic!("expected a control rejection, got {other:?}"),
    }
}

#[test]
fn a_change_of_a_kind_that_needs_approval_waits_for_a_checker_of_the_right_department() {
    let mut s = staffed();
    // Sent directly by a person, the SSI change is refused; by a system it is not.
    let direct = as_person(&mut s, "olli", at(0), ssi("CASH-2"));
    assert_eq!(
        refused(direct),
        ControlError::ApprovalRequired {
            kind: ApprovalKind::Ssi
        }
    );
    let request = |cash: &str| {
        control(C::RequestApproval {
            command: Box::new(ssi(cash)),
            payload: format!("{{\"type\":\"ssi\",\"cash_account\":\"{cash}\"}}"),
            expires_at: at(3_600),
        })
    };
    let events = as_person(&mut s, "olli", at(0), request("CASH-2")).unwrap();
    let [Event::Control(E::ApprovalRequested(r))] = events.as_slice() else {
        panic!("{events:?}")
    };
    assert_eq!(
        (r.id, r.kind, r.maker.as_str()),
        (1, ApprovalKind::Ssi, "olli")
    );
    let ssis_before = s.refdata.ssis.len();
    let approve = |id: u64, cash: &str| {
        control(C::ApproveRequest {
            id,
            command: Box::new(ssi(cash)),
        })
    };
    // No one approves their own request.
    assert_eq!(
        refused(as_person(&mut s, "olli", at(60), approve(1, "CASH-2"))),
        ControlError::SelfApproval("olli".into())
    );
    // The role is not enough: the front office checks nothing of the back office's.
    assert!(matches!(
        refused(as_person(&mut s, "fred", at(60), approve(1, "CASH-2"))),
        ControlError::WrongDepartment {
            department: Department::FrontOffice,
            ..
        }
    ));
    // HR neither.
    assert!(matches!(
        refused(as_person(&mut s, "hilla", at(60), approve(1, "CASH-2"))),
        ControlError::WrongDepartment { .. }
    ));
    // The checker approves exactly what was asked.
    assert_eq!(
        refused(as_person(&mut s, "outi", at(60), approve(1, "CASH-OTHER"))),
        ControlError::CommandMismatch(1)
    );
    assert_eq!(
        s.refdata.ssis.len(),
        ssis_before,
        "nothing is in force before approval"
    );
    let events = as_person(&mut s, "outi", at(60), approve(1, "CASH-2")).unwrap();
    assert!(
        matches!(&events[0], Event::Control(E::RequestApproved { id: 1, checker, .. }) if checker == "outi")
    );
    assert!(matches!(events[1], Event::SsiDefined { .. }));
    assert_eq!(events.len(), 2);
    assert_eq!(s.refdata.ssis.len(), ssis_before + 1);
    // Once.
    assert_eq!(
        refused(as_person(&mut s, "outi", at(61), approve(1, "CASH-2"))),
        ControlError::RequestNotPending {
            id: 1,
            status: "approved"
        }
    );
    // A request lapses unapproved; a rejection needs a checker too and leaves the change
    // out of force.
    as_person(&mut s, "olli", at(100), request("CASH-3")).unwrap();
    assert_eq!(
        refused(as_person(&mut s, "outi", at(100_000), approve(2, "CASH-3"))),
        ControlError::RequestNotPending {
            id: 2,
            status: "expired"
        }
    );
    as_person(&mut s, "olli", at(200), request("CASH-4")).unwrap();
    let reject = control(C::RejectRequest {
        id: 3,
        reason: "wrong account".into(),
    });
    assert_eq!(
        refused(as_person(&mut s, "olli", at(201), reject.clone())),
        ControlError::SelfApproval("olli".into())
    );
    let events = as_person(&mut s, "outi", at(201), reject).unwrap();
    assert!(matches!(
        events.as_slice(),
        [Event::Control(E::RequestRejected { id: 3, .. })]
    ));
    assert_eq!(s.refdata.ssis.len(), ssis_before + 1);
    let restored = snapshot::decode(&snapshot::encode(&s)).unwrap();
    assert_eq!(restored.controls, s.controls);
}

#[test]
fn an_instructed_trade_is_amended_only_through_approval_and_no_one_grants_themselves_a_role() {
    let mut s = staffed();
    let t = trade(
        "T-1",
        FI_SHARE,
        Side::Buy,
        "100",
        "20.00",
        "EUR",
        date(2025, 7, 14),
    );
    run(&mut s, Command::BookTrade(t.clone()));
    // Before instruction a correction is direct.
    let mut amended = t.clone();
    amended.quantity = Quantity::new(d("110"));
    as_person(&mut s, "olli", at(0), Command::AmendTrade(amended.clone())).unwrap();
    run(
        &mut s,
        Command::InstructSettlement {
            date: date(2025, 7, 14),
        },
    );
    amended.quantity = Quantity::new(d("120"));
    assert_eq!(
        refused(as_person(
            &mut s,
            "olli",
            at(10),
            Command::AmendTrade(amended)
        )),
        ControlError::ApprovalRequired {
            kind: ApprovalKind::TradeAfterInstruction
        }
    );
    // Roles: never one's own, directly or by request; another's by request only.
    let own = control(C::SetUserRoles {
        username: "hilla".into(),
        roles: BTreeSet::from([Role::HrAdministrator, Role::Auditor]),
    });
    assert_eq!(
        refused(as_person(
            &mut s,
            "hilla",
            at(20),
            control(C::RequestApproval {
                command: Box::new(own),
                payload: "{}".into(),
                expires_at: at(3_600),
            })
        )),
        ControlError::OwnRoles("hilla".into())
    );
    let other = control(C::SetUserRoles {
        username: "anna".into(),
        roles: BTreeSet::from([Role::Trader, Role::Risk]),
    });
    assert_eq!(
        refused(as_person(&mut s, "hilla", at(20), other)),
        ControlError::ApprovalRequired {
            kind: ApprovalKind::RoleChange
        }
    );
}

#[test]
fn the_restricted_list_refuses_a_booking_naming_its_entry() {
    let mut s = staffed();
    let isin = Isin::parse(FI_SHARE).unwrap();
    run(
        &mut s,
        control(C::AddRestriction {
            isin,
            reason: "advisory mandate".into(),
        }),
    );
    let t = trade(
        "T-R",
        FI_SHARE,
        Side::Buy,
        "100",
        "20.00",
        "EUR",
        date(2025, 7, 14),
    );
    let refusal = decide(&s, &envelope(Command::BookTrade(t.clone()))).unwrap_err();
    assert_eq!(
        refusal.to_string(),
        "FI0009000681 is on the restricted list (entry 1: advisory mandate); trading is blocked"
    );
    run(
        &mut s,
        control(C::LiftRestriction {
            id: 1,
            reason: "mandate ended".into(),
        }),
    );
    run(&mut s, Command::BookTrade(t));
    assert_eq!(s.trades.len(), 1);
}

#[test]
fn surveillance_alerts_wash_trades_other_traders_books_and_prices_far_from_the_last() {
    let mut s = staffed();
    let t = |id: &str, side, qty: &str, price: &str, second: i64, trader: &str| {
        let mut t = trade(id, FI_SHARE, side, qty, price, "EUR", date(2025, 7, 14));
        t.trade_time = at(second);
        t.trader = trader.into();
        t
    };
    let buy = t("W-1", Side::Buy, "1000", "20.00", 0, "anna");
    let sell = t("W-2", Side::Sell, "950", "20.01", 30, "anna");
    let later = t("W-3", Side::Sell, "1000", "20.00", 600, "anna");
    let far_qty = t("W-4", Side::Buy, "100", "20.00", 610, "anna");
    let elsewhere = t("W-5", Side::Buy, "10", "20.00", 900, "bob");
    let kinds = |events: &[Event]| -> Vec<AlertKind> {
        events
            .iter()
            .filter_map(|e| match e {
                Event::Control(E::AlertRaised(a)) => Some(a.kind),
                _ => None,
            })
            .collect()
    };
    assert!(kinds(&run(&mut s, Command::BookTrade(buy))).is_empty());
    let events = run(&mut s, Command::BookTrade(sell));
    assert_eq!(kinds(&events), [AlertKind::WashTrade]);
    let wash = s.controls.compliance.alerts[&1].clone();
    assert_eq!(wash.related.map(|t| t.0), Some(1));
    assert!(wash.detail.contains("30 s apart"), "{}", wash.detail);
    assert!(
        kinds(&run(&mut s, Command::BookTrade(later))).is_empty(),
        "outside the window"
    );
    assert!(
        kinds(&run(&mut s, Command::BookTrade(far_qty))).is_empty(),
        "quantities 10 times apart"
    );
    assert_eq!(
        kinds(&run(&mut s, Command::BookTrade(elsewhere))),
        [AlertKind::OutsideBooks]
    );
    run(
        &mut s,
        Command::RecordPrice {
            instrument: Isin::parse(FI_SHARE).unwrap(),
            date: date(2025, 7, 11),
            price: Price::new(d("20.00")),
            source: "XHEL close".into(),
        },
    );
    let mut high = trade(
        "W-6",
        FI_SHARE,
        Side::Buy,
        "10",
        "22.01",
        "EUR",
        date(2025, 7, 14),
    );
    high.trade_time = at(5_000);
    assert_eq!(
        kinds(&run(&mut s, Command::BookTrade(high))),
        [AlertKind::PriceDeviation]
    );
    let mut near = trade(
        "W-7",
        FI_SHARE,
        Side::Buy,
        "10",
        "22.00",
        "EUR",
        date(2025, 7, 14),
    );
    near.trade_time = at(9_000);
    assert!(
        kinds(&run(&mut s, Command::BookTrade(near))).is_empty(),
        "10% is within"
    );

    // The workflow: assigned to a person, commented, closed; a closed alert stays closed.
    let work = |action| control(C::WorkAlert { id: 1, action });
    assert_eq!(
        refused(as_person(
            &mut s,
            "outi",
            at(1),
            work(AlertAction::Assign("nobody".into()))
        )),
        ControlError::UnknownUser("nobody".into())
    );
    as_person(
        &mut s,
        "outi",
        at(1),
        work(AlertAction::Assign("olli".into())),
    )
    .unwrap();
    as_person(
        &mut s,
        "olli",
        at(2),
        work(AlertAction::Comment("same desk, hedging".into())),
    )
    .unwrap();
    as_person(
        &mut s,
        "olli",
        at(3),
        work(AlertAction::Close("legitimate hedge".into())),
    )
    .unwrap();
    assert_eq!(
        refused(as_person(
            &mut s,
            "olli",
            at(4),
            work(AlertAction::Comment("again".into()))
        )),
        ControlError::AlertClosed(1)
    );
    let alert = &s.controls.compliance.alerts[&1];
    assert_eq!(alert.assignee.as_deref(), Some("olli"));
    assert_eq!(
        alert.comments,
        [("olli".to_owned(), "same desk, hedging".to_owned())]
    );
    assert_eq!(alert.closed.as_deref(), Some("legitimate hedge"));
    let restored = snapshot::decode(&snapshot::encode(&s)).unwrap();
    assert_eq!(restored.controls, s.controls);
}

#[test]
fn a_leaver_is_no_longer_a_principal() {
    let mut s = staffed();
    assert!(s.controls.directory.principal("olli").is_some());
    run(
        &mut s,
        control(C::RecordLeaver {
            id: "OLLI".into(),
            last_day: date(2025, 7, 14),
        }),
    );
    assert!(s.controls.directory.principal("olli").is_none());
    // A leaver's person is no longer one the engine knows: no request, no approval.
    let r = as_person(
        &mut s,
        "olli",
        at(0),
        control(C::RequestApproval {
            command: Box::new(ssi("X")),
            payload: "{}".into(),
            expires_at: at(10),
        }),
    );
    assert_eq!(refused(r), ControlError::PersonOnly("request an approval"));
}
