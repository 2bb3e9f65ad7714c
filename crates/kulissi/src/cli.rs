//! The command-line grammar. Names and flags are a public interface: tools and people script
//! against them, so change them only with a deprecation.

use clap::{Parser, Subcommand};
use jiff::civil::Date;
use kulissi_core::calendar::Calendar;
use kulissi_core::identifiers::IdentifierKind;
use kulissi_core::settlement::Market;

/// Kulissi: the back office for banks, brokers and asset managers.
#[derive(Debug, Parser)]
#[command(name = "kulissi", version, about, max_term_width = 100)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Show what Kulissi computes, on demo data: identifiers, calendars, settlement dates.
    Demo,
    /// Validate identifiers (ISIN, LEI, BIC, IBAN, CUSIP, currency, MIC).
    #[command(subcommand)]
    Id(IdCommand),
    /// Business-day calendars and settlement dates.
    #[command(subcommand)]
    Calendar(CalendarCommand),
    /// Benchmarks, each ending with one JSON line of figures.
    #[command(subcommand)]
    Bench(BenchCommand),
}

#[derive(Debug, Subcommand)]
pub(crate) enum BenchCommand {
    /// Book generated trades end to end on SQLite, beside a raw-insert baseline.
    Booking {
        /// Number of trades.
        #[arg(long, default_value_t = 1_000_000)]
        trades: u64,
        /// Seed of the generator.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Directory for the scratch databases (default: the system temp directory).
        #[arg(long)]
        dir: Option<std::path::PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum IdCommand {
    /// Print `valid` (exit 0) or `invalid: REASON` (exit 1).
    Check {
        /// One of: isin, lei, bic, iban, cusip, currency, mic.
        #[arg(value_parser = parse_kind)]
        kind: IdentifierKind,
        /// The value to check.
        value: String,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum CalendarCommand {
    /// List the calendars and the markets with their settlement calendars.
    List,
    /// Print `true` if DATE is a business day, else `false`.
    IsBusinessDay {
        /// Calendar name, or several joined with '+' (TARGET+XNYS).
        #[arg(long, value_parser = parse_calendar)]
        calendar: Calendar,
        /// Date, YYYY-MM-DD.
        #[arg(value_parser = parse_date)]
        date: Date,
    },
    /// Print DATE moved by N business days (QuantLib's advance: N=0 rolls a holiday forward).
    AddBusinessDays {
        /// Calendar name, or several joined with '+'.
        #[arg(long, value_parser = parse_calendar)]
        calendar: Calendar,
        /// Start date, YYYY-MM-DD.
        #[arg(long, value_parser = parse_date)]
        date: Date,
        /// Business days to add; negative goes back.
        #[arg(long, allow_negative_numbers = true, value_parser = clap::value_parser!(i64).range(-100_000..=100_000))]
        days: i64,
    },
    /// Print the weekday holidays of a year, one date a line.
    Holidays {
        /// Calendar name, or several joined with '+'.
        #[arg(long, value_parser = parse_calendar)]
        calendar: Calendar,
        /// Year, e.g. 2026.
        #[arg(long, value_parser = clap::value_parser!(i16).range(1583..=9998))]
        year: i16,
        /// Also print each holiday's name after a tab.
        #[arg(long)]
        names: bool,
    },
    /// Print the intended settlement date of a regular-way trade.
    SettlementDate {
        /// The market's operating MIC (XHEL, XNYS, ...).
        #[arg(long, value_parser = parse_market)]
        market: Market,
        /// Trade date, YYYY-MM-DD.
        #[arg(long, value_parser = parse_date)]
        trade_date: Date,
    },
}

fn parse_date(s: &str) -> Result<Date, String> {
    s.parse::<Date>()
        .map_err(|e| format!("expected a date YYYY-MM-DD ({e})"))
}

fn parse_calendar(s: &str) -> Result<Calendar, String> {
    s.parse()
        .map_err(|e: kulissi_core::calendar::CalendarError| e.to_string())
}

fn parse_market(s: &str) -> Result<Market, String> {
    s.parse()
        .map_err(|e: kulissi_core::settlement::SettlementError| e.to_string())
}

fn parse_kind(s: &str) -> Result<IdentifierKind, String> {
    s.parse()
}
