//! Day-count conventions, coupon periods and bond accrued interest.
//!
//! `accrued = nominal × coupon rate × day-count fraction(accrual start, settlement date)`,
//! computed exactly (the division comes last, so a fraction such as 137/360 costs one
//! rounding at the 28th significant digit) and rounded to the currency by the caller.
//! Coupon dates are unadjusted and generated backwards from maturity, as bond prospectuses
//! and QuantLib's backward schedules do; the fixture test compares 300 cases with QuantLib.

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;
use rust_decimal::Decimal;

/// How the days of an accrual period are counted and divided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DayCount {
    /// Actual days / 360 (ISO 20022 A004). Money markets in EUR and USD.
    Act360,
    /// Actual days / 365 (A005). GBP money markets.
    Act365Fixed,
    /// 30/360 Bond Basis ("30U/360"): D1 = 31 → 30; D2 = 31 and D1 ≥ 30 → 30. US corporates.
    Thirty360BondBasis,
    /// 30E/360 Eurobond basis: any 31st counts as the 30th.
    Thirty360European,
    /// Actual/Actual ICMA (A006): actual days / (coupons a year × actual days in the coupon
    /// period). Government bonds.
    ActActIcma,
}

impl DayCount {
    /// Every convention, in the order files and tests list them.
    pub const ALL: [DayCount; 5] = [
        DayCount::Act360,
        DayCount::Act365Fixed,
        DayCount::Thirty360BondBasis,
        DayCount::Thirty360European,
        DayCount::ActActIcma,
    ];

    /// The name used in files and on the command line.
    pub fn code(self) -> &'static str {
        match self {
            DayCount::Act360 => "ACT/360",
            DayCount::Act365Fixed => "ACT/365F",
            DayCount::Thirty360BondBasis => "30/360",
            DayCount::Thirty360European => "30E/360",
            DayCount::ActActIcma => "ACT/ACT-ICMA",
        }
    }

    /// Days between `start` and `end` as the convention counts them.
    pub fn day_count(self, start: Date, end: Date) -> i64 {
        match self {
            DayCount::Thirty360BondBasis | DayCount::Thirty360European => {
                let (y1, m1, mut d1) = (
                    i64::from(start.year()),
                    i64::from(start.month()),
                    i64::from(start.day()),
                );
                let (y2, m2, mut d2) = (
                    i64::from(end.year()),
                    i64::from(end.month()),
                    i64::from(end.day()),
                );
                if self == DayCount::Thirty360BondBasis {
                    if d1 == 31 {
                        d1 = 30;
                    }
                    if d2 == 31 && d1 >= 30 {
                        d2 = 30;
                    }
                } else {
                    d1 = d1.min(30);
                    d2 = d2.min(30);
                }
                360 * (y2 - y1) + 30 * (m2 - m1) + (d2 - d1)
            }
            _ => actual_days(start, end),
        }
    }
}

/// Actual calendar days from `start` to `end` (negative when `end` is earlier).
fn actual_days(start: Date, end: Date) -> i64 {
    // A span between two civil dates in days always fits; jiff's default largest unit for
    // `Date::until` is days.
    start
        .until(end)
        .map(|span| i64::from(span.get_days()))
        .unwrap_or_default()
}

impl fmt::Display for DayCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for DayCount {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = s.trim().to_ascii_uppercase().replace(' ', "");
        match key.as_str() {
            "ACT/360" | "A004" => Ok(DayCount::Act360),
            "ACT/365F" | "ACT/365FIXED" | "A005" => Ok(DayCount::Act365Fixed),
            "30/360" | "30U/360" | "30/360BONDBASIS" => Ok(DayCount::Thirty360BondBasis),
            "30E/360" | "30/360EUROBOND" => Ok(DayCount::Thirty360European),
            "ACT/ACT-ICMA" | "ACT/ACTICMA" | "ACT/ACT" | "A006" => Ok(DayCount::ActActIcma),
            _ => Err(format!(
                "unknown day count '{s}', expected one of ACT/360, ACT/365F, 30/360, 30E/360, ACT/ACT-ICMA"
            )),
        }
    }
}

/// A fixed-coupon bond's coupon terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CouponTerms {
    /// Annual coupon rate as a fraction (0.05 is 5%).
    pub rate: Decimal,
    /// Coupons a year: 1, 2, 4 or 12.
    pub frequency: u8,
    /// Day-count convention.
    pub day_count: DayCount,
    /// Interest accrues from this date.
    pub issue_date: Date,
    /// The last coupon and principal are paid on this date.
    pub maturity_date: Date,
}

/// Why accrued interest cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccruedError {
    /// The settlement date is outside `[issue date, maturity date)`.
    #[error("settlement date {settlement} is outside the bond's life ({issue} to {maturity})")]
    OutsideLife {
        /// The settlement date asked about.
        settlement: Date,
        /// Issue date.
        issue: Date,
        /// Maturity date.
        maturity: Date,
    },
    /// The frequency is not 1, 2, 4 or 12.
    #[error("coupon frequency must be 1, 2, 4 or 12 a year, found {0}")]
    Frequency(u8),
    /// The amount overflows exact decimal range.
    #[error("accrued interest overflows the exact decimal range")]
    Overflow,
}

/// The coupon period around a date: accrual runs from `start` (the issue date for a first
/// short coupon) to `end`; `reference_start..end` is the regular period ICMA divides by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CouponPeriod {
    /// Accrual start: the previous coupon date, or the issue date.
    pub start: Date,
    /// The regular period's start (equals `start` except in a first short coupon).
    pub reference_start: Date,
    /// The next coupon date.
    pub end: Date,
}

impl CouponTerms {
    fn months_per_period(&self) -> Result<i32, AccruedError> {
        match self.frequency {
            1 | 2 | 4 | 12 => Ok(12 / i32::from(self.frequency)),
            f => Err(AccruedError::Frequency(f)),
        }
    }

    /// The `k`-th coupon date counted back from maturity (k = 0 is maturity). Each date is
    /// computed from maturity directly, so a 31st does not drift to the 30th.
    fn coupon_date(&self, k: i32, months: i32) -> Option<Date> {
        self.maturity_date
            .checked_sub(jiff::Span::new().months(k * months))
            .ok()
    }

    /// The coupon period in which `settlement` falls (start ≤ settlement < end).
    pub fn period(&self, settlement: Date) -> Result<CouponPeriod, AccruedError> {
        let outside = AccruedError::OutsideLife {
            settlement,
            issue: self.issue_date,
            maturity: self.maturity_date,
        };
        if settlement < self.issue_date || settlement >= self.maturity_date {
            return Err(outside);
        }
        let months = self.months_per_period()?;
        let gap = (i32::from(self.maturity_date.year()) - i32::from(settlement.year())) * 12
            + i32::from(self.maturity_date.month())
            - i32::from(settlement.month());
        // Start a little below the estimate and walk back until the coupon date is on or
        // before settlement; at most a few steps.
        let mut k = (gap / months - 1).max(1);
        let mut end = self.coupon_date(k - 1, months).ok_or(outside.clone())?;
        loop {
            let start = self.coupon_date(k, months).ok_or(outside.clone())?;
            if start <= settlement {
                if end <= settlement {
                    // The estimate was too far back; step forward.
                    k -= 1;
                    end = self.coupon_date(k - 1, months).ok_or(outside.clone())?;
                    continue;
                }
                return Ok(CouponPeriod {
                    start: start.max(self.issue_date),
                    reference_start: start,
                    end,
                });
            }
            end = start;
            k += 1;
        }
    }

    /// Accrued interest on `nominal` for settlement on `settlement`, unrounded.
    pub fn accrued(&self, nominal: Decimal, settlement: Date) -> Result<Decimal, AccruedError> {
        let p = self.period(settlement)?;
        let overflow = || AccruedError::Overflow;
        let base = nominal.checked_mul(self.rate).ok_or_else(overflow)?;
        let days = Decimal::from(self.day_count.day_count(p.start, settlement));
        let denominator = match self.day_count {
            DayCount::Act360 | DayCount::Thirty360BondBasis | DayCount::Thirty360European => {
                Decimal::from(360)
            }
            DayCount::Act365Fixed => Decimal::from(365),
            DayCount::ActActIcma => {
                Decimal::from(i64::from(self.frequency) * actual_days(p.reference_start, p.end))
            }
        };
        base.checked_mul(days)
            .ok_or_else(overflow)?
            .checked_div(denominator)
            .ok_or_else(overflow)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::RoundingMode;
    use jiff::civil::date;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn bond(day_count: DayCount) -> CouponTerms {
        CouponTerms {
            rate: d("0.05"),
            frequency: 2,
            day_count,
            issue_date: date(2020, 3, 1),
            maturity_date: date(2030, 3, 1),
        }
    }

    /// docs/domain.md §5: 5% semi-annual, nominal 1,000,000, last coupon 1 Mar 2025, settlement
    /// 16 Jul 2025: 137 actual days, 135 days 30/360, 184 days in the period.
    #[test]
    fn worked_example_in_every_day_count() {
        let expected = [
            (DayCount::Act360, "19027.78"),
            (DayCount::Act365Fixed, "18767.12"),
            (DayCount::Thirty360BondBasis, "18750.00"),
            (DayCount::Thirty360European, "18750.00"),
            (DayCount::ActActIcma, "18614.13"),
        ];
        for (dc, amount) in expected {
            let accrued = bond(dc).accrued(d("1000000"), date(2025, 7, 16)).unwrap();
            assert_eq!(RoundingMode::HalfUp.round(accrued, 2), d(amount), "{dc}");
        }
        let period = bond(DayCount::ActActIcma)
            .period(date(2025, 7, 16))
            .unwrap();
        assert_eq!(
            (period.start, period.end),
            (date(2025, 3, 1), date(2025, 9, 1))
        );
    }

    /// docs/domain.md §5: 15 Feb → 31 May 2025 is 106 days Bond Basis, 105 days 30E/360.
    #[test]
    fn thirty_360_variants_differ_on_the_31st() {
        let (a, b) = (date(2025, 2, 15), date(2025, 5, 31));
        assert_eq!(DayCount::Thirty360BondBasis.day_count(a, b), 106);
        assert_eq!(DayCount::Thirty360European.day_count(a, b), 105);
        assert_eq!(
            DayCount::Act360.day_count(date(2025, 3, 1), date(2025, 7, 16)),
            137
        );
    }

    #[test]
    fn month_end_coupons_do_not_drift_and_settlement_outside_life_is_refused() {
        let terms = CouponTerms {
            maturity_date: date(2030, 8, 31),
            issue_date: date(2020, 8, 31),
            ..bond(DayCount::ActActIcma)
        };
        let p = terms.period(date(2025, 4, 15)).unwrap();
        assert_eq!((p.start, p.end), (date(2025, 2, 28), date(2025, 8, 31)));
        assert!(terms.accrued(d("100"), date(2030, 8, 31)).is_err());
        assert!(terms.accrued(d("100"), date(2019, 1, 1)).is_err());
        assert_eq!(
            terms.accrued(d("100"), date(2025, 8, 31)).unwrap(),
            Decimal::ZERO
        );
    }
}
