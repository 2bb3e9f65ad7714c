//! The log layout of the settlement instruction lifecycle: instructions issued (tag 39),
//! statuses recorded (40), settled parts (41), holds (42), exceptions raised and resolved
//! (43, 44), tolerances (45), central-bank rates (46), penalties accrued (47) and penalty
//! rates (48). The rules
//! of `mod.rs` hold: a layout never changes once written.

use std::sync::Arc;

use super::DecodeError;
use super::wire::{Reader, Writer};
use crate::engine::Event;
use crate::settlement::lifecycle::{
    FailCause, FailKind, InstructionStatus, InstructionTerms, PenaltyAccrual,
};
use crate::settlement::penalties::PenaltyClass;

fn reasons(w: &mut Writer<'_>, reasons: &[Arc<str>]) {
    w.u64(reasons.len() as u64);
    for r in reasons {
        w.str(r);
    }
}

/// Writes the tag and fields of one of this module's events (nothing for another).
pub(super) fn encode(event: &Event, w: &mut Writer<'_>) {
    match event {
        Event::InstructionIssued { terms: t, date } => {
            w.u8(39);
            w.date(*date);
            w.str(&t.reference);
            w.u64(t.members.len() as u64);
            for m in &t.members {
                w.u64(*m);
            }
            w.u8(u8::from(t.netted));
            w.u32(t.legal_entity);
            w.u32(t.counterparty);
            w.u32(t.instrument);
            w.u32(t.account);
            w.date(t.settlement_date);
            w.str(t.currency.code());
            w.decimal(t.quantity);
            w.decimal(t.cash);
            w.u8(u8::from(t.partial_allowed));
        }
        Event::InstructionStatusRecorded {
            reference,
            date,
            status,
            matched,
            reasons: r,
        } => {
            w.u8(40);
            w.str(reference);
            w.date(*date);
            w.u8(status.code());
            w.u8(u8::from(*matched));
            reasons(w, r);
        }
        Event::InstructionSettled {
            reference,
            date,
            quantity,
            cash,
        } => {
            w.u8(41);
            w.str(reference);
            w.date(*date);
            w.decimal(*quantity);
            w.decimal(*cash);
        }
        Event::InstructionHeld { reference, hold } => {
            w.u8(42);
            w.str(reference);
            w.u8(u8::from(*hold));
        }
        Event::SettlementExceptionRaised {
            reference,
            date,
            detail,
        } => {
            w.u8(43);
            w.str(reference);
            w.date(*date);
            w.str(detail);
        }
        Event::SettlementExceptionResolved { id, resolution } => {
            w.u8(44);
            w.u64(*id);
            w.str(resolution);
        }
        Event::SettlementToleranceSet { currency, amount } => {
            w.u8(45);
            w.str(currency.code());
            w.decimal(*amount);
        }
        Event::CentralBankRateRecorded {
            currency,
            date,
            rate,
        } => {
            w.u8(46);
            w.str(currency.code());
            w.date(*date);
            w.decimal(*rate);
        }
        Event::SettlementPenaltiesAccrued {
            legal_entity,
            through,
            penalties,
        } => {
            w.u8(47);
            w.u32(*legal_entity);
            w.date(*through);
            w.u64(penalties.len() as u64);
            for p in penalties {
                w.str(&p.reference);
                w.date(p.date);
                w.decimal(p.amount);
                w.str(p.currency.code());
                w.u8(match p.cause {
                    FailCause::Ours => 0,
                    FailCause::Theirs => 1,
                });
                w.u8(match p.kind {
                    FailKind::Securities => 0,
                    FailKind::Cash => 1,
                });
            }
        }
        Event::PenaltyRateSet {
            class,
            valid_from,
            basis_points,
        } => {
            w.u8(48);
            w.u8(class_code(*class));
            w.date(*valid_from);
            w.decimal(*basis_points);
        }
        _ => {}
    }
}

fn class_code(class: PenaltyClass) -> u8 {
    PenaltyClass::ALL
        .iter()
        .position(|c| *c == class)
        .map_or(u8::MAX, |i| i as u8)
}

fn read_class(r: &mut Reader<'_>) -> Result<PenaltyClass, DecodeError> {
    let code = r.u8()?;
    PenaltyClass::ALL
        .get(usize::from(code))
        .copied()
        .ok_or_else(|| r.error(format!("unknown penalty class {code}")))
}

fn read_reasons(r: &mut Reader<'_>) -> Result<Vec<Arc<str>>, DecodeError> {
    let n = r.u64()?;
    let mut out = Vec::new();
    for _ in 0..n {
        out.push(Arc::from(r.string()?));
    }
    Ok(out)
}

fn flag(r: &mut Reader<'_>) -> Result<bool, DecodeError> {
    r.bool()
}

/// Reads the fields of an event with `tag` (39 to 47).
pub(super) fn decode(tag: u8, r: &mut Reader<'_>) -> Result<Event, DecodeError> {
    Ok(match tag {
        39 => {
            let date = r.date()?;
            let reference = Arc::from(r.string()?);
            let n = r.u64()?;
            let mut members = Vec::new();
            for _ in 0..n {
                members.push(r.u64()?.into());
            }
            Event::InstructionIssued {
                terms: Box::new(InstructionTerms {
                    reference,
                    members,
                    netted: flag(r)?,
                    legal_entity: r.u32()?.into(),
                    counterparty: r.u32()?.into(),
                    instrument: r.u32()?.into(),
                    account: r.u32()?.into(),
                    settlement_date: r.date()?,
                    currency: r.currency()?,
                    quantity: r.decimal()?,
                    cash: r.decimal()?,
                    partial_allowed: flag(r)?,
                }),
                date,
            }
        }
        40 => Event::InstructionStatusRecorded {
            reference: Arc::from(r.string()?),
            date: r.date()?,
            status: {
                let code = r.u8()?;
                InstructionStatus::from_code(code)
                    .ok_or_else(|| r.error(format!("unknown instruction status {code}")))?
            },
            matched: flag(r)?,
            reasons: read_reasons(r)?,
        },
        41 => Event::InstructionSettled {
            reference: Arc::from(r.string()?),
            date: r.date()?,
            quantity: r.decimal()?,
            cash: r.decimal()?,
        },
        42 => Event::InstructionHeld {
            reference: Arc::from(r.string()?),
            hold: flag(r)?,
        },
        43 => Event::SettlementExceptionRaised {
            reference: Arc::from(r.string()?),
            date: r.date()?,
            detail: Arc::from(r.string()?),
        },
        44 => Event::SettlementExceptionResolved {
            id: r.u64()?,
            resolution: Arc::from(r.string()?),
        },
        45 => Event::SettlementToleranceSet {
            currency: r.currency()?,
            amount: r.decimal()?,
        },
        46 => Event::CentralBankRateRecorded {
            currency: r.currency()?,
            date: r.date()?,
            rate: r.decimal()?,
        },
        47 => {
            let legal_entity = r.u32()?.into();
            let through = r.date()?;
            let n = r.u64()?;
            let mut penalties = Vec::new();
            for _ in 0..n {
                penalties.push(PenaltyAccrual {
                    reference: Arc::from(r.string()?),
                    date: r.date()?,
                    amount: r.decimal()?,
                    currency: r.currency()?,
                    cause: match r.u8()? {
                        0 => FailCause::Ours,
                        1 => FailCause::Theirs,
                        k => return Err(r.error(format!("unknown fail cause {k}"))),
                    },
                    kind: match r.u8()? {
                        0 => FailKind::Securities,
                        1 => FailKind::Cash,
                        k => return Err(r.error(format!("unknown fail kind {k}"))),
                    },
                });
            }
            Event::SettlementPenaltiesAccrued {
                legal_entity,
                through,
                penalties,
            }
        }
        48 => Event::PenaltyRateSet {
            class: read_class(r)?,
            valid_from: r.date()?,
            basis_points: r.decimal()?,
        },
        n => return Err(r.error(format!("unknown event tag {n}"))),
    })
}
