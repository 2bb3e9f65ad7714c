//! Properties of settlement netting (docs/domain.md §3.6) over any set of trades and any
//! netting configuration: every trade is in exactly one instruction; a net instruction's
//! quantity and cash are the sums of its members' (so settling it settles every member in
//! full); nothing is created or lost per instrument and currency; counterparties without a
//! netting set settle gross; and the result does not depend on the order of the trades.

use std::collections::{BTreeMap, HashMap};

use jiff::civil::date;
use kulissi_core::Decimal;
use kulissi_core::identifiers::Currency;
use kulissi_core::ids::{AccountId, CounterpartyId, InstrumentId, TradeId};
use kulissi_core::settlement::netting::{NettingSet, NettingSets, Obligation, net};
use proptest::prelude::*;

fn obligations() -> impl Strategy<Value = Vec<Obligation>> {
    prop::collection::vec(
        (
            1u32..6,
            1u32..4,
            0i8..3,
            prop::bool::ANY,
            1u32..3,
            -5_000i64..5_000,
            1i64..2_000_000,
        ),
        0..60,
    )
    .prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .filter(|(_, r)| r.5 != 0)
            .map(
                |(i, (cp, instrument, day, usd, account, quantity, cents))| {
                    let q = Decimal::from(quantity);
                    Obligation {
                        trade: TradeId(i as u64 + 1),
                        counterparty: CounterpartyId(cp),
                        instrument: InstrumentId(instrument),
                        settlement_date: date(2026, 3, 2 + day),
                        currency: Currency::parse(if usd { "USD" } else { "EUR" }).unwrap(),
                        account: AccountId(account),
                        quantity: q,
                        cash: -q * Decimal::new(cents, 4),
                    }
                },
            )
            .collect()
    })
}

fn sets() -> impl Strategy<Value = NettingSets> {
    prop::collection::vec(0u8..3, 5).prop_map(|modes| {
        let mut sets = NettingSets::default();
        for (i, mode) in modes.into_iter().enumerate() {
            let cp = CounterpartyId(i as u32 + 1);
            match mode {
                0 => {}
                1 => sets.set(cp, NettingSet::Bilateral),
                _ => sets.set(cp, NettingSet::Ccp(CounterpartyId(99))),
            }
        }
        sets
    })
}

proptest! {
    #[test]
    fn net_instructions_are_the_sums_of_their_members(
        trades in obligations(),
        sets in sets(),
        rotate in 0usize..60,
    ) {
        let by_id: HashMap<TradeId, Obligation> = trades.iter().map(|t| (t.trade, *t)).collect();
        let instructions = net(&trades, &sets);
        // Every trade in exactly one instruction.
        let mut seen: Vec<TradeId> = instructions.iter().flat_map(|i| i.members.clone()).collect();
        seen.sort_unstable();
        let mut all: Vec<TradeId> = trades.iter().map(|t| t.trade).collect();
        all.sort_unstable();
        prop_assert_eq!(seen, all);
        for i in &instructions {
            // Settling the instruction settles its members: it moves exactly their sums.
            let members: Vec<&Obligation> = i.members.iter().map(|m| &by_id[m]).collect();
            prop_assert_eq!(i.quantity, members.iter().map(|m| m.quantity).sum::<Decimal>());
            prop_assert_eq!(i.cash, members.iter().map(|m| m.cash).sum::<Decimal>());
            for m in &members {
                prop_assert_eq!(
                    (m.instrument, m.settlement_date, m.currency, m.account),
                    (i.key.instrument, i.key.settlement_date, i.currency, i.key.account)
                );
                match sets.of(m.counterparty) {
                    None => prop_assert!(!i.netted && i.members.len() == 1),
                    Some(NettingSet::Bilateral) => prop_assert_eq!(i.key.counterparty, m.counterparty),
                    Some(NettingSet::Ccp(ccp)) => prop_assert_eq!(i.key.counterparty, ccp),
                }
            }
        }
        // One net instruction per key: none repeats.
        let netted: Vec<_> = instructions.iter().filter(|i| i.netted).map(|i| i.key).collect();
        let mut unique = netted.clone();
        unique.dedup();
        prop_assert_eq!(netted.len(), unique.len());
        // Nothing created or lost per instrument and currency.
        let totals = |rows: &mut dyn Iterator<Item = (InstrumentId, &'static str, Decimal, Decimal)>| {
            let mut t: BTreeMap<(InstrumentId, &'static str), (Decimal, Decimal)> = BTreeMap::new();
            for (instrument, ccy, q, c) in rows {
                let e = t.entry((instrument, ccy)).or_default();
                e.0 += q;
                e.1 += c;
            }
            t
        };
        prop_assert_eq!(
            totals(&mut trades.iter().map(|t| (t.instrument, t.currency.code(), t.quantity, t.cash))),
            totals(&mut instructions.iter().map(|i| (i.key.instrument, i.currency.code(), i.quantity, i.cash)))
        );
        // Deterministic whatever the order the trades come in.
        let mut shuffled = trades.clone();
        let len = shuffled.len().max(1);
        shuffled.rotate_left(rotate % len);
        shuffled.reverse();
        prop_assert_eq!(net(&shuffled, &sets), instructions);
    }
}
