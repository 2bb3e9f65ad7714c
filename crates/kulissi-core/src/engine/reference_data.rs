//! Deciding reference data: legal entities, counterparties, instruments, books, accounts,
//! standing settlement instructions and fee schedules. A definition of a known key updates it
//! (an identical one changes nothing); terms that open positions depend on cannot change
//! under them.

use super::{Command, CommandEnvelope, Event, Rejection, State, text};
use crate::refdata::{Account, Book, InstrumentKind, SsiKey, StandingSettlementInstruction, Table};
use crate::settlement::netting::NettingSet;

/// Decides the commands of this family; the dispatcher in `engine` routes them here.
pub(super) fn decide(state: &State, envelope: &CommandEnvelope) -> Result<Vec<Event>, Rejection> {
    let refdata = &state.refdata;
    Ok(match &envelope.command {
        Command::DefineLegalEntity(entity) => {
            text("legal entity name", &entity.name)?;
            let Some((id, _)) = slot(&refdata.legal_entities, &entity.lei, entity) else {
                return Ok(Vec::new());
            };
            vec![Event::LegalEntityDefined {
                id,
                entity: entity.clone(),
            }]
        }
        Command::DefineCounterparty(counterparty) => {
            text("counterparty name", &counterparty.name)?;
            let Some((id, _)) = slot(&refdata.counterparties, &counterparty.lei, counterparty)
            else {
                return Ok(Vec::new());
            };
            vec![Event::CounterpartyDefined {
                id,
                counterparty: counterparty.clone(),
            }]
        }
        Command::DefineInstrument(instrument) => {
            text("instrument name", &instrument.name)?;
            if instrument.multiplier <= rust_decimal::Decimal::ZERO {
                return Err(Rejection::NonPositiveMultiplier {
                    isin: instrument.isin,
                    multiplier: instrument.multiplier,
                });
            }
            if let InstrumentKind::Bond(terms) = &instrument.kind
                && let Err(e) = terms.coupon_dates()
            {
                return Err(Rejection::BondTerms {
                    isin: instrument.isin,
                    reason: e.to_string(),
                });
            }
            let Some((id, existing)) = slot(&refdata.instruments, &instrument.isin, instrument)
            else {
                return Ok(Vec::new());
            };
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
            let Some((id, _)) = slot(&refdata.books, code, &book) else {
                return Ok(Vec::new());
            };
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
            let Some((id, existing)) = slot(&refdata.accounts, code, &account) else {
                return Ok(Vec::new());
            };
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
            valid_from,
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
                valid_from: *valid_from,
                place_of_settlement: *place_of_settlement,
                agent: *agent,
                safekeeping_account: safekeeping_account.clone(),
                cash_account: cash_account.clone(),
            };
            let Some((id, _)) = slot(&refdata.ssis, &(key, *valid_from), &ssi) else {
                return Ok(Vec::new());
            };
            vec![Event::SsiDefined { id, ssi }]
        }
        Command::DefineFeeSchedule(schedule) => {
            let key = (
                schedule.market,
                schedule.instrument_type,
                schedule.valid_from,
            );
            let Some((id, _)) = slot(&refdata.fee_schedules, &key, schedule) else {
                return Ok(Vec::new());
            };
            vec![Event::FeeScheduleDefined {
                id,
                schedule: schedule.clone(),
            }]
        }
        Command::DefineNettingSet { counterparty, ccp } => {
            let id = refdata
                .counterparties
                .id(counterparty)
                .ok_or(Rejection::UnknownCounterparty(*counterparty))?;
            let set = match ccp {
                None => NettingSet::Bilateral,
                Some(lei) => {
                    let ccp_id = refdata
                        .counterparties
                        .id(lei)
                        .ok_or(Rejection::UnknownCounterparty(*lei))?;
                    let role = refdata.counterparties.get(ccp_id).map(|c| c.role);
                    if role != Some(crate::refdata::CounterpartyRole::Ccp) {
                        return Err(Rejection::NotACcp(*lei));
                    }
                    NettingSet::Ccp(ccp_id)
                }
            };
            if refdata.netting_sets.of(id) == Some(set) {
                return Ok(Vec::new());
            }
            vec![Event::NettingSetDefined {
                counterparty: id,
                set,
            }]
        }
        _ => return Err(super::wrong_family()),
    })
}

/// Where a definition of `key` goes: its id (the key's own, or the next one) and the row it
/// replaces, if any; `None` when the row is already exactly `value` (nothing to do).
fn slot<'t, K, V, I>(table: &'t Table<K, V, I>, key: &K, value: &V) -> Option<(I, Option<&'t V>)>
where
    K: Eq + std::hash::Hash + Clone,
    V: PartialEq,
    I: crate::ids::DenseId,
{
    let id = table.id(key).unwrap_or(table.next_id());
    let existing = table.get(id);
    (existing != Some(value)).then_some((id, existing))
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
