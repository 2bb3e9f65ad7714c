//! Deciding and applying the settlement instruction lifecycle (docs/domain.md §3.5–§3.7):
//! instructions issued (gross, or netted by the counterparty's netting set), cancelled and
//! issued again when a member trade changes before settlement begins, the custodian's
//! statuses and confirmations (what does not fit goes to the exception queue), holds,
//! resends, tolerances, central-bank rates, and the daily CSDR penalties posted to the
//! ledger (their rule in `penalties.rs`).
//!
//! Net instructions do not allow partial settlement (NPAR): settling one settles every
//! member in full. Gross instructions allow it (PART), and their parts settle the trade.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use jiff::civil::Date;
use rust_decimal::Decimal;

use super::{ApplyError, Command, CommandEnvelope, Event, Rejection, State, text};
use crate::ids::TradeId;
use crate::ledger::{EntryHeader, EntryKind};
use crate::refdata::AccountOwner;
use crate::settlement::instruction::reference_of;
use crate::settlement::lifecycle::{
    InstructionStatus, InstructionTerms, PenaltyAccrual, SettledPart, StatusChange, next_status,
};
use crate::settlement::netting::{NettingKey, Obligation, net};
use crate::trade::{TradeRecord, TradeStatus};

/// Decides the commands of this family; the dispatcher in `engine` routes them here.
pub(super) fn decide(state: &State, envelope: &CommandEnvelope) -> Result<Vec<Event>, Rejection> {
    let today = envelope.business_date;
    let book = &state.settlement;
    Ok(match &envelope.command {
        Command::InstructSettlement { date } => {
            // Trades with an open confirmation break wait, when the desk says so.
            let waiting: std::collections::HashSet<&str> =
                if state.reconciliations.block_unconfirmed {
                    state
                        .reconciliations
                        .breaks
                        .iter()
                        .filter(|b| {
                            b.status.is_open()
                                && b.definition
                                    == crate::reconciliation::views::ReconDefinition::Confirmations
                        })
                        .filter_map(|b| b.finding.key.first().map(String::as_str))
                        .collect()
                } else {
                    std::collections::HashSet::new()
                };
            let records: Vec<&TradeRecord> = state
                .trades
                .iter()
                .map(|s| &s.record)
                .filter(|r| {
                    r.status == TradeStatus::Live
                        && r.terms.trade_date <= *date
                        && r.settled_quantity < r.terms.quantity.value()
                        && book.of_trade(r.trade_id).is_none()
                        && (waiting.is_empty()
                            || !waiting.contains(super::reconciliation::trade_key(r).as_str()))
                })
                .collect();
            issue(state, records, *date, Vec::new())
        }
        Command::RecordSettlementStatus {
            reference,
            status,
            reasons,
            date,
        } => {
            let today = *date;
            text("instruction reference", reference)?;
            for r in reasons {
                text("reason code", r)?;
            }
            let Some(instruction) = book.get(reference) else {
                return Ok(exception(
                    reference,
                    today,
                    format!("a {} status for an unknown instruction", status.name()),
                ));
            };
            let reasons: Vec<Arc<str>> = reasons.iter().map(|r| Arc::from(r.as_str())).collect();
            match next_status(instruction.status(), instruction.matched(), *status) {
                Err(why) => exception(reference, today, why),
                Ok(t) => {
                    let same = t.status == instruction.status()
                        && t.matched == instruction.matched()
                        && reasons == instruction.reasons();
                    if same && !instruction.history.is_empty() {
                        Vec::new()
                    } else {
                        vec![Event::InstructionStatusRecorded {
                            reference: instruction.terms.reference.clone(),
                            date: today,
                            status: t.status,
                            matched: t.matched,
                            reasons,
                        }]
                    }
                }
            }
        }
        Command::ConfirmInstruction {
            reference,
            quantity,
            amount,
            settlement_date,
            isin,
        } => {
            text("instruction reference", reference)?;
            if let (Some(isin), Some(instruction)) = (isin, book.get(reference))
                && state
                    .refdata
                    .instruments
                    .get(instruction.terms.instrument)
                    .is_some_and(|i| i.isin != *isin)
            {
                return Ok(exception(
                    reference,
                    *settlement_date,
                    format!("a confirmation of {isin}, which the instruction does not settle"),
                ));
            }
            confirm(state, reference, *quantity, *amount, *settlement_date)
        }
        Command::ResendInstruction { reference } => {
            let instruction = known(state, reference)?;
            if instruction.status() != InstructionStatus::Rejected {
                return Err(Rejection::InstructionState {
                    reference: reference.clone(),
                    status: instruction.status().name(),
                    needed: "only a rejected instruction is resent",
                });
            }
            vec![Event::InstructionStatusRecorded {
                reference: instruction.terms.reference.clone(),
                date: today,
                status: InstructionStatus::Instructed,
                matched: false,
                reasons: vec![Arc::from("resent")],
            }]
        }
        Command::HoldInstruction { reference, hold } => {
            let instruction = known(state, reference)?;
            if instruction.status().is_final() {
                return Err(Rejection::InstructionState {
                    reference: reference.clone(),
                    status: instruction.status().name(),
                    needed: "a settled or cancelled instruction cannot be held",
                });
            }
            if instruction.on_hold == *hold {
                return Ok(Vec::new());
            }
            vec![Event::InstructionHeld {
                reference: instruction.terms.reference.clone(),
                hold: *hold,
            }]
        }
        Command::SetSettlementTolerance { currency, amount } => {
            if amount.is_sign_negative() {
                return Err(Rejection::Negative {
                    what: "a settlement tolerance",
                    value: *amount,
                });
            }
            if book.tolerance(*currency) == *amount {
                return Ok(Vec::new());
            }
            vec![Event::SettlementToleranceSet {
                currency: *currency,
                amount: *amount,
            }]
        }
        Command::RecordCentralBankRate {
            currency,
            date,
            rate,
        } => {
            if book.central_bank_rates.get(&(*currency, *date)) == Some(rate) {
                return Ok(Vec::new());
            }
            vec![Event::CentralBankRateRecorded {
                currency: *currency,
                date: *date,
                rate: *rate,
            }]
        }
        Command::AccrueSettlementPenalties { legal_entity, date } => {
            let id = state
                .refdata
                .legal_entities
                .id(legal_entity)
                .ok_or(Rejection::UnknownLegalEntity(*legal_entity))?;
            if book.penalties_through.get(&id).is_some_and(|d| d >= date) {
                return Ok(Vec::new());
            }
            vec![Event::SettlementPenaltiesAccrued {
                legal_entity: id,
                through: *date,
                penalties: super::penalties::due(state, id, *date),
            }]
        }
        Command::SetPenaltyRate {
            class,
            valid_from,
            basis_points,
        } => {
            if basis_points.is_sign_negative() {
                return Err(Rejection::Negative {
                    what: "a penalty rate",
                    value: *basis_points,
                });
            }
            if book.penalty_rates.basis_points(*class, *valid_from) == Some(*basis_points) {
                return Ok(Vec::new());
            }
            vec![Event::PenaltyRateSet {
                class: *class,
                valid_from: *valid_from,
                basis_points: *basis_points,
            }]
        }
        Command::ResolveSettlementException { id, resolution } => {
            text("resolution", resolution)?;
            let found = book
                .exceptions
                .iter()
                .find(|e| e.id == *id)
                .ok_or(Rejection::UnknownSettlementException(*id))?;
            if found.resolution.is_some() {
                return Ok(Vec::new());
            }
            vec![Event::SettlementExceptionResolved {
                id: *id,
                resolution: resolution.as_str().into(),
            }]
        }
        _ => return Err(super::wrong_family()),
    })
}

fn known<'s>(
    state: &'s State,
    reference: &str,
) -> Result<&'s crate::settlement::lifecycle::Instruction, Rejection> {
    state
        .settlement
        .get(reference)
        .ok_or_else(|| Rejection::UnknownInstruction(reference.to_owned()))
}

fn exception(reference: &str, date: Date, detail: String) -> Vec<Event> {
    vec![Event::SettlementExceptionRaised {
        reference: reference.into(),
        date,
        detail: detail.into(),
    }]
}

/// Issues the instructions of `records` (and appends them to `events`): gross for
/// counterparties without a netting set, netted by key for the others. A live net or gross instruction of a netted counterparty
/// that has not begun settling and shares a key with a new one is cancelled and its members
/// net again with the new trades.
fn issue<'s>(
    state: &'s State,
    mut records: Vec<&'s TradeRecord>,
    today: Date,
    mut events: Vec<Event>,
) -> Vec<Event> {
    let sets = &state.refdata.netting_sets;
    let key_of = |o: &Obligation| {
        let facing = match sets.of(o.counterparty) {
            Some(crate::settlement::netting::NettingSet::Ccp(ccp)) => ccp,
            _ => o.counterparty,
        };
        NettingKey {
            counterparty: facing,
            instrument: o.instrument,
            settlement_date: o.settlement_date,
            currency: o.currency.code(),
            account: o.account,
        }
    };
    // The keys the new trades net under, and the live instructions to re-net with them.
    let new_keys: BTreeSet<NettingKey> = records
        .iter()
        .map(|r| Obligation::of(r))
        .filter(|o| sets.of(o.counterparty).is_some())
        .map(|o| key_of(&o))
        .collect();
    let mut taken: BTreeSet<TradeId> = records.iter().map(|r| r.trade_id).collect();
    if !new_keys.is_empty() {
        for instruction in state.settlement.iter() {
            let t = &instruction.terms;
            if instruction.status().is_final() || !instruction.parts.is_empty() {
                continue;
            }
            let Some(first) = t.members.first().and_then(|id| state.trades.get(*id)) else {
                continue;
            };
            let o = Obligation::of(&first.record);
            if sets.of(o.counterparty).is_none() || !new_keys.contains(&key_of(&o)) {
                continue;
            }
            if state
                .settlement
                .of_trade(first.record.trade_id)
                .map(|i| &i.terms.reference)
                != Some(&t.reference)
            {
                continue;
            }
            events.push(cancelled(
                t.reference.clone(),
                today,
                instruction.matched(),
                "renetted",
            ));
            for id in &t.members {
                if taken.insert(*id)
                    && let Some(s) = state.trades.get(*id)
                {
                    records.push(&s.record);
                }
            }
        }
    }
    records.sort_unstable_by_key(|r| r.trade_id);
    let obligations: Vec<Obligation> = records.iter().map(|r| Obligation::of(r)).collect();
    let by_id: BTreeMap<TradeId, &TradeRecord> = records.iter().map(|r| (r.trade_id, *r)).collect();
    let mut nets = state.settlement.nets_issued;
    for n in net(&obligations, sets) {
        let Some(first) = n.members.first().and_then(|id| by_id.get(id)) else {
            continue;
        };
        let netted = n.members.len() > 1;
        let reference: Arc<str> = if netted {
            nets += 1;
            format!("KULN{nets}").into()
        } else {
            reference_of(first).into()
        };
        events.push(Event::InstructionIssued {
            terms: Box::new(InstructionTerms {
                reference,
                members: n.members.clone(),
                netted,
                legal_entity: first.terms.legal_entity,
                counterparty: n.key.counterparty,
                instrument: n.key.instrument,
                account: n.key.account,
                settlement_date: n.key.settlement_date,
                currency: n.currency,
                quantity: n.quantity,
                cash: n.cash,
                partial_allowed: !netted,
            }),
            date: today,
        });
    }
    events
}

fn cancelled(reference: Arc<str>, date: Date, matched: bool, why: &str) -> Event {
    Event::InstructionStatusRecorded {
        reference,
        date,
        status: InstructionStatus::Cancelled,
        matched,
        reasons: vec![Arc::from(why)],
    }
}

/// What a trade's change (amendment to `amended`, or cancellation when `None`) does to its
/// instruction: one that has not begun settling is cancelled, and the trade's new version
/// and the instruction's other members are instructed again.
pub(super) fn on_trade_change<'s>(
    state: &'s State,
    trade_id: TradeId,
    amended: Option<&'s TradeRecord>,
    today: Date,
) -> Vec<Event> {
    let Some(instruction) = state.settlement.of_trade(trade_id) else {
        return Vec::new();
    };
    if !instruction.parts.is_empty() {
        return Vec::new();
    }
    let why = if amended.is_some() {
        "trade amended"
    } else {
        "trade cancelled"
    };
    let events = vec![cancelled(
        instruction.terms.reference.clone(),
        today,
        instruction.matched(),
        why,
    )];
    let mut records: Vec<&TradeRecord> = instruction
        .terms
        .members
        .iter()
        .filter(|id| **id != trade_id)
        .filter_map(|id| state.trades.get(*id).map(|s| &s.record))
        .collect();
    records.extend(amended);
    issue_released(
        state,
        records,
        today,
        events,
        instruction.terms.reference.clone(),
    )
}

/// [`issue`] for the members of an instruction being cancelled (`cancelling`), which must
/// not be cancelled twice or re-netted with itself.
fn issue_released<'s>(
    state: &'s State,
    records: Vec<&'s TradeRecord>,
    today: Date,
    events: Vec<Event>,
    cancelling: Arc<str>,
) -> Vec<Event> {
    let mut out = issue(state, records, today, events);
    // `issue` may have found the instruction being cancelled among the live ones to re-net
    // with: keep its first cancellation only.
    let mut seen = false;
    out.retain(|e| match e {
        Event::InstructionStatusRecorded {
            reference,
            status: InstructionStatus::Cancelled,
            ..
        } if *reference == cancelling => !std::mem::replace(&mut seen, true),
        _ => true,
    });
    out
}

/// Decides a confirmation of (part of) an instruction.
fn confirm(
    state: &State,
    reference: &str,
    quantity: Decimal,
    amount: Option<Decimal>,
    settlement_date: Date,
) -> Vec<Event> {
    // What a confirmation records is as of its effective settlement date.
    let today = settlement_date;
    let Some(instruction) = state.settlement.get(reference) else {
        return exception(
            reference,
            today,
            "a confirmation for an unknown instruction".to_owned(),
        );
    };
    let t = &instruction.terms;
    let refuse = |why: String| exception(reference, today, why);
    if instruction.status().is_final() {
        return refuse(format!(
            "a confirmation for an instruction that is {}",
            instruction.status().name()
        ));
    }
    if instruction.status() == InstructionStatus::Rejected {
        return refuse("a confirmation for a rejected instruction".to_owned());
    }
    // A net whose quantities cancel out settles its cash alone: a confirmation of zero.
    let cash_only = t.quantity.is_zero() && quantity.is_zero() && instruction.parts.is_empty();
    if quantity <= Decimal::ZERO && !cash_only {
        return refuse(format!("a settled quantity of {quantity}"));
    }
    let outstanding = instruction.outstanding();
    if quantity > outstanding {
        return refuse(format!(
            "{quantity} settled where {outstanding} was outstanding"
        ));
    }
    let last = quantity == outstanding;
    if !last && !t.partial_allowed {
        return refuse(format!(
            "a partial settlement of {quantity} of {} on an instruction that does not allow \
             partial settlement",
            t.quantity.abs()
        ));
    }
    let settled_cash: Decimal = instruction.parts.iter().map(|p| p.cash).sum();
    let expected = if last {
        t.cash.abs() - settled_cash
    } else {
        instruction.expected_cash(quantity)
    };
    let cash = match amount {
        Some(a) => {
            let tolerance = state.settlement.tolerance(t.currency);
            if (a - expected).abs() > tolerance {
                return refuse(format!(
                    "settled amount {a} {} where {expected} was expected (tolerance {tolerance})",
                    t.currency
                ));
            }
            a
        }
        None if expected.is_zero() => Decimal::ZERO,
        None => {
            return refuse(format!(
                "no settled amount where {expected} {} was expected",
                t.currency
            ));
        }
    };
    let first_trade_date = t
        .members
        .iter()
        .filter_map(|id| state.trades.get(*id))
        .map(|s| s.record.terms.trade_date)
        .min();
    if first_trade_date.is_some_and(|d| settlement_date < d) {
        return refuse(format!(
            "settled on {settlement_date}, before the trade date"
        ));
    }
    let part_no = instruction.parts.len() + 1;
    let mut events = vec![Event::InstructionSettled {
        reference: t.reference.clone(),
        date: settlement_date,
        quantity,
        cash,
    }];
    for id in &t.members {
        let Some(stored) = state.trades.get(*id) else {
            continue;
        };
        let r = &stored.record;
        let q = if t.netted {
            r.terms.quantity.value() - r.settled_quantity
        } else {
            quantity
        };
        if q <= Decimal::ZERO {
            continue;
        }
        events.push(Event::SettlementConfirmed {
            trade_id: r.trade_id,
            version: r.version,
            quantity: q,
            settlement_date,
            reference: format!("{reference}#{part_no}/{}", r.trade_id).into(),
        });
    }
    events
}

impl State {
    /// Applies an event of the instruction lifecycle.
    pub(super) fn apply_instructions<J: crate::ledger::Journal>(
        &mut self,
        event: &Event,
        journal: &mut J,
    ) -> Result<(), ApplyError> {
        let kind = event.kind();
        let unknown = || ApplyError::Unknown {
            event: kind,
            what: "settlement instruction",
            id: 0,
        };
        match event {
            Event::InstructionIssued { terms, date } => {
                for id in &terms.members {
                    self.live_trade(kind, *id)?;
                    if self.settlement.of_trade(*id).is_some() {
                        return Err(ApplyError::WrongStatus {
                            event: kind,
                            what: "trade",
                            id: id.0,
                            found: "instructed",
                            wanted: "uninstructed",
                        });
                    }
                }
                if self.settlement.get(&terms.reference).is_some() {
                    return Err(ApplyError::WrongStatus {
                        event: kind,
                        what: "settlement instruction",
                        id: self.settlement.len() as u64,
                        found: "issued",
                        wanted: "new",
                    });
                }
                self.settlement.issue((**terms).clone(), *date);
            }
            Event::InstructionStatusRecorded {
                reference,
                date,
                status,
                matched,
                reasons,
            } => {
                let recorded = self.settlement.record_status(
                    reference,
                    StatusChange {
                        date: *date,
                        status: *status,
                        matched: *matched,
                        reasons: reasons.clone(),
                    },
                );
                if !recorded {
                    return Err(unknown());
                }
            }
            Event::InstructionSettled {
                reference,
                date,
                quantity,
                cash,
            } => {
                let instruction = self.settlement.get_mut(reference).ok_or_else(unknown)?;
                instruction.parts.push(SettledPart {
                    date: *date,
                    quantity: *quantity,
                    cash: *cash,
                });
                let status = if instruction.outstanding() <= Decimal::ZERO {
                    InstructionStatus::Settled
                } else {
                    InstructionStatus::PartiallySettled
                };
                instruction.history.push(StatusChange {
                    date: *date,
                    status,
                    matched: true,
                    reasons: Vec::new(),
                });
            }
            Event::InstructionHeld { reference, hold } => {
                self.settlement
                    .get_mut(reference)
                    .ok_or_else(unknown)?
                    .on_hold = *hold;
            }
            Event::SettlementExceptionRaised {
                reference,
                date,
                detail,
            } => {
                let id = self.settlement.exceptions.len() as u64 + 1;
                self.settlement.exceptions.push(
                    crate::settlement::lifecycle::SettlementException {
                        id,
                        raised: *date,
                        reference: reference.clone(),
                        detail: detail.clone(),
                        resolution: None,
                    },
                );
            }
            Event::SettlementExceptionResolved { id, resolution } => {
                let e = self
                    .settlement
                    .exceptions
                    .iter_mut()
                    .find(|e| e.id == *id)
                    .ok_or(ApplyError::Unknown {
                        event: kind,
                        what: "settlement exception",
                        id: *id,
                    })?;
                e.resolution = Some(resolution.clone());
            }
            Event::PenaltyRateSet {
                class,
                valid_from,
                basis_points,
            } => {
                self.settlement
                    .penalty_rates
                    .set(*class, *valid_from, *basis_points);
            }
            Event::SettlementToleranceSet { currency, amount } => {
                self.settlement.tolerances.insert(*currency, *amount);
            }
            Event::CentralBankRateRecorded {
                currency,
                date,
                rate,
            } => {
                self.settlement
                    .central_bank_rates
                    .insert((*currency, *date), *rate);
            }
            Event::SettlementPenaltiesAccrued {
                legal_entity,
                through,
                penalties,
            } => {
                self.legal_entity(kind, *legal_entity)?;
                let mut lines: Vec<(AccountOwner, &PenaltyAccrual)> = Vec::new();
                for p in penalties {
                    let instruction = self.settlement.get(&p.reference).ok_or_else(unknown)?;
                    lines.push((self.owner(instruction.terms.account), p));
                }
                let header = EntryHeader {
                    kind: EntryKind::SettlementPenalties,
                    effective_date: *through,
                    posting_date: self.periods.posting_date(*legal_entity, *through),
                    trade_id: None,
                    legal_entity: *legal_entity,
                };
                self.ledger.apply(&header, journal, |sink| {
                    for (owner, p) in &lines {
                        super::penalties::post(sink, *owner, p);
                    }
                });
                self.settlement
                    .penalties_through
                    .insert(*legal_entity, *through);
            }
            _ => {}
        }
        Ok(())
    }
}
