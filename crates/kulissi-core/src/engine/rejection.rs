//! Rejections: why the engine refused a command, written for the person who sent it.

use jiff::civil::Date;

use crate::calendar::Calendar;
use crate::identifiers::{Currency, Isin, Lei};
use crate::refdata::InstrumentType;
use crate::settlement::{Market, SettlementError};

/// Why a command was refused. A rejected command changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    /// A required text field is empty.
    #[error("{field} must not be empty")]
    Empty {
        /// The field.
        field: &'static str,
    },
    /// A text field is too long.
    #[error("{field} must be at most {max} characters, found {found}")]
    TooLong {
        /// The field.
        field: &'static str,
        /// The limit.
        max: usize,
        /// The length found.
        found: usize,
    },
    /// No legal entity with this LEI is defined.
    #[error("unknown legal entity {0}")]
    UnknownLegalEntity(Lei),
    /// No counterparty with this LEI is defined.
    #[error("unknown counterparty {0}")]
    UnknownCounterparty(Lei),
    /// No instrument with this ISIN is defined.
    #[error("unknown instrument {0}")]
    UnknownInstrument(Isin),
    /// No book with this code is defined.
    #[error("unknown book '{0}'")]
    UnknownBook(String),
    /// No account with this code is defined.
    #[error("unknown account '{0}'")]
    UnknownAccount(String),
    /// The book or account belongs to another legal entity.
    #[error("{what} '{code}' belongs to another legal entity than {legal_entity}")]
    WrongLegalEntity {
        /// "book" or "account".
        what: &'static str,
        /// Its code.
        code: String,
        /// The trade's legal entity.
        legal_entity: Lei,
    },
    /// The trade currency is not the instrument's.
    #[error("trade currency {trade} differs from {isin}'s currency {instrument}")]
    CurrencyMismatch {
        /// Instrument.
        isin: Isin,
        /// Its currency.
        instrument: Currency,
        /// The trade's currency.
        trade: Currency,
    },
    /// Quantity must be positive (the side gives the direction).
    #[error("quantity must be positive, found {0}")]
    NonPositiveQuantity(rust_decimal::Decimal),
    /// Price must be positive.
    #[error("price must be positive, found {0}")]
    NonPositivePrice(rust_decimal::Decimal),
    /// The given settlement date is before the trade date.
    #[error("settlement date {settlement_date} is before trade date {trade_date}")]
    SettlementBeforeTrade {
        /// Trade date.
        trade_date: Date,
        /// Settlement date given.
        settlement_date: Date,
    },
    /// The given settlement date is not a business day of the settlement calendar.
    #[error("settlement date {date} is not a business day on {calendar}")]
    SettlementNotBusinessDay {
        /// Settlement date given.
        date: Date,
        /// The market's settlement calendar.
        calendar: Calendar,
    },
    /// The settlement date could not be computed.
    #[error(transparent)]
    Settlement(#[from] SettlementError),
    /// No fee schedule for the market and instrument type.
    #[error("no fee schedule for {instrument_type} on {market} in force on {trade_date}", instrument_type = instrument_type.code())]
    MissingFeeSchedule {
        /// Market.
        market: Market,
        /// Instrument type.
        instrument_type: InstrumentType,
        /// The trade date it was looked up for.
        trade_date: Date,
    },
    /// An exchange trade dated on a day its venue does not trade.
    #[error("trade date {date} is not a trading day on {venue} ({calendar}); off-exchange trades use venue XOFF")]
    NotATradingDay {
        /// The trade date.
        date: Date,
        /// The venue.
        venue: crate::identifiers::Mic,
        /// The trading calendar it was checked against.
        calendar: Calendar,
    },
    /// Reference data that open positions depend on may not change under them.
    #[error(
        "{what} '{code}' has open positions ({positions}); its {fields} cannot change while they are open",
        fields = .fields.join(", ")
    )]
    ChangeUnderOpenPositions {
        /// "instrument" or "account".
        what: &'static str,
        /// Its ISIN or code.
        code: String,
        /// The fields that would change.
        fields: Vec<&'static str>,
        /// How many open positions depend on it.
        positions: usize,
    },
    /// A message id was taken before for a command with other content.
    #[error(
        "message id '{message_id}' was already used for another command{answer}; this one differs \
         from it{differences}. Send a new message id for new content",
        answer = .trade_id.map_or(String::new(), |t| format!(" (answered with trade {t})")),
        differences = if .differences.is_empty() { String::new() } else { format!(" in {}", .differences.join(", ")) }
    )]
    MessageIdReused {
        /// The id.
        message_id: String,
        /// The trade the first command answered with, if any.
        trade_id: Option<u64>,
        /// What differs, where the engine can tell (e.g. "quantity 100 was 200").
        differences: Vec<String>,
    },
    /// No standing settlement instruction for a side of the trade.
    #[error(
        "no standing settlement instruction for {side} on {market} in {currency} for {instrument_type}",
        side = counterparty.map_or("our side".to_owned(), |l| format!("counterparty {l}")),
        instrument_type = instrument_type.code()
    )]
    MissingSsi {
        /// The counterparty, or `None` for our side.
        counterparty: Option<Lei>,
        /// Market.
        market: Market,
        /// Currency.
        currency: Currency,
        /// Instrument type.
        instrument_type: InstrumentType,
    },
    /// Accrued interest could not be computed.
    #[error("cannot compute accrued interest on {isin}: {reason}")]
    Accrued {
        /// Instrument.
        isin: Isin,
        /// Why.
        reason: String,
    },
    /// The external id is already booked with different content.
    #[error(
        "trade {external_id} from {system} is already booked as trade {trade_id} with different \
         content; send an amendment to change it"
    )]
    ConflictingResubmission {
        /// Source system.
        system: String,
        /// External id.
        external_id: String,
        /// Kulissi's trade id.
        trade_id: u64,
    },
    /// No trade with this external id from this source.
    #[error("no trade {external_id} from {system} is booked")]
    UnknownTrade {
        /// Source system.
        system: String,
        /// External id.
        external_id: String,
    },
    /// The trade is cancelled and cannot be amended.
    #[error("trade {trade_id} ({external_id} from {system}) is cancelled")]
    TradeCancelled {
        /// Source system.
        system: String,
        /// External id.
        external_id: String,
        /// Kulissi's trade id.
        trade_id: u64,
    },
    /// The trade has (partly) settled, so its terms can no longer change.
    #[error(
        "trade {trade_id} has settled {settled} of {quantity}; a settled trade cannot be amended or cancelled"
    )]
    TradeSettled {
        /// Kulissi's trade id.
        trade_id: u64,
        /// Quantity settled.
        settled: rust_decimal::Decimal,
        /// The trade's quantity.
        quantity: rust_decimal::Decimal,
    },
    /// A confirmation would settle more than the trade's quantity.
    #[error(
        "settling {requested} more of trade {trade_id} would exceed its quantity {quantity} ({settled} already settled)"
    )]
    OverSettlement {
        /// Kulissi's trade id.
        trade_id: u64,
        /// Quantity this confirmation settles.
        requested: rust_decimal::Decimal,
        /// Already settled.
        settled: rust_decimal::Decimal,
        /// The trade's quantity.
        quantity: rust_decimal::Decimal,
    },
    /// A confirmation reference already settled another trade.
    #[error(
        "settlement reference {reference} already confirmed trade {trade_id}{differences}",
        differences = if .differences.is_empty() { String::new() } else { format!(" with other terms: {}", .differences.join(", ")) }
    )]
    ReferenceUsed {
        /// What differs from the first confirmation ("quantity 40 (was 60)").
        differences: Vec<String>,
        /// The reference.
        reference: String,
        /// The trade it confirmed.
        trade_id: u64,
    },
    /// Positions or balances to value have no price or rate recent enough.
    #[error("end of day {date}: no recent {what} for {items} (none within {max_days} days)", items = .missing.join(", "), max_days = crate::market_data::MAX_STALENESS_DAYS)]
    StaleMarketData {
        /// The valuation date.
        date: Date,
        /// "price" or "FX rate".
        what: &'static str,
        /// What lacks one (ISINs, currency pairs), at most a dozen.
        missing: Vec<String>,
    },
    /// An end of day earlier than the last one run.
    #[error("end of day {date} is before the last end of day run, {last}")]
    EndOfDayOutOfOrder {
        /// Asked for.
        date: Date,
        /// Last run.
        last: Date,
    },
    /// An outflow would take an account below its overdraft limit.
    #[error(
        "account '{account}' has {available} {currency} available (overdraft limit {limit}): an outflow of {amount} is refused"
    )]
    Overdraft {
        /// Account code.
        account: String,
        /// Currency.
        currency: Currency,
        /// Posted minus held.
        available: rust_decimal::Decimal,
        /// The overdraft limit.
        limit: rust_decimal::Decimal,
        /// The outflow asked for.
        amount: rust_decimal::Decimal,
    },
    /// No cash movement has this reference.
    #[error("no cash movement has reference '{0}'")]
    UnknownCashMovement(String),
    /// The movement is not pending, or its time to post has passed.
    #[error("cash movement '{reference}' cannot be {action}: it is {state}")]
    CashMovementNotPending {
        /// Its reference.
        reference: String,
        /// "posted" or "voided".
        action: &'static str,
        /// Where it stands ("voided", "expired", "already posted", "past its expiry on ...").
        state: String,
    },
    /// A reference was to something of the wrong kind (e.g. a custodian that is not one).
    #[error("{0}")]
    Invalid(String),
    /// Amounts overflowed exact decimal range.
    #[error("{what} overflow the exact decimal range")]
    Overflow {
        /// What.
        what: &'static str,
    },
    /// A broken internal invariant; a bug, reported rather than panicking.
    #[error("internal error: {what}")]
    Internal {
        /// What.
        what: &'static str,
    },
}
