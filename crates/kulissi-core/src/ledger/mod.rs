//! The general ledger's pure core: the chart of accounts, journal entries that balance per
//! currency, the posting rules that turn trades and their settlement into entries under
//! trade-date accounting, mark-to-market, and the trial balance.
//!
//! Entries are derived, never typed: every journal entry comes from a posting rule applied
//! to something the engine knows (a trade version, a settlement, a price), so the general
//! ledger agrees with the sub-ledgers by construction. Entries are immutable; a correction
//! is a reversal (the exact mirror) followed by the right entry.
//!
//! The engine keeps [`LedgerBalances`] from its trade and settlement events with the rules of
//! `derived.rs`; the journal itself is derived from the log when asked for, never stored
//! twice. End of day marks positions to market and revalues foreign-currency balances
//! (`valuation.rs`); periods close, reopen and close the year (`periods.rs`). The engine
//! reproduces docs/domain.md §7 to the cent (`engine/tests/valuation_and_cash.rs`). Reports
//! (trial balance, statements) are built from these balances and the journal in
//! `kulissi-app`'s `reports`.

mod balances;
mod chart;
mod derived;
mod journal;
mod manual;
mod periods;
mod posting;
mod statements;
mod translation;
mod trial_balance;
mod valuation;

pub use balances::{LedgerBalances, Netting};
pub use chart::{AccountType, ChartOfAccounts, LedgerAccount, codes};
pub use derived::{
    CostChange, EntryHeader, EntryKind, Journal, NoJournal, Sink, Version, post_settlement_part,
    post_trade_event, settlement_part, trade_event,
};
pub use journal::{EntryError, JournalEntry, JournalLine};
pub use manual::{CONTROL_ACCOUNTS, ManualEntries, ManualEntry, ManualEntryStatus};
pub use periods::{Lines, Periods, closing_entry, is_profit_and_loss};
pub use posting::release_valuation;
pub use statements::{
    Statement, StatementLine, StatementSection, balance_sheets, income_statements,
};
pub use translation::{
    EntryToTranslate, TranslatedEntry, TranslatedLine, TranslationError, balances_at_closing_rates,
    translate,
};
pub use trial_balance::{TrialBalance, TrialBalanceRow};
pub use valuation::{
    FAIR_VALUE_ACCOUNTS, FxRevaluation, MONETARY_ACCOUNTS, PositionMark, Valuations,
    revaluation_gain, target_adjustment,
};

#[cfg(test)]
mod tests;
