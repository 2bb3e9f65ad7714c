//! The settlement book in a snapshot: each instruction as the event that issued it, its
//! statuses as the events that recorded them, its settled parts, its hold; the exception
//! queue as the events that raised and resolved it; tolerances, central-bank rates and the
//! penalty accrual dates; the penalty rates, as the events that set them.

use super::{Reader, Writer, count, event, read_event};
use crate::engine::codec::DecodeError;
use crate::engine::{Event, State};
use crate::settlement::lifecycle::{Instruction, SettledPart, SettlementException, StatusChange};

pub(super) fn settlement(state: &State, w: &mut Writer<'_>) {
    let book = &state.settlement;
    w.u64(book.len() as u64);
    for i in book.iter() {
        event(
            w,
            &Event::InstructionIssued {
                terms: Box::new(i.terms.clone()),
                date: i.issued,
            },
        );
        w.u64(i.history.len() as u64);
        for c in &i.history {
            event(
                w,
                &Event::InstructionStatusRecorded {
                    reference: i.terms.reference.clone(),
                    date: c.date,
                    status: c.status,
                    matched: c.matched,
                    reasons: c.reasons.clone(),
                },
            );
        }
        w.u64(i.parts.len() as u64);
        for p in &i.parts {
            w.date(p.date);
            w.decimal(p.quantity);
            w.decimal(p.cash);
        }
        w.u8(u8::from(i.on_hold));
    }
    w.u64(book.exceptions.len() as u64);
    for e in &book.exceptions {
        event(
            w,
            &Event::SettlementExceptionRaised {
                reference: e.reference.clone(),
                date: e.raised,
                detail: e.detail.clone(),
            },
        );
        match &e.resolution {
            None => w.u8(0),
            Some(r) => {
                w.u8(1);
                w.str(r);
            }
        }
    }
    w.u64(book.tolerances.len() as u64);
    for (c, a) in &book.tolerances {
        w.str(c.code());
        w.decimal(*a);
    }
    w.u64(book.central_bank_rates.len() as u64);
    for ((c, d), rate) in &book.central_bank_rates {
        w.str(c.code());
        w.date(*d);
        w.decimal(*rate);
    }
    w.u64(book.penalties_through.len() as u64);
    for (entity, d) in &book.penalties_through {
        w.u32(*entity);
        w.date(*d);
    }
    let rates = book.penalty_rates.entries();
    w.u64(rates.len() as u64);
    for (class, from, bp) in rates {
        event(
            w,
            &Event::PenaltyRateSet {
                class,
                valid_from: from,
                basis_points: bp,
            },
        );
    }
}

pub(super) fn read_settlement(state: &mut State, r: &mut Reader<'_>) -> Result<(), DecodeError> {
    let book = &mut state.settlement;
    for _ in 0..count(r)? {
        let Event::InstructionIssued { terms, date } = read_event(r)? else {
            return Err(r.error("expected an instruction".to_owned()));
        };
        let mut history = Vec::new();
        for _ in 0..count(r)? {
            let Event::InstructionStatusRecorded {
                date,
                status,
                matched,
                reasons,
                ..
            } = read_event(r)?
            else {
                return Err(r.error("expected an instruction status".to_owned()));
            };
            history.push(StatusChange {
                date,
                status,
                matched,
                reasons,
            });
        }
        let mut parts = Vec::new();
        for _ in 0..count(r)? {
            parts.push(SettledPart {
                date: r.date()?,
                quantity: r.decimal()?,
                cash: r.decimal()?,
            });
        }
        let on_hold = r.bool()?;
        book.restore(Instruction {
            terms: *terms,
            issued: date,
            history,
            parts,
            on_hold,
        });
    }
    for n in 0..count(r)? {
        let Event::SettlementExceptionRaised {
            reference,
            date,
            detail,
        } = read_event(r)?
        else {
            return Err(r.error("expected a settlement exception".to_owned()));
        };
        let resolution = match r.u8()? {
            0 => None,
            1 => Some(r.string()?.into()),
            b => return Err(r.error(format!("unknown option tag {b}"))),
        };
        book.exceptions.push(SettlementException {
            id: n as u64 + 1,
            raised: date,
            reference,
            detail,
            resolution,
        });
    }
    for _ in 0..count(r)? {
        book.tolerances.insert(r.currency()?, r.decimal()?);
    }
    for _ in 0..count(r)? {
        let key = (r.currency()?, r.date()?);
        book.central_bank_rates.insert(key, r.decimal()?);
    }
    for _ in 0..count(r)? {
        let entity = r.u32()?.into();
        book.penalties_through.insert(entity, r.date()?);
    }
    for _ in 0..count(r)? {
        let Event::PenaltyRateSet {
            class,
            valid_from,
            basis_points,
        } = read_event(r)?
        else {
            return Err(r.error("expected a penalty rate".to_owned()));
        };
        book.penalty_rates.set(class, valid_from, basis_points);
    }
    Ok(())
}
