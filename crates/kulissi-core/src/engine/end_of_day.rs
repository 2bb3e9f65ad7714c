//! Deciding a legal entity's end of day: which positions' valuation adjustments move to
//! market value minus cost at the day's prices, and which foreign-currency monetary
//! balances are revalued at the closing rates. Missing or stale prices and rates refuse the
//! run, naming what lacks one: a stale price is an exception for a person, never carried
//! over silently.

use jiff::civil::Date;
use rust_decimal::Decimal;

use super::{Command, CommandEnvelope, Event, Rejection, State, text};
use crate::identifiers::{Currency, Lei};
use crate::ledger::{
    FxRevaluation, MONETARY_ACCOUNTS, PositionMark, revaluation_gain, target_adjustment,
};
use crate::market_data::is_stale;

/// At most this many missing items are named in a rejection.
const MAX_NAMED: usize = 12;

fn stale(date: Date, what: &'static str, mut missing: Vec<String>) -> Rejection {
    let total = missing.len();
    missing.truncate(MAX_NAMED);
    if total > MAX_NAMED {
        missing.push(format!("and {} more", total - MAX_NAMED));
    }
    Rejection::StaleMarketData {
        date,
        what,
        missing,
    }
}

pub(super) fn run(state: &State, lei: &Lei, date: Date) -> Result<Vec<Event>, Rejection> {
    let refdata = &state.refdata;
    let entity_id = refdata
        .legal_entities
        .id(lei)
        .ok_or(Rejection::UnknownLegalEntity(*lei))?;
    let entity = refdata
        .legal_entities
        .get(entity_id)
        .ok_or(Rejection::UnknownLegalEntity(*lei))?;
    let last = state.valuations.last_end_of_day.get(&entity_id).copied();
    if let Some(last) = last
        && date < last
    {
        return Err(Rejection::EndOfDayOutOfOrder { date, last });
    }
    let reporting = entity.reporting_currency;

    // Positions of the entity's accounts, and any still carrying an adjustment, in key order.
    let ours = |account: crate::ids::AccountId| {
        refdata
            .accounts
            .get(account)
            .is_some_and(|a| a.legal_entity == entity_id)
    };
    let mut keys: Vec<_> = state
        .holdings
        .positions
        .keys()
        .copied()
        .chain(state.valuations.adjusted_positions().map(|(k, _)| k))
        .filter(|(account, _)| ours(*account))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let mut marks = Vec::new();
    let mut missing = Vec::new();
    for key in keys {
        let (account, instrument_id) = key;
        let Some(instrument) = refdata.instruments.get(instrument_id) else {
            return Err(Rejection::Internal {
                what: "a position's instrument is not defined",
            });
        };
        let (quantity, cost) = state
            .holdings
            .positions
            .get(&key)
            .map_or((Decimal::ZERO, Decimal::ZERO), |p| (p.quantity, p.cost));
        let current = state.valuations.adjustment(key);
        let (price, adjustment) = if quantity.is_zero() {
            (Decimal::ZERO, Decimal::ZERO)
        } else {
            match state.market_data.latest_price(instrument_id, date) {
                Some((observed, p)) if !is_stale(observed, date) => (
                    p.price,
                    target_adjustment(
                        instrument.currency,
                        quantity,
                        p.price,
                        instrument.multiplier,
                        cost,
                    ),
                ),
                _ => {
                    missing.push(instrument.isin.to_string());
                    continue;
                }
            }
        };
        if adjustment != current {
            marks.push(PositionMark {
                account,
                instrument: instrument_id,
                currency: instrument.currency,
                price,
                adjustment,
            });
        }
    }
    if !missing.is_empty() {
        return Err(stale(date, "price", missing));
    }

    // The entity's foreign currencies with a monetary balance now or at the last
    // revaluation.
    let mut currencies: Vec<Currency> = state
        .ledger
        .entity_currencies(entity_id, &MONETARY_ACCOUNTS)
        .into_iter()
        .chain(state.valuations.revalued_currencies(entity_id))
        .filter(|c| *c != reporting)
        .collect();
    currencies.sort_unstable_by_key(|c| c.code());
    currencies.dedup();
    let mut revaluations = Vec::new();
    for currency in currencies {
        let balance: Decimal = MONETARY_ACCOUNTS
            .iter()
            .map(|a| state.ledger.entity_balance(entity_id, *a, currency))
            .sum();
        let previous = state.valuations.last_revaluation(entity_id, currency);
        if balance.is_zero() && previous.is_none_or(|(_, b)| b.is_zero()) {
            continue;
        }
        let rate = match state.market_data.latest_rate(reporting, currency, date) {
            Some((observed, rate)) if !is_stale(observed, date) => rate,
            _ => {
                missing.push(format!("{reporting}/{currency}"));
                continue;
            }
        };
        let gain = previous.map_or(Decimal::ZERO, |(previous_rate, carried)| {
            revaluation_gain(reporting, carried, previous_rate, rate)
        });
        if previous != Some((rate, balance)) || !gain.is_zero() {
            revaluations.push(FxRevaluation {
                currency,
                rate,
                balance,
                gain,
            });
        }
    }
    if !missing.is_empty() {
        return Err(stale(date, "FX rate", missing));
    }
    if last == Some(date) && marks.is_empty() && revaluations.is_empty() {
        return Ok(Vec::new());
    }
    Ok(vec![Event::EndOfDayRun {
        legal_entity: entity_id,
        date,
        reporting_currency: reporting,
        marks,
        revaluations,
    }])
}

/// Decides the commands of this family (prices, FX rates, the end of day); the dispatcher in
/// `engine` routes them here.
pub(super) fn decide(state: &State, envelope: &CommandEnvelope) -> Result<Vec<Event>, Rejection> {
    let refdata = &state.refdata;
    Ok(match &envelope.command {
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
                return Err(Rejection::FxRateOneCurrency { currency: *base });
            }
            if *rate <= rust_decimal::Decimal::ZERO {
                return Err(Rejection::NonPositiveFxRate {
                    base: *base,
                    quote: *quote,
                    rate: *rate,
                });
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
        Command::RunEndOfDay { legal_entity, date } => run(state, legal_entity, *date)?,
        _ => return Err(super::wrong_family()),
    })
}
