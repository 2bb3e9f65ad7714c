//! Translation of a legal entity's journal into its reporting (functional) currency, the
//! way its end of day keeps it (docs/domain.md §7.3, IAS 21): the converted statements tie
//! to the ledger entry by entry, with no plug line.
//!
//! The end of day revalues foreign balances by the closing-rate method: a movement enters
//! the reporting currency at the closing rate of the first end of day that sees it, and the
//! balance carried from one end of day to the next earns the change of rate, booked in the
//! reporting currency (monetary items 1190 against FX P&L 4300, fair-valued securities 1220
//! against unrealised P&L 4200). Translating the journal the same way gives every account
//! its reporting-currency amount:
//!
//! - each foreign line of an entry is translated at the closing rate of the entity's first
//!   end of day logged at or after the entry (entries after the last end of day: the rate of
//!   the as-of date), rounded half-up to the reporting currency; the rounding residual of the
//!   entry is an FX difference, posted to 4300 in the translated entry, so every translated
//!   entry balances;
//! - the revaluation and translation entries are in the reporting currency already;
//! - a year-end close moves each income and expense account's translated amount of the year
//!   into retained earnings as it stands (the carrying amount, not retranslated), so the
//!   translated income statement and the translated retained earnings agree; reopening the
//!   year reverses exactly that.
//!
//! So the translated trial balance balances exactly, FX P&L included, and a converted
//! balance sheet that left out any account would not balance.

use std::collections::BTreeMap;

use jiff::civil::Date;
use rust_decimal::Decimal;

use super::chart::codes::{FX_REVALUATION, RETAINED_EARNINGS};
use super::derived::{EntryHeader, EntryKind};
use super::periods::is_profit_and_loss;
use crate::identifiers::Currency;
use crate::money::RoundingMode;

/// Why a journal cannot be translated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TranslationError {
    /// No rate for a currency on a date.
    #[error(
        "no {reporting}/{currency} rate on or before {date} to translate the {currency} entries"
    )]
    MissingRate {
        /// The reporting currency.
        reporting: Currency,
        /// The foreign currency.
        currency: Currency,
        /// The date the rate was needed for.
        date: Date,
    },
}

/// A journal entry to translate: its header and its lines (account, currency, debit
/// positive), in log order.
pub type EntryToTranslate<'a> = (&'a EntryHeader, &'a [(u16, Currency, Decimal)]);

/// One line of a translated entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TranslatedLine {
    /// The account.
    pub account: u16,
    /// The line's own currency.
    pub currency: Currency,
    /// Its amount in that currency (debit positive; zero for the entry's rounding line).
    pub amount: Decimal,
    /// Its amount in the reporting currency.
    pub translated: Decimal,
}

/// One translated entry: the header of the entry it translates and its lines with their
/// reporting-currency amounts, which balance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranslatedEntry {
    /// The entry's header.
    pub header: EntryHeader,
    /// Its lines.
    pub lines: Vec<TranslatedLine>,
}

/// Translates one legal entity's entries, given in log order, into `reporting`. `rate(c, d)`
/// is the latest closing rate on or before `d` in units of `c` per unit of `reporting`;
/// `as_of` is the date whose rate translates the entries after the last end of day.
pub fn translate(
    entries: &[EntryToTranslate<'_>],
    reporting: Currency,
    as_of: Date,
    rate: impl Fn(Currency, Date) -> Option<Decimal>,
) -> Result<Vec<TranslatedEntry>, TranslationError> {
    // The date of the end of day that first sees each entry: the next FX revaluation
    // entry's, walking back from the end.
    let mut closing = vec![as_of; entries.len()];
    let mut next = as_of;
    for (i, (header, _)) in entries.iter().enumerate().rev() {
        if header.kind == EntryKind::FxRevaluation {
            next = header.effective_date;
        }
        closing[i] = next;
    }
    let round = |v: Decimal| RoundingMode::HalfUp.round_to_currency(v, reporting);
    // Translated amounts of income and expense accounts by (account, currency, posting
    // year), for the year-end close; the translated closing entries by year, for reopening.
    let mut carrying: BTreeMap<(u16, &'static str, i16), Decimal> = BTreeMap::new();
    let mut closes: BTreeMap<i16, Vec<(u16, Decimal)>> = BTreeMap::new();
    let mut out = Vec::with_capacity(entries.len());
    for ((header, lines), date) in entries.iter().zip(closing) {
        let mut translated: Vec<TranslatedLine> = Vec::with_capacity(lines.len() + 1);
        let mut add = |account: u16, currency: Currency, amount: Decimal, value: Decimal| {
            translated.push(TranslatedLine {
                account,
                currency,
                amount,
                translated: value,
            })
        };
        match header.kind {
            EntryKind::YearEndClose { year } => {
                // Every income and expense account's translated amount of the year, as it
                // stands, moves to retained earnings.
                // (The foreign amounts move with them: the close's own lines.)
                let mut close = Vec::new();
                for ((account, _, y), held) in &carrying {
                    if *y == year && !held.is_zero() {
                        close.push((*account, -*held));
                        close.push((RETAINED_EARNINGS, *held));
                    }
                }
                for (account, currency, amount) in lines.iter() {
                    add(*account, *currency, *amount, Decimal::ZERO);
                }
                for (account, amount) in &close {
                    add(*account, reporting, Decimal::ZERO, *amount);
                }
                closes.insert(year, close);
            }
            EntryKind::YearEndCloseReversed { year } => {
                for (account, currency, amount) in lines.iter() {
                    add(*account, *currency, *amount, Decimal::ZERO);
                }
                for (account, amount) in closes.remove(&year).unwrap_or_default() {
                    add(account, reporting, Decimal::ZERO, -amount);
                }
            }
            _ => {
                let mut residual = Decimal::ZERO;
                for (account, currency, amount) in lines.iter() {
                    let value = if *currency == reporting {
                        *amount
                    } else {
                        let r = rate(*currency, date).filter(|r| !r.is_zero()).ok_or(
                            TranslationError::MissingRate {
                                reporting,
                                currency: *currency,
                                date,
                            },
                        )?;
                        round(*amount / r)
                    };
                    residual -= value;
                    add(*account, *currency, *amount, value);
                    if is_profit_and_loss(*account) {
                        *carrying
                            .entry((*account, currency.code(), header.posting_date.year()))
                            .or_default() += value;
                    }
                }
                if !residual.is_zero() {
                    // The entry's rounding in translation: an FX difference.
                    add(FX_REVALUATION, reporting, Decimal::ZERO, residual);
                    *carrying
                        .entry((FX_REVALUATION, reporting.code(), header.posting_date.year()))
                        .or_default() += residual;
                }
            }
        }
        out.push(TranslatedEntry {
            header: **header,
            lines: translated,
        });
    }
    Ok(out)
}

/// The reporting-currency balances of translated entries by account, with the foreign
/// monetary balances and fair-valued securities restated at the closing rate (`closing(c)`)
/// and the difference between that and their carried amounts moved into the translation
/// accounts that carry their revaluation (1190 for monetary items, 1220 for securities):
/// the balance sheet then shows a foreign balance at its closing value (zero when it is
/// zero), and the translation accounts only what rounding leaves. The total is unchanged,
/// so the balances still balance.
pub fn balances_at_closing_rates(
    translated: &[TranslatedEntry],
    reporting: Currency,
    closing: impl Fn(Currency) -> Option<Decimal>,
) -> Result<BTreeMap<u16, Decimal>, TranslationError> {
    use super::chart::codes::{FX_REVALUATION_ADJUSTMENT, SECURITIES_TRANSLATION};
    use super::valuation::{FAIR_VALUE_ACCOUNTS, MONETARY_ACCOUNTS};
    let mut balances: BTreeMap<u16, Decimal> = BTreeMap::new();
    let mut foreign: BTreeMap<(u16, &'static str), (Currency, Decimal, Decimal)> = BTreeMap::new();
    for entry in translated {
        for line in &entry.lines {
            *balances.entry(line.account).or_default() += line.translated;
            if line.currency != reporting {
                let f = foreign
                    .entry((line.account, line.currency.code()))
                    .or_insert((line.currency, Decimal::ZERO, Decimal::ZERO));
                f.1 += line.amount;
                f.2 += line.translated;
            }
        }
    }
    let round = |v: Decimal| RoundingMode::HalfUp.round_to_currency(v, reporting);
    for ((account, _), (currency, amount, carried)) in foreign {
        let into = if MONETARY_ACCOUNTS.contains(&account) {
            FX_REVALUATION_ADJUSTMENT
        } else if FAIR_VALUE_ACCOUNTS.contains(&account) {
            SECURITIES_TRANSLATION
        } else {
            continue;
        };
        let r =
            closing(currency)
                .filter(|r| !r.is_zero())
                .ok_or(TranslationError::MissingRate {
                    reporting,
                    currency,
                    date: Date::MAX,
                })?;
        let restated = round(amount / r) - carried;
        *balances.entry(account).or_default() += restated;
        *balances.entry(into).or_default() -= restated;
    }
    balances.retain(|_, v| !v.is_zero());
    Ok(balances)
}
