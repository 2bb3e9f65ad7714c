//! Effective-dated reference data, guards on reference data under open positions, trading
//! days, and exactly once by message id, through the engine.

use super::*;
use crate::ids::TradeId;
use crate::refdata::InstrumentKind;

fn with_id(command: Command, id: &str) -> CommandEnvelope {
    envelope(command).with_message_id(MessageId::new(id))
}

fn run_on(state: &mut State, business_date: Date, command: Command) -> Vec<Event> {
    let envelope = CommandEnvelope {
        business_date,
        ..envelope(command)
    };
    let events = decide(state, &envelope).unwrap();
    for e in &events {
        apply(state, e).unwrap();
    }
    events
}

/// The worked example of issue 9: XHEL's equity commission goes from 10 bp to 15 bp on
/// 2026-07-01. A trade dated 2026-06-30 and amended on 2026-07-02 keeps 10 bp; a trade dated
/// 2026-07-01 pays 15 bp; an identical resend of the first after the change is a duplicate.
#[test]
fn a_commission_change_applies_from_its_valid_from_date() {
    let mut s = firm();
    let mut new_rate = fees(Market::Xhel, InstrumentType::Equity, "15", "0");
    new_rate.valid_from = date(2026, 7, 1);
    run_on(
        &mut s,
        date(2026, 6, 29),
        Command::DefineFeeSchedule(new_rate),
    );

    let before = trade(
        "T1",
        FI_SHARE,
        Side::Buy,
        "1000",
        "20.00",
        "EUR",
        date(2026, 6, 30),
    );
    run_on(
        &mut s,
        date(2026, 6, 30),
        Command::BookTrade(before.clone()),
    );
    let t1 = booked(&s, "T1");
    assert_eq!(t1.economics.gross, d("20000.00"));
    assert_eq!(t1.economics.commission, d("20.00"), "10 bp of 20,000.00");

    // Amended on 2 July to 1,500 shares: still charged at the rate of its trade date.
    let amended = TradeInput {
        quantity: Quantity::new(d("1500")),
        ..before.clone()
    };
    run_on(
        &mut s,
        date(2026, 7, 2),
        Command::AmendTrade(amended.clone()),
    );
    let t1 = booked(&s, "T1");
    assert_eq!(t1.version, 2);
    assert_eq!(t1.economics.gross, d("30000.00"));
    assert_eq!(
        t1.economics.commission,
        d("30.00"),
        "10 bp, not 15 bp (45.00)"
    );

    // An identical resend of the amendment after the change is a duplicate.
    assert!(run_on(&mut s, date(2026, 7, 2), Command::AmendTrade(amended)).is_empty());

    let after = trade(
        "T2",
        FI_SHARE,
        Side::Buy,
        "1000",
        "20.00",
        "EUR",
        date(2026, 7, 1),
    );
    run_on(&mut s, date(2026, 7, 1), Command::BookTrade(after));
    assert_eq!(booked(&s, "T2").economics.commission, d("30.00"), "15 bp");
}

/// A broker moves its Helsinki settlement agent on 2026-07-01: a trade dated 2026-06-30 and
/// amended on 2026-07-02 settles by the old instruction; a trade dated 2026-07-01 by the new.
#[test]
fn an_ssi_change_applies_from_its_valid_from_date() {
    let mut s = firm();
    let old_ssi = |s: &State, id: &str| booked(s, id).economics.their_ssi;
    let before = trade(
        "T1",
        FI_SHARE,
        Side::Buy,
        "1000",
        "20.00",
        "EUR",
        date(2026, 6, 30),
    );
    run_on(
        &mut s,
        date(2026, 6, 30),
        Command::BookTrade(before.clone()),
    );
    let original = old_ssi(&s, "T1");
    run_on(
        &mut s,
        date(2026, 6, 30),
        Command::DefineSsi {
            counterparty: Some(lei(BROKER)),
            market: Market::Xhel,
            currency: ccy("EUR"),
            instrument_type: InstrumentType::Equity,
            place_of_settlement: Bic::parse("APKEFIHH").unwrap(),
            agent: Bic::parse("NDEAFIHH").unwrap(),
            safekeeping_account: "NEW-SAFE".into(),
            cash_account: "NEW-CASH".into(),
            valid_from: date(2026, 7, 1),
        },
    );
    let amended = TradeInput {
        quantity: Quantity::new(d("1500")),
        ..before
    };
    run_on(&mut s, date(2026, 7, 2), Command::AmendTrade(amended));
    assert_eq!(booked(&s, "T1").version, 2);
    assert_eq!(
        old_ssi(&s, "T1"),
        original,
        "the old agent: its trade date's"
    );
    let after = trade(
        "T2",
        FI_SHARE,
        Side::Buy,
        "1000",
        "20.00",
        "EUR",
        date(2026, 7, 1),
    );
    run_on(&mut s, date(2026, 7, 1), Command::BookTrade(after));
    let new = old_ssi(&s, "T2");
    assert_ne!(new, original);
    let ssi = s.refdata.ssis.get(new).unwrap();
    assert_eq!(ssi.agent.as_str(), "NDEAFIHHXXX");
    assert_eq!(ssi.valid_from, date(2026, 7, 1));
}

#[test]
fn instrument_and_account_terms_do_not_change_under_open_positions() {
    let mut s = firm();
    let mut instrument = equity(FI_SHARE, "EUR", Market::Xhel, false);
    // With no position, a correction is allowed.
    instrument.multiplier = d("1");
    instrument.name = "Nokia Oyj".into();
    assert_eq!(
        run(&mut s, Command::DefineInstrument(instrument.clone())).len(),
        1
    );
    run(
        &mut s,
        Command::BookTrade(trade(
            "T1",
            FI_SHARE,
            Side::Buy,
            "100",
            "20.00",
            "EUR",
            date(2026, 3, 2),
        )),
    );
    let in_usd = Instrument {
        currency: ccy("USD"),
        multiplier: d("10"),
        ..instrument.clone()
    };
    let err = decide(&s, &envelope(Command::DefineInstrument(in_usd))).unwrap_err();
    assert_eq!(
        err.to_string(),
        "instrument 'FI0009000681' has open positions (1); its currency, multiplier cannot change while they are open"
    );
    // A new name is not a change of terms.
    let renamed = Instrument {
        name: "Nokia Corporation".into(),
        ..instrument
    };
    assert_eq!(run(&mut s, Command::DefineInstrument(renamed)).len(), 1);

    let to_client = Command::DefineAccount {
        code: "HOUSE-1".into(),
        legal_entity: lei(OURS),
        owner: AccountOwner::Client,
        custodian: lei(CUSTODIAN),
        safekeeping_account: "SAFE-HOUSE-1".into(),
        cash_account: "CASH-HOUSE-1".into(),
    };
    let err = decide(&s, &envelope(to_client.clone())).unwrap_err();
    assert_eq!(
        err.to_string(),
        "account 'HOUSE-1' has open positions (1); its owner cannot change while they are open"
    );
    // Once the position is closed, the account may be reclassified.
    run(
        &mut s,
        Command::BookTrade(trade(
            "T2",
            FI_SHARE,
            Side::Sell,
            "100",
            "20.00",
            "EUR",
            date(2026, 3, 3),
        )),
    );
    assert_eq!(run(&mut s, to_client).len(), 1);
}

#[test]
fn an_exchange_trade_on_a_day_its_venue_is_closed_is_refused() {
    let mut s = firm();
    let saturday = TradeInput {
        venue: Mic::parse("XHEL").unwrap(),
        ..trade(
            "T1",
            FI_SHARE,
            Side::Buy,
            "100",
            "20.00",
            "EUR",
            date(2026, 3, 7),
        )
    };
    let err = decide(&s, &envelope(Command::BookTrade(saturday.clone()))).unwrap_err();
    assert_eq!(
        err.to_string(),
        "trade date 2026-03-07 is not a trading day on XHEL (XHEL); off-exchange trades use venue XOFF"
    );
    // Off exchange, the same trade is booked.
    let off = TradeInput {
        venue: Mic::parse("XOFF").unwrap(),
        ..saturday
    };
    assert_eq!(run(&mut s, Command::BookTrade(off)).len(), 1);
}

#[test]
fn a_message_is_taken_once_whatever_the_state_has_become() {
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
    let amend = Command::AmendTrade(TradeInput {
        quantity: Quantity::new(d("1200")),
        ..input.clone()
    });
    let cancel = Command::CancelTrade {
        source: "TEST".into(),
        external_id: "T1".into(),
        reason: "wrong book".into(),
    };
    for (command, id) in [
        (Command::BookTrade(input), "M1"),
        (amend.clone(), "M2"),
        (cancel, "M3"),
    ] {
        let events = decide(&s, &with_id(command, id)).unwrap();
        assert!(matches!(
            events.last(),
            Some(Event::MessageAccepted {
                trade_id: Some(TradeId(1)),
                ..
            })
        ));
        assert_round_trips(&events);
        for e in &events {
            apply(&mut s, e).unwrap();
        }
    }
    assert_eq!(s.messages.len(), 3);
    // The amendment again: the trade is cancelled by now, but the message was taken.
    assert!(
        decide(&s, &with_id(amend.clone(), "M2"))
            .unwrap()
            .is_empty()
    );
    // Without its message id the same amendment meets the state, and is refused.
    assert!(decide(&s, &envelope(amend)).is_err());
    // The id again with other content.
    let other = Command::CancelTrade {
        source: "TEST".into(),
        external_id: "T1".into(),
        reason: "another reason".into(),
    };
    assert_eq!(
        decide(&s, &with_id(other, "M3")).unwrap_err().to_string(),
        "message id 'M3' was already used for another command (answered with trade 1); this one differs from it. Send a new message id for new content"
    );
}

/// A bond with a long first coupon under the end-of-month rule is defined, survives the codec
/// and a snapshot, and an instrument event written before bonds had those terms (tag 3) still
/// decodes, as a bond with neither.
#[test]
fn bond_stub_terms_survive_the_codec_and_old_instrument_events_still_decode() {
    let mut s = firm();
    let mut stub = bond(DayCount::ActActIcma);
    let InstrumentKind::Bond(terms) = &mut stub.kind else {
        unreachable!("a bond")
    };
    terms.maturity_date = date(2030, 8, 31);
    terms.issue_date = date(2020, 1, 10);
    terms.first_coupon_date = Some(date(2020, 8, 31));
    terms.end_of_month = true;
    let events = run(&mut s, Command::DefineInstrument(stub.clone()));
    assert_round_trips(&events);
    let restored = crate::engine::snapshot::decode(&crate::engine::snapshot::encode(&s)).unwrap();
    assert!(restored.refdata.instruments.iter().any(|(_, i)| *i == stub));

    // The layout before: tag 3, the bond's terms ending at its maturity date.
    let old = bond(DayCount::ActActIcma);
    let InstrumentKind::Bond(t) = &old.kind else {
        unreachable!("a bond")
    };
    let mut bytes = Vec::new();
    let mut w = crate::engine::codec::wire::Writer(&mut bytes);
    w.u8(EVENT_SCHEMA_VERSION);
    w.u8(3);
    w.u32(7u32);
    w.str(old.isin.as_str());
    w.str(&old.name);
    w.u8(1);
    w.decimal(t.rate);
    w.u8(t.frequency);
    w.u8(4); // ACT/ACT-ICMA
    w.date(t.issue_date);
    w.date(t.maturity_date);
    w.str(old.currency.code());
    w.market(old.market);
    w.decimal(old.multiplier);
    w.u8(0);
    assert_eq!(
        crate::engine::codec::decode(&bytes).unwrap(),
        Event::InstrumentDefined {
            id: 7u32.into(),
            instrument: old.clone(),
        }
    );
    assert_eq!((t.first_coupon_date, t.end_of_month), (None, false));

    // A first coupon date off the schedule is refused with the reason.
    let mut off = stub.clone();
    if let InstrumentKind::Bond(t) = &mut off.kind {
        t.first_coupon_date = Some(date(2020, 8, 30));
    }
    let err = decide(&s, &envelope(Command::DefineInstrument(off))).unwrap_err();
    assert!(
        err.to_string().contains("first coupon date 2020-08-30"),
        "{err}"
    );
}
