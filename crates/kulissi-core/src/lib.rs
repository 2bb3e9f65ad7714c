//! Kulissi's pure domain core.
//!
//! Everything a back office knows about the world before it touches a file, a socket or a
//! database lives here, and nothing here does I/O, spawns threads or reads the clock:
//!
//! - [`identifiers`]: validated newtypes for ISIN, LEI, BIC, IBAN, CUSIP, ISO 4217 currencies
//!   and MICs, each with a parser whose error says what is wrong.
//! - [`money`]: exact decimal amounts, quantities, prices and rates; amounts that carry their
//!   currency and refuse to mix currencies; rounding to a currency's minor units with an
//!   explicit mode at every call site.
//! - [`calendar`]: business-day calendars computed from holiday rules (fixed dates, Easter,
//!   n-th weekdays, weekend substitutes, Japan's equinoxes), one-off closures kept as data,
//!   joint calendars, roll conventions and business-day arithmetic that agree with QuantLib.
//! - [`settlement`]: settlement cycles per market with their effective dates, and the intended
//!   settlement date of a trade.
//!
//! Dates are [`jiff::civil::Date`]: business dates are dates, never timestamps.
//!
//! ```
//! use kulissi_core::calendar::Calendar;
//! use kulissi_core::settlement::Market;
//! use jiff::civil::date;
//!
//! // A Helsinki trade on Thursday 18 June 2026 settles T+2 on the TARGET calendar:
//! // Midsummer Eve closes the exchange, not T2S.
//! let xhel: Market = "XHEL".parse().unwrap();
//! assert_eq!(xhel.intended_settlement_date(date(2026, 6, 18)).unwrap(), date(2026, 6, 22));
//!
//! let target: Calendar = "TARGET".parse().unwrap();
//! assert!(!target.is_business_day(date(2026, 12, 25)));
//! ```

pub mod calendar;
pub mod cash;
pub mod daycount;
pub mod engine;
pub mod identifiers;
pub mod ids;
pub mod ledger;
pub mod market_data;
pub mod money;
pub mod position;
pub mod refdata;
pub mod settlement;
pub mod trade;

pub use jiff::civil::Date;
pub use rust_decimal::Decimal;
