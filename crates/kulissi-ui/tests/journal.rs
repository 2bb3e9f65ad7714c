//! The workbench's journal, read on as the log grows, gives the same ledger reports as a
//! replay of the whole log, and the same lines per account as the account statement.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use kulissi_app::generator::DemoFirm;
use kulissi_app::reports::{
    DateBasis, Report, balance_sheet, balance_sheet_of, income_statement, income_statement_of,
};
use kulissi_app::{SnapshotPolicy, Writer};
use kulissi_store_sqlite::SqliteStore;
use kulissi_ui::journal::{Journal, Lines};

#[test]
fn the_kept_journal_reports_as_a_full_replay_does_before_and_after_more_trades() {
    let dir = std::env::temp_dir().join(format!("kulissi-ui-journal-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("j.db");
    let _ = std::fs::remove_file(&file);
    let mut writer =
        Writer::open_with(SqliteStore::create(&file).unwrap(), SnapshotPolicy::NEVER).unwrap();
    let firm = DemoFirm::generate(3).unwrap();
    for answer in writer.execute(&firm.reference_data).unwrap() {
        answer.unwrap();
    }
    let book = |writer: &mut Writer<SqliteStore>, from: u64, to: u64| {
        let trades: Vec<_> = (from..to).map(|i| firm.trade(3, i, 400)).collect();
        for answer in writer.execute(&trades).unwrap() {
            answer.unwrap();
        }
    };
    book(&mut writer, 0, 200);
    let journal = Journal::default();
    let reader = SqliteStore::open(&file).unwrap();
    let from = jiff::civil::date(2025, 1, 1);
    let to = jiff::civil::date(2027, 12, 31);
    for round in 0..2 {
        let kept = journal
            .with_book(&reader, |b| {
                (
                    balance_sheet_of(b, None, DateBasis::Effective, None)
                        .unwrap()
                        .rows(),
                    income_statement_of(b, from, to, DateBasis::Effective, None)
                        .unwrap()
                        .rows(),
                )
            })
            .unwrap();
        let replayed = (
            balance_sheet(&reader, None, DateBasis::Effective, None)
                .unwrap()
                .rows(),
            income_statement(&reader, from, to, DateBasis::Effective, None)
                .unwrap()
                .rows(),
        );
        assert!(!kept.0.is_empty() && !kept.1.is_empty());
        assert_eq!(kept, replayed, "round {round}");
        // Every account's lines add up to its balance in the engine's ledger.
        let state = writer.state();
        let balances: Vec<_> = state.ledger.iter().collect();
        assert!(!balances.is_empty());
        for (account, currency, balance) in balances {
            let sum: rust_decimal::Decimal = journal
                .lines(&reader, Lines::Account(account))
                .unwrap()
                .iter()
                .filter(|l| l.currency == currency)
                .map(|l| l.amount)
                .sum();
            assert_eq!(sum, balance, "account {account} in {currency}");
        }
        book(&mut writer, 200, 400);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
