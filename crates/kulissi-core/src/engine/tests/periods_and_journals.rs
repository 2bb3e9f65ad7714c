//! Accounting periods (close, late events, year-end close and reopen) and manual journal
//! entries under four eyes, through the engine.

use super::*;
use crate::ledger::{EntryKind, codes::*};

/// The commands here run on the business date 2 January 2026, after the periods they close
/// have ended (shadowing the module-wide envelope of 14 July 2025).
fn envelope(command: Command) -> CommandEnvelope {
    CommandEnvelope {
        business_date: date(2026, 1, 2),
        ..super::envelope(command)
    }
}

/// Decides and applies on that business date; panics on rejection.
fn run(state: &mut State, command: Command) -> Vec<Event> {
    let events = decide(state, &envelope(command)).unwrap();
    for e in &events {
        apply(state, e).unwrap();
    }
    events
}

/// A period or a year that has not ended by the business date cannot be closed.
#[test]
fn a_period_that_has_not_ended_cannot_be_closed() {
    let s = firm();
    let on = |command: Command, day: Date| CommandEnvelope {
        business_date: day,
        ..envelope(command)
    };
    let close = Command::ClosePeriod {
        legal_entity: lei(OURS),
        through: date(2025, 7, 31),
    };
    assert_eq!(
        decide(&s, &on(close.clone(), date(2025, 7, 30)))
            .unwrap_err()
            .to_string(),
        "the period ends on 2025-07-31, after the business date 2025-07-30: it cannot be closed yet"
    );
    assert!(decide(&s, &on(close, date(2025, 7, 31))).is_ok());
    let year = Command::CloseYear {
        legal_entity: lei(OURS),
        year: 2025,
    };
    assert!(matches!(
        decide(&s, &on(year.clone(), date(2025, 12, 30))),
        Err(Rejection::PeriodNotEnded { .. })
    ));
    assert!(decide(&s, &on(year, date(2025, 12, 31))).is_ok());
}

fn as_person(command: Command, who: &str) -> CommandEnvelope {
    CommandEnvelope {
        actor: Actor::Person(who.into()),
        ..envelope(command)
    }
}

/// Our legal entity's id.
fn ours(s: &State) -> crate::ids::LegalEntityId {
    s.refdata.legal_entities.id(&lei(OURS)).unwrap()
}

/// The id of the HOUSE-1 position in the Finnish share.
fn position(s: &State) -> crate::position::PositionKey {
    (
        s.refdata.accounts.id(&"HOUSE-1".to_owned()).unwrap(),
        s.refdata
            .instruments
            .id(&Isin::parse(FI_SHARE).unwrap())
            .unwrap(),
    )
}

/// Why `who` may not do `command`.
fn refused(s: &State, command: Command, who: &str) -> String {
    decide(s, &as_person(command, who)).unwrap_err().to_string()
}

/// Balance of `account` in EUR from the entries posted on or before `as_of`.
fn balance_as_of(journal: &Collected, account: u16, as_of: Date) -> Decimal {
    journal
        .iter()
        .filter(|(h, _)| h.posting_date <= as_of)
        .flat_map(|(_, lines)| lines.iter())
        .filter(|(a, c, _)| *a == account && *c == ccy("EUR"))
        .map(|(_, _, v)| *v)
        .sum()
}

/// July is closed; a purchase dated 20 July reported on 5 August posts on 1 August with
/// its effective date kept, and July's trial balance does not change.
#[test]
fn a_late_event_after_the_close_posts_in_the_first_open_period() {
    let mut s = firm();
    let mut j = Collected::new();
    let book = |id: &str, day: i8, month: i8| {
        envelope(Command::BookTrade(trade(
            id,
            FI_SHARE,
            Side::Buy,
            "100",
            "20.00",
            "EUR",
            date(2025, month, day),
        )))
    };
    run_journal(&mut s, book("T1", 14, 7), &mut j);
    let close = Command::ClosePeriod {
        legal_entity: lei(OURS),
        through: date(2025, 7, 31),
    };
    run_journal(&mut s, envelope(close.clone()), &mut j);
    assert!(
        run_journal(&mut s, envelope(close), &mut j).is_empty(),
        "closing again: no change"
    );
    let july = balance_as_of(&j, SECURITIES_AT_COST, date(2025, 7, 31));
    assert_eq!(july, d("2000.00"));

    run_journal(&mut s, book("LATE", 20, 7), &mut j);
    let (late, _) = j.last().unwrap();
    assert_eq!(late.kind, EntryKind::TradeBooked);
    assert_eq!(
        (late.effective_date, late.posting_date),
        (date(2025, 7, 20), date(2025, 8, 1))
    );
    assert_eq!(
        balance_as_of(&j, SECURITIES_AT_COST, date(2025, 7, 31)),
        july
    );
    assert_eq!(
        balance_as_of(&j, SECURITIES_AT_COST, date(2025, 8, 1)),
        d("4000.00")
    );
    // The position sees the trade on its trade date all the same.
    assert_eq!(s.holdings.quantity_of(position(&s)), d("200"));

    // Moving the close back is refused; reopening needs a reason and a closed date.
    let back = Command::ClosePeriod {
        legal_entity: lei(OURS),
        through: date(2025, 6, 30),
    };
    assert!(decide(&s, &envelope(back)).is_err());
    let reopen = |from: Date, reason: &str| Command::ReopenPeriod {
        legal_entity: lei(OURS),
        from,
        reason: reason.into(),
    };
    assert!(decide(&s, &envelope(reopen(date(2025, 8, 1), "x"))).is_err());
    assert!(decide(&s, &envelope(reopen(date(2025, 7, 1), " "))).is_err());
    run_journal(
        &mut s,
        envelope(reopen(date(2025, 7, 1), "audit adjustment")),
        &mut j,
    );
    assert_eq!(s.periods.closed_through(ours(&s)), Some(date(2025, 6, 30)));
}

/// Year end: 2025's income and expenses move into retained earnings; reopening 2025
/// reverses the closing entry exactly; a late 2025 trade after the close lands in 2026.
#[test]
fn year_end_close_and_reopen() {
    let mut s = firm();
    let mut j = Collected::new();
    let eur = ccy("EUR");
    let book = |id: &str, side: Side, price: &str, y: i16, m: i8, dd: i8| {
        envelope(Command::BookTrade(trade(
            id,
            FI_SHARE,
            side,
            "1000",
            price,
            "EUR",
            date(y, m, dd),
        )))
    };
    run_journal(&mut s, book("B", Side::Buy, "20.00", 2025, 11, 3), &mut j);
    run_journal(&mut s, book("S", Side::Sell, "21.00", 2025, 12, 1), &mut j);
    // Realised 1,000 less commissions 20 + 21.
    assert_eq!(s.ledger.balance(REALISED_PNL, eur), d("-1000.00"));
    assert_eq!(s.ledger.balance(COMMISSION_EXPENSE, eur), d("41.00"));

    let close = Command::CloseYear {
        legal_entity: lei(OURS),
        year: 2025,
    };
    let events = run_journal(&mut s, envelope(close.clone()), &mut j);
    assert!(matches!(&events[..], [Event::YearClosed { lines, .. }] if lines.len() == 3));
    let (header, lines) = j.last().unwrap();
    assert_eq!(header.kind, EntryKind::YearEndClose { year: 2025 });
    assert_eq!(header.posting_date, date(2025, 12, 31));
    assert_eq!(
        lines,
        &[
            (RETAINED_EARNINGS, eur, d("-959.00")),
            (REALISED_PNL, eur, d("1000.00")),
            (COMMISSION_EXPENSE, eur, d("-41.00")),
        ]
    );
    for account in [REALISED_PNL, COMMISSION_EXPENSE] {
        assert_eq!(s.ledger.balance(account, eur), Decimal::ZERO);
    }
    assert_eq!(s.ledger.balance(RETAINED_EARNINGS, eur), d("-959.00"));
    assert_eq!(s.periods.closed_through(ours(&s)), Some(date(2025, 12, 31)));
    assert!(run_journal(&mut s, envelope(close.clone()), &mut j).is_empty());

    // A 2025 purchase reported after the close posts on 1 January 2026.
    run_journal(
        &mut s,
        book("LATE", Side::Buy, "20.00", 2025, 12, 15),
        &mut j,
    );
    assert_eq!(j.last().unwrap().0.posting_date, date(2026, 1, 1));
    assert_eq!(
        s.ledger.profit_and_loss_of(ours(&s), 2026),
        vec![(COMMISSION_EXPENSE, eur, d("20.00"))]
    );

    // Reopening December 2025 reverses the close exactly.
    let reopen = Command::ReopenPeriod {
        legal_entity: lei(OURS),
        from: date(2025, 12, 1),
        reason: "auditor's adjustment to 2025".into(),
    };
    run_journal(&mut s, envelope(reopen), &mut j);
    let (header, reversal) = j.last().unwrap();
    assert_eq!(header.kind, EntryKind::YearEndCloseReversed { year: 2025 });
    assert_eq!(reversal[0], (RETAINED_EARNINGS, eur, d("959.00")));
    assert_eq!(s.ledger.balance(RETAINED_EARNINGS, eur), Decimal::ZERO);
    assert_eq!(s.ledger.balance(REALISED_PNL, eur), d("-1000.00"));
    assert_eq!(s.periods.closed_through(ours(&s)), Some(date(2025, 11, 30)));
    // Closing again gives the same entry.
    run_journal(&mut s, envelope(close), &mut j);
    assert_eq!(s.ledger.balance(RETAINED_EARNINGS, eur), d("-959.00"));
}

/// A manual accrual is proposed by one person and posts only when another approves it;
/// entries that do not balance, touch a sub-ledger's control account, or are approved by
/// their maker or by a system are refused.
#[test]
fn manual_journal_entries_need_a_second_person() {
    let mut s = firm();
    let mut j = Collected::new();
    let eur = ccy("EUR");
    let propose =
        |reference: &str, lines: Vec<(u16, Currency, Decimal)>| Command::ProposeJournalEntry {
            reference: reference.into(),
            legal_entity: lei(OURS),
            effective_date: date(2025, 7, 31),
            description: "Custody fee accrual, July".into(),
            lines,
        };
    let accrual = vec![
        (CUSTODY_FEES, eur, d("120.00")),
        (FEES_PAYABLE, eur, d("-120.00")),
    ];
    assert_eq!(
        refused(
            &s,
            propose(
                "J0",
                vec![
                    (CUSTODY_FEES, eur, d("120.00")),
                    (FEES_PAYABLE, eur, d("-100.00"))
                ]
            ),
            "maija"
        ),
        "the entry does not balance in EUR: debits exceed credits by 20.00"
    );
    assert!(
        refused(
            &s,
            propose(
                "J0",
                vec![(CASH, eur, d("1")), (SHARE_CAPITAL, eur, d("-1"))]
            ),
            "maija"
        )
        .contains("account 1100 is kept by its sub-ledger")
    );
    assert!(
        refused(
            &s,
            propose(
                "J0",
                vec![(9999, eur, d("1")), (FEES_PAYABLE, eur, d("-1"))]
            ),
            "maija"
        )
        .contains("not in the chart")
    );

    run_journal(
        &mut s,
        as_person(propose("J1", accrual.clone()), "maija"),
        &mut j,
    );
    assert_eq!(
        s.ledger.balance(CUSTODY_FEES, eur),
        Decimal::ZERO,
        "not posted yet"
    );
    assert!(
        run_journal(
            &mut s,
            as_person(propose("J1", accrual.clone()), "maija"),
            &mut j
        )
        .is_empty(),
        "the same proposal again is acknowledged"
    );
    let approve = Command::ApproveJournalEntry {
        reference: "J1".into(),
    };
    assert!(refused(&s, approve.clone(), "maija").contains("another person must approve"));
    assert!(
        decide(&s, &envelope(approve.clone()))
            .unwrap_err()
            .to_string()
            .contains("only a person")
    );
    run_journal(&mut s, as_person(approve.clone(), "ville"), &mut j);
    assert_eq!(s.ledger.balance(CUSTODY_FEES, eur), d("120.00"));
    assert_eq!(s.ledger.balance(FEES_PAYABLE, eur), d("-120.00"));
    let (header, _) = j.last().unwrap();
    assert_eq!(header.kind, EntryKind::Manual { id: 1 });
    assert!(run_journal(&mut s, as_person(approve, "ville"), &mut j).is_empty());

    // A rejected proposal never posts.
    run_journal(&mut s, as_person(propose("J2", accrual), "maija"), &mut j);
    let reject = Command::RejectJournalEntry {
        reference: "J2".into(),
        reason: "wrong month".into(),
    };
    run_journal(&mut s, as_person(reject, "ville"), &mut j);
    assert!(
        refused(
            &s,
            Command::ApproveJournalEntry {
                reference: "J2".into()
            },
            "ville"
        )
        .contains("rejected")
    );
    assert_eq!(s.ledger.balance(CUSTODY_FEES, eur), d("120.00"));
}

#[test]
fn codec_round_trips_period_and_journal_events() {
    let mut s = firm();
    let mut j = Collected::new();
    let eur = ccy("EUR");
    let mut events = Vec::new();
    let buy = trade(
        "B",
        FI_SHARE,
        Side::Buy,
        "10",
        "20.00",
        "EUR",
        date(2025, 7, 14),
    );
    events.extend(run_journal(
        &mut s,
        envelope(Command::BookTrade(buy)),
        &mut j,
    ));
    events.extend(run_journal(
        &mut s,
        as_person(
            Command::ProposeJournalEntry {
                reference: "J".into(),
                legal_entity: lei(OURS),
                effective_date: date(2025, 7, 31),
                description: "accrual".into(),
                lines: vec![
                    (CUSTODY_FEES, eur, d("1.00")),
                    (FEES_PAYABLE, eur, d("-1.00")),
                ],
            },
            "a",
        ),
        &mut j,
    ));
    events.extend(run_journal(
        &mut s,
        as_person(
            Command::ProposeJournalEntry {
                reference: "K".into(),
                legal_entity: lei(OURS),
                effective_date: date(2025, 7, 31),
                description: "accrual".into(),
                lines: vec![
                    (CUSTODY_FEES, eur, d("2.00")),
                    (FEES_PAYABLE, eur, d("-2.00")),
                ],
            },
            "a",
        ),
        &mut j,
    ));
    events.extend(run_journal(
        &mut s,
        as_person(
            Command::ApproveJournalEntry {
                reference: "J".into(),
            },
            "b",
        ),
        &mut j,
    ));
    events.extend(run_journal(
        &mut s,
        as_person(
            Command::RejectJournalEntry {
                reference: "K".into(),
                reason: "no".into(),
            },
            "b",
        ),
        &mut j,
    ));
    events.extend(run_journal(
        &mut s,
        envelope(Command::ClosePeriod {
            legal_entity: lei(OURS),
            through: date(2025, 7, 31),
        }),
        &mut j,
    ));
    events.extend(run_journal(
        &mut s,
        envelope(Command::CloseYear {
            legal_entity: lei(OURS),
            year: 2025,
        }),
        &mut j,
    ));
    events.extend(run_journal(
        &mut s,
        envelope(Command::ReopenPeriod {
            legal_entity: lei(OURS),
            from: date(2025, 1, 1),
            reason: "r".into(),
        }),
        &mut j,
    ));
    assert_eq!(events.len(), 8);
    assert_round_trips(&events);
    let mut replayed = firm();
    for e in &events {
        apply(&mut replayed, e).unwrap();
    }
    assert_eq!(replayed, s);
}

/// Two legal entities keep separate books: closing one's year moves only its income and
/// expenses, and its periods do not hold back the other's entries.
#[test]
fn each_legal_entity_closes_its_own_books() {
    let mut s = firm();
    let mut j = Collected::new();
    let eur = ccy("EUR");
    // A second entity (the broker's LEI will do for a test), with its own book and account.
    run(
        &mut s,
        Command::DefineLegalEntity(LegalEntity {
            lei: lei(BROKER),
            name: "Kulissi Asset Management Oy".into(),
            reporting_currency: eur,
        }),
    );
    run(
        &mut s,
        Command::DefineBook {
            code: "AM".into(),
            legal_entity: lei(BROKER),
            desk: "Funds".into(),
            trader: "eero".into(),
            cost_method: crate::refdata::CostMethod::AverageCost,
        },
    );
    run(
        &mut s,
        Command::DefineAccount {
            code: "AM-1".into(),
            legal_entity: lei(BROKER),
            owner: AccountOwner::House,
            custodian: lei(CUSTODIAN),
            safekeeping_account: "SAFE-AM".into(),
            cash_account: "CASH-AM".into(),
        },
    );
    let ours_trade = trade(
        "O",
        FI_SHARE,
        Side::Buy,
        "1000",
        "20.00",
        "EUR",
        date(2025, 11, 3),
    );
    let theirs = TradeInput {
        legal_entity: lei(BROKER),
        book: "AM".into(),
        account: "AM-1".into(),
        ..trade(
            "A",
            FI_SHARE,
            Side::Buy,
            "500",
            "20.00",
            "EUR",
            date(2025, 11, 3),
        )
    };
    run_journal(&mut s, envelope(Command::BookTrade(ours_trade)), &mut j);
    run_journal(&mut s, envelope(Command::BookTrade(theirs)), &mut j);
    let am = s.refdata.legal_entities.id(&lei(BROKER)).unwrap();
    assert_eq!(j[0].0.legal_entity, ours(&s));
    assert_eq!(j[1].0.legal_entity, am);
    assert_eq!(
        s.ledger.entity_balance(am, COMMISSION_EXPENSE, eur),
        d("10.00")
    );
    assert_eq!(s.ledger.balance(COMMISSION_EXPENSE, eur), d("30.00"));

    let close = Command::CloseYear {
        legal_entity: lei(OURS),
        year: 2025,
    };
    let events = run_journal(&mut s, envelope(close), &mut j);
    assert!(matches!(&events[..], [Event::YearClosed { lines, .. }]
        if lines.contains(&(COMMISSION_EXPENSE, eur, d("-20.00")))));
    assert_eq!(
        s.ledger.entity_balance(ours(&s), COMMISSION_EXPENSE, eur),
        Decimal::ZERO
    );
    assert_eq!(
        s.ledger.entity_balance(am, COMMISSION_EXPENSE, eur),
        d("10.00")
    );
    // A late 2025 trade of the other entity still posts in 2025.
    let late = TradeInput {
        legal_entity: lei(BROKER),
        book: "AM".into(),
        account: "AM-1".into(),
        ..trade(
            "A2",
            FI_SHARE,
            Side::Buy,
            "500",
            "20.00",
            "EUR",
            date(2025, 12, 15),
        )
    };
    run_journal(&mut s, envelope(Command::BookTrade(late)), &mut j);
    assert_eq!(j.last().unwrap().0.posting_date, date(2025, 12, 15));
}

/// A legal entity adds accounts to its chart (and renames others) for its manual entries;
/// every code is numbered for its type, so the posting rules' accounts keep theirs.
#[test]
fn a_legal_entity_configures_its_chart_of_accounts() {
    use crate::ledger::{AccountType, LedgerAccount};
    let mut s = firm();
    let mut j = Collected::new();
    let eur = ccy("EUR");
    let define = |code: u16, name: &str, account_type: AccountType| Command::DefineLedgerAccount {
        legal_entity: lei(OURS),
        account: LedgerAccount {
            code,
            name: name.into(),
            account_type,
        },
    };
    let accrual = Command::ProposeJournalEntry {
        reference: "IT-1".into(),
        legal_entity: lei(OURS),
        effective_date: date(2025, 7, 31),
        description: "Market data licence, July".into(),
        lines: vec![(5600, eur, d("900.00")), (FEES_PAYABLE, eur, d("-900.00"))],
    };
    assert!(refused(&s, accrual.clone(), "maija").contains("account 5600 is not in the chart"));
    assert!(
        decide(
            &s,
            &envelope(define(4600, "IT services", AccountType::Expense))
        )
        .unwrap_err()
        .to_string()
        .contains("must be numbered for its type")
    );
    assert!(
        decide(
            &s,
            &envelope(define(5100, "Brokerage", AccountType::Income))
        )
        .unwrap_err()
        .to_string()
        .contains("must be numbered for its type")
    );
    let mut events = run_journal(
        &mut s,
        envelope(define(5600, "IT and market data", AccountType::Expense)),
        &mut j,
    );
    events.extend(run_journal(
        &mut s,
        envelope(define(5100, "Brokerage paid", AccountType::Expense)),
        &mut j,
    ));
    assert!(
        run_journal(
            &mut s,
            envelope(define(5600, "IT and market data", AccountType::Expense)),
            &mut j
        )
        .is_empty()
    );
    let chart = s.chart_of(ours(&s));
    assert_eq!(chart.get(5600).unwrap().name, "IT and market data");
    assert_eq!(chart.get(5100).unwrap().name, "Brokerage paid");
    run_journal(&mut s, as_person(accrual, "maija"), &mut j);
    run_journal(
        &mut s,
        as_person(
            Command::ApproveJournalEntry {
                reference: "IT-1".into(),
            },
            "ville",
        ),
        &mut j,
    );
    assert_eq!(s.ledger.balance(5600, eur), d("900.00"));
    // Its income and expenses close at year end with the rest.
    run_journal(
        &mut s,
        envelope(Command::CloseYear {
            legal_entity: lei(OURS),
            year: 2025,
        }),
        &mut j,
    );
    assert_eq!(s.ledger.balance(5600, eur), Decimal::ZERO);
    assert_round_trips(&events);
}
