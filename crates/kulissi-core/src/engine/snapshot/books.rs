//! The firm's other books in a snapshot: reference data (as the definition events that make
//! it), the general ledger and valuations, market data, cash movements, periods and manual
//! entries, and the messages taken.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::cash::{CashBalance, CashMovement};
use crate::corporate_actions::{DividendProcessing, Entitlement};
use crate::engine::codec::DecodeError;
use crate::engine::codec::wire::{Reader, Writer};
use crate::engine::messages::SeenMessage;
use crate::engine::{Event, State};
use crate::ids::{InstrumentId, LegalEntityId, TradeId};
use crate::ledger::{ManualEntry, NoJournal};
use crate::market_data::RecordedPrice;

use super::{count, event, read_event, u32_opt};

// --- reference data -----------------------------------------------------------------

pub(super) fn reference_data(state: &State, w: &mut Writer<'_>) {
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
    for (counterparty, set) in rd.netting_sets.iter() {
        events.push(Event::NettingSetDefined { counterparty, set });
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

pub(super) fn read_reference_data(
    state: &mut State,
    r: &mut Reader<'_>,
) -> Result<(), DecodeError> {
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
                | Event::NettingSetDefined { .. }
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

// --- general ledger -------------------------------------------------------------------

pub(super) fn ledger(state: &State, w: &mut Writer<'_>) {
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
    for map in [&v.fx, &v.translations] {
        let mut fx: Vec<_> = map.iter().collect();
        fx.sort_unstable_by_key(|(k, _)| **k);
        w.u64(fx.len() as u64);
        for ((entity, currency), (a, b)) in fx {
            w.u32(*entity);
            w.str(currency.code());
            w.decimal(*a);
            w.decimal(*b);
        }
    }
    let mut last: Vec<_> = v.last_end_of_day.iter().collect();
    last.sort_unstable();
    w.u64(last.len() as u64);
    for (entity, date) in last {
        w.u32(*entity);
        w.date(*date);
    }
}

pub(super) fn read_ledger(state: &mut State, r: &mut Reader<'_>) -> Result<(), DecodeError> {
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
    for map in [&mut v.fx, &mut v.translations] {
        for _ in 0..count(r)? {
            let key = (r.u32()?.into(), r.currency()?);
            map.insert(key, (r.decimal()?, r.decimal()?));
        }
    }
    for _ in 0..count(r)? {
        let entity: LegalEntityId = r.u32()?.into();
        v.last_end_of_day.insert(entity, r.date()?);
    }
    Ok(())
}

// --- market data ----------------------------------------------------------------------

pub(super) fn market_data(state: &State, w: &mut Writer<'_>) {
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

pub(super) fn read_market_data(state: &mut State, r: &mut Reader<'_>) -> Result<(), DecodeError> {
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

pub(super) fn cash(state: &State, w: &mut Writer<'_>) {
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

pub(super) fn read_cash(state: &mut State, r: &mut Reader<'_>) -> Result<(), DecodeError> {
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

pub(super) fn accounting(state: &State, w: &mut Writer<'_>) {
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

pub(super) fn read_accounting(state: &mut State, r: &mut Reader<'_>) -> Result<(), DecodeError> {
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

pub(super) fn messages(state: &State, w: &mut Writer<'_>) {
    let mut seen: Vec<_> = state.messages.seen.iter().collect();
    seen.sort_unstable_by(|a, b| a.0.cmp(b.0));
    w.u64(seen.len() as u64);
    for (id, m) in seen {
        w.str(id);
        w.fixed64(m.digest);
        w.u64(m.trade_id.map_or(0, |t| t.0));
    }
}

pub(super) fn read_messages(state: &mut State, r: &mut Reader<'_>) -> Result<(), DecodeError> {
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

fn entitlements(w: &mut Writer<'_>, list: &[Entitlement]) {
    w.u64(list.len() as u64);
    for e in list {
        w.u32(e.account);
        w.decimal(e.entitled);
        w.decimal(e.of_record);
        w.decimal(e.amount);
    }
}

fn read_entitlements(r: &mut Reader<'_>) -> Result<Vec<Entitlement>, DecodeError> {
    (0..count(r)?)
        .map(|_| {
            Ok(Entitlement {
                account: r.u32()?.into(),
                entitled: r.decimal()?,
                of_record: r.decimal()?,
                amount: r.decimal()?,
            })
        })
        .collect()
}

/// Corporate actions (as the events that announced them) and the asset servicing each
/// legal entity has done.
pub(super) fn corporate_actions(state: &State, w: &mut Writer<'_>) {
    let ca = &state.corporate_actions;
    w.u64(ca.actions.len() as u64);
    for (id, action) in ca.actions.iter().enumerate() {
        event(
            w,
            &Event::CorporateActionAnnounced {
                id: id as u32,
                action: action.clone(),
            },
        );
    }
    w.u64(ca.dividends.len() as u64);
    for ((entity, action), d) in &ca.dividends {
        w.u32(*entity);
        w.u32(*action);
        w.u8(u8::from(d.ex_processed));
        entitlements(w, &d.receivables);
        match &d.payments {
            None => w.u8(0),
            Some(p) => {
                w.u8(1);
                entitlements(w, p);
            }
        }
    }
    w.u64(ca.splits.len() as u64);
    for (entity, action) in &ca.splits {
        w.u32(*entity);
        w.u32(*action);
    }
    w.u64(ca.coupons_paid.len() as u64);
    for ((entity, instrument), date) in &ca.coupons_paid {
        w.u32(*entity);
        w.u32(*instrument);
        w.date(*date);
    }
    w.u64(ca.redeemed.len() as u64);
    for (entity, instrument) in &ca.redeemed {
        w.u32(*entity);
        w.u32(*instrument);
    }
}

pub(super) fn read_corporate_actions(
    state: &mut State,
    r: &mut Reader<'_>,
) -> Result<(), DecodeError> {
    let ca = &mut state.corporate_actions;
    for _ in 0..count(r)? {
        match read_event(r)? {
            Event::CorporateActionAnnounced { action, .. } => ca.announce(action),
            other => {
                return Err(r.error(format!(
                    "expected a corporate action, found {}",
                    other.kind()
                )));
            }
        }
    }
    for _ in 0..count(r)? {
        let key = (r.u32()?.into(), r.u32()?);
        let ex_processed = match r.u8()? {
            0 => false,
            1 => true,
            b => return Err(r.error(format!("unknown flag {b}"))),
        };
        let receivables = read_entitlements(r)?;
        let payments = match r.u8()? {
            0 => None,
            1 => Some(read_entitlements(r)?),
            b => return Err(r.error(format!("unknown option tag {b}"))),
        };
        ca.dividends.insert(
            key,
            DividendProcessing {
                receivables,
                ex_processed,
                payments,
            },
        );
    }
    for _ in 0..count(r)? {
        ca.splits.insert((r.u32()?.into(), r.u32()?));
    }
    for _ in 0..count(r)? {
        let key = (r.u32()?.into(), r.u32()?.into());
        ca.coupons_paid.insert(key, r.date()?);
    }
    for _ in 0..count(r)? {
        ca.redeemed.insert((r.u32()?.into(), r.u32()?.into()));
    }
    Ok(())
}
