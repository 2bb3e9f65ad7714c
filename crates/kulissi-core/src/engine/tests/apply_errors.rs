//! An event that does not fit the state is an error that names it, never ignored.

use super::*;
use crate::ids::TradeId;

#[test]
fn events_that_do_not_fit_the_state_are_errors() {
    let mut s = firm();
    let td = date(2026, 3, 2);
    let events = run(
        &mut s,
        Command::BookTrade(trade("T1", FI_SHARE, Side::Buy, "1000", "20.00", "EUR", td)),
    );
    let Some(Event::TradeBooked {
        source,
        external_id: _,
        input_digest,
        terms,
        economics,
        ..
    }) = events.first()
    else {
        panic!("a booking books a trade: {events:?}");
    };

    // A trade that does not exist: refused before anything changes.
    let before = s.clone();
    let amend = Event::TradeAmended {
        trade_id: TradeId(17),
        version: 2,
        terms: terms.clone(),
        economics: *economics,
    };
    assert_eq!(
        apply(&mut s, &amend).unwrap_err().to_string(),
        "TradeAmended names trade 17, which does not exist"
    );
    let settle = Event::SettlementConfirmed {
        trade_id: TradeId(9),
        version: 1,
        quantity: d("1"),
        settlement_date: td,
        reference: "R1".into(),
    };
    assert!(apply(&mut s, &settle).is_err());
    assert_eq!(s, before);

    // A new trade is the next one.
    let book = |trade_id, external_id: &str| Event::TradeBooked {
        trade_id,
        source: source.clone(),
        external_id: external_id.into(),
        input_digest: *input_digest,
        terms: terms.clone(),
        economics: *economics,
    };
    assert_eq!(
        apply(&mut s, &book(TradeId(5), "T2"))
            .unwrap_err()
            .to_string(),
        "TradeBooked names trade 5, where the state expects trade 2"
    );

    // A cancelled trade cannot be cancelled, amended or settled again.
    let cancel = Event::TradeCancelled {
        trade_id: TradeId(1),
        version: 2,
        reason: "wrong".into(),
    };
    apply(&mut s, &cancel).unwrap();
    assert_eq!(
        apply(&mut s, &cancel).unwrap_err(),
        ApplyError::WrongStatus {
            event: "TradeCancelled",
            what: "trade",
            id: 1,
            found: "cancelled",
            wanted: "live",
        }
    );

    // Cash movements and manual entries that do not exist.
    assert_eq!(
        apply(&mut s, &Event::CashMovementPosted { id: 3 })
            .unwrap_err()
            .to_string(),
        "CashMovementPosted names cash movement 3, which does not exist"
    );
    let approve = Event::JournalEntryApproved {
        id: 1,
        checker: "maija".into(),
    };
    assert_eq!(
        apply(&mut s, &approve).unwrap_err().to_string(),
        "JournalEntryApproved names journal entry 1, which does not exist"
    );

    // The external id booked again under the next id: it already has trade 1.
    assert_eq!(
        apply(&mut s, &book(TradeId(2), "T1"))
            .unwrap_err()
            .to_string(),
        "TradeBooked names trade 2, where the state expects trade 1"
    );
}
