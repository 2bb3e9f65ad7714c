//! Accrued interest agrees with QuantLib 1.44 (`FixedRateBond::accruedAmount`) on 300
//! seeded bonds across every day count, frequency and month-end maturities. The fixture is
//! written by `tools/oracles/quantlib_accrued.py`.

use kulissi_core::Decimal;
use kulissi_core::daycount::{CouponTerms, DayCount};
use kulissi_core::money::RoundingMode;

use crate::fixtures::{csv_rows, date, own_fixture};

#[test]
fn accrued_interest_agrees_with_quantlib() {
    let rows = csv_rows(&own_fixture("quantlib-accrued.csv"));
    assert!(rows.len() >= 300);
    let nominal = Decimal::from(1_000_000);
    // QuantLib computes in f64; its value is exact to well under a millionth here.
    let tolerance: Decimal = "0.000001".parse().unwrap();
    let mut wrong = Vec::new();
    let mut per_day_count = std::collections::BTreeMap::new();
    for row in &rows {
        let terms = CouponTerms {
            day_count: row[0].parse::<DayCount>().unwrap(),
            frequency: row[1].parse().unwrap(),
            rate: row[2].parse().unwrap(),
            issue_date: date(&row[3]),
            maturity_date: date(&row[4]),
        };
        let settlement = date(&row[5]);
        let quantlib: Decimal = row[6].parse().unwrap();
        let ours = terms.accrued(nominal, settlement).unwrap();
        *per_day_count.entry(row[0].clone()).or_insert(0) += 1;
        let cents_agree =
            RoundingMode::HalfUp.round(ours, 2) == RoundingMode::HalfUp.round(quantlib, 2);
        if (ours - quantlib).abs() > tolerance || !cents_agree {
            wrong.push(format!("{row:?}: Kulissi {ours}"));
        }
    }
    assert!(
        per_day_count.values().all(|&n| n >= 50),
        "{per_day_count:?}"
    );
    assert!(
        wrong.is_empty(),
        "{} disagreements: {:#?}",
        wrong.len(),
        &wrong[..wrong.len().min(10)]
    );
}
