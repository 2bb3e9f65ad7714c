//! Events: what happened, as the engine decided it. Events carry everything `apply` needs,
//! including the enrichment results, so replaying the log never recomputes history with
//! today's reference data.

use crate::ids::{
    AccountId, BookId, CounterpartyId, FeeScheduleId, InstrumentId, LegalEntityId, SsiId, TradeId,
};
use std::sync::Arc;

use crate::refdata::{
    Account, Book, Counterparty, FeeSchedule, Instrument, LegalEntity,
    StandingSettlementInstruction,
};
use crate::trade::{Economics, TradeTerms};

/// The version of the event encoding (see `codec`); bumped when an event's layout changes,
/// with the decoder keeping every older version.
pub const EVENT_SCHEMA_VERSION: u8 = 1;

/// Something that happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A legal entity was defined or updated.
    LegalEntityDefined {
        /// Its id.
        id: LegalEntityId,
        /// Its data.
        entity: LegalEntity,
    },
    /// A counterparty was defined or updated.
    CounterpartyDefined {
        /// Its id.
        id: CounterpartyId,
        /// Its data.
        counterparty: Counterparty,
    },
    /// An instrument was defined or updated.
    InstrumentDefined {
        /// Its id.
        id: InstrumentId,
        /// Its data.
        instrument: Instrument,
    },
    /// A book was defined or updated.
    BookDefined {
        /// Its id.
        id: BookId,
        /// Its data.
        book: Book,
    },
    /// An account was defined or updated.
    AccountDefined {
        /// Its id.
        id: AccountId,
        /// Its data.
        account: Account,
    },
    /// A standing settlement instruction was defined or updated.
    SsiDefined {
        /// Its id.
        id: SsiId,
        /// Its data.
        ssi: StandingSettlementInstruction,
    },
    /// A fee schedule was defined or updated.
    FeeScheduleDefined {
        /// Its id.
        id: FeeScheduleId,
        /// Its data.
        schedule: FeeSchedule,
    },
    /// A counterparty's netting set was defined.
    NettingSetDefined {
        /// The counterparty (id).
        counterparty: CounterpartyId,
        /// How its trades net.
        set: crate::settlement::netting::NettingSet,
    },
    /// A trade was booked: version 1.
    TradeBooked {
        /// Kulissi's trade id.
        trade_id: TradeId,
        /// Source system.
        source: Arc<str>,
        /// Id in the source system.
        external_id: Arc<str>,
        /// Fingerprint of the booking as received, to recognise resubmissions.
        input_digest: u64,
        /// Resolved terms.
        terms: TradeTerms,
        /// Enriched amounts.
        economics: Economics,
    },
    /// A trade was amended: `version` replaces `version - 1`.
    TradeAmended {
        /// Trade id.
        trade_id: TradeId,
        /// The new version.
        version: u32,
        /// Resolved terms of the new version.
        terms: TradeTerms,
        /// Enriched amounts of the new version.
        economics: Economics,
    },
    /// (Part of) a trade settled at the custodian.
    SettlementConfirmed {
        /// Trade id.
        trade_id: TradeId,
        /// The trade version that settled.
        version: u32,
        /// Quantity settled by this confirmation.
        quantity: rust_decimal::Decimal,
        /// Effective settlement date.
        settlement_date: jiff::civil::Date,
        /// The custodian's reference.
        reference: Arc<str>,
    },
    /// An end-of-day price was recorded.
    PriceRecorded {
        /// Instrument (id).
        instrument: InstrumentId,
        /// Close of.
        date: jiff::civil::Date,
        /// Price.
        price: rust_decimal::Decimal,
        /// Source.
        source: Arc<str>,
    },
    /// An FX rate was recorded.
    FxRateRecorded {
        /// Base currency.
        base: crate::identifiers::Currency,
        /// Quote currency.
        quote: crate::identifiers::Currency,
        /// Close of.
        date: jiff::civil::Date,
        /// Units of quote per unit of base.
        rate: rust_decimal::Decimal,
    },
    /// A legal entity's end of day ran: positions marked, foreign balances revalued.
    EndOfDayRun {
        /// Legal entity (id).
        legal_entity: LegalEntityId,
        /// The business date closed.
        date: jiff::civil::Date,
        /// Its reporting currency.
        reporting_currency: crate::identifiers::Currency,
        /// Positions whose valuation adjustment changed, with the new adjustment.
        marks: Vec<crate::ledger::PositionMark>,
        /// Foreign currencies whose monetary balances were revalued.
        revaluations: Vec<crate::ledger::FxRevaluation>,
        /// Foreign currencies whose fair-valued trading securities were retranslated.
        translations: Vec<crate::ledger::FxRevaluation>,
        /// Interest accrued on house bond positions, per currency: the change of accrued
        /// interest receivable to its target.
        accruals: Vec<(crate::identifiers::Currency, rust_decimal::Decimal)>,
    },
    /// A corporate action was announced.
    CorporateActionAnnounced {
        /// Its id.
        id: u32,
        /// What was announced.
        action: crate::corporate_actions::CorporateAction,
    },
    /// A split versioned a legal entity's positions in its instrument.
    SplitApplied {
        /// Legal entity (id).
        legal_entity: LegalEntityId,
        /// The action (id).
        action: u32,
    },
    /// A dividend's ex-date was processed: the house's entitlements are receivable.
    DividendEntitled {
        /// Legal entity (id).
        legal_entity: LegalEntityId,
        /// The action (id).
        action: u32,
        /// The house accounts' entitlements.
        entitlements: Vec<crate::corporate_actions::Entitlement>,
    },
    /// A dividend was paid: to the house's cash, and to clients' money.
    DividendPaid {
        /// Legal entity (id).
        legal_entity: LegalEntityId,
        /// The action (id).
        action: u32,
        /// Every account's payment.
        payments: Vec<crate::corporate_actions::Entitlement>,
    },
    /// A bond's coupon was paid to the holders of record.
    CouponPaid {
        /// Legal entity (id).
        legal_entity: LegalEntityId,
        /// The bond (id).
        instrument: InstrumentId,
        /// The payment date.
        payment_date: jiff::civil::Date,
        /// Every account's coupon.
        payments: Vec<crate::corporate_actions::BondPayment>,
    },
    /// A bond was redeemed at maturity: its positions closed at par.
    BondRedeemed {
        /// Legal entity (id).
        legal_entity: LegalEntityId,
        /// The bond (id).
        instrument: InstrumentId,
        /// The maturity date.
        maturity: jiff::civil::Date,
        /// Every account's redemption.
        payments: Vec<crate::corporate_actions::BondPayment>,
    },
    /// A cash movement was recorded, posted at once or pending.
    CashMovementRecorded(crate::cash::CashMovement),
    /// A pending cash movement was posted.
    CashMovementPosted {
        /// Its id.
        id: u64,
    },
    /// A pending cash movement was voided.
    CashMovementVoided {
        /// Its id.
        id: u64,
        /// Why.
        reason: Box<str>,
    },
    /// Pending cash movements expired.
    CashMovementsExpired {
        /// The date reached.
        date: jiff::civil::Date,
        /// Their ids.
        ids: Vec<u64>,
    },
    /// An account's overdraft limit was set.
    OverdraftLimitSet {
        /// Account (id).
        account: AccountId,
        /// Currency.
        currency: crate::identifiers::Currency,
        /// The limit.
        limit: rust_decimal::Decimal,
    },
    /// A legal entity's periods were closed through a date.
    PeriodClosed {
        /// Legal entity (id).
        legal_entity: LegalEntityId,
        /// Last date closed.
        through: jiff::civil::Date,
    },
    /// A legal entity's periods were reopened from a date; year-end closes of reopened
    /// years are reversed.
    PeriodReopened {
        /// Legal entity (id).
        legal_entity: LegalEntityId,
        /// First date reopened.
        from: jiff::civil::Date,
        /// Why.
        reason: Box<str>,
    },
    /// A legal entity's year was closed into retained earnings.
    YearClosed {
        /// Legal entity (id).
        legal_entity: LegalEntityId,
        /// The year.
        year: i16,
        /// The closing entry's lines.
        lines: crate::ledger::Lines,
    },
    /// An account was added to a legal entity's chart, or renamed.
    LedgerAccountDefined {
        /// Legal entity (id).
        legal_entity: LegalEntityId,
        /// The account.
        account: crate::ledger::LedgerAccount,
    },
    /// A manual journal entry was proposed.
    JournalEntryProposed(crate::ledger::ManualEntry),
    /// A manual journal entry was approved, and posted.
    JournalEntryApproved {
        /// Its id.
        id: u64,
        /// Who approved it.
        checker: Box<str>,
    },
    /// A manual journal entry was rejected.
    JournalEntryRejected {
        /// Its id.
        id: u64,
        /// Who rejected it.
        checker: Box<str>,
        /// Why.
        reason: Box<str>,
    },
    /// A trade was cancelled: `version` (cancelled) replaces `version - 1`.
    TradeCancelled {
        /// Trade id.
        trade_id: TradeId,
        /// The cancelled version.
        version: u32,
        /// Why.
        reason: Box<str>,
    },
    /// A settlement instruction was issued.
    InstructionIssued {
        /// What it asks.
        terms: Box<crate::settlement::lifecycle::InstructionTerms>,
        /// The business date it was issued.
        date: jiff::civil::Date,
    },
    /// An instruction took a status: reported by the custodian, resent after repair, or
    /// cancelled because a member trade changed.
    InstructionStatusRecorded {
        /// The instruction.
        reference: Arc<str>,
        /// The business date.
        date: jiff::civil::Date,
        /// Its new status.
        status: crate::settlement::lifecycle::InstructionStatus,
        /// Whether it is matched.
        matched: bool,
        /// The reasons given.
        reasons: Vec<Arc<str>>,
    },
    /// (Part of) an instruction settled; its member trades' settlements follow as
    /// [`Event::SettlementConfirmed`].
    InstructionSettled {
        /// The instruction.
        reference: Arc<str>,
        /// The effective settlement date.
        date: jiff::civil::Date,
        /// The quantity settled (positive).
        quantity: rust_decimal::Decimal,
        /// The cash that moved (positive).
        cash: rust_decimal::Decimal,
    },
    /// An instruction was put on hold or released.
    InstructionHeld {
        /// The instruction.
        reference: Arc<str>,
        /// Held (true) or released.
        hold: bool,
    },
    /// A settlement message was put on the exception queue.
    SettlementExceptionRaised {
        /// The reference it named.
        reference: Arc<str>,
        /// The business date.
        date: jiff::civil::Date,
        /// What was wrong.
        detail: Arc<str>,
    },
    /// An exception was resolved.
    SettlementExceptionResolved {
        /// Its number.
        id: u64,
        /// How.
        resolution: Arc<str>,
    },
    /// A currency's settled-amount tolerance was set.
    SettlementToleranceSet {
        /// The currency.
        currency: crate::identifiers::Currency,
        /// The tolerance.
        amount: rust_decimal::Decimal,
    },
    /// A central bank's overnight-credit rate was recorded.
    CentralBankRateRecorded {
        /// The currency.
        currency: crate::identifiers::Currency,
        /// In force from.
        date: jiff::civil::Date,
        /// The annual rate (a fraction).
        rate: rust_decimal::Decimal,
    },
    /// A reconciliation ran: breaks opened, updated (still there) and closed (matched now).
    ReconciliationRan {
        /// The run.
        run: Box<crate::reconciliation::breaks::ReconRun>,
        /// New breaks (numbered in order after the existing ones).
        opened: Vec<crate::reconciliation::breaks::BreakFinding>,
        /// Open breaks found again, with what was found now.
        updated: Vec<(u64, crate::reconciliation::breaks::BreakFinding)>,
        /// Open breaks that now match.
        closed: Vec<u64>,
        /// Trades affirmed by this run (confirmation matching only): a later file that does
        /// not confirm them again does not make them unconfirmed.
        affirmed: Vec<String>,
    },
    /// A reconciliation's tolerance was set.
    ReconToleranceSet {
        /// Which reconciliation.
        definition: crate::reconciliation::views::ReconDefinition,
        /// The tolerance.
        tolerance: crate::reconciliation::Tolerance,
    },
    /// A statement source's column mapping was saved.
    StatementMappingDefined {
        /// The source.
        source: Arc<str>,
        /// The reconciliation.
        definition: crate::reconciliation::views::ReconDefinition,
        /// Our column and the source's.
        columns: Vec<(Arc<str>, Arc<str>)>,
    },
    /// Whether unconfirmed trades wait before they are instructed was set.
    ConfirmationBlockingSet {
        /// Wait (true) or not.
        block: bool,
    },
    /// A break was moved by hand.
    BreakMoved {
        /// Its number.
        id: u64,
        /// Where to.
        to: crate::reconciliation::breaks::BreakStatus,
        /// Who moved it.
        by: Arc<str>,
        /// Who owns it now, when assigned.
        assignee: Option<Arc<str>>,
    },
    /// A break was commented on.
    BreakCommented {
        /// Its number.
        id: u64,
        /// Who.
        by: Arc<str>,
        /// What.
        text: Arc<str>,
    },
    /// A break was resolved.
    BreakResolved {
        /// Its number.
        id: u64,
        /// Who.
        by: Arc<str>,
        /// The resolution code.
        code: Arc<str>,
        /// The comment.
        comment: Arc<str>,
    },
    /// A write-off was asked for.
    WriteOffRequested {
        /// The break.
        id: u64,
        /// Who asked.
        by: Arc<str>,
        /// Why.
        reason: Arc<str>,
    },
    /// A write-off was approved: the break is resolved as written off.
    WriteOffApproved {
        /// The break.
        id: u64,
        /// The checker.
        by: Arc<str>,
    },
    /// A CSDR penalty class's rate was set from a date.
    PenaltyRateSet {
        /// The class.
        class: crate::settlement::penalties::PenaltyClass,
        /// The first day it applies to.
        valid_from: jiff::civil::Date,
        /// Basis points per business day.
        basis_points: rust_decimal::Decimal,
    },
    /// A legal entity's CSDR penalties were accrued through a date and posted.
    SettlementPenaltiesAccrued {
        /// The legal entity.
        legal_entity: LegalEntityId,
        /// The last day accrued.
        through: jiff::civil::Date,
        /// Each failing instruction's penalty per business day.
        penalties: Vec<crate::settlement::lifecycle::PenaltyAccrual>,
    },
    /// A command from outside was taken under this idempotency key (logged after the
    /// command's own events): the same message again is a duplicate.
    MessageAccepted {
        /// The key.
        message_id: std::sync::Arc<str>,
        /// Fingerprint of the command's content.
        digest: u64,
        /// The trade the command answered with, if any.
        trade_id: Option<TradeId>,
    },
    /// Internal control: staff, users, roles, tokens, approvals, compliance.
    Control(crate::controls::commands::ControlEvent),
}

impl Event {
    /// A short name of the event type, as stored beside the payload.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::LegalEntityDefined { .. } => "LegalEntityDefined",
            Event::CounterpartyDefined { .. } => "CounterpartyDefined",
            Event::InstrumentDefined { .. } => "InstrumentDefined",
            Event::BookDefined { .. } => "BookDefined",
            Event::AccountDefined { .. } => "AccountDefined",
            Event::SsiDefined { .. } => "SsiDefined",
            Event::FeeScheduleDefined { .. } => "FeeScheduleDefined",
            Event::NettingSetDefined { .. } => "NettingSetDefined",
            Event::TradeBooked { .. } => "TradeBooked",
            Event::TradeAmended { .. } => "TradeAmended",
            Event::TradeCancelled { .. } => "TradeCancelled",
            Event::SettlementConfirmed { .. } => "SettlementConfirmed",
            Event::PriceRecorded { .. } => "PriceRecorded",
            Event::FxRateRecorded { .. } => "FxRateRecorded",
            Event::EndOfDayRun { .. } => "EndOfDayRun",
            Event::CorporateActionAnnounced { .. } => "CorporateActionAnnounced",
            Event::SplitApplied { .. } => "SplitApplied",
            Event::DividendEntitled { .. } => "DividendEntitled",
            Event::DividendPaid { .. } => "DividendPaid",
            Event::CouponPaid { .. } => "CouponPaid",
            Event::BondRedeemed { .. } => "BondRedeemed",
            Event::CashMovementRecorded(_) => "CashMovementRecorded",
            Event::CashMovementPosted { .. } => "CashMovementPosted",
            Event::CashMovementVoided { .. } => "CashMovementVoided",
            Event::CashMovementsExpired { .. } => "CashMovementsExpired",
            Event::OverdraftLimitSet { .. } => "OverdraftLimitSet",
            Event::PeriodClosed { .. } => "PeriodClosed",
            Event::PeriodReopened { .. } => "PeriodReopened",
            Event::YearClosed { .. } => "YearClosed",
            Event::LedgerAccountDefined { .. } => "LedgerAccountDefined",
            Event::JournalEntryProposed(_) => "JournalEntryProposed",
            Event::JournalEntryApproved { .. } => "JournalEntryApproved",
            Event::JournalEntryRejected { .. } => "JournalEntryRejected",
            Event::MessageAccepted { .. } => "MessageAccepted",
            Event::InstructionIssued { .. } => "InstructionIssued",
            Event::InstructionStatusRecorded { .. } => "InstructionStatusRecorded",
            Event::InstructionSettled { .. } => "InstructionSettled",
            Event::InstructionHeld { .. } => "InstructionHeld",
            Event::SettlementExceptionRaised { .. } => "SettlementExceptionRaised",
            Event::SettlementExceptionResolved { .. } => "SettlementExceptionResolved",
            Event::SettlementToleranceSet { .. } => "SettlementToleranceSet",
            Event::CentralBankRateRecorded { .. } => "CentralBankRateRecorded",
            Event::SettlementPenaltiesAccrued { .. } => "SettlementPenaltiesAccrued",
            Event::PenaltyRateSet { .. } => "PenaltyRateSet",
            Event::ReconciliationRan { .. } => "ReconciliationRan",
            Event::BreakMoved { .. } => "BreakMoved",
            Event::ReconToleranceSet { .. } => "ReconToleranceSet",
            Event::ConfirmationBlockingSet { .. } => "ConfirmationBlockingSet",
            Event::StatementMappingDefined { .. } => "StatementMappingDefined",
            Event::BreakCommented { .. } => "BreakCommented",
            Event::BreakResolved { .. } => "BreakResolved",
            Event::WriteOffRequested { .. } => "WriteOffRequested",
            Event::WriteOffApproved { .. } => "WriteOffApproved",
            Event::Control(e) => e.kind(),
        }
    }

    /// Whether applying it may move general-ledger balances.
    pub fn moves_ledger(&self) -> bool {
        self.trade_id().is_some()
            || matches!(
                self,
                Event::EndOfDayRun { .. }
                    | Event::SplitApplied { .. }
                    | Event::DividendEntitled { .. }
                    | Event::DividendPaid { .. }
                    | Event::CouponPaid { .. }
                    | Event::BondRedeemed { .. }
                    | Event::CashMovementRecorded(_)
                    | Event::CashMovementPosted { .. }
                    | Event::PeriodReopened { .. }
                    | Event::YearClosed { .. }
                    | Event::JournalEntryApproved { .. }
                    | Event::SettlementPenaltiesAccrued { .. }
            )
    }

    /// The trade this event is about, if any.
    pub fn trade_id(&self) -> Option<TradeId> {
        match self {
            Event::TradeBooked { trade_id, .. }
            | Event::TradeAmended { trade_id, .. }
            | Event::TradeCancelled { trade_id, .. }
            | Event::SettlementConfirmed { trade_id, .. } => Some(*trade_id),
            _ => None,
        }
    }
}
