//! Internal control, compliance and HR (docs/domain.md §10): the staff directory and its
//! users and tokens ([`staff`]), roles and the permission table ([`roles`]), maker-checker
//! requests ([`approvals`]), the restricted list and surveillance alerts ([`compliance`]).
//! The engine's part (decide and apply of these commands, the segregation-of-duties rules)
//! is `engine/controls.rs`.

pub mod approvals;
pub mod commands;
pub mod compliance;
pub mod roles;
pub mod staff;

use approvals::{ApprovalKind, Approvals};
use compliance::Compliance;
use staff::{Department, Directory};

/// Everything internal control keeps.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Controls {
    /// Employees, users, tokens.
    pub directory: Directory,
    /// Maker-checker requests and policy.
    pub approvals: Approvals,
    /// Restricted list and alerts.
    pub compliance: Compliance,
}

/// Why a control refused a command.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ControlError {
    /// Not a role.
    #[error(
        "unknown role '{0}': expected trader, risk, settlements, reconciliations, accountant, compliance_officer, hr_administrator, system_administrator or auditor"
    )]
    UnknownRole(String),
    /// Not a department.
    #[error(
        "unknown department '{0}': expected front_office, middle_office, operations, finance, compliance, it or hr"
    )]
    UnknownDepartment(String),
    /// Not an approval kind.
    #[error(
        "unknown approval kind '{0}': expected reference_data, ssi, trade_after_instruction, role_change, limit, period_close, manual_journal or write_off"
    )]
    UnknownApprovalKind(String),
    /// No such employee.
    #[error("unknown employee {0}")]
    UnknownEmployee(String),
    /// The employee exists already.
    #[error("employee {0} exists already")]
    EmployeeExists(String),
    /// The employee has left.
    #[error("employee {0} has left")]
    EmployeeLeft(String),
    /// No such user, or not in service.
    #[error("unknown or inactive user {0}")]
    UnknownUser(String),
    /// The user exists already.
    #[error("user {0} exists already")]
    UserExists(String),
    /// No such token.
    #[error("unknown API token {0}")]
    UnknownToken(u64),
    /// A token asks for roles its user does not hold.
    #[error("a token of {username} cannot hold roles its user does not: {roles}")]
    TokenBeyondUser {
        /// The user.
        username: String,
        /// The roles asked beyond theirs.
        roles: String,
    },
    /// A token hash seen before.
    #[error("this API token was issued before")]
    TokenReused,
    /// Only a signed-in person may do this.
    #[error("only a person with a user may {0}")]
    PersonOnly(&'static str),
    /// A person may not change their own roles.
    #[error("{0} cannot change their own roles")]
    OwnRoles(String),
    /// A command of a kind that needs approval, sent directly.
    #[error("a {} change needs a second person: send it as an approval request", kind.name())]
    ApprovalRequired {
        /// Its kind.
        kind: ApprovalKind,
    },
    /// A command that no approval covers.
    #[error("this command is not one that goes through approval")]
    NotApprovable,
    /// No such request.
    #[error("unknown approval request {0}")]
    UnknownRequest(u64),
    /// The request is no longer pending.
    #[error("approval request {id} is {status}, not pending")]
    RequestNotPending {
        /// The request.
        id: u64,
        /// Its status.
        status: &'static str,
    },
    /// The maker tried to check their own request.
    #[error("{0} made this request and cannot approve or reject it: a second person must")]
    SelfApproval(String),
    /// The checker's department may not check this kind.
    #[error("{checker} is in {}, which does not check {} changes (checked by {})", department.name(), kind.name(), kind.checker_departments().iter().map(|d| d.name()).collect::<Vec<_>>().join(", "))]
    WrongDepartment {
        /// The checker.
        checker: String,
        /// Their department.
        department: Department,
        /// The request's kind.
        kind: ApprovalKind,
    },
    /// The person lacks the permission.
    #[error("{username} lacks the permission {permission}")]
    Forbidden {
        /// The person.
        username: String,
        /// The permission (its name).
        permission: String,
    },
    /// The approval names another command than the request.
    #[error("approval request {0}: the command approved is not the command requested")]
    CommandMismatch(u64),
    /// The instrument is on the restricted list.
    #[error("{isin} is on the restricted list (entry {entry}: {reason}); trading is blocked")]
    Restricted {
        /// The instrument.
        isin: crate::identifiers::Isin,
        /// The entry.
        entry: u64,
        /// Its reason.
        reason: String,
    },
    /// No such restricted-list entry (or lifted already).
    #[error("no standing restricted-list entry {0}")]
    UnknownRestriction(u64),
    /// No such alert.
    #[error("unknown alert {0}")]
    UnknownAlert(u64),
    /// The alert is closed.
    #[error("alert {0} is closed")]
    AlertClosed(u64),
    /// A threshold out of range.
    #[error("{0}")]
    BadSetting(&'static str),
}
