//! Business-day calendars and the arithmetic on them.
//!
//! A [`Calendar`] is one named calendar ([`CalendarName`]: `TARGET`, `XNYS`, `XHEL`, ...) or
//! the join of several (`TARGET+XNYS`: a business day only where every member is open, as a
//! cross-border settlement needs). Holidays are computed from rules (fixed dates, Easter,
//! n-th weekdays, weekend substitutes, Japan's equinoxes), so every year works; one-off
//! closures and moved holidays are data in `exceptions.rs`.
//!
//! Every named calendar agrees with the QuantLib 1.44 calendar of the same market for every
//! date from 1990 through 2099 (tested). Trading and settlement calendars are different
//! things: `XHEL` is Nasdaq Helsinki's trading calendar, while Helsinki trades settle on
//! `TARGET` (see [`crate::settlement`]).
//!
//! ```
//! use kulissi_core::calendar::{Calendar, Convention};
//! use jiff::civil::date;
//!
//! let xhel: Calendar = "XHEL".parse().unwrap();
//! // Christmas Eve, Christmas Day and a Saturday lie between.
//! assert_eq!(xhel.add_business_days(date(2026, 12, 23), 1).unwrap(), date(2026, 12, 28));
//! let target: Calendar = "TARGET".parse().unwrap();
//! assert_eq!(target.adjust(date(2025, 5, 31), Convention::ModifiedFollowing).unwrap(), date(2025, 5, 30));
//! ```

mod day;
mod easter;
mod exceptions;
mod rules;
mod table;

use std::fmt;
use std::str::FromStr;

use jiff::civil::{Date, Weekday};

pub use easter::easter_sunday;

use day::Day;
use exceptions::Effect;

/// The calendars Kulissi computes, each named as operations people name it: by the MIC of
/// the exchange, or by the payment system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CalendarName {
    /// TARGET / T2, the euro payment and T2S settlement calendar (QuantLib `TARGET`).
    Target,
    /// New York Stock Exchange (QuantLib `UnitedStates(NYSE)`).
    Xnys,
    /// US settlement, i.e. bank holidays (QuantLib `UnitedStates(Settlement)`).
    UsSettlement,
    /// London Stock Exchange (QuantLib `UnitedKingdom(Exchange)`).
    Xlon,
    /// Nasdaq Helsinki (QuantLib `Finland`).
    Xhel,
    /// Nasdaq Stockholm (QuantLib `Sweden`).
    Xsto,
    /// Nasdaq Copenhagen (QuantLib `Denmark`).
    Xcse,
    /// Oslo Børs (QuantLib `Norway`).
    Xosl,
    /// Xetra, Deutsche Börse (QuantLib `Germany(Xetra)`).
    Xetr,
    /// SIX Swiss Exchange (QuantLib `Switzerland`).
    Xswx,
    /// Tokyo Stock Exchange (QuantLib `Japan`).
    Xtks,
    /// Euronext Paris (QuantLib `France(Exchange)`).
    Xpar,
}

impl CalendarName {
    /// Every named calendar, in the order `kulissi calendar list` prints them.
    pub const ALL: [CalendarName; 12] = [
        CalendarName::Target,
        CalendarName::Xnys,
        CalendarName::UsSettlement,
        CalendarName::Xlon,
        CalendarName::Xhel,
        CalendarName::Xsto,
        CalendarName::Xcse,
        CalendarName::Xosl,
        CalendarName::Xetr,
        CalendarName::Xswx,
        CalendarName::Xtks,
        CalendarName::Xpar,
    ];

    /// The name used in files and on the command line.
    pub fn code(self) -> &'static str {
        match self {
            CalendarName::Target => "TARGET",
            CalendarName::Xnys => "XNYS",
            CalendarName::UsSettlement => "US-SETTLEMENT",
            CalendarName::Xlon => "XLON",
            CalendarName::Xhel => "XHEL",
            CalendarName::Xsto => "XSTO",
            CalendarName::Xcse => "XCSE",
            CalendarName::Xosl => "XOSL",
            CalendarName::Xetr => "XETR",
            CalendarName::Xswx => "XSWX",
            CalendarName::Xtks => "XTKS",
            CalendarName::Xpar => "XPAR",
        }
    }

    /// What the calendar is, in a few words.
    pub fn description(self) -> &'static str {
        match self {
            CalendarName::Target => "TARGET/T2 euro payments and T2S settlement",
            CalendarName::Xnys => "New York Stock Exchange",
            CalendarName::UsSettlement => "United States settlement (bank holidays)",
            CalendarName::Xlon => "London Stock Exchange (England and Wales bank holidays)",
            CalendarName::Xhel => "Nasdaq Helsinki",
            CalendarName::Xsto => "Nasdaq Stockholm",
            CalendarName::Xcse => "Nasdaq Copenhagen",
            CalendarName::Xosl => "Oslo Bors",
            CalendarName::Xetr => "Xetra (Deutsche Borse)",
            CalendarName::Xswx => "SIX Swiss Exchange",
            CalendarName::Xtks => "Tokyo Stock Exchange",
            CalendarName::Xpar => "Euronext Paris",
        }
    }

    /// The holiday on `day` by this calendar's rules, before exceptions.
    fn rule_holiday(self, day: &Day) -> Option<&'static str> {
        match self {
            CalendarName::Target => rules::target::holiday(day),
            CalendarName::Xnys => rules::united_states::nyse(day),
            CalendarName::UsSettlement => rules::united_states::settlement(day),
            CalendarName::Xlon => rules::united_kingdom::exchange(day),
            CalendarName::Xhel => rules::nordic::helsinki(day),
            CalendarName::Xsto => rules::nordic::stockholm(day),
            CalendarName::Xcse => rules::nordic::copenhagen(day),
            CalendarName::Xosl => rules::nordic::oslo(day),
            CalendarName::Xetr => rules::germany::xetra(day),
            CalendarName::Xswx => rules::switzerland::six(day),
            CalendarName::Xtks => rules::japan::tokyo(day),
            CalendarName::Xpar => rules::france::euronext_paris(day),
        }
    }

    /// The holiday on weekday `date`, if any: the exception for the date, else the rules.
    pub(crate) fn holiday(self, date: Date, day: &Day) -> Option<&'static str> {
        match exceptions::find(self, date) {
            Some(e) if e.effect == Effect::Closed => Some(e.reason),
            Some(_) => None,
            None => self.rule_holiday(day),
        }
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

impl fmt::Display for CalendarName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for CalendarName {
    type Err = CalendarError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        CalendarName::ALL
            .into_iter()
            .find(|c| c.code().eq_ignore_ascii_case(s))
            .ok_or_else(|| CalendarError::UnknownCalendar { name: s.to_owned() })
    }
}

/// Errors of calendar lookups and arithmetic.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The name is not one of the calendars Kulissi knows.
    #[error("unknown calendar '{name}', expected one of {known} (or several joined with '+')", known = known_names())]
    UnknownCalendar {
        /// The name as given.
        name: String,
    },
    /// The arithmetic left the range of representable dates.
    #[error("moving {days} business days from {from} leaves the supported date range")]
    OutOfRange {
        /// Start date.
        from: Date,
        /// Business days asked for.
        days: i64,
    },
}

fn known_names() -> String {
    CalendarName::ALL
        .iter()
        .map(|c| c.code())
        .collect::<Vec<_>>()
        .join(", ")
}

/// How a date that is not a business day is rolled onto one (ISDA conventions). For dates
/// derived from periods (coupons, FX forwards); securities settlement dates count business
/// days instead (see [`Calendar::add_business_days`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Convention {
    /// The next business day.
    Following,
    /// The next business day, unless it is in the next month; then the previous one.
    ModifiedFollowing,
    /// The previous business day.
    Preceding,
    /// The previous business day, unless it is in the previous month; then the next one.
    ModifiedPreceding,
}

impl FromStr for Convention {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().replace(['-', '_', ' '], "").as_str() {
            "following" | "f" => Ok(Convention::Following),
            "modifiedfollowing" | "mf" => Ok(Convention::ModifiedFollowing),
            "preceding" | "p" => Ok(Convention::Preceding),
            "modifiedpreceding" | "mp" => Ok(Convention::ModifiedPreceding),
            _ => Err(format!(
                "unknown roll convention '{s}', expected following, modified-following, \
                 preceding or modified-preceding"
            )),
        }
    }
}

/// A business-day calendar: one named calendar, or several joined (a business day only where
/// all of them are open). Saturdays and Sundays are never business days.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Calendar {
    members: u16,
}

impl From<CalendarName> for Calendar {
    fn from(name: CalendarName) -> Calendar {
        Calendar {
            members: name.bit(),
        }
    }
}

impl Calendar {
    /// The join of `names`: closed whenever any of them is closed.
    pub fn joint(names: &[CalendarName]) -> Calendar {
        Calendar {
            members: names.iter().fold(0, |m, n| m | n.bit()),
        }
    }

    /// The named calendars this calendar joins.
    pub fn members(self) -> impl Iterator<Item = CalendarName> {
        CalendarName::ALL
            .into_iter()
            .filter(move |n| self.members & n.bit() != 0)
    }

    /// Whether `date` is a weekend day (Saturday or Sunday) for this calendar.
    pub fn is_weekend(self, date: Date) -> bool {
        matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
    }

    /// Whether `date` is a business day.
    pub fn is_business_day(self, date: Date) -> bool {
        if self.is_weekend(date) {
            return false;
        }
        match table::day_index(date) {
            Some(index) => self.members().all(|m| !table::closed(m, index)),
            None => self.holiday_name(date).is_none(),
        }
    }

    /// Why weekday `date` is closed, if it is: the holiday's name (the first member's, for a
    /// joint calendar). `None` on weekends, which are closed by definition, and on business days.
    pub fn holiday_name(self, date: Date) -> Option<&'static str> {
        if self.is_weekend(date) {
            return None;
        }
        let day = Day::new(date);
        self.members().find_map(|m| m.holiday(date, &day))
    }

    /// The weekday holidays of `year`, in date order (weekend holidays are not listed, as
    /// they close nothing).
    pub fn holidays(self, year: i16) -> Vec<Date> {
        let Ok(first) = Date::new(year, 1, 1) else {
            return Vec::new();
        };
        first
            .series(jiff::Span::new().days(1))
            .take_while(|d| d.year() == year)
            .filter(|&d| !self.is_weekend(d) && !self.is_business_day(d))
            .collect()
    }

    /// `date` rolled onto a business day by `convention`.
    pub fn adjust(self, date: Date, convention: Convention) -> Result<Date, CalendarError> {
        let out_of_range = || CalendarError::OutOfRange {
            from: date,
            days: 0,
        };
        let step = |d: Date, forward: bool| -> Result<Date, CalendarError> {
            self.roll(d, if forward { 1 } else { -1 })
                .ok_or_else(out_of_range)
        };
        match convention {
            Convention::Following => step(date, true),
            Convention::Preceding => step(date, false),
            Convention::ModifiedFollowing => {
                let d = step(date, true)?;
                if d.month() == date.month() {
                    Ok(d)
                } else {
                    step(date, false)
                }
            }
            Convention::ModifiedPreceding => {
                let d = step(date, false)?;
                if d.month() == date.month() {
                    Ok(d)
                } else {
                    step(date, true)
                }
            }
        }
    }

    /// The first business day at or after (`direction` 1) or before (−1) `date`.
    fn roll(self, mut date: Date, direction: i8) -> Option<Date> {
        while !self.is_business_day(date) {
            date = if direction > 0 {
                date.tomorrow().ok()?
            } else {
                date.yesterday().ok()?
            };
        }
        Some(date)
    }

    /// `date` moved by `days` business days, as QuantLib's `Calendar::advance(date, n, Days)`:
    /// zero days rolls a holiday forward to the next business day; otherwise each step moves
    /// to the next (or previous) business day, so a start on a holiday counts from the
    /// holiday itself. The result is always a business day.
    pub fn add_business_days(self, date: Date, days: i64) -> Result<Date, CalendarError> {
        let out_of_range = || CalendarError::OutOfRange { from: date, days };
        if days == 0 {
            return self.roll(date, 1).ok_or_else(out_of_range);
        }
        let mut d = date;
        for _ in 0..days.unsigned_abs() {
            d = if days > 0 {
                d.tomorrow()
            } else {
                d.yesterday()
            }
            .map_err(|_| out_of_range())?;
            d = self
                .roll(d, if days > 0 { 1 } else { -1 })
                .ok_or_else(out_of_range)?;
        }
        Ok(d)
    }

    /// The number of business days in `(from, to]` (negative when `to` is before `from`):
    /// the inverse of [`Calendar::add_business_days`] between business days.
    pub fn business_days_between(self, from: Date, to: Date) -> i64 {
        let (lo, hi, sign) = if from <= to {
            (from, to, 1)
        } else {
            (to, from, -1)
        };
        let count = lo
            .series(jiff::Span::new().days(1))
            .skip(1)
            .take_while(|d| *d <= hi)
            .filter(|d| self.is_business_day(*d))
            .count();
        sign * i64::try_from(count).unwrap_or(i64::MAX)
    }
}

impl fmt::Display for Calendar {
    /// The member names joined with `+` (`TARGET+XNYS`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.members().map(CalendarName::code).collect();
        f.write_str(&names.join("+"))
    }
}

impl fmt::Debug for Calendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Calendar({self})")
    }
}

impl FromStr for Calendar {
    type Err = CalendarError;
    /// Parses `NAME` or `NAME+NAME+...`, case-insensitively.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let names = s
            .split('+')
            .map(str::parse)
            .collect::<Result<Vec<CalendarName>, _>>()?;
        Ok(Calendar::joint(&names))
    }
}

#[cfg(test)]
mod tests;
