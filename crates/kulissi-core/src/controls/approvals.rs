//! Maker-checker (four eyes, docs/domain.md §10): the commands of a configurable set of kinds
//! wait as requests until a second person approves them. The request keeps the command as
//! the message line it was made from and the command's digest; the approval carries the
//! command again and executes only if the digest matches, so the checker approves exactly
//! what the maker asked, once. Manual journals and write-offs keep their own
//! propose-approve commands and share the checker rules of their kinds.

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;

use super::ControlError;
use super::roles::Permission;
use super::staff::Department;

/// A kind of change that needs a second person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ApprovalKind {
    /// Legal entities, counterparties, instruments, books, accounts, fee schedules,
    /// ledger accounts, netting sets.
    ReferenceData,
    /// Standing settlement instructions.
    Ssi,
    /// Amending or cancelling a trade after it was instructed for settlement.
    TradeAfterInstruction,
    /// A user's roles.
    RoleChange,
    /// Overdraft limits and settlement and reconciliation tolerances.
    Limit,
    /// Closing or reopening a period, closing a year.
    PeriodClose,
    /// A manual journal entry (its own propose-approve commands).
    ManualJournal,
    /// A break write-off (its own request-approve commands).
    WriteOff,
}

impl ApprovalKind {
    /// Every kind.
    pub const ALL: [ApprovalKind; 8] = [
        ApprovalKind::ReferenceData,
        ApprovalKind::Ssi,
        ApprovalKind::TradeAfterInstruction,
        ApprovalKind::RoleChange,
        ApprovalKind::Limit,
        ApprovalKind::PeriodClose,
        ApprovalKind::ManualJournal,
        ApprovalKind::WriteOff,
    ];

    /// Its wire name.
    pub fn name(self) -> &'static str {
        match self {
            ApprovalKind::ReferenceData => "reference_data",
            ApprovalKind::Ssi => "ssi",
            ApprovalKind::TradeAfterInstruction => "trade_after_instruction",
            ApprovalKind::RoleChange => "role_change",
            ApprovalKind::Limit => "limit",
            ApprovalKind::PeriodClose => "period_close",
            ApprovalKind::ManualJournal => "manual_journal",
            ApprovalKind::WriteOff => "write_off",
        }
    }

    /// The kind of a wire name.
    pub fn parse(name: &str) -> Result<ApprovalKind, ControlError> {
        ApprovalKind::ALL
            .into_iter()
            .find(|k| k.name() == name)
            .ok_or_else(|| ControlError::UnknownApprovalKind(name.to_owned()))
    }

    pub(crate) fn code(self) -> u8 {
        ApprovalKind::ALL
            .iter()
            .position(|k| *k == self)
            .unwrap_or(0) as u8
    }

    pub(crate) fn from_code(code: u8) -> Option<ApprovalKind> {
        ApprovalKind::ALL.get(usize::from(code)).copied()
    }

    /// The departments whose staff may check it: the back office checks the back office's
    /// changes; the front office checks nothing.
    pub fn checker_departments(self) -> &'static [Department] {
        match self {
            ApprovalKind::ReferenceData => &[Department::Operations, Department::MiddleOffice],
            ApprovalKind::Ssi | ApprovalKind::TradeAfterInstruction => &[Department::Operations],
            ApprovalKind::RoleChange => &[Department::Hr, Department::It],
            ApprovalKind::Limit => &[Department::MiddleOffice, Department::Finance],
            ApprovalKind::PeriodClose | ApprovalKind::ManualJournal | ApprovalKind::WriteOff => {
                &[Department::Finance]
            }
        }
    }

    /// The permission a checker needs.
    pub fn checker_permission(self) -> Permission {
        match self {
            ApprovalKind::ReferenceData | ApprovalKind::Ssi => Permission::ApproveReferenceData,
            ApprovalKind::TradeAfterInstruction => Permission::ApproveTrades,
            ApprovalKind::RoleChange => Permission::ApproveRoles,
            ApprovalKind::Limit => Permission::ApproveLimits,
            ApprovalKind::PeriodClose => Permission::ApprovePeriodClose,
            ApprovalKind::ManualJournal => Permission::ApproveJournals,
            ApprovalKind::WriteOff => Permission::ApproveWriteOffs,
        }
    }
}

/// Where a request stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestStatus {
    /// Waiting for a checker (until it expires).
    Pending,
    /// Approved and executed.
    Approved {
        /// The checker.
        checker: String,
        /// When.
        at: Timestamp,
    },
    /// Rejected.
    Rejected {
        /// The checker.
        checker: String,
        /// When.
        at: Timestamp,
        /// Why.
        reason: String,
    },
}

/// A command waiting for a second person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalRequest {
    /// Its id.
    pub id: u64,
    /// Its kind.
    pub kind: ApprovalKind,
    /// The maker (login name).
    pub maker: String,
    /// The command as a message line (what the checker reads).
    pub payload: String,
    /// The command's digest (what the approval must match).
    pub digest: u64,
    /// When it was asked.
    pub requested_at: Timestamp,
    /// When it lapses unapproved.
    pub expires_at: Timestamp,
    /// Where it stands.
    pub status: RequestStatus,
}

impl ApprovalRequest {
    /// Its status name at `now`: pending, expired, approved or rejected.
    pub fn status_name(&self, now: Timestamp) -> &'static str {
        match self.status {
            RequestStatus::Pending if now > self.expires_at => "expired",
            RequestStatus::Pending => "pending",
            RequestStatus::Approved { .. } => "approved",
            RequestStatus::Rejected { .. } => "rejected",
        }
    }
}

/// The requests, and the kinds that need approval.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approvals {
    /// Requests by id.
    pub requests: BTreeMap<u64, ApprovalRequest>,
    /// The kinds that need a second person (all of them unless a policy says otherwise).
    pub policy: BTreeSet<ApprovalKind>,
}

impl Default for Approvals {
    fn default() -> Self {
        Approvals {
            requests: BTreeMap::new(),
            policy: ApprovalKind::ALL.into_iter().collect(),
        }
    }
}

impl Approvals {
    /// The next request id.
    pub fn next_id(&self) -> u64 {
        self.requests.keys().next_back().map_or(1, |id| id + 1)
    }
}
