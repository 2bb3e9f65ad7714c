//! Breaks as engine state (docs/domain.md §8): `open → assigned → investigating →
//! pending (internal fix or counterparty) → resolved` with a resolution code, or closed by
//! a later run that matches; write-offs through maker and checker. Also the statements
//! loaded (by digest, so one is never loaded twice) and every run with its result's digest.

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::civil::Date;
use rust_decimal::Decimal;

use super::matching::{BreakClass, ReconKey};
use super::views::ReconDefinition;
use crate::ids::LegalEntityId;

/// Where a break stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BreakStatus {
    /// Found, nobody on it yet.
    Open,
    /// Someone owns it.
    Assigned,
    /// Being looked into.
    Investigating,
    /// Waiting for a fix of ours.
    PendingInternal,
    /// Waiting for the counterparty or custodian.
    PendingCounterparty,
    /// Resolved by a person, with a resolution code.
    Resolved,
    /// Closed by a later run that matched it.
    Closed,
}

impl BreakStatus {
    /// Every status, in lifecycle order.
    pub const ALL: [BreakStatus; 7] = [
        BreakStatus::Open,
        BreakStatus::Assigned,
        BreakStatus::Investigating,
        BreakStatus::PendingInternal,
        BreakStatus::PendingCounterparty,
        BreakStatus::Resolved,
        BreakStatus::Closed,
    ];

    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            BreakStatus::Open => "open",
            BreakStatus::Assigned => "assigned",
            BreakStatus::Investigating => "investigating",
            BreakStatus::PendingInternal => "pending_internal",
            BreakStatus::PendingCounterparty => "pending_counterparty",
            BreakStatus::Resolved => "resolved",
            BreakStatus::Closed => "closed",
        }
    }

    /// The status named `name`.
    pub fn parse(name: &str) -> Option<BreakStatus> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Whether it is still to be worked.
    pub fn is_open(self) -> bool {
        !matches!(self, BreakStatus::Resolved | BreakStatus::Closed)
    }

    /// The code in the log.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The status with code `code`.
    pub fn from_code(code: u8) -> Option<BreakStatus> {
        Self::ALL.get(usize::from(code)).copied()
    }
}

/// What a run found on one key, as the log records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreakFinding {
    /// The key.
    pub key: ReconKey,
    /// The class.
    pub class: BreakClass,
    /// Our value.
    pub ours: Option<Decimal>,
    /// The statement's.
    pub theirs: Option<Decimal>,
}

impl BreakFinding {
    /// Theirs − ours.
    pub fn difference(&self) -> Decimal {
        self.theirs.unwrap_or_default() - self.ours.unwrap_or_default()
    }
}

/// One break and its history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    /// Its number (from 1).
    pub id: u64,
    /// The reconciliation.
    pub definition: ReconDefinition,
    /// The legal entity.
    pub legal_entity: LegalEntityId,
    /// What the last run that saw it found.
    pub finding: BreakFinding,
    /// The statement date it was first found on.
    pub opened: Date,
    /// The statement date it was last found on.
    pub last_seen: Date,
    /// Where it stands.
    pub status: BreakStatus,
    /// Who owns it.
    pub assignee: Option<Arc<str>>,
    /// Comments: who, what.
    pub comments: Vec<(Arc<str>, Arc<str>)>,
    /// The resolution: code and comment.
    pub resolution: Option<(Arc<str>, Arc<str>)>,
    /// A write-off asked for.
    pub write_off: Option<WriteOff>,
}

/// A write-off: its maker, why, and its checker once approved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteOff {
    /// Who asked for it.
    pub maker: Arc<str>,
    /// Why.
    pub reason: Arc<str>,
    /// Who approved it (another person).
    pub checker: Option<Arc<str>>,
}

/// One run, as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReconRun {
    /// The reconciliation.
    pub definition: ReconDefinition,
    /// The legal entity.
    pub legal_entity: LegalEntityId,
    /// The statement date.
    pub as_of: Date,
    /// The statement's name (its file).
    pub statement: Arc<str>,
    /// The statement's digest (SHA-256, hex).
    pub digest: Arc<str>,
    /// Keys compared.
    pub items: u64,
    /// Keys matched (with or without a difference).
    pub matched: u64,
    /// The digest of its inputs and result: the same log gives the same digest.
    pub result_digest: u64,
}

/// A source's names for our columns: (our column, its column).
pub type ColumnMapping = Vec<(Arc<str>, Arc<str>)>;

/// Every break, statement and run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReconBook {
    /// Breaks by id − 1.
    pub breaks: Vec<Break>,
    /// Statements loaded: digest → name.
    pub statements: BTreeMap<Arc<str>, Arc<str>>,
    /// Runs in order.
    pub runs: Vec<ReconRun>,
    /// Saved column mappings of statement sources: source → (reconciliation, our column →
    /// the source's column).
    pub mappings: BTreeMap<Arc<str>, (ReconDefinition, ColumnMapping)>,
    /// Trades affirmed by a counterparty's confirmation (source:external id).
    pub affirmed: std::collections::BTreeSet<String>,
    /// Whether trades with an open confirmation break wait for it before they are
    /// instructed.
    pub block_unconfirmed: bool,
    /// Tolerances set per reconciliation (the definition's own when not set).
    pub tolerances: BTreeMap<ReconDefinition, super::matching::Tolerance>,
}

impl ReconBook {
    /// The tolerance `definition` runs with.
    pub fn tolerance(&self, definition: ReconDefinition) -> super::matching::Tolerance {
        self.tolerances
            .get(&definition)
            .copied()
            .unwrap_or_else(|| definition.tolerance())
    }

    /// The break with `id`.
    pub fn get(&self, id: u64) -> Option<&Break> {
        id.checked_sub(1)
            .and_then(|i| self.breaks.get(usize::try_from(i).ok()?))
    }

    pub(crate) fn get_mut(&mut self, id: u64) -> Option<&mut Break> {
        id.checked_sub(1)
            .and_then(|i| self.breaks.get_mut(usize::try_from(i).ok()?))
    }

    /// The open break of a definition on a key, if any.
    pub fn open_on(
        &self,
        definition: ReconDefinition,
        legal_entity: LegalEntityId,
        key: &ReconKey,
    ) -> Option<&Break> {
        self.breaks.iter().find(|b| {
            b.status.is_open()
                && b.definition == definition
                && b.legal_entity == legal_entity
                && b.finding.key == *key
        })
    }
}

/// Whether a person may move a break from `from` to `to` by hand: any open status to any
/// other open one, or to resolved; nothing out of resolved or closed (a later run that
/// finds the key again opens a new break).
pub fn may_move(from: BreakStatus, to: BreakStatus) -> bool {
    from.is_open() && to != BreakStatus::Closed && from != to
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_move_open_breaks_and_nothing_moves_a_finished_one() {
        use BreakStatus::*;
        assert!(may_move(Open, Assigned));
        assert!(may_move(Assigned, Investigating));
        assert!(may_move(Investigating, PendingCounterparty));
        assert!(may_move(PendingInternal, Resolved));
        assert!(!may_move(Open, Closed), "only a run closes a break");
        assert!(!may_move(Resolved, Open));
        assert!(!may_move(Closed, Investigating));
        for s in BreakStatus::ALL {
            assert_eq!(BreakStatus::parse(s.name()), Some(s));
            assert_eq!(BreakStatus::from_code(s.code()), Some(s));
        }
    }
}
