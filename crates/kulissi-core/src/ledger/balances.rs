//! [`LedgerBalances`]: every account's balance per currency, kept by the engine as events
//! apply, from the same rules that write journal entries.

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::derived::Sink;
use crate::identifiers::Currency;
use crate::position::IdHasher;

/// Balances by account and currency, debit positive.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LedgerBalances {
    balances: HashMap<(u16, Currency), Decimal, IdHasher>,
}

impl LedgerBalances {
    /// The balance of `account` in `currency` (debit positive).
    pub fn balance(&self, account: u16, currency: Currency) -> Decimal {
        self.balances
            .get(&(account, currency))
            .copied()
            .unwrap_or_default()
    }

    /// Every non-zero balance.
    pub fn iter(&self) -> impl Iterator<Item = (u16, Currency, Decimal)> + '_ {
        self.balances
            .iter()
            .filter(|(_, b)| !b.is_zero())
            .map(|((a, c), b)| (*a, *c, *b))
    }

    /// Every balance ever touched, zero or not (read models keep rows that returned to zero).
    pub fn all(&self) -> impl Iterator<Item = (u16, Currency, Decimal)> + '_ {
        self.balances.iter().map(|((a, c), b)| (*a, *c, *b))
    }
}

impl Sink for LedgerBalances {
    fn post(&mut self, account: u16, currency: Currency, amount: Decimal) {
        if !amount.is_zero() {
            *self.balances.entry((account, currency)).or_default() += amount;
        }
    }
}
