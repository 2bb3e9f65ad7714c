//! Euronext Paris (the exchange calendar; French bank holidays such as 8 May and
//! 14 July are trading days).

use super::{Day, EASTER_MONDAY, GOOD_FRIDAY, first};

pub(crate) fn euronext_paris(d: &Day) -> Option<&'static str> {
    first(&[
        (d.is(1, 1), "New Year's Day"),
        (d.from_easter == GOOD_FRIDAY, "Good Friday"),
        (d.from_easter == EASTER_MONDAY, "Easter Monday"),
        (d.is(5, 1), "Labour Day"),
        (d.is(12, 24), "Christmas Eve"),
        (d.is(12, 25), "Christmas Day"),
        (d.is(12, 26), "Boxing Day"),
        (d.is(12, 31), "New Year's Eve"),
    ])
}
