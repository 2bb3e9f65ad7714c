//! Rejections: why the engine refused a command, written for the person who sent it.

use jiff::civil::Date;
use rust_decimal::Decimal;

use super::Actor;
use crate::calendar::Calendar;
use crate::identifiers::{Currency, Isin, Lei};
use crate::ledger::{AccountType, ManualEntryStatus};
use crate::refdata::{CostMethod, InstrumentType};
use crate::settlement::{Market, SettlementError};

/// Why a command was refused. A rejected command changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    /// Internal control refused it (segregation of duties, approvals, the restricted list,
    /// the staff directory).
    #[error(transparent)]
    Control(#[from] crate::controls::ControlError),
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
    #[error(
        "trade date {date} is not a trading day on {venue} ({calendar}); off-exchange trades use venue XOFF"
    )]
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
        trade_id: Option<crate::ids::TradeId>,
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
        trade_id: crate::ids::TradeId,
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
        trade_id: crate::ids::TradeId,
    },
    /// The trade has (partly) settled, so its terms can no longer change.
    #[error(
        "trade {trade_id} has settled {settled} of {quantity}; a settled trade cannot be amended or cancelled"
    )]
    TradeSettled {
        /// Kulissi's trade id.
        trade_id: crate::ids::TradeId,
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
        trade_id: crate::ids::TradeId,
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
        trade_id: crate::ids::TradeId,
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
    /// An instrument's multiplier is zero or negative.
    #[error("{isin}: multiplier must be positive, found {multiplier}")]
    NonPositiveMultiplier {
        /// The instrument.
        isin: Isin,
        /// The multiplier given.
        multiplier: Decimal,
    },
    /// A bond's terms are impossible: issue on or after maturity, a coupon frequency other
    /// than 1, 2, 4 or 12 a year, or a first coupon date that is not a regular coupon date
    /// after issue.
    #[error("{isin}: impossible bond terms: {reason}")]
    BondTerms {
        /// The bond.
        isin: Isin,
        /// What is wrong with them.
        reason: String,
    },
    /// A trade's book keeps cost by another method than the position it would join, and
    /// other books' trades hold that position.
    #[error(
        "book '{book}' keeps cost at {book_method}, but the position it would join is kept at \
         {position_method} by other books' trades",
        book_method = .book_method.code(),
        position_method = .position_method.code()
    )]
    CostMethodConflict {
        /// The trade's book.
        book: String,
        /// The book's cost method.
        book_method: CostMethod,
        /// The cost method the position is kept at.
        position_method: CostMethod,
    },
    /// An FX rate between a currency and itself.
    #[error("an FX rate needs two currencies, found {currency}/{currency}")]
    FxRateOneCurrency {
        /// The currency given as both base and quote.
        currency: Currency,
    },
    /// An FX rate is zero or negative.
    #[error("FX rate {base}/{quote} must be positive, found {rate}")]
    NonPositiveFxRate {
        /// Base currency.
        base: Currency,
        /// Quote currency.
        quote: Currency,
        /// The rate given.
        rate: Decimal,
    },
    /// A transfer from an account to itself.
    #[error("a transfer needs two different accounts, found '{account}' twice")]
    TransferToItself {
        /// The account code given as both sides.
        account: String,
    },
    /// A movement of client money on a house account, or of the firm's money on a client
    /// account.
    #[error(
        "a {movement} moves {whose} money, so it needs a {needed} account; '{account}' is a {found} account"
    )]
    CashMovementWrongOwner {
        /// The account code.
        account: String,
        /// The movement type.
        movement: &'static str,
        /// Whose money it moves ("a client's", "the firm's").
        whose: &'static str,
        /// The owner the account needs.
        needed: &'static str,
        /// The owner it has.
        found: &'static str,
    },
    /// A transfer between a house and a client account, or of client money between legal
    /// entities: client money stays segregated.
    #[error("a transfer from '{from}' to '{to}' would mix client money with the firm's: {reason}")]
    TransferMixesClientMoney {
        /// The sending account.
        from: String,
        /// The receiving account.
        to: String,
        /// Why.
        reason: &'static str,
    },
    /// A netting set against a counterparty that is not a central counterparty.
    #[error(
        "counterparty {0} is not a central counterparty (role ccp): trades cannot net against it"
    )]
    NotACcp(crate::identifiers::Lei),
    /// A corporate action's dates out of order.
    #[error(
        "a corporate action needs ex-date ≤ record date ≤ pay date, found ex {ex_date}, record {record_date}, pay {pay_date}"
    )]
    CorporateActionDates {
        /// Ex-date.
        ex_date: jiff::civil::Date,
        /// Record date.
        record_date: jiff::civil::Date,
        /// Pay date.
        pay_date: jiff::civil::Date,
    },
    /// A corporate action's terms that cannot be.
    #[error("corporate action: {what}")]
    CorporateActionTerms {
        /// What is wrong.
        what: &'static str,
    },
    /// A corporate action's reference announced before with other content.
    #[error("corporate action '{reference}' was announced before with other terms")]
    CorporateActionReferenceReused {
        /// The reference.
        reference: String,
    },
    /// A trade in a bond on or after its maturity.
    #[error("{isin} matured on {maturity}: it cannot be traded on {trade_date}")]
    BondMatured {
        /// The bond.
        isin: crate::identifiers::Isin,
        /// Its maturity.
        maturity: jiff::civil::Date,
        /// The trade date.
        trade_date: jiff::civil::Date,
    },
    /// A period or year that ends after the business date cannot be closed yet.
    #[error(
        "the period ends on {end}, after the business date {business_date}: it cannot be closed yet"
    )]
    PeriodNotEnded {
        /// The last day it would close.
        end: jiff::civil::Date,
        /// The business date.
        business_date: jiff::civil::Date,
    },
    /// A transfer without the account that receives it.
    #[error("a transfer needs the receiving account (to_account)")]
    TransferWithoutReceiver,
    /// A receiving account on a movement that is not a transfer.
    #[error("only a transfer has a receiving account, found '{to_account}'")]
    ReceiverWithoutTransfer {
        /// The receiving account code given.
        to_account: String,
    },
    /// A cash movement's amount is zero or negative (the kind gives the direction).
    #[error("a cash movement's amount must be positive, found {0}")]
    NonPositiveCashAmount(Decimal),
    /// An amount has more decimals than its currency's minor units.
    #[error(
        "{at}{amount} has more decimals than {currency}'s {minor}",
        at = .line.map_or("amount ".to_owned(), |line| format!("line {line}: "))
    )]
    TooManyDecimals {
        /// The line of a journal entry (1-based), or `None` for a cash movement's amount.
        line: Option<usize>,
        /// The amount given.
        amount: Decimal,
        /// Its currency.
        currency: Currency,
        /// The currency's minor units.
        minor: u32,
    },
    /// A pending movement would expire before its value date or before today.
    #[error("a pending movement's last date {until} is before its value date or today")]
    PendingUntilTooEarly {
        /// The last date given.
        until: Date,
    },
    /// A cash movement reference already names another movement.
    #[error("cash movement reference '{reference}' was already used for a different movement")]
    CashMovementReferenceReused {
        /// The reference.
        reference: String,
    },
    /// A negative overdraft limit.
    #[error("an overdraft limit is zero or positive, found {0}")]
    NegativeOverdraftLimit(Decimal),
    /// A period close earlier than the one in force (a close moves back only by a reopen).
    #[error("{legal_entity} is already closed through {closed}; reopen to move the close back")]
    AlreadyClosed {
        /// The legal entity.
        legal_entity: Lei,
        /// The date it is closed through.
        closed: Date,
    },
    /// A reopen from a date that is not closed.
    #[error(
        "{legal_entity} is not closed on {from} (closed through {closed})",
        closed = .closed.map_or("no date".to_owned(), |d| d.to_string())
    )]
    NotClosed {
        /// The legal entity.
        legal_entity: Lei,
        /// The date the reopen was asked from.
        from: Date,
        /// The date it is closed through, if any.
        closed: Option<Date>,
    },
    /// A year outside 1900 to 9999.
    #[error("year {year} is out of range")]
    YearOutOfRange {
        /// The year given.
        year: i16,
    },
    /// A ledger account whose code is not numbered for its type.
    #[error(
        "account {code} must be numbered for its type: 1xxx assets, 2xxx liabilities, 3xxx \
         equity, 4xxx income, 5xxx expenses ({account_type} given)",
        account_type = .account_type.code()
    )]
    AccountNumbering {
        /// The account code.
        code: u16,
        /// The type given.
        account_type: AccountType,
    },
    /// A journal entry with fewer than 2 or more than 100 lines.
    #[error("a journal entry has 2 to 100 lines, found {found}")]
    JournalEntryLines {
        /// The number of lines given.
        found: usize,
    },
    /// A journal entry line names an account the legal entity's chart does not have.
    #[error("line {line}: account {account} is not in the chart of accounts")]
    NotInChart {
        /// The line (1-based).
        line: usize,
        /// The account code.
        account: u16,
    },
    /// A journal entry line names a control account, which only its sub-ledger moves.
    #[error(
        "line {line}: account {account} is kept by its sub-ledger; move it through \
         trades, settlements, cash movements or the end of day"
    )]
    ControlAccount {
        /// The line (1-based).
        line: usize,
        /// The account code.
        account: u16,
    },
    /// A journal entry line of zero.
    #[error("line {line}: the amount is zero")]
    ZeroAmount {
        /// The line (1-based).
        line: usize,
    },
    /// A journal entry whose debits and credits differ in a currency.
    #[error("the entry does not balance in {currency}: debits exceed credits by {excess}")]
    Unbalanced {
        /// The currency.
        currency: Currency,
        /// Debits minus credits.
        excess: Decimal,
    },
    /// A journal entry reference already names another entry.
    #[error("journal entry reference '{reference}' was already used for a different entry")]
    JournalEntryReferenceReused {
        /// The reference.
        reference: String,
    },
    /// No journal entry has this reference.
    #[error("no journal entry has reference '{0}'")]
    UnknownJournalEntry(String),
    /// The journal entry was approved or rejected before, the other way.
    #[error(
        "journal entry '{reference}' is already {status}",
        status = if *.status == ManualEntryStatus::Posted { "approved and posted" } else { "rejected" }
    )]
    JournalEntryDecided {
        /// Its reference.
        reference: String,
        /// Where it stands: posted or rejected.
        status: ManualEntryStatus,
    },
    /// A system, not a person, asked to approve or reject a journal entry.
    #[error("journal entry '{reference}': only a person may approve or reject it, not {checker}")]
    CheckerNotAPerson {
        /// Its reference.
        reference: String,
        /// Who asked.
        checker: Actor,
    },
    /// The maker of a journal entry asked to approve or reject it.
    #[error(
        "journal entry '{reference}' was proposed by {maker}: another person must \
         approve or reject it (four eyes)"
    )]
    FourEyes {
        /// Its reference.
        reference: String,
        /// Who proposed it, and asked to decide it.
        maker: String,
    },
    /// No settlement instruction has this reference.
    #[error("no settlement instruction has reference '{0}'")]
    UnknownInstruction(String),
    /// The instruction is not in the state the command needs.
    #[error("settlement instruction '{reference}' is {status}: {needed}")]
    InstructionState {
        /// Its reference.
        reference: String,
        /// Its status.
        status: &'static str,
        /// What the command needs.
        needed: &'static str,
    },
    /// A trade that settles through a net instruction was confirmed on its own.
    #[error(
        "trade {trade_id} settles through net instruction '{reference}': confirm the \
         instruction, not the trade"
    )]
    SettlesThroughNet {
        /// The trade.
        trade_id: crate::ids::TradeId,
        /// The net instruction.
        reference: String,
    },
    /// The statement was loaded before.
    #[error("statement '{name}' was loaded before (as '{first}', same content)")]
    StatementLoaded {
        /// The statement now.
        name: String,
        /// The name it was loaded under.
        first: String,
    },
    /// A statement mapping names a column the reconciliation does not have.
    #[error("{definition} has no column '{column}': its columns are {expected}")]
    UnknownStatementColumn {
        /// The column.
        column: String,
        /// The reconciliation.
        definition: &'static str,
        /// Its columns.
        expected: String,
    },
    /// No break has this number.
    #[error("no reconciliation break has number {0}")]
    UnknownBreak(u64),
    /// The break is not in a state the command can move it from.
    #[error("break {id} is {status}: {needed}")]
    BreakState {
        /// The break.
        id: u64,
        /// Its status.
        status: &'static str,
        /// What the command needs.
        needed: &'static str,
    },
    /// No settlement exception has this number.
    #[error("no settlement exception has number {0}")]
    UnknownSettlementException(u64),
    /// A settlement tolerance or central bank rate that cannot be.
    #[error("{what} must not be negative, found {value}")]
    Negative {
        /// What.
        what: &'static str,
        /// The value.
        value: Decimal,
    },
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

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    /// The typed rejections read exactly as the texts they replaced.
    #[test]
    fn rejections_read_as_sentences() {
        let eur = Currency::parse("EUR").unwrap();
        let amount = Decimal::new(1005, 3);
        let cases = [
            (
                Rejection::TooManyDecimals {
                    line: Some(2),
                    amount,
                    currency: eur,
                    minor: 2,
                },
                "line 2: 1.005 has more decimals than EUR's 2",
            ),
            (
                Rejection::TooManyDecimals {
                    line: None,
                    amount,
                    currency: eur,
                    minor: 2,
                },
                "amount 1.005 has more decimals than EUR's 2",
            ),
            (
                Rejection::JournalEntryDecided {
                    reference: "JE1".into(),
                    status: ManualEntryStatus::Posted,
                },
                "journal entry 'JE1' is already approved and posted",
            ),
            (
                Rejection::JournalEntryDecided {
                    reference: "JE1".into(),
                    status: ManualEntryStatus::Rejected,
                },
                "journal entry 'JE1' is already rejected",
            ),
            (
                Rejection::AccountNumbering {
                    code: 2600,
                    account_type: AccountType::Expense,
                },
                "account 2600 must be numbered for its type: 1xxx assets, 2xxx liabilities, \
                 3xxx equity, 4xxx income, 5xxx expenses (expense given)",
            ),
            (
                Rejection::FxRateOneCurrency { currency: eur },
                "an FX rate needs two currencies, found EUR/EUR",
            ),
            (
                Rejection::CostMethodConflict {
                    book: "F".into(),
                    book_method: CostMethod::Fifo,
                    position_method: CostMethod::AverageCost,
                },
                "book 'F' keeps cost at fifo, but the position it would join is kept at average \
                 by other books' trades",
            ),
        ];
        for (rejection, text) in cases {
            assert_eq!(rejection.to_string(), text);
        }
        let lei = Lei::parse("5493001KJTIIGC8Y1R12").unwrap();
        assert!(
            Rejection::NotClosed {
                legal_entity: lei,
                from: date(2025, 6, 30),
                closed: None,
            }
            .to_string()
            .ends_with("is not closed on 2025-06-30 (closed through no date)")
        );
    }
}
