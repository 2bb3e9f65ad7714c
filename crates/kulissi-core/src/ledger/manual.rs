//! Manual journal entries (accruals, adjustments): proposed by a maker, posted only when a
//! different person approves them (four eyes), or rejected. They may not touch the control
//! accounts that sub-ledgers keep (cash, securities at cost and their valuation, unsettled
//! trades, clients' receivables and payables, client money, FX revaluation and
//! translation): those move only through their sub-ledgers, so the
//! general ledger always ties out to them.

use crate::ids::LegalEntityId;
use std::collections::HashMap;
use std::sync::Arc;

use jiff::civil::Date;

use super::chart::codes::*;
use super::periods::Lines;

/// Accounts only sub-ledgers post to.
pub const CONTROL_ACCOUNTS: [u16; 14] = [
    CASH,
    CLIENT_MONEY_AT_BANKS,
    FX_REVALUATION_ADJUSTMENT,
    SECURITIES_AT_COST,
    VALUATION_ADJUSTMENT,
    SECURITIES_TRANSLATION,
    UNSETTLED_SALES,
    RECEIVABLE_FROM_CLIENTS,
    RECEIVABLE_FROM_MARKET,
    UNSETTLED_PURCHASES,
    PAYABLE_TO_MARKET,
    PAYABLE_TO_CLIENTS,
    SECURITIES_SOLD_SHORT,
    CLIENT_MONEY,
];

/// Where a manual entry stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ManualEntryStatus {
    /// Waiting for a checker.
    Proposed,
    /// Approved and posted.
    Posted,
    /// Rejected.
    Rejected,
}

/// A manual journal entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManualEntry {
    /// Kulissi's id.
    pub id: u64,
    /// The maker's reference.
    pub reference: Arc<str>,
    /// Legal entity (id).
    pub legal_entity: LegalEntityId,
    /// The date it takes effect.
    pub effective_date: Date,
    /// What it is for.
    pub description: Box<str>,
    /// Its lines.
    pub lines: Lines,
    /// Who proposed it.
    pub maker: Box<str>,
    /// Where it stands.
    pub status: ManualEntryStatus,
}

/// Every manual entry, by id and reference.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ManualEntries {
    pub(crate) entries: Vec<ManualEntry>,
    pub(crate) by_reference: HashMap<Arc<str>, u64>,
}

impl ManualEntries {
    /// The id the next entry gets.
    pub fn next_id(&self) -> u64 {
        self.entries.len() as u64 + 1
    }

    /// The entry with `id`.
    pub fn get(&self, id: u64) -> Option<&ManualEntry> {
        id.checked_sub(1)
            .and_then(|i| self.entries.get(usize::try_from(i).ok()?))
    }

    /// The entry proposed under `reference`.
    pub fn by_reference(&self, reference: &str) -> Option<&ManualEntry> {
        self.by_reference
            .get(reference)
            .and_then(|id| self.get(*id))
    }

    /// Records a proposal.
    pub fn propose(&mut self, entry: ManualEntry) {
        self.by_reference.insert(entry.reference.clone(), entry.id);
        self.entries.push(entry);
    }

    /// Sets an entry's status.
    pub fn set_status(&mut self, id: u64, status: ManualEntryStatus) {
        if let Some(e) = id
            .checked_sub(1)
            .and_then(|i| self.entries.get_mut(usize::try_from(i).ok()?))
        {
            e.status = status;
        }
    }
}
