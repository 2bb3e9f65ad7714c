//! [`Day`]: a date taken apart once (year, month, day, weekday, day of year, Easter) so that
//! holiday rules read like the rule books they come from.

use jiff::civil::{Date, Weekday};

use super::easter::easter_sunday;

/// A date with the facts every holiday rule asks about, computed once.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Day {
    pub(crate) year: i16,
    pub(crate) month: i8,
    pub(crate) day: i8,
    pub(crate) weekday: Weekday,
    /// Days from Easter Sunday of the same year (Good Friday is −2, Easter Monday +1).
    pub(crate) from_easter: i32,
}

impl Day {
    pub(crate) fn new(date: Date) -> Day {
        let easter = easter_sunday(date.year());
        Day {
            year: date.year(),
            month: date.month(),
            day: date.day(),
            weekday: date.weekday(),
            from_easter: i32::from(date.day_of_year()) - i32::from(easter.day_of_year()),
        }
    }

    /// Whether this is `day` `month` (any year).
    pub(crate) fn is(&self, month: i8, day: i8) -> bool {
        self.month == month && self.day == day
    }

    /// Whether this is `weekday` in `month` with its day of month in `first..=last`
    /// (e.g. the third Monday of January is a Monday on the 15th to the 21st).
    pub(crate) fn is_weekday_between(
        &self,
        weekday: Weekday,
        month: i8,
        first: i8,
        last: i8,
    ) -> bool {
        self.month == month && self.weekday == weekday && (first..=last).contains(&self.day)
    }

    /// The n-th (1-based) `weekday` of `month`.
    pub(crate) fn is_nth_weekday(&self, n: i8, weekday: Weekday, month: i8) -> bool {
        self.is_weekday_between(weekday, month, 7 * (n - 1) + 1, 7 * n)
    }

    /// The last `weekday` of a 31-day `month` (May, August).
    pub(crate) fn is_last_weekday_of_31_day_month(&self, weekday: Weekday, month: i8) -> bool {
        self.is_weekday_between(weekday, month, 25, 31)
    }

    /// A fixed-date holiday observed on Friday when it falls on Saturday and on Monday when
    /// it falls on Sunday (the US rule).
    pub(crate) fn is_observed_us(&self, month: i8, day: i8) -> bool {
        self.month == month
            && (self.day == day
                || (self.day == day + 1 && self.weekday == Weekday::Monday)
                || (self.day == day - 1 && self.weekday == Weekday::Friday))
    }

    /// A fixed-date holiday observed on the following Monday when it falls on Sunday, and
    /// not at all when it falls on Saturday.
    pub(crate) fn is_observed_sunday_to_monday(&self, month: i8, day: i8) -> bool {
        self.month == month
            && (self.day == day || (self.day == day + 1 && self.weekday == Weekday::Monday))
    }
}
