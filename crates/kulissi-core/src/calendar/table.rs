//! A precomputed closed-day table per named calendar, 1990–2099, so that business-day
//! arithmetic on the booking path is a bit lookup rather than a run of the holiday rules.
//!
//! The table is a cache of the rules, built from them on first use of each calendar (a few
//! milliseconds) and never written again; dates outside its range go to the rules directly.
//! Tests compare table and rules day by day.

use std::sync::OnceLock;

use jiff::civil::{Date, Weekday};

use super::CalendarName;
use super::day::Day;

const FIRST_YEAR: i32 = 1990;
const LAST_YEAR: i32 = 2099;

/// Days from 1970-01-01 (Howard Hinnant's days-from-civil), exact for the Gregorian calendar.
fn days_from_civil(y: i32, m: i32, d: i32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn first_day() -> i32 {
    days_from_civil(FIRST_YEAR, 1, 1)
}

fn day_count() -> usize {
    (days_from_civil(LAST_YEAR + 1, 1, 1) - first_day()) as usize
}

/// The index of `date` in the tables, if it is within 1990–2099.
pub(super) fn day_index(date: Date) -> Option<usize> {
    let year = i32::from(date.year());
    if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
        return None;
    }
    Some(
        (days_from_civil(year, i32::from(date.month()), i32::from(date.day())) - first_day())
            as usize,
    )
}

static TABLES: [OnceLock<Vec<u64>>; 12] = [const { OnceLock::new() }; 12];

/// Whether `calendar` is closed (weekend days excepted, the caller checks those) on the day
/// with `index`.
pub(super) fn closed(calendar: CalendarName, index: usize) -> bool {
    let table = TABLES[calendar as usize].get_or_init(|| build(calendar));
    table
        .get(index / 64)
        .is_some_and(|word| word & (1 << (index % 64)) != 0)
}

fn build(calendar: CalendarName) -> Vec<u64> {
    let mut bits = vec![0u64; day_count().div_ceil(64)];
    let Ok(start) = Date::new(FIRST_YEAR as i16, 1, 1) else {
        return bits;
    };
    for (index, date) in start
        .series(jiff::Span::new().days(1))
        .take(day_count())
        .enumerate()
    {
        if matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday) {
            continue;
        }
        if calendar.holiday(date, &Day::new(date)).is_some() {
            bits[index / 64] |= 1 << (index % 64);
        }
    }
    bits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Calendar;

    #[test]
    fn days_from_civil_agrees_with_jiff() {
        let epoch = jiff::civil::date(1970, 1, 1);
        for date in [
            jiff::civil::date(1990, 1, 1),
            jiff::civil::date(2000, 2, 29),
            jiff::civil::date(2099, 12, 31),
            jiff::civil::date(1969, 12, 31),
        ] {
            let expected = epoch.until(date).unwrap().get_days();
            assert_eq!(
                days_from_civil(
                    i32::from(date.year()),
                    i32::from(date.month()),
                    i32::from(date.day())
                ),
                expected
            );
        }
    }

    /// The table is exactly the rules, for every calendar and every day it covers.
    #[test]
    fn table_equals_rules_everywhere() {
        let start = jiff::civil::date(1990, 1, 1);
        for name in CalendarName::ALL {
            let calendar = Calendar::from(name);
            for date in start.series(jiff::Span::new().days(1)).take(day_count()) {
                let by_rules = !calendar.is_weekend(date) && calendar.holiday_name(date).is_none();
                assert_eq!(calendar.is_business_day(date), by_rules, "{name} {date}");
            }
        }
    }
}
