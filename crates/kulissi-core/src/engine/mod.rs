//! The engine: `decide(&State, &CommandEnvelope) -> Result<Vec<Event>, Rejection>` and
//! `apply(&mut State, &Event)`.
//!
//! Both are pure. `decide` validates a command against the current state and returns the
//! events it causes, or a rejection that changes nothing; `apply` folds an event into the
//! state and cannot fail. Ids (trade ids, reference-data ids) come from the state's own
//! counters, so replaying the same log gives the same state, bit for bit.
//!
//! An empty list of events is an acknowledgement that changes nothing: a resubmitted booking
//! with the same content, an amendment identical to the current version, a repeated cancel.
//! That is what lets every door deliver at least once while Kulissi books exactly once.

mod accounting;
mod cash;
pub mod codec;
mod command;
mod end_of_day;
mod event;
pub mod messages;
mod rejection;
mod state;

pub use command::{Actor, Command, CommandEnvelope};
pub use event::{EVENT_SCHEMA_VERSION, Event};
pub use messages::{MessageId, Messages};
pub use rejection::Rejection;
pub use state::{Confirmation, State, Trades};

use crate::refdata::{Account, Book, InstrumentKind, SsiKey, StandingSettlementInstruction};
use crate::trade::{TradeInput, TradeStatus, TradeTerms, enrich};

/// Longest external id, source, code or free text accepted (put a limit on everything).
pub const MAX_TEXT_LEN: usize = 128;

fn text(field: &'static str, value: &str) -> Result<(), Rejection> {
    if value.trim().is_empty() {
        return Err(Rejection::Empty { field });
    }
    if value.len() > MAX_TEXT_LEN {
        return Err(Rejection::TooLong {
            field,
            max: MAX_TEXT_LEN,
            found: value.len(),
        });
    }
    Ok(())
}

/// Decides what a command causes. Never mutates; a rejection leaves no trace.
///
/// A command under a message id that was taken before is a duplicate (no events) if its
/// content is the same, and refused if not; a new one that changes anything is remembered
/// by a [`Event::MessageAccepted`] after its events (see [`messages`]).
pub fn decide(state: &State, envelope: &CommandEnvelope) -> Result<Vec<Event>, Rejection> {
    let Some(message_id) = &envelope.message_id else {
        return decide_command(state, envelope);
    };
    text("message id", message_id.as_str())?;
    let digest = messages::command_digest(&envelope.command);
    if let Some(seen) = state.messages.get(message_id.as_str()) {
        if seen.digest == digest {
            return Ok(Vec::new());
        }
        return Err(Rejection::MessageIdReused {
            message_id: message_id.to_string(),
            trade_id: seen.trade_id,
            differences: Vec::new(),
        });
    }
    let mut events = decide_command(state, envelope)?;
    // A booking's source, external id and input fingerprint already make it exactly once,
    // and a derived key adds nothing to them: spare the bulk import an event per trade.
    let redundant = message_id.is_derived() && matches!(envelope.command, Command::BookTrade(_));
    if !events.is_empty() && !redundant {
        let trade_id = events.iter().find_map(Event::trade_id);
        events.push(Event::MessageAccepted {
            message_id: message_id.shared(),
            digest,
            trade_id,
        });
    }
    Ok(events)
}

fn decide_command(state: &State, envelope: &CommandEnvelope) -> Result<Vec<Event>, Rejection> {
    let refdata = &state.refdata;
    Ok(match &envelope.command {
        Command::DefineLegalEntity(entity) => {
            text("legal entity name", &entity.name)?;
            let id = refdata
                .legal_entities
                .id(&entity.lei)
                .unwrap_or(refdata.legal_entities.next_id());
            if refdata.legal_entities.get(id) == Some(entity) {
                return Ok(Vec::new());
            }
            vec![Event::LegalEntityDefined {
                id,
                entity: entity.clone(),
            }]
        }
        Command::DefineCounterparty(counterparty) => {
            text("counterparty name", &counterparty.name)?;
            let id = refdata
                .counterparties
                .id(&counterparty.lei)
                .unwrap_or(refdata.counterparties.next_id());
            if refdata.counterparties.get(id) == Some(counterparty) {
                return Ok(Vec::new());
            }
            vec![Event::CounterpartyDefined {
                id,
                counterparty: counterparty.clone(),
            }]
        }
        Command::DefineInstrument(instrument) => {
            text("instrument name", &instrument.name)?;
            if instrument.multiplier <= rust_decimal::Decimal::ZERO {
                return Err(Rejection::Invalid(format!(
                    "{}: multiplier must be positive, found {}",
                    instrument.isin, instrument.multiplier
                )));
            }
            if let InstrumentKind::Bond(terms) = &instrument.kind
                && (terms.issue_date >= terms.maturity_date
                    || !matches!(terms.frequency, 1 | 2 | 4 | 12))
            {
                return Err(Rejection::Invalid(format!(
                    "{}: a bond needs issue date before maturity and 1, 2, 4 or 12 coupons a year",
                    instrument.isin
                )));
            }
            let id = refdata
                .instruments
                .id(&instrument.isin)
                .unwrap_or(refdata.instruments.next_id());
            let existing = refdata.instruments.get(id);
            if existing == Some(instrument) {
                return Ok(Vec::new());
            }
            if let Some(old) = existing {
                let mut fields = Vec::new();
                if old.currency != instrument.currency {
                    fields.push("currency");
                }
                if old.multiplier != instrument.multiplier {
                    fields.push("multiplier");
                }
                if old.kind != instrument.kind {
                    fields.push("kind and coupon terms");
                }
                if old.market != instrument.market {
                    fields.push("market");
                }
                let positions = open_positions(state, |key| key.1 == id);
                if !fields.is_empty() && positions > 0 {
                    return Err(Rejection::ChangeUnderOpenPositions {
                        what: "instrument",
                        code: instrument.isin.to_string(),
                        fields,
                        positions,
                    });
                }
            }
            vec![Event::InstrumentDefined {
                id,
                instrument: instrument.clone(),
            }]
        }
        Command::DefineBook {
            code,
            legal_entity,
            desk,
            trader,
            cost_method,
        } => {
            text("book code", code)?;
            text("desk", desk)?;
            text("trader", trader)?;
            let legal_entity = refdata
                .legal_entities
                .id(legal_entity)
                .ok_or(Rejection::UnknownLegalEntity(*legal_entity))?;
            let book = Book {
                code: code.clone(),
                legal_entity,
                desk: desk.clone(),
                trader: trader.clone(),
                cost_method: *cost_method,
            };
            let id = refdata.books.id(code).unwrap_or(refdata.books.next_id());
            if refdata.books.get(id) == Some(&book) {
                return Ok(Vec::new());
            }
            vec![Event::BookDefined { id, book }]
        }
        Command::DefineAccount {
            code,
            legal_entity,
            owner,
            custodian,
            safekeeping_account,
            cash_account,
        } => {
            text("account code", code)?;
            text("safekeeping account", safekeeping_account)?;
            text("cash account", cash_account)?;
            let legal_entity = refdata
                .legal_entities
                .id(legal_entity)
                .ok_or(Rejection::UnknownLegalEntity(*legal_entity))?;
            if refdata.counterparties.id(custodian).is_none() {
                return Err(Rejection::UnknownCounterparty(*custodian));
            }
            let account = Account {
                code: code.clone(),
                legal_entity,
                owner: *owner,
                custodian: *custodian,
                safekeeping_account: safekeeping_account.clone(),
                cash_account: cash_account.clone(),
            };
            let id = refdata
                .accounts
                .id(code)
                .unwrap_or(refdata.accounts.next_id());
            let existing = refdata.accounts.get(id);
            if existing == Some(&account) {
                return Ok(Vec::new());
            }
            if let Some(old) = existing {
                let mut fields = Vec::new();
                if old.owner != account.owner {
                    fields.push("owner");
                }
                if old.legal_entity != account.legal_entity {
                    fields.push("legal entity");
                }
                let positions = open_positions(state, |key| key.0 == id);
                if !fields.is_empty() && positions > 0 {
                    return Err(Rejection::ChangeUnderOpenPositions {
                        what: "account",
                        code: code.clone(),
                        fields,
                        positions,
                    });
                }
            }
            vec![Event::AccountDefined { id, account }]
        }
        Command::DefineSsi {
            counterparty,
            market,
            currency,
            instrument_type,
            place_of_settlement,
            agent,
            safekeeping_account,
            cash_account,
        } => {
            text("safekeeping account", safekeeping_account)?;
            text("cash account", cash_account)?;
            let counterparty = match counterparty {
                None => None,
                Some(lei) => Some(
                    refdata
                        .counterparties
                        .id(lei)
                        .ok_or(Rejection::UnknownCounterparty(*lei))?,
                ),
            };
            let key = SsiKey {
                counterparty,
                market: *market,
                currency: *currency,
                instrument_type: *instrument_type,
            };
            let ssi = StandingSettlementInstruction {
                key,
                place_of_settlement: *place_of_settlement,
                agent: *agent,
                safekeeping_account: safekeeping_account.clone(),
                cash_account: cash_account.clone(),
            };
            let id = refdata.ssis.id(&key).unwrap_or(refdata.ssis.next_id());
            if refdata.ssis.get(id) == Some(&ssi) {
                return Ok(Vec::new());
            }
            vec![Event::SsiDefined { id, ssi }]
        }
        Command::DefineFeeSchedule(schedule) => {
            let key = (
                schedule.market,
                schedule.instrument_type,
                schedule.valid_from,
            );
            let id = refdata
                .fee_schedules
                .id(&key)
                .unwrap_or(refdata.fee_schedules.next_id());
            if refdata.fee_schedules.get(id) == Some(schedule) {
                return Ok(Vec::new());
            }
            vec![Event::FeeScheduleDefined {
                id,
                schedule: schedule.clone(),
            }]
        }
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
            vec![Event::TradeAmended {
                trade_id: existing.trade_id,
                version: existing.version + 1,
                terms,
                economics,
            }]
        }
        Command::RecordPrice {
            instrument,
            date,
            price,
            source,
        } => {
            text("price source", source)?;
            let id = refdata
                .instruments
                .id(instrument)
                .ok_or(Rejection::UnknownInstrument(*instrument))?;
            let price = price.value();
            if price <= rust_decimal::Decimal::ZERO {
                return Err(Rejection::NonPositivePrice(price));
            }
            if state
                .market_data
                .price_recorded(id, *date)
                .is_some_and(|p| p.price == price && *p.source == **source)
            {
                return Ok(Vec::new());
            }
            vec![Event::PriceRecorded {
                instrument: id,
                date: *date,
                price,
                source: source.as_str().into(),
            }]
        }
        Command::RecordFxRate {
            base,
            quote,
            date,
            rate,
        } => {
            if base == quote {
                return Err(Rejection::Invalid(format!(
                    "an FX rate needs two currencies, found {base}/{quote}"
                )));
            }
            if *rate <= rust_decimal::Decimal::ZERO {
                return Err(Rejection::Invalid(format!(
                    "FX rate {base}/{quote} must be positive, found {rate}"
                )));
            }
            if state.market_data.rate_recorded(*base, *quote, *date) == Some(*rate) {
                return Ok(Vec::new());
            }
            vec![Event::FxRateRecorded {
                base: *base,
                quote: *quote,
                date: *date,
                rate: *rate,
            }]
        }
        Command::RunEndOfDay { legal_entity, date } => {
            end_of_day::decide(state, legal_entity, *date)?
        }
        Command::RecordCashMovement {
            reference,
            movement,
            account,
            to_account,
            currency,
            amount,
            value_date,
            pending_until,
        } => cash::record(
            state,
            envelope.business_date,
            cash::Request {
                reference,
                movement: *movement,
                account,
                to_account: to_account.as_deref(),
                currency: *currency,
                amount: *amount,
                value_date: *value_date,
                pending_until: *pending_until,
            },
        )?,
        Command::PostCashMovement { reference } => {
            cash::post(state, envelope.business_date, reference)?
        }
        Command::VoidCashMovement { reference, reason } => cash::void(state, reference, reason)?,
        Command::ExpireCashMovements { date } => cash::expire(state, *date),
        Command::SetOverdraftLimit {
            account,
            currency,
            limit,
        } => cash::overdraft_limit(state, account, *currency, *limit)?,
        Command::ClosePeriod {
            legal_entity,
            through,
        } => accounting::close_period(state, legal_entity, *through)?,
        Command::ReopenPeriod {
            legal_entity,
            from,
            reason,
        } => accounting::reopen_period(state, legal_entity, *from, reason)?,
        Command::CloseYear { legal_entity, year } => {
            accounting::close_year(state, legal_entity, *year)?
        }
        Command::DefineLedgerAccount {
            legal_entity,
            account,
        } => accounting::define_account(state, legal_entity, account)?,
        Command::ProposeJournalEntry {
            reference,
            legal_entity,
            effective_date,
            description,
            lines,
        } => accounting::propose(
            state,
            &envelope.actor,
            accounting::Proposal {
                reference,
                legal_entity,
                effective_date: *effective_date,
                description,
                lines,
            },
        )?,
        Command::ApproveJournalEntry { reference } => {
            accounting::decide_proposal(state, &envelope.actor, reference, None)?
        }
        Command::RejectJournalEntry { reference, reason } => {
            accounting::decide_proposal(state, &envelope.actor, reference, Some(reason))?
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
            vec![Event::TradeCancelled {
                trade_id: record.trade_id,
                version: record.version + 1,
                reason: reason.as_str().into(),
            }]
        }
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
            vec![Event::SettlementConfirmed {
                trade_id: record.trade_id,
                version: record.version,
                quantity: q,
                settlement_date: *settlement_date,
                reference: reference.as_str().into(),
            }]
        }
    })
}

/// A trade whose settlement has begun cannot change: its terms are what the custodian moved.
fn unsettled(record: &crate::trade::TradeRecord) -> Result<(), Rejection> {
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

fn live_trade<'s>(
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
    replacing: Option<u64>,
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
            Err(Rejection::Invalid(format!(
                "book '{}' keeps cost at {}, but the position it would join is kept at {} by \
                 other books' trades",
                book.code,
                book.cost_method.code(),
                p.method().code()
            )))
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
    let market = crate::settlement::Market::ALL
        .into_iter()
        .find(|m| m.mic() == venue)
        .unwrap_or(market);
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

/// The number of open positions (non-zero trade-date quantity) that satisfy `on`.
fn open_positions(state: &State, on: impl Fn(&crate::position::PositionKey) -> bool) -> usize {
    state
        .holdings
        .positions
        .iter()
        .filter(|(key, p)| on(key) && !p.quantity.is_zero())
        .count()
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

/// Applies an event to the state. Infallible: events were decided against this state.
pub fn apply(state: &mut State, event: &Event) {
    state.apply(event, &mut crate::ledger::NoJournal);
}

/// Applies an event and hands the journal entries it derives to `journal`: how the general
/// ledger's journal is read back from the log (replay with a journal), never stored twice.
pub fn apply_with_journal<J: crate::ledger::Journal>(
    state: &mut State,
    event: &Event,
    journal: &mut J,
) {
    state.apply(event, journal);
}

#[cfg(test)]
mod tests;
