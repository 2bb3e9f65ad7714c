//! England and Wales bank holidays: the London Stock Exchange and CREST settlement.
//!
//! New Year's Day, Christmas and Boxing Day move to the next weekday when they fall on a
//! weekend (Christmas on a Saturday closes Monday 27 and Tuesday 28). The early May holiday
//! is the first Monday of May and the spring holiday the last Monday of May, except in the
//! years listed as exceptions (VE Day anniversaries, jubilees).

use jiff::civil::Weekday::{Monday, Tuesday};

use super::{Day, EASTER_MONDAY, GOOD_FRIDAY, first};

pub(crate) fn exchange(d: &Day) -> Option<&'static str> {
    let monday_or_tuesday = d.weekday == Monday || d.weekday == Tuesday;
    first(&[
        (
            d.is(1, 1) || (d.month == 1 && (d.day == 2 || d.day == 3) && d.weekday == Monday),
            "New Year's Day",
        ),
        (d.from_easter == GOOD_FRIDAY, "Good Friday"),
        (d.from_easter == EASTER_MONDAY, "Easter Monday"),
        (d.is_nth_weekday(1, Monday, 5), "Early May Bank Holiday"),
        (
            d.is_last_weekday_of_31_day_month(Monday, 5),
            "Spring Bank Holiday",
        ),
        (
            d.is_last_weekday_of_31_day_month(Monday, 8),
            "Summer Bank Holiday",
        ),
        (
            d.is(12, 25) || (d.is(12, 27) && monday_or_tuesday),
            "Christmas Day",
        ),
        (
            d.is(12, 26) || (d.is(12, 28) && monday_or_tuesday),
            "Boxing Day",
        ),
    ])
}
