//! [`LedgerBalances`]: every account's balance per currency, kept by the engine as events
//! apply, from the same rules that write journal entries.

use crate::ids::LegalEntityId;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use rust_decimal::Decimal;

use super::derived::{EntryHeader, Journal, Sink};
use super::periods::is_profit_and_loss;
use crate::identifiers::Currency;
use crate::position::IdHasher;

/// Balances by legal entity, account and currency, debit positive. Income and expense
/// accounts are kept per year of posting date (what a year-end close moves into retained
/// earnings), balance sheet accounts under year 0: one map, so a line costs one update
/// either way.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LedgerBalances {
    pub(crate) balances: HashMap<(LegalEntityId, u16, Currency, i16), Decimal, IdHasher>,
    /// The posting years seen on income and expense accounts.
    pub(crate) years: BTreeSet<i16>,
    /// The legal entities with entries.
    pub(crate) entities: BTreeSet<LegalEntityId>,
    /// The entity and the income-statement year of the last line added (a cache).
    pub(crate) last_entity: Option<LegalEntityId>,
    pub(crate) last_year: Option<i16>,
}

impl LedgerBalances {
    /// The balance of `account` in `currency` (debit positive) over every legal entity and
    /// year.
    pub fn balance(&self, account: u16, currency: Currency) -> Decimal {
        self.entities
            .iter()
            .map(|e| self.entity_balance(*e, account, currency))
            .sum()
    }

    /// The balance of `account` in `currency` in one legal entity's books, over all years.
    pub fn entity_balance(
        &self,
        entity: LegalEntityId,
        account: u16,
        currency: Currency,
    ) -> Decimal {
        if is_profit_and_loss(account) {
            self.years
                .iter()
                .filter_map(|y| self.balances.get(&(entity, account, currency, *y)))
                .sum()
        } else {
            self.balances
                .get(&(entity, account, currency, 0))
                .copied()
                .unwrap_or_default()
        }
    }

    /// The currencies one legal entity has balances in on `accounts`.
    pub fn entity_currencies(&self, entity: LegalEntityId, accounts: &[u16]) -> Vec<Currency> {
        let mut currencies: Vec<Currency> = self
            .balances
            .keys()
            .filter(|(e, a, _, _)| *e == entity && accounts.contains(a))
            .map(|(_, _, c, _)| *c)
            .collect();
        currencies.sort_unstable_by_key(|c| c.code());
        currencies.dedup();
        currencies
    }

    /// Every non-zero balance.
    pub fn iter(&self) -> impl Iterator<Item = (u16, Currency, Decimal)> + '_ {
        self.all().filter(|(_, _, b)| !b.is_zero())
    }

    /// One legal entity's income and expense balances of entries posted in `year`, non-zero
    /// ones.
    pub fn profit_and_loss_of(
        &self,
        entity: LegalEntityId,
        year: i16,
    ) -> Vec<(u16, Currency, Decimal)> {
        let mut lines: Vec<_> = self
            .balances
            .iter()
            .filter(|((e, a, _, y), b)| {
                *e == entity && *y == year && is_profit_and_loss(*a) && !b.is_zero()
            })
            .map(|((_, a, c, _), b)| (*a, *c, *b))
            .collect();
        lines.sort_by_key(|(a, c, _)| (c.code(), *a));
        lines
    }

    /// Every balance ever touched, zero or not (read models keep rows that returned to zero),
    /// income and expenses summed over the years.
    pub fn all(&self) -> impl Iterator<Item = (u16, Currency, Decimal)> + '_ {
        let mut totals: BTreeMap<(u16, &'static str), (Currency, Decimal)> = BTreeMap::new();
        for ((_, account, currency, _), balance) in &self.balances {
            totals
                .entry((*account, currency.code()))
                .or_insert((*currency, Decimal::ZERO))
                .1 += *balance;
        }
        totals.into_iter().map(|((a, _), (c, b))| (a, c, b))
    }

    fn add(
        &mut self,
        entity: LegalEntityId,
        year: i16,
        account: u16,
        currency: Currency,
        amount: Decimal,
    ) {
        if amount.is_zero() {
            return;
        }
        // Nearly every line is of an entity and year already seen: look at the sets only
        // when the last one seen changes.
        if self.last_entity != Some(entity) {
            self.entities.insert(entity);
            self.last_entity = Some(entity);
        }
        let year = if is_profit_and_loss(account) {
            if self.last_year != Some(year) {
                self.years.insert(year);
                self.last_year = Some(year);
            }
            year
        } else {
            0
        };
        *self
            .balances
            .entry((entity, account, currency, year))
            .or_default() += amount;
    }
}

impl LedgerBalances {
    /// Runs a rule into a small local buffer that nets lines by account first, then adds the
    /// non-zero results to the balances and hands them, as one entry under `header`, to
    /// `journal`: a purchase in order touches five balances, not nine. With [`NoJournal`]
    /// nothing is collected, so keeping balances allocates nothing.
    pub fn apply<J: Journal>(
        &mut self,
        header: &EntryHeader,
        journal: &mut J,
        rule: impl FnOnce(&mut Netting),
    ) {
        let mut netting = Netting {
            lines: [(0, None, Decimal::ZERO); NETTING_CAPACITY],
            len: 0,
            overflow: Vec::new(),
        };
        rule(&mut netting);
        let lines = netting.lines[..netting.len]
            .iter()
            .filter_map(|(a, c, v)| c.map(|c| (*a, c, *v)))
            .chain(netting.overflow.iter().copied())
            .filter(|(_, _, v)| !v.is_zero());
        let (entity, year) = (header.legal_entity, header.posting_date.year());
        if J::ENABLED {
            let mut lines: Vec<(u16, Currency, Decimal)> = lines.collect();
            lines.sort_by_key(|(account, currency, _)| (*account, currency.code()));
            for (account, currency, amount) in &lines {
                self.add(entity, year, *account, *currency, *amount);
            }
            if !lines.is_empty() {
                journal.entry(header, &lines);
            }
        } else {
            for (account, currency, amount) in lines {
                self.add(entity, year, account, currency, amount);
            }
        }
    }
}

const NETTING_CAPACITY: usize = 16;

/// A [`Sink`] on the stack that nets lines by account and currency.
#[derive(Debug)]
pub struct Netting {
    lines: [(u16, Option<Currency>, Decimal); NETTING_CAPACITY],
    len: usize,
    overflow: Vec<(u16, Currency, Decimal)>,
}

impl Sink for Netting {
    fn post(&mut self, account: u16, currency: Currency, amount: Decimal) {
        if amount.is_zero() {
            return;
        }
        if let Some(line) = self.lines[..self.len]
            .iter_mut()
            .find(|l| l.0 == account && l.1 == Some(currency))
        {
            line.2 += amount;
        } else if self.len < NETTING_CAPACITY {
            self.lines[self.len] = (account, Some(currency), amount);
            self.len += 1;
        } else {
            self.overflow.push((account, currency, amount));
        }
    }
}
