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
//! - [`settlement`]: settlement cycles per market with their effective dates, the intended
//!   settlement date of a trade, instructions and their lifecycle, netting, CSDR penalties.
//! - [`daycount`]: day counts, coupon periods and accrued interest.
//! - [`ids`]: typed ids of reference data and trades, so that swapping two does not compile.
//! - [`refdata`]: legal entities, counterparties, instruments, books, accounts, SSIs and fee
//!   schedules (valid from a date), in tables by dense id.
//! - [`trade`]: what the front office sends, the resolved terms, enrichment (settlement date,
//!   SSIs, gross, accrued, charges, net) and the trade record.
//! - [`position`]: positions at average cost or FIFO, and projected cash.
//! - [`reconciliation`]: matching our records against a statement within tolerances, the
//!   classes of break, their age buckets and escalation.
//! - [`cash`], [`market_data`]: cash movements and the cash sub-ledger; end-of-day prices and
//!   FX rates.
//! - [`corporate_actions`]: asset servicing: dividends and splits announced by issuers,
//!   coupons and redemptions from bond terms, entitlements and market claims.
//! - [`client_money`]: the daily client-money check (client money at banks, held, and the
//!   requirement).
//! - [`ledger`]: the chart of accounts, journal entries, the posting rules the engine runs on
//!   its events, valuations, periods, manual entries and financial statements.
//! - [`controls`]: internal control, compliance and HR: the staff directory, users, roles
//!   and API tokens, the permission table, maker-checker requests, the restricted list and
//!   surveillance alerts.
//! - [`engine`]: commands and events, `decide` (one module per command family) and `apply`,
//!   exactly once by message id, the versioned event codec and state snapshots.
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
pub mod client_money;
pub mod controls;
pub mod corporate_actions;
pub mod daycount;
pub mod engine;
pub mod identifiers;
pub mod ids;
pub mod ledger;
pub mod market_data;
pub mod money;
pub mod position;
pub mod reconciliation;
pub mod refdata;
pub mod settlement;
pub mod trade;

pub use jiff::civil::Date;
pub use rust_decimal::Decimal;
