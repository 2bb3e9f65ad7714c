//! Roles and permissions: who may do what. One table, [`GRANTS`], maps every permission to
//! the roles that hold it; the HTTP door maps every endpoint to one permission, and
//! `docs/permissions.md` is generated from both. [`can`] is the only question anyone asks.

use std::collections::BTreeSet;

use super::ControlError;

/// A job role. A user holds a set of them; an API token is scoped to a subset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Front office: books trades in their books.
    Trader,
    /// Middle office: P&L, limits, the end of day.
    Risk,
    /// Operations: settlement, SSIs, trade corrections.
    Settlements,
    /// Operations: reconciliations and their breaks.
    Reconciliations,
    /// Finance: the ledger, manual journals, period close.
    Accountant,
    /// Compliance: restricted list, surveillance alerts, the audit trail.
    ComplianceOfficer,
    /// HR: the staff directory, users and their roles.
    HrAdministrator,
    /// IT: users, tokens, approval policy; no business actions.
    SystemAdministrator,
    /// Internal or external audit: reads everything, changes nothing.
    Auditor,
}

impl Role {
    /// Every role, in the order the documentation lists them.
    pub const ALL: [Role; 9] = [
        Role::Trader,
        Role::Risk,
        Role::Settlements,
        Role::Reconciliations,
        Role::Accountant,
        Role::ComplianceOfficer,
        Role::HrAdministrator,
        Role::SystemAdministrator,
        Role::Auditor,
    ];

    /// The role's name on the wire (`trader`, `compliance_officer`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Role::Trader => "trader",
            Role::Risk => "risk",
            Role::Settlements => "settlements",
            Role::Reconciliations => "reconciliations",
            Role::Accountant => "accountant",
            Role::ComplianceOfficer => "compliance_officer",
            Role::HrAdministrator => "hr_administrator",
            Role::SystemAdministrator => "system_administrator",
            Role::Auditor => "auditor",
        }
    }

    /// The role of a wire name.
    pub fn parse(name: &str) -> Result<Role, ControlError> {
        Role::ALL
            .into_iter()
            .find(|r| r.name() == name)
            .ok_or_else(|| ControlError::UnknownRole(name.to_owned()))
    }

    /// A stable code for the log.
    pub(crate) fn code(self) -> u8 {
        Role::ALL.iter().position(|r| *r == self).unwrap_or(0) as u8
    }

    /// The role of a log code.
    pub(crate) fn from_code(code: u8) -> Option<Role> {
        Role::ALL.get(usize::from(code)).copied()
    }
}

/// Roles written as a comma-separated list (`trader,risk`).
pub fn parse_roles(list: &str) -> Result<BTreeSet<Role>, ControlError> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(Role::parse)
        .collect()
}

/// Roles as a comma-separated list.
pub fn roles_text(roles: &BTreeSet<Role>) -> String {
    roles.iter().map(|r| r.name()).collect::<Vec<_>>().join(",")
}

/// Something a person may be allowed to do. Every command and every query maps to one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Permission {
    /// Any authenticated person: their own profile and tokens.
    Authenticated,
    /// Read trades and their history.
    ViewTrades,
    /// Book new trades.
    BookTrades,
    /// Amend or cancel trades.
    AmendTrades,
    /// Read reference data.
    ViewReferenceData,
    /// Request reference-data and SSI changes.
    ChangeReferenceData,
    /// Read positions and cash.
    ViewPositions,
    /// Read the ledger and financial statements.
    ViewLedger,
    /// Propose manual journal entries.
    PostJournals,
    /// Request period and year closes.
    ClosePeriods,
    /// Run the end of day.
    RunEndOfDay,
    /// Request limit and tolerance changes.
    SetLimits,
    /// Read instructions, fails and penalties.
    ViewSettlement,
    /// Instruct, resend, hold and resolve settlement exceptions.
    WorkSettlement,
    /// Read reconciliations and breaks.
    ViewReconciliation,
    /// Run reconciliations, work breaks, request write-offs.
    WorkBreaks,
    /// Read the approvals inbox.
    ViewApprovals,
    /// Approve reference-data and SSI changes.
    ApproveReferenceData,
    /// Approve trade amendments and cancellations after instruction.
    ApproveTrades,
    /// Approve limit and tolerance changes.
    ApproveLimits,
    /// Approve role changes.
    ApproveRoles,
    /// Approve period and year closes.
    ApprovePeriodClose,
    /// Approve manual journal entries.
    ApproveJournals,
    /// Approve break write-offs.
    ApproveWriteOffs,
    /// Read the staff directory and users.
    ViewStaff,
    /// Joiners, movers and leavers.
    ManageStaff,
    /// Create users, set passwords, request role changes.
    ManageUsers,
    /// See and revoke every user's API tokens.
    ManageAllTokens,
    /// Read the restricted list and surveillance alerts.
    ViewCompliance,
    /// Change the restricted list, work alerts, set surveillance thresholds.
    ManageCompliance,
    /// Read the event log and verify its chain.
    ViewAudit,
    /// Set the approval policy.
    Administer,
    /// Record prices, FX rates and central-bank rates.
    RecordMarketData,
    /// Record, post, void and expire cash movements.
    MoveCash,
    /// Announce corporate actions.
    AnnounceCorporateActions,
}

use Permission as P;
use Role as R;

/// Every permission and the roles that hold it: the one table the code checks and the
/// documentation is generated from.
pub const GRANTS: &[(Permission, &str, &[Role])] = &[
    (
        P::Authenticated,
        "any signed-in person: their own profile and API tokens",
        &Role::ALL,
    ),
    (
        P::ViewTrades,
        "read trades, their versions and history",
        &[
            R::Trader,
            R::Risk,
            R::Settlements,
            R::Reconciliations,
            R::Accountant,
            R::ComplianceOfficer,
            R::Auditor,
        ],
    ),
    (P::BookTrades, "book new trades", &[R::Trader]),
    (
        P::AmendTrades,
        "amend or cancel trades (after instruction: through approval)",
        &[R::Settlements],
    ),
    (
        P::ViewReferenceData,
        "read reference data",
        &[
            R::Trader,
            R::Risk,
            R::Settlements,
            R::Reconciliations,
            R::Accountant,
            R::ComplianceOfficer,
            R::SystemAdministrator,
            R::Auditor,
        ],
    ),
    (
        P::ChangeReferenceData,
        "request reference-data and SSI changes",
        &[R::Settlements, R::Risk],
    ),
    (
        P::ViewPositions,
        "read positions and cash",
        &[
            R::Trader,
            R::Risk,
            R::Settlements,
            R::Reconciliations,
            R::Accountant,
            R::ComplianceOfficer,
            R::Auditor,
        ],
    ),
    (
        P::ViewLedger,
        "read the ledger and financial statements",
        &[R::Risk, R::Reconciliations, R::Accountant, R::Auditor],
    ),
    (
        P::PostJournals,
        "propose manual journal entries",
        &[R::Accountant],
    ),
    (
        P::ClosePeriods,
        "request period and year closes",
        &[R::Accountant],
    ),
    (
        P::RunEndOfDay,
        "run the end of day",
        &[R::Risk, R::Accountant],
    ),
    (
        P::SetLimits,
        "request limit and tolerance changes",
        &[R::Risk, R::Settlements, R::Reconciliations],
    ),
    (
        P::ViewSettlement,
        "read instructions, fails and penalties",
        &[
            R::Risk,
            R::Settlements,
            R::Reconciliations,
            R::Accountant,
            R::Auditor,
        ],
    ),
    (
        P::WorkSettlement,
        "instruct, resend, hold, resolve settlement exceptions",
        &[R::Settlements],
    ),
    (
        P::ViewReconciliation,
        "read reconciliations and breaks",
        &[
            R::Settlements,
            R::Reconciliations,
            R::Accountant,
            R::Auditor,
        ],
    ),
    (
        P::WorkBreaks,
        "run reconciliations, work breaks, request write-offs",
        &[R::Reconciliations],
    ),
    (
        P::ViewApprovals,
        "read the approvals inbox",
        &[
            R::Risk,
            R::Settlements,
            R::Reconciliations,
            R::Accountant,
            R::HrAdministrator,
            R::SystemAdministrator,
            R::Auditor,
        ],
    ),
    (
        P::ApproveReferenceData,
        "approve reference-data and SSI changes",
        &[R::Settlements, R::Risk],
    ),
    (
        P::ApproveTrades,
        "approve trade amendments and cancellations after instruction",
        &[R::Settlements],
    ),
    (
        P::ApproveLimits,
        "approve limit and tolerance changes",
        &[R::Risk, R::Accountant],
    ),
    (
        P::ApproveRoles,
        "approve role changes",
        &[R::HrAdministrator, R::SystemAdministrator],
    ),
    (
        P::ApprovePeriodClose,
        "approve period and year closes",
        &[R::Accountant],
    ),
    (
        P::ApproveJournals,
        "approve manual journal entries",
        &[R::Accountant],
    ),
    (
        P::ApproveWriteOffs,
        "approve break write-offs",
        &[R::Accountant],
    ),
    (
        P::ViewStaff,
        "read the staff directory and users",
        &[
            R::ComplianceOfficer,
            R::HrAdministrator,
            R::SystemAdministrator,
            R::Auditor,
        ],
    ),
    (
        P::ManageStaff,
        "joiners, movers and leavers",
        &[R::HrAdministrator],
    ),
    (
        P::ManageUsers,
        "create users, set passwords, request role changes",
        &[R::HrAdministrator, R::SystemAdministrator],
    ),
    (
        P::ManageAllTokens,
        "see and revoke every user's API tokens",
        &[R::SystemAdministrator],
    ),
    (
        P::ViewCompliance,
        "read the restricted list and surveillance alerts",
        &[R::ComplianceOfficer, R::Auditor],
    ),
    (
        P::ManageCompliance,
        "change the restricted list, work alerts, set surveillance thresholds",
        &[R::ComplianceOfficer],
    ),
    (
        P::ViewAudit,
        "read the event log and verify its chain",
        &[R::ComplianceOfficer, R::SystemAdministrator, R::Auditor],
    ),
    (
        P::Administer,
        "set the approval policy",
        &[R::SystemAdministrator],
    ),
    (
        P::RecordMarketData,
        "record prices, FX rates and central-bank rates",
        &[R::Risk],
    ),
    (
        P::MoveCash,
        "record, post, void and expire cash movements",
        &[R::Settlements, R::Accountant],
    ),
    (
        P::AnnounceCorporateActions,
        "announce corporate actions",
        &[R::Settlements],
    ),
];
/// Every command by name, and the permission a person needs to send it (the one table of
/// `docs/permissions.md`'s commands). A request for approval needs its command's; an
/// approval, the kind's checker permission (checked by the engine).
pub const COMMANDS: &[(&str, Permission)] = &[
    ("DefineLegalEntity", P::ChangeReferenceData),
    ("DefineCounterparty", P::ChangeReferenceData),
    ("DefineInstrument", P::ChangeReferenceData),
    ("DefineBook", P::ChangeReferenceData),
    ("DefineAccount", P::ChangeReferenceData),
    ("DefineSsi", P::ChangeReferenceData),
    ("DefineFeeSchedule", P::ChangeReferenceData),
    ("DefineNettingSet", P::ChangeReferenceData),
    ("SetPenaltyRate", P::ChangeReferenceData),
    ("DefineStatementMapping", P::ChangeReferenceData),
    ("BookTrade", P::BookTrades),
    ("AmendTrade", P::AmendTrades),
    ("CancelTrade", P::AmendTrades),
    ("ConfirmSettlement", P::WorkSettlement),
    ("InstructSettlement", P::WorkSettlement),
    ("RecordSettlementStatus", P::WorkSettlement),
    ("ConfirmInstruction", P::WorkSettlement),
    ("ResendInstruction", P::WorkSettlement),
    ("HoldInstruction", P::WorkSettlement),
    ("ResolveSettlementException", P::WorkSettlement),
    ("RecordPrice", P::RecordMarketData),
    ("RecordFxRate", P::RecordMarketData),
    ("RecordCentralBankRate", P::RecordMarketData),
    ("RunEndOfDay", P::RunEndOfDay),
    ("ServiceAssets", P::RunEndOfDay),
    ("AccrueSettlementPenalties", P::RunEndOfDay),
    ("RecordCashMovement", P::MoveCash),
    ("PostCashMovement", P::MoveCash),
    ("VoidCashMovement", P::MoveCash),
    ("ExpireCashMovements", P::MoveCash),
    ("SetOverdraftLimit", P::SetLimits),
    ("SetSettlementTolerance", P::SetLimits),
    ("SetReconTolerance", P::SetLimits),
    ("SetConfirmationBlocking", P::SetLimits),
    ("ClosePeriod", P::ClosePeriods),
    ("ReopenPeriod", P::ClosePeriods),
    ("CloseYear", P::ClosePeriods),
    ("DefineLedgerAccount", P::PostJournals),
    ("ProposeJournalEntry", P::PostJournals),
    ("ApproveJournalEntry", P::ApproveJournals),
    ("RejectJournalEntry", P::ApproveJournals),
    ("AnnounceCorporateAction", P::AnnounceCorporateActions),
    ("RunReconciliation", P::WorkBreaks),
    ("AffirmTrades", P::WorkBreaks),
    ("MoveBreak", P::WorkBreaks),
    ("CommentBreak", P::WorkBreaks),
    ("ResolveBreak", P::WorkBreaks),
    ("RequestWriteOff", P::WorkBreaks),
    ("ApproveWriteOff", P::ApproveWriteOffs),
    ("HireEmployee", P::ManageStaff),
    ("MoveEmployee", P::ManageStaff),
    ("RecordLeaver", P::ManageStaff),
    ("CreateUser", P::ManageUsers),
    ("SetPassword", P::ManageUsers),
    ("SetUserRoles", P::ManageUsers),
    ("IssueApiToken", P::Authenticated),
    ("RevokeApiToken", P::Authenticated),
    ("ApproveRequest", P::ViewApprovals),
    ("RejectRequest", P::ViewApprovals),
    ("SetApprovalPolicy", P::Administer),
    ("AddRestriction", P::ManageCompliance),
    ("LiftRestriction", P::ManageCompliance),
    ("SetSurveillance", P::ManageCompliance),
    ("WorkAlert", P::ManageCompliance),
];

/// A command's name (the rows of [`COMMANDS`]); a request for approval is named by the
/// command it carries.
pub fn command_name(command: &crate::engine::Command) -> &'static str {
    use crate::controls::commands::ControlCommand as K;
    use crate::engine::Command as C;
    match command {
        C::DefineLegalEntity(_) => "DefineLegalEntity",
        C::DefineCounterparty(_) => "DefineCounterparty",
        C::DefineInstrument(_) => "DefineInstrument",
        C::DefineBook { .. } => "DefineBook",
        C::DefineAccount { .. } => "DefineAccount",
        C::DefineSsi { .. } => "DefineSsi",
        C::DefineFeeSchedule(_) => "DefineFeeSchedule",
        C::BookTrade(_) => "BookTrade",
        C::AmendTrade(_) => "AmendTrade",
        C::ConfirmSettlement { .. } => "ConfirmSettlement",
        C::RecordPrice { .. } => "RecordPrice",
        C::RecordFxRate { .. } => "RecordFxRate",
        C::RunEndOfDay { .. } => "RunEndOfDay",
        C::RecordCashMovement { .. } => "RecordCashMovement",
        C::PostCashMovement { .. } => "PostCashMovement",
        C::VoidCashMovement { .. } => "VoidCashMovement",
        C::ExpireCashMovements { .. } => "ExpireCashMovements",
        C::SetOverdraftLimit { .. } => "SetOverdraftLimit",
        C::ClosePeriod { .. } => "ClosePeriod",
        C::ReopenPeriod { .. } => "ReopenPeriod",
        C::CloseYear { .. } => "CloseYear",
        C::DefineLedgerAccount { .. } => "DefineLedgerAccount",
        C::ProposeJournalEntry { .. } => "ProposeJournalEntry",
        C::ApproveJournalEntry { .. } => "ApproveJournalEntry",
        C::RejectJournalEntry { .. } => "RejectJournalEntry",
        C::CancelTrade { .. } => "CancelTrade",
        C::AnnounceCorporateAction { .. } => "AnnounceCorporateAction",
        C::ServiceAssets { .. } => "ServiceAssets",
        C::DefineNettingSet { .. } => "DefineNettingSet",
        C::InstructSettlement { .. } => "InstructSettlement",
        C::RecordSettlementStatus { .. } => "RecordSettlementStatus",
        C::ConfirmInstruction { .. } => "ConfirmInstruction",
        C::ResendInstruction { .. } => "ResendInstruction",
        C::HoldInstruction { .. } => "HoldInstruction",
        C::SetSettlementTolerance { .. } => "SetSettlementTolerance",
        C::RecordCentralBankRate { .. } => "RecordCentralBankRate",
        C::AccrueSettlementPenalties { .. } => "AccrueSettlementPenalties",
        C::ResolveSettlementException { .. } => "ResolveSettlementException",
        C::RunReconciliation { .. } => "RunReconciliation",
        C::SetReconTolerance { .. } => "SetReconTolerance",
        C::AffirmTrades { .. } => "AffirmTrades",
        C::DefineStatementMapping { .. } => "DefineStatementMapping",
        C::SetConfirmationBlocking { .. } => "SetConfirmationBlocking",
        C::MoveBreak { .. } => "MoveBreak",
        C::CommentBreak { .. } => "CommentBreak",
        C::ResolveBreak { .. } => "ResolveBreak",
        C::RequestWriteOff { .. } => "RequestWriteOff",
        C::ApproveWriteOff { .. } => "ApproveWriteOff",
        C::SetPenaltyRate { .. } => "SetPenaltyRate",
        C::Control(c) => match c {
            K::HireEmployee(_) => "HireEmployee",
            K::MoveEmployee { .. } => "MoveEmployee",
            K::RecordLeaver { .. } => "RecordLeaver",
            K::CreateUser { .. } => "CreateUser",
            K::SetPassword { .. } => "SetPassword",
            K::SetUserRoles { .. } => "SetUserRoles",
            K::IssueApiToken { .. } => "IssueApiToken",
            K::RevokeApiToken { .. } => "RevokeApiToken",
            K::RequestApproval { command, .. } => command_name(command),
            K::ApproveRequest { .. } => "ApproveRequest",
            K::RejectRequest { .. } => "RejectRequest",
            K::SetApprovalPolicy { .. } => "SetApprovalPolicy",
            K::AddRestriction { .. } => "AddRestriction",
            K::LiftRestriction { .. } => "LiftRestriction",
            K::SetSurveillance(_) => "SetSurveillance",
            K::WorkAlert { .. } => "WorkAlert",
        },
    }
}

/// The permission a person needs to send a command ([`COMMANDS`]); a command missing from
/// the table needs [`Permission::Administer`], so a new one is refused until mapped.
pub fn permission_of(command: &crate::engine::Command) -> Permission {
    let name = command_name(command);
    COMMANDS
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(Permission::Administer, |(_, p)| *p)
}

impl Permission {
    /// The permission's name in the documentation.
    pub fn name(self) -> String {
        let debug = format!("{self:?}");
        let mut out = String::new();
        for (i, c) in debug.chars().enumerate() {
            if c.is_uppercase() && i > 0 {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        }
        out
    }

    /// What it allows, in words.
    pub fn description(self) -> &'static str {
        GRANTS
            .iter()
            .find(|(p, _, _)| *p == self)
            .map_or("", |(_, d, _)| d)
    }

    /// The roles that hold it.
    pub fn roles(self) -> &'static [Role] {
        GRANTS
            .iter()
            .find(|(p, _, _)| *p == self)
            .map_or(&[], |(_, _, roles)| roles)
    }
}

/// Whether any of `roles` holds `permission`.
pub fn can(roles: &BTreeSet<Role>, permission: Permission) -> bool {
    permission.roles().iter().any(|r| roles.contains(r))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_permission_is_in_the_table_once() {
        let mut seen = BTreeSet::new();
        for (p, description, roles) in GRANTS {
            assert!(seen.insert(*p), "{p:?} twice");
            assert!(!description.is_empty() && !roles.is_empty(), "{p:?}");
        }
        assert_eq!(seen.len(), 35, "a new permission needs its row in GRANTS");
        let mut names = BTreeSet::new();
        for (name, _) in COMMANDS {
            assert!(names.insert(*name), "{name} twice");
        }
    }

    #[test]
    fn the_auditor_reads_and_never_writes() {
        let auditor = BTreeSet::from([Role::Auditor]);
        for (p, _, _) in GRANTS {
            let reads = p.name().starts_with("view_") || *p == Permission::Authenticated;
            assert_eq!(can(&auditor, *p), reads, "{p:?}");
        }
    }

    #[test]
    fn front_office_approves_nothing_and_roles_round_trip() {
        let trader = BTreeSet::from([Role::Trader]);
        assert!(
            GRANTS
                .iter()
                .all(|(p, _, _)| !p.name().starts_with("approve_") || !can(&trader, *p))
        );
        for r in Role::ALL {
            assert_eq!(Role::parse(r.name()), Ok(r));
            assert_eq!(Role::from_code(r.code()), Some(r));
        }
        assert_eq!(Permission::ApproveWriteOffs.name(), "approve_write_offs");
        assert!(Role::parse("root").is_err());
    }
}
