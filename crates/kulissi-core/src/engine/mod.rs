//! The engine: `decide(&State, &CommandEnvelope) -> Result<Vec<Event>, Rejection>` and
//! `apply(&mut State, &Event)`.
//!
//! Both are pure. `decide` validates a command against the current state and returns the
//! events it causes, or a rejection that changes nothing; `apply` folds an event into the
//! state and cannot fail. Ids (trade ids, reference-data ids) come from the state's own
//! counters, so replaying the same log gives the same state, bit for bit.
//!
//! An empty list of events is an acknowledgement that changes nothing: a resubmitted booking
//! with the same content, an amendment identical to the current version, a repeated cancel.
//! That is what lets every door deliver at least once while Kulissi books exactly once.

mod accounting;
mod apply_error;
mod asset_servicing;
mod cash;
pub mod codec;
mod command;
pub mod controls;
mod end_of_day;
mod event;
mod instructions;
pub mod messages;
mod penalties;
mod reconciliation;
mod reference_data;
mod rejection;
mod settlement;
pub mod snapshot;
mod state;
mod trade_book;
mod trades;

pub use apply_error::ApplyError;
pub use command::{Actor, Command, CommandEnvelope, end_of_day_steps};
pub use event::{EVENT_SCHEMA_VERSION, Event};
pub use messages::{MessageId, Messages};
pub use rejection::Rejection;
pub use state::State;
pub use trade_book::{Confirmation, StoredTrade, Trades};

pub use penalties::penalties_between;
pub use trades::input_digest;

/// Longest external id, source, code or free text accepted (put a limit on everything).
pub const MAX_TEXT_LEN: usize = 128;

fn text(field: &'static str, value: &str) -> Result<(), Rejection> {
    if value.trim().is_empty() {
        return Err(Rejection::Empty { field });
    }
    if value.len() > MAX_TEXT_LEN {
        return Err(Rejection::TooLong {
            field,
            max: MAX_TEXT_LEN,
            found: value.len(),
        });
    }
    Ok(())
}

/// Decides what a command causes. Never mutates; a rejection leaves no trace.
///
/// A command under a message id that was taken before is a duplicate (no events) if its
/// content is the same, and refused if not; a new one that changes anything is remembered
/// by a [`Event::MessageAccepted`] after its events (see [`messages`]).
pub fn decide(state: &State, envelope: &CommandEnvelope) -> Result<Vec<Event>, Rejection> {
    controls::four_eyes(state, envelope)?;
    let Some(message_id) = &envelope.message_id else {
        return decide_command(state, envelope);
    };
    text("message id", message_id.as_str())?;
    let digest = messages::command_digest(&envelope.command);
    if let Some(seen) = state.messages.get(message_id.as_str()) {
        if seen.digest == digest {
            return Ok(Vec::new());
        }
        return Err(Rejection::MessageIdReused {
            message_id: message_id.to_string(),
            trade_id: seen.trade_id,
            differences: Vec::new(),
        });
    }
    let mut events = decide_command(state, envelope)?;
    // A booking's source, external id and input fingerprint already make it exactly once,
    // and a derived key adds nothing to them: spare the bulk import an event per trade.
    let redundant = message_id.is_derived() && matches!(envelope.command, Command::BookTrade(_));
    if !events.is_empty() && !redundant {
        let trade_id = events.iter().find_map(Event::trade_id);
        events.push(Event::MessageAccepted {
            message_id: message_id.shared(),
            digest,
            trade_id,
        });
    }
    Ok(events)
}

/// Routes a command to the module of its family.
fn decide_command(state: &State, envelope: &CommandEnvelope) -> Result<Vec<Event>, Rejection> {
    match &envelope.command {
        Command::DefineLegalEntity(_)
        | Command::DefineCounterparty(_)
        | Command::DefineInstrument(_)
        | Command::DefineBook { .. }
        | Command::DefineAccount { .. }
        | Command::DefineSsi { .. }
        | Command::DefineFeeSchedule(_)
        | Command::DefineNettingSet { .. } => reference_data::decide(state, envelope),
        Command::BookTrade(input) => {
            controls::screen(state, input)?;
            let mut events = trades::decide(state, envelope)?;
            controls::surveil(state, envelope, &mut events);
            Ok(events)
        }
        Command::AmendTrade(input) => {
            controls::screen(state, input)?;
            trades::decide(state, envelope)
        }
        Command::CancelTrade { .. } => trades::decide(state, envelope),
        Command::ConfirmSettlement { .. } => settlement::decide(state, envelope),
        Command::RecordCashMovement { .. }
        | Command::PostCashMovement { .. }
        | Command::VoidCashMovement { .. }
        | Command::ExpireCashMovements { .. }
        | Command::SetOverdraftLimit { .. } => cash::decide(state, envelope),
        Command::ClosePeriod { .. }
        | Command::ReopenPeriod { .. }
        | Command::CloseYear { .. }
        | Command::DefineLedgerAccount { .. }
        | Command::ProposeJournalEntry { .. }
        | Command::ApproveJournalEntry { .. }
        | Command::RejectJournalEntry { .. } => accounting::decide(state, envelope),
        Command::RecordPrice { .. }
        | Command::RecordFxRate { .. }
        | Command::RunEndOfDay { .. } => end_of_day::decide(state, envelope),
        Command::AnnounceCorporateAction { .. } | Command::ServiceAssets { .. } => {
            asset_servicing::decide(state, envelope)
        }
        Command::InstructSettlement { .. }
        | Command::RecordSettlementStatus { .. }
        | Command::ConfirmInstruction { .. }
        | Command::ResendInstruction { .. }
        | Command::HoldInstruction { .. }
        | Command::SetSettlementTolerance { .. }
        | Command::RecordCentralBankRate { .. }
        | Command::AccrueSettlementPenalties { .. }
        | Command::ResolveSettlementException { .. }
        | Command::SetPenaltyRate { .. } => instructions::decide(state, envelope),
        Command::RunReconciliation { .. }
        | Command::SetReconTolerance { .. }
        | Command::AffirmTrades { .. }
        | Command::SetConfirmationBlocking { .. }
        | Command::DefineStatementMapping { .. }
        | Command::MoveBreak { .. }
        | Command::CommentBreak { .. }
        | Command::ResolveBreak { .. }
        | Command::RequestWriteOff { .. }
        | Command::ApproveWriteOff { .. } => reconciliation::decide(state, envelope),
        Command::Control(_) => controls::decide(state, envelope),
    }
}

/// What a family answers a command that is not of its family (a routing bug, not input).
fn wrong_family() -> Rejection {
    Rejection::Internal {
        what: "a command routed to the wrong family",
    }
}

/// Applies an event to the state. An event decided against this state always fits; one that
/// does not (read from a corrupt log) is an [`ApplyError`], after which the state may be
/// half-changed and must be discarded or rebuilt.
pub fn apply(state: &mut State, event: &Event) -> Result<(), ApplyError> {
    state.apply(event, &mut crate::ledger::NoJournal)
}

/// Applies an event and hands the journal entries it derives to `journal`: how the general
/// ledger's journal is read back from the log (replay with a journal), never stored twice.
/// Fails as [`apply`] does.
pub fn apply_with_journal<J: crate::ledger::Journal>(
    state: &mut State,
    event: &Event,
    journal: &mut J,
) -> Result<(), ApplyError> {
    state.apply(event, journal)
}

#[cfg(test)]
mod tests;
