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

/// docs/domain.md §3.7 through the fails report: a sale of 10,000 liquid Helsinki shares due
/// on Wednesday 4 March 2026, instructed and matched, fails for lack of securities for
/// three business days at reference prices 50.00,
/// 49.00 and 51.00: EUR 150.00 of penalties, paid by us (a delivery); two days old on the
/// Friday, in the 2–4 bucket, its buy-in extension ending on Tuesday 10 March. When 4,000
/// of it settle on the Thursday, the later days count only the 6,000 still failing.
#[test]
fn the_fails_report_ages_a_fail_and_accrues_its_csdr_penalty() {
    use kulissi_core::engine::{State, apply, decide};
    use kulissi_core::money::{Price, Quantity};
    use kulissi_core::refdata::{CounterpartyRole, InstrumentKind};
    use kulissi_core::settlement::Market;
    use kulissi_core::settlement::lifecycle::StatusReport;
    use kulissi_core::trade::{Side, TradeInput};
    let firm = DemoFirm::generate(5).unwrap();
    let run = |state: &mut State, command: Command| {
        let events = decide(state, &envelope(command, jiff::Timestamp::UNIX_EPOCH)).unwrap();
        for e in &events {
            apply(state, e).unwrap();
        }
    };
    let mut state = State::default();
    for c in &firm.reference_data {
        run(&mut state, c.command.clone());
    }
    let share = state
        .refdata
        .instruments
        .iter()
        .find(|(_, i)| i.market == Market::Xhel && i.kind == InstrumentKind::Equity)
        .map(|(_, i)| i.isin)
        .unwrap();
    let broker = state
        .refdata
        .counterparties
        .iter()
        .find(|(_, c)| c.role == CounterpartyRole::Broker)
        .map(|(_, c)| c.lei)
        .unwrap();
    let d = |s: &str| s.parse::<Decimal>().unwrap();
    let day = |s: &str| s.parse::<Date>().unwrap();
    let book = state
        .refdata
        .books
        .iter()
        .next()
        .map(|(_, b)| b.code.clone())
        .unwrap();
    run(
        &mut state,
        Command::BookTrade(TradeInput {
            source: "OMS".into(),
            external_id: "F1".into(),
            legal_entity: firm.legal_entity,
            book,
            trader: "anna".into(),
            counterparty: broker,
            account: "HOUSE-01".into(),
            instrument: share,
            side: Side::Sell,
            quantity: Quantity::new(d("10000")),
            price: Price::new(d("50.00")),
            currency: kulissi_core::identifiers::Currency::parse("EUR").unwrap(),
            trade_date: day("2026-03-02"),
            trade_time: "2026-03-02T10:00:00Z".parse().unwrap(),
            venue: kulissi_core::identifiers::Mic::parse("XHEL").unwrap(),
            settlement_date: None,
        }),
    );
    for (on, price) in [
        ("2026-03-04", "50.00"),
        ("2026-03-05", "49.00"),
        ("2026-03-06", "51.00"),
    ] {
        run(
            &mut state,
            Command::RecordPrice {
                instrument: share,
                date: day(on),
                price: Price::new(d(price)),
                source: "XHEL close".into(),
            },
        );
    }
    // Never instructed, it fails all the same, unpenalised (no matched instruction).
    let report = fails(&state, day("2026-03-06"));
    assert_eq!(
        (report.lines[0].status, report.lines[0].penalty),
        ("not_instructed", d("0"))
    );
    // Instructed and matched on the trade date, failing for lack of securities on the ISD.
    run(
        &mut state,
        Command::InstructSettlement {
            date: day("2026-03-02"),
        },
    );
    for (status, reasons, on) in [
        (StatusReport::Matched, vec![], "2026-03-02"),
        (StatusReport::Failing, vec!["LACK".to_owned()], "2026-03-04"),
    ] {
        run(
            &mut state,
            Command::RecordSettlementStatus {
                reference: "KUL1V1".into(),
                status,
                reasons,
                date: day(on),
            },
        );
    }
    let report = fails(&state, day("2026-03-06"));
    assert_eq!(report.lines.len(), 1);
    let f = &report.lines[0];
    assert_eq!((f.reference.as_str(), f.status), ("KUL1V1", "failing"));
    assert_eq!(f.reasons, "LACK");
    assert_eq!(f.intended_settlement_date, day("2026-03-04"));
    assert_eq!((f.direction, f.age, f.bucket), ("delivery", 2, "2-4"));
    assert_eq!((f.outstanding, f.penalty), (d("10000"), d("-150.00")));
    assert_eq!(f.reference_value, d("510000.00"));
    assert_eq!(f.extension_date, Some(day("2026-03-10")));
    assert_eq!(report.totals.len(), 1);
    // Nothing fails on the intended settlement date itself.
    assert!(fails(&state, day("2026-03-04")).lines.is_empty());

    run(
        &mut state,
        Command::ConfirmSettlement {
            source: "OMS".into(),
            external_id: "F1".into(),
            quantity: Quantity::new(d("4000")),
            settlement_date: day("2026-03-05"),
            reference: "CUST-F1-1".into(),
        },
    );
    let f = &fails(&state, day("2026-03-06")).lines[0];
    // 10,000 × 50.00 + 6,000 × 49.00 + 6,000 × 51.00, each at 1 bp.
    assert_eq!((f.outstanding, f.penalty), (d("6000"), d("-110.00")));
    // The month's penalties: what the CSD collects from us for the broker's trade; from
    // the 5th only the 6,000 still failing count.
    let march = penalties(&state, day("2026-03-01"), day("2026-03-06"));
    assert_eq!(march.lines.len(), 1);
    let p = &march.lines[0];
    assert_eq!(
        (p.fails, p.payable, p.receivable, p.net),
        (1, d("-110.00"), d("0"), d("-110.00"))
    );
    let later = penalties(&state, day("2026-03-05"), day("2026-03-06"));
    assert_eq!(later.lines[0].net, d("-60.00"));
}
