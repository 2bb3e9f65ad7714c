//! Snapshots of the engine state: [`encode`] writes everything a [`State`] holds into bytes,
//! [`decode`] reads them back into an equal state, so that start-up can load the newest
//! snapshot and replay only the log's tail.
//!
//! Layout (version [`FORMAT`]): the magic `KSNP`, the format (u32), then one section after
//! another in a fixed order, with the codec's primitives (varints, decimals, dates, text).
//! Reference data and the chart's additions are stored as the definition events that make
//! them (so their layout is the log's); trades name their source and trader through a table
//! of names, so loading shares one allocation per name as booking does. A change to what the
//! state holds is a new format: an older snapshot is then refused and rebuilt from the log.
//!
//! Decoding never panics; bytes that are not a snapshot of this format are a
//! [`DecodeError`] saying what and where.

mod books;
mod controls;
mod reconciliation;
mod settlement;
mod trades;

use books::{
    accounting, cash, corporate_actions, ledger, market_data, messages, read_accounting, read_cash,
    read_corporate_actions, read_ledger, read_market_data, read_messages, read_reference_data,
    reference_data,
};
use controls::{controls, read_controls};
use reconciliation::{read_reconciliations, reconciliations};
use settlement::{read_settlement, settlement};
use trades::{holdings, read_holdings, read_trades, trades};

use super::codec::wire::{Reader, Writer};
use super::codec::{self, DecodeError};
use super::{Event, State};

/// The snapshot format this build writes and reads.
pub const FORMAT: u32 = 5;

const MAGIC: &[u8; 4] = b"KSNP";

/// Runs two jobs, in parallel if the caller can: the core spawns no thread, so the
/// application passes one that does ([`Sequential`] runs one after the other).
pub trait Join {
    /// Runs `a` and `b` and returns both results.
    fn join<A, B, RA, RB>(&self, a: A, b: B) -> (RA, RB)
    where
        A: FnOnce() -> RA + Send,
        B: FnOnce() -> RB + Send,
        RA: Send,
        RB: Send;
}

/// Runs the jobs one after the other.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sequential;

impl Join for Sequential {
    fn join<A, B, RA, RB>(&self, a: A, b: B) -> (RA, RB)
    where
        A: FnOnce() -> RA + Send,
        B: FnOnce() -> RB + Send,
        RA: Send,
        RB: Send,
    {
        (a(), b())
    }
}

/// Encodes the whole state: three sections, each prefixed by its length (eight bytes), so a
/// reader can decode the two big ones (trades; positions and the rest) side by side.
pub fn encode(state: &State) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + state.trades.len() * 160);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT.to_le_bytes());
    section(&mut out, |w| reference_data(state, w));
    section(&mut out, |w| trades(state, w));
    section(&mut out, |w| {
        holdings(state, w);
        ledger(state, w);
        market_data(state, w);
        cash(state, w);
        accounting(state, w);
        messages(state, w);
        corporate_actions(state, w);
        settlement(state, w);
        reconciliations(state, w);
        controls(state, w);
    });
    out
}

fn section(out: &mut Vec<u8>, write: impl FnOnce(&mut Writer<'_>)) {
    let at = out.len();
    out.extend_from_slice(&[0; 8]);
    write(&mut Writer(out));
    let len = (out.len() - at - 8) as u64;
    out[at..at + 8].copy_from_slice(&len.to_le_bytes());
}

/// The bytes of the next section, and a reader positioned at its start.
fn next_section<'a>(r: &mut Reader<'a>) -> Result<Reader<'a>, DecodeError> {
    let len = u64::from_le_bytes(r.take::<8>()?);
    let start = r.offset;
    let end = usize::try_from(len)
        .ok()
        .and_then(|l| start.checked_add(l))
        .filter(|end| *end <= r.bytes.len())
        .ok_or_else(|| r.error(format!("a section of {len} bytes runs past the end")))?;
    r.offset = end;
    Ok(Reader {
        bytes: &r.bytes[..end],
        offset: start,
    })
}

fn finished(r: &Reader<'_>) -> Result<(), DecodeError> {
    if r.offset == r.bytes.len() {
        Ok(())
    } else {
        Err(r.error(format!(
            "{} bytes left over in the section",
            r.bytes.len() - r.offset
        )))
    }
}

/// Decodes a snapshot of format [`FORMAT`] into the state it was taken of.
pub fn decode(bytes: &[u8]) -> Result<State, DecodeError> {
    decode_with(bytes, &Sequential)
}

/// [`decode`], with the trades decoded beside the rest by `join`.
pub fn decode_with(bytes: &[u8], join: &impl Join) -> Result<State, DecodeError> {
    let mut r = Reader { bytes, offset: 0 };
    if r.take::<4>()? != *MAGIC {
        return Err(r.error("not a Kulissi snapshot (no KSNP magic)".to_owned()));
    }
    let format = u32::from_le_bytes(r.take::<4>()?);
    if format != FORMAT {
        return Err(r.error(format!(
            "snapshot format {format}, this build reads format {FORMAT}"
        )));
    }
    let mut state = State::default();
    let mut refdata = next_section(&mut r)?;
    read_reference_data(&mut state, &mut refdata)?;
    finished(&refdata)?;
    let mut trades = next_section(&mut r)?;
    let mut rest = next_section(&mut r)?;
    if r.offset != bytes.len() {
        return Err(r.error(format!("{} trailing bytes", bytes.len() - r.offset)));
    }
    let (trades, rest) = join.join(
        move || -> Result<State, DecodeError> {
            let mut part = State::default();
            read_trades(&mut part, &mut trades)?;
            finished(&trades)?;
            Ok(part)
        },
        move || -> Result<State, DecodeError> {
            let mut part = State::default();
            read_holdings(&mut part, &mut rest)?;
            read_ledger(&mut part, &mut rest)?;
            read_market_data(&mut part, &mut rest)?;
            read_cash(&mut part, &mut rest)?;
            read_accounting(&mut part, &mut rest)?;
            read_messages(&mut part, &mut rest)?;
            read_corporate_actions(&mut part, &mut rest)?;
            read_settlement(&mut part, &mut rest)?;
            read_reconciliations(&mut part, &mut rest)?;
            read_controls(&mut part, &mut rest)?;
            finished(&rest)?;
            Ok(part)
        },
    );
    // Named field by field, so a field added to the state fails to compile here until the
    // snapshot holds it.
    let State {
        refdata: _,
        trades: _,
        holdings,
        ledger,
        market_data,
        valuations,
        cash,
        periods,
        manual_entries,
        ledger_accounts: _,
        messages,
        corporate_actions,
        settlement,
        reconciliations,
        controls,
    } = rest?;
    Ok(State {
        trades: trades?.trades,
        holdings,
        ledger,
        market_data,
        valuations,
        cash,
        periods,
        manual_entries,
        messages,
        corporate_actions,
        settlement,
        reconciliations,
        controls,
        ..state
    })
}

pub(super) fn count(r: &mut Reader<'_>) -> Result<usize, DecodeError> {
    let n = r.u64()?;
    // Every item takes at least one byte: a count beyond what is left is corrupt, and must
    // not reserve memory.
    if n > (r.bytes.len() - r.offset) as u64 {
        return Err(r.error(format!("count {n} exceeds the bytes left")));
    }
    Ok(n as usize)
}

pub(super) fn event(w: &mut Writer<'_>, event: &Event) {
    let bytes = codec::encode(event);
    w.u64(bytes.len() as u64);
    w.0.extend_from_slice(&bytes);
}

pub(super) fn read_event(r: &mut Reader<'_>) -> Result<Event, DecodeError> {
    let len = count(r)?;
    let start = r.offset;
    let slice = &r.bytes[start..start + len];
    r.offset += len;
    codec::decode(slice).map_err(|e| DecodeError {
        what: format!("embedded event: {}", e.what),
        offset: start + e.offset,
    })
}

pub(super) fn u32_opt(w: &mut Writer<'_>, d: Option<u32>) {
    match d {
        None => w.u8(0),
        Some(v) => {
            w.u8(1);
            w.u32(v);
        }
    }
}
