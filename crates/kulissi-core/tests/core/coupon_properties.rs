//! Properties of coupon schedules and accrued interest, on any terms whatever.

use jiff::civil::Date;
use kulissi_core::Decimal;
use kulissi_core::daycount::{CouponTerms, DayCount};
use proptest::prelude::*;

/// Any date from 1900 to 2099, month-ends often.
fn any_date() -> impl Strategy<Value = Date> {
    (1900i16..2100, 1i8..=12, 1i64..=31).prop_map(|(y, m, d)| {
        let first = jiff::civil::date(y, m, 1);
        first
            .saturating_add(jiff::Span::new().days(d - 1))
            .min(first.last_of_month())
    })
}

fn any_terms() -> impl Strategy<Value = CouponTerms> {
    (
        proptest::sample::select(DayCount::ALL.to_vec()),
        prop_oneof![Just(1u8), Just(2), Just(4), Just(12), any::<u8>()],
        any_date(),
        any_date(),
        proptest::option::of(any_date()),
        any::<bool>(),
    )
        .prop_map(
            |(day_count, frequency, issue, maturity, first, eom)| CouponTerms {
                rate: Decimal::new(5, 2),
                frequency,
                day_count,
                issue_date: issue.min(maturity),
                maturity_date: maturity.max(issue),
                first_coupon_date: first,
                end_of_month: eom,
            },
        )
}

proptest! {
    /// Whatever the terms, an answer or a typed error; and when the schedule exists, the
    /// coupons and accrued interest fit it: dates ascend to maturity, the period around any
    /// date in the bond's life lies between two of them, accrued interest is zero on each
    /// coupon date, and interest from issue to maturity is the sum of the coupons.
    #[test]
    fn schedules_are_consistent_or_refused(terms in any_terms(), at in any_date()) {
        let nominal = Decimal::from(1_000_000);
        let _ = terms.accrued(nominal, at);
        let _ = terms.coupon_amount(nominal, at);
        let _ = terms.interest_between(nominal, terms.issue_date, at);
        if let Ok(dates) = terms.coupon_dates() {
            prop_assert_eq!(dates.last(), Some(&terms.maturity_date));
            prop_assert!(dates.windows(2).all(|w| w[0] < w[1]));
            prop_assert!(dates[0] > terms.issue_date);
            if let Some(first) = terms.first_coupon_date {
                prop_assert_eq!(dates[0], first);
            }
            if terms.issue_date <= at && at < terms.maturity_date {
                let p = terms.period(at).unwrap();
                prop_assert!(p.start <= at && at < p.end);
                prop_assert!(dates.contains(&p.end));
                prop_assert!(p.start == terms.issue_date || dates.contains(&p.start));
            }
            let mut total = Decimal::ZERO;
            for &paid in &dates {
                total += terms.coupon_amount(nominal, paid).unwrap();
                if paid < terms.maturity_date {
                    prop_assert_eq!(terms.accrued(nominal, paid).unwrap(), Decimal::ZERO);
                }
            }
            let earned = terms
                .interest_between(nominal, terms.issue_date, terms.maturity_date)
                .unwrap();
            prop_assert!((earned - total).abs() < Decimal::new(1, 18));
        }
    }
}
