//! CSDR settlement penalties (docs/domain.md §3.7) from the engine's state: the one rule
//! that says what a failing instruction owes on each business day (`penalties_between`),
//! what a legal entity's end of day accrues (`due`), and how a day's penalty is posted.

use jiff::civil::Date;
use rust_decimal::Decimal;

use super::State;
use crate::ledger::{Sink, codes};
use crate::refdata::AccountOwner;
use crate::settlement::lifecycle::{FailCause, FailKind, PenaltyAccrual, fail_cause};
use crate::settlement::penalties::{
    cash_penalty, class_of, penalised, reference_value, securities_penalty,
};

/// The penalties of `legal_entity`'s instructions for every business day after the last
/// accrual (or from each one's intended settlement date) through `through`.
pub(super) fn due(
    state: &State,
    legal_entity: crate::ids::LegalEntityId,
    through: Date,
) -> Vec<PenaltyAccrual> {
    let after = state
        .settlement
        .penalties_through
        .get(&legal_entity)
        .copied();
    let from = after.and_then(|a| a.tomorrow().ok()).unwrap_or(Date::MIN);
    state
        .settlement
        .iter()
        .filter(|i| i.terms.legal_entity == legal_entity)
        .flat_map(|i| penalties_between(state, i, from, through))
        .collect()
}

/// The CSDR penalties of `instruction` for each settlement-calendar business day in
/// `from..=through` (none before its intended settlement date) on which it fails
/// ([`Instruction::fails_on`]): the day's rate on the outstanding quantity at the day's
/// reference price (the latest recorded on or before it), for lack of securities the
/// class's rate, for lack of cash the central bank's; whose fail it is from the reasons of
/// its status that day ([`fail_cause`]). None for instruments outside the EU/EEA CSDs, nor
/// on days without a price. The one rule the end of day posts and the reports show.
pub fn penalties_between(
    state: &State,
    instruction: &crate::settlement::lifecycle::Instruction,
    from: Date,
    through: Date,
) -> Vec<PenaltyAccrual> {
    let book = &state.settlement;
    let t = &instruction.terms;
    let mut out = Vec::new();
    let Some(instrument) = state.refdata.instruments.get(t.instrument) else {
        return out;
    };
    if !penalised(instrument.market) {
        return out;
    }
    let calendar = instrument.market.settlement_calendar();
    let class = class_of(instrument.kind.instrument_type());
    let mut day = from.max(t.settlement_date);
    while day <= through {
        if calendar.is_business_day(day) && instruction.fails_on(day) {
            let reasons = instruction
                .status_on(day)
                .map_or(&[][..], |c| c.reasons.as_slice());
            let (cause, kind) = fail_cause(reasons, instruction.we_deliver());
            let left = t.quantity.abs() - instruction.settled_by(day);
            let price = state
                .market_data
                .latest_price(t.instrument, day)
                .map(|(_, p)| p.price);
            let amount = price.map_or(Decimal::ZERO, |price| {
                let value = reference_value(left, price, instrument.multiplier);
                match kind {
                    FailKind::Securities => book
                        .penalty_rates
                        .basis_points(class, day)
                        .map_or(Decimal::ZERO, |bp| {
                            securities_penalty(value, bp, t.currency)
                        }),
                    FailKind::Cash => book
                        .central_bank_rate(t.currency, day)
                        .map_or(Decimal::ZERO, |rate| cash_penalty(value, rate, t.currency)),
                }
            });
            if !amount.is_zero() {
                out.push(PenaltyAccrual {
                    reference: t.reference.clone(),
                    date: day,
                    amount,
                    currency: t.currency,
                    cause,
                    kind,
                });
            }
        }
        match day.tomorrow() {
            Ok(next) => day = next,
            Err(_) => break,
        }
    }
    out
}

/// A day's penalty in the ledger: ours Dr 5400 / Cr 2700 (a client's fail recharged to the
/// client: Dr 1320 / Cr 5400); theirs Dr 1700 / Cr 5400 (on a client's trade, passed on to
/// the client: Cr 2120 instead).
pub(super) fn post<S: Sink>(sink: &mut S, owner: AccountOwner, p: &PenaltyAccrual) {
    let (c, a) = (p.currency, p.amount);
    match (p.cause, owner) {
        (FailCause::Ours, AccountOwner::House) => {
            sink.post(codes::SETTLEMENT_PENALTIES, c, a);
            sink.post(codes::PENALTIES_PAYABLE, c, -a);
        }
        (FailCause::Ours, AccountOwner::Client) => {
            sink.post(codes::SETTLEMENT_PENALTIES, c, a);
            sink.post(codes::PENALTIES_PAYABLE, c, -a);
            sink.post(codes::RECEIVABLE_FROM_CLIENTS, c, a);
            sink.post(codes::SETTLEMENT_PENALTIES, c, -a);
        }
        (FailCause::Theirs, AccountOwner::House) => {
            sink.post(codes::PENALTIES_RECEIVABLE, c, a);
            sink.post(codes::SETTLEMENT_PENALTIES, c, -a);
        }
        (FailCause::Theirs, AccountOwner::Client) => {
            sink.post(codes::PENALTIES_RECEIVABLE, c, a);
            sink.post(codes::PAYABLE_TO_CLIENTS, c, -a);
        }
    }
}
