//! Holiday rules, one module per jurisdiction. Each `holiday` function answers "which
//! holiday is this weekday, if any?" from rules alone; one-off closures and moved holidays
//! are data in [`super::exceptions`]. Weekends are handled by the caller.
//!
//! The rules reproduce QuantLib 1.44's calendars of the same markets (the tests check every
//! date from 1990 through 2099), including where QuantLib simplifies: Xetra, for instance,
//! keeps trading on German regional holidays.

pub(super) mod france;
pub(super) mod germany;
pub(super) mod japan;
pub(super) mod nordic;
pub(super) mod switzerland;
pub(super) mod target;
pub(super) mod united_kingdom;
pub(super) mod united_states;

use super::day::Day;

/// The first rule that holds, as the holiday's name.
fn first(rules: &[(bool, &'static str)]) -> Option<&'static str> {
    rules
        .iter()
        .find(|(holds, _)| *holds)
        .map(|(_, name)| *name)
}

/// Good Friday, Easter Monday and the other Easter-relative days, by offset from Easter Sunday.
const MAUNDY_THURSDAY: i32 = -3;
const GOOD_FRIDAY: i32 = -2;
const EASTER_MONDAY: i32 = 1;
const GENERAL_PRAYER_DAY: i32 = 26;
const ASCENSION: i32 = 39;
const WHIT_MONDAY: i32 = 50;
