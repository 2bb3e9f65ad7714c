//! Deciding asset servicing (docs/domain.md §6, §7.2): announcing corporate actions, and a
//! legal entity's processing of what falls due by a date, the first step of its end of
//! day: splits on their ex-date, dividends on their ex-date (the house's receivables) and
//! pay date (cash to the house, client money to clients), bond coupons on their payment
//! dates and redemptions at maturity. What has been processed is never processed again, so
//! running the step twice for a date changes nothing.

use jiff::civil::Date;
use rust_decimal::Decimal;

use super::{Command, CommandEnvelope, Event, Rejection, State, text};
use crate::corporate_actions::{
    BondPayment, CorporateAction, CorporateActionKind, Entitlement, quantity_where,
};
use crate::identifiers::{Currency, Lei};
use crate::ids::{AccountId, InstrumentId, LegalEntityId};
use crate::money::RoundingMode;
use crate::position::{Position, PositionKey};
use crate::refdata::{AccountOwner, InstrumentKind};
use crate::trade::{TradeRecord, TradeStatus};

fn round(value: Decimal, currency: Currency) -> Decimal {
    let mut v = RoundingMode::HalfUp.round_to_currency(value, currency);
    v.rescale(u32::from(currency.minor_units().unwrap_or(2)));
    v
}

fn announce(
    state: &State,
    reference: &str,
    isin: &crate::identifiers::Isin,
    kind: CorporateActionKind,
    (ex_date, record_date, pay_date): (Date, Date, Date),
) -> Result<Vec<Event>, Rejection> {
    text("corporate action reference", reference)?;
    let instrument = state
        .refdata
        .instruments
        .id(isin)
        .ok_or(Rejection::UnknownInstrument(*isin))?;
    if !(ex_date <= record_date && record_date <= pay_date) {
        return Err(Rejection::CorporateActionDates {
            ex_date,
            record_date,
            pay_date,
        });
    }
    match kind {
        CorporateActionKind::CashDividend {
            amount_per_share, ..
        } if amount_per_share <= Decimal::ZERO => {
            return Err(Rejection::CorporateActionTerms {
                what: "a dividend's amount per share must be positive",
            });
        }
        CorporateActionKind::Split { new, old } if new <= Decimal::ZERO || old <= Decimal::ZERO => {
            return Err(Rejection::CorporateActionTerms {
                what: "a split's ratio must be positive on both sides",
            });
        }
        _ => {}
    }
    if matches!(
        state.refdata.instruments.get(instrument).map(|i| &i.kind),
        Some(InstrumentKind::Bond(_))
    ) {
        return Err(Rejection::CorporateActionTerms {
            what: "a bond's coupons and redemption come from its terms, not from announcements",
        });
    }
    let action = CorporateAction {
        reference: reference.into(),
        instrument,
        kind,
        ex_date,
        record_date,
        pay_date,
    };
    if let Some(id) = state.corporate_actions.id(reference) {
        if state.corporate_actions.get(id) == Some(&action) {
            return Ok(Vec::new());
        }
        return Err(Rejection::CorporateActionReferenceReused {
            reference: reference.to_owned(),
        });
    }
    Ok(vec![Event::CorporateActionAnnounced {
        id: state.corporate_actions.next_id(),
        action,
    }])
}

/// The positions of a legal entity's accounts in an instrument, in key order, with the
/// account's owner.
fn positions_in(
    state: &State,
    entity: LegalEntityId,
    instrument: InstrumentId,
) -> Vec<(PositionKey, AccountOwner, &Position)> {
    let mut out: Vec<_> = state
        .holdings
        .positions
        .iter()
        .filter(|((_, i), _)| *i == instrument)
        .filter_map(|(key, p)| {
            let account = state.refdata.accounts.get(key.0)?;
            (account.legal_entity == entity).then_some((*key, account.owner, p))
        })
        .collect();
    out.sort_unstable_by_key(|(k, _, _)| *k);
    out
}

/// A position's quantity counting the live trades `count` keeps, in shares before `cutoff`
/// (splits with an earlier ex-date applied).
fn quantity(
    state: &State,
    position: &Position,
    count: impl Fn(&TradeRecord) -> bool,
    cutoff: Date,
) -> Decimal {
    quantity_where(
        position,
        |id| state.trades.get(id).map(|t| &t.record),
        |r| r.status == TradeStatus::Live && count(r),
        cutoff,
    )
}

/// The entitlements of a legal entity's accounts (of `owner`) to a dividend.
fn dividend_entitlements(
    state: &State,
    entity: LegalEntityId,
    action: &CorporateAction,
    owner: AccountOwner,
    amount_per_share: Decimal,
    currency: Currency,
) -> Vec<Entitlement> {
    positions_in(state, entity, action.instrument)
        .into_iter()
        .filter(|(_, o, _)| *o == owner)
        .filter_map(|((account, _), _, p)| {
            let ex = action.ex_date;
            let entitled = quantity(state, p, |r| r.terms.trade_date < ex, ex);
            let of_record = quantity(
                state,
                p,
                |r| r.terms.settlement_date <= action.record_date,
                ex,
            );
            let amount = round(entitled * amount_per_share, currency);
            (!entitled.is_zero() || !of_record.is_zero()).then_some(Entitlement {
                account,
                entitled,
                of_record,
                amount,
            })
        })
        .collect()
}

/// What falls due for `lei` by `date`.
pub(super) fn service(state: &State, lei: &Lei, date: Date) -> Result<Vec<Event>, Rejection> {
    let entity = state
        .refdata
        .legal_entities
        .id(lei)
        .ok_or(Rejection::UnknownLegalEntity(*lei))?;
    let done = &state.corporate_actions;
    let mut events = Vec::new();

    // Splits and dividends, in announcement order.
    for (id, action) in done.actions.iter().enumerate() {
        let id = id as u32;
        match action.kind {
            CorporateActionKind::Split { .. } => {
                if action.ex_date <= date && !done.splits.contains(&(entity, id)) {
                    events.push(Event::SplitApplied {
                        legal_entity: entity,
                        action: id,
                    });
                }
            }
            CorporateActionKind::CashDividend {
                amount_per_share,
                currency,
            } => {
                let processing = done.dividends.get(&(entity, id));
                let ex_processed = processing.is_some_and(|p| p.ex_processed);
                let paid = processing.is_some_and(|p| p.payments.is_some());
                let house = |state| {
                    dividend_entitlements(
                        state,
                        entity,
                        action,
                        AccountOwner::House,
                        amount_per_share,
                        currency,
                    )
                };
                let mut receivables = processing.map(|p| p.receivables.clone());
                if action.ex_date <= date && !ex_processed {
                    let entitlements = house(state);
                    receivables = Some(entitlements.clone());
                    events.push(Event::DividendEntitled {
                        legal_entity: entity,
                        action: id,
                        entitlements,
                    });
                }
                if action.pay_date <= date && !paid {
                    let mut payments = receivables.unwrap_or_default();
                    payments.extend(dividend_entitlements(
                        state,
                        entity,
                        action,
                        AccountOwner::Client,
                        amount_per_share,
                        currency,
                    ));
                    payments.retain(|p| !p.amount.is_zero());
                    events.push(Event::DividendPaid {
                        legal_entity: entity,
                        action: id,
                        payments,
                    });
                }
            }
        }
    }

    // Coupons and redemptions of the bonds the entity holds, in instrument order.
    let mut bonds: Vec<InstrumentId> = state
        .holdings
        .positions
        .keys()
        .filter(|(account, _)| {
            state
                .refdata
                .accounts
                .get(*account)
                .is_some_and(|a| a.legal_entity == entity)
        })
        .map(|(_, i)| *i)
        .collect();
    bonds.sort_unstable();
    bonds.dedup();
    for instrument_id in bonds {
        let Some(instrument) = state.refdata.instruments.get(instrument_id) else {
            continue;
        };
        let InstrumentKind::Bond(terms) = &instrument.kind else {
            continue;
        };
        if done.redeemed.contains(&(entity, instrument_id)) {
            continue;
        }
        let currency = instrument.currency;
        let positions = positions_in(state, entity, instrument_id);
        let paid_through = done.coupons_paid.get(&(entity, instrument_id)).copied();
        let dates = terms.coupon_dates().map_err(|e| Rejection::Accrued {
            isin: instrument.isin,
            reason: e.to_string(),
        })?;
        for payment_date in dates
            .into_iter()
            .filter(|d| *d <= date && paid_through.is_none_or(|p| *d > p))
        {
            let mut payments = Vec::new();
            for ((account, _), _, p) in &positions {
                let nominal = quantity(
                    state,
                    p,
                    |r| r.terms.settlement_date < payment_date,
                    payment_date,
                );
                if nominal.is_zero() {
                    continue;
                }
                let coupon =
                    terms
                        .coupon_amount(nominal, payment_date)
                        .map_err(|e| Rejection::Accrued {
                            isin: instrument.isin,
                            reason: e.to_string(),
                        })?;
                payments.push(BondPayment {
                    account: *account,
                    nominal,
                    amount: round(coupon, currency),
                });
            }
            events.push(Event::CouponPaid {
                legal_entity: entity,
                instrument: instrument_id,
                payment_date,
                payments,
            });
        }
        if terms.maturity_date <= date {
            let payments = positions
                .iter()
                .filter(|(_, _, p)| !p.quantity.is_zero())
                .map(|((account, _), _, p)| BondPayment {
                    account: *account,
                    nominal: p.quantity,
                    amount: round(
                        p.quantity * instrument.multiplier * Decimal::ONE_HUNDRED,
                        currency,
                    ),
                })
                .collect();
            events.push(Event::BondRedeemed {
                legal_entity: entity,
                instrument: instrument_id,
                maturity: terms.maturity_date,
                payments,
            });
        }
    }
    Ok(events)
}

/// The change of accrued interest receivable (1500) of a legal entity's house bond
/// positions to its target at `date`, per currency: for each position, the accrued
/// interest of its nominal settled by `date` (rounded to the currency), plus the interest
/// bought or sold on trades dated by `date` that settle after it (already in 1500 from the
/// trade); less what 1500 holds. Interest bought is therefore not income; interest earned
/// while held is (docs/domain.md §7.2).
pub(super) fn accruals(
    state: &State,
    entity: LegalEntityId,
    date: Date,
) -> Result<Vec<(Currency, Decimal)>, Rejection> {
    let mut targets: std::collections::BTreeMap<&'static str, (Currency, Decimal)> =
        std::collections::BTreeMap::new();
    for (key, position) in &state.holdings.positions {
        let Some(account) = state.refdata.accounts.get(key.0) else {
            continue;
        };
        if account.legal_entity != entity || account.owner != AccountOwner::House {
            continue;
        }
        let Some(instrument) = state.refdata.instruments.get(key.1) else {
            continue;
        };
        let InstrumentKind::Bond(terms) = &instrument.kind else {
            continue;
        };
        let currency = instrument.currency;
        let settled = quantity(state, position, |r| r.terms.settlement_date <= date, date);
        let accrued = if date >= terms.issue_date && date < terms.maturity_date {
            terms
                .accrued(settled, date)
                .map_err(|e| Rejection::Accrued {
                    isin: instrument.isin,
                    reason: e.to_string(),
                })?
        } else {
            Decimal::ZERO
        };
        let mut target = round(accrued, currency);
        for id in position.trade_ids() {
            if let Some(t) = state.trades.get(id).map(|t| &t.record)
                && t.status == TradeStatus::Live
                && t.terms.trade_date <= date
                && date < t.terms.settlement_date
            {
                target += t.terms.side.sign() * t.economics.accrued;
            }
        }
        targets
            .entry(currency.code())
            .or_insert((currency, Decimal::ZERO))
            .1 += target;
    }
    // Currencies whose 1500 holds something but no bond position is left.
    for currency in state
        .ledger
        .entity_currencies(entity, &[crate::ledger::codes::ACCRUED_INTEREST])
    {
        targets
            .entry(currency.code())
            .or_insert((currency, Decimal::ZERO));
    }
    Ok(targets
        .into_values()
        .filter_map(|(currency, target)| {
            let change = target
                - state.ledger.entity_balance(
                    entity,
                    crate::ledger::codes::ACCRUED_INTEREST,
                    currency,
                );
            (!change.is_zero()).then_some((currency, change))
        })
        .collect())
}

/// Decides the commands of this family; the dispatcher in `engine` routes them here.
pub(super) fn decide(state: &State, envelope: &CommandEnvelope) -> Result<Vec<Event>, Rejection> {
    match &envelope.command {
        Command::AnnounceCorporateAction {
            reference,
            isin,
            kind,
            ex_date,
            record_date,
            pay_date,
        } => announce(
            state,
            reference,
            isin,
            *kind,
            (*ex_date, *record_date, *pay_date),
        ),
        Command::ServiceAssets { legal_entity, date } => service(state, legal_entity, *date),
        _ => Err(super::wrong_family()),
    }
}

impl State {
    /// Applies an asset-servicing event (see [`Event::CorporateActionAnnounced`] and the
    /// processing events after it).
    pub(super) fn apply_asset_servicing<J: crate::ledger::Journal>(
        &mut self,
        event: &Event,
        journal: &mut J,
    ) -> Result<(), super::ApplyError> {
        use super::ApplyError;
        use crate::ledger::{EntryHeader, EntryKind, Sink, codes};
        use crate::position::{EntryKind as Entry, corporate_action_entry};
        let kind = event.kind();
        let header =
            |state: &State, legal_entity: LegalEntityId, date: Date, what: EntryKind| EntryHeader {
                kind: what,
                effective_date: date,
                posting_date: state.periods.posting_date(legal_entity, date),
                trade_id: None,
                legal_entity,
            };
        let dividend_currency = |a: &CorporateAction, id: u32| match a.kind {
            CorporateActionKind::CashDividend { currency, .. } => Ok(currency),
            CorporateActionKind::Split { .. } => Err(ApplyError::WrongStatus {
                event: kind,
                what: "corporate action",
                id: u64::from(id),
                found: "a split",
                wanted: "a dividend",
            }),
        };
        let instrument_currency = |state: &State, instrument: InstrumentId| {
            state
                .refdata
                .instruments
                .get(instrument)
                .map(|i| i.currency)
                .ok_or(ApplyError::Unknown {
                    event: kind,
                    what: "instrument",
                    id: u64::from(u32::from(instrument)),
                })
        };
        let action_of = |state: &State, id: u32| {
            state
                .corporate_actions
                .get(id)
                .cloned()
                .ok_or(ApplyError::Unknown {
                    event: kind,
                    what: "corporate action",
                    id: u64::from(id),
                })
        };
        match event {
            Event::CorporateActionAnnounced { id, action } => {
                super::apply_error::exists(
                    kind,
                    "instrument",
                    action.instrument,
                    self.refdata.instruments.get(action.instrument),
                )?;
                if *id != self.corporate_actions.next_id() {
                    return Err(ApplyError::WrongId {
                        event: kind,
                        what: "corporate action",
                        id: u64::from(*id),
                        expected: u64::from(self.corporate_actions.next_id()),
                    });
                }
                self.corporate_actions.announce(action.clone());
            }
            Event::SplitApplied {
                legal_entity,
                action,
            } => {
                let a = action_of(self, *action)?;
                let CorporateActionKind::Split { new, old } = a.kind else {
                    return Err(ApplyError::WrongStatus {
                        event: kind,
                        what: "corporate action",
                        id: u64::from(*action),
                        found: "a dividend",
                        wanted: "a split",
                    });
                };
                let ratio = new / old;
                let keys: Vec<PositionKey> = positions_in(self, *legal_entity, a.instrument)
                    .into_iter()
                    .map(|(k, _, _)| k)
                    .collect();
                let order = (
                    a.ex_date,
                    jiff::Timestamp::MIN,
                    corporate_action_entry(u64::from(*action)),
                );
                // Trades already folded after the ex-date re-fold in the new units: their
                // change of cost is booked against realised P&L, as for a late trade.
                let currency = self
                    .refdata
                    .instruments
                    .get(a.instrument)
                    .map(|i| i.currency);
                let mut changes = Vec::new();
                for key in keys {
                    let house = self.owner(key.0) == AccountOwner::House;
                    if let Some(p) = self.holdings.positions.get_mut(&key) {
                        let before = p.cost;
                        p.insert_corporate_action(order, Entry::Split, ratio);
                        p.settled_quantity *= ratio;
                        if let (true, Some(currency)) = (house, currency) {
                            changes.push(crate::ledger::CostChange {
                                currency,
                                before,
                                after: p.cost,
                            });
                        }
                    }
                }
                let h = header(
                    self,
                    *legal_entity,
                    a.ex_date,
                    EntryKind::SplitApplied { action: *action },
                );
                self.ledger.apply(&h, journal, |sink| {
                    crate::ledger::trade_event(None, None, &changes, sink)
                });
                self.corporate_actions
                    .splits
                    .insert((*legal_entity, *action));
            }
            Event::DividendEntitled {
                legal_entity,
                action,
                entitlements,
            } => {
                let a = action_of(self, *action)?;
                let currency = dividend_currency(&a, *action)?;
                let h = header(
                    self,
                    *legal_entity,
                    a.ex_date,
                    EntryKind::DividendEntitled { action: *action },
                );
                self.ledger.apply(&h, journal, |sink| {
                    for e in entitlements {
                        sink.post(codes::DIVIDENDS_RECEIVABLE, currency, e.amount);
                        sink.post(codes::DIVIDEND_INCOME, currency, -e.amount);
                    }
                });
                let processing = self
                    .corporate_actions
                    .dividends
                    .entry((*legal_entity, *action))
                    .or_default();
                processing.ex_processed = true;
                processing.receivables = entitlements.clone();
            }
            Event::DividendPaid {
                legal_entity,
                action,
                payments,
            } => {
                let a = action_of(self, *action)?;
                let currency = dividend_currency(&a, *action)?;
                let items: Vec<(AccountId, Decimal)> =
                    payments.iter().map(|p| (p.account, p.amount)).collect();
                let h = header(
                    self,
                    *legal_entity,
                    a.pay_date,
                    EntryKind::DividendPaid { action: *action },
                );
                self.pay(&h, currency, &items, codes::DIVIDENDS_RECEIVABLE, journal);
                self.corporate_actions
                    .dividends
                    .entry((*legal_entity, *action))
                    .or_default()
                    .payments = Some(payments.clone());
            }
            Event::CouponPaid {
                legal_entity,
                instrument,
                payment_date,
                payments,
            } => {
                let currency = instrument_currency(self, *instrument)?;
                let items: Vec<(AccountId, Decimal)> =
                    payments.iter().map(|p| (p.account, p.amount)).collect();
                let h = header(
                    self,
                    *legal_entity,
                    *payment_date,
                    EntryKind::CouponPaid {
                        instrument: *instrument,
                    },
                );
                self.pay(&h, currency, &items, codes::ACCRUED_INTEREST, journal);
                self.corporate_actions
                    .coupons_paid
                    .insert((*legal_entity, *instrument), *payment_date);
            }
            Event::BondRedeemed {
                legal_entity,
                instrument,
                maturity,
                payments,
            } => {
                let currency = instrument_currency(self, *instrument)?;
                let order = (
                    *maturity,
                    jiff::Timestamp::MAX,
                    corporate_action_entry((1 << 40) | u64::from(u32::from(*instrument))),
                );
                let mut changes = Vec::new();
                let mut released = Vec::new();
                for p in payments {
                    let key = (p.account, *instrument);
                    let house = self.owner(p.account) == AccountOwner::House;
                    let Some(position) = self.holdings.positions.get_mut(&key) else {
                        return Err(ApplyError::Unknown {
                            event: kind,
                            what: "position of account",
                            id: u64::from(u32::from(p.account)),
                        });
                    };
                    let before = position.cost;
                    let quantity = position.quantity;
                    position.insert_corporate_action(order, Entry::Redemption, Decimal::ONE);
                    position.settled_quantity = Decimal::ZERO;
                    let after = position.cost;
                    if house {
                        changes.push(crate::ledger::CostChange {
                            currency,
                            before,
                            after,
                        });
                        let release =
                            self.valuations
                                .release(key, currency, quantity, Decimal::ZERO);
                        released.push(release);
                    }
                }
                let h = header(
                    self,
                    *legal_entity,
                    *maturity,
                    EntryKind::BondRedeemed {
                        instrument: *instrument,
                    },
                );
                let items: Vec<(AccountId, Decimal)> =
                    payments.iter().map(|p| (p.account, p.amount)).collect();
                // The proceeds are realised against the cost the positions release.
                self.pay(&h, currency, &items, codes::REALISED_PNL, journal);
                self.ledger.apply(&h, journal, |sink| {
                    crate::ledger::trade_event(None, None, &changes, sink);
                    for r in &released {
                        sink.post(codes::UNREALISED_PNL, currency, *r);
                        sink.post(codes::VALUATION_ADJUSTMENT, currency, -*r);
                    }
                });
                self.corporate_actions
                    .redeemed
                    .insert((*legal_entity, *instrument));
            }
            _ => {
                return Err(ApplyError::Unknown {
                    event: kind,
                    what: "asset-servicing event",
                    id: 0,
                });
            }
        }
        Ok(())
    }

    /// Pays income (or proceeds) to accounts: a house account's cash (Dr 1100) against
    /// `house_contra`, a client's money (Dr 1150 / Cr 2500); and the cash sub-ledger.
    fn pay<J: crate::ledger::Journal>(
        &mut self,
        header: &crate::ledger::EntryHeader,
        currency: Currency,
        payments: &[(AccountId, Decimal)],
        house_contra: u16,
        journal: &mut J,
    ) {
        use crate::ledger::{Sink, codes};
        let owners: Vec<AccountOwner> = payments.iter().map(|(a, _)| self.owner(*a)).collect();
        self.ledger.apply(header, journal, |sink| {
            for ((_, amount), owner) in payments.iter().zip(&owners) {
                match owner {
                    AccountOwner::House => {
                        sink.post(codes::CASH, currency, *amount);
                        sink.post(house_contra, currency, -*amount);
                    }
                    AccountOwner::Client => {
                        sink.post(codes::CLIENT_MONEY_AT_BANKS, currency, *amount);
                        sink.post(codes::CLIENT_MONEY, currency, -*amount);
                    }
                }
            }
        });
        for (account, amount) in payments {
            self.cash.settle(*account, currency, *amount);
        }
    }
}
