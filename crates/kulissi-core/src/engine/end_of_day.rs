//! A legal entity's end of day: deciding the interest accrued on its house bond positions,
//! which of its house positions' valuation adjustments move to market value minus cost at
//! the day's prices (a client's positions are not marked into the firm's P&L), which
//! foreign-currency monetary balances are revalued at the closing rates, and which
//! foreign-currency trading securities are retranslated (IAS 21: their FX change goes with
//! their fair-value change); and applying it (`State::apply_end_of_day`). Missing or stale
//! prices and rates refuse the run, naming what lacks one: a stale price is an exception
//! for a person, never carried over silently.

use jiff::civil::Date;
use rust_decimal::Decimal;

use super::{Command, CommandEnvelope, Event, Rejection, State, text};
use crate::identifiers::{Currency, Lei};
use crate::ledger::{
    FAIR_VALUE_ACCOUNTS, FxRevaluation, MONETARY_ACCOUNTS, PositionMark, revaluation_gain,
    target_adjustment,
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

    // Positions of the entity's house accounts, and any still carrying an adjustment, in
    // key order. A client's positions are not the firm's and are not marked into its P&L.
    let ours = |account: crate::ids::AccountId| {
        refdata.accounts.get(account).is_some_and(|a| {
            a.legal_entity == entity_id && a.owner == crate::refdata::AccountOwner::House
        })
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

    // Balances after today's marks: the fair-valued securities' include the new adjustments.
    let marked: std::collections::HashMap<Currency, Decimal> = {
        let mut m = std::collections::HashMap::new();
        for mark in &marks {
            let change =
                mark.adjustment - state.valuations.adjustment((mark.account, mark.instrument));
            *m.entry(mark.currency).or_insert(Decimal::ZERO) += change;
        }
        m
    };
    // Interest accrued today is in the monetary balances at the close.
    let accruals = super::asset_servicing::accruals(state, entity_id, date)?;
    let revaluations = closing_rate(
        state,
        entity_id,
        reporting,
        date,
        &MONETARY_ACCOUNTS,
        |c| state.valuations.last_revaluation(entity_id, c),
        state.valuations.revalued_currencies(entity_id),
        |c| {
            accruals
                .iter()
                .filter(|(currency, _)| *currency == c)
                .map(|(_, change)| *change)
                .sum()
        },
        &mut missing,
    );
    let translations = closing_rate(
        state,
        entity_id,
        reporting,
        date,
        &FAIR_VALUE_ACCOUNTS,
        |c| state.valuations.last_translation(entity_id, c),
        state.valuations.translated_currencies(entity_id),
        |c| marked.get(&c).copied().unwrap_or_default(),
        &mut missing,
    );
    if !missing.is_empty() {
        missing.sort_unstable();
        missing.dedup();
        return Err(stale(date, "FX rate", missing));
    }
    if last == Some(date)
        && marks.is_empty()
        && revaluations.is_empty()
        && translations.is_empty()
        && accruals.is_empty()
    {
        return Ok(Vec::new());
    }
    Ok(vec![Event::EndOfDayRun {
        legal_entity: entity_id,
        date,
        reporting_currency: reporting,
        marks,
        revaluations,
        translations,
        accruals,
    }])
}

/// The closing-rate retranslation of a legal entity's foreign-currency balances of
/// `accounts` (plus `pending(c)`, what today's run adds before it posts): for each foreign
/// currency with a balance now or at the last run, the gain on the balance carried since
/// then (`last(c)`: its rate and balance) at today's rate. A missing or stale rate is named
/// in `missing`.
#[allow(clippy::too_many_arguments)]
fn closing_rate(
    state: &State,
    entity: crate::ids::LegalEntityId,
    reporting: Currency,
    date: Date,
    accounts: &[u16],
    last: impl Fn(Currency) -> Option<(Decimal, Decimal)>,
    seen: impl Iterator<Item = Currency>,
    pending: impl Fn(Currency) -> Decimal,
    missing: &mut Vec<String>,
) -> Vec<FxRevaluation> {
    let mut currencies: Vec<Currency> = state
        .ledger
        .entity_currencies(entity, accounts)
        .into_iter()
        .chain(seen)
        .filter(|c| *c != reporting)
        .collect();
    currencies.sort_unstable_by_key(|c| c.code());
    currencies.dedup();
    let mut out = Vec::new();
    for currency in currencies {
        let balance: Decimal = accounts
            .iter()
            .map(|a| state.ledger.entity_balance(entity, *a, currency))
            .sum::<Decimal>()
            + pending(currency);
        let previous = last(currency);
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
            out.push(FxRevaluation {
                currency,
                rate,
                balance,
                gain,
            });
        }
    }
    out
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

impl State {
    /// Applies an end of day: the interest accrual, the marks, the FX revaluation (or the
    /// day's closing marker) and the translation of securities, in one legal entity's books.
    pub(super) fn apply_end_of_day<J: crate::ledger::Journal>(
        &mut self,
        event: &Event,
        journal: &mut J,
    ) -> Result<(), super::ApplyError> {
        use crate::ledger::{self, EntryHeader, EntryKind, Sink};
        let kind = event.kind();
        let Event::EndOfDayRun {
            legal_entity,
            date,
            reporting_currency,
            marks,
            revaluations,
            translations,
            accruals,
        } = event
        else {
            return Err(super::ApplyError::Unknown {
                event: kind,
                what: "end of day",
                id: 0,
            });
        };
        self.legal_entity(kind, *legal_entity)?;
        let changes: Vec<(Currency, Decimal)> = marks
            .iter()
            .map(|m| {
                let key = (m.account, m.instrument);
                (m.currency, self.valuations.mark(key, m.adjustment))
            })
            .collect();
        let posting_date = self.periods.posting_date(*legal_entity, *date);
        let header = |kind| EntryHeader {
            kind,
            effective_date: *date,
            posting_date,
            trade_id: None,
            legal_entity: *legal_entity,
        };
        self.ledger
            .apply(&header(EntryKind::InterestAccrual), journal, |sink| {
                for (currency, change) in accruals {
                    sink.post(ledger::codes::ACCRUED_INTEREST, *currency, *change);
                    sink.post(ledger::codes::INTEREST_INCOME, *currency, -*change);
                }
            });
        self.ledger
            .apply(&header(EntryKind::MarkToMarket), journal, |sink| {
                for (currency, change) in &changes {
                    sink.post(ledger::codes::VALUATION_ADJUSTMENT, *currency, *change);
                    sink.post(ledger::codes::UNREALISED_PNL, *currency, -*change);
                }
            });
        if J::ENABLED && revaluations.iter().all(|r| r.gain.is_zero()) {
            // The day's closing marker, when nothing was revalued: translation
            // (`ledger::translate`) needs to know where each end of day fell.
            journal.entry(&header(EntryKind::FxRevaluation), &[]);
        }
        self.ledger
            .apply(&header(EntryKind::FxRevaluation), journal, |sink| {
                for r in revaluations {
                    sink.post(
                        ledger::codes::FX_REVALUATION_ADJUSTMENT,
                        *reporting_currency,
                        r.gain,
                    );
                    sink.post(ledger::codes::FX_REVALUATION, *reporting_currency, -r.gain);
                }
            });
        self.ledger
            .apply(&header(EntryKind::FxTranslation), journal, |sink| {
                for r in translations {
                    sink.post(
                        ledger::codes::SECURITIES_TRANSLATION,
                        *reporting_currency,
                        r.gain,
                    );
                    sink.post(ledger::codes::UNREALISED_PNL, *reporting_currency, -r.gain);
                }
            });
        for r in revaluations {
            self.valuations.revalued(*legal_entity, r);
        }
        for r in translations {
            self.valuations.translated(*legal_entity, r);
        }
        self.valuations.last_end_of_day.insert(*legal_entity, *date);
        Ok(())
    }
}
