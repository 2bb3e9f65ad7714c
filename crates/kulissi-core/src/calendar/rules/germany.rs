//! Xetra (Deutsche Börse): closed on the national holidays that fall on trading days and on
//! Christmas Eve; open on German regional holidays and on 3 October.

use super::{Day, EASTER_MONDAY, GOOD_FRIDAY, first};

pub(crate) fn xetra(d: &Day) -> Option<&'static str> {
    first(&[
        (d.is(1, 1), "New Year's Day"),
        (d.from_easter == GOOD_FRIDAY, "Good Friday"),
        (d.from_easter == EASTER_MONDAY, "Easter Monday"),
        (d.is(5, 1), "Labour Day"),
        (d.is(12, 24), "Christmas Eve"),
        (d.is(12, 25), "Christmas Day"),
        (d.is(12, 26), "Boxing Day"),
    ])
}
