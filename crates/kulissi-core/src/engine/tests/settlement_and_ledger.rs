//! Settlement confirmations, and the ledger the engine keeps from its events.

use super::*;

fn confirm(external_id: &str, quantity: &str, day: i8, reference: &str) -> Command {
    Command::ConfirmSettlement {
        source: "TEST".into(),
        external_id: external_id.into(),
        quantity: Quantity::new(d(quantity)),
        settlement_date: date(2026, 3, day),
        reference: reference.into(),
    }
}

/// Settlement confirmations move the settled quantity, in part or in full, once per
/// reference; a settled trade's terms no longer change.
#[test]
fn settlement_confirmations_partial_and_full() {
    let mut s = firm();
    run(
        &mut s,
        Command::BookTrade(trade(
            "T1",
            FI_SHARE,
            Side::Sell,
            "1000",
            "20.00",
            "EUR",
            date(2026, 3, 2),
        )),
    );
    let t = booked(&s, "T1");
    let key = (t.terms.account, t.terms.instrument);
    run(&mut s, confirm("T1", "400", 4, "CUST-1"));
    assert_eq!(s.holdings.positions[&key].settled_quantity, d("-400"));
    assert_eq!(booked(&s, "T1").settled_quantity, d("400"));
    // The same confirmation again is acknowledged without effect.
    assert!(run(&mut s, confirm("T1", "400", 4, "CUST-1")).is_empty());
    // More than the rest is refused.
    let err = decide(&s, &envelope(confirm("T1", "700", 5, "CUST-2"))).unwrap_err();
    assert_eq!(
        err.to_string(),
        "settling 700 more of trade 1 would exceed its quantity 1000 (400 already settled)"
    );
    // A settled trade cannot be amended or cancelled.
    let amend = decide(
        &s,
        &envelope(Command::AmendTrade(trade(
            "T1",
            FI_SHARE,
            Side::Sell,
            "900",
            "20.00",
            "EUR",
            date(2026, 3, 2),
        ))),
    );
    assert_eq!(
        amend.unwrap_err().to_string(),
        "trade 1 has settled 400 of 1000; a settled trade cannot be amended or cancelled"
    );
    let cancel = Command::CancelTrade {
        source: "TEST".into(),
        external_id: "T1".into(),
        reason: "x".into(),
    };
    assert!(matches!(
        decide(&s, &envelope(cancel)),
        Err(Rejection::TradeSettled { .. })
    ));
    // The rest settles; the position is settled in full.
    run(&mut s, confirm("T1", "600", 5, "CUST-2"));
    assert_eq!(
        s.holdings.positions[&key].settled_quantity,
        s.holdings.positions[&key].quantity
    );
    // A reference that confirmed one trade cannot confirm another.
    run(
        &mut s,
        Command::BookTrade(trade(
            "T2",
            FI_SHARE,
            Side::Buy,
            "10",
            "20.00",
            "EUR",
            date(2026, 3, 2),
        )),
    );
    assert!(matches!(
        decide(&s, &envelope(confirm("T2", "10", 4, "CUST-1"))),
        Err(Rejection::ReferenceUsed { .. })
    ));
    assert!(matches!(
        decide(&s, &envelope(confirm("T2", "10", 1, "CUST-3"))),
        Err(Rejection::SettlementBeforeTrade { .. })
    ));
}

/// docs/domain.md §7's trades booked and settled through the engine leave the ledger balances
/// the worked journal gives (without the opening capital and the marks, which need manual
/// journals and prices): securities 12,000 at cost, realised 400, commission 28.40, and cash
/// −20,020.00 + 8,391.60.
#[test]
fn the_engine_keeps_the_ledger_of_section_7() {
    use crate::ledger::codes::*;
    let mut s = firm();
    run(
        &mut s,
        Command::BookTrade(trade(
            "B",
            FI_SHARE,
            Side::Buy,
            "1000",
            "20.00",
            "EUR",
            date(2025, 7, 14),
        )),
    );
    // §7 calls the sale's commission "4 bp" but books 8.40, which is 10 bp of 8,400: the
    // schedule's 10 bp gives the journal's figure.
    run(
        &mut s,
        Command::BookTrade(trade(
            "S",
            FI_SHARE,
            Side::Sell,
            "400",
            "21.00",
            "EUR",
            date(2025, 7, 16),
        )),
    );
    let eur = ccy("EUR");
    assert_eq!(s.ledger.balance(UNSETTLED_PURCHASES, eur), d("-20000.00"));
    assert_eq!(s.ledger.balance(UNSETTLED_SALES, eur), d("8400.00"));
    let settle = |external_id: &str, quantity: &str, day: i8| Command::ConfirmSettlement {
        source: "TEST".into(),
        external_id: external_id.into(),
        quantity: Quantity::new(d(quantity)),
        settlement_date: date(2025, 7, day),
        reference: format!("CUST-{external_id}"),
    };
    run(&mut s, settle("B", "1000", 16));
    run(&mut s, settle("S", "400", 18));
    let expected = [
        (CASH, "-11628.40"),
        (SECURITIES_AT_COST, "12000.00"),
        (REALISED_PNL, "-400.00"),
        (COMMISSION_EXPENSE, "28.40"),
    ];
    for (account, balance) in expected {
        assert_eq!(
            s.ledger.balance(account, eur),
            d(balance),
            "account {account}"
        );
    }
    assert_eq!(
        s.ledger.iter().count(),
        expected.len(),
        "{:?}",
        s.ledger.iter().collect::<Vec<_>>()
    );
    // Cancelling the sale is refused now (it settled); amending the purchase too.
    let cancel = Command::CancelTrade {
        source: "TEST".into(),
        external_id: "S".into(),
        reason: "x".into(),
    };
    assert!(decide(&s, &envelope(cancel)).is_err());
}

/// A sale booked late, before an earlier sale in trade time, changes the cost released by
/// the later one: realised P&L follows, and securities at cost stay equal to the position.
#[test]
fn late_trades_keep_the_ledger_equal_to_the_positions() {
    use crate::ledger::codes::*;
    let mut s = firm();
    let eur = ccy("EUR");
    let mut t = |id: &str, side: Side, quantity: &str, price: &str, day: i8| {
        run(
            &mut s,
            Command::BookTrade(trade(
                id,
                FI_SHARE,
                side,
                quantity,
                price,
                "EUR",
                date(2026, 3, day),
            )),
        );
    };
    t("B1", Side::Buy, "100", "10.00", 2);
    t("S1", Side::Sell, "100", "15.00", 5);
    t("B0", Side::Buy, "200", "13.00", 3); // reported late: average cost before S1 becomes 12
    let position = s.holdings.positions.values().next().unwrap().clone();
    assert_eq!(s.ledger.balance(SECURITIES_AT_COST, eur), position.cost);
    // Realised: 1,500 proceeds − 100 × 12 = 300.
    assert_eq!(s.ledger.balance(REALISED_PNL, eur), d("-300.00"));
}

/// docs/domain.md §5's UK purchase in the ledger: the consideration against unsettled purchases,
/// commission and stamp duty expensed against their payables on trade date; settlement pays
/// all three out of cash, 42,809.17.
#[test]
fn fees_and_taxes_are_expensed_on_trade_date_and_paid_on_settlement() {
    use crate::ledger::{EntryKind, codes::*};
    let mut s = firm();
    let mut journal = Collected::new();
    let gbp = ccy("GBP");
    let commands = [
        Command::BookTrade(trade(
            "UK",
            UK_SHARE,
            Side::Buy,
            "10000",
            "4.2575",
            "GBP",
            date(2026, 8, 28),
        )),
        Command::ConfirmSettlement {
            source: "TEST".into(),
            external_id: "UK".into(),
            quantity: Quantity::new(d("10000")),
            settlement_date: date(2026, 9, 2),
            reference: "CUST-UK".into(),
        },
    ];
    for command in commands {
        run_journal(&mut s, envelope(command), &mut journal);
    }
    let fees = booked(&s, "UK").economics.fees;
    let mut booking = vec![
        (SECURITIES_AT_COST, gbp, d("42575.00")),
        (UNSETTLED_PURCHASES, gbp, d("-42575.00")),
        (FEES_PAYABLE, gbp, -(d("21.29") + fees)),
        (TAXES_PAYABLE, gbp, d("-212.88")),
        (COMMISSION_EXPENSE, gbp, d("21.29")),
        (EXCHANGE_FEES, gbp, fees),
        (TRANSACTION_TAXES, gbp, d("212.88")),
    ];
    booking.retain(|l| !l.2.is_zero());
    assert_eq!(journal[0].0.kind, EntryKind::TradeBooked);
    assert_eq!(journal[0].1, booking);
    assert_eq!(journal[1].0.kind, EntryKind::Settlement);
    assert_eq!(journal[1].0.effective_date, date(2026, 9, 2));
    let mut settlement = vec![
        (
            CASH,
            gbp,
            -(d("42575.00") + d("21.29") + fees + d("212.88")),
        ),
        (UNSETTLED_PURCHASES, gbp, d("42575.00")),
        (FEES_PAYABLE, gbp, d("21.29") + fees),
        (TAXES_PAYABLE, gbp, d("212.88")),
    ];
    settlement.retain(|l| !l.2.is_zero());
    assert_eq!(journal[1].1, settlement);
}

/// A short sale: selling 100 not held carries the proceeds' cost basis in securities sold
/// short (a liability), not as negative securities at cost; buying back at 9.00 realises
/// (10.00 − 9.00) × 100 = 100 and clears it. Flipping long moves the remainder across.
#[test]
fn short_positions_are_carried_as_securities_sold_short() {
    use crate::ledger::codes::*;
    let mut s = firm();
    let eur = ccy("EUR");
    let book = |id: &str, side: Side, quantity: &str, price: &str, day: i8| {
        Command::BookTrade(trade(
            id,
            FI_SHARE,
            side,
            quantity,
            price,
            "EUR",
            date(2025, 7, day),
        ))
    };
    run(&mut s, book("S", Side::Sell, "100", "10.00", 14));
    assert_eq!(s.ledger.balance(SECURITIES_SOLD_SHORT, eur), d("-1000.00"));
    assert_eq!(s.ledger.balance(SECURITIES_AT_COST, eur), Decimal::ZERO);
    run(&mut s, book("B", Side::Buy, "100", "9.00", 15));
    assert_eq!(s.ledger.balance(SECURITIES_SOLD_SHORT, eur), Decimal::ZERO);
    assert_eq!(s.ledger.balance(REALISED_PNL, eur), d("-100.00"));
    // Short 100 again, then buy 150: the short closes and 50 are long at 9.50.
    run(&mut s, book("S2", Side::Sell, "100", "10.00", 16));
    run(&mut s, book("B2", Side::Buy, "150", "9.50", 17));
    assert_eq!(s.ledger.balance(SECURITIES_SOLD_SHORT, eur), Decimal::ZERO);
    assert_eq!(s.ledger.balance(SECURITIES_AT_COST, eur), d("475.00"));
    assert_eq!(s.ledger.balance(REALISED_PNL, eur), d("-150.00"));
}
