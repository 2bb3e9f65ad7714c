//! Settlement cycles and intended settlement dates; the instruction of a trade
//! ([`instruction`]) and its lifecycle ([`lifecycle`]); netting of settlement obligations ([`netting`]); CSDR penalties and
//! fail aging ([`penalties`]).
//!
//! A market's standard ("regular way") cycle is data with effective trade dates, because
//! cycles change: the US went T+3 → T+2 on 5 September 2017 and T+2 → T+1 on 28 May 2024;
//! the EU, the UK and Switzerland go T+2 → T+1 on 11 October 2027. The intended settlement
//! date of a trade is its trade date advanced by the cycle, counted in business days of the
//! market's *settlement* calendar (the CSD's), which is not its trading calendar:
//!
//! | market | CSD | settlement calendar |
//! |---|---|---|
//! | XHEL Nasdaq Helsinki | Euroclear Finland (T2S) | TARGET |
//! | XETR Xetra | Clearstream Banking Frankfurt (T2S) | TARGET |
//! | XPAR Euronext Paris | Euroclear France (T2S) | TARGET |
//! | XSTO Nasdaq Stockholm | Euroclear Sweden | XSTO (Swedish bank holidays) |
//! | XCSE Nasdaq Copenhagen | Euronext Securities Copenhagen | XCSE |
//! | XOSL Oslo Børs | Euronext Securities Oslo | XOSL |
//! | XLON London Stock Exchange | CREST | XLON (England and Wales bank holidays) |
//! | XSWX SIX Swiss Exchange | SIX SIS | XSWX |
//! | XNYS New York Stock Exchange | DTC | XNYS+US-SETTLEMENT (NYSE and bank holidays) |
//! | XTKS Tokyo Stock Exchange | JASDEC | XTKS |
//!
//! Counting starts from the trade date even when it is not a settlement day (a Helsinki trade
//! on Midsummer Eve still counts from that Friday), and no roll convention is applied.

pub mod instruction;
pub mod lifecycle;
pub mod netting;
pub mod penalties;

use std::fmt;
use std::str::FromStr;

use jiff::civil::{Date, date};

use crate::calendar::{Calendar, CalendarError, CalendarName};

/// A market Kulissi can settle, identified by its operating MIC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Market {
    /// Nasdaq Helsinki.
    Xhel,
    /// Nasdaq Stockholm.
    Xsto,
    /// Nasdaq Copenhagen.
    Xcse,
    /// Oslo Børs.
    Xosl,
    /// Xetra.
    Xetr,
    /// Euronext Paris.
    Xpar,
    /// London Stock Exchange.
    Xlon,
    /// SIX Swiss Exchange.
    Xswx,
    /// New York Stock Exchange.
    Xnys,
    /// Tokyo Stock Exchange.
    Xtks,
}

/// A settlement cycle in force from a trade date on: `T + business_days`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CycleChange {
    /// First trade date on which the cycle applies.
    pub from_trade_date: Date,
    /// Settlement business days after the trade date.
    pub business_days: u8,
}

const fn cycle(from_trade_date: Date, business_days: u8) -> CycleChange {
    CycleChange {
        from_trade_date,
        business_days,
    }
}

/// The earliest date in the tables: cycles before it are not modelled.
const BEGINNING: Date = date(1990, 1, 1);

/// EU CSDR harmonised T+2 on 6 October 2014; T+1 from 11 October 2027
/// (Regulation amending CSDR Art 5; the UK and Switzerland move the same day).
static EUROPE: [CycleChange; 3] = [
    cycle(BEGINNING, 3),
    cycle(date(2014, 10, 6), 2),
    cycle(date(2027, 10, 11), 1),
];

/// Germany settled T+2 before CSDR harmonisation.
static GERMANY: [CycleChange; 2] = [cycle(BEGINNING, 2), cycle(date(2027, 10, 11), 1)];

/// SEC Rule 15c6-1: T+5 until 6 June 1995, T+3, T+2 from 5 September 2017, T+1 from 28 May 2024.
static UNITED_STATES: [CycleChange; 4] = [
    cycle(BEGINNING, 5),
    cycle(date(1995, 6, 7), 3),
    cycle(date(2017, 9, 5), 2),
    cycle(date(2024, 5, 28), 1),
];

/// Japan moved from T+3 to T+2 on 16 July 2019.
static JAPAN: [CycleChange; 2] = [cycle(BEGINNING, 3), cycle(date(2019, 7, 16), 2)];

impl Market {
    /// Every market, in the order `kulissi calendar list` shows them.
    pub const ALL: [Market; 10] = [
        Market::Xhel,
        Market::Xsto,
        Market::Xcse,
        Market::Xosl,
        Market::Xetr,
        Market::Xpar,
        Market::Xlon,
        Market::Xswx,
        Market::Xnys,
        Market::Xtks,
    ];

    /// The operating MIC.
    pub fn mic(self) -> &'static str {
        match self {
            Market::Xhel => "XHEL",
            Market::Xsto => "XSTO",
            Market::Xcse => "XCSE",
            Market::Xosl => "XOSL",
            Market::Xetr => "XETR",
            Market::Xpar => "XPAR",
            Market::Xlon => "XLON",
            Market::Xswx => "XSWX",
            Market::Xnys => "XNYS",
            Market::Xtks => "XTKS",
        }
    }

    /// The exchange's trading calendar.
    pub fn trading_calendar(self) -> Calendar {
        Calendar::from(match self {
            Market::Xhel => CalendarName::Xhel,
            Market::Xsto => CalendarName::Xsto,
            Market::Xcse => CalendarName::Xcse,
            Market::Xosl => CalendarName::Xosl,
            Market::Xetr => CalendarName::Xetr,
            Market::Xpar => CalendarName::Xpar,
            Market::Xlon => CalendarName::Xlon,
            Market::Xswx => CalendarName::Xswx,
            Market::Xnys => CalendarName::Xnys,
            Market::Xtks => CalendarName::Xtks,
        })
    }

    /// The calendar of the CSD where the market's trades settle (see the module table).
    pub fn settlement_calendar(self) -> Calendar {
        match self {
            Market::Xhel | Market::Xetr | Market::Xpar => Calendar::from(CalendarName::Target),
            Market::Xnys => Calendar::joint(&[CalendarName::Xnys, CalendarName::UsSettlement]),
            other => other.trading_calendar(),
        }
    }

    /// The history of the standard cycle, oldest first.
    pub fn cycle_history(self) -> &'static [CycleChange] {
        match self {
            Market::Xhel | Market::Xsto | Market::Xcse | Market::Xosl | Market::Xpar => &EUROPE,
            Market::Xlon | Market::Xswx => &EUROPE,
            Market::Xetr => &GERMANY,
            Market::Xnys => &UNITED_STATES,
            Market::Xtks => &JAPAN,
        }
    }

    /// The standard cycle for a trade made on `trade_date`, in settlement business days.
    pub fn settlement_cycle(self, trade_date: Date) -> Result<u8, SettlementError> {
        self.cycle_history()
            .iter()
            .rev()
            .find(|c| c.from_trade_date <= trade_date)
            .map(|c| c.business_days)
            .ok_or(SettlementError::BeforeKnownCycles {
                market: self,
                trade_date,
                first: BEGINNING,
            })
    }

    /// The intended settlement date of a regular-way trade made on `trade_date`.
    pub fn intended_settlement_date(self, trade_date: Date) -> Result<Date, SettlementError> {
        let days = self.settlement_cycle(trade_date)?;
        Ok(self
            .settlement_calendar()
            .add_business_days(trade_date, i64::from(days))?)
    }
}

impl fmt::Display for Market {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.mic())
    }
}

impl FromStr for Market {
    type Err = SettlementError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        Market::ALL
            .into_iter()
            .find(|m| m.mic().eq_ignore_ascii_case(s))
            .ok_or_else(|| SettlementError::UnknownMarket { mic: s.to_owned() })
    }
}

/// Why a settlement date could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettlementError {
    /// The MIC is not a market Kulissi settles.
    #[error("unknown market '{mic}', expected one of {known}", known = known_markets())]
    UnknownMarket {
        /// The MIC as given.
        mic: String,
    },
    /// The trade date is older than the cycle tables.
    #[error(
        "no settlement cycle is known for {market} trades before {first} (trade date {trade_date})"
    )]
    BeforeKnownCycles {
        /// The market.
        market: Market,
        /// The trade date asked about.
        trade_date: Date,
        /// The first trade date the tables cover.
        first: Date,
    },
    /// Business-day arithmetic failed.
    #[error(transparent)]
    Calendar(#[from] CalendarError),
}

fn known_markets() -> String {
    Market::ALL
        .iter()
        .map(|m| m.mic())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests;
