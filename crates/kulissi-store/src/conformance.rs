//! The conformance suite: behaviour every [`EventStore`] backend must show. Each backend's
//! tests call [`run_all`] with a factory for fresh, empty, initialised stores.
//!
//! The suite panics on the first failure (it is test code, shipped so that backends in other
//! crates can run it).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use jiff::civil::date;
use rust_decimal::Decimal;

use crate::{
    CashRow, ChainHead, CommitBatch, EventStore, GENESIS_HASH, LedgerBalanceRow, LogRecord,
    PositionRow, ReferenceRow, SettlementRow, StoreError, TradeVersionRow, record_hash,
};

/// Runs every conformance check, each on a fresh store from `fresh`.
pub fn run_all<S: EventStore>(fresh: &mut dyn FnMut() -> S) {
    empty_store_has_no_head(&mut fresh());
    appended_records_read_back_exactly(&mut fresh());
    batches_must_continue_the_log(&mut fresh());
    read_models_are_upserted_and_read_back(&mut fresh());
    trade_versions_and_current_trades(&mut fresh());
    read_log_ranges_and_early_stop(&mut fresh());
}

/// A chained record with a recognisable payload.
pub fn record(seq: u64, previous: &[u8; 32]) -> LogRecord {
    let mut r = LogRecord {
        seq,
        partition: 0,
        business_date: date(2026, 11, 27),
        wall_time_us: 1_780_000_000_000_000 + seq as i64,
        actor: format!("system:conformance-{}", seq % 3).into(),
        kind: "TradeBooked".into(),
        trade_id: Some(seq),
        schema_version: 1,
        payload: (0..(40 + seq % 50)).map(|i| (i * 31 + seq) as u8).collect(),
        hash: [0; 32],
    };
    r.hash = record_hash(previous, &r);
    r
}

fn records(from: u64, count: u64, previous: [u8; 32]) -> Vec<LogRecord> {
    let mut out = Vec::new();
    let mut prev = previous;
    for seq in from..from + count {
        let r = record(seq, &prev);
        prev = r.hash;
        out.push(r);
    }
    out
}

fn all_records<S: EventStore>(store: &S) -> Vec<LogRecord> {
    let mut out = Vec::new();
    store
        .read_log(1, None, &mut |r| {
            out.push(r);
            Ok(true)
        })
        .unwrap();
    out
}

fn empty_store_has_no_head<S: EventStore>(store: &mut S) {
    assert_eq!(store.head().unwrap(), None);
    assert!(all_records(store).is_empty());
    assert_eq!(store.read_models().unwrap(), Default::default());
}

fn appended_records_read_back_exactly<S: EventStore>(store: &mut S) {
    let first = records(1, 100, GENESIS_HASH);
    store
        .append(&CommitBatch {
            records: first.clone(),
            ..Default::default()
        })
        .unwrap();
    let second = records(101, 50, first.last().unwrap().hash);
    store
        .append(&CommitBatch {
            records: second.clone(),
            ..Default::default()
        })
        .unwrap();
    let stored = all_records(store);
    assert_eq!(stored.len(), 150);
    assert_eq!(stored[..100], first[..]);
    assert_eq!(stored[100..], second[..]);
    assert_eq!(
        store.head().unwrap(),
        Some(ChainHead {
            seq: 150,
            hash: second.last().unwrap().hash
        })
    );
}

fn batches_must_continue_the_log<S: EventStore>(store: &mut S) {
    let first = records(1, 10, GENESIS_HASH);
    store
        .append(&CommitBatch {
            records: first.clone(),
            ..Default::default()
        })
        .unwrap();
    // A gap is refused, and nothing of the batch is written (atomicity).
    let gap = records(12, 5, first.last().unwrap().hash);
    let position = PositionRow {
        account: 1,
        instrument: 1,
        quantity: Decimal::ONE,
        settled_quantity: Decimal::ZERO,
        cost: Decimal::ONE,
        seq: 12,
    };
    let err = store
        .append(&CommitBatch {
            records: gap,
            positions: vec![position],
            ..Default::default()
        })
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::OutOfSequence {
                expected: 11,
                found: 12
            }
        ),
        "{err}"
    );
    // Replaying an already-stored sequence number is refused too.
    let again = records(10, 1, first[8].hash);
    assert!(
        store
            .append(&CommitBatch {
                records: again,
                ..Default::default()
            })
            .is_err()
    );
    assert_eq!(all_records(store), first);
    assert!(store.read_models().unwrap().positions.is_empty());
}

fn sample_version(trade_id: u64, version: u32, seq: u64) -> TradeVersionRow {
    TradeVersionRow {
        trade_id,
        version,
        seq,
        status: if version == 3 { "cancelled" } else { "live" },
        source: "CONFORMANCE".into(),
        external_id: format!("EXT-{trade_id}").into(),
        book: 1,
        account: 2,
        instrument: 3,
        counterparty: 4,
        side: "buy",
        quantity: "1000.5".parse().unwrap(),
        price: "101.2500".parse().unwrap(),
        currency: "EUR".into(),
        trade_date: date(2026, 11, 25),
        settlement_date: date(2026, 11, 27),
        net: "101310.76".parse().unwrap(),
    }
}

fn read_models_are_upserted_and_read_back<S: EventStore>(store: &mut S) {
    let recs = records(1, 3, GENESIS_HASH);
    let reference = ReferenceRow {
        kind: "instrument",
        id: 0,
        natural_key: "FI0009000681".into(),
        description: "Nokia, equity, EUR, XHEL".into(),
        seq: 1,
    };
    let position = |q: &str, seq| PositionRow {
        account: 2,
        instrument: 3,
        quantity: q.parse().unwrap(),
        settled_quantity: "0".parse().unwrap(),
        cost: "12345.678901234567".parse().unwrap(),
        seq,
    };
    let cash = |a: &str, seq| CashRow {
        account: 2,
        currency: "EUR".into(),
        value_date: date(2026, 11, 27),
        amount: a.parse().unwrap(),
        seq,
    };
    store
        .append(&CommitBatch {
            records: recs[..2].to_vec(),
            reference: vec![reference.clone()],
            trade_versions: vec![sample_version(1, 1, 2)],
            positions: vec![position("1000.5", 2)],
            cash: vec![cash("-101310.76", 2)],
            settlements: Vec::new(),
            ledger_balances: vec![
                balance(1200, "EUR", "101300.63"),
                balance(2100, "EUR", "-101300.63"),
            ],
        })
        .unwrap();
    let settlement = SettlementRow {
        seq: 3,
        trade_id: 1,
        quantity: "400.50".parse().unwrap(),
        settlement_date: date(2026, 11, 27),
        reference: "CUST-REF-1".into(),
    };
    let mut updated_reference = reference.clone();
    updated_reference.description = "Nokia Oyj, equity, EUR, XHEL".into();
    updated_reference.seq = 3;
    store
        .append(&CommitBatch {
            records: recs[2..].to_vec(),
            reference: vec![updated_reference.clone()],
            trade_versions: vec![sample_version(1, 2, 3)],
            positions: vec![position("-0.0000001", 3)],
            cash: vec![cash("0.00", 3)],
            settlements: vec![settlement.clone()],
            ledger_balances: vec![balance(1200, "EUR", "0.00"), balance(1100, "USD", "-5.5")],
        })
        .unwrap();
    let models = store.read_models().unwrap();
    assert_eq!(models.reference, vec![updated_reference]);
    assert_eq!(
        models.trade_versions,
        vec![sample_version(1, 1, 2), sample_version(1, 2, 3)]
    );
    assert_eq!(models.positions, vec![position("-0.0000001", 3)]);
    // Scale survives: 0.00 stays 0.00.
    assert_eq!(models.cash, vec![cash("0.00", 3)]);
    assert_eq!(models.cash[0].amount.to_string(), "0.00");
    assert_eq!(models.settlements, vec![settlement]);
    assert_eq!(store.ledger_balances().unwrap(), models.ledger_balances);
    // Upserted by account and currency, read back by currency then account.
    assert_eq!(
        models.ledger_balances,
        vec![
            balance(1200, "EUR", "0.00"),
            balance(2100, "EUR", "-101300.63"),
            balance(1100, "USD", "-5.5")
        ]
    );
}

fn balance(account: u16, currency: &str, amount: &str) -> LedgerBalanceRow {
    LedgerBalanceRow {
        account,
        currency: currency.into(),
        balance: amount.parse().unwrap(),
    }
}

fn trade_versions_and_current_trades<S: EventStore>(store: &mut S) {
    let recs = records(1, 6, GENESIS_HASH);
    let versions = vec![
        sample_version(1, 1, 1),
        sample_version(2, 1, 2),
        sample_version(1, 2, 3),
        sample_version(3, 1, 4),
        sample_version(1, 3, 5),
        sample_version(2, 2, 6),
    ];
    store
        .append(&CommitBatch {
            records: recs,
            trade_versions: versions,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        store.trade_id_by_external("CONFORMANCE", "EXT-2").unwrap(),
        Some(2)
    );
    assert_eq!(
        store.trade_id_by_external("CONFORMANCE", "EXT-9").unwrap(),
        None
    );
    assert_eq!(store.record(3).unwrap().map(|r| r.seq), Some(3));
    assert_eq!(store.record(99).unwrap(), None);
    let history = store.trade_versions(1).unwrap();
    assert_eq!(
        history.iter().map(|v| v.version).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert_eq!(history[2].status, "cancelled");
    assert!(store.trade_versions(99).unwrap().is_empty());
    let current = store.current_trades(0, 10).unwrap();
    assert_eq!(
        current
            .iter()
            .map(|v| (v.trade_id, v.version))
            .collect::<Vec<_>>(),
        [(1, 3), (2, 2), (3, 1)]
    );
    let page = store.current_trades(1, 1).unwrap();
    assert_eq!(
        page.iter()
            .map(|v| (v.trade_id, v.version))
            .collect::<Vec<_>>(),
        [(2, 2)]
    );
}

fn read_log_ranges_and_early_stop<S: EventStore>(store: &mut S) {
    let recs = records(1, 20, GENESIS_HASH);
    store
        .append(&CommitBatch {
            records: recs.clone(),
            ..Default::default()
        })
        .unwrap();
    let mut seen = Vec::new();
    store
        .read_log(5, Some(9), &mut |r| {
            seen.push(r.seq);
            Ok(true)
        })
        .unwrap();
    assert_eq!(seen, [5, 6, 7, 8, 9]);
    seen.clear();
    store
        .read_log(1, None, &mut |r| {
            seen.push(r.seq);
            Ok(r.seq < 3)
        })
        .unwrap();
    assert_eq!(seen, [1, 2, 3]);
}
