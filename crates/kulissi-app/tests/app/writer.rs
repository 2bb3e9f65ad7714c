//! The writer end to end on every backend: generated firm and trades, group commit, reopen,
//! verify.

use kulissi_app::generator::DemoFirm;
use kulissi_app::verify::verify;
use kulissi_app::{GroupCommit, Writer};
use kulissi_core::engine::CommandEnvelope;

use crate::support::Backend;

#[test]
fn generated_firm_books_verifies_and_reopens_to_the_same_state() {
    for backend in Backend::all("writer") {
        let firm = DemoFirm::generate(7).unwrap();
        let mut writer = Writer::open(backend.create()).unwrap();
        let answers = writer
            .execute_atomic(&firm.reference_data)
            .unwrap()
            .unwrap();
        assert_eq!(answers.len(), firm.reference_data.len());
        assert!(writer.state().refdata.instruments.len() >= 260);
        let trades: Vec<CommandEnvelope> = firm.trades(7, 20_000).collect();
        for chunk in trades.chunks(5_000) {
            for answer in writer.execute(chunk).unwrap() {
                answer.unwrap();
            }
        }
        assert_eq!(writer.state().trades.len(), 20_000);
        // Resubmitting the same trades books nothing.
        let again = writer.execute(&trades[..1000]).unwrap();
        assert!(again.iter().all(|a| a.as_ref().unwrap().is_duplicate()));
        let head = writer.head();
        let state = writer.state().clone();
        drop(writer);

        let store = backend.open();
        let report = verify(&store, |_| {}).unwrap();
        assert!(report.is_ok(), "{}: {report:?}", backend.name());
        assert_eq!(report.trades, 20_000);
        let reopened = Writer::open(store).unwrap();
        assert_eq!(reopened.head(), head);
        assert!(
            *reopened.state() == state,
            "{}: reopening gives another state",
            backend.name()
        );
    }
}

#[test]
fn group_commit_answers_every_caller_after_the_commit() {
    for backend in Backend::all("group") {
        let firm = DemoFirm::generate(3).unwrap();
        let mut writer = Writer::open(backend.create()).unwrap();
        writer
            .execute_atomic(&firm.reference_data)
            .unwrap()
            .unwrap();
        let (handle, thread) = GroupCommit::spawn(writer).unwrap();
        let trades: Vec<CommandEnvelope> = firm.trades(3, 4_000).collect();
        std::thread::scope(|scope| {
            for part in trades.chunks(1_000) {
                let handle = handle.clone();
                scope.spawn(move || {
                    for command in part {
                        let receipt = handle.submit(command.clone()).unwrap().unwrap();
                        assert!(!receipt.is_duplicate());
                    }
                });
            }
        });
        drop(handle);
        let writer = thread.join().unwrap();
        assert_eq!(writer.state().trades.len(), 4_000);
        assert!(
            verify(writer.store(), |_| {}).unwrap().is_ok(),
            "{}",
            backend.name()
        );
    }
}
