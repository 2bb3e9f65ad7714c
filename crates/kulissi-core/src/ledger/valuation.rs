//! End-of-day valuation kept by the engine: each position's valuation adjustment (market
//! value minus cost, booked to 1210 against unrealised P&L) and, per foreign currency, the
//! rate and net monetary balance of the last FX revaluation.
//!
//! The same method translates foreign-currency trading securities at fair value (their
//! balances in 1200, 1210 and 2400), whose FX change goes with their fair-value change to
//! unrealised P&L (1220 against 4200) instead: a USD stock bought against a USD payable then
//! shows no net FX P&L while both sit on the books (docs/domain.md §7.3).
//!
//! FX revaluation follows the closing-rate method: a day's movements enter the reporting
//! currency at that day's closing rate, and the balance carried from the previous end of day
//! earns the change of rate: `round(N / r_today) − round(N / r_previous)` for a net monetary
//! balance `N` in currency units per unit of reporting currency `r` (docs/domain.md §7: USD
//! 10,000 with EUR/USD 1.1000 → 1.0800 gains EUR 168.35).

use crate::ids::{AccountId, InstrumentId, LegalEntityId};
use std::collections::HashMap;

use jiff::civil::Date;
use rust_decimal::Decimal;

use super::chart::codes::*;
use super::posting::release_valuation;
use crate::identifiers::Currency;
use crate::money::RoundingMode;
use crate::position::{IdHasher, PositionKey};

/// Accounts whose balances are monetary (fixed amounts of currency) and are revalued at
/// closing rates into FX revaluation P&L (1190 against 4300).
pub const MONETARY_ACCOUNTS: [u16; 17] = [
    CASH,
    CLIENT_MONEY_AT_BANKS,
    UNSETTLED_SALES,
    RECEIVABLE_FROM_CLIENTS,
    RECEIVABLE_FROM_MARKET,
    DIVIDENDS_RECEIVABLE,
    ACCRUED_INTEREST,
    DUE_FROM_GROUP,
    PENALTIES_RECEIVABLE,
    UNSETTLED_PURCHASES,
    PAYABLE_TO_MARKET,
    PAYABLE_TO_CLIENTS,
    FEES_PAYABLE,
    TAXES_PAYABLE,
    CLIENT_MONEY,
    DUE_TO_GROUP,
    PENALTIES_PAYABLE,
];

/// Accounts carrying trading securities at fair value (cost and valuation adjustment, long
/// and short): translated at closing rates too, but their FX change is part of their
/// fair-value change, so it goes to unrealised P&L (1220 against 4200; IAS 21.30).
pub const FAIR_VALUE_ACCOUNTS: [u16; 3] = [
    SECURITIES_AT_COST,
    VALUATION_ADJUSTMENT,
    SECURITIES_SOLD_SHORT,
];

/// A position's new valuation adjustment at an end of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PositionMark {
    /// Account (id).
    pub account: AccountId,
    /// Instrument (id).
    pub instrument: InstrumentId,
    /// Currency of the position.
    pub currency: Currency,
    /// The price it was marked at.
    pub price: Decimal,
    /// Market value minus cost, rounded to the currency: the adjustment after the mark.
    pub adjustment: Decimal,
}

/// The revaluation of one foreign currency's net monetary balance at an end of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FxRevaluation {
    /// The foreign currency.
    pub currency: Currency,
    /// Units of it per unit of the reporting currency, at the close.
    pub rate: Decimal,
    /// Its net monetary balance (debit positive) at the close.
    pub balance: Decimal,
    /// Gain (positive) or loss in the reporting currency on the balance carried from the
    /// previous revaluation.
    pub gain: Decimal,
}

/// The valuation state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Valuations {
    pub(crate) adjustments: HashMap<PositionKey, Decimal, IdHasher>,
    pub(crate) fx: HashMap<(LegalEntityId, Currency), (Decimal, Decimal)>,
    /// The rate and fair-valued securities balance of the last translation, per legal
    /// entity and currency.
    pub(crate) translations: HashMap<(LegalEntityId, Currency), (Decimal, Decimal)>,
    /// The last end of day run, per legal entity (id).
    pub last_end_of_day: HashMap<LegalEntityId, Date>,
}

impl Valuations {
    /// The valuation adjustment booked for a position.
    pub fn adjustment(&self, key: PositionKey) -> Decimal {
        self.adjustments.get(&key).copied().unwrap_or_default()
    }

    /// Every position with a valuation adjustment.
    pub fn adjusted_positions(&self) -> impl Iterator<Item = (PositionKey, Decimal)> + '_ {
        self.adjustments.iter().map(|(k, v)| (*k, *v))
    }

    /// Whether any position carries an adjustment (trades need not look otherwise).
    pub fn is_empty(&self) -> bool {
        self.adjustments.is_empty()
    }

    /// Sets a position's adjustment after a mark; returns the change to book.
    pub fn mark(&mut self, key: PositionKey, adjustment: Decimal) -> Decimal {
        let before = self.adjustment(key);
        if adjustment.is_zero() {
            self.adjustments.remove(&key);
        } else {
            self.adjustments.insert(key, adjustment);
        }
        adjustment - before
    }

    /// The share of a position's adjustment that a change of quantity from `before` to
    /// `after` releases, rounded to the currency: all of it when the position closes or
    /// flips, the sold fraction when it shrinks, nothing when it grows. The adjustment is
    /// reduced by what is released (booked Dr unrealised P&L / Cr valuation adjustment, so
    /// realised and unrealised P&L do not count the same gain twice).
    pub fn release(
        &mut self,
        key: PositionKey,
        currency: Currency,
        before: Decimal,
        after: Decimal,
    ) -> Decimal {
        let Some(current) = self.adjustments.get(&key).copied() else {
            return Decimal::ZERO;
        };
        let released = if after.is_zero() || (before.is_sign_negative() != after.is_sign_negative())
        {
            current
        } else if after.abs() < before.abs() {
            release_valuation(currency, current, before.abs(), before.abs() - after.abs())
        } else {
            Decimal::ZERO
        };
        self.mark(key, current - released);
        released
    }

    /// The rate and net monetary balance of a legal entity's last revaluation of
    /// `currency`.
    pub fn last_revaluation(
        &self,
        entity: LegalEntityId,
        currency: Currency,
    ) -> Option<(Decimal, Decimal)> {
        self.fx.get(&(entity, currency)).copied()
    }

    /// The currencies a legal entity has revalued.
    pub fn revalued_currencies(
        &self,
        entity: LegalEntityId,
    ) -> impl Iterator<Item = Currency> + '_ {
        self.fx
            .keys()
            .filter(move |(e, _)| *e == entity)
            .map(|(_, c)| *c)
    }

    /// Records a legal entity's revaluation.
    pub fn revalued(&mut self, entity: LegalEntityId, r: &FxRevaluation) {
        self.fx.insert((entity, r.currency), (r.rate, r.balance));
    }

    /// The rate and fair-valued securities balance of a legal entity's last translation of
    /// `currency`.
    pub fn last_translation(
        &self,
        entity: LegalEntityId,
        currency: Currency,
    ) -> Option<(Decimal, Decimal)> {
        self.translations.get(&(entity, currency)).copied()
    }

    /// The currencies a legal entity has translated securities in.
    pub fn translated_currencies(
        &self,
        entity: LegalEntityId,
    ) -> impl Iterator<Item = Currency> + '_ {
        self.translations
            .keys()
            .filter(move |(e, _)| *e == entity)
            .map(|(_, c)| *c)
    }

    /// Records a legal entity's translation of its fair-valued securities.
    pub fn translated(&mut self, entity: LegalEntityId, r: &FxRevaluation) {
        self.translations
            .insert((entity, r.currency), (r.rate, r.balance));
    }
}

/// Rounds half-up to the currency's minor units.
fn round(currency: Currency, value: Decimal) -> Decimal {
    RoundingMode::HalfUp.round_to_currency(value, currency)
}

/// A position's valuation adjustment at a price: market value (quantity × price ×
/// multiplier) minus cost, rounded half-up to the currency.
pub fn target_adjustment(
    currency: Currency,
    quantity: Decimal,
    price: Decimal,
    multiplier: Decimal,
    cost: Decimal,
) -> Decimal {
    round(currency, quantity * price * multiplier - cost)
}

/// The reporting-currency gain on `balance` of a foreign currency carried from rate
/// `previous` to rate `now` (units of foreign currency per unit of `reporting`).
pub fn revaluation_gain(
    reporting: Currency,
    balance: Decimal,
    previous: Decimal,
    now: Decimal,
) -> Decimal {
    if previous.is_zero() || now.is_zero() {
        return Decimal::ZERO;
    }
    round(reporting, balance / now) - round(reporting, balance / previous)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    /// docs/domain.md §7: USD 10,000 of cash, EUR/USD 1.1000 → 1.0800: EUR 9,090.91 → 9,259.26,
    /// a gain of 168.35.
    #[test]
    fn fx_revaluation_worked_example() {
        let eur: Currency = "EUR".parse().unwrap();
        assert_eq!(
            revaluation_gain(eur, d("10000"), d("1.1000"), d("1.0800")),
            d("168.35")
        );
        assert_eq!(
            revaluation_gain(eur, d("-10000"), d("1.1000"), d("1.0800")),
            d("-168.35")
        );
    }

    /// docs/domain.md §7: selling 400 of 1,000 with an adjustment of 800 releases 320.
    #[test]
    fn a_sale_releases_its_share_of_the_adjustment() {
        let eur: Currency = "EUR".parse().unwrap();
        let mut v = Valuations::default();
        assert_eq!(
            v.mark((AccountId(1), InstrumentId(1)), d("800.00")),
            d("800.00")
        );
        assert_eq!(
            v.release((AccountId(1), InstrumentId(1)), eur, d("1000"), d("600")),
            d("320.00")
        );
        assert_eq!(v.adjustment((AccountId(1), InstrumentId(1))), d("480.00"));
        assert_eq!(
            v.release((AccountId(1), InstrumentId(1)), eur, d("600"), d("700")),
            Decimal::ZERO
        );
        assert_eq!(
            v.release((AccountId(1), InstrumentId(1)), eur, d("700"), d("-100")),
            d("480.00")
        );
        assert!(v.is_empty());
    }
}
