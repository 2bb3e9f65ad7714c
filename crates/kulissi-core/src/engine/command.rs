//! Commands: what a person or a system asks the engine to do, with who asked, when, and on
//! which business date.

use jiff::Timestamp;
use jiff::civil::Date;

use crate::identifiers::{Bic, Currency, Lei};
use crate::refdata::{
    AccountOwner, Counterparty, FeeSchedule, Instrument, InstrumentType, LegalEntity,
};
use crate::settlement::Market;
use crate::trade::TradeInput;

/// Who asked: a person (by user id) or a system (a FIX session, an import, the generator).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Actor {
    /// A member of staff, by user id.
    Person(String),
    /// A system, by name.
    System(String),
}

impl std::fmt::Display for Actor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Actor::Person(id) => write!(f, "person:{id}"),
            Actor::System(id) => write!(f, "system:{id}"),
        }
    }
}

impl std::str::FromStr for Actor {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once(':') {
            Some(("person", id)) if !id.is_empty() => Ok(Actor::Person(id.to_owned())),
            Some(("system", id)) if !id.is_empty() => Ok(Actor::System(id.to_owned())),
            _ => Err(format!("actor '{s}' must be person:ID or system:NAME")),
        }
    }
}

/// A command with its context. Time and business date are inputs, never read from a clock
/// inside the engine, so the same commands always give the same events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandEnvelope {
    /// Who asked.
    pub actor: Actor,
    /// When it was asked (wall time).
    pub wall_time: Timestamp,
    /// The business date it belongs to.
    pub business_date: Date,
    /// What was asked.
    pub command: Command,
    /// The idempotency key of a command from outside (see [`super::messages`]); `None` for
    /// commands that carry their own (a booking's source and external id) or none at all.
    pub message_id: Option<super::MessageId>,
}

impl CommandEnvelope {
    /// A command without a message id.
    pub fn new(actor: Actor, wall_time: Timestamp, business_date: Date, command: Command) -> Self {
        CommandEnvelope {
            actor,
            wall_time,
            business_date,
            command,
            message_id: None,
        }
    }

    /// The same command under an idempotency key.
    pub fn with_message_id(mut self, id: super::MessageId) -> Self {
        self.message_id = Some(id);
        self
    }
}

/// The steps of a legal entity's end of day, in order, each its own command: what falls
/// due (asset servicing), the CSDR penalties of the day's fails, then the marks, accruals
/// and revaluations. Every door that runs an end of day runs these.
pub fn end_of_day_steps(legal_entity: Lei, date: Date) -> [Command; 3] {
    [
        Command::ServiceAssets { legal_entity, date },
        Command::AccrueSettlementPenalties { legal_entity, date },
        Command::RunEndOfDay { legal_entity, date },
    ]
}

/// Everything the engine can be asked to do.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Command {
    /// Define or update one of our legal entities.
    DefineLegalEntity(LegalEntity),
    /// Define or update a counterparty.
    DefineCounterparty(Counterparty),
    /// Define or update an instrument.
    DefineInstrument(Instrument),
    /// Define or update a book.
    DefineBook {
        /// Book code.
        code: String,
        /// Owning legal entity.
        legal_entity: Lei,
        /// Desk.
        desk: String,
        /// Responsible trader.
        trader: String,
        /// How the book's positions release cost (average cost unless said).
        cost_method: crate::refdata::CostMethod,
    },
    /// Define or update an account.
    DefineAccount {
        /// Account code.
        code: String,
        /// Holding legal entity.
        legal_entity: Lei,
        /// House or client.
        owner: AccountOwner,
        /// Custodian (a counterparty with role custodian).
        custodian: Lei,
        /// Safekeeping account at the custodian.
        safekeeping_account: String,
        /// Cash account.
        cash_account: String,
    },
    /// Define or update a standing settlement instruction.
    DefineSsi {
        /// The counterparty, or `None` for our own side.
        counterparty: Option<Lei>,
        /// Market.
        market: Market,
        /// Currency.
        currency: Currency,
        /// Instrument type.
        instrument_type: InstrumentType,
        /// Place of settlement (CSD BIC).
        place_of_settlement: Bic,
        /// Settlement agent.
        agent: Bic,
        /// Safekeeping account.
        safekeeping_account: String,
        /// Cash account.
        cash_account: String,
        /// The first trade date it applies to.
        valid_from: Date,
    },
    /// Define or update a fee schedule.
    DefineFeeSchedule(FeeSchedule),
    /// Book a new trade (or acknowledge a resubmission of one already booked).
    BookTrade(TradeInput),
    /// Replace a live trade's terms with new ones: a new version.
    AmendTrade(TradeInput),
    /// Record that the custodian settled (part of) a live trade: the quantity settled now,
    /// on which date, under the custodian's reference (the idempotency key of confirmations).
    ConfirmSettlement {
        /// Source system of the trade.
        source: String,
        /// The trade's id in the source system.
        external_id: String,
        /// Quantity settled by this confirmation (positive).
        quantity: crate::money::Quantity,
        /// Effective settlement date.
        settlement_date: Date,
        /// The custodian's reference for this confirmation.
        reference: String,
    },
    /// Record an instrument's end-of-day price on a date (replacing one recorded for it).
    RecordPrice {
        /// The instrument.
        instrument: crate::identifiers::Isin,
        /// The date it is the close of.
        date: Date,
        /// The price, in the instrument's quotation.
        price: crate::money::Price,
        /// Where it comes from (e.g. "XHEL official close").
        source: String,
    },
    /// Record an FX rate: one unit of `base` buys `rate` units of `quote` on `date`
    /// (EUR/USD 1.0800: base EUR, quote USD).
    RecordFxRate {
        /// Base currency.
        base: Currency,
        /// Quote currency.
        quote: Currency,
        /// The date it is the closing rate of.
        date: Date,
        /// Units of quote per unit of base (positive).
        rate: rust_decimal::Decimal,
    },
    /// Run a legal entity's end of day: mark its positions to market at the day's prices and
    /// revalue foreign-currency balances into its reporting currency at the closing rates.
    RunEndOfDay {
        /// The legal entity.
        legal_entity: Lei,
        /// The business date being closed.
        date: Date,
    },
    /// Move cash other than by a trade: posted at once, or held pending until a date.
    RecordCashMovement {
        /// The sender's reference (the idempotency key).
        reference: String,
        /// What it is.
        movement: crate::cash::CashMovementType,
        /// Our account (code) it moves cash in or out of.
        account: String,
        /// For a transfer, the receiving account (code).
        to_account: Option<String>,
        /// Currency.
        currency: Currency,
        /// Amount, positive, in the currency's minor units at most.
        amount: rust_decimal::Decimal,
        /// Value date.
        value_date: Date,
        /// Hold it pending until this date (two-phase), instead of posting it now.
        pending_until: Option<Date>,
    },
    /// Post a pending cash movement (no later than its expiry).
    PostCashMovement {
        /// Its reference.
        reference: String,
    },
    /// Void a pending cash movement.
    VoidCashMovement {
        /// Its reference.
        reference: String,
        /// Why.
        reason: String,
    },
    /// Expire the pending cash movements whose last date is before `date`.
    ExpireCashMovements {
        /// The date reached.
        date: Date,
    },
    /// Set how far below zero an account's available cash in a currency may go.
    SetOverdraftLimit {
        /// Our account (code).
        account: String,
        /// Currency.
        currency: Currency,
        /// The limit, zero or positive.
        limit: rust_decimal::Decimal,
    },
    /// Close a legal entity's accounting periods through a date: later entries effective
    /// on or before it post on the first open day.
    ClosePeriod {
        /// The legal entity.
        legal_entity: Lei,
        /// The last date closed.
        through: Date,
    },
    /// Reopen a legal entity's periods from a date (an exceptional act, logged with its
    /// reason); a year-end close of a reopened year is reversed.
    ReopenPeriod {
        /// The legal entity.
        legal_entity: Lei,
        /// The first date reopened.
        from: Date,
        /// Why.
        reason: String,
    },
    /// Close a legal entity's year: lock it through 31 December and move the year's income
    /// and expenses into retained earnings with a closing entry.
    CloseYear {
        /// The legal entity.
        legal_entity: Lei,
        /// The year.
        year: i16,
    },
    /// Add an account to a legal entity's chart of accounts, or rename one (codes are
    /// numbered for their type, so the default chart's accounts keep theirs: the posting
    /// rules rely on it).
    DefineLedgerAccount {
        /// The legal entity.
        legal_entity: Lei,
        /// The account: code (1xxx assets ... 5xxx expenses, matching its type), name, type.
        account: crate::ledger::LedgerAccount,
    },
    /// Propose a manual journal entry (an accrual, an adjustment); it posts when another
    /// person approves it.
    ProposeJournalEntry {
        /// The maker's reference (the idempotency key).
        reference: String,
        /// The legal entity.
        legal_entity: Lei,
        /// The date it takes effect.
        effective_date: Date,
        /// What it is for.
        description: String,
        /// Account, currency, amount (debit positive); balanced per currency.
        lines: Vec<(u16, Currency, rust_decimal::Decimal)>,
    },
    /// Approve a proposed journal entry (the checker must not be its maker): it posts.
    ApproveJournalEntry {
        /// Its reference.
        reference: String,
    },
    /// Reject a proposed journal entry.
    RejectJournalEntry {
        /// Its reference.
        reference: String,
        /// Why.
        reason: String,
    },
    /// Cancel a live trade: a new, cancelled version.
    CancelTrade {
        /// Source system.
        source: String,
        /// Id in the source system.
        external_id: String,
        /// Why.
        reason: String,
    },
    /// Announce a corporate action (an issuer's dividend or split, from a data vendor).
    AnnounceCorporateAction {
        /// The announcement's reference (the idempotency key).
        reference: String,
        /// The instrument.
        isin: crate::identifiers::Isin,
        /// What it is.
        kind: crate::corporate_actions::CorporateActionKind,
        /// Ex-date (a split's effective date).
        ex_date: Date,
        /// Record date.
        record_date: Date,
        /// Pay date.
        pay_date: Date,
    },
    /// Process what falls due for a legal entity by a date: splits and dividends by their
    /// ex and pay dates, bond coupons and redemptions (the first step of its end of day).
    ServiceAssets {
        /// The legal entity.
        legal_entity: Lei,
        /// The business date being closed.
        date: Date,
    },
    /// Configure how a counterparty's trades net for settlement: bilaterally, or against a
    /// central counterparty that novates them.
    DefineNettingSet {
        /// The counterparty.
        counterparty: Lei,
        /// The CCP the trades net against; `None` for bilateral netting.
        ccp: Option<Lei>,
    },
    /// Issue settlement instructions for every live trade traded on or before `date` that
    /// is neither settled nor instructed, netted where its counterparty's netting set says
    /// (a net instruction that gains members is cancelled and issued again).
    InstructSettlement {
        /// The business date instructed up to (trade dates on or before it).
        date: Date,
    },
    /// Record what the custodian reported about an instruction (a sese.024 status advice, a
    /// line of the CSV status file). A report on an unknown reference, or one that does not
    /// fit the instruction's state, becomes an exception on the queue.
    RecordSettlementStatus {
        /// The instruction's reference (our TxId).
        reference: String,
        /// What was reported.
        status: crate::settlement::lifecycle::StatusReport,
        /// The reason codes given (LACK, DDAT, ...), in order.
        reasons: Vec<String>,
        /// The business date it is as of (the door gives its business date when the message
        /// carries none).
        date: Date,
    },
    /// Record that the custodian settled (part of) an instruction (a sese.025 confirmation,
    /// a line of the CSV status file): moves the member trades' positions, cash and client
    /// money and posts the journal; a settled amount off the instructed one by more than the
    /// currency's tolerance, or a part the instruction does not allow, becomes an exception.
    ConfirmInstruction {
        /// The instruction's reference.
        reference: String,
        /// The quantity settled (positive).
        quantity: rust_decimal::Decimal,
        /// The cash that moved (positive), for DvP.
        amount: Option<rust_decimal::Decimal>,
        /// The effective settlement date.
        settlement_date: Date,
        /// The instrument the custodian names, when it names one (checked against the
        /// instruction's).
        isin: Option<crate::identifiers::Isin>,
    },
    /// Resend a rejected instruction once its cause is repaired.
    ResendInstruction {
        /// The instruction's reference.
        reference: String,
    },
    /// Put an instruction on hold (our party hold) or release it.
    HoldInstruction {
        /// The instruction's reference.
        reference: String,
        /// Hold (true) or release (false).
        hold: bool,
    },
    /// Set how far a settled amount may differ from the instructed one in a currency and
    /// still be posted (zero, the default, posts only exact amounts).
    SetSettlementTolerance {
        /// The currency.
        currency: Currency,
        /// The absolute tolerance (zero or positive).
        amount: rust_decimal::Decimal,
    },
    /// Record a central bank's overnight-credit rate (a fraction: 0.024 is 2.40%), the
    /// CSDR rate of fails for lack of cash in its currency.
    RecordCentralBankRate {
        /// The currency whose central bank it is.
        currency: Currency,
        /// The date it is in force from.
        date: Date,
        /// The annual rate.
        rate: rust_decimal::Decimal,
    },
    /// Accrue the CSDR penalties of a legal entity's failing instructions through a date
    /// (every business day since the last accrual) and post them to the ledger.
    AccrueSettlementPenalties {
        /// The legal entity.
        legal_entity: Lei,
        /// The last day accrued.
        date: Date,
    },
    /// Resolve an exception on the settlement queue.
    ResolveSettlementException {
        /// Its number.
        id: u64,
        /// How it was resolved.
        resolution: String,
    },
    /// Run a reconciliation: a statement (its lines, its name and digest) against our side
    /// as of its date. A statement is loaded once; the run opens breaks for new
    /// differences, updates those still there and closes those that now match.
    RunReconciliation {
        /// Which reconciliation.
        definition: crate::reconciliation::views::ReconDefinition,
        /// The legal entity.
        legal_entity: Lei,
        /// The statement date.
        as_of: Date,
        /// The statement's name (its file).
        statement: String,
        /// The statement's digest (SHA-256, hex): the same statement is refused twice.
        digest: String,
        /// The statement's lines: key, value, where (line or element).
        lines: Vec<crate::reconciliation::ReconLine>,
    },
    /// Set the tolerance a reconciliation compares with: absolute, or relative to our
    /// value, whichever is wider (quantities exact and amounts to the cent unless set).
    SetReconTolerance {
        /// Which reconciliation.
        definition: crate::reconciliation::views::ReconDefinition,
        /// Absolute (zero or more).
        absolute: rust_decimal::Decimal,
        /// Relative (zero or more; 0.000001 is 1e-6).
        relative: rust_decimal::Decimal,
    },
    /// Affirm a day's trades against the counterparties' confirmations (a file loaded once):
    /// mismatched and unknown confirmations and unconfirmed trades are confirmation breaks;
    /// those affirmed now close theirs.
    AffirmTrades {
        /// The legal entity.
        legal_entity: Lei,
        /// The trade date confirmed.
        as_of: Date,
        /// The file's name.
        statement: String,
        /// The file's digest.
        digest: String,
        /// The confirmations.
        confirmations: Vec<crate::reconciliation::confirmations::ConfirmationLine>,
    },
    /// Save how a statement source names the columns of a reconciliation (our column, its
    /// column), so its CSV files load as they come.
    DefineStatementMapping {
        /// The source (a custodian's or bank's name for its files).
        source: String,
        /// The reconciliation.
        definition: crate::reconciliation::views::ReconDefinition,
        /// Our column and the source's, for each column it names otherwise.
        columns: Vec<(String, String)>,
    },
    /// Whether trades with an open confirmation break wait before they are instructed.
    SetConfirmationBlocking {
        /// Wait (true) or not.
        block: bool,
    },
    /// Move a break by hand (assign it, start investigating, wait on a fix or the
    /// counterparty), with an optional assignee and comment.
    MoveBreak {
        /// Its number.
        id: u64,
        /// Where to.
        to: crate::reconciliation::breaks::BreakStatus,
        /// Who owns it from now (for assigned).
        assignee: Option<String>,
    },
    /// Comment on a break.
    CommentBreak {
        /// Its number.
        id: u64,
        /// The comment.
        text: String,
    },
    /// Resolve a break with a resolution code and comment.
    ResolveBreak {
        /// Its number.
        id: u64,
        /// The resolution code (e.g. booked-late, custodian-error, timing).
        code: String,
        /// The comment.
        comment: String,
    },
    /// Ask to write a break off (a second person approves it).
    RequestWriteOff {
        /// Its number.
        id: u64,
        /// Why.
        reason: String,
    },
    /// Approve a write-off asked by another person: the break is resolved as written off.
    ApproveWriteOff {
        /// Its number.
        id: u64,
    },
    /// Set a CSDR penalty class's rate from a date (the table is effective-dated reference
    /// data: ESMA has proposed raising it).
    SetPenaltyRate {
        /// The class.
        class: crate::settlement::penalties::PenaltyClass,
        /// The first day it applies to.
        valid_from: Date,
        /// Basis points per business day of fail.
        basis_points: rust_decimal::Decimal,
    },
    /// Internal control: staff, users, roles, tokens, approvals, compliance.
    Control(crate::controls::commands::ControlCommand),
}
