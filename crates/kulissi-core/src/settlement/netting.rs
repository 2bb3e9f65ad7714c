//! Settlement netting (docs/domain.md §3.6): trades with the same counterparty, instrument,
//! intended settlement date, currency and settlement account become one net instruction
//! that moves the net quantity against the net cash, linked to the trades it replaces.
//!
//! A trade's gross obligation is signed from the firm's side: a purchase receives
//! securities (+quantity) and pays cash (−amount), a sale delivers (−quantity) and receives
//! (+amount). Netting is configured per counterparty ([`NettingSets`]): bilateral (both
//! sides agree to net their trades with each other), or through a central counterparty,
//! which novates every trade it clears so that all of them net against the CCP. Trades with
//! a counterparty that has no netting set settle gross, one instruction each.
//!
//! Netting is deterministic (instructions in key order, members in trade-id order) and
//! exact: a net instruction's quantity and cash are the sums of its members', so settling it
//! settles every member in full.

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;
use rust_decimal::Decimal;

use crate::identifiers::Currency;
use crate::ids::{AccountId, CounterpartyId, InstrumentId, TradeId};

/// One trade's gross settlement obligation, from the firm's side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Obligation {
    /// The trade.
    pub trade: TradeId,
    /// The trade's counterparty.
    pub counterparty: CounterpartyId,
    /// The instrument.
    pub instrument: InstrumentId,
    /// The intended settlement date.
    pub settlement_date: Date,
    /// The settlement currency.
    pub currency: Currency,
    /// Our account the securities settle in.
    pub account: AccountId,
    /// Securities received (+) or delivered (−).
    pub quantity: Decimal,
    /// Cash received (+) or paid (−).
    pub cash: Decimal,
}

impl Obligation {
    /// A trade version's obligation: its principal (gross plus accrued interest) against
    /// its quantity, signed from the firm's side.
    pub fn of(record: &crate::trade::TradeRecord) -> Obligation {
        let principal = record.economics.gross + record.economics.accrued;
        let (quantity, cash) = match record.terms.side {
            crate::trade::Side::Buy => (record.terms.quantity.value(), -principal),
            crate::trade::Side::Sell => (-record.terms.quantity.value(), principal),
        };
        Obligation {
            trade: record.trade_id,
            counterparty: record.terms.counterparty,
            instrument: record.terms.instrument,
            settlement_date: record.terms.settlement_date,
            currency: record.terms.currency,
            account: record.terms.account,
            quantity,
            cash,
        }
    }
}

/// How a counterparty's trades net.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NettingSet {
    /// Bilaterally with the counterparty itself.
    Bilateral,
    /// Against a central counterparty (id) that novates every trade.
    Ccp(CounterpartyId),
}

/// The netting sets configured, per counterparty (those without one settle gross).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NettingSets {
    sets: HashMap<CounterpartyId, NettingSet>,
}

impl NettingSets {
    /// Configures how `counterparty`'s trades net.
    pub fn set(&mut self, counterparty: CounterpartyId, set: NettingSet) {
        self.sets.insert(counterparty, set);
    }

    /// How `counterparty`'s trades net, if they do.
    pub fn of(&self, counterparty: CounterpartyId) -> Option<NettingSet> {
        self.sets.get(&counterparty).copied()
    }

    /// Every counterparty's netting set, in counterparty order.
    pub fn iter(&self) -> impl Iterator<Item = (CounterpartyId, NettingSet)> + '_ {
        let mut all: Vec<_> = self.sets.iter().map(|(c, s)| (*c, *s)).collect();
        all.sort_unstable_by_key(|(c, _)| *c);
        all.into_iter()
    }
}

/// What a net instruction settles against: the counterparty it faces (the CCP for novated
/// trades), the instrument, the intended settlement date, the currency and our account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NettingKey {
    /// The counterparty settled with.
    pub counterparty: CounterpartyId,
    /// The instrument.
    pub instrument: InstrumentId,
    /// The intended settlement date.
    pub settlement_date: Date,
    /// The currency (its code, so keys order alphabetically).
    pub currency: &'static str,
    /// Our account.
    pub account: AccountId,
}

/// One instruction: net (several members) or gross (one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetInstruction {
    /// What it settles against.
    pub key: NettingKey,
    /// The currency.
    pub currency: Currency,
    /// Securities received (+) or delivered (−); zero for a cash-only net.
    pub quantity: Decimal,
    /// Cash received (+) or paid (−).
    pub cash: Decimal,
    /// The trades it replaces, in id order.
    pub members: Vec<TradeId>,
    /// Whether it nets several trades (false: a gross instruction of one trade).
    pub netted: bool,
}

impl NetInstruction {
    /// Receive (true) or deliver the securities; a zero quantity receives.
    pub fn receives(&self) -> bool {
        !self.quantity.is_sign_negative()
    }
}

/// Nets `obligations` under `sets`: one instruction per key for counterparties with a
/// netting set, one per trade for the others; in key order, then trade order.
pub fn net(obligations: &[Obligation], sets: &NettingSets) -> Vec<NetInstruction> {
    let mut netted: BTreeMap<NettingKey, NetInstruction> = BTreeMap::new();
    let mut gross: Vec<NetInstruction> = Vec::new();
    for o in obligations {
        let key = |counterparty| NettingKey {
            counterparty,
            instrument: o.instrument,
            settlement_date: o.settlement_date,
            currency: o.currency.code(),
            account: o.account,
        };
        match sets.of(o.counterparty) {
            None => gross.push(NetInstruction {
                key: key(o.counterparty),
                currency: o.currency,
                quantity: o.quantity,
                cash: o.cash,
                members: vec![o.trade],
                netted: false,
            }),
            Some(set) => {
                let facing = match set {
                    NettingSet::Bilateral => o.counterparty,
                    NettingSet::Ccp(ccp) => ccp,
                };
                let entry = netted.entry(key(facing)).or_insert_with(|| NetInstruction {
                    key: key(facing),
                    currency: o.currency,
                    quantity: Decimal::ZERO,
                    cash: Decimal::ZERO,
                    members: Vec::new(),
                    netted: true,
                });
                entry.quantity += o.quantity;
                entry.cash += o.cash;
                entry.members.push(o.trade);
            }
        }
    }
    let mut out: Vec<NetInstruction> = netted
        .into_values()
        .map(|mut n| {
            n.members.sort_unstable();
            n
        })
        .chain(gross)
        .collect();
    out.sort_by(|a, b| (a.key, &a.members).cmp(&(b.key, &b.members)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn eur() -> Currency {
        Currency::parse("EUR").unwrap()
    }

    /// A trade's obligation: `quantity` bought (+) or sold (−) at `price`.
    fn trade(id: u64, counterparty: u32, quantity: &str, price: &str) -> Obligation {
        let q = d(quantity);
        Obligation {
            trade: TradeId(id),
            counterparty: CounterpartyId(counterparty),
            instrument: InstrumentId(7),
            settlement_date: date(2025, 7, 16),
            currency: eur(),
            account: AccountId(1),
            quantity: q,
            cash: -q * d(price),
        }
    }

    /// docs/domain.md §3.6, bilateral: A sells 500 to B at 100.00 and buys 300 from B at
    /// 101.00; net, A delivers 200 shares to B against 19,700.00: one movement instead of
    /// two.
    #[test]
    fn bilateral_netting_of_domain_section_3_6() {
        let b = 2;
        let mut sets = NettingSets::default();
        sets.set(CounterpartyId(b), NettingSet::Bilateral);
        let net = net(
            &[trade(1, b, "-500", "100.00"), trade(2, b, "300", "101.00")],
            &sets,
        );
        assert_eq!(net.len(), 1);
        let n = &net[0];
        assert_eq!((n.quantity, n.cash), (d("-200"), d("19700.00")));
        assert!(!n.receives() && n.netted);
        assert_eq!(n.members, [TradeId(1), TradeId(2)]);
        // Without a netting set the two settle gross.
        let gross = super::net(
            &[trade(1, b, "-500", "100.00"), trade(2, b, "300", "101.00")],
            &NettingSets::default(),
        );
        assert_eq!(gross.len(), 2);
        assert!(gross.iter().all(|g| !g.netted && g.members.len() == 1));
    }

    /// docs/domain.md §3.6, CCP netting (NSCC CNS): buy 1,000 from A at 50.00, sell 600 to
    /// B at 51.00, buy 300 from C at 49.50, sell 900 to D at 50.50, all novated to the CCP:
    /// one delivery of 200 shares against 11,200.00 received.
    #[test]
    fn ccp_netting_of_domain_section_3_6() {
        let ccp = CounterpartyId(99);
        let mut sets = NettingSets::default();
        for c in 1..=4 {
            sets.set(CounterpartyId(c), NettingSet::Ccp(ccp));
        }
        let trades = [
            trade(1, 1, "1000", "50.00"),
            trade(2, 2, "-600", "51.00"),
            trade(3, 3, "300", "49.50"),
            trade(4, 4, "-900", "50.50"),
        ];
        let net = net(&trades, &sets);
        assert_eq!(net.len(), 1);
        assert_eq!(net[0].key.counterparty, ccp);
        assert_eq!((net[0].quantity, net[0].cash), (d("-200"), d("11200.00")));
        let gross_shares: Decimal = trades.iter().map(|t| t.quantity.abs()).sum();
        let gross_cash: Decimal = trades.iter().map(|t| t.cash.abs()).sum();
        assert_eq!((gross_shares, gross_cash), (d("2800"), d("140900.00")));
    }
}
