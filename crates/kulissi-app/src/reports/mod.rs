//! Reports: what the back office shows of its books, computed here once for every door (the
//! CLI today, the server to come) and rendered for people or programs.
//!
//! Each report is a typed value (rows of typed fields, money as exact [`Decimal`]s, never
//! floats) built by one function from the store and the report's parameters:
//!
//! - [`trial_balance`]: every account's balance per currency, with totals and profit.
//! - [`account_statement`]: one account's entries between two dates, with opening, running
//!   and closing balances, each line naming its event and trade.
//! - [`balance_sheet`] and [`income_statement`]: per currency and converted into the
//!   reporting currency at closing rates.
//! - [`trade_list`] and [`trade_history`]: current trade versions, and one trade version by
//!   version with its economics.
//! - [`positions_as_of`] (trade-date and settlement-date quantities on a date) and
//!   [`positions_after_event`] (the engine's positions replayed to a sequence number).
//! - [`cash_balances`]: posted, held and available cash per account and currency.
//! - [`netting`]: the instructions a settlement date's trades settle by, net and gross.
//! - [`fails`]: trades unsettled after their intended settlement date, aged and bucketed,
//!   with the CSDR penalty accrued; [`penalties`]: a month's penalties per counterparty and
//!   currency, payable, receivable and net.
//! - [`settlement_queue`]: every instruction with its status, reasons, matched, hold and
//!   what has settled; [`settlement_exceptions`]: the exception queue.
//! - [`recon_breaks`]: the reconciliation breaks with both sides, status, owner, age,
//!   bucket and escalation, and each run's auto-match rate.
//! - [`corporate_actions`] and [`entitlements`]: announcements and where they stand; a
//!   dividend's entitlements per account with holder of record and market claim.
//!
//! Every report implements [`Report`], so [`render`] writes it as a table, CSV or JSON
//! ([`Format`]). JSON writes amounts as strings, so no reader turns them into floats.
//!
//! **Which date a ledger report goes by.** A journal entry has an effective date (when the
//! business event took effect) and a posting date (the first open day, when the effective
//! date falls in a closed period). Ledger reports select entries by the effective date unless
//! asked for the posting date ([`DateBasis`]): by effective date a report as of a date shows
//! what belongs to that date, late entries included; by posting date it shows the books as
//! they were posted, so the report of a closed period never changes.

mod cash;
mod corporate_actions;
mod fails;
mod financial_statements;
mod netting;
mod positions;
mod reconciliation;
mod render;
mod settlement_queue;
mod statement;
mod trades;
mod trial_balance;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

use jiff::civil::Date;
use kulissi_core::engine::State;
use kulissi_core::identifiers::{Currency, Lei};
use kulissi_core::ledger::{ChartOfAccounts, EntryHeader};
use kulissi_store::{EventStore, StoreError};
use rust_decimal::Decimal;

use crate::{AppError, read_journal};

pub use cash::{CashBalanceLine, CashBalances, cash_balances};
pub use corporate_actions::{
    CorporateActionLine, CorporateActionList, EntitlementLine, Entitlements, EntitlementsError,
    corporate_actions, entitlements,
};
pub use fails::{
    FailLine, FailTotals, FailsReport, PenaltiesReport, PenaltyLine, fails, penalties,
};
pub use financial_statements::{
    ConversionError, FinancialStatements, StatementKind, balance_sheet, balance_sheet_of,
    income_statement, income_statement_of,
};
pub use netting::{NettingLine, NettingReport, netting};
pub use positions::{
    DatePosition, HeldPosition, PositionsAfterEvent, PositionsAsOf, positions_after_event,
    positions_as_of,
};
pub use reconciliation::{BreakLine, BreaksReport, recon_breaks};
pub use render::{Cell, Format, Report, render, write_csv};
pub use settlement_queue::{
    QueueFilter, QueueLine, SettlementExceptions, SettlementQueue, settlement_exceptions,
    settlement_queue,
};
pub use statement::{
    AccountStatement, AccountStatementQuery, CurrencyStatement, StatementEntry, account_statement,
};
pub use trades::{
    TradeHistory, TradeLine, TradeList, TradeRef, TradeVersion, VersionDetails, trade_history,
    trade_list,
};
pub use trial_balance::{
    CurrencyTotals, TrialBalanceLine, TrialBalanceQuery, TrialBalanceReport, trial_balance,
};

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The log does not replay.
    #[error(transparent)]
    App(#[from] AppError),
    /// The legal entity asked for is not defined.
    #[error("no legal entity {0} is defined")]
    UnknownLegalEntity(Lei),
    /// The trade asked for is not known.
    #[error("no trade {0}")]
    UnknownTrade(TradeRef),
    /// A read-model row does not hold what it should.
    #[error("read model: {0}")]
    ReadModel(String),
}

/// The date a ledger report selects and orders entries by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateBasis {
    /// When the business event took effect (trade date, settlement date, the date of a
    /// manual entry): an entry reported late counts on the date it belongs to.
    #[default]
    Effective,
    /// When the entry was posted: its effective date, or the first open day when that fell
    /// in a closed period. A closed period's report by posting date never changes.
    Posting,
}

impl DateBasis {
    /// The date of `header` on this basis.
    pub fn date_of(self, header: &EntryHeader) -> Date {
        match self {
            DateBasis::Effective => header.effective_date,
            DateBasis::Posting => header.posting_date,
        }
    }

    /// `effective` or `posting`.
    pub fn name(self) -> &'static str {
        match self {
            DateBasis::Effective => "effective",
            DateBasis::Posting => "posting",
        }
    }
}

impl FromStr for DateBasis {
    type Err = String;

    fn from_str(s: &str) -> Result<DateBasis, String> {
        match s {
            "effective" => Ok(DateBasis::Effective),
            "posting" => Ok(DateBasis::Posting),
            _ => Err(format!("expected effective or posting, found '{s}'")),
        }
    }
}

impl std::fmt::Display for DateBasis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Natural keys of reference data by kind and id (ISIN, account code, ...), for display.
#[derive(Debug, Default)]
pub(crate) struct Names(HashMap<(&'static str, u32), String>);

impl Names {
    /// Reads them from the reference-data read model.
    pub(crate) fn load(store: &impl EventStore) -> Result<Names, StoreError> {
        Ok(Names(
            store
                .read_models()?
                .reference
                .into_iter()
                .map(|r| ((r.kind, r.id), r.natural_key))
                .collect(),
        ))
    }

    /// The natural key of `kind` `id`, or `?`.
    pub(crate) fn get(&self, kind: &'static str, id: u32) -> &str {
        self.0.get(&(kind, id)).map_or("?", String::as_str)
    }
}

/// The id of the legal entity `lei` in `state`.
fn entity_id(state: &State, lei: Lei) -> Result<kulissi_core::ids::LegalEntityId, ReportError> {
    state
        .refdata
        .legal_entities
        .id(&lei)
        .ok_or(ReportError::UnknownLegalEntity(lei))
}

/// An account's name in `chart`, or a note that the chart does not have it.
fn account_name(chart: &ChartOfAccounts, account: u16) -> String {
    chart
        .get(account)
        .map_or_else(|| "(not in the chart)".to_owned(), |a| a.name.clone())
}

/// The journal summed by account and currency over the entries dated (on `basis`) within
/// `from..=to`, in one legal entity's books or in all.
struct JournalSums<'a> {
    /// The state the log replays to.
    state: &'a State,
    /// The legal entity asked for (its id).
    entity: Option<kulissi_core::ids::LegalEntityId>,
    /// The chart of that entity, or the default chart.
    chart: ChartOfAccounts,
    /// Debit-positive sums by (currency code, account).
    sums: BTreeMap<(&'static str, u16), (Currency, Decimal)>,
    /// Every entry of the journal in log order (for translation, which needs them all).
    entries: &'a [LoggedEntry],
}

/// One journal entry with its lines (account, currency, debit-positive amount).
pub type LoggedEntry = (EntryHeader, Vec<(u16, Currency, Decimal)>);

/// The journal read back: the state the log replays to and every entry in log order. A
/// reader that keeps one (the workbench's journal) makes the ledger reports from it
/// without replaying the log again ([`balance_sheet_of`], [`income_statement_of`]).
#[derive(Debug, Clone, Copy)]
pub struct JournalBook<'a> {
    /// The state the entries lead to.
    pub state: &'a State,
    /// Every entry, in log order.
    pub entries: &'a [LoggedEntry],
}

/// Replays the log: the state reached and every journal entry.
fn read_all(store: &impl EventStore) -> Result<(State, Vec<LoggedEntry>), ReportError> {
    let mut entries = Vec::new();
    let state = read_journal::<_, ReportError>(store, None, |entry| {
        entries.push((*entry.header, entry.lines.to_vec()));
        Ok(())
    })?;
    Ok((state, entries))
}

impl<'a> JournalSums<'a> {
    fn of(
        book: JournalBook<'a>,
        from: Option<Date>,
        to: Option<Date>,
        basis: DateBasis,
        legal_entity: Option<Lei>,
    ) -> Result<JournalSums<'a>, ReportError> {
        let mut per_entity: BTreeMap<
            (kulissi_core::ids::LegalEntityId, &'static str, u16),
            (Currency, Decimal),
        > = BTreeMap::new();
        for (header, lines) in book.entries {
            let date = basis.date_of(header);
            if from.is_some_and(|f| date < f) || to.is_some_and(|t| date > t) {
                continue;
            }
            for (account, currency, amount) in lines {
                per_entity
                    .entry((header.legal_entity, currency.code(), *account))
                    .or_insert((*currency, Decimal::ZERO))
                    .1 += *amount;
            }
        }
        let state = book.state;
        let entity = legal_entity.map(|lei| entity_id(state, lei)).transpose()?;
        let chart = match entity {
            Some(id) => state.chart_of(id),
            None => ChartOfAccounts::broker_dealer(),
        };
        let mut sums: BTreeMap<(&'static str, u16), (Currency, Decimal)> = BTreeMap::new();
        for ((e, code, account), (currency, amount)) in per_entity {
            if entity.is_none_or(|id| id == e) {
                sums.entry((code, account))
                    .or_insert((currency, Decimal::ZERO))
                    .1 += amount;
            }
        }
        Ok(JournalSums {
            state,
            entity,
            chart,
            sums,
            entries: book.entries,
        })
    }
}
