//! CSDR settlement discipline (docs/domain.md §3.7): the daily cash penalty of a matched
//! failing instruction, the age of a fail and its bucket, and the buy-in extension date.
//!
//! **Penalty = rate × reference value**, for each settlement-calendar business day on which
//! the matched instruction fails, from its intended settlement date. The reference value is
//! the quantity at that day's reference price (× the instrument's multiplier: a bond's price
//! is per 100 of nominal), the same whether the fail is for lack of securities or of cash.
//! Securities fails pay the rate of the instrument's class (Delegated Regulation (EU)
//! 2017/389); cash fails the central bank's overnight-credit rate (for EUR the ECB's marginal
//! lending facility), floored at zero and pro-rated per day as rate / 365. Each day's
//! penalty is rounded half-up to the currency. The rates are effective-dated reference
//! data ([`PenaltyRates`]): ESMA has proposed raising them.

use std::str::FromStr;

use jiff::civil::{Date, date};
use rust_decimal::Decimal;

use crate::calendar::{Calendar, CalendarError};
use crate::identifiers::Currency;
use crate::money::RoundingMode;

/// The classes of the penalty table (Delegated Regulation (EU) 2017/389, Annex).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PenaltyClass {
    /// Shares with a liquid market (MiFIR Art 2(1)(17)(b)).
    LiquidShares,
    /// Shares without a liquid market.
    IlliquidShares,
    /// Instruments traded on SME growth markets, other than debt.
    SmeGrowthMarket,
    /// Debt issued or guaranteed by sovereigns, local governments, central banks, MDBs,
    /// the EFSF or the ESM.
    SovereignDebt,
    /// Other debt.
    OtherDebt,
    /// Debt traded on SME growth markets.
    SmeDebt,
    /// All other instruments (ETFs, funds, ...).
    Other,
}

impl PenaltyClass {
    /// Every class.
    pub const ALL: [PenaltyClass; 7] = [
        PenaltyClass::LiquidShares,
        PenaltyClass::IlliquidShares,
        PenaltyClass::SmeGrowthMarket,
        PenaltyClass::SovereignDebt,
        PenaltyClass::OtherDebt,
        PenaltyClass::SmeDebt,
        PenaltyClass::Other,
    ];

    /// Its name in files.
    pub fn code(self) -> &'static str {
        match self {
            PenaltyClass::LiquidShares => "liquid_shares",
            PenaltyClass::IlliquidShares => "illiquid_shares",
            PenaltyClass::SmeGrowthMarket => "sme_growth_market",
            PenaltyClass::SovereignDebt => "sovereign_debt",
            PenaltyClass::OtherDebt => "other_debt",
            PenaltyClass::SmeDebt => "sme_debt",
            PenaltyClass::Other => "other",
        }
    }

    /// Business days after the intended settlement date until the buy-in extension period
    /// ends (RTS 2018/1229 Art 36): 4 for liquid shares, 15 on SME growth markets, 7
    /// otherwise. (Mandatory buy-ins were never switched on; the date still drives the
    /// desk's next action.)
    pub fn extension_days(self) -> i64 {
        match self {
            PenaltyClass::LiquidShares => 4,
            PenaltyClass::SmeGrowthMarket | PenaltyClass::SmeDebt => 15,
            _ => 7,
        }
    }
}

impl FromStr for PenaltyClass {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PenaltyClass::ALL
            .into_iter()
            .find(|c| c.code() == s.trim())
            .ok_or_else(|| {
                let names: Vec<&str> = PenaltyClass::ALL.iter().map(|c| c.code()).collect();
                format!("penalty class '{s}': expected one of {}", names.join(", "))
            })
    }
}

/// Whether a market's CSD applies CSDR penalties (the EU/EEA CSDs: here Helsinki,
/// Stockholm, Copenhagen, Xetra, Paris and Oslo).
pub fn penalised(market: super::Market) -> bool {
    use super::Market;
    matches!(
        market,
        Market::Xhel | Market::Xsto | Market::Xcse | Market::Xetr | Market::Xpar | Market::Xosl
    )
}

/// The penalty class of an instrument type, until instruments carry their own (shares:
/// liquid shares; bonds: other debt; funds: all other instruments).
pub fn class_of(instrument_type: crate::refdata::InstrumentType) -> PenaltyClass {
    use crate::refdata::InstrumentType;
    match instrument_type {
        InstrumentType::Equity => PenaltyClass::LiquidShares,
        InstrumentType::Bond => PenaltyClass::OtherDebt,
        InstrumentType::Fund => PenaltyClass::Other,
    }
}

/// Penalty rates in basis points per day, per class, each in force from a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PenaltyRates {
    /// (class, in force from, basis points per business day), in class then date order.
    rates: Vec<(PenaltyClass, Date, Decimal)>,
}

impl PenaltyRates {
    /// The table in force since CSDR penalties started on 1 February 2022 (docs/domain.md
    /// §3.7).
    pub fn csdr() -> PenaltyRates {
        let from = date(2022, 2, 1);
        let bp = |hundredths: i64| Decimal::new(hundredths, 2);
        PenaltyRates {
            rates: vec![
                (PenaltyClass::LiquidShares, from, bp(100)),
                (PenaltyClass::IlliquidShares, from, bp(50)),
                (PenaltyClass::SmeGrowthMarket, from, bp(25)),
                (PenaltyClass::SovereignDebt, from, bp(10)),
                (PenaltyClass::OtherDebt, from, bp(20)),
                (PenaltyClass::SmeDebt, from, bp(15)),
                (PenaltyClass::Other, from, bp(50)),
            ],
        }
    }

    /// Adds (or replaces) the rate of `class` from `valid_from`.
    pub fn set(&mut self, class: PenaltyClass, valid_from: Date, basis_points: Decimal) {
        self.rates
            .retain(|(c, from, _)| !(*c == class && *from == valid_from));
        self.rates.push((class, valid_from, basis_points));
        // Kept in (class, date) order, so equal tables compare equal.
        self.rates.sort_by_key(|(c, from, _)| (*c, *from));
    }

    /// Every rate: (class, in force from, basis points), in class then date order.
    pub fn entries(&self) -> Vec<(PenaltyClass, Date, Decimal)> {
        self.rates.clone()
    }

    /// The rate of `class` in force on `on`, in basis points per business day.
    pub fn basis_points(&self, class: PenaltyClass, on: Date) -> Option<Decimal> {
        self.rates
            .iter()
            .filter(|(c, from, _)| *c == class && *from <= on)
            .max_by_key(|(_, from, _)| *from)
            .map(|(_, _, bp)| *bp)
    }
}

/// The reference value of a failing instruction on a day: its quantity at the day's
/// reference price times the instrument's multiplier, unrounded.
pub fn reference_value(quantity: Decimal, price: Decimal, multiplier: Decimal) -> Decimal {
    quantity.abs() * price * multiplier
}

/// One business day's penalty for a fail for lack of securities: the class's rate on the
/// reference value, rounded half-up to the currency.
pub fn securities_penalty(
    reference_value: Decimal,
    basis_points: Decimal,
    currency: Currency,
) -> Decimal {
    RoundingMode::HalfUp.round_to_currency(
        reference_value * basis_points / Decimal::from(10_000),
        currency,
    )
}

/// One business day's penalty for a fail for lack of cash: the central bank's annual
/// overnight-credit rate (a fraction: 0.024 is 2.40%), floored at zero, for one day of 365,
/// on the reference value, rounded half-up to the currency.
pub fn cash_penalty(reference_value: Decimal, annual_rate: Decimal, currency: Currency) -> Decimal {
    RoundingMode::HalfUp.round_to_currency(
        reference_value * annual_rate.max(Decimal::ZERO) / Decimal::from(365),
        currency,
    )
}

/// The age of a fail on `as_of`: the settlement-calendar business days after its intended
/// settlement date up to and including `as_of` (day 1 is the first business day after the
/// ISD still unsettled; 0 on or before the ISD).
pub fn fail_age(calendar: Calendar, intended: Date, as_of: Date) -> i64 {
    calendar.business_days_between(intended, as_of).max(0)
}

/// The aging buckets of a fails report (docs/domain.md §3.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AgeBucket {
    /// Day 1.
    OneDay,
    /// Days 2–4.
    TwoToFour,
    /// Days 5–7.
    FiveToSeven,
    /// Days 8–15.
    EightToFifteen,
    /// Days 16–30.
    SixteenToThirty,
    /// More than 30 days.
    OverThirty,
}

impl AgeBucket {
    /// The bucket of a fail `age` days old (`None` for a fail not yet a day old).
    pub fn of(age: i64) -> Option<AgeBucket> {
        Some(match age {
            i64::MIN..=0 => return None,
            1 => AgeBucket::OneDay,
            2..=4 => AgeBucket::TwoToFour,
            5..=7 => AgeBucket::FiveToSeven,
            8..=15 => AgeBucket::EightToFifteen,
            16..=30 => AgeBucket::SixteenToThirty,
            _ => AgeBucket::OverThirty,
        })
    }

    /// Its label on reports.
    pub fn label(self) -> &'static str {
        match self {
            AgeBucket::OneDay => "1",
            AgeBucket::TwoToFour => "2-4",
            AgeBucket::FiveToSeven => "5-7",
            AgeBucket::EightToFifteen => "8-15",
            AgeBucket::SixteenToThirty => "16-30",
            AgeBucket::OverThirty => ">30",
        }
    }
}

/// The last day of the buy-in extension period of a fail of `class` due on `intended`.
pub fn buy_in_extension_date(
    class: PenaltyClass,
    calendar: Calendar,
    intended: Date,
) -> Result<Date, CalendarError> {
    calendar.add_business_days(intended, class.extension_days())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::CalendarName;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn eur() -> Currency {
        Currency::parse("EUR").unwrap()
    }

    /// docs/domain.md §3.7: a fail to deliver 10,000 liquid shares for three days at
    /// reference prices 50.00, 49.00 and 51.00 costs 50.00 + 49.00 + 51.00 = EUR 150.00.
    #[test]
    fn three_days_of_a_liquid_share_fail() {
        let rates = PenaltyRates::csdr();
        let bp = rates
            .basis_points(PenaltyClass::LiquidShares, date(2025, 7, 16))
            .unwrap();
        let total: Decimal = ["50.00", "49.00", "51.00"]
            .iter()
            .map(|p| securities_penalty(reference_value(d("10000"), d(p), Decimal::ONE), bp, eur()))
            .sum();
        assert_eq!(total, d("150.00"));
    }

    /// docs/domain.md §3.7: EUR 5,000,000 nominal of a sovereign bond at 98.50% is a
    /// reference value of 4,925,000: 49.25 a day at 0.10 bp, 98.50 a day for a corporate
    /// bond at 0.20 bp.
    #[test]
    fn bond_fails_pay_their_class_rate() {
        let rates = PenaltyRates::csdr();
        let on = date(2025, 7, 16);
        let value = reference_value(d("5000000"), d("98.50"), d("0.01"));
        assert_eq!(value, d("4925000"));
        let sovereign = rates.basis_points(PenaltyClass::SovereignDebt, on).unwrap();
        let corporate = rates.basis_points(PenaltyClass::OtherDebt, on).unwrap();
        assert_eq!(securities_penalty(value, sovereign, eur()), d("49.25"));
        assert_eq!(securities_penalty(value, corporate, eur()), d("98.50"));
    }

    /// docs/domain.md §3.7: a cash fail on a reference value of 500,000 with the ECB's
    /// marginal lending rate at 2.40% costs 500,000 × 0.024 / 365 = EUR 32.88 a day; a
    /// negative rate is floored at zero.
    #[test]
    fn cash_fails_pay_the_central_bank_rate_per_day() {
        assert_eq!(cash_penalty(d("500000"), d("0.024"), eur()), d("32.88"));
        assert_eq!(cash_penalty(d("500000"), d("-0.005"), eur()), d("0.00"));
    }

    /// Rates are effective-dated: a raised rate applies from its date, the old one before.
    #[test]
    fn rates_are_effective_dated() {
        let mut rates = PenaltyRates::csdr();
        rates.set(PenaltyClass::LiquidShares, date(2027, 1, 1), d("1.5"));
        let class = PenaltyClass::LiquidShares;
        assert_eq!(
            rates.basis_points(class, date(2026, 12, 31)),
            Some(d("1.00"))
        );
        assert_eq!(rates.basis_points(class, date(2027, 1, 1)), Some(d("1.5")));
        assert_eq!(rates.basis_points(class, date(2022, 1, 31)), None);
        assert_eq!("sovereign_debt".parse(), Ok(PenaltyClass::SovereignDebt));
        assert!("bonds".parse::<PenaltyClass>().is_err());
    }

    /// Age counts settlement-calendar business days after the ISD: a fail due on Thursday
    /// 17 April 2025 is 1 day old on Tuesday 22 April (Good Friday and Easter Monday are
    /// TARGET holidays) and 4 days old on Friday 25 April, when the buy-in extension of a
    /// liquid share ends (ISD + 4 business days; other debt: + 7, Wednesday 30 April).
    #[test]
    fn fail_age_and_buckets_follow_the_settlement_calendar() {
        let target = Calendar::from(CalendarName::Target);
        let isd = date(2025, 4, 17);
        assert_eq!(fail_age(target, isd, isd), 0);
        assert_eq!(fail_age(target, isd, date(2025, 4, 22)), 1);
        assert_eq!(fail_age(target, isd, date(2025, 4, 25)), 4);
        assert_eq!(
            buy_in_extension_date(PenaltyClass::LiquidShares, target, isd).unwrap(),
            date(2025, 4, 25)
        );
        assert_eq!(
            buy_in_extension_date(PenaltyClass::OtherDebt, target, isd).unwrap(),
            date(2025, 4, 30)
        );
        let buckets: Vec<Option<&str>> = [0, 1, 2, 4, 5, 7, 8, 15, 16, 30, 31]
            .iter()
            .map(|a| AgeBucket::of(*a).map(AgeBucket::label))
            .collect();
        assert_eq!(
            buckets,
            [
                None,
                Some("1"),
                Some("2-4"),
                Some("2-4"),
                Some("5-7"),
                Some("5-7"),
                Some("8-15"),
                Some("8-15"),
                Some("16-30"),
                Some("16-30"),
                Some(">30")
            ]
        );
    }
}
