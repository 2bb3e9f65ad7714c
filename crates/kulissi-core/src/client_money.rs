//! The daily client-money check (docs/domain.md §7.1; UK CASS 7, MiFID II Art. 16(10)): per
//! legal entity and currency, the client money the firm holds at banks (1150) against what
//! it owes its clients (2500) and against the client-money requirement, the sum of the
//! clients' credit balances in the cash sub-ledger.
//!
//! The ledger ties when 1150 = 2500. A shortfall is a requirement above the money at
//! banks: it happens when a client's balance goes into debit, since one client's debit may
//! not be paid for with another client's money; the firm must then top up client money
//! from its own. The end of day reports it as an alert; `kulissi verify` fails when the
//! ledger does not tie or the sub-ledger disagrees with 2500.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::engine::State;
use crate::identifiers::Currency;
use crate::ids::LegalEntityId;
use crate::ledger::codes::{CLIENT_MONEY, CLIENT_MONEY_AT_BANKS};
use crate::refdata::AccountOwner;

/// One legal entity's client money in one currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientMoneyCheck {
    /// The legal entity (id).
    pub legal_entity: LegalEntityId,
    /// The currency.
    pub currency: Currency,
    /// Client money at banks (1150, a debit balance).
    pub at_banks: Decimal,
    /// Client money held, owed to clients (2500, shown positive when owed).
    pub held: Decimal,
    /// The clients' balances in the cash sub-ledger, summed.
    pub client_balances: Decimal,
    /// The requirement: the clients' credit balances only.
    pub requirement: Decimal,
}

impl ClientMoneyCheck {
    /// Whether the ledger ties: client money at banks equals client money held.
    pub fn ledger_ties(&self) -> bool {
        self.at_banks == self.held
    }

    /// Whether the sub-ledger of clients' balances agrees with client money held.
    pub fn sub_ledger_ties(&self) -> bool {
        self.client_balances == self.held
    }

    /// How far the money at banks falls short of the requirement (zero when it does not).
    pub fn shortfall(&self) -> Decimal {
        (self.requirement - self.at_banks).max(Decimal::ZERO)
    }
}

/// The check for every legal entity and currency with client money or client balances, in
/// entity and currency order.
pub fn client_money(state: &State) -> Vec<ClientMoneyCheck> {
    let mut out: BTreeMap<(LegalEntityId, &'static str), ClientMoneyCheck> = BTreeMap::new();
    fn entry<'a>(
        out: &'a mut BTreeMap<(LegalEntityId, &'static str), ClientMoneyCheck>,
        state: &State,
        entity: LegalEntityId,
        currency: Currency,
    ) -> &'a mut ClientMoneyCheck {
        out.entry((entity, currency.code()))
            .or_insert_with(|| ClientMoneyCheck {
                legal_entity: entity,
                currency,
                at_banks: state
                    .ledger
                    .entity_balance(entity, CLIENT_MONEY_AT_BANKS, currency),
                held: -state.ledger.entity_balance(entity, CLIENT_MONEY, currency),
                client_balances: Decimal::ZERO,
                requirement: Decimal::ZERO,
            })
    }
    for ((account, currency), balance) in state.cash.balances() {
        let Some(a) = state.refdata.accounts.get(account) else {
            continue;
        };
        if a.owner == AccountOwner::Client {
            let check = entry(&mut out, state, a.legal_entity, currency);
            check.client_balances += balance.posted;
            check.requirement += balance.posted.max(Decimal::ZERO);
        }
    }
    for entity in state.refdata.legal_entities.iter().map(|(id, _)| id) {
        for currency in state
            .ledger
            .entity_currencies(entity, &[CLIENT_MONEY_AT_BANKS, CLIENT_MONEY])
        {
            entry(&mut out, state, entity, currency);
        }
    }
    out.into_values()
        .filter(|c| {
            !(c.at_banks.is_zero() && c.held.is_zero() && c.client_balances.is_zero())
                || c.requirement > Decimal::ZERO
        })
        .collect()
}
