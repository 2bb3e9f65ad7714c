//! The settlement instruction lifecycle (docs/domain.md §3.5): the instructions the firm has
//! sent, what the custodian has said about each, what has settled, and the exceptions that
//! need a person.
//!
//! `Instructed → Acknowledged | Rejected (repair and resend) → Unmatched (reasons) | Matched →
//! Settled | PartiallySettled | Failing (reasons) → Cancelled`; on hold is orthogonal. The
//! state a custodian's status moves an instruction to is [`next_status`], a pure function
//! tested on its own; a status that does not fit (a rejection of a settled instruction) is
//! not a crash but a [`SettlementException`] on the queue. Each instruction keeps its
//! status history by business date and its settled parts by effective date, so that the
//! fail of any past day (and its CSDR penalty) can be told from the state.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use jiff::civil::Date;
use rust_decimal::Decimal;

use super::penalties::PenaltyRates;
use crate::identifiers::Currency;
use crate::ids::{AccountId, CounterpartyId, InstrumentId, LegalEntityId, TradeId};

/// Where an instruction is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InstructionStatus {
    /// Sent to the custodian, nothing heard yet.
    Instructed,
    /// Accepted by the custodian (PACK).
    Acknowledged,
    /// Rejected by the custodian (REJT): to be repaired and resent.
    Rejected,
    /// Not matched with the counterparty's instruction (NMAT), with reasons.
    Unmatched,
    /// Matched (MACH), waiting for the intended settlement date.
    Matched,
    /// Part of it settled; the rest is pending.
    PartiallySettled,
    /// Failing to settle on or after the intended settlement date (PENF), with reasons.
    Failing,
    /// Settled in full.
    Settled,
    /// Cancelled: by us (the trade changed) or by the custodian (CAND).
    Cancelled,
}

impl InstructionStatus {
    /// Every status, in lifecycle order.
    pub const ALL: [InstructionStatus; 9] = [
        InstructionStatus::Instructed,
        InstructionStatus::Acknowledged,
        InstructionStatus::Rejected,
        InstructionStatus::Unmatched,
        InstructionStatus::Matched,
        InstructionStatus::PartiallySettled,
        InstructionStatus::Failing,
        InstructionStatus::Settled,
        InstructionStatus::Cancelled,
    ];

    /// The name operations use (and the reports and the CSV status file).
    pub fn name(self) -> &'static str {
        match self {
            InstructionStatus::Instructed => "instructed",
            InstructionStatus::Acknowledged => "acknowledged",
            InstructionStatus::Rejected => "rejected",
            InstructionStatus::Unmatched => "unmatched",
            InstructionStatus::Matched => "matched",
            InstructionStatus::PartiallySettled => "partially_settled",
            InstructionStatus::Failing => "failing",
            InstructionStatus::Settled => "settled",
            InstructionStatus::Cancelled => "cancelled",
        }
    }

    /// The status named `name`.
    pub fn parse(name: &str) -> Option<InstructionStatus> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Whether nothing more can happen to it.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            InstructionStatus::Settled | InstructionStatus::Cancelled
        )
    }

    /// The wire code (for the log).
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The status with wire code `code`.
    pub fn from_code(code: u8) -> Option<InstructionStatus> {
        Self::ALL.get(usize::from(code)).copied()
    }
}

/// What a custodian reports about an instruction (a sese.024 status, or a line of the CSV
/// status file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusReport {
    /// Accepted (PrcgSts/AckdAccptd).
    Accepted,
    /// Rejected (PrcgSts/Rjctd).
    Rejected,
    /// Cancelled (PrcgSts/Canc).
    Cancelled,
    /// Matched (MtchgSts/Mtchd).
    Matched,
    /// Unmatched (MtchgSts/Umtchd).
    Unmatched,
    /// Pending settlement (SttlmSts/Pdg): nothing moves, the reasons are kept.
    Pending,
    /// Failing (SttlmSts/Flng).
    Failing,
}

impl StatusReport {
    /// Every report, in the order of the CSV status file's documentation.
    pub const ALL: [StatusReport; 7] = [
        StatusReport::Accepted,
        StatusReport::Rejected,
        StatusReport::Cancelled,
        StatusReport::Matched,
        StatusReport::Unmatched,
        StatusReport::Pending,
        StatusReport::Failing,
    ];

    /// Its name in the CSV status file.
    pub fn name(self) -> &'static str {
        match self {
            StatusReport::Accepted => "accepted",
            StatusReport::Rejected => "rejected",
            StatusReport::Cancelled => "cancelled",
            StatusReport::Matched => "matched",
            StatusReport::Unmatched => "unmatched",
            StatusReport::Pending => "pending",
            StatusReport::Failing => "failing",
        }
    }

    /// The report named `name`.
    pub fn parse(name: &str) -> Option<StatusReport> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// The outcome of a report on an instruction: its new status and whether it is matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    /// The status after the report.
    pub status: InstructionStatus,
    /// Whether it is matched after the report.
    pub matched: bool,
}

/// The status a report moves an instruction in `status` (matched or not) to, or why it
/// cannot: a report on a settled or cancelled instruction, a rejection or an acceptance
/// after matching, a failing or pending status of a rejected instruction. A report that
/// repeats the current state is a transition to the same state.
pub fn next_status(
    status: InstructionStatus,
    matched: bool,
    report: StatusReport,
) -> Result<Transition, String> {
    use InstructionStatus as S;
    use StatusReport as R;
    let to = |status, matched| Ok(Transition { status, matched });
    if status == S::Cancelled && report == R::Cancelled {
        return to(status, matched);
    }
    if status.is_final() {
        return Err(format!(
            "a {} status for an instruction that is {}",
            report.name(),
            status.name()
        ));
    }
    let refuse = || {
        Err(format!(
            "a {} status for an instruction that is {}",
            report.name(),
            status.name()
        ))
    };
    match report {
        R::Cancelled => to(S::Cancelled, matched),
        R::Accepted => match status {
            S::Instructed | S::Acknowledged => to(S::Acknowledged, false),
            S::Rejected => refuse(),
            // A late acknowledgement changes nothing once matching has been reported.
            _ => to(status, matched),
        },
        R::Rejected => match status {
            S::Instructed | S::Acknowledged | S::Rejected | S::Unmatched => to(S::Rejected, false),
            _ => refuse(),
        },
        R::Matched => match status {
            S::Instructed | S::Acknowledged | S::Unmatched | S::Matched => to(S::Matched, true),
            S::PartiallySettled | S::Failing => to(status, true),
            _ => refuse(),
        },
        R::Unmatched => match status {
            S::Instructed | S::Acknowledged | S::Unmatched | S::Matched => to(S::Unmatched, false),
            // Matching is not undone once settlement has begun or failed.
            _ => refuse(),
        },
        R::Pending => match status {
            S::Rejected => refuse(),
            _ => to(status, matched),
        },
        R::Failing => match status {
            S::Rejected => refuse(),
            _ => to(S::Failing, matched),
        },
    }
}

/// Whose fail it is, from the reasons of a failing status and the direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FailCause {
    /// Ours (or our client's): we pay the penalty.
    Ours,
    /// The counterparty's: the penalty is paid to us.
    Theirs,
}

/// What was missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FailKind {
    /// Securities: the class's rate.
    Securities,
    /// Cash: the central bank's rate.
    Cash,
}

/// Who failed and for lack of what, from the failing reasons: LACK (lack of securities)
/// is the deliverer's, MONY (insufficient money) the payer's, CLAC and CLAT (the
/// counterparty lacks securities) and CMON (the counterparty lacks money) the
/// counterparty's. Without a known code, a failing delivery of ours is ours and a failing
/// receipt is theirs (who is short of securities is the deliverer).
pub fn fail_cause(reasons: &[Arc<str>], we_deliver: bool) -> (FailCause, FailKind) {
    let ours_if = |b: bool| {
        if b {
            FailCause::Ours
        } else {
            FailCause::Theirs
        }
    };
    for r in reasons {
        match &**r {
            "LACK" => return (ours_if(we_deliver), FailKind::Securities),
            "MONY" => return (ours_if(!we_deliver), FailKind::Cash),
            "CLAC" | "CLAT" => return (FailCause::Theirs, FailKind::Securities),
            "CMON" => return (FailCause::Theirs, FailKind::Cash),
            _ => {}
        }
    }
    (ours_if(we_deliver), FailKind::Securities)
}

/// One status an instruction took, on a business date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    /// The business date it was recorded on.
    pub date: Date,
    /// The status.
    pub status: InstructionStatus,
    /// Whether matched.
    pub matched: bool,
    /// The reason codes given with it.
    pub reasons: Vec<Arc<str>>,
}

/// One settled part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettledPart {
    /// The effective settlement date.
    pub date: Date,
    /// The quantity settled (positive).
    pub quantity: Decimal,
    /// The cash that moved (positive).
    pub cash: Decimal,
}

/// What an instruction asks, as the log records it when issued: enough to rebuild its
/// message with the reference data (see [`super::instruction`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstructionTerms {
    /// The unique transaction reference.
    pub reference: Arc<str>,
    /// The trades it settles, in id order (one for a gross instruction).
    pub members: Vec<TradeId>,
    /// Whether it nets several trades.
    pub netted: bool,
    /// The legal entity whose account settles.
    pub legal_entity: LegalEntityId,
    /// The counterparty faced (the CCP for novated trades).
    pub counterparty: CounterpartyId,
    /// The instrument.
    pub instrument: InstrumentId,
    /// Our account.
    pub account: AccountId,
    /// The intended settlement date.
    pub settlement_date: Date,
    /// The currency.
    pub currency: Currency,
    /// Securities received (+) or delivered (−).
    pub quantity: Decimal,
    /// Cash received (+) or paid (−).
    pub cash: Decimal,
    /// Whether partial settlement is allowed (gross instructions; net ones are NPAR).
    pub partial_allowed: bool,
}

/// An instruction and everything heard about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    /// What it asks.
    pub terms: InstructionTerms,
    /// The business date it was issued.
    pub issued: Date,
    /// Its statuses in order (the last is the current one).
    pub history: Vec<StatusChange>,
    /// Its settled parts in order.
    pub parts: Vec<SettledPart>,
    /// Whether on hold (our own party hold).
    pub on_hold: bool,
}

impl Instruction {
    /// Its current status.
    pub fn status(&self) -> InstructionStatus {
        self.history
            .last()
            .map_or(InstructionStatus::Instructed, |c| c.status)
    }

    /// Whether it is matched now.
    pub fn matched(&self) -> bool {
        self.history.last().is_some_and(|c| c.matched)
    }

    /// The reasons of its current status.
    pub fn reasons(&self) -> &[Arc<str>] {
        self.history.last().map_or(&[], |c| &c.reasons)
    }

    /// The quantity settled so far (positive).
    pub fn settled_quantity(&self) -> Decimal {
        self.parts.iter().map(|p| p.quantity).sum()
    }

    /// The quantity settled with an effective date on or before `day`.
    pub fn settled_by(&self, day: Date) -> Decimal {
        self.parts
            .iter()
            .filter(|p| p.date <= day)
            .map(|p| p.quantity)
            .sum()
    }

    /// The quantity still to settle (positive).
    pub fn outstanding(&self) -> Decimal {
        self.terms.quantity.abs() - self.settled_quantity()
    }

    /// Whether we deliver the securities.
    pub fn we_deliver(&self) -> bool {
        self.terms.quantity.is_sign_negative()
    }

    /// The status recorded on or before `day` (the last of that day), if any.
    pub fn status_on(&self, day: Date) -> Option<&StatusChange> {
        self.history.iter().rev().find(|c| c.date <= day)
    }

    /// Whether it fails on `day`: on or after its intended settlement date, matched,
    /// neither cancelled nor rejected, and not settled in full by that day's close.
    pub fn fails_on(&self, day: Date) -> bool {
        if day < self.terms.settlement_date {
            return false;
        }
        let Some(change) = self.status_on(day) else {
            return false;
        };
        change.matched
            && !matches!(
                change.status,
                InstructionStatus::Cancelled | InstructionStatus::Rejected
            )
            && self.settled_by(day) < self.terms.quantity.abs()
    }

    /// The cash expected for `quantity` of it: its cash pro rata, rounded to the currency.
    pub fn expected_cash(&self, quantity: Decimal) -> Decimal {
        let total = self.terms.quantity.abs();
        if total.is_zero() || quantity == total {
            return self.terms.cash.abs();
        }
        crate::money::RoundingMode::HalfUp.round_to_currency(
            self.terms.cash.abs() * quantity / total,
            self.terms.currency,
        )
    }
}

/// A settlement message that needs a person: a status or confirmation for a reference we do
/// not know, one that does not fit the instruction's state, a settled amount outside the
/// tolerance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettlementException {
    /// Its number on the queue (from 1).
    pub id: u64,
    /// The business date it was raised.
    pub raised: Date,
    /// The reference the message named.
    pub reference: Arc<str>,
    /// What was wrong.
    pub detail: Arc<str>,
    /// How it was resolved, once it is.
    pub resolution: Option<Arc<str>>,
}

/// One day's penalty on a failing instruction, as accrued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PenaltyAccrual {
    /// The instruction.
    pub reference: Arc<str>,
    /// The business day of fail.
    pub date: Date,
    /// The penalty (positive).
    pub amount: Decimal,
    /// Its currency.
    pub currency: Currency,
    /// Whose fail: ours (we pay) or theirs (we are paid).
    pub cause: FailCause,
    /// For lack of securities or of cash.
    pub kind: FailKind,
}

/// Every instruction, by reference and by trade, the exception queue and the settlement
/// reference data (tolerances, penalty rates, central-bank rates).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettlementBook {
    instructions: Vec<Instruction>,
    by_reference: HashMap<Arc<str>, usize>,
    by_trade: HashMap<TradeId, usize>,
    /// The exception queue, oldest first.
    pub exceptions: Vec<SettlementException>,
    /// The settled-amount tolerance per currency (absolute; zero when not set).
    pub tolerances: BTreeMap<Currency, Decimal>,
    /// The CSDR penalty rates per class, effective-dated.
    pub penalty_rates: PenaltyRates,
    /// Central banks' overnight-credit rates (a fraction) per currency, by date.
    pub central_bank_rates: BTreeMap<(Currency, Date), Decimal>,
    /// Per legal entity, the last day penalties were accrued through.
    pub penalties_through: BTreeMap<LegalEntityId, Date>,
    /// Net instructions issued so far (numbering their references).
    pub nets_issued: u64,
}

impl Default for SettlementBook {
    fn default() -> Self {
        SettlementBook {
            instructions: Vec::new(),
            by_reference: HashMap::new(),
            by_trade: HashMap::new(),
            exceptions: Vec::new(),
            tolerances: BTreeMap::new(),
            penalty_rates: PenaltyRates::csdr(),
            central_bank_rates: BTreeMap::new(),
            penalties_through: BTreeMap::new(),
            nets_issued: 0,
        }
    }
}

impl SettlementBook {
    /// The instruction with `reference`.
    pub fn get(&self, reference: &str) -> Option<&Instruction> {
        self.by_reference
            .get(reference)
            .and_then(|i| self.instructions.get(*i))
    }

    /// The live (not cancelled) instruction that settles `trade`, if it was instructed.
    pub fn of_trade(&self, trade: TradeId) -> Option<&Instruction> {
        self.by_trade
            .get(&trade)
            .and_then(|i| self.instructions.get(*i))
    }

    /// Every instruction ever issued, in issue order.
    pub fn iter(&self) -> impl Iterator<Item = &Instruction> {
        self.instructions.iter()
    }

    /// Number of instructions ever issued.
    pub fn len(&self) -> usize {
        self.instructions.len()
    }

    /// Whether none was ever issued.
    pub fn is_empty(&self) -> bool {
        self.instructions.is_empty()
    }

    /// The settled-amount tolerance of `currency`.
    pub fn tolerance(&self, currency: Currency) -> Decimal {
        self.tolerances.get(&currency).copied().unwrap_or_default()
    }

    /// The central bank's rate for `currency` in force on `day` (the latest recorded on or
    /// before it).
    pub fn central_bank_rate(&self, currency: Currency, day: Date) -> Option<Decimal> {
        self.central_bank_rates
            .range((currency, Date::MIN)..=(currency, day))
            .next_back()
            .map(|(_, r)| *r)
    }

    /// Records an issued instruction; its members now settle through it.
    pub fn issue(&mut self, terms: InstructionTerms, issued: Date) {
        let i = self.instructions.len();
        for t in &terms.members {
            self.by_trade.insert(*t, i);
        }
        if terms.netted {
            self.nets_issued += 1;
        }
        self.by_reference.insert(terms.reference.clone(), i);
        self.instructions.push(Instruction {
            terms,
            issued,
            history: Vec::new(),
            parts: Vec::new(),
            on_hold: false,
        });
    }

    /// Puts back an instruction as a snapshot held it, with its history and parts.
    pub(crate) fn restore(&mut self, instruction: Instruction) {
        let (terms, issued) = (instruction.terms.clone(), instruction.issued);
        self.issue(terms, issued);
        let cancelled = instruction.status() == InstructionStatus::Cancelled;
        let i = self.instructions.len() - 1;
        if cancelled {
            for t in &instruction.terms.members {
                if self.by_trade.get(t) == Some(&i) {
                    self.by_trade.remove(t);
                }
            }
        }
        self.instructions[i] = instruction;
    }

    /// The instruction with `reference`, to change (crate-internal: only `apply` changes it).
    pub(crate) fn get_mut(&mut self, reference: &str) -> Option<&mut Instruction> {
        self.by_reference
            .get(reference)
            .and_then(|i| self.instructions.get_mut(*i))
    }

    /// Records a status; a cancellation releases its members (they may be instructed again).
    pub(crate) fn record_status(&mut self, reference: &str, change: StatusChange) -> bool {
        let Some(&i) = self.by_reference.get(reference) else {
            return false;
        };
        let cancelled = change.status == InstructionStatus::Cancelled;
        let Some(instruction) = self.instructions.get_mut(i) else {
            return false;
        };
        instruction.history.push(change);
        if cancelled {
            for t in &instruction.terms.members {
                if self.by_trade.get(t) == Some(&i) {
                    self.by_trade.remove(t);
                }
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use InstructionStatus as S;
    use StatusReport as R;

    fn next(status: S, matched: bool, report: R) -> Option<(S, bool)> {
        next_status(status, matched, report)
            .ok()
            .map(|t| (t.status, t.matched))
    }

    #[test]
    fn the_happy_path_of_domain_section_3_5() {
        assert_eq!(
            next(S::Instructed, false, R::Accepted),
            Some((S::Acknowledged, false))
        );
        assert_eq!(
            next(S::Acknowledged, false, R::Unmatched),
            Some((S::Unmatched, false))
        );
        assert_eq!(
            next(S::Unmatched, false, R::Matched),
            Some((S::Matched, true))
        );
        assert_eq!(next(S::Matched, true, R::Pending), Some((S::Matched, true)));
        assert_eq!(next(S::Matched, true, R::Failing), Some((S::Failing, true)));
        assert_eq!(next(S::Failing, true, R::Failing), Some((S::Failing, true)));
        assert_eq!(
            next(S::Failing, true, R::Cancelled),
            Some((S::Cancelled, true))
        );
    }

    #[test]
    fn a_rejection_waits_for_repair() {
        assert_eq!(
            next(S::Instructed, false, R::Rejected),
            Some((S::Rejected, false))
        );
        assert_eq!(next(S::Rejected, false, R::Matched), None);
        assert_eq!(next(S::Rejected, false, R::Failing), None);
        assert_eq!(next(S::Matched, true, R::Rejected), None);
    }

    #[test]
    fn nothing_moves_a_settled_instruction() {
        for r in StatusReport::ALL {
            assert_eq!(next(S::Settled, true, r), None, "{r:?}");
        }
        // A custodian's cancellation of what we cancelled is a repeat, not an error.
        assert_eq!(
            next(S::Cancelled, false, R::Cancelled),
            Some((S::Cancelled, false))
        );
        assert_eq!(next(S::Cancelled, false, R::Matched), None);
    }

    #[test]
    fn matching_is_not_undone_after_settlement_began() {
        assert_eq!(next(S::PartiallySettled, true, R::Unmatched), None);
        assert_eq!(
            next(S::PartiallySettled, true, R::Matched),
            Some((S::PartiallySettled, true))
        );
    }

    #[test]
    fn fail_causes_follow_the_reason_codes() {
        let r = |c: &str| vec![Arc::<str>::from(c)];
        use FailCause::*;
        use FailKind::*;
        assert_eq!(fail_cause(&r("LACK"), true), (Ours, Securities));
        assert_eq!(fail_cause(&r("LACK"), false), (Theirs, Securities));
        assert_eq!(fail_cause(&r("MONY"), false), (Ours, Cash));
        assert_eq!(fail_cause(&r("CMON"), true), (Theirs, Cash));
        assert_eq!(fail_cause(&r("CLAC"), false), (Theirs, Securities));
        assert_eq!(fail_cause(&[], true), (Ours, Securities));
        assert_eq!(fail_cause(&[], false), (Theirs, Securities));
    }

    #[test]
    fn status_names_round_trip() {
        for s in InstructionStatus::ALL {
            assert_eq!(InstructionStatus::parse(s.name()), Some(s));
            assert_eq!(InstructionStatus::from_code(s.code()), Some(s));
        }
        for r in StatusReport::ALL {
            assert_eq!(StatusReport::parse(r.name()), Some(r));
        }
    }
}
