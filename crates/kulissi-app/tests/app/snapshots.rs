//! Snapshots: start-up from the newest snapshot and the log's tail gives the state a replay
//! from the first event gives; a damaged snapshot, or one of another log, is refused by name,
//! rebuilt, and never trusted; `verify` replays from the first event all the same.

use kulissi_app::generator::DemoFirm;
use kulissi_app::verify::verify;
use kulissi_app::{SnapshotPolicy, Writer, replay};
use kulissi_store::EventStore;

use crate::support::Backend;

const SEED: u64 = 11;

/// A writer on `backend` with the demo firm, 3,000 trades and their settlements.
fn booked(backend: &Backend, snapshots: SnapshotPolicy) -> Writer<crate::support::Store> {
    let firm = DemoFirm::generate(SEED).unwrap();
    let mut writer = Writer::open_with(backend.create(), snapshots).unwrap();
    writer
        .execute_atomic(&firm.reference_data)
        .unwrap()
        .unwrap();
    let trades: Vec<_> = (0..3_000).map(|i| firm.trade(SEED, i, 3_000)).collect();
    writer.execute(&trades).unwrap();
    let until = kulissi_app::generator::DEMO_BUSINESS_DATE;
    let settlements = firm.settlements(writer.state(), SEED, until);
    writer.execute(&settlements).unwrap();
    writer
}

#[test]
fn start_up_from_a_snapshot_and_the_tail_equals_a_full_replay() {
    for backend in Backend::all("snapshot-start") {
        let mut writer = booked(&backend, SnapshotPolicy::NEVER);
        let at = writer.head().unwrap().seq;
        writer.snapshot().unwrap();
        // A tail after the snapshot.
        let firm = DemoFirm::generate(SEED).unwrap();
        let tail: Vec<_> = (3_000..3_500).map(|i| firm.trade(SEED, i, 3_500)).collect();
        writer.execute(&tail).unwrap();
        let head = writer.head().unwrap().seq;

        let reopened = Writer::open(backend.open()).unwrap();
        assert_eq!(reopened.startup().snapshot, Some(at), "{}", backend.name());
        assert_eq!(reopened.startup().replayed, head - at);
        assert!(reopened.startup().refused.is_empty());
        assert_eq!(reopened.head(), writer.head());
        assert!(
            reopened.state() == writer.state(),
            "{}: snapshot + tail differs from the live state",
            backend.name()
        );
        let (replayed, _) = replay(reopened.store(), None).unwrap();
        assert!(replayed == *reopened.state());
    }
}

#[test]
fn the_writer_snapshots_every_n_events_and_keeps_the_newest() {
    for backend in Backend::all("snapshot-every") {
        let writer = booked(
            &backend,
            SnapshotPolicy {
                every: 1_000,
                keep: 2,
            },
        );
        let seqs = writer.store().snapshot_seqs().unwrap();
        assert_eq!(seqs.len(), 2, "{}: {seqs:?}", backend.name());
        assert!(seqs[0] > seqs[1]);
        assert!(writer.head().unwrap().seq - seqs[0] < 3_500);
        assert!(writer.snapshot_failure().is_none());
    }
}

#[test]
fn a_damaged_snapshot_is_refused_by_name_and_rebuilt() {
    for backend in Backend::all("snapshot-damaged") {
        let mut writer = booked(&backend, SnapshotPolicy::NEVER);
        let at = writer.head().unwrap().seq;
        writer.snapshot().unwrap();
        let expected = writer.state().clone();
        drop(writer);

        // One byte of the stored state changed behind the store's back.
        let flip = match backend {
            Backend::Sqlite(_) => format!(
                "UPDATE snapshot_pieces SET bytes = CAST(substr(bytes, 1, 999) || x'00' || substr(bytes, 1001) AS BLOB) WHERE seq = {at} AND piece = 0"
            ),
            Backend::Postgres(_) => format!(
                "UPDATE snapshot_pieces SET bytes = set_byte(bytes, 999, get_byte(bytes, 999) # 1) WHERE seq = {at} AND piece = 0"
            ),
        };
        backend.execute_raw(&flip);
        let reopened = Writer::open(backend.open()).unwrap();
        let startup = reopened.startup();
        assert_eq!(startup.snapshot, None);
        assert_eq!(startup.refused.len(), 1, "{startup:?}");
        assert_eq!(startup.refused[0].0, at);
        assert!(
            startup.refused[0].1.contains("do not match their digest"),
            "{}",
            startup.refused[0].1
        );
        assert!(*reopened.state() == expected);
        // Rebuilt at the head, and used next time.
        assert_eq!(reopened.store().snapshot_seqs().unwrap(), vec![at]);
        drop(reopened);
        let again = Writer::open(backend.open()).unwrap();
        assert_eq!(again.startup().snapshot, Some(at));
        assert!(*again.state() == expected);
    }
}

#[test]
fn a_snapshot_of_another_log_is_refused() {
    for backend in Backend::all("snapshot-foreign") {
        let mut writer = booked(&backend, SnapshotPolicy::NEVER);
        let at = writer.head().unwrap().seq;
        writer.snapshot().unwrap();
        let expected = writer.state().clone();
        drop(writer);
        let hash = match backend {
            Backend::Sqlite(_) => "zeroblob(32)",
            Backend::Postgres(_) => "decode(repeat('00', 32), 'hex')",
        };
        backend.execute_raw(&format!(
            "UPDATE snapshots SET chain_hash = {hash} WHERE seq = {at}"
        ));
        let reopened = Writer::open(backend.open()).unwrap();
        let refused = &reopened.startup().refused;
        assert_eq!(refused.len(), 1);
        assert!(refused[0].1.contains("another log"), "{}", refused[0].1);
        assert!(*reopened.state() == expected);
        let report = verify(reopened.store(), |_| {}).unwrap();
        assert!(report.is_ok(), "{report:?}");
    }
}
