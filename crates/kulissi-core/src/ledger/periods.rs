//! Accounting periods per legal entity: closed through a date, reopened as an exceptional
//! act, and closed at year end into retained earnings.
//!
//! Nothing posts into a closed period: an entry whose effective date falls on or before the
//! date an entity is closed through is posted on the first open day after it, keeping its
//! effective date, so the reports of a closed period never change. The year-end closing
//! entry moves every income and expense balance of the year into retained earnings; it is
//! kept so that reopening the year reverses it exactly.

use crate::ids::LegalEntityId;
use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;
use rust_decimal::Decimal;

use super::chart::codes::RETAINED_EARNINGS;
use crate::identifiers::Currency;
use crate::position::IdHasher;

/// Lines of an entry: account, currency, amount (debit positive).
pub type Lines = Vec<(u16, Currency, Decimal)>;

/// Whether an account code belongs to the income statement (4xxx income, 5xxx expenses).
pub fn is_profit_and_loss(account: u16) -> bool {
    (4000..6000).contains(&account)
}

/// The periods of every legal entity.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Periods {
    pub(crate) closed_through: HashMap<LegalEntityId, Date, IdHasher>,
    pub(crate) closings: BTreeMap<(LegalEntityId, i16), Lines>,
}

impl Periods {
    /// The last closed date of `entity`, if any.
    pub fn closed_through(&self, entity: LegalEntityId) -> Option<Date> {
        self.closed_through.get(&entity).copied()
    }

    /// The date an entry of `entity` effective on `effective` is posted on: the effective
    /// date when its period is open, else the first open day.
    pub fn posting_date(&self, entity: LegalEntityId, effective: Date) -> Date {
        match self.closed_through.get(&entity) {
            Some(closed) if effective <= *closed => closed.tomorrow().unwrap_or(*closed),
            _ => effective,
        }
    }

    /// Closes `entity`'s periods through `through` (never moving the date back).
    pub fn close(&mut self, entity: LegalEntityId, through: Date) {
        let closed = self.closed_through.entry(entity).or_insert(through);
        *closed = (*closed).max(through);
    }

    /// Reopens `entity`'s periods from `from`; returns the year-end closings undone (years
    /// from `from`'s year on), whose entries must be reversed.
    pub fn reopen(&mut self, entity: LegalEntityId, from: Date) -> Vec<(i16, Lines)> {
        match from.yesterday() {
            Ok(day) if self.closed_through.contains_key(&entity) => {
                self.closed_through.insert(entity, day);
            }
            _ => {
                self.closed_through.remove(&entity);
            }
        }
        let years: Vec<i16> = self
            .closings
            .range((entity, from.year())..=(entity, i16::MAX))
            .map(|((_, y), _)| *y)
            .collect();
        years
            .into_iter()
            .filter_map(|y| self.closings.remove(&(entity, y)).map(|l| (y, l)))
            .collect()
    }

    /// The year-end closing entry of `entity` for `year`, when the year is closed.
    pub fn closing(&self, entity: LegalEntityId, year: i16) -> Option<&Lines> {
        self.closings.get(&(entity, year))
    }

    /// Records a year-end closing entry.
    pub fn record_closing(&mut self, entity: LegalEntityId, year: i16, lines: Lines) {
        self.closings.insert((entity, year), lines);
    }
}

/// The year-end closing entry for P&L balances `pnl` (account, currency, balance): each
/// balance zeroed against retained earnings, per currency.
pub fn closing_entry(pnl: impl IntoIterator<Item = (u16, Currency, Decimal)>) -> Lines {
    let mut lines: Lines = Vec::new();
    let mut retained: BTreeMap<&'static str, (Currency, Decimal)> = BTreeMap::new();
    for (account, currency, balance) in pnl {
        if balance.is_zero() || !is_profit_and_loss(account) {
            continue;
        }
        lines.push((account, currency, -balance));
        retained
            .entry(currency.code())
            .or_insert((currency, Decimal::ZERO))
            .1 += balance;
    }
    lines.sort_by_key(|(a, c, _)| (c.code(), *a));
    for (_, (currency, amount)) in retained {
        if !amount.is_zero() {
            lines.push((RETAINED_EARNINGS, currency, amount));
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn late_entries_post_on_the_first_open_day() {
        let mut p = Periods::default();
        assert_eq!(
            p.posting_date(LegalEntityId(1), date(2025, 6, 30)),
            date(2025, 6, 30)
        );
        p.close(LegalEntityId(1), date(2025, 6, 30));
        p.close(LegalEntityId(1), date(2025, 5, 31));
        assert_eq!(p.closed_through(LegalEntityId(1)), Some(date(2025, 6, 30)));
        assert_eq!(
            p.posting_date(LegalEntityId(1), date(2025, 6, 12)),
            date(2025, 7, 1)
        );
        assert_eq!(
            p.posting_date(LegalEntityId(1), date(2025, 7, 3)),
            date(2025, 7, 3)
        );
        assert_eq!(
            p.posting_date(LegalEntityId(2), date(2025, 6, 12)),
            date(2025, 6, 12)
        );
        assert!(p.reopen(LegalEntityId(1), date(2025, 6, 1)).is_empty());
        assert_eq!(p.closed_through(LegalEntityId(1)), Some(date(2025, 5, 31)));
    }

    #[test]
    fn the_closing_entry_moves_income_and_expenses_to_retained_earnings() {
        let eur: Currency = "EUR".parse().unwrap();
        let d = |s: &str| -> Decimal { s.parse().unwrap() };
        let lines = closing_entry([
            (4100, eur, d("-400.00")),
            (4200, eur, d("-540.00")),
            (5100, eur, d("28.40")),
            (1100, eur, d("38371.60")),
        ]);
        assert_eq!(
            lines,
            vec![
                (4100, eur, d("400.00")),
                (4200, eur, d("540.00")),
                (5100, eur, d("-28.40")),
                (RETAINED_EARNINGS, eur, d("-911.60")),
            ]
        );
    }
}
