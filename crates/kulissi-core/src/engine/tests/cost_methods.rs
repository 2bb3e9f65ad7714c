//! FIFO against average cost, per book, through the engine and its ledger (docs/domain.md §6):
//! buy 100 at 10.00, buy 200 at 13.00, sell 150 at 15.00, close 14.00.

use super::*;
use crate::ledger::codes::*;
use crate::refdata::CostMethod;

fn book(state: &mut State, code: &str, cost_method: CostMethod) {
    run(
        state,
        Command::DefineBook {
            code: code.into(),
            legal_entity: lei(OURS),
            desk: "Equities".into(),
            trader: "anna".into(),
            cost_method,
        },
    );
}

fn trade_in(
    book: &str,
    account: &str,
    id: &str,
    side: Side,
    qty: &str,
    px: &str,
    day: i8,
) -> Command {
    Command::BookTrade(TradeInput {
        book: book.into(),
        account: account.into(),
        ..trade(id, FI_SHARE, side, qty, px, "EUR", date(2025, 7, day))
    })
}

/// Realised and unrealised P&L of the worked example in one book, on its own account.
fn pnl(method: CostMethod) -> (Decimal, Decimal, Decimal) {
    let mut s = firm();
    book(&mut s, "B", method);
    run(
        &mut s,
        trade_in("B", "HOUSE-2", "1", Side::Buy, "100", "10.00", 14),
    );
    run(
        &mut s,
        trade_in("B", "HOUSE-2", "2", Side::Buy, "200", "13.00", 15),
    );
    run(
        &mut s,
        trade_in("B", "HOUSE-2", "3", Side::Sell, "150", "15.00", 16),
    );
    run(
        &mut s,
        Command::RecordPrice {
            instrument: Isin::parse(FI_SHARE).unwrap(),
            date: date(2025, 7, 16),
            price: Price::new(d("14.00")),
            source: "XHEL official close".into(),
        },
    );
    run(
        &mut s,
        Command::RunEndOfDay {
            legal_entity: lei(OURS),
            date: date(2025, 7, 16),
        },
    );
    let eur = ccy("EUR");
    (
        -s.ledger.balance(REALISED_PNL, eur),
        -s.ledger.balance(UNREALISED_PNL, eur),
        s.ledger.balance(SECURITIES_AT_COST, eur),
    )
}

#[test]
fn fifo_and_average_cost_split_the_same_profit_differently() {
    // FIFO: the sale consumes 100 at 10 and 50 at 13: cost 1,650, realised 600; 150 at 13
    // remain (1,950) against 2,100 of market value: unrealised 150.
    assert_eq!(
        pnl(CostMethod::Fifo),
        (d("600.00"), d("150.00"), d("1950.00"))
    );
    // Average cost: 12.00 a share: realised 450; 1,800 remain: unrealised 300.
    assert_eq!(
        pnl(CostMethod::AverageCost),
        (d("450.00"), d("300.00"), d("1800.00"))
    );
}

/// A late purchase under FIFO becomes the oldest lot: the sale's released cost follows.
#[test]
fn a_late_trade_reorders_fifo_lots() {
    let mut s = firm();
    book(&mut s, "B", CostMethod::Fifo);
    run(
        &mut s,
        trade_in("B", "HOUSE-2", "1", Side::Buy, "100", "13.00", 15),
    );
    run(
        &mut s,
        trade_in("B", "HOUSE-2", "2", Side::Sell, "100", "15.00", 16),
    );
    let eur = ccy("EUR");
    assert_eq!(s.ledger.balance(REALISED_PNL, eur), d("-200.00"));
    run(
        &mut s,
        trade_in("B", "HOUSE-2", "0", Side::Buy, "100", "10.00", 14),
    );
    // The sale now closes the 10.00 lot: realised 500; the 13.00 lot remains.
    assert_eq!(s.ledger.balance(REALISED_PNL, eur), d("-500.00"));
    assert_eq!(s.ledger.balance(SECURITIES_AT_COST, eur), d("1300.00"));
    // Cancelling the late purchase puts it back as it was.
    run(
        &mut s,
        Command::CancelTrade {
            source: "TEST".into(),
            external_id: "0".into(),
            reason: "booked in error".into(),
        },
    );
    assert_eq!(s.ledger.balance(REALISED_PNL, eur), d("-200.00"));
    assert_eq!(s.ledger.balance(SECURITIES_AT_COST, eur), Decimal::ZERO);
}

/// One position, one method: a FIFO book may not join a position average-cost trades hold.
#[test]
fn a_position_keeps_one_cost_method() {
    let mut s = firm();
    book(&mut s, "F", CostMethod::Fifo);
    run(
        &mut s,
        trade_in("EQ-HEL", "HOUSE-1", "1", Side::Buy, "100", "10.00", 14),
    );
    let refused = decide(
        &s,
        &envelope(trade_in("F", "HOUSE-1", "2", Side::Buy, "100", "10.00", 14)),
    )
    .unwrap_err();
    assert_eq!(
        refused.to_string(),
        "book 'F' keeps cost at fifo, but the position it would join is kept at average by other books' trades"
    );
    run(
        &mut s,
        trade_in("F", "HOUSE-2", "3", Side::Buy, "100", "10.00", 14),
    );
}
