//! Properties of the settlement lifecycle through the engine (docs/domain.md §3.5–§3.6):
//! for any trades with any brokers under any netting configuration, instructing the day
//! puts every trade in exactly one live instruction whose quantity and cash are the sums of
//! its members'; confirming each instruction in full (a net whose quantities cancel settles
//! its cash alone) settles every member trade in full; and the state survives a snapshot.

use jiff::civil::{Date, date};
use kulissi_core::Decimal;
use kulissi_core::engine::{Actor, Command, CommandEnvelope, State, apply, decide, snapshot};
use kulissi_core::identifiers::{Bic, Currency, Isin, Lei, Mic};
use kulissi_core::money::{Price, Quantity};
use kulissi_core::refdata::{
    AccountOwner, Counterparty, CounterpartyRole, FeeSchedule, Instrument, InstrumentKind,
    InstrumentType, LegalEntity,
};
use kulissi_core::settlement::Market;
use kulissi_core::settlement::lifecycle::{InstructionStatus, StatusReport};
use kulissi_core::trade::{Side, TradeInput, TradeStatus};
use proptest::prelude::*;

const OURS: &str = "5493001KJTIIGC8Y1R12";
const CUSTODIAN: &str = "7LTWFZYICNSX8D621K86";
/// The CCP and the brokers by the 18 characters their check digits complete.
const CCP: &str = "549300X8WUW3B8BBRX";
const BROKERS: [&str; 3] = [
    "529900T8BM49AURSDO",
    "213800D1EI4B9WTWWD",
    "5493000IBP32UQZ0KL",
];
const SHARES: [&str; 2] = ["FI0009000681", "FI0009007132"];

fn envelope(command: Command, business_date: Date) -> CommandEnvelope {
    CommandEnvelope::new(
        Actor::System("test".into()),
        jiff::Timestamp::UNIX_EPOCH,
        business_date,
        command,
    )
}

fn run(state: &mut State, command: Command) {
    let events = decide(state, &envelope(command.clone(), date(2026, 3, 6)))
        .unwrap_or_else(|r| panic!("{command:?}: {r}"));
    for e in &events {
        apply(state, e).unwrap();
    }
}

fn lei(s: &str) -> Lei {
    if s.len() == 18 {
        Lei::from_base(s).unwrap()
    } else {
        Lei::parse(s).unwrap()
    }
}

fn firm(modes: &[u8]) -> State {
    let mut s = State::default();
    let eur = Currency::parse("EUR").unwrap();
    run(
        &mut s,
        Command::DefineLegalEntity(LegalEntity {
            lei: lei(OURS),
            name: "Kulissi Securities Oyj".into(),
            reporting_currency: eur,
        }),
    );
    let parties = BROKERS
        .iter()
        .map(|b| (*b, CounterpartyRole::Broker))
        .chain([
            (CUSTODIAN, CounterpartyRole::Custodian),
            (CCP, CounterpartyRole::Ccp),
        ]);
    for (l, role) in parties {
        run(
            &mut s,
            Command::DefineCounterparty(Counterparty {
                lei: lei(l),
                name: l.into(),
                bic: Bic::parse("NDEAFIHH").unwrap(),
                role,
            }),
        );
    }
    for isin in SHARES {
        run(
            &mut s,
            Command::DefineInstrument(Instrument {
                isin: Isin::parse(isin).unwrap(),
                name: isin.into(),
                kind: InstrumentKind::Equity,
                currency: eur,
                market: Market::Xhel,
                multiplier: Decimal::ONE,
                transaction_tax: false,
            }),
        );
    }
    run(
        &mut s,
        Command::DefineBook {
            code: "NEQ".into(),
            legal_entity: lei(OURS),
            desk: "Equities".into(),
            trader: "aino".into(),
            cost_method: kulissi_core::refdata::CostMethod::AverageCost,
        },
    );
    run(
        &mut s,
        Command::DefineAccount {
            code: "HOUSE-1".into(),
            legal_entity: lei(OURS),
            owner: AccountOwner::House,
            custodian: lei(CUSTODIAN),
            safekeeping_account: "SAFE1".into(),
            cash_account: "CASH1".into(),
        },
    );
    let ssi_owners = std::iter::once(None).chain(BROKERS.iter().map(|b| Some(lei(b))));
    for counterparty in ssi_owners {
        run(
            &mut s,
            Command::DefineSsi {
                counterparty,
                market: Market::Xhel,
                currency: eur,
                instrument_type: InstrumentType::Equity,
                place_of_settlement: Bic::parse("APKEFIHH").unwrap(),
                agent: Bic::parse("OKOYFIHH").unwrap(),
                safekeeping_account: "SAFE".into(),
                cash_account: "CASH".into(),
                valid_from: kulissi_core::refdata::IN_FORCE_FROM_THE_START,
            },
        );
    }
    run(
        &mut s,
        Command::DefineFeeSchedule(FeeSchedule {
            valid_from: FeeSchedule::IN_FORCE_FROM_THE_START,
            market: Market::Xhel,
            instrument_type: InstrumentType::Equity,
            commission: kulissi_core::money::Rate::from_basis_points(Decimal::from(10)),
            commission_minimum: Decimal::ZERO,
            exchange_fee: kulissi_core::money::Rate::new(Decimal::ZERO),
            purchase_tax: kulissi_core::money::Rate::new(Decimal::ZERO),
        }),
    );
    for (broker, mode) in BROKERS.iter().zip(modes) {
        match mode {
            1 => run(
                &mut s,
                Command::DefineNettingSet {
                    counterparty: lei(broker),
                    ccp: None,
                },
            ),
            2 => run(
                &mut s,
                Command::DefineNettingSet {
                    counterparty: lei(broker),
                    ccp: Some(lei(CCP)),
                },
            ),
            _ => {}
        }
    }
    s
}

/// (broker, share, buy, quantity, price in cents, trade day 2 or 3 March).
type Row = (usize, usize, bool, u32, u32, bool);

fn rows() -> impl Strategy<Value = Vec<Row>> {
    prop::collection::vec(
        (
            0usize..3,
            0usize..2,
            prop::bool::ANY,
            1u32..500,
            100u32..5_000,
            prop::bool::ANY,
        ),
        1..25,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn settling_the_instructions_settles_every_member(
        modes in prop::collection::vec(0u8..3, 3),
        trades in rows(),
    ) {
        let mut s = firm(&modes);
        for (i, (broker, share, buy, quantity, cents, later)) in trades.iter().enumerate() {
            let trade_date = date(2026, 3, if *later { 3 } else { 2 });
            run(&mut s, Command::BookTrade(TradeInput {
                source: "OMS".into(),
                external_id: format!("T{i}"),
                legal_entity: lei(OURS),
                book: "NEQ".into(),
                trader: "aino".into(),
                counterparty: lei(BROKERS[*broker]),
                account: "HOUSE-1".into(),
                instrument: Isin::parse(SHARES[*share]).unwrap(),
                side: if *buy { Side::Buy } else { Side::Sell },
                quantity: Quantity::new(Decimal::from(*quantity)),
                price: Price::new(Decimal::new(i64::from(*cents), 2)),
                currency: Currency::parse("EUR").unwrap(),
                trade_date,
                trade_time: jiff::Timestamp::UNIX_EPOCH,
                venue: Mic::parse("XHEL").unwrap(),
                settlement_date: None,
            }));
        }
        // Two days instructed: the second day's trades re-net what they share a key with.
        run(&mut s, Command::InstructSettlement { date: date(2026, 3, 2) });
        run(&mut s, Command::InstructSettlement { date: date(2026, 3, 3) });
        let live: Vec<_> = s.settlement.iter()
            .filter(|i| i.status() != InstructionStatus::Cancelled)
            .map(|i| i.terms.clone())
            .collect();
        let mut members: Vec<_> = live.iter().flat_map(|t| t.members.clone()).collect();
        members.sort_unstable();
        let mut all: Vec<_> = s.trades.iter().map(|t| t.record.trade_id).collect();
        all.sort_unstable();
        prop_assert_eq!(members, all, "every trade in exactly one live instruction");
        for t in &live {
            let records: Vec<_> = t.members.iter()
                .map(|id| s.trades.get(*id).unwrap().record.clone())
                .collect();
            let sum = |f: &dyn Fn(&kulissi_core::trade::TradeRecord) -> Decimal| -> Decimal {
                records.iter().map(f).sum()
            };
            let signed = |r: &kulissi_core::trade::TradeRecord| match r.terms.side {
                Side::Buy => Decimal::ONE,
                Side::Sell => -Decimal::ONE,
            };
            prop_assert_eq!(t.quantity, sum(&|r| signed(r) * r.terms.quantity.value()));
            prop_assert_eq!(
                t.cash,
                sum(&|r| -signed(r) * (r.economics.gross + r.economics.accrued))
            );
        }
        for t in &live {
            run(&mut s, Command::RecordSettlementStatus {
                reference: t.reference.to_string(),
                status: StatusReport::Matched,
                reasons: Vec::new(),
                date: date(2026, 3, 3),
            });
            run(&mut s, Command::ConfirmInstruction {
                reference: t.reference.to_string(),
                quantity: t.quantity.abs(),
                amount: Some(t.cash.abs()),
                settlement_date: t.settlement_date,
                isin: None,
            });
        }
        prop_assert!(s.settlement.exceptions.is_empty(), "{:?}", s.settlement.exceptions);
        for t in &live {
            prop_assert_eq!(s.settlement.get(&t.reference).unwrap().status(), InstructionStatus::Settled);
        }
        for stored in s.trades.iter() {
            prop_assert_eq!(stored.record.status, TradeStatus::Live);
            prop_assert_eq!(stored.record.settled_quantity, stored.record.terms.quantity.value());
        }
        let decoded = snapshot::decode(&snapshot::encode(&s)).unwrap();
        prop_assert!(decoded == s);
    }
}
