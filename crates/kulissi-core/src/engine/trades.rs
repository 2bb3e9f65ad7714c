//! Deciding trades: bookings (validated, resolved against reference data, enriched), amendments
//! as new versions, cancellations; and the input fingerprint that makes a resubmitted booking a
//! duplicate.

use super::{Command, CommandEnvelope, Event, Rejection, State, text};
use crate::trade::{TradeInput, TradeStatus, TradeTerms, enrich};

/// Decides the commands of this family; the dispatcher in `engine` routes them here.
pub(super) fn decide(state: &State, envelope: &CommandEnvelope) -> Result<Vec<Event>, Rejection> {
    let refdata = &state.refdata;
    Ok(match &envelope.command {
        Command::BookTrade(input) => {
            let digest = input_digest(input);
            if let Some(existing) = state
                .trades
                .by_external_id(&input.source, &input.external_id)
            {
                if existing.input_digest == digest {
                    return Ok(Vec::new());
                }
                return Err(Rejection::ConflictingResubmission {
                    system: input.source.clone(),
                    external_id: input.external_id.clone(),
                    trade_id: existing.record.trade_id,
                });
            }
            let terms = resolve(state, input)?;
            one_cost_method(state, &terms, None)?;
            let economics = enrich(refdata, &terms)?;
            vec![Event::TradeBooked {
                trade_id: state.trades.next_trade_id(),
                source: state.trades.shared_name(&input.source),
                external_id: input.external_id.as_str().into(),
                input_digest: digest,
                terms,
                economics,
            }]
        }
        Command::AmendTrade(input) => {
            let existing = live_trade(state, &input.source, &input.external_id)?;
            let terms = resolve(state, input)?;
            one_cost_method(state, &terms, Some(existing.trade_id))?;
            let economics = enrich(refdata, &terms)?;
            if existing.terms == terms && existing.economics == economics {
                return Ok(Vec::new());
            }
            unsettled(existing)?;
            let amended = crate::trade::TradeRecord {
                version: existing.version + 1,
                terms: terms.clone(),
                economics,
                ..existing.clone()
            };
            let mut events = vec![Event::TradeAmended {
                trade_id: existing.trade_id,
                version: existing.version + 1,
                terms,
                economics,
            }];
            events.extend(super::instructions::on_trade_change(
                state,
                existing.trade_id,
                Some(&amended),
                envelope.business_date,
            ));
            events
        }
        Command::CancelTrade {
            source,
            external_id,
            reason,
        } => {
            text("cancellation reason", reason)?;
            let found = state
                .trades
                .by_external_id(source, external_id)
                .ok_or_else(|| Rejection::UnknownTrade {
                    system: source.clone(),
                    external_id: external_id.clone(),
                })?;
            if found.record.status == TradeStatus::Cancelled {
                return Ok(Vec::new());
            }
            let record = &found.record;
            unsettled(record)?;
            let mut events = vec![Event::TradeCancelled {
                trade_id: record.trade_id,
                version: record.version + 1,
                reason: reason.as_str().into(),
            }];
            events.extend(super::instructions::on_trade_change(
                state,
                record.trade_id,
                None,
                envelope.business_date,
            ));
            events
        }
        _ => return Err(super::wrong_family()),
    })
}

/// A trade whose settlement has begun cannot change: its terms are what the custodian moved.
pub(super) fn unsettled(record: &crate::trade::TradeRecord) -> Result<(), Rejection> {
    if record.settled_quantity.is_zero() {
        Ok(())
    } else {
        Err(Rejection::TradeSettled {
            trade_id: record.trade_id,
            settled: record.settled_quantity,
            quantity: record.terms.quantity.value(),
        })
    }
}

pub(super) fn live_trade<'s>(
    state: &'s State,
    source: &str,
    external_id: &str,
) -> Result<&'s crate::trade::TradeRecord, Rejection> {
    let found = state
        .trades
        .by_external_id(source, external_id)
        .ok_or_else(|| Rejection::UnknownTrade {
            system: source.to_owned(),
            external_id: external_id.to_owned(),
        })?;
    if found.record.status == TradeStatus::Cancelled {
        return Err(Rejection::TradeCancelled {
            system: source.to_owned(),
            external_id: external_id.to_owned(),
            trade_id: found.record.trade_id,
        });
    }
    Ok(&found.record)
}

/// Resolves a trade input against reference data and fixes its settlement date.
/// A position is kept at one cost method: a trade from a book with another method may not
/// join a position that other live trades hold (it may once the position is flat of them).
fn one_cost_method(
    state: &State,
    terms: &TradeTerms,
    replacing: Option<crate::ids::TradeId>,
) -> Result<(), Rejection> {
    let Some(book) = state.refdata.books.get(terms.book) else {
        return Ok(());
    };
    // With every book at average cost no position can be at FIFO: spare the lookup.
    if book.cost_method == crate::refdata::CostMethod::AverageCost
        && state
            .refdata
            .books
            .iter()
            .all(|(_, b)| b.cost_method == crate::refdata::CostMethod::AverageCost)
    {
        return Ok(());
    }
    let key = (terms.account, terms.instrument);
    match state.holdings.positions.get(&key) {
        Some(p)
            if p.method() != book.cost_method && p.trade_ids().any(|id| Some(id) != replacing) =>
        {
            Err(Rejection::CostMethodConflict {
                book: book.code.clone(),
                book_method: book.cost_method,
                position_method: p.method(),
            })
        }
        _ => Ok(()),
    }
}

/// An exchange trade must be dated on a day its venue trades: the venue's calendar when
/// Kulissi knows the venue, the instrument's market's otherwise. Off-exchange trades (XOFF)
/// may be dated any day.
fn trading_day(market: crate::settlement::Market, input: &TradeInput) -> Result<(), Rejection> {
    let venue = input.venue.as_str();
    if venue == "XOFF" {
        return Ok(());
    }
    // Most trades are on their instrument's own market: spare them the search.
    let market = if venue == market.mic() {
        market
    } else {
        crate::settlement::Market::ALL
            .into_iter()
            .find(|m| m.mic() == venue)
            .unwrap_or(market)
    };
    let calendar = market.trading_calendar();
    if calendar.is_business_day(input.trade_date) {
        Ok(())
    } else {
        Err(Rejection::NotATradingDay {
            date: input.trade_date,
            venue: input.venue,
            calendar,
        })
    }
}

fn resolve(state: &State, input: &TradeInput) -> Result<TradeTerms, Rejection> {
    let refdata = &state.refdata;
    text("source", &input.source)?;
    text("external id", &input.external_id)?;
    text("trader", &input.trader)?;
    let legal_entity = refdata
        .legal_entities
        .id(&input.legal_entity)
        .ok_or(Rejection::UnknownLegalEntity(input.legal_entity))?;
    let book = refdata
        .books
        .id(&input.book)
        .ok_or_else(|| Rejection::UnknownBook(input.book.clone()))?;
    let account = refdata
        .accounts
        .id(&input.account)
        .ok_or_else(|| Rejection::UnknownAccount(input.account.clone()))?;
    for (what, code, owner) in [
        (
            "book",
            &input.book,
            refdata.books.get(book).map(|b| b.legal_entity),
        ),
        (
            "account",
            &input.account,
            refdata.accounts.get(account).map(|a| a.legal_entity),
        ),
    ] {
        if owner != Some(legal_entity) {
            return Err(Rejection::WrongLegalEntity {
                what,
                code: code.clone(),
                legal_entity: input.legal_entity,
            });
        }
    }
    let counterparty = refdata
        .counterparties
        .id(&input.counterparty)
        .ok_or(Rejection::UnknownCounterparty(input.counterparty))?;
    let instrument_id = refdata
        .instruments
        .id(&input.instrument)
        .ok_or(Rejection::UnknownInstrument(input.instrument))?;
    let instrument = refdata
        .instruments
        .get(instrument_id)
        .ok_or(Rejection::Internal {
            what: "instrument table",
        })?;
    if let crate::refdata::InstrumentKind::Bond(terms) = &instrument.kind
        && input.trade_date >= terms.maturity_date
    {
        return Err(Rejection::BondMatured {
            isin: input.instrument,
            maturity: terms.maturity_date,
            trade_date: input.trade_date,
        });
    }
    if instrument.currency != input.currency {
        return Err(Rejection::CurrencyMismatch {
            isin: input.instrument,
            instrument: instrument.currency,
            trade: input.currency,
        });
    }
    if input.quantity.value() <= rust_decimal::Decimal::ZERO {
        return Err(Rejection::NonPositiveQuantity(input.quantity.value()));
    }
    if input.price.value() <= rust_decimal::Decimal::ZERO {
        return Err(Rejection::NonPositivePrice(input.price.value()));
    }
    trading_day(instrument.market, input)?;
    let calendar = instrument.market.settlement_calendar();
    let settlement_date = match input.settlement_date {
        None => instrument
            .market
            .intended_settlement_date(input.trade_date)?,
        Some(date) => {
            if date < input.trade_date {
                return Err(Rejection::SettlementBeforeTrade {
                    trade_date: input.trade_date,
                    settlement_date: date,
                });
            }
            if !calendar.is_business_day(date) {
                return Err(Rejection::SettlementNotBusinessDay { date, calendar });
            }
            date
        }
    };
    Ok(TradeTerms {
        legal_entity,
        book,
        trader: state.trades.shared_name(&input.trader),
        counterparty,
        account,
        instrument: instrument_id,
        side: input.side,
        quantity: input.quantity,
        price: input.price,
        currency: input.currency,
        trade_date: input.trade_date,
        trade_time: input.trade_time,
        venue: input.venue,
        settlement_date,
    })
}

/// A stable 64-bit fingerprint of a trade input's content, independent of the platform and
/// of `std`'s randomly seeded hashers, so it is the same on every replay. Fields are written
/// length-prefixed into a buffer that is hashed eight bytes at a time (multiply-rotate, then
/// a final avalanche); decimals enter normalised (`1.50` and `1.5` are the same quantity).
pub fn input_digest(input: &TradeInput) -> u64 {
    // A stack buffer: inputs are bounded (text fields ≤ 128 bytes), and anything longer
    // spills into the vector.
    let mut stack = [0u8; 512];
    let mut used = 0usize;
    let mut spill: Vec<u8> = Vec::new();
    let mut field = |bytes: &[u8]| {
        for part in [&(bytes.len() as u32).to_le_bytes()[..], bytes] {
            if spill.is_empty() && used + part.len() <= stack.len() {
                stack[used..used + part.len()].copy_from_slice(part);
                used += part.len();
            } else {
                if spill.is_empty() {
                    spill.extend_from_slice(&stack[..used]);
                }
                spill.extend_from_slice(part);
            }
        }
    };
    field(input.source.as_bytes());
    field(input.external_id.as_bytes());
    field(input.legal_entity.as_str().as_bytes());
    field(input.book.as_bytes());
    field(input.trader.as_bytes());
    field(input.counterparty.as_str().as_bytes());
    field(input.account.as_bytes());
    field(input.instrument.as_str().as_bytes());
    field(input.side.code().as_bytes());
    field(&input.quantity.value().normalize().serialize());
    field(&input.price.value().normalize().serialize());
    field(input.currency.code().as_bytes());
    let date = |d: jiff::civil::Date| {
        let mut b = [0u8; 4];
        b[..2].copy_from_slice(&d.year().to_le_bytes());
        b[2] = d.month() as u8;
        b[3] = d.day() as u8;
        b
    };
    field(&date(input.trade_date));
    field(&input.trade_time.as_nanosecond().to_le_bytes());
    field(input.venue.as_str().as_bytes());
    field(&input.settlement_date.map(date).unwrap_or_default());
    let buf: &[u8] = if spill.is_empty() {
        &stack[..used]
    } else {
        &spill
    };
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for chunk in buf.chunks(8) {
        let mut word = [0u8; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        h = (h.rotate_left(23) ^ u64::from_le_bytes(word)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    // Final avalanche (the murmur3 finaliser), so every input bit reaches every output bit.
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}
