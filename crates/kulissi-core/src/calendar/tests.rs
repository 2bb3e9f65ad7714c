//! Worked examples from docs/domain.md §3.2, read as a specification. The exhaustive comparison
//! with QuantLib lives in `tests/quantlib_calendars.rs`.

use jiff::civil::{Date, date};

use super::*;

fn cal(name: &str) -> Calendar {
    name.parse().unwrap()
}

fn holidays(name: &str, year: i16) -> Vec<Date> {
    cal(name).holidays(year)
}

#[test]
fn target_has_no_substitute_days() {
    let d = |m, d| date(2025, m, d);
    assert_eq!(
        holidays("TARGET", 2025),
        [d(1, 1), d(4, 18), d(4, 21), d(5, 1), d(12, 25), d(12, 26)]
    );
    // 26 December 2026 is a Saturday and is simply lost.
    let d = |m, d| date(2026, m, d);
    assert_eq!(
        holidays("TARGET", 2026),
        [d(1, 1), d(4, 3), d(4, 6), d(5, 1), d(12, 25)]
    );
}

#[test]
fn nyse_2025_and_2026() {
    let d = |m, d| date(2025, m, d);
    assert_eq!(
        holidays("XNYS", 2025),
        [
            d(1, 1),
            d(1, 9),
            d(1, 20),
            d(2, 17),
            d(4, 18),
            d(5, 26),
            d(6, 19),
            d(7, 4),
            d(9, 1),
            d(11, 27),
            d(12, 25)
        ]
    );
    let d = |m, d| date(2026, m, d);
    assert_eq!(
        holidays("XNYS", 2026),
        [
            d(1, 1),
            d(1, 19),
            d(2, 16),
            d(4, 3),
            d(5, 25),
            d(6, 19),
            d(7, 3),
            d(9, 7),
            d(11, 26),
            d(12, 25)
        ]
    );
    assert_eq!(
        cal("XNYS").holiday_name(date(2025, 1, 9)),
        Some("National Day of Mourning for President Carter")
    );
}

/// Rule 7.2: New Year's Day 2022 fell on a Saturday and Friday 31 December 2021 stayed open.
#[test]
fn nyse_does_not_move_new_year_into_the_old_year() {
    assert!(cal("XNYS").is_business_day(date(2021, 12, 31)));
    // US settlement (banks) does observe it on the Friday.
    assert!(!cal("US-SETTLEMENT").is_business_day(date(2021, 12, 31)));
}

/// Columbus Day and Veterans Day are trading days but not settlement days.
#[test]
fn us_settlement_closes_on_columbus_and_veterans_day() {
    for d in [date(2025, 10, 13), date(2025, 11, 11)] {
        assert!(cal("XNYS").is_business_day(d), "{d}");
        assert!(!cal("US-SETTLEMENT").is_business_day(d), "{d}");
    }
}

#[test]
fn uk_substitute_days_and_one_offs() {
    let d = |m, d| date(2026, m, d);
    assert_eq!(
        holidays("XLON", 2026),
        [
            d(1, 1),
            d(4, 3),
            d(4, 6),
            d(5, 4),
            d(5, 25),
            d(8, 31),
            d(12, 25),
            d(12, 28)
        ]
    );
    // 25 December 2027 is a Saturday: Monday 27 and Tuesday 28 close.
    assert!(!cal("XLON").is_business_day(date(2027, 12, 27)));
    assert!(!cal("XLON").is_business_day(date(2027, 12, 28)));
    // One-offs: the 2022 Platinum Jubilee and the Queen's funeral; the Coronation in 2023.
    for one_off in [
        date(2022, 6, 2),
        date(2022, 6, 3),
        date(2022, 9, 19),
        date(2023, 5, 8),
    ] {
        assert!(!cal("XLON").is_business_day(one_off), "{one_off}");
    }
    // The spring holiday moved from 30 May to 2 June in 2022, so 30 May was open.
    assert!(cal("XLON").is_business_day(date(2022, 5, 30)));
    // London is open on 1 May while TARGET is closed.
    assert!(cal("XLON").is_business_day(date(2026, 5, 1)));
    assert!(!cal("TARGET").is_business_day(date(2026, 5, 1)));
}

#[test]
fn helsinki_trading_holidays() {
    let d = |m, d| date(2026, m, d);
    assert_eq!(
        holidays("XHEL", 2026),
        [
            d(1, 1),
            d(1, 6),
            d(4, 3),
            d(4, 6),
            d(5, 1),
            d(5, 14),
            d(6, 19),
            d(12, 24),
            d(12, 25)
        ]
    );
    let d = |m, d| date(2025, m, d);
    assert_eq!(
        holidays("XHEL", 2025),
        [
            d(1, 1),
            d(1, 6),
            d(4, 18),
            d(4, 21),
            d(5, 1),
            d(5, 29),
            d(6, 20),
            d(12, 24),
            d(12, 25),
            d(12, 26)
        ]
    );
}

/// Easter-relative holidays land where the church calendar puts them.
#[test]
fn easter_based_holidays() {
    let xcse = cal("XCSE");
    // Easter 2026 is 5 April.
    assert_eq!(xcse.holiday_name(date(2026, 4, 2)), Some("Maundy Thursday"));
    assert_eq!(xcse.holiday_name(date(2026, 4, 3)), Some("Good Friday"));
    assert_eq!(xcse.holiday_name(date(2026, 4, 6)), Some("Easter Monday"));
    assert_eq!(xcse.holiday_name(date(2026, 5, 14)), Some("Ascension Day"));
    assert_eq!(
        xcse.holiday_name(date(2026, 5, 15)),
        Some("Day after Ascension")
    );
    assert_eq!(xcse.holiday_name(date(2026, 5, 25)), Some("Whit Monday"));
    // General Prayer Day (Easter + 26) was abolished from 2024.
    assert_eq!(
        xcse.holiday_name(date(2023, 5, 5)),
        Some("General Prayer Day")
    );
    assert_eq!(xcse.holiday_name(date(2024, 4, 26)), None);
    assert_eq!(
        cal("XSWX").holiday_name(date(2026, 5, 25)),
        Some("Whit Monday")
    );
}

/// Japan's equinox days move with the sun, not the calendar.
#[test]
fn japanese_equinox_holidays() {
    let xtks = cal("XTKS");
    assert_eq!(
        xtks.holiday_name(date(2026, 3, 20)),
        Some("Vernal Equinox Day")
    );
    assert_eq!(
        xtks.holiday_name(date(2027, 3, 22)),
        Some("Vernal Equinox Day"),
        "21 March 2027 is a Sunday"
    );
    assert_eq!(
        xtks.holiday_name(date(2026, 9, 23)),
        Some("Autumnal Equinox Day")
    );
    assert_eq!(
        xtks.holiday_name(date(2024, 9, 23)),
        Some("Autumnal Equinox Day"),
        "22 September 2024 is a Sunday"
    );
    // A Tuesday between Respect for the Aged Day and the equinox is a holiday too.
    assert_eq!(
        xtks.holiday_name(date(2026, 9, 22)),
        Some("Citizens' Holiday")
    );
    assert!(xtks.is_business_day(date(2026, 3, 19)));
}

/// docs/domain.md §3.2, roll conventions for Saturday 31 May 2025 on TARGET.
#[test]
fn roll_conventions() {
    let target = cal("TARGET");
    let sat = date(2025, 5, 31);
    assert_eq!(
        target.adjust(sat, Convention::Following).unwrap(),
        date(2025, 6, 2)
    );
    assert_eq!(
        target.adjust(sat, Convention::ModifiedFollowing).unwrap(),
        date(2025, 5, 30)
    );
    assert_eq!(
        target.adjust(sat, Convention::Preceding).unwrap(),
        date(2025, 5, 30)
    );
    // Sunday 1 June 2025: preceding crosses into May, so modified preceding goes forward.
    assert_eq!(
        target
            .adjust(date(2025, 6, 1), Convention::ModifiedPreceding)
            .unwrap(),
        date(2025, 6, 2)
    );
    let business = date(2025, 6, 3);
    for c in [
        Convention::Following,
        Convention::ModifiedFollowing,
        Convention::Preceding,
        Convention::ModifiedPreceding,
    ] {
        assert_eq!(target.adjust(business, c).unwrap(), business);
    }
}

#[test]
fn business_day_arithmetic_counts_settlement_days() {
    // EU: Thursday 2 April 2026 + 2 skips Good Friday and Easter Monday.
    assert_eq!(
        cal("TARGET")
            .add_business_days(date(2026, 4, 2), 2)
            .unwrap(),
        date(2026, 4, 8)
    );
    // UK: Friday 28 August 2026 + 2 skips the summer bank holiday.
    assert_eq!(
        cal("XLON").add_business_days(date(2026, 8, 28), 2).unwrap(),
        date(2026, 9, 2)
    );
    // The acceptance example: XHEL, 23 December 2026 + 1.
    assert_eq!(
        cal("XHEL")
            .add_business_days(date(2026, 12, 23), 1)
            .unwrap(),
        date(2026, 12, 28)
    );
    // Zero days from a holiday rolls forward, as QuantLib's advance does.
    assert_eq!(
        cal("XHEL")
            .add_business_days(date(2026, 12, 24), 0)
            .unwrap(),
        date(2026, 12, 28)
    );
    assert_eq!(
        cal("XHEL")
            .add_business_days(date(2026, 12, 28), -1)
            .unwrap(),
        date(2026, 12, 23)
    );
    assert_eq!(
        cal("TARGET").business_days_between(date(2026, 4, 2), date(2026, 4, 8)),
        2
    );
    assert_eq!(
        cal("TARGET").business_days_between(date(2026, 4, 8), date(2026, 4, 2)),
        -2
    );
}

#[test]
fn joint_calendars_close_when_any_member_closes() {
    let joint = cal("TARGET+XNYS");
    assert_eq!(joint.to_string(), "TARGET+XNYS");
    assert!(
        !joint.is_business_day(date(2025, 7, 4)),
        "US Independence Day"
    );
    assert!(
        !joint.is_business_day(date(2025, 5, 1)),
        "TARGET Labour Day"
    );
    assert!(joint.is_business_day(date(2025, 7, 7)));
    assert_eq!("xnys+target".parse::<Calendar>().unwrap(), joint);
}

#[test]
fn unknown_calendar_names_are_explained() {
    let err = "XFRA".parse::<Calendar>().unwrap_err().to_string();
    assert!(
        err.starts_with("unknown calendar 'XFRA', expected one of TARGET, XNYS"),
        "{err}"
    );
    assert!("TARGET+".parse::<Calendar>().is_err());
}

#[test]
fn arithmetic_at_the_end_of_time_is_an_error_not_a_panic() {
    let target = cal("TARGET");
    assert!(target.add_business_days(date(9999, 12, 30), 5).is_err());
    assert!(target.add_business_days(date(-9999, 1, 2), -5).is_err());
}
