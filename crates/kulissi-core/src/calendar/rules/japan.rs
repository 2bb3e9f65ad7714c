//! Japan (Tokyo Stock Exchange, JASDEC): national holidays, the bank holidays of
//! 2–3 January and 31 December, Monday substitutes, and the vernal and autumnal equinox days.

use jiff::civil::Weekday::{Monday, Tuesday, Wednesday};

use super::{Day, first};

/// Day of month of the vernal (March) or autumnal (September) equinox in Japan time, by the
/// approximation the Japanese almanac and QuantLib use: the year-2000 equinox moment plus
/// 0.242194 days a year, less one day per leap year since 2000. Computed exactly in
/// millionths of a day (the constants have six decimals), then truncated as a day.
fn equinox_day(year: i16, moment_in_2000_micro_days: i64) -> i8 {
    let n = i64::from(year) - 2000;
    // Rust's integer division truncates toward zero, as the almanac formula's does.
    let leap_years = n / 4 + n / 100 - n / 400;
    let micro_days = moment_in_2000_micro_days + n * 242_194 - leap_years * 1_000_000;
    // For every supported year the result is a day of the month (19..=24).
    (micro_days / 1_000_000) as i8
}

/// Day of month of the vernal equinox (Shunbun no Hi) in March.
pub(crate) fn vernal_equinox(year: i16) -> i8 {
    equinox_day(year, 20_691_150)
}

/// Day of month of the autumnal equinox (Shūbun no Hi) in September.
pub(crate) fn autumnal_equinox(year: i16) -> i8 {
    equinox_day(year, 23_090_000)
}

/// A fixed-date holiday, moved to Monday when it falls on Sunday.
fn fixed(d: &Day, month: i8, day: i8) -> bool {
    d.is_observed_sunday_to_monday(month, day)
}

pub(crate) fn tokyo(d: &Day) -> Option<&'static str> {
    let y = d.year;
    let ve = vernal_equinox(y);
    let ae = autumnal_equinox(y);
    first(&[
        (d.is(1, 1), "New Year's Day"),
        (d.is(1, 2) || d.is(1, 3), "Bank Holiday"),
        (
            (y >= 2000 && d.is_nth_weekday(2, Monday, 1)) || (y < 2000 && fixed(d, 1, 15)),
            "Coming of Age Day",
        ),
        (fixed(d, 2, 11), "National Foundation Day"),
        (y >= 2020 && fixed(d, 2, 23), "Emperor's Birthday"),
        (fixed(d, 3, ve), "Vernal Equinox Day"),
        (fixed(d, 4, 29), "Showa Day"),
        (d.is(5, 3), "Constitution Memorial Day"),
        (d.is(5, 4), "Greenery Day"),
        (d.is(5, 5), "Children's Day"),
        (
            d.is(5, 6) && matches!(d.weekday, Monday | Tuesday | Wednesday),
            "Golden Week substitute holiday",
        ),
        (
            (y >= 2003 && d.is_nth_weekday(3, Monday, 7))
                || ((1996..2003).contains(&y) && fixed(d, 7, 20)),
            "Marine Day",
        ),
        (y >= 2016 && fixed(d, 8, 11), "Mountain Day"),
        (
            (y >= 2003 && d.is_nth_weekday(3, Monday, 9)) || (y < 2003 && fixed(d, 9, 15)),
            "Respect for the Aged Day",
        ),
        (
            y >= 2003
                && d.weekday == Tuesday
                && d.month == 9
                && d.day + 1 == ae
                && (16..=22).contains(&d.day),
            "Citizens' Holiday",
        ),
        (fixed(d, 9, ae), "Autumnal Equinox Day"),
        (
            (y >= 2000 && d.is_nth_weekday(2, Monday, 10)) || (y < 2000 && fixed(d, 10, 10)),
            "Sports Day",
        ),
        (fixed(d, 11, 3), "Culture Day"),
        (fixed(d, 11, 23), "Labour Thanksgiving Day"),
        (
            (1989..2019).contains(&y) && fixed(d, 12, 23),
            "Emperor's Birthday",
        ),
        (d.is(12, 31), "Bank Holiday"),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Equinox days published by the National Astronomical Observatory of Japan.
    #[test]
    fn equinox_days() {
        let published = [
            (2000, 20, 23),
            (2012, 20, 22),
            (2016, 20, 22),
            (2020, 20, 22),
            (2023, 21, 23),
            (2024, 20, 22),
            (2025, 20, 23),
            (2026, 20, 23),
            (2027, 21, 23),
        ];
        for (y, march, september) in published {
            assert_eq!(
                (vernal_equinox(y), autumnal_equinox(y)),
                (march, september),
                "{y}"
            );
        }
    }
}
