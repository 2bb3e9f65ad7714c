//! The engine's posting rules (`derived.rs`) on the trades of docs/domain.md §7: an EUR
//! book buys 1,000 at 20.00 on Monday 14 July 2025 (commission 20.00), settles on Wednesday
//! 16 July, sells 400 at 21.00 that day (commission 8.40) and settles the sale on Friday
//! 18 July; corrections by reversal; unbalanced entries refused. The whole of §7 (capital,
//! marks, trial balance and profit) runs through the engine in
//! `engine/tests/valuation_and_cash.rs`.

use crate::ids::{AccountId, BookId, CounterpartyId, InstrumentId, LegalEntityId, TradeId};
use jiff::civil::date;
use rust_decimal::Decimal;

use super::codes::*;
use super::*;
use crate::identifiers::{Currency, Mic};
use crate::money::{Price, Quantity};
use crate::trade::{Economics, Side, TradeRecord, TradeStatus, TradeTerms};

const HOUSE: crate::refdata::AccountOwner = crate::refdata::AccountOwner::House;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn eur() -> Currency {
    Currency::parse("EUR").unwrap()
}

fn record(
    trade_id: u64,
    side: Side,
    quantity: &str,
    price: &str,
    day: i8,
    settle: i8,
    commission: &str,
) -> TradeRecord {
    let gross = d(quantity) * d(price);
    let commission = d(commission);
    let net = match side {
        Side::Buy => gross + commission,
        Side::Sell => gross - commission,
    };
    TradeRecord {
        trade_id: TradeId(trade_id),
        version: 1,
        status: TradeStatus::Live,
        source: "TEST".into(),
        external_id: format!("T{trade_id}").into(),
        terms: TradeTerms {
            legal_entity: LegalEntityId(0),
            book: BookId(0),
            trader: "anna".into(),
            counterparty: CounterpartyId(0),
            account: AccountId(0),
            instrument: InstrumentId(0),
            side,
            quantity: Quantity::new(d(quantity)),
            price: Price::new(d(price)),
            currency: eur(),
            trade_date: date(2025, 7, day),
            trade_time: jiff::Timestamp::UNIX_EPOCH,
            venue: Mic::parse("XHEL").unwrap(),
            settlement_date: date(2025, 7, settle),
        },
        economics: Economics {
            gross,
            commission,
            net,
            ..Economics::default()
        },
        settled_quantity: Decimal::ZERO,
    }
}

/// docs/domain.md §7: correct by reversal. JE-100 (wrong quantity) stays; its mirror cancels it;
/// the right entry follows.
#[test]
fn corrections_are_reversals() {
    let ccy = eur();
    let wrong = JournalEntry::new(
        date(2025, 7, 14),
        "JE-100",
        Some(TradeId(1)),
        [
            JournalLine::debit(SECURITIES_AT_COST, ccy, d("20000")),
            JournalLine::credit(UNSETTLED_PURCHASES, ccy, d("20000")),
        ],
    )
    .unwrap();
    let mirror = wrong.reversal(date(2025, 7, 15));
    let right = JournalEntry::new(
        date(2025, 7, 15),
        "JE-102",
        Some(TradeId(1)),
        [
            JournalLine::debit(SECURITIES_AT_COST, ccy, d("40000")),
            JournalLine::credit(UNSETTLED_PURCHASES, ccy, d("40000")),
        ],
    )
    .unwrap();
    let tb = TrialBalance::as_of([&wrong, &mirror, &right], date(2025, 7, 15));
    assert_eq!(tb.balance(SECURITIES_AT_COST, ccy), d("40000"));
    // Before the correction's date, the wrong entry still shows.
    assert_eq!(
        TrialBalance::as_of([&wrong, &mirror, &right], date(2025, 7, 14))
            .balance(SECURITIES_AT_COST, ccy),
        d("20000")
    );
}

#[test]
fn unbalanced_entries_are_refused() {
    let ccy = eur();
    let usd = Currency::parse("USD").unwrap();
    let err = JournalEntry::new(
        date(2025, 7, 14),
        "bad",
        None,
        [
            JournalLine::debit(CASH, ccy, d("10")),
            JournalLine::credit(SHARE_CAPITAL, usd, d("10")),
        ],
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "entry does not balance in EUR: debits exceed credits by 10"
    );
    assert_eq!(
        JournalEntry::new(date(2025, 7, 14), "empty", None, []).unwrap_err(),
        EntryError::Empty
    );
}

/// The engine-derived rule books a purchase and an in-order sale exactly as §7 does, and
/// settlement in parts posts exactly what settlement at once posts.
#[test]
fn derived_entries_match_the_worked_journal() {
    let ccy = eur();
    let buy = record(1, Side::Buy, "1000", "20.00", 14, 16, "20.00");
    let entry = post_trade_event(
        date(2025, 7, 14),
        TradeId(1),
        None,
        Some((&buy, HOUSE)),
        &[CostChange {
            currency: ccy,
            before: Decimal::ZERO,
            after: d("20000.00"),
        }],
    )
    .unwrap()
    .unwrap();
    let tb = TrialBalance::as_of([&entry], date(2025, 7, 14));
    assert_eq!(tb.balance(SECURITIES_AT_COST, ccy), d("20000.00"));
    assert_eq!(tb.balance(UNSETTLED_PURCHASES, ccy), d("-20000.00"));
    assert_eq!(tb.balance(COMMISSION_EXPENSE, ccy), d("20.00"));
    assert_eq!(
        tb.balance(REALISED_PNL, ccy),
        Decimal::ZERO,
        "a purchase realises nothing"
    );

    let sell = record(2, Side::Sell, "400", "21.00", 16, 18, "8.40");
    let sale = post_trade_event(
        date(2025, 7, 16),
        TradeId(2),
        None,
        Some((&sell, HOUSE)),
        &[CostChange {
            currency: ccy,
            before: d("20000.00"),
            after: d("12000.00"),
        }],
    )
    .unwrap()
    .unwrap();
    let tb = TrialBalance::as_of([&sale], date(2025, 7, 16));
    assert_eq!(tb.balance(UNSETTLED_SALES, ccy), d("8400.00"));
    assert_eq!(tb.balance(SECURITIES_AT_COST, ccy), d("-8000.00"));
    assert_eq!(tb.balance(REALISED_PNL, ccy), d("-400.00"));

    // Settling the sale in three parts posts what settling it at once posts.
    let at_once = post_settlement_part(date(2025, 7, 18), (&sell, HOUSE), Decimal::ZERO, d("400"))
        .unwrap()
        .unwrap();
    let parts: Vec<JournalEntry> = [("0", "133"), ("133", "266"), ("266", "400")]
        .iter()
        .filter_map(|(a, b)| {
            post_settlement_part(date(2025, 7, 18), (&sell, HOUSE), d(a), d(b)).unwrap()
        })
        .collect();
    let whole = TrialBalance::as_of([&at_once], date(2025, 7, 18));
    let pieces = TrialBalance::as_of(&parts, date(2025, 7, 18));
    assert_eq!(whole, pieces);
    assert_eq!(whole.balance(CASH, ccy), d("8391.60"));
}

/// Cancelling a booking reverses it exactly; amending the price re-books the difference.
#[test]
fn derived_entries_for_amendments_and_cancellations() {
    let ccy = eur();
    let v1 = record(1, Side::Buy, "1000", "20.00", 14, 16, "20.00");
    let booked = post_trade_event(
        date(2025, 7, 14),
        TradeId(1),
        None,
        Some((&v1, HOUSE)),
        &[CostChange {
            currency: ccy,
            before: Decimal::ZERO,
            after: d("20000.00"),
        }],
    )
    .unwrap()
    .unwrap();
    let cancelled = post_trade_event(
        date(2025, 7, 15),
        TradeId(1),
        Some((&v1, HOUSE)),
        None,
        &[CostChange {
            currency: ccy,
            before: d("20000.00"),
            after: Decimal::ZERO,
        }],
    )
    .unwrap()
    .unwrap();
    let tb = TrialBalance::as_of([&booked, &cancelled], date(2025, 7, 15));
    assert!(tb.rows.is_empty(), "nothing is left: {:?}", tb.rows);

    let v2 = record(1, Side::Buy, "1000", "20.10", 14, 16, "20.10");
    let amended = post_trade_event(
        date(2025, 7, 15),
        TradeId(1),
        Some((&v1, HOUSE)),
        Some((&v2, HOUSE)),
        &[CostChange {
            currency: ccy,
            before: d("20000.00"),
            after: d("20100.00"),
        }],
    )
    .unwrap()
    .unwrap();
    let tb = TrialBalance::as_of([&booked, &amended], date(2025, 7, 15));
    assert_eq!(tb.balance(SECURITIES_AT_COST, ccy), d("20100.00"));
    assert_eq!(tb.balance(UNSETTLED_PURCHASES, ccy), d("-20100.00"));
    assert_eq!(tb.balance(COMMISSION_EXPENSE, ccy), d("20.10"));
    assert_eq!(tb.balance(REALISED_PNL, ccy), Decimal::ZERO);
    // An amendment that changes nothing the ledger sees posts nothing.
    assert_eq!(
        post_trade_event(
            date(2025, 7, 15),
            TradeId(1),
            Some((&v1, HOUSE)),
            Some((&v1, HOUSE)),
            &[]
        )
        .unwrap(),
        None
    );
}
