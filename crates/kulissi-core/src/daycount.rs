//! Day-count conventions, coupon schedules, coupon amounts and bond accrued interest.
//!
//! `accrued = nominal × coupon rate × day-count fraction(accrual start, settlement date)`,
//! computed exactly (the division comes last, so a fraction such as 137/360 costs one
//! rounding at the 28th significant digit) and rounded to the currency by the caller; a coupon
//! is the same over its whole period. Coupon dates are unadjusted and generated backwards from
//! maturity, as bond prospectuses and QuantLib's backward schedules do, down to the first
//! coupon date (named, or the first regular date after issue); the first period may be a
//! short or a long stub, and under the end-of-month rule a month-end maturity puts every
//! coupon on a month-end. ACT/ACT-ICMA divides a stub by its notional regular periods. The
//! fixture tests compare accrued interest (600 bonds), interest between two dates (259) and
//! every coupon of 150 bonds with QuantLib 1.44.

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
    /// The first coupon date when the prospectus names one: a regular coupon date counted
    /// back from maturity, after the issue date. `None`: the first regular date after issue.
    pub first_coupon_date: Option<Date>,
    /// The end-of-month rule: when maturity is the last day of its month, every coupon date
    /// is the last day of its month (30 Jun, 31 Dec rather than 30 Jun, 30 Dec).
    pub end_of_month: bool,
}

/// Why accrued interest or a coupon cannot be computed.
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
    /// The issue date is not before the maturity date.
    #[error("issue date {issue} is not before maturity date {maturity}")]
    Life {
        /// Issue date.
        issue: Date,
        /// Maturity date.
        maturity: Date,
    },
    /// The first coupon date is not after the issue date, is after maturity, or is not one
    /// of the regular coupon dates counted back from maturity.
    #[error(
        "first coupon date {first_coupon} must be a regular coupon date after issue {issue} and not after maturity {maturity}"
    )]
    FirstCouponDate {
        /// The first coupon date given.
        first_coupon: Date,
        /// Issue date.
        issue: Date,
        /// Maturity date.
        maturity: Date,
    },
    /// No coupon is paid on the date asked about.
    #[error("no coupon is paid on {0}")]
    NotACouponDate(Date),
    /// The frequency is not 1, 2, 4 or 12.
    #[error("coupon frequency must be 1, 2, 4 or 12 a year, found {0}")]
    Frequency(u8),
    /// The amount, or a date, overflows its range.
    #[error("accrued interest overflows the exact decimal range")]
    Overflow,
}

/// The coupon period around a date: accrual runs from `start` (the issue date in the first
/// period) to `end`; `reference_start..end` is the regular (for a long first coupon: the last
/// notional regular) period that ACT/ACT-ICMA divides by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CouponPeriod {
    /// Accrual start: the previous coupon date, or the issue date.
    pub start: Date,
    /// The regular period's start: equals `start` in a regular period, is before it in a
    /// short first coupon and after it in a long one.
    pub reference_start: Date,
    /// The next coupon date.
    pub end: Date,
}

/// The regular coupon dates counted back from maturity: date `k` is maturity less `k`
/// periods, computed from maturity directly (so a 31st does not drift to the 30th), and moved
/// to the last day of its month under the end-of-month rule.
struct Grid {
    maturity: Date,
    months: i32,
    end_of_month: bool,
}

impl Grid {
    /// The `k`-th regular date before maturity (k = 0 is maturity); `None` before year −9999.
    fn date(&self, k: i32) -> Option<Date> {
        let months = k.checked_mul(self.months)?;
        let d = self
            .maturity
            .checked_sub(jiff::Span::new().try_months(months).ok()?)
            .ok()?;
        Some(if self.end_of_month {
            d.last_of_month()
        } else {
            d
        })
    }

    /// The largest `k` whose date is after `d`, for `d` before maturity.
    fn last_after(&self, d: Date) -> i32 {
        let gap = (i32::from(self.maturity.year()) - i32::from(d.year())) * 12
            + i32::from(self.maturity.month())
            - i32::from(d.month());
        // Start a little below the estimate and walk; at most a few steps.
        let mut k = (gap / self.months - 1).max(0);
        while k > 0 && self.date(k).is_none_or(|g| g <= d) {
            k -= 1;
        }
        while self.date(k + 1).is_some_and(|g| g > d) {
            k += 1;
        }
        k
    }
}

/// `d` moved back by `months` months, as QuantLib's unadjusted `Calendar::advance` does:
/// the day is clamped to the month's length, and with the end-of-month rule a month-end date
/// goes to the month-end.
fn months_before(d: Date, months: i32, end_of_month: bool) -> Option<Date> {
    let back = d
        .checked_sub(jiff::Span::new().try_months(months).ok()?)
        .ok()?;
    Some(if end_of_month && d == d.last_of_month() {
        back.last_of_month()
    } else {
        back
    })
}

/// The first coupon: its payment date, its index on the grid, and the start of the reference
/// period ACT/ACT-ICMA divides by (`None` before year −9999).
struct FirstCoupon {
    date: Date,
    index: i32,
    reference_start: Option<Date>,
}

impl CouponTerms {
    fn months_per_period(&self) -> Result<i32, AccruedError> {
        match self.frequency {
            1 | 2 | 4 | 12 => Ok(12 / i32::from(self.frequency)),
            f => Err(AccruedError::Frequency(f)),
        }
    }

    fn grid(&self) -> Result<Grid, AccruedError> {
        Ok(Grid {
            maturity: self.maturity_date,
            months: self.months_per_period()?,
            end_of_month: self.end_of_month
                && self.maturity_date == self.maturity_date.last_of_month(),
        })
    }

    /// Checks the terms and finds the first coupon. The reference period of the first coupon
    /// is the regular period ending on it (QuantLib's `FixedRateLeg`), except when the issue
    /// date is itself a regular date and no first coupon date was named: then the first
    /// period is regular.
    fn first_coupon(&self, grid: &Grid) -> Result<FirstCoupon, AccruedError> {
        let (issue, maturity) = (self.issue_date, self.maturity_date);
        if issue >= maturity {
            return Err(AccruedError::Life { issue, maturity });
        }
        let (index, date) = match self.first_coupon_date {
            Some(first) => {
                let wrong = AccruedError::FirstCouponDate {
                    first_coupon: first,
                    issue,
                    maturity,
                };
                if first <= issue || first > maturity {
                    return Err(wrong);
                }
                let index = grid.last_after(first.yesterday().map_err(|_| wrong.clone())?);
                if grid.date(index) != Some(first) {
                    return Err(wrong);
                }
                (index, first)
            }
            None => {
                let index = grid.last_after(issue);
                (index, grid.date(index).ok_or(AccruedError::Overflow)?)
            }
        };
        let reference_start =
            if self.first_coupon_date.is_none() && grid.date(index + 1) == Some(issue) {
                Some(issue)
            } else {
                months_before(date, grid.months, self.end_of_month)
            };
        Ok(FirstCoupon {
            date,
            index,
            reference_start,
        })
    }

    /// The coupon payment dates, ascending; the last is maturity. Fails on impossible terms.
    pub fn coupon_dates(&self) -> Result<Vec<Date>, AccruedError> {
        let grid = self.grid()?;
        let first = self.first_coupon(&grid)?;
        (0..=first.index)
            .rev()
            .map(|k| grid.date(k).ok_or(AccruedError::Overflow))
            .collect()
    }

    /// The coupon period in which `settlement` falls (start ≤ settlement < end).
    pub fn period(&self, settlement: Date) -> Result<CouponPeriod, AccruedError> {
        if settlement < self.issue_date || settlement >= self.maturity_date {
            return Err(AccruedError::OutsideLife {
                settlement,
                issue: self.issue_date,
                maturity: self.maturity_date,
            });
        }
        let grid = self.grid()?;
        let first = self.first_coupon(&grid)?;
        if settlement < first.date {
            return Ok(CouponPeriod {
                start: self.issue_date,
                reference_start: first.reference_start.ok_or(AccruedError::Overflow)?,
                end: first.date,
            });
        }
        let k = grid.last_after(settlement);
        let (start, end) = (grid.date(k + 1), grid.date(k));
        let (Some(start), Some(end)) = (start, end) else {
            return Err(AccruedError::Overflow);
        };
        Ok(CouponPeriod {
            start,
            reference_start: start,
            end,
        })
    }

    /// Accrued interest on `nominal` for settlement on `settlement`, unrounded: QuantLib's
    /// `FixedRateBond::accruedAmount`.
    pub fn accrued(&self, nominal: Decimal, settlement: Date) -> Result<Decimal, AccruedError> {
        let p = self.period(settlement)?;
        self.interest(nominal, &p, settlement)
    }

    /// The coupon paid on `payment_date` on `nominal`, unrounded: the interest of the whole
    /// period by the day count (QuantLib's `FixedRateCoupon::amount`). The caller rounds it
    /// to the currency.
    pub fn coupon_amount(
        &self,
        nominal: Decimal,
        payment_date: Date,
    ) -> Result<Decimal, AccruedError> {
        let not_paid = AccruedError::NotACouponDate(payment_date);
        let day_before = payment_date.yesterday().map_err(|_| not_paid.clone())?;
        let p = match self.period(day_before) {
            Ok(p) if p.end == payment_date => p,
            Ok(_) | Err(AccruedError::OutsideLife { .. }) => return Err(not_paid),
            Err(e) => return Err(e),
        };
        self.interest(nominal, &p, payment_date)
    }

    /// Interest earned on `nominal` held from `from` to `to` (both in the bond's life, maturity
    /// included): the coupons paid in `(from, to]` plus accrued at `to` less accrued at `from`;
    /// negative when `to` is before `from`.
    pub fn interest_between(
        &self,
        nominal: Decimal,
        from: Date,
        to: Date,
    ) -> Result<Decimal, AccruedError> {
        if to < from {
            return self
                .interest_between(nominal, to, from)
                .map(std::ops::Neg::neg);
        }
        let accrued_at = |d: Date| {
            if d == self.maturity_date {
                Ok(Decimal::ZERO)
            } else {
                self.accrued(nominal, d)
            }
        };
        let (start, end) = (accrued_at(from)?, accrued_at(to)?);
        let mut total = end.checked_sub(start).ok_or(AccruedError::Overflow)?;
        for date in self.coupon_dates()? {
            if date > from && date <= to {
                let coupon = self.coupon_amount(nominal, date)?;
                total = total.checked_add(coupon).ok_or(AccruedError::Overflow)?;
            }
        }
        Ok(total)
    }

    /// Interest on `nominal` in period `p` from its start to `until` (≤ its end).
    fn interest(
        &self,
        nominal: Decimal,
        p: &CouponPeriod,
        until: Date,
    ) -> Result<Decimal, AccruedError> {
        let base = nominal
            .checked_mul(self.rate)
            .ok_or(AccruedError::Overflow)?;
        let basis = match self.day_count {
            DayCount::Act360 | DayCount::Thirty360BondBasis | DayCount::Thirty360European => 360,
            DayCount::Act365Fixed => 365,
            DayCount::ActActIcma => return icma(base, p.start, until, p.reference_start, p.end),
        };
        let days = Decimal::from(self.day_count.day_count(p.start, until));
        base.checked_mul(days)
            .ok_or(AccruedError::Overflow)?
            .checked_div(Decimal::from(basis))
            .ok_or(AccruedError::Overflow)
    }
}

/// `base × ` the ACT/ACT-ICMA fraction of `from..to` with reference period
/// `reference_start..reference_end` (`to` ≤ `reference_end`), as QuantLib's
/// `ActualActual(ISMA)` computes it: within a reference period, `(months / 12) × days /
/// days in the period`, where `months` is the period's length rounded to whole months;
/// before the reference period (a long first coupon), the same over the notional periods
/// counted back from it one period at a time.
fn icma(
    base: Decimal,
    from: Date,
    to: Date,
    reference_start: Date,
    reference_end: Date,
) -> Result<Decimal, AccruedError> {
    let overflow = || AccruedError::Overflow;
    let (mut to, mut start, mut end) = (to, reference_start, reference_end);
    let mut total = Decimal::ZERO;
    if from >= to {
        return Ok(total);
    }
    loop {
        let mut period_days = actual_days(start, end);
        // The period in whole months, rounded half away from zero (it is never a tie).
        let mut months = (24 * period_days + 365) / 730;
        if months == 0 {
            // A period under half a month: QuantLib takes a year from `from` instead.
            start = from;
            end = from
                .checked_add(jiff::Span::new().years(1))
                .map_err(|_| overflow())?;
            period_days = actual_days(start, end);
            months = 12;
        }
        // `base × months × days / (12 × period days)`: one division per period.
        let part = |a: Date, b: Date| {
            base.checked_mul(Decimal::from(months * actual_days(a, b)))
                .and_then(|v| v.checked_div(Decimal::from(12 * period_days)))
                .ok_or_else(overflow)
        };
        if from >= start {
            return total.checked_add(part(from, to)?).ok_or_else(overflow);
        }
        if to > start {
            total = total.checked_add(part(start, to)?).ok_or_else(overflow)?;
            to = start;
        }
        let previous = jiff::Span::new()
            .try_months(months)
            .ok()
            .and_then(|span| start.checked_sub(span).ok())
            .ok_or_else(overflow)?;
        end = start;
        start = previous;
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
            first_coupon_date: None,
            end_of_month: false,
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

    /// A 5% semi-annual ACT/ACT-ICMA bond maturing 15 Sep 2027, issued 10 Jan 2025.
    fn stub_bond(first_coupon: Option<Date>) -> CouponTerms {
        CouponTerms {
            issue_date: date(2025, 1, 10),
            maturity_date: date(2027, 9, 15),
            first_coupon_date: first_coupon,
            ..bond(DayCount::ActActIcma)
        }
    }

    #[test]
    fn a_short_first_coupon_runs_from_issue_and_divides_by_its_regular_period() {
        let terms = stub_bond(None);
        assert_eq!(
            terms.coupon_dates().unwrap(),
            [
                date(2025, 3, 15),
                date(2025, 9, 15),
                date(2026, 3, 15),
                date(2026, 9, 15),
                date(2027, 3, 15),
                date(2027, 9, 15)
            ]
        );
        let p = terms.period(date(2025, 2, 1)).unwrap();
        assert_eq!(
            (p.start, p.reference_start, p.end),
            (date(2025, 1, 10), date(2024, 9, 15), date(2025, 3, 15))
        );
        // 64 of the 181 days from 15 Sep 2024 to 15 Mar 2025, half a year's coupon each.
        let coupon = terms
            .coupon_amount(d("1000000"), date(2025, 3, 15))
            .unwrap();
        assert_eq!(RoundingMode::HalfUp.round(coupon, 2), d("8839.78"));
        // Regular periods pay nominal × rate / frequency exactly.
        assert_eq!(
            terms.coupon_amount(d("1000000"), date(2025, 9, 15)),
            Ok(d("25000"))
        );
    }

    #[test]
    fn a_long_first_coupon_accrues_over_its_notional_periods() {
        let terms = stub_bond(Some(date(2025, 9, 15)));
        assert_eq!(terms.coupon_dates().unwrap()[0], date(2025, 9, 15));
        let p = terms.period(date(2025, 1, 10)).unwrap();
        assert_eq!(
            (p.start, p.reference_start, p.end),
            (date(2025, 1, 10), date(2025, 3, 15), date(2025, 9, 15))
        );
        // 64/181 of the notional period ending 15 Mar 2025, then a whole regular period.
        let coupon = terms
            .coupon_amount(d("1000000"), date(2025, 9, 15))
            .unwrap();
        assert_eq!(RoundingMode::HalfUp.round(coupon, 2), d("33839.78"));
        // Before the notional date only the first notional period has accrued; after it,
        // that period's share and the days since.
        let march = terms.accrued(d("1000000"), date(2025, 3, 15)).unwrap();
        assert_eq!(RoundingMode::HalfUp.round(march, 2), d("8839.78"));
        let april = terms.accrued(d("1000000"), date(2025, 4, 15)).unwrap();
        assert_eq!(
            RoundingMode::HalfUp.round(april - march, 2),
            RoundingMode::HalfUp.round(d("25000") * d("31") / d("184"), 2)
        );
    }

    #[test]
    fn the_end_of_month_rule_keeps_coupons_on_month_ends() {
        let terms = CouponTerms {
            issue_date: date(2025, 1, 10),
            maturity_date: date(2027, 2, 28),
            end_of_month: true,
            ..bond(DayCount::Thirty360BondBasis)
        };
        assert_eq!(
            terms.coupon_dates().unwrap(),
            [
                date(2025, 2, 28),
                date(2025, 8, 31),
                date(2026, 2, 28),
                date(2026, 8, 31),
                date(2027, 2, 28)
            ]
        );
        // Without the rule, the coupons fall on the 28th.
        let plain = CouponTerms {
            end_of_month: false,
            ..terms
        };
        assert_eq!(plain.coupon_dates().unwrap()[1], date(2025, 8, 28));
        // 30/360 Bond Basis counts 28 Feb to 31 Aug as 183 days, as QuantLib does.
        assert_eq!(
            terms.coupon_amount(d("1000000"), date(2025, 8, 31)),
            Ok(d("1000000") * d("0.05") * d("183") / d("360"))
        );
    }

    #[test]
    fn impossible_terms_and_non_coupon_dates_are_typed_errors() {
        let off_schedule = stub_bond(Some(date(2025, 9, 16)));
        assert!(matches!(
            off_schedule.coupon_dates(),
            Err(AccruedError::FirstCouponDate { .. })
        ));
        assert!(matches!(
            off_schedule.accrued(d("100"), date(2025, 2, 1)),
            Err(AccruedError::FirstCouponDate { .. })
        ));
        for first in [date(2025, 1, 10), date(2024, 9, 15), date(2028, 3, 15)] {
            assert!(stub_bond(Some(first)).coupon_dates().is_err(), "{first}");
        }
        let backwards = CouponTerms {
            issue_date: date(2028, 1, 1),
            ..stub_bond(None)
        };
        assert!(matches!(
            backwards.coupon_dates(),
            Err(AccruedError::Life { .. })
        ));
        let terms = stub_bond(None);
        assert_eq!(
            terms.coupon_amount(d("100"), date(2025, 3, 16)),
            Err(AccruedError::NotACouponDate(date(2025, 3, 16)))
        );
        assert_eq!(
            terms.coupon_amount(d("100"), date(2025, 1, 10)),
            Err(AccruedError::NotACouponDate(date(2025, 1, 10)))
        );
        // At the ends of the calendar: an answer or a typed error, never a panic.
        for first in [None, Some(Date::MAX), Some(date(2000, 12, 31))] {
            for day_count in DayCount::ALL {
                let extreme = CouponTerms {
                    issue_date: Date::MIN,
                    maturity_date: Date::MAX,
                    frequency: 1,
                    end_of_month: true,
                    day_count,
                    ..stub_bond(first)
                };
                for at in [Date::MIN, date(2000, 1, 31), Date::MAX] {
                    let _ = extreme.accrued(Decimal::MAX, at);
                    let _ = extreme.coupon_amount(d("1"), at);
                    let _ = extreme.interest_between(d("1"), Date::MIN, at);
                }
                assert!(extreme.coupon_dates().is_ok(), "{first:?}");
            }
        }
        assert!(
            CouponTerms {
                frequency: 3,
                ..terms
            }
            .coupon_dates()
            .is_err()
        );
    }

    #[test]
    fn interest_between_two_dates_is_accrual_plus_coupons_paid() {
        let terms = stub_bond(Some(date(2025, 9, 15)));
        let n = d("1000000");
        let (from, to) = (date(2025, 6, 1), date(2026, 4, 1));
        let earned = terms.interest_between(n, from, to).unwrap();
        let expected = terms.accrued(n, to).unwrap() - terms.accrued(n, from).unwrap()
            + terms.coupon_amount(n, date(2025, 9, 15)).unwrap()
            + terms.coupon_amount(n, date(2026, 3, 15)).unwrap();
        assert_eq!(earned, expected);
        assert_eq!(terms.interest_between(n, to, from), Ok(-earned));
        // Held from issue to maturity: every coupon.
        let all: Decimal = terms
            .coupon_dates()
            .unwrap()
            .into_iter()
            .map(|c| terms.coupon_amount(n, c).unwrap())
            .sum();
        assert_eq!(
            terms.interest_between(n, terms.issue_date, terms.maturity_date),
            Ok(all)
        );
    }

    #[test]
    fn month_end_coupons_do_not_drift_and_settlement_outside_life_is_refused() {
        let terms = CouponTerms {
            maturity_date: date(2030, 8, 31),
            issue_date: date(2020, 8, 31),
            ..bond(DayCount::ActActIcma)
        };
        assert_eq!(
            terms.coupon_dates().unwrap()[..2],
            [date(2021, 2, 28), date(2021, 8, 31)]
        );
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
