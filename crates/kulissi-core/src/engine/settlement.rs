//! Deciding settlement: a custodian's confirmation that (part of) a live trade settled, exactly
//! once by the custodian's reference (a trade instructed on its own settles its instruction
//! with it; see `instructions.rs` for confirmations of instructions).

use super::trades::live_trade;
use super::{Command, CommandEnvelope, Event, Rejection, State, text};

/// Decides the commands of this family; the dispatcher in `engine` routes them here.
pub(super) fn decide(state: &State, envelope: &CommandEnvelope) -> Result<Vec<Event>, Rejection> {
    Ok(match &envelope.command {
        Command::ConfirmSettlement {
            source,
            external_id,
            quantity,
            settlement_date,
            reference,
        } => {
            text("settlement reference", reference)?;
            if let Some(confirmed) = state.trades.confirmation(reference) {
                // The custodian's reference is the confirmation's idempotency key: the same
                // confirmation again is a duplicate, the reference on other terms is refused.
                let mut differences = Vec::new();
                let trade = state.trades.by_external_id(source, external_id);
                if trade.is_none_or(|t| t.record.trade_id != confirmed.trade_id) {
                    differences.push(format!("trade {source}:{external_id}"));
                }
                if quantity.value().normalize() != confirmed.quantity.normalize() {
                    differences.push(format!(
                        "quantity {} (was {})",
                        quantity.value(),
                        confirmed.quantity
                    ));
                }
                if *settlement_date != confirmed.settlement_date {
                    differences.push(format!(
                        "settlement date {settlement_date} (was {})",
                        confirmed.settlement_date
                    ));
                }
                if differences.is_empty() {
                    return Ok(Vec::new());
                }
                return Err(Rejection::ReferenceUsed {
                    differences,
                    reference: reference.clone(),
                    trade_id: confirmed.trade_id,
                });
            }
            let record = live_trade(state, source, external_id)?;
            let q = quantity.value();
            if q <= rust_decimal::Decimal::ZERO {
                return Err(Rejection::NonPositiveQuantity(q));
            }
            let total = record.terms.quantity.value();
            if record.settled_quantity + q > total {
                return Err(Rejection::OverSettlement {
                    trade_id: record.trade_id,
                    requested: q,
                    settled: record.settled_quantity,
                    quantity: total,
                });
            }
            if *settlement_date < record.terms.trade_date {
                return Err(Rejection::SettlementBeforeTrade {
                    trade_date: record.terms.trade_date,
                    settlement_date: *settlement_date,
                });
            }
            // A trade instructed on its own settles its instruction with it; one in a net
            // instruction settles only through the net.
            let mut events = Vec::new();
            if let Some(instruction) = state.settlement.of_trade(record.trade_id) {
                if instruction.terms.netted {
                    return Err(Rejection::SettlesThroughNet {
                        trade_id: record.trade_id,
                        reference: instruction.terms.reference.to_string(),
                    });
                }
                events.push(Event::InstructionSettled {
                    reference: instruction.terms.reference.clone(),
                    date: *settlement_date,
                    quantity: q,
                    cash: instruction.expected_cash(q),
                });
            }
            events.push(Event::SettlementConfirmed {
                trade_id: record.trade_id,
                version: record.version,
                quantity: q,
                settlement_date: *settlement_date,
                reference: reference.as_str().into(),
            });
            events
        }
        _ => return Err(super::wrong_family()),
    })
}
