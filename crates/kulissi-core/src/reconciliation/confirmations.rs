//! Confirmation matching (docs/domain.md §8, trade / confirmation): our trades of a day
//! against the counterparties' confirmations, by a scored match.
//!
//! A confirmation can only match a live trade with the same counterparty, ISIN and side.
//! Among those, each field that agrees scores: quantity 4, trade date 2, price (within the
//! tolerance) 2, settlement date 1 (at most 9). Pairs scoring at least 4 are taken best
//! first (then by trade id, then in file order), each trade and confirmation once: 9 is
//! **affirmed**, less is **mismatched** with the fields that differ. A confirmation left
//! over names no trade of ours (**unknown**); a trade of the day from a counterparty that
//! confirmed others, left over, is **unconfirmed**.

use jiff::civil::Date;
use rust_decimal::Decimal;

use crate::identifiers::{Isin, Lei};
use crate::ids::TradeId;
use crate::trade::Side;

/// One counterparty confirmation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ConfirmationLine {
    /// The counterparty that sent it.
    pub counterparty: Lei,
    /// The instrument.
    pub isin: Isin,
    /// Our side (the counterparty's sale is our purchase).
    pub side: Side,
    /// The quantity.
    pub quantity: Decimal,
    /// The price.
    pub price: Decimal,
    /// The trade date.
    pub trade_date: Date,
    /// The settlement date.
    pub settlement_date: Date,
    /// The counterparty's reference.
    pub reference: String,
    /// Where it came from (file and line).
    pub source: String,
}

/// What a trade of ours looks like to the matching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OurTrade {
    /// The trade.
    pub trade: TradeId,
    /// Its source and external id (`OMS:T-1`).
    pub name: String,
    /// The counterparty.
    pub counterparty: Lei,
    /// The instrument.
    pub isin: Isin,
    /// Our side.
    pub side: Side,
    /// The quantity.
    pub quantity: Decimal,
    /// The price.
    pub price: Decimal,
    /// The trade date.
    pub trade_date: Date,
    /// The settlement date.
    pub settlement_date: Date,
}

/// How a trade or a confirmation came out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Affirmation {
    /// Every field agrees.
    Affirmed {
        /// Our trade.
        trade: usize,
        /// The confirmation.
        confirmation: usize,
    },
    /// Matched on counterparty, ISIN and side, with fields that differ.
    Mismatched {
        /// Our trade.
        trade: usize,
        /// The confirmation.
        confirmation: usize,
        /// The fields that differ: quantity, price, trade_date, settlement_date.
        fields: Vec<&'static str>,
    },
    /// A confirmation of no trade of ours.
    Unknown {
        /// The confirmation.
        confirmation: usize,
    },
    /// A trade of ours its counterparty has not confirmed.
    Unconfirmed {
        /// Our trade.
        trade: usize,
    },
}

/// The lowest score that pairs a trade with a confirmation.
const PAIRS_FROM: u32 = 4;

fn score(t: &OurTrade, c: &ConfirmationLine, tolerance: Decimal) -> (u32, Vec<&'static str>) {
    let mut score = 0;
    let mut differ = Vec::new();
    let mut field = |agree: bool, points: u32, name: &'static str| {
        if agree {
            score += points;
        } else {
            differ.push(name);
        }
    };
    field(t.quantity == c.quantity, 4, "quantity");
    field((t.price - c.price).abs() <= tolerance, 2, "price");
    field(t.trade_date == c.trade_date, 2, "trade_date");
    field(t.settlement_date == c.settlement_date, 1, "settlement_date");
    (score, differ)
}

/// Matches `confirmations` against `trades` (indices into both in the results; trades of
/// counterparties that sent no confirmation are left out).
pub fn affirm(
    trades: &[OurTrade],
    confirmations: &[ConfirmationLine],
    price_tolerance: Decimal,
) -> Vec<Affirmation> {
    let mut pairs = Vec::new();
    for (ti, t) in trades.iter().enumerate() {
        for (ci, c) in confirmations.iter().enumerate() {
            if t.counterparty == c.counterparty && t.isin == c.isin && t.side == c.side {
                let (s, differ) = score(t, c, price_tolerance);
                if s >= PAIRS_FROM {
                    pairs.push((s, t.trade, ti, ci, differ));
                }
            }
        }
    }
    pairs.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.3.cmp(&b.3)));
    let mut trade_used = vec![false; trades.len()];
    let mut confirmation_used = vec![false; confirmations.len()];
    let mut out = Vec::new();
    for (s, _, ti, ci, differ) in pairs {
        if trade_used[ti] || confirmation_used[ci] {
            continue;
        }
        trade_used[ti] = true;
        confirmation_used[ci] = true;
        out.push(if s == 9 {
            Affirmation::Affirmed {
                trade: ti,
                confirmation: ci,
            }
        } else {
            Affirmation::Mismatched {
                trade: ti,
                confirmation: ci,
                fields: differ,
            }
        });
    }
    for (ci, used) in confirmation_used.iter().enumerate() {
        if !used {
            out.push(Affirmation::Unknown { confirmation: ci });
        }
    }
    for (ti, used) in trade_used.iter().enumerate() {
        if !used
            && confirmations
                .iter()
                .any(|c| c.counterparty == trades[ti].counterparty)
        {
            out.push(Affirmation::Unconfirmed { trade: ti });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    const BROKER: &str = "529900T8BM49AURSDO55";
    const OTHER: &str = "5493001KJTIIGC8Y1R12";
    const NOKIA: &str = "FI0009000681";

    fn ours(id: u64, quantity: &str, price: &str) -> OurTrade {
        OurTrade {
            trade: TradeId(id),
            name: format!("OMS:T{id}"),
            counterparty: Lei::parse(BROKER).unwrap(),
            isin: Isin::parse(NOKIA).unwrap(),
            side: Side::Buy,
            quantity: d(quantity),
            price: d(price),
            trade_date: date(2026, 6, 18),
            settlement_date: date(2026, 6, 22),
        }
    }

    fn theirs(reference: &str, quantity: &str, price: &str) -> ConfirmationLine {
        ConfirmationLine {
            counterparty: Lei::parse(BROKER).unwrap(),
            isin: Isin::parse(NOKIA).unwrap(),
            side: Side::Buy,
            quantity: d(quantity),
            price: d(price),
            trade_date: date(2026, 6, 18),
            settlement_date: date(2026, 6, 22),
            reference: reference.to_owned(),
            source: reference.to_owned(),
        }
    }

    #[test]
    fn the_best_scoring_pairs_match_first() {
        let trades = [
            ours(1, "1000", "20.00"),
            ours(2, "400", "20.00"),
            ours(3, "50", "19.00"),
        ];
        let mut late = theirs("C4", "400", "20.00");
        late.settlement_date = date(2026, 6, 23);
        let mut stranger = theirs("C9", "10", "1.00");
        stranger.counterparty = Lei::parse(OTHER).unwrap();
        let confirmations = [
            theirs("C1", "1000", "20.00"),
            late,
            theirs("C3", "999", "20.00"),
            stranger,
        ];
        let results = affirm(&trades, &confirmations, d("0.005"));
        assert_eq!(
            results,
            [
                Affirmation::Affirmed {
                    trade: 0,
                    confirmation: 0
                },
                Affirmation::Mismatched {
                    trade: 1,
                    confirmation: 1,
                    fields: vec!["settlement_date"]
                },
                // C3 would score 5 against trades 1 and 2, taken by better pairs, and 3
                // against trade 3 (quantity and price differ): too little to pair.
                Affirmation::Unknown { confirmation: 2 },
                Affirmation::Unknown { confirmation: 3 },
                Affirmation::Unconfirmed { trade: 2 },
            ]
        );
    }

    #[test]
    fn a_price_within_the_tolerance_agrees_and_an_unconfirmed_trade_is_reported() {
        let trades = [ours(1, "1000", "20.0000"), ours(2, "400", "20.00")];
        let results = affirm(&trades, &[theirs("C1", "1000", "20.004")], d("0.005"));
        assert_eq!(
            results,
            [
                Affirmation::Affirmed {
                    trade: 0,
                    confirmation: 0
                },
                Affirmation::Unconfirmed { trade: 1 },
            ]
        );
        // A side that differs never pairs.
        let mut sold = theirs("C2", "400", "20.00");
        sold.side = Side::Sell;
        let results = affirm(&trades[1..], &[sold], d("0"));
        assert_eq!(
            results,
            [
                Affirmation::Unknown { confirmation: 0 },
                Affirmation::Unconfirmed { trade: 0 }
            ]
        );
    }
}
