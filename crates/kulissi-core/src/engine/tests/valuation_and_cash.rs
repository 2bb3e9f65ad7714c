//! End of day (mark-to-market and FX revaluation) and cash movements through the engine,
//! with docs/domain.md §7 reproduced in full: the opening capital, the trades, the marks, the
//! settlements, the trial balance and the profit.

use super::*;
use crate::cash::{CashMovementStatus, CashMovementType};
use crate::ids::TradeId;
use crate::ledger::{EntryKind, TrialBalance, codes::*};

fn price(isin: &str, day: i8, price: &str) -> Command {
    Command::RecordPrice {
        instrument: Isin::parse(isin).unwrap(),
        date: date(2025, 7, day),
        price: Price::new(d(price)),
        source: "XHEL official close".into(),
    }
}

fn end_of_day(day: i8) -> Command {
    Command::RunEndOfDay {
        legal_entity: lei(OURS),
        date: date(2025, 7, day),
    }
}

fn settle(external_id: &str, quantity: &str, day: i8) -> Command {
    Command::ConfirmSettlement {
        source: "TEST".into(),
        external_id: external_id.into(),
        quantity: Quantity::new(d(quantity)),
        settlement_date: date(2025, 7, day),
        reference: format!("CUST-{external_id}"),
    }
}

fn movement(
    reference: &str,
    movement: CashMovementType,
    currency: &str,
    amount: &str,
    pending_until: Option<Date>,
) -> Command {
    Command::RecordCashMovement {
        reference: reference.into(),
        movement,
        account: "HOUSE-1".into(),
        to_account: (movement == CashMovementType::Transfer).then(|| "HOUSE-2".into()),
        currency: ccy(currency),
        amount: d(amount),
        value_date: date(2025, 7, 11),
        pending_until,
    }
}

/// docs/domain.md §7 end to end: opening capital 50,000; buy 1,000 at 20.00 on Monday 14 July
/// 2025; closes 20.50 and 20.80; the purchase settles and 400 are sold at 21.00 on
/// Wednesday 16 July; close 20.90; the sale settles on Friday 18 July. Trial balance:
/// debits = credits = 50,940.00, profit 911.60.
#[test]
fn domain_section_7_through_the_engine() {
    let mut s = firm();
    let mut journal = Vec::new();
    let j = &mut journal;
    let capital = movement(
        "CAPITAL",
        CashMovementType::CapitalContribution,
        "EUR",
        "50000.00",
        None,
    );
    run_journal(&mut s, envelope(capital), j);
    let buy = trade(
        "B",
        FI_SHARE,
        Side::Buy,
        "1000",
        "20.00",
        "EUR",
        date(2025, 7, 14),
    );
    run_journal(&mut s, envelope(Command::BookTrade(buy)), j);
    run_journal(&mut s, envelope(price(FI_SHARE, 14, "20.50")), j);
    run_journal(&mut s, envelope(end_of_day(14)), j);
    run_journal(&mut s, envelope(price(FI_SHARE, 15, "20.80")), j);
    run_journal(&mut s, envelope(end_of_day(15)), j);
    run_journal(&mut s, envelope(settle("B", "1000", 16)), j);
    let sell = trade(
        "S",
        FI_SHARE,
        Side::Sell,
        "400",
        "21.00",
        "EUR",
        date(2025, 7, 16),
    );
    run_journal(&mut s, envelope(Command::BookTrade(sell)), j);
    run_journal(&mut s, envelope(price(FI_SHARE, 16, "20.90")), j);
    run_journal(&mut s, envelope(end_of_day(16)), j);
    run_journal(&mut s, envelope(settle("S", "400", 18)), j);

    // The marks: 500, then 300, the sale releases 320, then 60.
    let eur = ccy("EUR");
    let on = |kind: EntryKind, account: u16| -> Vec<Decimal> {
        journal
            .iter()
            .filter(|(h, _)| h.kind == kind)
            .flat_map(|(_, lines)| lines.iter())
            .filter(|(a, c, _)| *a == account && *c == eur)
            .map(|(_, _, v)| *v)
            .collect()
    };
    assert_eq!(
        on(EntryKind::MarkToMarket, VALUATION_ADJUSTMENT),
        [d("500.00"), d("300.00"), d("60.00")]
    );
    assert_eq!(
        on(EntryKind::TradeBooked, VALUATION_ADJUSTMENT),
        [d("-320.00")]
    );
    let (sale, lines) = journal
        .iter()
        .find(|(h, _)| h.kind == EntryKind::TradeBooked && h.trade_id == Some(TradeId(2)))
        .unwrap();
    assert_eq!(sale.effective_date, date(2025, 7, 16));
    assert_eq!(
        lines,
        &[
            (SECURITIES_AT_COST, eur, d("-8000.00")),
            (VALUATION_ADJUSTMENT, eur, d("-320.00")),
            (UNSETTLED_SALES, eur, d("8400.00")),
            (FEES_PAYABLE, eur, d("-8.40")),
            (REALISED_PNL, eur, d("-400.00")),
            (UNREALISED_PNL, eur, d("320.00")),
            (COMMISSION_EXPENSE, eur, d("8.40")),
        ]
    );

    // The trial balance of §7, from the journal and from the engine's own balances.
    let entries = journal_entries(&journal);
    let tb = TrialBalance::as_of(&entries, date(2025, 7, 18));
    let expected = [
        (CASH, "38371.60"),
        (SECURITIES_AT_COST, "12000.00"),
        (VALUATION_ADJUSTMENT, "540.00"),
        (COMMISSION_EXPENSE, "28.40"),
        (SHARE_CAPITAL, "-50000.00"),
        (REALISED_PNL, "-400.00"),
        (UNREALISED_PNL, "-540.00"),
    ];
    for (account, balance) in expected {
        assert_eq!(tb.balance(account, eur), d(balance), "account {account}");
        assert_eq!(
            s.ledger.balance(account, eur),
            d(balance),
            "account {account}"
        );
    }
    assert_eq!(tb.rows.len(), expected.len(), "every other account is 0");
    assert_eq!(tb.totals(eur), (d("50940.00"), d("50940.00")));
    let chart = crate::ledger::ChartOfAccounts::broker_dealer();
    assert_eq!(tb.profit(&chart, eur), d("911.60"));

    // The cash sub-ledger agrees with the general ledger.
    let house = s.refdata.accounts.id(&"HOUSE-1".to_owned()).unwrap();
    assert_eq!(s.cash.balance(house, eur).posted, d("38371.60"));
}

/// docs/domain.md §7: EUR functional, USD 10,000 of cash; EUR/USD 1.1000 → 1.0800 gains EUR
/// 168.35: Dr FX revaluation adjustment / Cr FX revaluation P&L.
#[test]
fn fx_revaluation_of_a_foreign_cash_balance() {
    let mut s = firm();
    let (eur, usd) = (ccy("EUR"), ccy("USD"));
    run(
        &mut s,
        movement(
            "USD-IN",
            CashMovementType::CapitalContribution,
            "USD",
            "10000.00",
            None,
        ),
    );
    let rate = |day: i8, rate: &str| Command::RecordFxRate {
        base: eur,
        quote: usd,
        date: date(2025, 7, day),
        rate: d(rate),
    };
    // No rate: the end of day is refused and names the pair.
    let refused = decide(&s, &envelope(end_of_day(14))).unwrap_err();
    assert_eq!(
        refused.to_string(),
        "end of day 2025-07-14: no recent FX rate for EUR/USD (none within 7 days)"
    );
    run(&mut s, rate(14, "1.1000"));
    run(&mut s, end_of_day(14));
    assert_eq!(s.ledger.balance(FX_REVALUATION, eur), Decimal::ZERO);
    run(&mut s, rate(15, "1.0800"));
    let events = run(&mut s, end_of_day(15));
    assert!(
        matches!(&events[..], [Event::EndOfDayRun { revaluations, .. }]
        if revaluations[0].gain == d("168.35"))
    );
    assert_eq!(
        s.ledger.balance(FX_REVALUATION_ADJUSTMENT, eur),
        d("168.35")
    );
    assert_eq!(s.ledger.balance(FX_REVALUATION, eur), d("-168.35"));
    // The USD books themselves do not move; running the same day again changes nothing.
    assert_eq!(s.ledger.balance(CASH, usd), d("10000.00"));
    assert!(run(&mut s, end_of_day(15)).is_empty());
    // An earlier day is refused; a rate more than a week old is stale.
    assert!(matches!(
        decide(&s, &envelope(end_of_day(14))),
        Err(Rejection::EndOfDayOutOfOrder { .. })
    ));
    assert!(matches!(
        decide(&s, &envelope(end_of_day(23))),
        Err(Rejection::StaleMarketData {
            what: "FX rate",
            ..
        })
    ));
}

/// Without a recent price a position cannot be marked: the end of day is refused and names
/// the instrument.
#[test]
fn a_missing_or_stale_price_refuses_the_end_of_day() {
    let mut s = firm();
    let buy = trade(
        "B",
        FI_SHARE,
        Side::Buy,
        "1000",
        "20.00",
        "EUR",
        date(2025, 7, 14),
    );
    run(&mut s, Command::BookTrade(buy));
    let refused = decide(&s, &envelope(end_of_day(14))).unwrap_err();
    assert_eq!(
        refused.to_string(),
        format!("end of day 2025-07-14: no recent price for {FI_SHARE} (none within 7 days)")
    );
    run(&mut s, price(FI_SHARE, 3, "19.00"));
    assert!(
        decide(&s, &envelope(end_of_day(14))).is_err(),
        "11 days old"
    );
    run(&mut s, price(FI_SHARE, 10, "19.00"));
    run(&mut s, end_of_day(14));
    assert_eq!(
        s.ledger.balance(VALUATION_ADJUSTMENT, ccy("EUR")),
        d("-1000.00")
    );
}

/// A pending transfer is posted; a pending penalty is voided; a fee expires; an outflow
/// beyond the available balance is refused, and a limit holds against pending
/// amounts too.
#[test]
fn two_phase_cash_movements_and_overdrafts() {
    let mut s = firm();
    let eur = ccy("EUR");
    let house = |s: &State, code: &str| {
        let id = s.refdata.accounts.id(&code.to_owned()).unwrap();
        s.cash.balance(id, eur)
    };
    run(
        &mut s,
        movement(
            "D1",
            CashMovementType::CapitalContribution,
            "EUR",
            "1000.00",
            None,
        ),
    );
    assert_eq!(s.ledger.balance(CASH, eur), d("1000.00"));
    assert_eq!(s.ledger.balance(SHARE_CAPITAL, eur), d("-1000.00"));

    // Pending transfer: held, then posted; the general ledger does not move (cash to cash).
    let until = Some(date(2025, 7, 18));
    run(
        &mut s,
        movement("T1", CashMovementType::Transfer, "EUR", "600.00", until),
    );
    assert_eq!(
        (house(&s, "HOUSE-1").posted, house(&s, "HOUSE-1").held),
        (d("1000.00"), d("600.00"))
    );
    // 400 available: a withdrawal of 400.01 is refused.
    let refused = decide(
        &s,
        &envelope(movement(
            "W1",
            CashMovementType::SettlementPenalty,
            "EUR",
            "400.01",
            None,
        )),
    )
    .unwrap_err();
    assert_eq!(
        refused.to_string(),
        "account 'HOUSE-1' has 400.00 EUR available (overdraft limit 0): an outflow of 400.01 is refused"
    );
    run(
        &mut s,
        Command::PostCashMovement {
            reference: "T1".into(),
        },
    );
    assert_eq!(house(&s, "HOUSE-1").posted, d("400.00"));
    assert_eq!(house(&s, "HOUSE-2").posted, d("600.00"));
    assert_eq!(s.ledger.balance(CASH, eur), d("1000.00"));
    // Posting again is acknowledged and changes nothing; voiding it now is refused.
    assert!(
        run(
            &mut s,
            Command::PostCashMovement {
                reference: "T1".into()
            }
        )
        .is_empty()
    );
    assert!(
        decide(
            &s,
            &envelope(Command::VoidCashMovement {
                reference: "T1".into(),
                reason: "x".into()
            })
        )
        .is_err()
    );

    // A pending withdrawal, voided: nothing posts, the hold is released.
    run(
        &mut s,
        movement(
            "W2",
            CashMovementType::SettlementPenalty,
            "EUR",
            "300.00",
            until,
        ),
    );
    assert_eq!(house(&s, "HOUSE-1").available(), d("100.00"));
    run(
        &mut s,
        Command::VoidCashMovement {
            reference: "W2".into(),
            reason: "the CSD withdrew the penalty".into(),
        },
    );
    assert_eq!(house(&s, "HOUSE-1").available(), d("400.00"));
    assert_eq!(s.ledger.balance(SHARE_CAPITAL, eur), d("-1000.00"));

    // An overdraft limit of 100 lets 500 out, but not while 50 of fees are pending.
    run(
        &mut s,
        Command::SetOverdraftLimit {
            account: "HOUSE-1".into(),
            currency: eur,
            limit: d("100"),
        },
    );
    run(
        &mut s,
        movement("F1", CashMovementType::CustodyFee, "EUR", "50.00", until),
    );
    assert!(matches!(
        decide(
            &s,
            &envelope(movement(
                "W3",
                CashMovementType::SettlementPenalty,
                "EUR",
                "500.00",
                None
            ))
        ),
        Err(Rejection::Overdraft { .. })
    ));
    // The fee is not posted by its last date: it expires, and its hold goes.
    let expired = run(
        &mut s,
        Command::ExpireCashMovements {
            date: date(2025, 7, 19),
        },
    );
    assert!(matches!(&expired[..], [Event::CashMovementsExpired { ids, .. }] if ids.len() == 1));
    assert_eq!(
        s.cash.by_reference("F1").unwrap().status,
        CashMovementStatus::Expired
    );
    let late = CommandEnvelope {
        business_date: date(2025, 7, 19),
        ..envelope(Command::PostCashMovement {
            reference: "F1".into(),
        })
    };
    assert!(decide(&s, &late).is_err());
    run(
        &mut s,
        movement(
            "W3",
            CashMovementType::SettlementPenalty,
            "EUR",
            "500.00",
            None,
        ),
    );
    assert_eq!(house(&s, "HOUSE-1").posted, d("-100.00"));
    assert_eq!(s.ledger.balance(CASH, eur), d("500.00"));
    assert_eq!(s.ledger.balance(CUSTODY_FEES, eur), Decimal::ZERO);

    // The cash sub-ledger adds up to the general ledger's cash.
    let sub: Decimal = s
        .cash
        .balances()
        .filter(|((_, c), _)| *c == eur)
        .map(|(_, b)| b.posted)
        .sum();
    assert_eq!(sub, s.ledger.balance(CASH, eur));
}

#[test]
fn codec_round_trips_valuation_and_cash_events() {
    let mut s = firm();
    let mut events = Vec::new();
    let buy = trade(
        "B",
        FI_SHARE,
        Side::Buy,
        "1000",
        "20.00",
        "EUR",
        date(2025, 7, 14),
    );
    events.extend(run(&mut s, Command::BookTrade(buy)));
    events.extend(run(&mut s, price(FI_SHARE, 14, "20.50")));
    events.extend(run(
        &mut s,
        Command::RecordFxRate {
            base: ccy("EUR"),
            quote: ccy("USD"),
            date: date(2025, 7, 14),
            rate: d("1.1000"),
        },
    ));
    events.extend(run(
        &mut s,
        movement(
            "U",
            CashMovementType::CapitalContribution,
            "USD",
            "5.00",
            None,
        ),
    ));
    events.extend(run(&mut s, end_of_day(14)));
    events.extend(run(
        &mut s,
        movement(
            "T",
            CashMovementType::Transfer,
            "USD",
            "1.00",
            Some(date(2025, 7, 20)),
        ),
    ));
    events.extend(run(
        &mut s,
        movement(
            "V",
            CashMovementType::SettlementPenalty,
            "USD",
            "1.00",
            Some(date(2025, 7, 20)),
        ),
    ));
    events.extend(run(
        &mut s,
        Command::PostCashMovement {
            reference: "T".into(),
        },
    ));
    events.extend(run(
        &mut s,
        Command::VoidCashMovement {
            reference: "V".into(),
            reason: "waived".into(),
        },
    ));
    events.extend(run(
        &mut s,
        movement(
            "X",
            CashMovementType::CustodyFee,
            "USD",
            "1.00",
            Some(date(2025, 7, 20)),
        ),
    ));
    events.extend(run(
        &mut s,
        Command::ExpireCashMovements {
            date: date(2025, 7, 21),
        },
    ));
    events.extend(run(
        &mut s,
        Command::SetOverdraftLimit {
            account: "HOUSE-2".into(),
            currency: ccy("USD"),
            limit: d("10"),
        },
    ));
    assert_eq!(events.len(), 12);
    assert_round_trips(&events);
    // Replaying the events gives the same state.
    let mut replayed = firm();
    for e in &events {
        apply(&mut replayed, e).unwrap();
    }
    assert_eq!(replayed, s);
}
