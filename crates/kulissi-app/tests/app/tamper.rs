//! One changed byte in one stored event makes verify fail and name that sequence number.

use kulissi_app::Writer;
use kulissi_app::generator::DemoFirm;
use kulissi_app::verify::verify;
use kulissi_store_sqlite::SqliteStore;

use crate::support::TempDir;

#[test]
fn a_changed_byte_is_found_at_its_sequence_number() {
    let dir = TempDir::new("tamper");
    let firm = DemoFirm::generate(11);
    let mut writer = Writer::open(dir.store()).unwrap();
    writer
        .execute_atomic(&firm.reference_data)
        .unwrap()
        .unwrap();
    let trades: Vec<_> = firm.trades(11, 2_000).collect();
    writer.execute(&trades).unwrap();
    let last = writer.head().unwrap().seq;
    drop(writer);
    let path = dir.path().join("kulissi.db");
    assert!(
        verify(&SqliteStore::open(&path).unwrap(), |_| {})
            .unwrap()
            .is_ok()
    );

    for (victim, byte) in [(last / 2, 40usize), (1, 3), (last, 60)] {
        let store = SqliteStore::open(&path).unwrap();
        let original: Vec<u8> = store
            .connection()
            .query_row(
                "SELECT payload FROM events WHERE seq = ?1",
                [victim as i64],
                |r| r.get(0),
            )
            .unwrap();
        let mut changed = original.clone();
        let at = byte.min(changed.len() - 1);
        changed[at] ^= 0x01;
        store
            .connection()
            .execute(
                "UPDATE events SET payload = ?1 WHERE seq = ?2",
                rusqlite_params(&changed, victim),
            )
            .unwrap();
        let report = verify(&store, |_| {}).unwrap();
        let (seq, what) = report
            .first_problem
            .clone()
            .expect("tampering must be detected");
        assert_eq!(seq, victim, "{what}");
        assert!(what.contains("hash does not match"), "{what}");
        store
            .connection()
            .execute(
                "UPDATE events SET payload = ?1 WHERE seq = ?2",
                rusqlite_params(&original, victim),
            )
            .unwrap();
        assert!(verify(&store, |_| {}).unwrap().is_ok());
    }
}

fn rusqlite_params(payload: &[u8], seq: u64) -> (Vec<u8>, i64) {
    (payload.to_vec(), seq as i64)
}
