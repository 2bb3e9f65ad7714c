//! SIX Swiss Exchange and Swiss settlement.

use super::{ASCENSION, Day, EASTER_MONDAY, GOOD_FRIDAY, WHIT_MONDAY, first};

pub(crate) fn six(d: &Day) -> Option<&'static str> {
    first(&[
        (d.is(1, 1), "New Year's Day"),
        (d.is(1, 2), "Berchtoldstag"),
        (d.from_easter == GOOD_FRIDAY, "Good Friday"),
        (d.from_easter == EASTER_MONDAY, "Easter Monday"),
        (d.from_easter == ASCENSION, "Ascension Day"),
        (d.from_easter == WHIT_MONDAY, "Whit Monday"),
        (d.is(5, 1), "Labour Day"),
        (d.is(8, 1), "National Day"),
        (d.is(12, 25), "Christmas Day"),
        (d.is(12, 26), "St. Stephen's Day"),
    ])
}
