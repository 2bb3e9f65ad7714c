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

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use super::codec::wire::{Reader, Writer};
use super::codec::{self, DecodeError};
use super::messages::SeenMessage;
use super::state::{Confirmation, StoredTrade};
use super::{Event, State};
use crate::cash::{CashBalance, CashMovement};
use crate::ids::{InstrumentId, LegalEntityId, TradeId};
use crate::ledger::{ManualEntry, NoJournal};
use crate::market_data::RecordedPrice;
use crate::money::{Price, Quantity};
use crate::position::{Position, PositionTrade};
use crate::refdata::CostMethod;
use crate::trade::{TradeRecord, TradeStatus, TradeTerms};

/// The snapshot format this build writes and reads.
pub const FORMAT: u32 = 1;

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
        ..state
    })
}

fn count(r: &mut Reader<'_>) -> Result<usize, DecodeError> {
    let n = r.u64()?;
    // Every item takes at least one byte: a count beyond what is left is corrupt, and must
    // not reserve memory.
    if n > (r.bytes.len() - r.offset) as u64 {
        return Err(r.error(format!("count {n} exceeds the bytes left")));
    }
    Ok(n as usize)
}

fn event(w: &mut Writer<'_>, event: &Event) {
    let bytes = codec::encode(event);
    w.u64(bytes.len() as u64);
    w.0.extend_from_slice(&bytes);
}

fn read_event(r: &mut Reader<'_>) -> Result<Event, DecodeError> {
    let len = count(r)?;
    let start = r.offset;
    let slice = &r.bytes[start..start + len];
    r.offset += len;
    codec::decode(slice).map_err(|e| DecodeError {
        what: format!("embedded event: {}", e.what),
        offset: start + e.offset,
    })
}

fn u32_opt(w: &mut Writer<'_>, d: Option<u32>) {
    match d {
        None => w.u8(0),
        Some(v) => {
            w.u8(1);
            w.u32(v);
        }
    }
}

// --- reference data -----------------------------------------------------------------

fn reference_data(state: &State, w: &mut Writer<'_>) {
    let rd = &state.refdata;
    let mut events = Vec::new();
    for (id, entity) in rd.legal_entities.iter() {
        events.push(Event::LegalEntityDefined {
            id,
            entity: entity.clone(),
        });
    }
    for (id, counterparty) in rd.counterparties.iter() {
        events.push(Event::CounterpartyDefined {
            id,
            counterparty: counterparty.clone(),
        });
    }
    for (id, instrument) in rd.instruments.iter() {
        events.push(Event::InstrumentDefined {
            id,
            instrument: instrument.clone(),
        });
    }
    for (id, book) in rd.books.iter() {
        events.push(Event::BookDefined {
            id,
            book: book.clone(),
        });
    }
    for (id, account) in rd.accounts.iter() {
        events.push(Event::AccountDefined {
            id,
            account: account.clone(),
        });
    }
    for (id, ssi) in rd.ssis.iter() {
        events.push(Event::SsiDefined {
            id,
            ssi: ssi.clone(),
        });
    }
    for (id, schedule) in rd.fee_schedules.iter() {
        events.push(Event::FeeScheduleDefined {
            id,
            schedule: schedule.clone(),
        });
    }
    for ((legal_entity, _), account) in &state.ledger_accounts {
        events.push(Event::LedgerAccountDefined {
            legal_entity: *legal_entity,
            account: account.clone(),
        });
    }
    w.u64(events.len() as u64);
    for e in &events {
        event(w, e);
    }
}

fn read_reference_data(state: &mut State, r: &mut Reader<'_>) -> Result<(), DecodeError> {
    for _ in 0..count(r)? {
        let at = r.offset;
        let e = read_event(r)?;
        if !matches!(
            e,
            Event::LegalEntityDefined { .. }
                | Event::CounterpartyDefined { .. }
                | Event::InstrumentDefined { .. }
                | Event::BookDefined { .. }
                | Event::AccountDefined { .. }
                | Event::SsiDefined { .. }
                | Event::FeeScheduleDefined { .. }
                | Event::LedgerAccountDefined { .. }
        ) {
            return Err(DecodeError {
                what: format!("a {} among the reference data", e.kind()),
                offset: at,
            });
        }
        state.apply(&e, &mut NoJournal).map_err(|e| DecodeError {
            what: e.to_string(),
            offset: at,
        })?;
    }
    Ok(())
}

// --- trades ---------------------------------------------------------------------------

fn trades(state: &State, w: &mut Writer<'_>) {
    let t = &state.trades;
    let mut names: Vec<&Arc<str>> = t.names.iter().collect();
    names.sort();
    let index: HashMap<&str, u64> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (&***n, i as u64))
        .collect();
    w.u64(names.len() as u64);
    for n in &names {
        w.str(n);
    }
    let name = |w: &mut Writer<'_>, n: &str| match index.get(n) {
        Some(i) => w.u64(i + 1),
        None => {
            // Not in the table (a name the table never shared): written out in full.
            w.u64(0u64);
            w.str(n);
        }
    };
    // How many trades each source has, so that loading sizes its index once.
    let mut sizes: Vec<(&str, usize)> = t
        .by_external
        .iter()
        .map(|(source, ids)| (&**source, ids.len()))
        .collect();
    sizes.sort_unstable();
    w.u64(sizes.len() as u64);
    for (source, len) in sizes {
        w.str(source);
        w.u64(len as u64);
    }
    w.u64(t.trades.len() as u64);
    for stored in &t.trades {
        let rec = &stored.record;
        name(w, &rec.source);
        w.str(&rec.external_id);
        w.fixed64(stored.input_digest);
        w.u32(rec.version);
        w.u8(match rec.status {
            TradeStatus::Live => 0,
            TradeStatus::Cancelled => 1,
        });
        let terms = &rec.terms;
        w.u32(terms.legal_entity);
        w.u32(terms.book);
        name(w, &terms.trader);
        w.u32(terms.counterparty);
        w.u32(terms.account);
        w.u32(terms.instrument);
        w.u8(match terms.side {
            crate::trade::Side::Buy => 0,
            crate::trade::Side::Sell => 1,
        });
        w.decimal(terms.quantity.value());
        w.decimal(terms.price.value());
        w.str(terms.currency.code());
        w.date(terms.trade_date);
        w.timestamp(terms.trade_time);
        w.str(terms.venue.as_str());
        w.date(terms.settlement_date);
        w.economics(&rec.economics);
        w.decimal(rec.settled_quantity);
    }
    let mut references: Vec<(&Arc<str>, &Confirmation)> = t.settlement_references.iter().collect();
    references.sort_by(|a, b| a.0.cmp(b.0));
    w.u64(references.len() as u64);
    for (reference, c) in references {
        w.str(reference);
        w.u64(c.trade_id);
        w.decimal(c.quantity);
        w.date(c.settlement_date);
    }
}

fn read_trades(state: &mut State, r: &mut Reader<'_>) -> Result<(), DecodeError> {
    let t = &mut state.trades;
    let mut names: Vec<Arc<str>> = Vec::new();
    for _ in 0..count(r)? {
        names.push(r.string()?.into());
    }
    let name = |r: &mut Reader<'_>, names: &[Arc<str>]| -> Result<Arc<str>, DecodeError> {
        match r.u64()? {
            0 => Ok(Arc::from(r.text()?)),
            i => names
                .get(i as usize - 1)
                .cloned()
                .ok_or_else(|| r.error(format!("name {i} is not in the table"))),
        }
    };
    for _ in 0..count(r)? {
        let source = r.text()?;
        let len = r.u64()?;
        // A size beyond the bytes left is corrupt: never reserve on its word.
        let len = usize::try_from(len)
            .ok()
            .filter(|l| *l <= r.bytes.len() - r.offset)
            .ok_or_else(|| r.error(format!("{len} trades of source {source}")))?;
        let source = names
            .iter()
            .find(|n| ***n == *source)
            .cloned()
            .unwrap_or_else(|| Arc::from(source));
        t.by_external.insert(
            source,
            std::collections::HashMap::with_capacity_and_hasher(len, Default::default()),
        );
    }
    let n = count(r)?;
    t.trades.reserve_exact(n);
    let mut currencies: Vec<(Vec<u8>, crate::identifiers::Currency)> = Vec::new();
    let mut venues: Vec<(Vec<u8>, crate::identifiers::Mic)> = Vec::new();
    for i in 0..n {
        let trade_id = TradeId(i as u64 + 1);
        let source = name(r, &names)?;
        let external_id: Arc<str> = Arc::from(r.text()?);
        let input_digest = r.fixed64()?;
        let version = r.u32()?;
        let status = match r.u8()? {
            0 => TradeStatus::Live,
            1 => TradeStatus::Cancelled,
            s => return Err(r.error(format!("unknown trade status {s}"))),
        };
        let legal_entity = r.u32()?.into();
        let book = r.u32()?.into();
        let trader = name(r, &names)?;
        let counterparty = r.u32()?.into();
        let account = r.u32()?.into();
        let instrument = r.u32()?.into();
        let side = match r.u8()? {
            0 => crate::trade::Side::Buy,
            1 => crate::trade::Side::Sell,
            s => return Err(r.error(format!("unknown side {s}"))),
        };
        let quantity = Quantity::new(r.decimal()?);
        let price = Price::new(r.decimal()?);
        let currency = cached(r, &mut currencies, |r| r.currency())?;
        let trade_date = r.date()?;
        let trade_time = r.timestamp()?;
        let venue = cached(r, &mut venues, |r| r.mic())?;
        let settlement_date = r.date()?;
        let economics = r.economics()?;
        let settled_quantity = r.decimal()?;
        t.by_external
            .entry(source.clone())
            .or_default()
            .insert(external_id.clone(), trade_id);
        t.trades.push(StoredTrade {
            record: TradeRecord {
                trade_id,
                version,
                status,
                source,
                external_id,
                terms: TradeTerms {
                    legal_entity,
                    book,
                    trader,
                    counterparty,
                    account,
                    instrument,
                    side,
                    quantity,
                    price,
                    currency,
                    trade_date,
                    trade_time,
                    venue,
                    settlement_date,
                },
                economics,
                settled_quantity,
            },
            input_digest,
        });
    }
    t.names = names.into_iter().collect::<HashSet<_>>();
    for _ in 0..count(r)? {
        let reference: Arc<str> = Arc::from(r.text()?);
        let confirmation = Confirmation {
            trade_id: r.u64()?.into(),
            quantity: r.decimal()?,
            settlement_date: r.date()?,
        };
        t.settlement_references.insert(reference, confirmation);
    }
    Ok(())
}

/// Reads a short identifier (a currency, a MIC) through a cache of the bytes seen, so that
/// the millions of trades of a big snapshot validate each distinct one once.
fn cached<T: Copy>(
    r: &mut Reader<'_>,
    seen: &mut Vec<(Vec<u8>, T)>,
    parse: impl Fn(&mut Reader<'_>) -> Result<T, DecodeError>,
) -> Result<T, DecodeError> {
    let start = r.offset;
    let len = r.u64()? as usize;
    let text = r
        .bytes
        .get(r.offset..r.offset + len)
        .ok_or_else(|| r.error("unexpected end of text".to_owned()))?;
    if let Some((_, v)) = seen.iter().find(|(b, _)| b.as_slice() == text) {
        r.offset += len;
        return Ok(*v);
    }
    let key = text.to_vec();
    r.offset = start;
    let v = parse(r)?;
    seen.push((key, v));
    Ok(v)
}

// --- holdings -------------------------------------------------------------------------

fn holdings(state: &State, w: &mut Writer<'_>) {
    let h = &state.holdings;
    let mut keys: Vec<_> = h.positions.keys().copied().collect();
    keys.sort_unstable();
    w.u64(keys.len() as u64);
    for key in keys {
        let Some(p) = h.positions.get(&key) else {
            continue;
        };
        w.u32(key.0);
        w.u32(key.1);
        w.decimal(p.quantity);
        w.decimal(p.settled_quantity);
        w.decimal(p.cost);
        u32_opt(w, p.cost_decimals);
        w.u8(match p.method {
            CostMethod::AverageCost => 0,
            CostMethod::Fifo => 1,
        });
        w.u64(p.trades.len() as u64);
        for t in &p.trades {
            w.date(t.order.0);
            w.timestamp(t.order.1);
            w.u64(t.order.2);
            w.decimal(t.signed_quantity);
            w.decimal(t.gross);
            w.decimal(t.quantity_after);
            w.decimal(t.cost_after);
        }
        w.u64(p.lots.len() as u64);
        for (q, c) in &p.lots {
            w.decimal(*q);
            w.decimal(*c);
        }
    }
    let mut cash: Vec<_> = h.cash.iter().collect();
    cash.sort_unstable_by_key(|(k, _)| **k);
    w.u64(cash.len() as u64);
    for ((account, currency, date), amount) in cash {
        w.u32(*account);
        w.str(currency.code());
        w.date(*date);
        w.decimal(*amount);
    }
}

fn read_holdings(state: &mut State, r: &mut Reader<'_>) -> Result<(), DecodeError> {
    let h = &mut state.holdings;
    let n = count(r)?;
    h.positions.reserve(n);
    for _ in 0..n {
        let key = (r.u32()?.into(), r.u32()?.into());
        let quantity = r.decimal()?;
        let settled_quantity = r.decimal()?;
        let cost = r.decimal()?;
        let cost_decimals = match r.u8()? {
            0 => None,
            1 => Some(r.u32()?),
            b => return Err(r.error(format!("unknown option tag {b}"))),
        };
        let method = match r.u8()? {
            0 => CostMethod::AverageCost,
            1 => CostMethod::Fifo,
            m => return Err(r.error(format!("unknown cost method {m}"))),
        };
        let mut position = Position::new(method, cost_decimals.unwrap_or(0));
        position.cost_decimals = cost_decimals;
        position.quantity = quantity;
        position.settled_quantity = settled_quantity;
        position.cost = cost;
        let trades = count(r)?;
        position.trades.reserve_exact(trades);
        for _ in 0..trades {
            position.trades.push(PositionTrade {
                order: (r.date()?, r.timestamp()?, r.u64()?.into()),
                signed_quantity: r.decimal()?,
                gross: r.decimal()?,
                quantity_after: r.decimal()?,
                cost_after: r.decimal()?,
            });
        }
        for _ in 0..count(r)? {
            position.lots.push_back((r.decimal()?, r.decimal()?));
        }
        h.positions.insert(key, position);
    }
    for _ in 0..count(r)? {
        let key = (r.u32()?.into(), r.currency()?, r.date()?);
        h.cash.insert(key, r.decimal()?);
    }
    Ok(())
}

// --- general ledger -------------------------------------------------------------------

fn ledger(state: &State, w: &mut Writer<'_>) {
    let l = &state.ledger;
    let mut balances: Vec<_> = l.balances.iter().collect();
    balances.sort_unstable_by_key(|(k, _)| **k);
    w.u64(balances.len() as u64);
    for ((entity, account, currency, year), amount) in balances {
        w.u32(*entity);
        w.u32(u32::from(*account));
        w.str(currency.code());
        w.year(*year);
        w.decimal(*amount);
    }
    w.u64(l.years.len() as u64);
    for y in &l.years {
        w.year(*y);
    }
    w.u64(l.entities.len() as u64);
    for e in &l.entities {
        w.u32(*e);
    }
    u32_opt(w, l.last_entity.map(|e| e.0));
    match l.last_year {
        None => w.u8(0),
        Some(y) => {
            w.u8(1);
            w.year(y);
        }
    }
    let v = &state.valuations;
    let mut adjustments: Vec<_> = v.adjustments.iter().collect();
    adjustments.sort_unstable_by_key(|(k, _)| **k);
    w.u64(adjustments.len() as u64);
    for ((account, instrument), amount) in adjustments {
        w.u32(*account);
        w.u32(*instrument);
        w.decimal(*amount);
    }
    let mut fx: Vec<_> = v.fx.iter().collect();
    fx.sort_unstable_by_key(|(k, _)| **k);
    w.u64(fx.len() as u64);
    for ((entity, currency), (a, b)) in fx {
        w.u32(*entity);
        w.str(currency.code());
        w.decimal(*a);
        w.decimal(*b);
    }
    let mut last: Vec<_> = v.last_end_of_day.iter().collect();
    last.sort_unstable();
    w.u64(last.len() as u64);
    for (entity, date) in last {
        w.u32(*entity);
        w.date(*date);
    }
}

fn read_ledger(state: &mut State, r: &mut Reader<'_>) -> Result<(), DecodeError> {
    let l = &mut state.ledger;
    for _ in 0..count(r)? {
        let entity: LegalEntityId = r.u32()?.into();
        let account = r.u32()?;
        let account = u16::try_from(account).map_err(|_| r.error(format!("account {account}")))?;
        let key = (entity, account, r.currency()?, r.year()?);
        l.balances.insert(key, r.decimal()?);
    }
    l.years = (0..count(r)?)
        .map(|_| r.year())
        .collect::<Result<BTreeSet<_>, _>>()?;
    l.entities = (0..count(r)?)
        .map(|_| r.u32().map(LegalEntityId))
        .collect::<Result<BTreeSet<_>, _>>()?;
    l.last_entity = match r.u8()? {
        0 => None,
        1 => Some(r.u32()?.into()),
        b => return Err(r.error(format!("unknown option tag {b}"))),
    };
    l.last_year = match r.u8()? {
        0 => None,
        1 => Some(r.year()?),
        b => return Err(r.error(format!("unknown option tag {b}"))),
    };
    let v = &mut state.valuations;
    for _ in 0..count(r)? {
        let key = (r.u32()?.into(), r.u32()?.into());
        v.adjustments.insert(key, r.decimal()?);
    }
    for _ in 0..count(r)? {
        let key = (r.u32()?.into(), r.currency()?);
        v.fx.insert(key, (r.decimal()?, r.decimal()?));
    }
    for _ in 0..count(r)? {
        let entity: LegalEntityId = r.u32()?.into();
        v.last_end_of_day.insert(entity, r.date()?);
    }
    Ok(())
}

// --- market data ----------------------------------------------------------------------

fn market_data(state: &State, w: &mut Writer<'_>) {
    let m = &state.market_data;
    let mut prices: Vec<_> = m.prices.iter().collect();
    prices.sort_unstable_by_key(|(k, _)| **k);
    w.u64(prices.len() as u64);
    for (instrument, by_date) in prices {
        w.u32(*instrument);
        w.u64(by_date.len() as u64);
        for (date, p) in by_date {
            w.date(*date);
            w.decimal(p.price);
            w.str(&p.source);
        }
    }
    let mut rates: Vec<_> = m.rates.iter().collect();
    rates.sort_unstable_by_key(|(k, _)| **k);
    w.u64(rates.len() as u64);
    for ((base, quote), by_date) in rates {
        w.str(base.code());
        w.str(quote.code());
        w.u64(by_date.len() as u64);
        for (date, rate) in by_date {
            w.date(*date);
            w.decimal(*rate);
        }
    }
}

fn read_market_data(state: &mut State, r: &mut Reader<'_>) -> Result<(), DecodeError> {
    let m = &mut state.market_data;
    let mut sources: Vec<Arc<str>> = Vec::new();
    for _ in 0..count(r)? {
        let instrument: InstrumentId = r.u32()?.into();
        let mut by_date = BTreeMap::new();
        for _ in 0..count(r)? {
            let date = r.date()?;
            let price = r.decimal()?;
            let text = r.string()?;
            // Sources repeat (one per venue): share them as recording does.
            let source = match sources.iter().find(|s| ***s == *text) {
                Some(s) => s.clone(),
                None => {
                    let s: Arc<str> = text.into();
                    sources.push(s.clone());
                    s
                }
            };
            by_date.insert(date, RecordedPrice { price, source });
        }
        m.prices.insert(instrument, by_date);
    }
    for _ in 0..count(r)? {
        let key = (r.currency()?, r.currency()?);
        let mut by_date = BTreeMap::new();
        for _ in 0..count(r)? {
            let date = r.date()?;
            by_date.insert(date, r.decimal()?);
        }
        m.rates.insert(key, by_date);
    }
    Ok(())
}

// --- cash movements -------------------------------------------------------------------

fn cash(state: &State, w: &mut Writer<'_>) {
    let c = &state.cash;
    w.u64(c.movements.len() as u64);
    for m in &c.movements {
        event(w, &Event::CashMovementRecorded(m.clone()));
    }
    let mut balances: Vec<_> = c.balances.iter().collect();
    balances.sort_unstable_by_key(|(k, _)| **k);
    w.u64(balances.len() as u64);
    for ((account, currency), b) in balances {
        w.u32(*account);
        w.str(currency.code());
        w.decimal(b.posted);
        w.decimal(b.held);
        w.decimal(b.overdraft_limit);
    }
}

fn read_cash(state: &mut State, r: &mut Reader<'_>) -> Result<(), DecodeError> {
    let c = &mut state.cash;
    for _ in 0..count(r)? {
        let at = r.offset;
        let movement: CashMovement = match read_event(r)? {
            Event::CashMovementRecorded(m) => m,
            other => {
                return Err(DecodeError {
                    what: format!("a {} among the cash movements", other.kind()),
                    offset: at,
                });
            }
        };
        c.by_reference
            .insert(movement.reference.clone(), movement.id);
        c.movements.push(movement);
    }
    for _ in 0..count(r)? {
        let key = (r.u32()?.into(), r.currency()?);
        let balance = CashBalance {
            posted: r.decimal()?,
            held: r.decimal()?,
            overdraft_limit: r.decimal()?,
        };
        c.balances.insert(key, balance);
    }
    Ok(())
}

// --- periods and manual entries -------------------------------------------------------

fn accounting(state: &State, w: &mut Writer<'_>) {
    let p = &state.periods;
    let mut closed: Vec<_> = p.closed_through.iter().collect();
    closed.sort_unstable();
    w.u64(closed.len() as u64);
    for (entity, date) in closed {
        w.u32(*entity);
        w.date(*date);
    }
    w.u64(p.closings.len() as u64);
    for ((entity, year), lines) in &p.closings {
        w.u32(*entity);
        w.year(*year);
        w.lines(lines);
    }
    let m = &state.manual_entries;
    w.u64(m.entries.len() as u64);
    for e in &m.entries {
        event(w, &Event::JournalEntryProposed(e.clone()));
    }
}

fn read_accounting(state: &mut State, r: &mut Reader<'_>) -> Result<(), DecodeError> {
    let p = &mut state.periods;
    for _ in 0..count(r)? {
        let entity: LegalEntityId = r.u32()?.into();
        p.closed_through.insert(entity, r.date()?);
    }
    for _ in 0..count(r)? {
        let key = (r.u32()?.into(), r.year()?);
        p.closings.insert(key, r.lines()?);
    }
    let m = &mut state.manual_entries;
    for _ in 0..count(r)? {
        let at = r.offset;
        let entry: ManualEntry = match read_event(r)? {
            Event::JournalEntryProposed(e) => e,
            other => {
                return Err(DecodeError {
                    what: format!("a {} among the manual entries", other.kind()),
                    offset: at,
                });
            }
        };
        m.by_reference.insert(entry.reference.clone(), entry.id);
        m.entries.push(entry);
    }
    Ok(())
}

// --- messages -------------------------------------------------------------------------

fn messages(state: &State, w: &mut Writer<'_>) {
    let mut seen: Vec<_> = state.messages.seen.iter().collect();
    seen.sort_unstable_by(|a, b| a.0.cmp(b.0));
    w.u64(seen.len() as u64);
    for (id, m) in seen {
        w.str(id);
        w.fixed64(m.digest);
        w.u64(m.trade_id.map_or(0, |t| t.0));
    }
}

fn read_messages(state: &mut State, r: &mut Reader<'_>) -> Result<(), DecodeError> {
    let n = count(r)?;
    state.messages.seen.reserve(n);
    for _ in 0..n {
        let id: Arc<str> = Arc::from(r.text()?);
        let seen = SeenMessage {
            digest: r.fixed64()?,
            trade_id: Some(r.u64()?).filter(|t| *t != 0).map(TradeId),
        };
        state.messages.seen.insert(id, seen);
    }
    Ok(())
}
