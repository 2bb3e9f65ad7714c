//! The reconciliation book in a snapshot: every break with its finding (the log's layout),
//! dates, status, owner, comments, resolution and write-off; the statements loaded; the runs;
//! the tolerances set.

use std::sync::Arc;

use super::{Reader, Writer, count};
use crate::engine::State;
use crate::engine::codec::DecodeError;
use crate::engine::codec::reconciliation::{finding, read_definition, read_finding, read_status};
use crate::reconciliation::breaks::{Break, ReconRun, WriteOff};

fn opt_str(w: &mut Writer<'_>, s: Option<&Arc<str>>) {
    match s {
        None => w.u8(0),
        Some(s) => {
            w.u8(1);
            w.str(s);
        }
    }
}

fn read_opt_str(r: &mut Reader<'_>) -> Result<Option<Arc<str>>, DecodeError> {
    Ok(match r.u8()? {
        0 => None,
        1 => Some(Arc::from(r.string()?)),
        b => return Err(r.error(format!("unknown option tag {b}"))),
    })
}

pub(super) fn reconciliations(state: &State, w: &mut Writer<'_>) {
    let book = &state.reconciliations;
    w.u64(book.breaks.len() as u64);
    for b in &book.breaks {
        w.u8(b.definition.code());
        w.u32(b.legal_entity);
        finding(w, &b.finding);
        w.date(b.opened);
        w.date(b.last_seen);
        w.u8(b.status.code());
        opt_str(w, b.assignee.as_ref());
        w.u64(b.comments.len() as u64);
        for (by, text) in &b.comments {
            w.str(by);
            w.str(text);
        }
        match &b.resolution {
            None => w.u8(0),
            Some((code, comment)) => {
                w.u8(1);
                w.str(code);
                w.str(comment);
            }
        }
        match &b.write_off {
            None => w.u8(0),
            Some(off) => {
                w.u8(1);
                w.str(&off.maker);
                w.str(&off.reason);
                opt_str(w, off.checker.as_ref());
            }
        }
    }
    w.u64(book.statements.len() as u64);
    for (digest, name) in &book.statements {
        w.str(digest);
        w.str(name);
    }
    w.u64(book.runs.len() as u64);
    for run in &book.runs {
        w.u8(run.definition.code());
        w.u32(run.legal_entity);
        w.date(run.as_of);
        w.str(&run.statement);
        w.str(&run.digest);
        w.u64(run.items);
        w.u64(run.matched);
        w.fixed64(run.result_digest);
    }
    w.u8(u8::from(book.block_unconfirmed));
    w.u64(book.mappings.len() as u64);
    for (source, (definition, columns)) in &book.mappings {
        w.str(source);
        w.u8(definition.code());
        w.u64(columns.len() as u64);
        for (ours, theirs) in columns {
            w.str(ours);
            w.str(theirs);
        }
    }
    w.u64(book.affirmed.len() as u64);
    for key in &book.affirmed {
        w.str(key);
    }
    w.u64(book.tolerances.len() as u64);
    for (definition, t) in &book.tolerances {
        w.u8(definition.code());
        w.decimal(t.absolute);
        w.decimal(t.relative);
    }
}

pub(super) fn read_reconciliations(
    state: &mut State,
    r: &mut Reader<'_>,
) -> Result<(), DecodeError> {
    let book = &mut state.reconciliations;
    for n in 0..count(r)? {
        let definition = read_definition(r)?;
        let legal_entity = r.u32()?.into();
        let found = read_finding(r)?;
        let (opened, last_seen) = (r.date()?, r.date()?);
        let status = read_status(r)?;
        let assignee = read_opt_str(r)?;
        let mut comments = Vec::new();
        for _ in 0..count(r)? {
            comments.push((Arc::from(r.string()?), Arc::from(r.string()?)));
        }
        let resolution = match r.u8()? {
            0 => None,
            1 => Some((Arc::from(r.string()?), Arc::from(r.string()?))),
            b => return Err(r.error(format!("unknown option tag {b}"))),
        };
        let write_off = match r.u8()? {
            0 => None,
            1 => Some(WriteOff {
                maker: Arc::from(r.string()?),
                reason: Arc::from(r.string()?),
                checker: read_opt_str(r)?,
            }),
            b => return Err(r.error(format!("unknown option tag {b}"))),
        };
        book.breaks.push(Break {
            id: n as u64 + 1,
            definition,
            legal_entity,
            finding: found,
            opened,
            last_seen,
            status,
            assignee,
            comments,
            resolution,
            write_off,
        });
    }
    for _ in 0..count(r)? {
        let digest = Arc::from(r.string()?);
        book.statements.insert(digest, Arc::from(r.string()?));
    }
    for _ in 0..count(r)? {
        book.runs.push(ReconRun {
            definition: read_definition(r)?,
            legal_entity: r.u32()?.into(),
            as_of: r.date()?,
            statement: Arc::from(r.string()?),
            digest: Arc::from(r.string()?),
            items: r.u64()?,
            matched: r.u64()?,
            result_digest: r.fixed64()?,
        });
    }
    book.block_unconfirmed = r.bool()?;
    for _ in 0..count(r)? {
        let source: Arc<str> = Arc::from(r.string()?);
        let definition = read_definition(r)?;
        let mut columns = Vec::new();
        for _ in 0..count(r)? {
            columns.push((Arc::from(r.string()?), Arc::from(r.string()?)));
        }
        book.mappings.insert(source, (definition, columns));
    }
    for _ in 0..count(r)? {
        book.affirmed.insert(r.string()?);
    }
    for _ in 0..count(r)? {
        let definition = read_definition(r)?;
        book.tolerances.insert(
            definition,
            crate::reconciliation::Tolerance {
                absolute: r.decimal()?,
                relative: r.decimal()?,
            },
        );
    }
    Ok(())
}
