//! Properties of business-day arithmetic that hold for every calendar and date.

use jiff::civil::{Date, date};
use kulissi_core::calendar::{Calendar, CalendarName, Convention};
use proptest::prelude::*;

fn any_calendar() -> impl Strategy<Value = Calendar> {
    proptest::sample::subsequence(CalendarName::ALL.to_vec(), 1..=3)
        .prop_map(|names| Calendar::joint(&names))
}

fn any_date() -> impl Strategy<Value = Date> {
    (0i32..(110 * 365)).prop_map(|offset| {
        date(1990, 1, 1)
            .checked_add(jiff::Span::new().days(offset))
            .unwrap()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Adding n then −n business days never crosses the start: it returns to the start when
    /// the start is a business day, and to the business day before it otherwise.
    #[test]
    fn adding_n_then_minus_n_never_crosses_the_start(cal in any_calendar(), start in any_date(), n in 1i64..40) {
        for n in [n, -n] {
            let there = cal.add_business_days(start, n).unwrap();
            let back = cal.add_business_days(there, -n).unwrap();
            if n > 0 { prop_assert!(back <= start) } else { prop_assert!(back >= start) }
            if cal.is_business_day(start) {
                prop_assert_eq!(back, start);
            }
        }
    }

    /// The result of adding business days is a business day, and exactly n business days away.
    #[test]
    fn added_days_land_on_business_days(cal in any_calendar(), start in any_date(), n in -40i64..40) {
        let end = cal.add_business_days(start, n).unwrap();
        prop_assert!(cal.is_business_day(end));
        if n != 0 && cal.is_business_day(start) {
            prop_assert_eq!(cal.business_days_between(start, end), n);
        }
    }

    /// Rolling gives a business day, within the month for the modified conventions, and
    /// leaves business days alone.
    #[test]
    fn rolled_dates_are_business_days(cal in any_calendar(), d in any_date()) {
        for c in [Convention::Following, Convention::ModifiedFollowing, Convention::Preceding, Convention::ModifiedPreceding] {
            let rolled = cal.adjust(d, c).unwrap();
            prop_assert!(cal.is_business_day(rolled));
            if cal.is_business_day(d) { prop_assert_eq!(rolled, d); }
            if matches!(c, Convention::ModifiedFollowing | Convention::ModifiedPreceding) {
                prop_assert_eq!(rolled.month(), d.month());
            }
        }
    }

    /// A joint calendar is open exactly when every member is.
    #[test]
    fn joint_is_the_intersection_of_business_days(d in any_date(), names in proptest::sample::subsequence(CalendarName::ALL.to_vec(), 1..=4)) {
        let joint = Calendar::joint(&names);
        let all_open = names.iter().all(|n| Calendar::from(*n).is_business_day(d));
        prop_assert_eq!(joint.is_business_day(d), all_open);
    }
}
