//! Every calendar agrees with QuantLib 1.44.
//!
//! Two sources, both under `tests/fixtures/`: the shared oracle
//! (`quantlib-holidays-2000-2040.csv`, weekday holidays 2000–2040, copied from the project's
//! shared oracles and rebuilt by `tools/oracles/quantlib_shared_calendar.py`) and our own
//! fixture with the same content for 1990–2099, written by `tools/oracles/quantlib_calendars.py`
//! with pip-installed QuantLib 1.44, plus a sample of `Calendar::advance(date, n, Days)`
//! results that start on holidays and weekends.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::{Date, Weekday};
use kulissi_core::calendar::{Calendar, CalendarName};

use crate::fixtures::{csv_rows, date, own_fixture};

/// The weekday holidays per calendar listed in a `calendar,date` file.
fn holidays_by_calendar(path: &std::path::Path) -> BTreeMap<String, BTreeSet<Date>> {
    let mut map: BTreeMap<String, BTreeSet<Date>> = BTreeMap::new();
    for row in csv_rows(path) {
        map.entry(row[0].clone()).or_default().insert(date(&row[1]));
    }
    map
}

/// Both directions, for every weekday of `first..=last` and every calendar: each listed date
/// is a holiday, every other weekday is a business day. Returns the disagreements.
fn compare(expected: &BTreeMap<String, BTreeSet<Date>>, first: i16, last: i16) -> Vec<String> {
    let mut wrong = Vec::new();
    assert_eq!(
        expected.keys().cloned().collect::<BTreeSet<_>>(),
        CalendarName::ALL
            .iter()
            .map(|c| c.code().to_owned())
            .collect::<BTreeSet<_>>(),
        "the oracle must cover exactly the calendars Kulissi supports"
    );
    for (name, holidays) in expected {
        let calendar: Calendar = name.parse().unwrap();
        let start = jiff::civil::date(first, 1, 1);
        for day in start
            .series(jiff::Span::new().days(1))
            .take_while(|d| d.year() <= last)
        {
            if matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) {
                continue;
            }
            let quantlib_holiday = holidays.contains(&day);
            if calendar.is_business_day(day) == quantlib_holiday {
                wrong.push(format!(
                    "{name} {day}: QuantLib says {}, Kulissi says {}",
                    if quantlib_holiday {
                        "holiday"
                    } else {
                        "business day"
                    },
                    if quantlib_holiday {
                        "business day"
                    } else {
                        "holiday"
                    },
                ));
            }
        }
    }
    wrong
}

#[test]
fn agrees_with_the_shared_quantlib_oracle_2000_to_2040() {
    let expected = holidays_by_calendar(&own_fixture("quantlib-holidays-2000-2040.csv"));
    assert!(expected.values().map(BTreeSet::len).sum::<usize>() > 4000);
    let wrong = compare(&expected, 2000, 2040);
    assert!(
        wrong.is_empty(),
        "{} disagreements, first: {:#?}",
        wrong.len(),
        &wrong[..wrong.len().min(20)]
    );
}

#[test]
fn agrees_with_quantlib_for_every_date_1990_to_2099() {
    let expected = holidays_by_calendar(&own_fixture("quantlib-holidays-1990-2099.csv"));
    assert!(expected.values().map(BTreeSet::len).sum::<usize>() > 11_000);
    let wrong = compare(&expected, 1990, 2099);
    assert!(
        wrong.is_empty(),
        "{} disagreements, first: {:#?}",
        wrong.len(),
        &wrong[..wrong.len().min(20)]
    );
}

#[test]
fn add_business_days_agrees_with_quantlib_advance() {
    let rows = csv_rows(&own_fixture("quantlib-advance.csv"));
    assert!(rows.len() >= 4800);
    let mut wrong = Vec::new();
    for row in rows {
        let calendar: Calendar = row[0].parse().unwrap();
        let (start, days, expected) =
            (date(&row[1]), row[2].parse::<i64>().unwrap(), date(&row[3]));
        let got = calendar.add_business_days(start, days).unwrap();
        if got != expected {
            wrong.push(format!(
                "{} {start} {days:+}: QuantLib {expected}, Kulissi {got}",
                row[0]
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} disagreements, first: {:#?}",
        wrong.len(),
        &wrong[..wrong.len().min(20)]
    );
}
