//! Coupon schedules, coupon amounts and accrued interest agree with QuantLib 1.44
//! (`FixedRateBond` on an unadjusted backward `Schedule`): regular bonds, short and long first
//! coupons, and end-of-month bonds, in every day count and frequency. The fixtures are written
//! by `tools/oracles/quantlib_accrued.py`:
//!
//! - `quantlib-accrued.csv`: accrued interest at one settlement date per bond;
//! - `quantlib-accrual-between.csv`: accrued interest at two dates and the coupons paid
//!   between them;
//! - `quantlib-coupons.csv`: every coupon payment date and amount of each bond.
//!
//! Every bond row starts with `day_count,frequency,coupon,issue,maturity,first_coupon,
//! end_of_month,first_period`, the last being QuantLib's verdict on the first coupon.

use std::collections::BTreeMap;

use kulissi_core::Decimal;
use kulissi_core::daycount::{CouponTerms, DayCount};
use kulissi_core::money::RoundingMode;

use crate::fixtures::{csv_rows, date, own_fixture};

const BOND_COLUMNS: usize = 8;

/// A bond as a fixture row describes it.
struct Bond {
    terms: CouponTerms,
    /// QuantLib's verdict on the first coupon: regular, short or long.
    first_period: String,
}

impl Bond {
    fn from_row(row: &[String]) -> Bond {
        Bond {
            terms: CouponTerms {
                day_count: row[0].parse::<DayCount>().unwrap(),
                frequency: row[1].parse().unwrap(),
                rate: row[2].parse().unwrap(),
                issue_date: date(&row[3]),
                maturity_date: date(&row[4]),
                first_coupon_date: (!row[5].is_empty()).then(|| date(&row[5])),
                end_of_month: match row[6].as_str() {
                    "true" => true,
                    "false" => false,
                    other => panic!("bad end_of_month {other:?}"),
                },
            },
            first_period: row[7].clone(),
        }
    }

    /// The categories a row counts towards.
    fn categories(&self) -> Vec<String> {
        let t = &self.terms;
        let mut c = vec![
            format!("{}", t.day_count),
            format!("frequency {}", t.frequency),
            format!("{} first coupon", self.first_period),
        ];
        if t.first_coupon_date.is_some() {
            c.push("first coupon date given".into());
        }
        if t.end_of_month && t.maturity_date == t.maturity_date.last_of_month() {
            c.push("end of month".into());
        }
        c
    }

    /// Our own verdict on the first coupon, from the period around the issue date.
    fn our_first_period(&self) -> &'static str {
        let p = self.terms.period(self.terms.issue_date).unwrap();
        match p.start.cmp(&p.reference_start) {
            std::cmp::Ordering::Equal => "regular",
            std::cmp::Ordering::Greater => "short",
            std::cmp::Ordering::Less => "long",
        }
    }
}

fn nominal() -> Decimal {
    Decimal::from(1_000_000)
}

fn decimal(s: &str) -> Decimal {
    s.parse()
        .unwrap_or_else(|e| panic!("bad amount {s:?}: {e}"))
}

/// QuantLib computes in f64; its value is exact to well under a millionth here. Both must
/// also round to the same cent (half up), as a booked amount would.
fn agrees(ours: Decimal, quantlib: Decimal) -> bool {
    let tolerance = Decimal::new(1, 6);
    (ours - quantlib).abs() <= tolerance
        && RoundingMode::HalfUp.round(ours, 2) == RoundingMode::HalfUp.round(quantlib, 2)
}

/// Counts per category, and asserts every listed category has at least its minimum.
fn assert_counts(counts: &BTreeMap<String, usize>, minimums: &[(&str, usize)]) {
    for (category, minimum) in minimums {
        let n = counts.get(*category).copied().unwrap_or(0);
        assert!(
            n >= *minimum,
            "{category}: {n} rows, expected at least {minimum}; {counts:#?}"
        );
    }
}

fn assert_no_disagreements(wrong: &[String]) {
    assert!(
        wrong.is_empty(),
        "{} disagreements: {:#?}",
        wrong.len(),
        &wrong[..wrong.len().min(10)]
    );
}

#[test]
fn accrued_interest_agrees_with_quantlib() {
    let rows = csv_rows(&own_fixture("quantlib-accrued.csv"));
    assert!(rows.len() >= 500);
    let mut wrong = Vec::new();
    let mut counts = BTreeMap::new();
    for row in &rows {
        let bond = Bond::from_row(row);
        let settlement = date(&row[BOND_COLUMNS]);
        let quantlib = decimal(&row[BOND_COLUMNS + 1]);
        let ours = bond.terms.accrued(nominal(), settlement).unwrap();
        for category in bond.categories() {
            *counts.entry(category).or_insert(0) += 1;
        }
        if !agrees(ours, quantlib) || bond.our_first_period() != bond.first_period {
            wrong.push(format!(
                "{row:?}: Kulissi {ours}, first coupon {}",
                bond.our_first_period()
            ));
        }
    }
    assert_counts(
        &counts,
        &[
            ("ACT/360", 100),
            ("ACT/365F", 100),
            ("30/360", 100),
            ("30E/360", 100),
            ("ACT/ACT-ICMA", 100),
            ("frequency 1", 100),
            ("frequency 2", 100),
            ("frequency 4", 100),
            ("frequency 12", 100),
            ("regular first coupon", 300),
            ("short first coupon", 100),
            ("long first coupon", 100),
            ("first coupon date given", 150),
            ("end of month", 100),
        ],
    );
    assert_no_disagreements(&wrong);
}

/// Interest earned between two dates is accrued at the second, less accrued at the first,
/// plus the coupons paid in between; each part agrees with QuantLib.
#[test]
fn interest_between_two_dates_agrees_with_quantlib() {
    let rows = csv_rows(&own_fixture("quantlib-accrual-between.csv"));
    assert!(rows.len() >= 200);
    let mut wrong = Vec::new();
    let mut counts = BTreeMap::new();
    for row in &rows {
        let bond = Bond::from_row(row);
        let t = &bond.terms;
        let (d1, d2) = (date(&row[BOND_COLUMNS]), date(&row[BOND_COLUMNS + 1]));
        assert!(
            t.issue_date <= d1 && d1 < d2 && d2 < t.maturity_date,
            "{row:?}"
        );
        let [ql_d1, ql_d2, ql_coupons] = [2, 3, 4].map(|i| decimal(&row[BOND_COLUMNS + i]));
        let (ours_d1, ours_d2) = (
            t.accrued(nominal(), d1).unwrap(),
            t.accrued(nominal(), d2).unwrap(),
        );
        let mut ours_coupons = Decimal::ZERO;
        for paid in t.coupon_dates().unwrap() {
            if d1 < paid && paid <= d2 {
                ours_coupons += t.coupon_amount(nominal(), paid).unwrap();
            }
        }
        let ours_earned = t.interest_between(nominal(), d1, d2).unwrap();
        let ql_earned = ql_d2 - ql_d1 + ql_coupons;
        for category in bond.categories() {
            *counts.entry(category).or_insert(0) += 1;
        }
        if !agrees(ours_d1, ql_d1)
            || !agrees(ours_d2, ql_d2)
            || !agrees(ours_coupons, ql_coupons)
            || !agrees(ours_earned, ql_earned)
            || !agrees(ours_earned, ours_d2 - ours_d1 + ours_coupons)
        {
            wrong.push(format!(
                "{row:?}: Kulissi {ours_d1}, {ours_d2}, {ours_coupons}, earned {ours_earned}"
            ));
        }
    }
    assert_counts(
        &counts,
        &[
            ("ACT/360", 40),
            ("ACT/365F", 40),
            ("30/360", 40),
            ("30E/360", 40),
            ("ACT/ACT-ICMA", 40),
            ("short first coupon", 50),
            ("long first coupon", 50),
            ("end of month", 50),
        ],
    );
    assert_no_disagreements(&wrong);
}

/// Every bond's coupon dates are QuantLib's, and so is every coupon.
#[test]
fn coupon_dates_and_amounts_agree_with_quantlib() {
    let rows = csv_rows(&own_fixture("quantlib-coupons.csv"));
    let mut bonds: BTreeMap<u32, Vec<&Vec<String>>> = BTreeMap::new();
    for row in &rows {
        bonds.entry(row[0].parse().unwrap()).or_default().push(row);
    }
    assert!(bonds.len() >= 100);
    let mut wrong = Vec::new();
    let mut counts = BTreeMap::new();
    for rows in bonds.values() {
        let bond = Bond::from_row(&rows[0][1..]);
        let t = &bond.terms;
        let payment = |row: &Vec<String>| date(&row[1 + BOND_COLUMNS]);
        let quantlib_dates: Vec<_> = rows.iter().map(|r| payment(r)).collect();
        let ours = t.coupon_dates().unwrap();
        if ours != quantlib_dates {
            wrong.push(format!("{:?}: Kulissi dates {ours:?}", rows[0]));
        }
        for row in rows {
            let quantlib = decimal(&row[2 + BOND_COLUMNS]);
            match t.coupon_amount(nominal(), payment(row)) {
                Ok(amount) if agrees(amount, quantlib) => {}
                other => wrong.push(format!("{row:?}: Kulissi {other:?}")),
            }
        }
        for category in bond.categories() {
            *counts.entry(category).or_insert(0) += 1;
        }
    }
    assert_counts(
        &counts,
        &[
            ("ACT/360", 20),
            ("ACT/365F", 20),
            ("30/360", 20),
            ("30E/360", 20),
            ("ACT/ACT-ICMA", 20),
            ("short first coupon", 30),
            ("long first coupon", 30),
            ("end of month", 30),
        ],
    );
    assert_no_disagreements(&wrong);
}
