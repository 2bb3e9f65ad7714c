//! Market data the back office values its books with: end-of-day prices per instrument and
//! FX rates per currency pair, each by date with its source, and the rule that a value older
//! than [`MAX_STALENESS_DAYS`] is stale (an exception for a person, never silently carried
//! over).

use crate::ids::InstrumentId;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use jiff::ToSpan;
use jiff::civil::Date;
use rust_decimal::Decimal;

use crate::identifiers::Currency;
use crate::position::IdHasher;

/// Calendar days a price or rate may be older than the valuation date before it is stale.
pub const MAX_STALENESS_DAYS: i32 = 7;

/// A recorded end-of-day price.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedPrice {
    /// The price, in the instrument's quotation (per share, or per 100 nominal for bonds).
    pub price: Decimal,
    /// Where it comes from (an exchange's official close, a vendor, a person).
    pub source: Arc<str>,
}

/// Prices and FX rates by date.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MarketData {
    pub(crate) prices: HashMap<InstrumentId, BTreeMap<Date, RecordedPrice>, IdHasher>,
    pub(crate) rates: HashMap<(Currency, Currency), BTreeMap<Date, Decimal>>,
}

impl MarketData {
    /// Records the price of instrument `instrument` (id) on `date`, replacing one recorded
    /// for the same date.
    pub fn record_price(&mut self, instrument: InstrumentId, date: Date, price: RecordedPrice) {
        self.prices
            .entry(instrument)
            .or_default()
            .insert(date, price);
    }

    /// Records how many units of `quote` one unit of `base` buys on `date`.
    pub fn record_rate(&mut self, base: Currency, quote: Currency, date: Date, rate: Decimal) {
        self.rates
            .entry((base, quote))
            .or_default()
            .insert(date, rate);
    }

    /// The price recorded for exactly `date`.
    pub fn price_recorded(&self, instrument: InstrumentId, date: Date) -> Option<&RecordedPrice> {
        self.prices.get(&instrument)?.get(&date)
    }

    /// The rate recorded for exactly `date`.
    pub fn rate_recorded(&self, base: Currency, quote: Currency, date: Date) -> Option<Decimal> {
        self.rates.get(&(base, quote))?.get(&date).copied()
    }

    /// The latest price on or before `date`, with its date.
    pub fn latest_price(
        &self,
        instrument: InstrumentId,
        date: Date,
    ) -> Option<(Date, &RecordedPrice)> {
        self.prices
            .get(&instrument)?
            .range(..=date)
            .next_back()
            .map(|(d, p)| (*d, p))
    }

    /// The latest rate base → quote on or before `date`, with its date; 1 for a currency
    /// against itself.
    pub fn latest_rate(
        &self,
        base: Currency,
        quote: Currency,
        date: Date,
    ) -> Option<(Date, Decimal)> {
        if base == quote {
            return Some((date, Decimal::ONE));
        }
        self.rates
            .get(&(base, quote))?
            .range(..=date)
            .next_back()
            .map(|(d, r)| (*d, *r))
    }
}

/// Whether a value dated `observed` is too old to value a book on `date`.
pub fn is_stale(observed: Date, date: Date) -> bool {
    observed
        .checked_add(MAX_STALENESS_DAYS.days())
        .is_ok_and(|limit| limit < date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn latest_values_and_staleness() {
        let mut m = MarketData::default();
        let p = |v: &str| RecordedPrice {
            price: v.parse().unwrap(),
            source: "XHEL close".into(),
        };
        m.record_price(InstrumentId(1), date(2025, 7, 14), p("20.50"));
        m.record_price(InstrumentId(1), date(2025, 7, 15), p("20.80"));
        assert_eq!(m.latest_price(InstrumentId(1), date(2025, 7, 13)), None);
        assert_eq!(
            m.latest_price(InstrumentId(1), date(2025, 7, 16))
                .unwrap()
                .1
                .price
                .to_string(),
            "20.80"
        );
        assert!(!is_stale(date(2025, 7, 15), date(2025, 7, 22)));
        assert!(is_stale(date(2025, 7, 15), date(2025, 7, 23)));
        let (eur, usd): (Currency, Currency) = ("EUR".parse().unwrap(), "USD".parse().unwrap());
        m.record_rate(eur, usd, date(2025, 7, 14), "1.1000".parse().unwrap());
        assert_eq!(
            m.latest_rate(eur, usd, date(2025, 7, 20))
                .unwrap()
                .1
                .to_string(),
            "1.1000"
        );
        assert_eq!(m.latest_rate(usd, eur, date(2025, 7, 20)), None);
        assert_eq!(
            m.latest_rate(eur, eur, date(2025, 7, 20)).unwrap().1,
            Decimal::ONE
        );
    }
}
