//! The per-trade sections of a snapshot: trades (with their index by source and external
//! id, and the table of shared names) and positions (with their cost-ordered trades and lots).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::engine::State;
use crate::engine::codec::DecodeError;
use crate::engine::codec::wire::{Reader, Writer};
use crate::engine::trade_book::{Confirmation, StoredTrade};
use crate::ids::TradeId;
use crate::money::{Price, Quantity};
use crate::position::{Position, PositionTrade};
use crate::refdata::CostMethod;
use crate::trade::{TradeRecord, TradeStatus, TradeTerms};

use super::{count, u32_opt};

// --- trades ---------------------------------------------------------------------------

pub(super) fn trades(state: &State, w: &mut Writer<'_>) {
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

pub(super) fn read_trades(state: &mut State, r: &mut Reader<'_>) -> Result<(), DecodeError> {
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

pub(super) fn holdings(state: &State, w: &mut Writer<'_>) {
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

pub(super) fn read_holdings(state: &mut State, r: &mut Reader<'_>) -> Result<(), DecodeError> {
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
