//! One changed byte in one stored event makes verify fail and name that sequence number, on
//! every backend.

use kulissi_app::Writer;
use kulissi_app::generator::DemoFirm;
use kulissi_app::verify::verify;

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
