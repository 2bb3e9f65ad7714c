//! One changed byte in one stored event makes verify fail and name that sequence number, on
//! every backend; so does a well-chained event that does not fit the state before it.

use kulissi_app::generator::DemoFirm;
use kulissi_app::verify::verify;
use kulissi_app::{AppError, Writer, read_journal, replay};
use kulissi_core::engine::{EVENT_SCHEMA_VERSION, Event, codec};
use kulissi_core::ids::TradeId;
use kulissi_store::{CommitBatch, EventStore, LogRecord, record_hash};

use crate::support::Backend;

#[test]
fn a_changed_byte_is_found_at_its_sequence_number() {
    for backend in Backend::all("tamper") {
        let firm = DemoFirm::generate(11).unwrap();
        let mut writer = Writer::open(backend.create()).unwrap();
        writer
            .execute_atomic(&firm.reference_data)
            .unwrap()
            .unwrap();
        let trades: Vec<_> = firm.trades(11, 2_000).collect();
        writer.execute(&trades).unwrap();
        let last = writer.head().unwrap().seq;
        drop(writer);
        assert!(verify(&backend.open(), |_| {}).unwrap().is_ok());

        for (victim, byte) in [(last / 2, 40usize), (1, 3), (last, 60)] {
            backend.flip_payload_bit(victim, byte);
            let report = verify(&backend.open(), |_| {}).unwrap();
            let (seq, what) = report
                .first_problem
                .clone()
                .expect("tampering must be detected");
            assert_eq!(seq, victim, "{}: {what}", backend.name());
            assert!(what.contains("hash does not match"), "{what}");
            // Flip it back: the log verifies again.
            backend.flip_payload_bit(victim, byte);
            assert!(verify(&backend.open(), |_| {}).unwrap().is_ok());
        }
    }
}

/// A record whose chain is intact but whose event does not fit the state before it (the
/// settlement of a trade never booked) is a corrupt log, named by its sequence number:
/// replay, verify, the journal and a writer's start-up all refuse it, on every backend.
#[test]
fn an_event_that_does_not_fit_is_a_corrupt_log_at_its_sequence_number() {
    for backend in Backend::all("misfit") {
        let firm = DemoFirm::generate(11).unwrap();
        let mut writer = Writer::open(backend.create()).unwrap();
        writer
            .execute_atomic(&firm.reference_data)
            .unwrap()
            .unwrap();
        let trades: Vec<_> = firm.trades(11, 20).collect();
        writer.execute(&trades).unwrap();
        let head = writer.head().unwrap();
        let booked = writer
            .state()
            .trades
            .get(TradeId(1))
            .unwrap()
            .record
            .clone();
        drop(writer);

        // Trade 999 was never booked; the record is chained correctly after the head.
        let event = Event::SettlementConfirmed {
            trade_id: TradeId(999),
            version: 1,
            quantity: booked.terms.quantity.value(),
            settlement_date: booked.terms.settlement_date,
            reference: "CUST-999".into(),
        };
        let mut record = LogRecord {
            seq: head.seq + 1,
            partition: 0,
            business_date: booked.terms.trade_date,
            wall_time_us: 0,
            actor: "tamper".into(),
            kind: event.kind().into(),
            trade_id: event.trade_id().map(u64::from),
            schema_version: EVENT_SCHEMA_VERSION,
            payload: codec::encode(&event),
            hash: [0; 32],
        };
        record.hash = record_hash(&head.hash, &record);
        let seq = record.seq;
        let mut store = backend.open();
        store
            .append(&CommitBatch {
                records: vec![record],
                ..CommitBatch::default()
            })
            .unwrap();

        let what = "SettlementConfirmed names trade 999, which does not exist";
        let corrupt = |e: AppError| match e {
            AppError::Log {
                seq: at,
                what: said,
            } => {
                assert_eq!((at, said.as_str()), (seq, what), "{}", backend.name());
            }
            other => panic!("{}: not a corrupt log: {other}", backend.name()),
        };
        corrupt(replay(&store, None).unwrap_err());
        corrupt(read_journal(&store, None, |_| Ok::<(), AppError>(())).unwrap_err());
        let report = verify(&store, |_| {}).unwrap();
        assert_eq!(report.first_problem, Some((seq, what.to_owned())));
        // Up to the record before it, the log replays.
        assert!(replay(&store, Some(seq - 1)).is_ok());
        drop(store);
        match Writer::open(backend.open()) {
            Ok(_) => panic!("{}: a writer opened on a corrupt log", backend.name()),
            Err(e) => corrupt(e),
        }
    }
}
