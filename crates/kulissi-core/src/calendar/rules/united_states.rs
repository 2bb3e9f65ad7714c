//! United States: the New York Stock Exchange (trading) and the settlement calendar of US
//! banks (NYSE plus the federal holidays on which banks and the Fed are closed).

use jiff::civil::Weekday::{Friday, Monday, Thursday};

use super::{Day, GOOD_FRIDAY, first};

/// Third Monday of February since 1971 (Washington's Birthday, "Presidents' Day").
fn washingtons_birthday(d: &Day) -> bool {
    d.is_nth_weekday(3, Monday, 2)
}

fn memorial_day(d: &Day) -> bool {
    d.is_last_weekday_of_31_day_month(Monday, 5)
}

/// 19 June, a federal holiday since 2021, observed by the exchanges since 2022.
fn juneteenth(d: &Day) -> bool {
    d.year >= 2022 && d.is_observed_us(6, 19)
}

fn thanksgiving(d: &Day) -> bool {
    d.is_nth_weekday(4, Thursday, 11)
}

/// NYSE. Rule 7.2: a Saturday holiday closes the preceding Friday and a Sunday holiday the
/// following Monday, except New Year's Day on a Saturday, which is not moved into the old
/// year ("the ending of a yearly accounting period").
pub(crate) fn nyse(d: &Day) -> Option<&'static str> {
    first(&[
        (d.is_observed_sunday_to_monday(1, 1), "New Year's Day"),
        (
            d.year >= 1998 && d.is_nth_weekday(3, Monday, 1),
            "Martin Luther King Jr. Day",
        ),
        (washingtons_birthday(d), "Washington's Birthday"),
        (d.from_easter == GOOD_FRIDAY, "Good Friday"),
        (memorial_day(d), "Memorial Day"),
        (juneteenth(d), "Juneteenth"),
        (d.is_observed_us(7, 4), "Independence Day"),
        (d.is_nth_weekday(1, Monday, 9), "Labor Day"),
        (thanksgiving(d), "Thanksgiving Day"),
        (d.is_observed_us(12, 25), "Christmas Day"),
    ])
}

/// US settlement (banks): the federal holidays, with Saturday holidays observed on Friday
/// and Sunday holidays on Monday, including New Year's Day observed on 31 December.
pub(crate) fn settlement(d: &Day) -> Option<&'static str> {
    first(&[
        (
            d.is_observed_sunday_to_monday(1, 1) || (d.is(12, 31) && d.weekday == Friday),
            "New Year's Day",
        ),
        (
            d.year >= 1983 && d.is_nth_weekday(3, Monday, 1),
            "Martin Luther King Jr. Day",
        ),
        (washingtons_birthday(d), "Washington's Birthday"),
        (memorial_day(d), "Memorial Day"),
        (juneteenth(d), "Juneteenth"),
        (d.is_observed_us(7, 4), "Independence Day"),
        (d.is_nth_weekday(1, Monday, 9), "Labor Day"),
        (d.is_nth_weekday(2, Monday, 10), "Columbus Day"),
        (d.is_observed_us(11, 11), "Veterans Day"),
        (thanksgiving(d), "Thanksgiving Day"),
        (d.is_observed_us(12, 25), "Christmas Day"),
    ])
}
