//! Our side of the four daily reconciliations (docs/domain.md §8, §7.1), built from the
//! engine's state, and what the matching needs to know of it: which keys name reference
//! data we have, and which differences a pending settlement explains.
//!
//! | definition | our side | key | statement columns |
//! |---|---|---|---|
//! | `house-positions` | settled quantities of house accounts | safekeeping account, ISIN | `safekeeping_account,isin,quantity` |
//! | `client-assets` | settled quantities of client accounts | safekeeping account, ISIN | `safekeeping_account,isin,quantity` |
//! | `house-cash` | posted cash of house accounts | cash account, currency | `cash_account,currency,amount` |
//! | `client-money` | client money at banks (1150) | currency | `currency,amount` (lines summed per currency) |

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::matching::{Compared, ReconKey, ReconLine, Tolerance};
use crate::engine::State;
use crate::ids::LegalEntityId;
use crate::refdata::AccountOwner;

/// A reconciliation defined out of the box.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ReconDefinition {
    /// House positions against the custodian.
    HousePositions,
    /// Client assets (client positions per safekeeping account) against the custodian.
    ClientAssets,
    /// House cash against the bank.
    HouseCash,
    /// Client money (1150, equal to the clients' 2500) against the client money bank
    /// accounts.
    ClientMoney,
    /// Our trades against the counterparties' confirmations (`reconciliation::confirmations`;
    /// not one of the key-and-value reconciliations of [`ReconDefinition::ALL`]).
    Confirmations,
}

impl ReconDefinition {
    /// The key-and-value reconciliations (statements of holdings and balances).
    pub const ALL: [ReconDefinition; 4] = [
        ReconDefinition::HousePositions,
        ReconDefinition::ClientAssets,
        ReconDefinition::HouseCash,
        ReconDefinition::ClientMoney,
    ];

    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            ReconDefinition::HousePositions => "house-positions",
            ReconDefinition::ClientAssets => "client-assets",
            ReconDefinition::HouseCash => "house-cash",
            ReconDefinition::ClientMoney => "client-money",
            ReconDefinition::Confirmations => "confirmations",
        }
    }

    /// The definition named `name`.
    pub fn parse(name: &str) -> Option<ReconDefinition> {
        Self::ALL
            .into_iter()
            .chain([ReconDefinition::Confirmations])
            .find(|d| d.name() == name)
    }

    /// The statement's key columns, then its value column.
    pub fn columns(self) -> (&'static [&'static str], &'static str) {
        match self {
            ReconDefinition::HousePositions | ReconDefinition::ClientAssets => {
                (&["safekeeping_account", "isin"], "quantity")
            }
            ReconDefinition::HouseCash => (&["cash_account", "currency"], "amount"),
            ReconDefinition::ClientMoney => (&["currency"], "amount"),
            ReconDefinition::Confirmations => (&["reference"], "quantity"),
        }
    }

    /// Quantities or amounts.
    pub fn compared(self) -> Compared {
        match self {
            ReconDefinition::HousePositions | ReconDefinition::ClientAssets => Compared::Quantity,
            _ => Compared::Amount,
        }
    }

    /// The tolerance out of the box (§8): quantities exact; amounts exact too, since our
    /// cash is kept to the cent (a difference of a cent is a break to explain).
    pub fn tolerance(self) -> Tolerance {
        Tolerance::EXACT
    }

    /// Whether the statement's lines are summed per key (several bank accounts per
    /// currency for client money).
    pub fn aggregates(self) -> bool {
        self == ReconDefinition::ClientMoney
    }

    /// The code in the log.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The definition with code `code`.
    pub fn from_code(code: u8) -> Option<ReconDefinition> {
        match code {
            4 => Some(ReconDefinition::Confirmations),
            _ => Self::ALL.get(usize::from(code)).copied(),
        }
    }

    fn owner(self) -> AccountOwner {
        match self {
            ReconDefinition::ClientAssets | ReconDefinition::ClientMoney => AccountOwner::Client,
            _ => AccountOwner::House,
        }
    }
}

/// Our side of `definition` for `legal_entity`, in key order.
pub fn our_lines(
    state: &State,
    definition: ReconDefinition,
    legal_entity: LegalEntityId,
) -> Vec<ReconLine> {
    let refdata = &state.refdata;
    let mut lines: BTreeMap<ReconKey, (Decimal, String)> = BTreeMap::new();
    let mut add = |key: ReconKey, value: Decimal, source: String| {
        let entry = lines.entry(key).or_insert((Decimal::ZERO, source));
        entry.0 += value;
    };
    match definition {
        ReconDefinition::HousePositions | ReconDefinition::ClientAssets => {
            for ((account, instrument), position) in &state.holdings.positions {
                let (Some(a), Some(i)) = (
                    refdata.accounts.get(*account),
                    refdata.instruments.get(*instrument),
                ) else {
                    continue;
                };
                if a.legal_entity != legal_entity
                    || a.owner != definition.owner()
                    || position.settled_quantity.is_zero()
                {
                    continue;
                }
                add(
                    vec![a.safekeeping_account.clone(), i.isin.to_string()],
                    position.settled_quantity,
                    format!("account {}", a.code),
                );
            }
        }
        ReconDefinition::HouseCash => {
            for ((account, currency), balance) in state.cash.balances() {
                let Some(a) = refdata.accounts.get(account) else {
                    continue;
                };
                if a.legal_entity != legal_entity
                    || a.owner != AccountOwner::House
                    || balance.posted.is_zero()
                {
                    continue;
                }
                add(
                    vec![a.cash_account.clone(), currency.code().to_owned()],
                    balance.posted,
                    format!("account {}", a.code),
                );
            }
        }
        ReconDefinition::Confirmations => {}
        ReconDefinition::ClientMoney => {
            let code = crate::ledger::codes::CLIENT_MONEY_AT_BANKS;
            for currency in state.ledger.entity_currencies(legal_entity, &[code]) {
                let balance = state.ledger.entity_balance(legal_entity, code, currency);
                if !balance.is_zero() {
                    add(
                        vec![currency.code().to_owned()],
                        balance,
                        format!("ledger {code}"),
                    );
                }
            }
        }
    }
    lines
        .into_iter()
        .map(|(key, (value, source))| ReconLine { key, value, source })
        .collect()
}

/// Whether a statement's key names reference data we have: one of the legal entity's
/// safekeeping or cash accounts of the definition's owner and a known ISIN; a currency.
pub fn known(
    state: &State,
    definition: ReconDefinition,
    legal_entity: LegalEntityId,
    key: &ReconKey,
) -> bool {
    let accounts = || {
        state
            .refdata
            .accounts
            .iter()
            .map(|(_, a)| a)
            .filter(move |a| a.legal_entity == legal_entity && a.owner == definition.owner())
    };
    match definition {
        ReconDefinition::HousePositions | ReconDefinition::ClientAssets => {
            key.len() == 2
                && accounts().any(|a| a.safekeeping_account == key[0])
                && crate::identifiers::Isin::parse(&key[1])
                    .ok()
                    .is_some_and(|isin| state.refdata.instruments.id(&isin).is_some())
        }
        ReconDefinition::HouseCash => {
            key.len() == 2
                && accounts().any(|a| a.cash_account == key[0])
                && crate::identifiers::Currency::parse(&key[1]).is_ok()
        }
        ReconDefinition::ClientMoney => {
            key.len() == 1 && crate::identifiers::Currency::parse(&key[0]).is_ok()
        }
        ReconDefinition::Confirmations => true,
    }
}

/// Whether settlements still pending explain a difference (theirs − ours) on a key: the
/// custodian has already moved what we have not had confirmed, so the difference equals
/// the outstanding quantity (cash) of one open instruction on the key, or of all of them.
pub fn explains(
    state: &State,
    definition: ReconDefinition,
    legal_entity: LegalEntityId,
    key: &ReconKey,
    difference: Decimal,
) -> bool {
    if difference.is_zero() {
        return false;
    }
    let mut pending = Vec::new();
    for i in state.settlement.iter() {
        let t = &i.terms;
        if i.status().is_final() || t.legal_entity != legal_entity {
            continue;
        }
        let Some(account) = state.refdata.accounts.get(t.account) else {
            continue;
        };
        if account.owner != definition.owner() {
            continue;
        }
        let total = t.quantity.abs();
        let share = if total.is_zero() {
            Decimal::ONE
        } else {
            i.outstanding() / total
        };
        let on_key = match definition {
            ReconDefinition::HousePositions | ReconDefinition::ClientAssets => {
                state
                    .refdata
                    .instruments
                    .get(t.instrument)
                    .is_some_and(|x| key.len() == 2 && key[1] == x.isin.to_string())
                    && key[0] == account.safekeeping_account
            }
            ReconDefinition::HouseCash => {
                key.len() == 2 && key[0] == account.cash_account && key[1] == t.currency.code()
            }
            ReconDefinition::ClientMoney => key.len() == 1 && key[0] == t.currency.code(),
            ReconDefinition::Confirmations => false,
        };
        if !on_key {
            continue;
        }
        pending.push(match definition.compared() {
            Compared::Quantity if i.we_deliver() => -i.outstanding(),
            Compared::Quantity => i.outstanding(),
            Compared::Amount => t.cash * share,
        });
    }
    let total: Decimal = pending.iter().copied().sum();
    pending.contains(&difference) || (!pending.is_empty() && total == difference)
}
