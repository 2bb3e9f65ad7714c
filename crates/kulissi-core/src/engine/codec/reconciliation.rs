//! The log layout of reconciliation: runs (tag 49), breaks moved (50), commented (51),
//! resolved (52), write-offs requested and approved (53, 54), tolerances set (55),
//! confirmation blocking set (56), statement mappings defined (57). The
//! rules of `mod.rs` hold:
//! a layout never changes once written.

use std::sync::Arc;

use super::DecodeError;
use super::wire::{Reader, Writer};
use crate::engine::Event;
use crate::reconciliation::BreakClass;
use crate::reconciliation::breaks::{BreakFinding, BreakStatus, ReconRun};
use crate::reconciliation::views::ReconDefinition;

const CLASSES: [BreakClass; 7] = [
    BreakClass::MissingInternal,
    BreakClass::MissingExternal,
    BreakClass::Quantity,
    BreakClass::Amount,
    BreakClass::Timing,
    BreakClass::ReferenceData,
    BreakClass::Duplicate,
];

fn option(w: &mut Writer<'_>, value: Option<rust_decimal::Decimal>) {
    match value {
        None => w.u8(0),
        Some(v) => {
            w.u8(1);
            w.decimal(v);
        }
    }
}

/// Writes a finding (shared with the snapshot).
pub(crate) fn finding(w: &mut Writer<'_>, f: &BreakFinding) {
    w.u64(f.key.len() as u64);
    for k in &f.key {
        w.str(k);
    }
    w.u8(CLASSES.iter().position(|c| *c == f.class).unwrap_or(0) as u8);
    option(w, f.ours);
    option(w, f.theirs);
}

fn read_option(r: &mut Reader<'_>) -> Result<Option<rust_decimal::Decimal>, DecodeError> {
    Ok(match r.u8()? {
        0 => None,
        1 => Some(r.decimal()?),
        b => return Err(r.error(format!("unknown option tag {b}"))),
    })
}

/// Reads a finding.
pub(crate) fn read_finding(r: &mut Reader<'_>) -> Result<BreakFinding, DecodeError> {
    let n = r.u64()?;
    let mut key = Vec::new();
    for _ in 0..n {
        key.push(r.string()?);
    }
    let code = r.u8()?;
    let class = *CLASSES
        .get(usize::from(code))
        .ok_or_else(|| r.error(format!("unknown break class {code}")))?;
    Ok(BreakFinding {
        key,
        class,
        ours: read_option(r)?,
        theirs: read_option(r)?,
    })
}

/// Reads a definition's code.
pub(crate) fn read_definition(r: &mut Reader<'_>) -> Result<ReconDefinition, DecodeError> {
    let code = r.u8()?;
    ReconDefinition::from_code(code)
        .ok_or_else(|| r.error(format!("unknown reconciliation {code}")))
}

/// Reads a break status's code.
pub(crate) fn read_status(r: &mut Reader<'_>) -> Result<BreakStatus, DecodeError> {
    let code = r.u8()?;
    BreakStatus::from_code(code).ok_or_else(|| r.error(format!("unknown break status {code}")))
}

/// Writes the tag and fields of one of this module's events (nothing for another).
pub(super) fn encode(event: &Event, w: &mut Writer<'_>) {
    match event {
        Event::ReconciliationRan {
            run,
            opened,
            updated,
            closed,
            affirmed,
        } => {
            w.u8(49);
            w.u8(run.definition.code());
            w.u32(run.legal_entity);
            w.date(run.as_of);
            w.str(&run.statement);
            w.str(&run.digest);
            w.u64(run.items);
            w.u64(run.matched);
            w.fixed64(run.result_digest);
            w.u64(opened.len() as u64);
            for f in opened {
                finding(w, f);
            }
            w.u64(updated.len() as u64);
            for (id, f) in updated {
                w.u64(*id);
                finding(w, f);
            }
            w.u64(closed.len() as u64);
            for id in closed {
                w.u64(*id);
            }
            w.u64(affirmed.len() as u64);
            for key in affirmed {
                w.str(key);
            }
        }
        Event::BreakMoved {
            id,
            to,
            by,
            assignee,
        } => {
            w.u8(50);
            w.u64(*id);
            w.u8(to.code());
            w.str(by);
            match assignee {
                None => w.u8(0),
                Some(a) => {
                    w.u8(1);
                    w.str(a);
                }
            }
        }
        Event::BreakCommented { id, by, text } => {
            w.u8(51);
            w.u64(*id);
            w.str(by);
            w.str(text);
        }
        Event::BreakResolved {
            id,
            by,
            code,
            comment,
        } => {
            w.u8(52);
            w.u64(*id);
            w.str(by);
            w.str(code);
            w.str(comment);
        }
        Event::WriteOffRequested { id, by, reason } => {
            w.u8(53);
            w.u64(*id);
            w.str(by);
            w.str(reason);
        }
        Event::WriteOffApproved { id, by } => {
            w.u8(54);
            w.u64(*id);
            w.str(by);
        }
        Event::ConfirmationBlockingSet { block } => {
            w.u8(56);
            w.u8(u8::from(*block));
        }
        Event::StatementMappingDefined {
            source,
            definition,
            columns,
        } => {
            w.u8(57);
            w.str(source);
            w.u8(definition.code());
            w.u64(columns.len() as u64);
            for (ours, theirs) in columns {
                w.str(ours);
                w.str(theirs);
            }
        }
        Event::ReconToleranceSet {
            definition,
            tolerance,
        } => {
            w.u8(55);
            w.u8(definition.code());
            w.decimal(tolerance.absolute);
            w.decimal(tolerance.relative);
        }
        _ => {}
    }
}

fn shared(r: &mut Reader<'_>) -> Result<Arc<str>, DecodeError> {
    Ok(Arc::from(r.string()?))
}

/// Reads the fields of an event with `tag` (49 to 54).
pub(super) fn decode(tag: u8, r: &mut Reader<'_>) -> Result<Event, DecodeError> {
    Ok(match tag {
        49 => {
            let run = ReconRun {
                definition: read_definition(r)?,
                legal_entity: r.u32()?.into(),
                as_of: r.date()?,
                statement: shared(r)?,
                digest: shared(r)?,
                items: r.u64()?,
                matched: r.u64()?,
                result_digest: r.fixed64()?,
            };
            let mut opened = Vec::new();
            for _ in 0..r.u64()? {
                opened.push(read_finding(r)?);
            }
            let mut updated = Vec::new();
            for _ in 0..r.u64()? {
                updated.push((r.u64()?, read_finding(r)?));
            }
            let mut closed = Vec::new();
            for _ in 0..r.u64()? {
                closed.push(r.u64()?);
            }
            let mut affirmed = Vec::new();
            for _ in 0..r.u64()? {
                affirmed.push(r.string()?);
            }
            Event::ReconciliationRan {
                run: Box::new(run),
                opened,
                updated,
                closed,
                affirmed,
            }
        }
        50 => Event::BreakMoved {
            id: r.u64()?,
            to: read_status(r)?,
            by: shared(r)?,
            assignee: match r.u8()? {
                0 => None,
                1 => Some(shared(r)?),
                b => return Err(r.error(format!("unknown option tag {b}"))),
            },
        },
        51 => Event::BreakCommented {
            id: r.u64()?,
            by: shared(r)?,
            text: shared(r)?,
        },
        52 => Event::BreakResolved {
            id: r.u64()?,
            by: shared(r)?,
            code: shared(r)?,
            comment: shared(r)?,
        },
        53 => Event::WriteOffRequested {
            id: r.u64()?,
            by: shared(r)?,
            reason: shared(r)?,
        },
        54 => Event::WriteOffApproved {
            id: r.u64()?,
            by: shared(r)?,
        },
        56 => Event::ConfirmationBlockingSet { block: r.bool()? },
        57 => {
            let source = shared(r)?;
            let definition = read_definition(r)?;
            let mut columns = Vec::new();
            for _ in 0..r.u64()? {
                columns.push((shared(r)?, shared(r)?));
            }
            Event::StatementMappingDefined {
                source,
                definition,
                columns,
            }
        }
        55 => Event::ReconToleranceSet {
            definition: read_definition(r)?,
            tolerance: crate::reconciliation::Tolerance {
                absolute: r.decimal()?,
                relative: r.decimal()?,
            },
        },
        n => return Err(r.error(format!("unknown event tag {n}"))),
    })
}
