//! The reports on a generated book in a SQLite file: the two date bases of the ledger
//! reports, and the reports agreeing with each other.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use jiff::civil::Date;
use kulissi_core::engine::{Command, CommandEnvelope};
use kulissi_core::ledger::codes;
use kulissi_store_sqlite::SqliteStore;
use rust_decimal::Decimal;

use super::*;
use crate::Writer;
use crate::generator::{DemoFirm, envelope};

/// A scratch directory, removed when dropped.
struct Scratch(std::path::PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn trade_date(command: &CommandEnvelope) -> Date {
    match &command.command {
        Command::BookTrade(input) => input.trade_date,
        other => panic!("not a booking: {other:?}"),
    }
}

fn balance(tb: &TrialBalanceReport, account: u16) -> Decimal {
    tb.lines
        .iter()
        .filter(|l| l.account == account && l.currency.code() == "EUR")
        .map(|l| l.debit - l.credit)
        .sum()
}

/// Twenty trades are booked, the period is closed through the last trade date of forty, and
/// the other twenty arrive late: effective in the closed period, posted on the day after it.
/// As of the closing date, the trial balance by posting date is what it was at the close;
/// by effective date it has the late trades. From the first open day on, both agree, and
/// both agree with the read model.
#[test]
fn the_trial_balance_by_effective_and_by_posting_date() {
    let dir = std::env::temp_dir().join(format!("kulissi-reports-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let dir = Scratch(dir);
    let firm = DemoFirm::generate(5).unwrap();
    let mut writer = Writer::open(SqliteStore::create(&dir.0.join("k.db")).unwrap()).unwrap();
    writer
        .execute_atomic(&firm.reference_data)
        .unwrap()
        .unwrap();
    let trades: Vec<CommandEnvelope> = firm.trades(5, 40).collect();
    let (early, late) = trades.split_at(20);
    writer.execute_atomic(early).unwrap().unwrap();
    let through = trades.iter().map(trade_date).max().unwrap();
    let first_open = through.tomorrow().unwrap();
    assert!(late.iter().all(|t| trade_date(t) <= through));

    let as_of = |basis: DateBasis, date: Date| TrialBalanceQuery {
        as_of: Some(date),
        basis,
        legal_entity: None,
    };
    let at_close = trial_balance(writer.store(), &as_of(DateBasis::Posting, through)).unwrap();
    let close = Command::ClosePeriod {
        legal_entity: firm.legal_entity,
        through,
    };
    writer
        .execute_atomic(&[envelope(close, jiff::Timestamp::UNIX_EPOCH)])
        .unwrap()
        .unwrap();
    writer.execute_atomic(late).unwrap().unwrap();
    let store = writer.store();

    let by_posting = trial_balance(store, &as_of(DateBasis::Posting, through)).unwrap();
    let by_effective = trial_balance(store, &as_of(DateBasis::Effective, through)).unwrap();
    assert_eq!(
        by_posting.lines, at_close.lines,
        "a closed period does not change"
    );
    assert_ne!(
        by_effective.lines, by_posting.lines,
        "the late trades belong to it"
    );
    assert_ne!(
        balance(&by_effective, codes::SECURITIES_AT_COST),
        balance(&by_posting, codes::SECURITIES_AT_COST)
    );
    for totals in by_effective.totals.iter().chain(&by_posting.totals) {
        assert_eq!(totals.debits, totals.credits, "{totals:?}");
    }
    // The default basis is the effective date.
    assert_eq!(TrialBalanceQuery::default().basis, DateBasis::Effective);

    let everything = trial_balance(store, &TrialBalanceQuery::default()).unwrap();
    for basis in [DateBasis::Effective, DateBasis::Posting] {
        let open = trial_balance(store, &as_of(basis, first_open)).unwrap();
        assert_eq!(open.lines, everything.lines, "{basis}");
        assert_eq!(open.totals, everything.totals, "{basis}");
    }

    // The account statement of securities at cost over the closed period: by effective date
    // its closing balance is the trial balance's by effective date; by posting date the late
    // trades' lines are not in it.
    let statement = |basis: DateBasis| {
        account_statement(
            store,
            &AccountStatementQuery {
                account: codes::SECURITIES_AT_COST,
                from: Date::MIN,
                to: through,
                basis,
                legal_entity: None,
            },
        )
        .unwrap()
    };
    for (basis, tb) in [
        (DateBasis::Effective, &by_effective),
        (DateBasis::Posting, &by_posting),
    ] {
        let eur = statement(basis);
        let eur = eur
            .currencies
            .iter()
            .find(|c| c.currency.code() == "EUR")
            .unwrap();
        assert_eq!(
            eur.closing,
            balance(tb, codes::SECURITIES_AT_COST),
            "{basis}"
        );
        assert!(
            eur.entries
                .iter()
                .all(|e| basis.date_of_entry(e) <= through),
            "{basis}"
        );
    }
    assert!(
        statement(DateBasis::Effective)
            .currencies
            .iter()
            .flat_map(|c| &c.entries)
            .any(|e| e.posted == first_open),
        "late entries, posted on the first open day, count by effective date"
    );

    // The balance sheet by either basis balances, and by effective date it shows the late
    // trades' securities.
    let sheet = |basis| balance_sheet(store, Some(through), basis, None).unwrap();
    let eur_assets = |s: &FinancialStatements| {
        s.per_currency
            .iter()
            .find(|s| s.currency.code() == "EUR")
            .unwrap()
            .total("Assets")
    };
    assert_ne!(
        eur_assets(&sheet(DateBasis::Effective)),
        eur_assets(&sheet(DateBasis::Posting))
    );
    assert!(
        sheet(DateBasis::Posting)
            .title
            .ends_with("(by posting date)")
    );
}

impl DateBasis {
    fn date_of_entry(self, e: &StatementEntry) -> Date {
        match self {
            DateBasis::Effective => e.effective,
            DateBasis::Posting => e.posted,
        }
    }
}

#[test]
fn trade_references_parse() {
    assert_eq!("12".parse::<TradeRef>(), Ok(TradeRef::Id(12)));
    assert_eq!(
        "OMS:T1".parse::<TradeRef>(),
        Ok(TradeRef::External {
            source: "OMS".into(),
            external_id: "T1".into()
        })
    );
    assert!("T1".parse::<TradeRef>().is_err());
    assert!(":T1".parse::<TradeRef>().is_err());
    assert_eq!("posting".parse::<DateBasis>(), Ok(DateBasis::Posting));
    assert!("value".parse::<DateBasis>().is_err());
}
