//! Journal entries: balanced per currency, immutable, corrected by reversal.

use crate::ids::TradeId;
use jiff::civil::Date;
use rust_decimal::Decimal;

use crate::identifiers::Currency;

/// One line: a debit or a credit (never both) to an account in a currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JournalLine {
    /// Account code.
    pub account: u16,
    /// Currency of the amounts.
    pub currency: Currency,
    /// Debit amount (zero on a credit line).
    pub debit: Decimal,
    /// Credit amount (zero on a debit line).
    pub credit: Decimal,
}

impl JournalLine {
    /// A debit of `amount` (a negative amount becomes a credit).
    pub fn debit(account: u16, currency: Currency, amount: Decimal) -> JournalLine {
        if amount.is_sign_negative() {
            JournalLine {
                account,
                currency,
                debit: Decimal::ZERO,
                credit: -amount,
            }
        } else {
            JournalLine {
                account,
                currency,
                debit: amount,
                credit: Decimal::ZERO,
            }
        }
    }

    /// A credit of `amount` (a negative amount becomes a debit).
    pub fn credit(account: u16, currency: Currency, amount: Decimal) -> JournalLine {
        JournalLine::debit(account, currency, -amount)
    }

    /// Debit minus credit.
    pub fn net(&self) -> Decimal {
        self.debit - self.credit
    }
}

/// Why an entry is not a valid journal entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    /// Debits and credits differ in a currency.
    #[error("entry does not balance in {currency}: debits exceed credits by {difference}")]
    Unbalanced {
        /// The currency.
        currency: Currency,
        /// Debits minus credits.
        difference: Decimal,
    },
    /// The entry has no lines with an amount.
    #[error("entry has no amounts")]
    Empty,
}

/// A journal entry: dated lines that balance in every currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalEntry {
    /// The date it takes effect (value date of the business event).
    pub effective_date: Date,
    /// What it records, for people.
    pub description: String,
    /// The trade it comes from, if any.
    pub trade_id: Option<TradeId>,
    /// The lines; zero lines are dropped.
    pub lines: Vec<JournalLine>,
}

impl JournalEntry {
    /// Builds an entry, dropping zero lines, and checks that it balances in every currency.
    pub fn new(
        effective_date: Date,
        description: impl Into<String>,
        trade_id: Option<TradeId>,
        lines: impl IntoIterator<Item = JournalLine>,
    ) -> Result<JournalEntry, EntryError> {
        let lines: Vec<JournalLine> = lines.into_iter().filter(|l| !l.net().is_zero()).collect();
        if lines.is_empty() {
            return Err(EntryError::Empty);
        }
        let entry = JournalEntry {
            effective_date,
            description: description.into(),
            trade_id,
            lines,
        };
        entry.check_balanced()?;
        Ok(entry)
    }

    /// Checks that debits equal credits in every currency of the entry.
    pub fn check_balanced(&self) -> Result<(), EntryError> {
        let mut per_currency: Vec<(Currency, Decimal)> = Vec::new();
        for line in &self.lines {
            match per_currency.iter_mut().find(|(c, _)| *c == line.currency) {
                Some((_, total)) => *total += line.net(),
                None => per_currency.push((line.currency, line.net())),
            }
        }
        match per_currency.into_iter().find(|(_, total)| !total.is_zero()) {
            Some((currency, difference)) => Err(EntryError::Unbalanced {
                currency,
                difference,
            }),
            None => Ok(()),
        }
    }

    /// The exact mirror of this entry (debits become credits), dated `effective_date`: the
    /// first half of a correction.
    pub fn reversal(&self, effective_date: Date) -> JournalEntry {
        JournalEntry {
            effective_date,
            description: format!("Reversal: {}", self.description),
            trade_id: self.trade_id,
            lines: self
                .lines
                .iter()
                .map(|l| JournalLine {
                    debit: l.credit,
                    credit: l.debit,
                    ..*l
                })
                .collect(),
        }
    }
}
