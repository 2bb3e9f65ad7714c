//! TARGET / T2: the Eurosystem's payment and T2S securities settlement calendar.
//!
//! Closed on 1 January and 25 December from the start, and from 2000 also on Good Friday,
//! Easter Monday, 1 May and 26 December. No substitute days: a holiday on a weekend is lost.

use super::{Day, EASTER_MONDAY, GOOD_FRIDAY, first};

pub(crate) fn holiday(d: &Day) -> Option<&'static str> {
    let since_2000 = d.year >= 2000;
    first(&[
        (d.is(1, 1), "New Year's Day"),
        (since_2000 && d.from_easter == GOOD_FRIDAY, "Good Friday"),
        (
            since_2000 && d.from_easter == EASTER_MONDAY,
            "Easter Monday",
        ),
        (since_2000 && d.is(5, 1), "Labour Day"),
        (d.is(12, 25), "Christmas Day"),
        (since_2000 && d.is(12, 26), "Christmas Holiday"),
    ])
}
