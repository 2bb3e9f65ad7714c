//! A custodian's settlement message, whichever it is, as the engine commands it asks for: a
//! sese.024 status advice becomes one `RecordSettlementStatus` per status it carries (in
//! message order: processing, matching, settlement), a sese.025 confirmation one
//! `ConfirmInstruction`. What the engine cannot fit (an unknown reference, a status that
//! does not follow) is not refused here: the engine puts it on the exception queue.

use jiff::civil::Date;
use kulissi_core::engine::Command;
use kulissi_core::settlement::lifecycle::StatusReport;

use crate::sese024::{ReasonCode, Status, StatusAdvice};
use crate::sese025::Confirmation;
use crate::{Iso20022Error, sese024, sese025};

/// A settlement message from a custodian.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettlementMessage {
    /// A sese.024 status advice.
    StatusAdvice(StatusAdvice),
    /// A sese.025 confirmation.
    Confirmation(Confirmation),
}

/// Reads a sese.024 or a sese.025, told apart by the document's namespace; anything else is
/// refused naming what was found.
pub fn read(xml: &str, file: &str) -> Result<SettlementMessage, Iso20022Error> {
    if xml.contains(sese025::MESSAGE_ID) {
        sese025::read(xml, file).map(SettlementMessage::Confirmation)
    } else if xml.contains(sese024::MESSAGE_ID) {
        sese024::read(xml, file).map(SettlementMessage::StatusAdvice)
    } else {
        // Let the status reader say what the document is instead.
        sese024::read(xml, file).map(SettlementMessage::StatusAdvice)
    }
}

fn codes(reasons: &[sese024::Reason]) -> Vec<String> {
    reasons
        .iter()
        .map(|r| match &r.code {
            ReasonCode::Code(c) => c.clone(),
            ReasonCode::Proprietary { id, .. } => id.clone(),
        })
        .collect()
}

/// The commands a message asks for; a status advice is as of `business_date` (the standard
/// gives it no date of its own).
pub fn commands(message: &SettlementMessage, business_date: Date) -> Vec<Command> {
    match message {
        SettlementMessage::StatusAdvice(advice) => advice
            .statuses
            .iter()
            .map(|status| {
                let report = match status {
                    Status::Accepted(_) => StatusReport::Accepted,
                    Status::Rejected(_) => StatusReport::Rejected,
                    Status::Cancelled(_) => StatusReport::Cancelled,
                    Status::Matched(_) => StatusReport::Matched,
                    Status::Unmatched(_) => StatusReport::Unmatched,
                    Status::Pending(_) => StatusReport::Pending,
                    Status::Failing(_) => StatusReport::Failing,
                };
                Command::RecordSettlementStatus {
                    reference: advice.tx_id.clone(),
                    status: report,
                    reasons: codes(status.reasons()),
                    date: business_date,
                }
            })
            .collect(),
        SettlementMessage::Confirmation(c) => vec![Command::ConfirmInstruction {
            reference: c.tx_id.clone(),
            quantity: c.settled_quantity,
            amount: c.settled_amount.map(|a| a.amount),
            settlement_date: c.effective_settlement_date,
            isin: Some(c.isin),
        }],
    }
}
