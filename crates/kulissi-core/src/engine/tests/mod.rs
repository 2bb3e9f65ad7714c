//! Worked examples from docs/domain.md §5–6, booked through the engine.

use jiff::civil::{Date, date};
use rust_decimal::Decimal;

use super::*;
use crate::daycount::{CouponTerms, DayCount};
use crate::identifiers::{Bic, Currency, Isin, Lei, Mic};
use crate::money::{Price, Quantity, Rate};
use crate::refdata::{
    AccountOwner, Counterparty, CounterpartyRole, FeeSchedule, Instrument, InstrumentType,
    LegalEntity,
};
use crate::settlement::Market;
use crate::trade::{Side, TradeInput, TradeStatus};

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

const OURS: &str = "5493001KJTIIGC8Y1R12";
const BROKER: &str = "529900T8BM49AURSDO55";
const CUSTODIAN: &str = "7LTWFZYICNSX8D621K86";
const UK_SHARE: &str = "GB0002634946";
const FR_SHARE: &str = "FR0000120271";
const FI_SHARE: &str = "FI0009000681";
const BOND: &str = "FI4000148630";

fn lei(s: &str) -> Lei {
    Lei::parse(s).unwrap()
}

fn ccy(s: &str) -> Currency {
    Currency::parse(s).unwrap()
}

fn envelope(command: Command) -> CommandEnvelope {
    CommandEnvelope {
        actor: Actor::System("test".into()),
        wall_time: jiff::Timestamp::UNIX_EPOCH,
        business_date: date(2025, 7, 14),
        command,
        message_id: None,
    }
}

/// A journal entry as the engine hands it on.
type CollectedEntry = (crate::ledger::EntryHeader, Vec<(u16, Currency, Decimal)>);

/// Journal entries as the engine hands them on.
type Collected = Vec<CollectedEntry>;

/// The collected entries as journal entries (the end of day's empty markers left out), for
/// a trial balance.
fn journal_entries(collected: &[CollectedEntry]) -> Vec<crate::ledger::JournalEntry> {
    collected
        .iter()
        .filter(|(_, lines)| !lines.is_empty())
        .map(|(h, lines)| {
            crate::ledger::JournalEntry::new(
                h.posting_date,
                h.kind.describe(h.trade_id),
                h.trade_id,
                lines
                    .iter()
                    .map(|(a, c, v)| crate::ledger::JournalLine::debit(*a, *c, *v)),
            )
            .unwrap()
        })
        .collect()
}

/// Decides and applies `envelope`, collecting the journal entries; panics on rejection.
fn run_journal(
    state: &mut State,
    envelope: CommandEnvelope,
    journal: &mut Collected,
) -> Vec<Event> {
    let events = decide(state, &envelope).unwrap();
    for e in &events {
        apply_with_journal(
            state,
            e,
            &mut |h: &crate::ledger::EntryHeader, l: &[(u16, Currency, Decimal)]| {
                journal.push((*h, l.to_vec()))
            },
        )
        .unwrap();
    }
    events
}

/// Every event encodes and decodes to itself, and every truncation of it is an error.
fn assert_round_trips(events: &[Event]) {
    for e in events {
        let bytes = codec::encode(e);
        assert_eq!(&codec::decode(&bytes).unwrap(), e);
        for cut in 0..bytes.len() {
            assert!(codec::decode(&bytes[..cut]).is_err());
        }
    }
}

/// Decides and applies; panics on rejection.
fn run(state: &mut State, command: Command) -> Vec<Event> {
    let events = decide(state, &envelope(command)).unwrap();
    for e in &events {
        apply(state, e).unwrap();
    }
    events
}

fn equity(isin: &str, currency: &str, market: Market, taxed: bool) -> Instrument {
    Instrument {
        isin: Isin::parse(isin).unwrap(),
        name: isin.into(),
        kind: crate::refdata::InstrumentKind::Equity,
        currency: ccy(currency),
        market,
        multiplier: Decimal::ONE,
        transaction_tax: taxed,
    }
}

fn bond(day_count: DayCount) -> Instrument {
    Instrument {
        isin: Isin::parse(BOND).unwrap(),
        name: "5% 2030".into(),
        kind: crate::refdata::InstrumentKind::Bond(CouponTerms {
            rate: d("0.05"),
            frequency: 2,
            day_count,
            issue_date: date(2020, 3, 1),
            maturity_date: date(2030, 3, 1),
            first_coupon_date: None,
            end_of_month: false,
        }),
        currency: ccy("EUR"),
        market: Market::Xhel,
        multiplier: d("0.01"),
        transaction_tax: false,
    }
}

fn fees(
    market: Market,
    instrument_type: InstrumentType,
    commission_bp: &str,
    tax_pct: &str,
) -> FeeSchedule {
    FeeSchedule {
        valid_from: FeeSchedule::IN_FORCE_FROM_THE_START,
        market,
        instrument_type,
        commission: Rate::from_basis_points(d(commission_bp)),
        commission_minimum: Decimal::ZERO,
        exchange_fee: Rate::new(Decimal::ZERO),
        purchase_tax: Rate::from_percent(d(tax_pct)),
    }
}

/// A small firm: one entity, a broker and a custodian, one book and account, the UK, French
/// and Finnish shares and a Finnish bond, SSIs and fee schedules for each.
fn firm() -> State {
    let mut s = State::default();
    run(
        &mut s,
        Command::DefineLegalEntity(LegalEntity {
            lei: lei(OURS),
            name: "Kulissi Securities Oy".into(),
            reporting_currency: ccy("EUR"),
        }),
    );
    for (l, name, role) in [
        (BROKER, "Broker plc", CounterpartyRole::Broker),
        (CUSTODIAN, "Custodian AG", CounterpartyRole::Custodian),
    ] {
        run(
            &mut s,
            Command::DefineCounterparty(Counterparty {
                lei: lei(l),
                name: name.into(),
                bic: Bic::parse("DEUTDEFF").unwrap(),
                role,
            }),
        );
    }
    run(
        &mut s,
        Command::DefineBook {
            code: "EQ-HEL".into(),
            legal_entity: lei(OURS),
            desk: "Equities".into(),
            trader: "anna".into(),
            cost_method: crate::refdata::CostMethod::AverageCost,
        },
    );
    for code in ["HOUSE-1", "HOUSE-2"] {
        run(
            &mut s,
            Command::DefineAccount {
                code: code.into(),
                legal_entity: lei(OURS),
                owner: AccountOwner::House,
                custodian: lei(CUSTODIAN),
                safekeeping_account: format!("SAFE-{code}"),
                cash_account: format!("CASH-{code}"),
            },
        );
    }
    run(
        &mut s,
        Command::DefineInstrument(equity(UK_SHARE, "GBP", Market::Xlon, true)),
    );
    run(
        &mut s,
        Command::DefineInstrument(equity(FR_SHARE, "EUR", Market::Xpar, true)),
    );
    run(
        &mut s,
        Command::DefineInstrument(equity(FI_SHARE, "EUR", Market::Xhel, false)),
    );
    run(
        &mut s,
        Command::DefineInstrument(bond(DayCount::ActActIcma)),
    );
    for (market, currency, kind) in [
        (Market::Xlon, "GBP", InstrumentType::Equity),
        (Market::Xpar, "EUR", InstrumentType::Equity),
        (Market::Xhel, "EUR", InstrumentType::Equity),
        (Market::Xhel, "EUR", InstrumentType::Bond),
    ] {
        for counterparty in [None, Some(lei(BROKER))] {
            run(
                &mut s,
                Command::DefineSsi {
                    counterparty,
                    market,
                    currency: ccy(currency),
                    instrument_type: kind,
                    place_of_settlement: Bic::parse("APKEFIHH").unwrap(),
                    agent: Bic::parse("DEUTDEFF").unwrap(),
                    safekeeping_account: "SAFE".into(),
                    cash_account: "CASH".into(),
                    valid_from: crate::refdata::IN_FORCE_FROM_THE_START,
                },
            );
        }
    }
    run(
        &mut s,
        Command::DefineFeeSchedule(fees(Market::Xlon, InstrumentType::Equity, "5", "0.5")),
    );
    run(
        &mut s,
        Command::DefineFeeSchedule(fees(Market::Xpar, InstrumentType::Equity, "3", "0.4")),
    );
    run(
        &mut s,
        Command::DefineFeeSchedule(fees(Market::Xhel, InstrumentType::Equity, "10", "0")),
    );
    run(
        &mut s,
        Command::DefineFeeSchedule(fees(Market::Xhel, InstrumentType::Bond, "0", "0")),
    );
    s
}

fn trade(
    external_id: &str,
    isin: &str,
    side: Side,
    quantity: &str,
    price: &str,
    currency: &str,
    trade_date: Date,
) -> TradeInput {
    TradeInput {
        source: "TEST".into(),
        external_id: external_id.into(),
        legal_entity: lei(OURS),
        book: "EQ-HEL".into(),
        trader: "anna".into(),
        counterparty: lei(BROKER),
        account: "HOUSE-1".into(),
        instrument: Isin::parse(isin).unwrap(),
        side,
        quantity: Quantity::new(d(quantity)),
        price: Price::new(d(price)),
        currency: ccy(currency),
        trade_date,
        trade_time: jiff::Timestamp::UNIX_EPOCH,
        venue: Mic::parse("XOFF").unwrap(),
        settlement_date: None,
    }
}

fn booked(state: &State, external_id: &str) -> crate::trade::TradeRecord {
    state
        .trades
        .by_external_id("TEST", external_id)
        .unwrap()
        .record
        .clone()
}

/// docs/domain.md §5: 10,000 shares at £4.2575 on XLON, commission 5 bp, SDRT 0.5%.
#[test]
fn uk_equity_purchase_with_commission_and_stamp_duty() {
    let mut s = firm();
    run(
        &mut s,
        Command::BookTrade(trade(
            "T1",
            UK_SHARE,
            Side::Buy,
            "10000",
            "4.2575",
            "GBP",
            date(2026, 8, 28),
        )),
    );
    let t = booked(&s, "T1");
    assert_eq!(
        t.terms.settlement_date,
        date(2026, 9, 2),
        "T+2 on XLON skips the summer bank holiday"
    );
    let e = t.economics;
    assert_eq!(
        (e.gross, e.commission, e.taxes, e.net),
        (d("42575.00"), d("21.29"), d("212.88"), d("42809.17"))
    );
    let cash = s.holdings.cash[&(t.terms.account, ccy("GBP"), date(2026, 9, 2))];
    assert_eq!(cash, d("-42809.17"));
}

/// docs/domain.md §5: 1,000 at €55.32 on Euronext Paris, 3 bp, FTT 0.4%.
#[test]
fn french_purchase_pays_ftt() {
    let mut s = firm();
    run(
        &mut s,
        Command::BookTrade(trade(
            "T1",
            FR_SHARE,
            Side::Buy,
            "1000",
            "55.32",
            "EUR",
            date(2026, 3, 2),
        )),
    );
    let e = booked(&s, "T1").economics;
    assert_eq!(
        (e.gross, e.taxes, e.commission, e.net),
        (d("55320.00"), d("221.28"), d("16.60"), d("55557.88"))
    );
}

/// A sale pays no purchase tax and receives gross minus charges.
#[test]
fn sale_receives_net_of_commission_and_pays_no_tax() {
    let mut s = firm();
    run(
        &mut s,
        Command::BookTrade(trade(
            "B",
            UK_SHARE,
            Side::Buy,
            "10000",
            "4.2575",
            "GBP",
            date(2026, 8, 27),
        )),
    );
    run(
        &mut s,
        Command::BookTrade(trade(
            "S",
            UK_SHARE,
            Side::Sell,
            "4000",
            "4.50",
            "GBP",
            date(2026, 8, 28),
        )),
    );
    let sale = booked(&s, "S");
    assert_eq!(
        (
            sale.economics.gross,
            sale.economics.taxes,
            sale.economics.net
        ),
        (d("18000.00"), d("0.00"), d("17991.00"))
    );
    let position = &s.holdings.positions[&(sale.terms.account, sale.terms.instrument)];
    assert_eq!(position.quantity, d("6000"));
    assert_eq!(
        position.cost,
        d("25545.00"),
        "average cost 4.2575 kept on the remaining 6,000"
    );
    // The purchase settles Tuesday 1 September, the sale Wednesday 2 September.
    assert_eq!(
        s.holdings.cash[&(sale.terms.account, ccy("GBP"), date(2026, 9, 1))],
        d("-42809.17")
    );
    assert_eq!(
        s.holdings.cash[&(sale.terms.account, ccy("GBP"), date(2026, 9, 2))],
        d("17991.00")
    );
}

/// docs/domain.md §5: 5% semi-annual bond, nominal 1,000,000 at 101.25, settling 16 Jul 2025.
#[test]
fn bond_purchase_with_accrued_interest_in_each_day_count() {
    let expected = [
        (DayCount::Act360, "19027.78"),
        (DayCount::Act365Fixed, "18767.12"),
        (DayCount::Thirty360BondBasis, "18750.00"),
        (DayCount::Thirty360European, "18750.00"),
        (DayCount::ActActIcma, "18614.13"),
    ];
    for (day_count, accrued) in expected {
        let mut s = firm();
        run(&mut s, Command::DefineInstrument(bond(day_count)));
        run(
            &mut s,
            Command::BookTrade(trade(
                "BOND",
                BOND,
                Side::Buy,
                "1000000",
                "101.25",
                "EUR",
                date(2025, 7, 14),
            )),
        );
        let t = booked(&s, "BOND");
        assert_eq!(t.terms.settlement_date, date(2025, 7, 16));
        assert_eq!(t.economics.gross, d("1012500.00"));
        assert_eq!(t.economics.accrued, d(accrued), "{day_count}");
        assert_eq!(t.economics.net, d("1012500.00") + d(accrued), "{day_count}");
    }
    // ACT/ACT ICMA gives the domain's settlement amount.
    let mut s = firm();
    run(
        &mut s,
        Command::BookTrade(trade(
            "BOND",
            BOND,
            Side::Buy,
            "1000000",
            "101.25",
            "EUR",
            date(2025, 7, 14),
        )),
    );
    assert_eq!(booked(&s, "BOND").economics.net, d("1031114.13"));
}

/// Amendments and cancellations are new versions; positions and cash follow the live one.
#[test]
fn amendment_and_cancellation_sequences() {
    let mut s = firm();
    let td = date(2026, 3, 2);
    run(
        &mut s,
        Command::BookTrade(trade("T1", FI_SHARE, Side::Buy, "1000", "20.00", "EUR", td)),
    );
    let t = booked(&s, "T1");
    let (acct1, instrument, sd) = (t.terms.account, t.terms.instrument, t.terms.settlement_date);
    assert_eq!(s.holdings.cash[&(acct1, ccy("EUR"), sd)], d("-20020.00"));

    // Amend the quantity: version 2 replaces version 1.
    let events = run(
        &mut s,
        Command::AmendTrade(trade("T1", FI_SHARE, Side::Buy, "1500", "20.00", "EUR", td)),
    );
    assert!(matches!(
        events[..],
        [Event::TradeAmended { version: 2, .. }]
    ));
    assert_eq!(
        s.holdings.positions[&(acct1, instrument)].quantity,
        d("1500")
    );
    assert_eq!(s.holdings.cash[&(acct1, ccy("EUR"), sd)], d("-30030.00"));

    // The same amendment again changes nothing.
    assert!(
        run(
            &mut s,
            Command::AmendTrade(trade("T1", FI_SHARE, Side::Buy, "1500", "20.00", "EUR", td))
        )
        .is_empty()
    );

    // Move it to another account: the position moves with it.
    let mut moved = trade("T1", FI_SHARE, Side::Buy, "1500", "20.00", "EUR", td);
    moved.account = "HOUSE-2".into();
    run(&mut s, Command::AmendTrade(moved));
    let acct2 = booked(&s, "T1").terms.account;
    assert_eq!(s.holdings.positions[&(acct1, instrument)].quantity, d("0"));
    assert_eq!(
        s.holdings.positions[&(acct2, instrument)].quantity,
        d("1500")
    );
    assert_eq!(s.holdings.cash[&(acct1, ccy("EUR"), sd)], d("0.00"));

    // Cancel: version 4, nothing left.
    let events = run(
        &mut s,
        Command::CancelTrade {
            source: "TEST".into(),
            external_id: "T1".into(),
            reason: "booked in error".into(),
        },
    );
    assert!(matches!(
        events[..],
        [Event::TradeCancelled { version: 4, .. }]
    ));
    assert_eq!(booked(&s, "T1").status, TradeStatus::Cancelled);
    assert_eq!(s.holdings.positions[&(acct2, instrument)].quantity, d("0"));
    assert_eq!(s.holdings.cash[&(acct2, ccy("EUR"), sd)], d("0.00"));

    // A cancelled trade cannot be amended; cancelling again is acknowledged without effect.
    let amend = decide(
        &s,
        &envelope(Command::AmendTrade(trade(
            "T1",
            FI_SHARE,
            Side::Buy,
            "1",
            "1",
            "EUR",
            td,
        ))),
    );
    assert!(matches!(amend, Err(Rejection::TradeCancelled { .. })));
    let again = Command::CancelTrade {
        source: "TEST".into(),
        external_id: "T1".into(),
        reason: "again".into(),
    };
    assert!(run(&mut s, again).is_empty());
}

#[test]
fn resubmissions_are_acknowledged_and_conflicts_rejected() {
    let mut s = firm();
    let input = trade(
        "T1",
        FI_SHARE,
        Side::Buy,
        "1000",
        "20.00",
        "EUR",
        date(2026, 3, 2),
    );
    assert_eq!(run(&mut s, Command::BookTrade(input.clone())).len(), 1);
    assert!(
        run(&mut s, Command::BookTrade(input.clone())).is_empty(),
        "same content: a duplicate"
    );
    let mut different = input;
    different.price = Price::new(d("20.01"));
    let err = decide(&s, &envelope(Command::BookTrade(different))).unwrap_err();
    assert_eq!(
        err.to_string(),
        "trade T1 from TEST is already booked as trade 1 with different content; send an amendment to change it"
    );
}

#[test]
fn rejections_read_well() {
    let s = firm();
    let mut t = trade(
        "T1",
        FI_SHARE,
        Side::Buy,
        "1000",
        "20.00",
        "USD",
        date(2026, 3, 2),
    );
    let err = decide(&s, &envelope(Command::BookTrade(t.clone()))).unwrap_err();
    assert_eq!(
        err.to_string(),
        "trade currency USD differs from FI0009000681's currency EUR"
    );
    t.currency = ccy("EUR");
    t.settlement_date = Some(date(2026, 4, 6));
    let err = decide(&s, &envelope(Command::BookTrade(t.clone()))).unwrap_err();
    assert_eq!(
        err.to_string(),
        "settlement date 2026-04-06 is not a business day on TARGET"
    );
    t.settlement_date = None;
    t.account = "NOPE".into();
    assert_eq!(
        decide(&s, &envelope(Command::BookTrade(t)))
            .unwrap_err()
            .to_string(),
        "unknown account 'NOPE'"
    );
    let unknown = trade(
        "T2",
        "SE0000108656",
        Side::Buy,
        "1",
        "1",
        "SEK",
        date(2026, 3, 2),
    );
    assert_eq!(
        decide(&s, &envelope(Command::BookTrade(unknown)))
            .unwrap_err()
            .to_string(),
        "unknown instrument SE0000108656"
    );
}

/// Every event survives the codec unchanged, and garbage is an error, not a panic.
#[test]
fn codec_round_trips_every_event_of_a_session() {
    let mut s = firm();
    let mut events = Vec::new();
    events.extend(run(
        &mut s,
        Command::BookTrade(trade(
            "T1",
            FI_SHARE,
            Side::Buy,
            "1000",
            "20.00",
            "EUR",
            date(2026, 3, 2),
        )),
    ));
    events.extend(run(
        &mut s,
        Command::AmendTrade(trade(
            "T1",
            FI_SHARE,
            Side::Sell,
            "10",
            "20.5",
            "EUR",
            date(2026, 3, 2),
        )),
    ));
    events.extend(run(
        &mut s,
        Command::CancelTrade {
            source: "TEST".into(),
            external_id: "T1".into(),
            reason: "error".into(),
        },
    ));
    events.extend(run(
        &mut s,
        Command::DefineInstrument(bond(DayCount::Thirty360European)),
    ));
    assert_round_trips(&events);
}

mod agency;
mod apply_errors;
mod controls;
mod cost_methods;
mod income;
mod instructions;
mod lifecycle;
mod periods_and_journals;
mod reconciliation;
mod reference_data;
mod settlement_and_ledger;
mod valuation_and_cash;
