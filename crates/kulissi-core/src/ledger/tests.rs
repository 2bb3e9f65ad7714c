//! docs/domain.md §7 reproduced by the posting rules: an EUR book opened with 50,000 of capital
//! buys 1,000 at 20.00 on Monday 14 July 2025 (commission 20.00), marks to 20.50 and 20.80,
//! settles the purchase on Wednesday 16 July, sells 400 at 21.00 that day (commission 8.40),
//! marks to 20.90 and settles the sale on Friday 18 July.

use jiff::civil::date;
use rust_decimal::Decimal;

use super::codes::*;
use super::*;
use crate::identifiers::{Currency, Mic};
use crate::money::{Price, Quantity};
use crate::position::Position;
use crate::trade::{Economics, Side, TradeRecord, TradeStatus, TradeTerms};

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
        trade_id,
        version: 1,
        status: TradeStatus::Live,
        source: "TEST".into(),
        external_id: format!("T{trade_id}").into(),
        terms: TradeTerms {
            legal_entity: 0,
            book: 0,
            trader: "anna".into(),
            counterparty: 0,
            account: 0,
            instrument: 0,
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

#[test]
fn domain_section_7_journal_and_trial_balance() {
    let ccy = eur();
    let mut journal = Vec::new();
    journal.push(
        JournalEntry::new(
            date(2025, 7, 11),
            "Opening capital",
            None,
            [
                JournalLine::debit(CASH, ccy, d("50000")),
                JournalLine::credit(SHARE_CAPITAL, ccy, d("50000")),
            ],
        )
        .unwrap(),
    );
    let mut position = Position::default();
    let mut adjustment = Decimal::ZERO;
    let mark = |position: &Position,
                adjustment: &mut Decimal,
                day: i8,
                price: &str,
                journal: &mut Vec<JournalEntry>| {
        let m = MarkToMarket {
            currency: ccy,
            quantity: position.quantity,
            cost: position.cost,
            multiplier: Decimal::ONE,
            price: d(price),
            current_adjustment: *adjustment,
        };
        if let Some(entry) = post_mark_to_market(date(2025, 7, day), &m).unwrap() {
            *adjustment += entry.lines[0].net();
            journal.push(entry);
        }
    };

    // 1–2. Buy 1,000 at 20.00, commission 20.00.
    let buy = record(1, Side::Buy, "1000", "20.00", 14, 16, "20.00");
    journal.extend(post_trade(&buy, Decimal::ZERO).unwrap());
    position.fold(buy.terms.signed_quantity(), buy.economics.gross);
    // 3–4. Marks at 20.50 (500) and 20.80 (+300).
    mark(&position, &mut adjustment, 14, "20.50", &mut journal);
    assert_eq!(adjustment, d("500.00"));
    mark(&position, &mut adjustment, 15, "20.80", &mut journal);
    assert_eq!(adjustment, d("800.00"));
    // 5. The purchase settles, commission included.
    journal.push(post_settlement(&buy, date(2025, 7, 16)).unwrap());
    // 6–8. Sell 400 at 21.00: proceeds 8,400 against cost 8,000; release 320 of the marks;
    // commission 4 bp = 8.40.
    let sell = record(2, Side::Sell, "400", "21.00", 16, 18, "8.40");
    let cost_released = position.cost * d("400") / position.quantity;
    assert_eq!(cost_released, d("8000"));
    let released = release_valuation(ccy, adjustment, position.quantity, d("400"));
    assert_eq!(released, d("320.00"));
    journal.extend(post_trade(&sell, cost_released).unwrap());
    journal.push(
        JournalEntry::new(
            date(2025, 7, 16),
            "Release of the marks on the lot sold",
            Some(2),
            [
                JournalLine::debit(UNREALISED_PNL, ccy, released),
                JournalLine::credit(VALUATION_ADJUSTMENT, ccy, released),
            ],
        )
        .unwrap(),
    );
    adjustment -= released;
    position.fold(sell.terms.signed_quantity(), sell.economics.gross);
    // 9. Mark at 20.90: target 600 × 0.90 = 540 against 480 booked: +60.
    mark(&position, &mut adjustment, 16, "20.90", &mut journal);
    assert_eq!(adjustment, d("540.00"));
    // 10. The sale settles, commission netted.
    journal.push(post_settlement(&sell, date(2025, 7, 18)).unwrap());

    for entry in &journal {
        entry.check_balanced().unwrap();
    }
    let tb = TrialBalance::as_of(&journal, date(2025, 7, 18));
    assert_eq!(tb.totals(ccy), (d("50940.00"), d("50940.00")));
    let expected = [
        (CASH, "38371.60"),
        (SECURITIES_AT_COST, "12000.00"),
        (VALUATION_ADJUSTMENT, "540.00"),
        (COMMISSION_EXPENSE, "28.40"),
        (SHARE_CAPITAL, "-50000"),
        (REALISED_PNL, "-400.00"),
        (UNREALISED_PNL, "-540.00"),
    ];
    for (account, balance) in expected {
        assert_eq!(tb.balance(account, ccy), d(balance), "account {account}");
    }
    assert_eq!(
        tb.rows.len(),
        expected.len(),
        "all other accounts are zero: {:?}",
        tb.rows
    );
    let chart = ChartOfAccounts::broker_dealer();
    assert_eq!(tb.profit(&chart, ccy), d("911.60"));
    // Balance sheet: assets 38,371.60 + 12,540.00 = equity 50,000 + 911.60.
    let assets: Decimal = [CASH, SECURITIES_AT_COST, VALUATION_ADJUSTMENT]
        .iter()
        .map(|a| tb.balance(*a, ccy))
        .sum();
    assert_eq!(assets, d("50911.60"));
}

/// docs/domain.md §7: correct by reversal. JE-100 (wrong quantity) stays; its mirror cancels it;
/// the right entry follows.
#[test]
fn corrections_are_reversals() {
    let ccy = eur();
    let wrong = JournalEntry::new(
        date(2025, 7, 14),
        "JE-100",
        Some(1),
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
        Some(1),
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

/// A sale at a loss debits realised P&L.
#[test]
fn a_sale_below_cost_realises_a_loss() {
    let sell = record(3, Side::Sell, "100", "9.00", 16, 18, "0");
    let entries = post_trade(&sell, d("1000")).unwrap();
    assert_eq!(entries.len(), 1, "no charges, no charges entry");
    let loss = entries[0]
        .lines
        .iter()
        .find(|l| l.account == REALISED_PNL)
        .unwrap();
    assert_eq!((loss.debit, loss.credit), (d("100.00"), Decimal::ZERO));
}

/// The engine-derived rule books a purchase and an in-order sale exactly as §7 does, and
/// settlement in parts posts exactly what settlement at once posts.
#[test]
fn derived_entries_match_the_worked_journal() {
    let ccy = eur();
    let buy = record(1, Side::Buy, "1000", "20.00", 14, 16, "20.00");
    let entry = post_trade_event(
        date(2025, 7, 14),
        1,
        None,
        Some(&buy),
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
        2,
        None,
        Some(&sell),
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
    let at_once = post_settlement_part(date(2025, 7, 18), &sell, Decimal::ZERO, d("400"))
        .unwrap()
        .unwrap();
    let parts: Vec<JournalEntry> = [("0", "133"), ("133", "266"), ("266", "400")]
        .iter()
        .filter_map(|(a, b)| post_settlement_part(date(2025, 7, 18), &sell, d(a), d(b)).unwrap())
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
        1,
        None,
        Some(&v1),
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
        1,
        Some(&v1),
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
        1,
        Some(&v1),
        Some(&v2),
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
        post_trade_event(date(2025, 7, 15), 1, Some(&v1), Some(&v1), &[]).unwrap(),
        None
    );
}
