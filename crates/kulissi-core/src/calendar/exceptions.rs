//! One-off closures and moved holidays, as data.
//!
//! Rules cannot know about a state funeral, a hurricane or a jubilee. Each entry here either
//! closes a weekday the rules leave open (`Closed`), or opens one the rules would close
//! because the holiday was moved that year (`Open`). Add new closures here when an exchange
//! or central bank announces them; each entry says why.

use jiff::civil::{Date, date};

use super::CalendarName;
use CalendarName::*;

/// What an exception does to its date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Effect {
    /// Closed although the rules say open.
    Closed,
    /// Open although the rules say closed (the holiday moved to another date that year).
    Open,
}

/// One dated exception to a calendar's rules.
#[derive(Debug)]
pub(crate) struct Exception {
    pub(crate) calendar: CalendarName,
    pub(crate) date: Date,
    pub(crate) effect: Effect,
    pub(crate) reason: &'static str,
}

const fn closed(calendar: CalendarName, date: Date, reason: &'static str) -> Exception {
    Exception {
        calendar,
        date,
        effect: Effect::Closed,
        reason,
    }
}

const fn open(calendar: CalendarName, date: Date, reason: &'static str) -> Exception {
    Exception {
        calendar,
        date,
        effect: Effect::Open,
        reason,
    }
}

/// Every exception, sorted by date (then calendar) so a lookup can binary-search.
pub(crate) static EXCEPTIONS: &[Exception] = &[
    closed(
        Xtks,
        date(1990, 11, 12),
        "Enthronement Ceremony of Emperor Akihito",
    ),
    closed(Xtks, date(1993, 6, 9), "Marriage of Crown Prince Naruhito"),
    closed(Xnys, date(1994, 4, 27), "Funeral of President Nixon"),
    open(
        Xlon,
        date(1995, 5, 1),
        "Early May holiday moved to 8 May (VE Day 50th anniversary)",
    ),
    closed(Xlon, date(1995, 5, 8), "VE Day 50th anniversary"),
    closed(Target, date(1998, 12, 31), "Year-end closure"),
    closed(Target, date(1999, 12, 31), "Millennium closure"),
    closed(Xlon, date(1999, 12, 31), "Millennium bank holiday"),
    closed(Xnys, date(2001, 9, 11), "Attacks of 11 September"),
    closed(Xnys, date(2001, 9, 12), "Attacks of 11 September"),
    closed(Xnys, date(2001, 9, 13), "Attacks of 11 September"),
    closed(Xnys, date(2001, 9, 14), "Attacks of 11 September"),
    closed(Target, date(2001, 12, 31), "Euro cash changeover"),
    open(
        Xlon,
        date(2002, 5, 27),
        "Spring holiday moved to 4 June (Golden Jubilee)",
    ),
    closed(Xlon, date(2002, 6, 3), "Golden Jubilee bank holiday"),
    closed(Xlon, date(2002, 6, 4), "Spring bank holiday (moved)"),
    closed(Xnys, date(2004, 6, 11), "Funeral of President Reagan"),
    closed(Xnys, date(2007, 1, 2), "Funeral of President Ford"),
    closed(Xlon, date(2011, 4, 29), "Royal Wedding bank holiday"),
    open(
        Xlon,
        date(2012, 5, 28),
        "Spring holiday moved to 4 June (Diamond Jubilee)",
    ),
    closed(Xlon, date(2012, 6, 4), "Spring bank holiday (moved)"),
    closed(Xlon, date(2012, 6, 5), "Diamond Jubilee bank holiday"),
    closed(Xnys, date(2012, 10, 29), "Hurricane Sandy"),
    closed(Xnys, date(2012, 10, 30), "Hurricane Sandy"),
    closed(
        Xnys,
        date(2018, 12, 5),
        "Funeral of President George H. W. Bush",
    ),
    closed(Xtks, date(2019, 4, 30), "Abdication day holiday"),
    closed(Xtks, date(2019, 5, 1), "Enthronement of Emperor Naruhito"),
    closed(Xtks, date(2019, 5, 2), "Enthronement holiday"),
    closed(
        Xtks,
        date(2019, 10, 22),
        "Enthronement Ceremony of Emperor Naruhito",
    ),
    open(
        Xlon,
        date(2020, 5, 4),
        "Early May holiday moved to 8 May (VE Day 75th anniversary)",
    ),
    closed(Xlon, date(2020, 5, 8), "VE Day 75th anniversary"),
    open(
        Xtks,
        date(2020, 7, 20),
        "Marine Day moved to 23 July (Tokyo Olympics)",
    ),
    closed(
        Xtks,
        date(2020, 7, 23),
        "Marine Day (moved for the Tokyo Olympics)",
    ),
    closed(
        Xtks,
        date(2020, 7, 24),
        "Sports Day (moved for the Tokyo Olympics)",
    ),
    closed(
        Xtks,
        date(2020, 8, 10),
        "Mountain Day (moved for the Tokyo Olympics)",
    ),
    open(
        Xtks,
        date(2020, 8, 11),
        "Mountain Day moved to 10 August (Tokyo Olympics)",
    ),
    open(
        Xtks,
        date(2020, 10, 12),
        "Sports Day moved to 24 July (Tokyo Olympics)",
    ),
    open(
        Xtks,
        date(2021, 7, 19),
        "Marine Day moved to 22 July (Tokyo Olympics)",
    ),
    closed(
        Xtks,
        date(2021, 7, 22),
        "Marine Day (moved for the Tokyo Olympics)",
    ),
    closed(
        Xtks,
        date(2021, 7, 23),
        "Sports Day (moved for the Tokyo Olympics)",
    ),
    closed(
        Xtks,
        date(2021, 8, 9),
        "Mountain Day (moved for the Tokyo Olympics)",
    ),
    open(
        Xtks,
        date(2021, 8, 11),
        "Mountain Day moved to 9 August (Tokyo Olympics)",
    ),
    open(
        Xtks,
        date(2021, 10, 11),
        "Sports Day moved to 23 July (Tokyo Olympics)",
    ),
    open(
        Xlon,
        date(2022, 5, 30),
        "Spring holiday moved to 2 June (Platinum Jubilee)",
    ),
    closed(Xlon, date(2022, 6, 2), "Spring bank holiday (moved)"),
    closed(Xlon, date(2022, 6, 3), "Platinum Jubilee bank holiday"),
    closed(
        Xlon,
        date(2022, 9, 19),
        "State funeral of Queen Elizabeth II",
    ),
    closed(Xlon, date(2023, 5, 8), "Coronation of King Charles III"),
    closed(
        Xnys,
        date(2025, 1, 9),
        "National Day of Mourning for President Carter",
    ),
];

/// The exception for `calendar` on `date`, if any.
pub(crate) fn find(calendar: CalendarName, date: Date) -> Option<&'static Exception> {
    let start = EXCEPTIONS.partition_point(|e| e.date < date);
    EXCEPTIONS[start..]
        .iter()
        .take_while(|e| e.date == date)
        .find(|e| e.calendar == calendar)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exceptions_are_sorted_by_date() {
        assert!(EXCEPTIONS.windows(2).all(|w| w[0].date <= w[1].date));
    }
}
