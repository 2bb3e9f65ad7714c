//! The Nordic exchanges: Nasdaq Helsinki, Stockholm and Copenhagen, and Oslo Børs.

use jiff::civil::Weekday::Friday;

use super::{
    ASCENSION, Day, EASTER_MONDAY, GENERAL_PRAYER_DAY, GOOD_FRIDAY, MAUNDY_THURSDAY, WHIT_MONDAY,
    first,
};

/// Midsummer Eve: the Friday between 19 and 25 June (Finland and Sweden).
fn midsummer_eve(d: &Day) -> bool {
    d.is_weekday_between(Friday, 6, 19, 25)
}

/// Nasdaq Helsinki.
pub(crate) fn helsinki(d: &Day) -> Option<&'static str> {
    first(&[
        (d.is(1, 1), "New Year's Day"),
        (d.is(1, 6), "Epiphany"),
        (d.from_easter == GOOD_FRIDAY, "Good Friday"),
        (d.from_easter == EASTER_MONDAY, "Easter Monday"),
        (d.from_easter == ASCENSION, "Ascension Day"),
        (d.is(5, 1), "May Day"),
        (midsummer_eve(d), "Midsummer Eve"),
        (d.is(12, 6), "Independence Day"),
        (d.is(12, 24), "Christmas Eve"),
        (d.is(12, 25), "Christmas Day"),
        (d.is(12, 26), "Boxing Day"),
    ])
}

/// Nasdaq Stockholm. Whit Monday gave way to National Day (6 June) in 2005.
pub(crate) fn stockholm(d: &Day) -> Option<&'static str> {
    first(&[
        (d.is(1, 1), "New Year's Day"),
        (d.is(1, 6), "Epiphany"),
        (d.from_easter == GOOD_FRIDAY, "Good Friday"),
        (d.from_easter == EASTER_MONDAY, "Easter Monday"),
        (d.from_easter == ASCENSION, "Ascension Day"),
        (d.year < 2005 && d.from_easter == WHIT_MONDAY, "Whit Monday"),
        (d.is(5, 1), "May Day"),
        (d.year >= 2005 && d.is(6, 6), "National Day"),
        (midsummer_eve(d), "Midsummer Eve"),
        (d.is(12, 24), "Christmas Eve"),
        (d.is(12, 25), "Christmas Day"),
        (d.is(12, 26), "Boxing Day"),
        (d.is(12, 31), "New Year's Eve"),
    ])
}

/// Nasdaq Copenhagen. The day after Ascension has been a bank holiday since 2009; General
/// Prayer Day was abolished from 2024.
pub(crate) fn copenhagen(d: &Day) -> Option<&'static str> {
    first(&[
        (d.is(1, 1), "New Year's Day"),
        (d.from_easter == MAUNDY_THURSDAY, "Maundy Thursday"),
        (d.from_easter == GOOD_FRIDAY, "Good Friday"),
        (d.from_easter == EASTER_MONDAY, "Easter Monday"),
        (
            d.year <= 2023 && d.from_easter == GENERAL_PRAYER_DAY,
            "General Prayer Day",
        ),
        (d.from_easter == ASCENSION, "Ascension Day"),
        (
            d.year >= 2009 && d.from_easter == ASCENSION + 1,
            "Day after Ascension",
        ),
        (d.from_easter == WHIT_MONDAY, "Whit Monday"),
        (d.is(6, 5), "Constitution Day"),
        (d.is(12, 24), "Christmas Eve"),
        (d.is(12, 25), "Christmas Day"),
        (d.is(12, 26), "Boxing Day"),
        (d.is(12, 31), "New Year's Eve"),
    ])
}

/// Oslo Børs.
pub(crate) fn oslo(d: &Day) -> Option<&'static str> {
    first(&[
        (d.is(1, 1), "New Year's Day"),
        (d.from_easter == MAUNDY_THURSDAY, "Maundy Thursday"),
        (d.from_easter == GOOD_FRIDAY, "Good Friday"),
        (d.from_easter == EASTER_MONDAY, "Easter Monday"),
        (d.from_easter == ASCENSION, "Ascension Day"),
        (d.from_easter == WHIT_MONDAY, "Whit Monday"),
        (d.is(5, 1), "May Day"),
        (d.is(5, 17), "Constitution Day"),
        (d.year >= 2002 && d.is(12, 24), "Christmas Eve"),
        (d.is(12, 25), "Christmas Day"),
        (d.is(12, 26), "Boxing Day"),
    ])
}
