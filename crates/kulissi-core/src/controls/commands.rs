//! The commands and events of internal control: joiners, movers and leavers; users, their
//! passwords, roles and tokens; approval requests and their outcome; the restricted list,
//! surveillance thresholds and alerts. They travel as `Command::Control` and
//! `Event::Control`.

use std::collections::BTreeSet;

use jiff::Timestamp;
use jiff::civil::Date;

use super::approvals::{ApprovalKind, ApprovalRequest};
use super::compliance::{Alert, AlertAction, RestrictedEntry, SurveillanceSettings};
use super::roles::Role;
use super::staff::{ApiToken, Department, Employee, User};
use crate::engine::Command;
use crate::identifiers::Isin;

/// What internal control can be asked to do.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ControlCommand {
    /// A joiner.
    HireEmployee(Employee),
    /// A mover: new department, title or manager.
    MoveEmployee {
        /// HR number.
        id: String,
        /// Department.
        department: Department,
        /// Title.
        title: String,
        /// Manager's HR number.
        manager: Option<String>,
    },
    /// A leaver: every session and token of their users stops at once.
    RecordLeaver {
        /// HR number.
        id: String,
        /// Last day.
        last_day: Date,
    },
    /// A user for an employee (with roles, a role change: approved by a second person).
    CreateUser {
        /// Login name.
        username: String,
        /// HR number.
        employee: String,
        /// Argon2id PHC string, hashed at the door.
        password_hash: String,
        /// Roles.
        roles: BTreeSet<Role>,
    },
    /// A new password (hash).
    SetPassword {
        /// Login name.
        username: String,
        /// Argon2id PHC string.
        password_hash: String,
    },
    /// A user's roles, replaced.
    SetUserRoles {
        /// Login name.
        username: String,
        /// The roles.
        roles: BTreeSet<Role>,
    },
    /// Issue an API token (the door generated it and shows it once; this keeps its hash).
    IssueApiToken {
        /// The user it acts as.
        username: String,
        /// What it is for.
        name: String,
        /// SHA-256 of the token, hex.
        hash: String,
        /// Its scope.
        roles: BTreeSet<Role>,
        /// Expiry.
        expires_at: Timestamp,
    },
    /// Revoke an API token.
    RevokeApiToken {
        /// Its id.
        id: u64,
    },
    /// Ask a second person to approve a command.
    RequestApproval {
        /// The command.
        command: Box<Command>,
        /// The command as a message line, for the checker to read and the door to send back.
        payload: String,
        /// When the request lapses.
        expires_at: Timestamp,
    },
    /// Approve a request: its command executes now, once.
    ApproveRequest {
        /// The request.
        id: u64,
        /// The command, read back from the request's message line.
        command: Box<Command>,
    },
    /// Reject a request.
    RejectRequest {
        /// The request.
        id: u64,
        /// Why.
        reason: String,
    },
    /// Choose which kinds need a second person.
    SetApprovalPolicy {
        /// The kinds.
        kinds: BTreeSet<ApprovalKind>,
    },
    /// Put an instrument on the restricted list.
    AddRestriction {
        /// The instrument.
        isin: Isin,
        /// Why.
        reason: String,
    },
    /// Lift a restricted-list entry.
    LiftRestriction {
        /// The entry.
        id: u64,
        /// Why.
        reason: String,
    },
    /// Set the surveillance thresholds.
    SetSurveillance(SurveillanceSettings),
    /// Work an alert.
    WorkAlert {
        /// The alert.
        id: u64,
        /// What to do.
        action: AlertAction,
    },
}

/// What happened in internal control.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ControlEvent {
    /// A joiner.
    EmployeeHired(Employee),
    /// A mover.
    EmployeeMoved {
        /// HR number.
        id: String,
        /// Department.
        department: Department,
        /// Title.
        title: String,
        /// Manager.
        manager: Option<String>,
    },
    /// A leaver.
    EmployeeLeft {
        /// HR number.
        id: String,
        /// Last day.
        last_day: Date,
    },
    /// A user was created.
    UserCreated(User),
    /// A password was set.
    PasswordSet {
        /// Login name.
        username: String,
        /// Argon2id PHC string.
        password_hash: String,
    },
    /// A user's roles were set.
    UserRolesSet {
        /// Login name.
        username: String,
        /// Roles.
        roles: BTreeSet<Role>,
    },
    /// A token was issued.
    ApiTokenIssued(ApiToken),
    /// A token was revoked.
    ApiTokenRevoked {
        /// Its id.
        id: u64,
    },
    /// A command waits for a second person.
    ApprovalRequested(ApprovalRequest),
    /// A request was approved (its command's events follow).
    RequestApproved {
        /// The request.
        id: u64,
        /// The checker.
        checker: String,
        /// When.
        at: Timestamp,
    },
    /// A request was rejected.
    RequestRejected {
        /// The request.
        id: u64,
        /// The checker.
        checker: String,
        /// When.
        at: Timestamp,
        /// Why.
        reason: String,
    },
    /// The approval policy was set.
    ApprovalPolicySet {
        /// The kinds that need a second person.
        kinds: BTreeSet<ApprovalKind>,
    },
    /// An instrument was restricted.
    RestrictionAdded(RestrictedEntry),
    /// A restriction was lifted.
    RestrictionLifted {
        /// The entry.
        id: u64,
        /// Why.
        reason: String,
    },
    /// Surveillance thresholds were set.
    SurveillanceSet(SurveillanceSettings),
    /// A surveillance alert was raised.
    AlertRaised(Alert),
    /// An alert was worked.
    AlertWorked {
        /// The alert.
        id: u64,
        /// Who.
        by: String,
        /// What.
        action: AlertAction,
    },
}

impl ControlEvent {
    /// A short name of the event type.
    pub fn kind(&self) -> &'static str {
        match self {
            ControlEvent::EmployeeHired(_) => "EmployeeHired",
            ControlEvent::EmployeeMoved { .. } => "EmployeeMoved",
            ControlEvent::EmployeeLeft { .. } => "EmployeeLeft",
            ControlEvent::UserCreated(_) => "UserCreated",
            ControlEvent::PasswordSet { .. } => "PasswordSet",
            ControlEvent::UserRolesSet { .. } => "UserRolesSet",
            ControlEvent::ApiTokenIssued(_) => "ApiTokenIssued",
            ControlEvent::ApiTokenRevoked { .. } => "ApiTokenRevoked",
            ControlEvent::ApprovalRequested(_) => "ApprovalRequested",
            ControlEvent::RequestApproved { .. } => "RequestApproved",
            ControlEvent::RequestRejected { .. } => "RequestRejected",
            ControlEvent::ApprovalPolicySet { .. } => "ApprovalPolicySet",
            ControlEvent::RestrictionAdded(_) => "RestrictionAdded",
            ControlEvent::RestrictionLifted { .. } => "RestrictionLifted",
            ControlEvent::SurveillanceSet(_) => "SurveillanceSet",
            ControlEvent::AlertRaised(_) => "AlertRaised",
            ControlEvent::AlertWorked { .. } => "AlertWorked",
        }
    }

    /// Whether it changes who may sign in or with which roles (doors refresh their copy of
    /// the directory after it).
    pub fn changes_access(&self) -> bool {
        matches!(
            self,
            ControlEvent::EmployeeHired(_)
                | ControlEvent::EmployeeMoved { .. }
                | ControlEvent::EmployeeLeft { .. }
                | ControlEvent::UserCreated(_)
                | ControlEvent::PasswordSet { .. }
                | ControlEvent::UserRolesSet { .. }
                | ControlEvent::ApiTokenIssued(_)
                | ControlEvent::ApiTokenRevoked { .. }
        )
    }
}
