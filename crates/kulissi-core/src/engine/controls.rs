//! Deciding and applying internal control (docs/domain.md §10): joiners, movers and
//! leavers, users, roles and tokens, maker-checker, the restricted list and surveillance.
//!
//! The segregation-of-duties rules live here, where every door passes: a command of a kind
//! in the approval policy, sent directly by a person, is refused (it must be requested);
//! no one checks their own request; the checker's department must check that kind and their
//! roles must allow it; no one changes their own roles. A system actor (an import, the
//! generator, an operator's shell) is not a person and is not held to four eyes: the doors
//! that people use send people.

use std::collections::BTreeSet;

use super::{Actor, ApplyError, Command, CommandEnvelope, Event, Rejection, State, text};
use crate::controls::ControlError;
use crate::controls::approvals::{ApprovalKind, ApprovalRequest, RequestStatus};
use crate::controls::commands::{ControlCommand, ControlEvent};
use crate::controls::compliance::{
    Alert, AlertAction, AlertKind, RecentExecution, RestrictedEntry, deviates,
};
use crate::controls::roles::can;
use crate::controls::staff::{ApiToken, Principal, User};
use crate::trade::{Side, TradeInput};

fn refuse(e: ControlError) -> Rejection {
    Rejection::Control(e)
}

/// The person behind an actor, if the actor is a person with a user in service.
pub(super) fn person(state: &State, actor: &Actor) -> Option<Principal> {
    match actor {
        Actor::Person(name) => state.controls.directory.principal(name),
        Actor::System(_) => None,
    }
}

/// The kind of approval a command needs, if any: reference data and SSIs, role changes,
/// limits and tolerances, period closes, and amendments or cancellations of an instructed
/// trade.
pub fn approval_kind(state: &State, command: &Command) -> Option<ApprovalKind> {
    let instructed = |source: &str, external_id: &str| {
        state
            .trades
            .by_external_id(source, external_id)
            .and_then(|t| state.settlement.of_trade(t.record.trade_id))
            .is_some()
    };
    Some(match command {
        Command::DefineSsi { .. } => ApprovalKind::Ssi,
        Command::DefineLegalEntity(_)
        | Command::DefineCounterparty(_)
        | Command::DefineInstrument(_)
        | Command::DefineBook { .. }
        | Command::DefineAccount { .. }
        | Command::DefineFeeSchedule(_)
        | Command::DefineNettingSet { .. }
        | Command::DefineLedgerAccount { .. } => ApprovalKind::ReferenceData,
        Command::AmendTrade(TradeInput {
            source,
            external_id,
            ..
        })
        | Command::CancelTrade {
            source,
            external_id,
            ..
        } if instructed(source, external_id) => ApprovalKind::TradeAfterInstruction,
        Command::SetOverdraftLimit { .. }
        | Command::SetSettlementTolerance { .. }
        | Command::SetReconTolerance { .. } => ApprovalKind::Limit,
        Command::ClosePeriod { .. } | Command::ReopenPeriod { .. } | Command::CloseYear { .. } => {
            ApprovalKind::PeriodClose
        }
        Command::Control(ControlCommand::SetUserRoles { .. }) => ApprovalKind::RoleChange,
        Command::Control(ControlCommand::CreateUser { roles, .. }) if !roles.is_empty() => {
            ApprovalKind::RoleChange
        }
        _ => return None,
    })
}

/// Refuses a command a person sends directly when its kind needs a second person.
pub(super) fn four_eyes(state: &State, envelope: &CommandEnvelope) -> Result<(), Rejection> {
    let Actor::Person(name) = &envelope.actor else {
        return Ok(());
    };
    if state.controls.directory.active_user(name).is_none() {
        return Ok(());
    }
    match approval_kind(state, &envelope.command) {
        Some(kind) if state.controls.approvals.policy.contains(&kind) => {
            Err(refuse(ControlError::ApprovalRequired { kind }))
        }
        _ => Ok(()),
    }
}

/// A checker may check a kind: a person other than the maker, in a department that checks
/// it, holding the permission. Used by the generic approvals and by the journal and
/// write-off approvals. An actor that is not a known user is left to the caller's rules.
pub(super) fn check_checker(
    state: &State,
    actor: &Actor,
    maker: &str,
    kind: ApprovalKind,
) -> Result<(), Rejection> {
    let Some(checker) = person(state, actor) else {
        return Ok(());
    };
    if checker.username == maker {
        return Err(refuse(ControlError::SelfApproval(checker.username)));
    }
    if !kind.checker_departments().contains(&checker.department) {
        return Err(refuse(ControlError::WrongDepartment {
            checker: checker.username,
            department: checker.department,
            kind,
        }));
    }
    let permission = kind.checker_permission();
    if !can(&checker.roles, permission) {
        return Err(refuse(ControlError::Forbidden {
            username: checker.username,
            permission: permission.name(),
        }));
    }
    Ok(())
}

/// The restricted list, before a booking or an amendment.
pub(super) fn screen(state: &State, input: &TradeInput) -> Result<(), Rejection> {
    match state.controls.compliance.restriction_of(&input.instrument) {
        Some(entry) => Err(refuse(ControlError::Restricted {
            isin: entry.isin,
            entry: entry.id,
            reason: entry.reason.clone(),
        })),
        None => Ok(()),
    }
}

/// The post-trade surveillance of a booking: alerts appended after its events.
pub(super) fn surveil(state: &State, envelope: &CommandEnvelope, events: &mut Vec<Event>) {
    let Some(Event::TradeBooked {
        trade_id, terms, ..
    }) = events.first()
    else {
        return;
    };
    let compliance = &state.controls.compliance;
    let mut next = compliance.next_alert_id();
    let mut alerts = Vec::new();
    let mut raise = |kind: AlertKind, related, detail: String| {
        alerts.push(Event::Control(ControlEvent::AlertRaised(Alert {
            id: next,
            kind,
            trade: *trade_id,
            related,
            detail,
            raised_on: envelope.business_date,
            assignee: None,
            comments: Vec::new(),
            closed: None,
        })));
        next += 1;
    };
    let execution = RecentExecution {
        trade: *trade_id,
        side: terms.side,
        quantity: terms.quantity.value(),
        time: terms.trade_time,
    };
    if let Some(other) = compliance.wash_partner((terms.book, terms.instrument), &execution) {
        raise(
            AlertKind::WashTrade,
            Some(other.trade),
            format!(
                "{} {} against trade {} ({} {}) in the same book and instrument, {} s apart",
                side_word(terms.side),
                terms.quantity.value(),
                other.trade.0,
                side_word(other.side),
                other.quantity,
                terms.trade_time.duration_since(other.time).as_secs().abs()
            ),
        );
    }
    if let Some(book) = state.refdata.books.get(terms.book)
        && book.trader != *terms.trader
    {
        raise(
            AlertKind::OutsideBooks,
            None,
            format!(
                "{} traded in book {}, which is {}'s",
                terms.trader, book.code, book.trader
            ),
        );
    }
    if let Some((day, last)) = state
        .market_data
        .latest_price(terms.instrument, terms.trade_date)
    {
        let price = terms.price.value();
        if deviates(price, last.price, compliance.settings.price_deviation) {
            raise(
                AlertKind::PriceDeviation,
                None,
                format!(
                    "price {price} is more than {}% from the last price {} of {day}",
                    compliance.settings.price_deviation * rust_decimal::Decimal::ONE_HUNDRED,
                    last.price
                ),
            );
        }
    }
    events.extend(alerts);
}

fn side_word(side: Side) -> &'static str {
    match side {
        Side::Buy => "buy",
        Side::Sell => "sell",
    }
}

/// Decides the commands of this family.
pub(super) fn decide(state: &State, envelope: &CommandEnvelope) -> Result<Vec<Event>, Rejection> {
    let Command::Control(command) = &envelope.command else {
        return Err(super::wrong_family());
    };
    let directory = &state.controls.directory;
    let actor = match &envelope.actor {
        Actor::Person(name) | Actor::System(name) => name.clone(),
    };
    let employee_in_service = |id: &str| match directory.employees.get(id) {
        None => Err(refuse(ControlError::UnknownEmployee(id.to_owned()))),
        Some(e) if e.end.is_some() => Err(refuse(ControlError::EmployeeLeft(id.to_owned()))),
        Some(e) => Ok(e),
    };
    let user = |name: &str| {
        directory
            .active_user(name)
            .map(|(u, _)| u)
            .ok_or_else(|| refuse(ControlError::UnknownUser(name.to_owned())))
    };
    let no_own_roles = |username: &str| match &envelope.actor {
        Actor::Person(me) if me == username => {
            Err(refuse(ControlError::OwnRoles(username.to_owned())))
        }
        _ => Ok(()),
    };
    let event = |e: ControlEvent| Ok(vec![Event::Control(e)]);
    match command {
        ControlCommand::HireEmployee(employee) => {
            text("employee id", &employee.id)?;
            text("name", &employee.name)?;
            text("title", &employee.title)?;
            if directory.employees.contains_key(&employee.id) {
                return Err(refuse(ControlError::EmployeeExists(employee.id.clone())));
            }
            if let Some(manager) = &employee.manager {
                employee_in_service(manager)?;
            }
            let mut employee = employee.clone();
            employee.end = None;
            event(ControlEvent::EmployeeHired(employee))
        }
        ControlCommand::MoveEmployee {
            id,
            department,
            title,
            manager,
        } => {
            employee_in_service(id)?;
            text("title", title)?;
            if let Some(manager) = manager {
                employee_in_service(manager)?;
                if directory.manages(id, manager) {
                    return Err(refuse(ControlError::BadSetting(
                        "a manager cannot report to someone they manage",
                    )));
                }
            }
            event(ControlEvent::EmployeeMoved {
                id: id.clone(),
                department: *department,
                title: title.clone(),
                manager: manager.clone(),
            })
        }
        ControlCommand::RecordLeaver { id, last_day } => {
            employee_in_service(id)?;
            event(ControlEvent::EmployeeLeft {
                id: id.clone(),
                last_day: *last_day,
            })
        }
        ControlCommand::CreateUser {
            username,
            employee,
            password_hash,
            roles,
        } => {
            text("username", username)?;
            text("password hash", password_hash)?;
            if directory.users.contains_key(username) {
                return Err(refuse(ControlError::UserExists(username.clone())));
            }
            employee_in_service(employee)?;
            no_own_roles(username)?;
            event(ControlEvent::UserCreated(User {
                username: username.clone(),
                employee: employee.clone(),
                roles: roles.clone(),
                password_hash: password_hash.clone(),
            }))
        }
        ControlCommand::SetPassword {
            username,
            password_hash,
        } => {
            user(username)?;
            text("password hash", password_hash)?;
            event(ControlEvent::PasswordSet {
                username: username.clone(),
                password_hash: password_hash.clone(),
            })
        }
        ControlCommand::SetUserRoles { username, roles } => {
            user(username)?;
            no_own_roles(username)?;
            event(ControlEvent::UserRolesSet {
                username: username.clone(),
                roles: roles.clone(),
            })
        }
        ControlCommand::IssueApiToken {
            username,
            name,
            hash,
            roles,
            expires_at,
        } => {
            let owner = user(username)?;
            text("token name", name)?;
            if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(refuse(ControlError::BadSetting(
                    "a token hash is 64 hexadecimal digits (SHA-256)",
                )));
            }
            if directory.has_token_hash(hash) {
                return Err(refuse(ControlError::TokenReused));
            }
            let beyond: BTreeSet<_> = roles.difference(&owner.roles).copied().collect();
            if !beyond.is_empty() {
                return Err(refuse(ControlError::TokenBeyondUser {
                    username: username.clone(),
                    roles: crate::controls::roles::roles_text(&beyond),
                }));
            }
            event(ControlEvent::ApiTokenIssued(ApiToken {
                id: directory.next_token_id(),
                username: username.clone(),
                name: name.clone(),
                hash: hash.clone(),
                roles: roles.clone(),
                expires_at: *expires_at,
                revoked: false,
            }))
        }
        ControlCommand::RevokeApiToken { id } => match directory.tokens.get(id) {
            Some(t) if !t.revoked => event(ControlEvent::ApiTokenRevoked { id: *id }),
            Some(_) => Ok(Vec::new()),
            None => Err(refuse(ControlError::UnknownToken(*id))),
        },
        ControlCommand::RequestApproval {
            command,
            payload,
            expires_at,
        } => {
            let Some(maker) = person(state, &envelope.actor) else {
                return Err(refuse(ControlError::PersonOnly("request an approval")));
            };
            let kind = approval_kind(state, command).ok_or(refuse(ControlError::NotApprovable))?;
            let needed = crate::controls::roles::permission_of(command);
            if !can(&maker.roles, needed) {
                return Err(refuse(ControlError::Forbidden {
                    username: maker.username,
                    permission: needed.name(),
                }));
            }
            // What would be refused now is refused now, not after a checker's time.
            let inner = carried(envelope, command)?;
            super::decide_command(state, &inner)?;
            if payload.trim().is_empty() {
                return Err(Rejection::Empty { field: "payload" });
            }
            event(ControlEvent::ApprovalRequested(ApprovalRequest {
                id: state.controls.approvals.next_id(),
                kind,
                maker: maker.username,
                payload: payload.clone(),
                digest: super::messages::command_digest(command),
                requested_at: envelope.wall_time,
                expires_at: *expires_at,
                status: RequestStatus::Pending,
            }))
        }
        ControlCommand::ApproveRequest { id, command } => {
            let request = pending(state, *id, envelope)?;
            if person(state, &envelope.actor).is_none() {
                return Err(refuse(ControlError::PersonOnly("approve a request")));
            }
            check_checker(state, &envelope.actor, &request.maker, request.kind)?;
            if super::messages::command_digest(command) != request.digest {
                return Err(refuse(ControlError::CommandMismatch(*id)));
            }
            let inner = carried(envelope, command)?;
            let mut events = vec![Event::Control(ControlEvent::RequestApproved {
                id: *id,
                checker: actor,
                at: envelope.wall_time,
            })];
            events.extend(super::decide_command(state, &inner)?);
            Ok(events)
        }
        ControlCommand::RejectRequest { id, reason } => {
            let request = pending(state, *id, envelope)?;
            text("reason", reason)?;
            if person(state, &envelope.actor).is_none() {
                return Err(refuse(ControlError::PersonOnly("reject a request")));
            }
            check_checker(state, &envelope.actor, &request.maker, request.kind)?;
            event(ControlEvent::RequestRejected {
                id: *id,
                checker: actor,
                at: envelope.wall_time,
                reason: reason.clone(),
            })
        }
        ControlCommand::SetApprovalPolicy { kinds } => event(ControlEvent::ApprovalPolicySet {
            kinds: kinds.clone(),
        }),
        ControlCommand::AddRestriction { isin, reason } => {
            text("reason", reason)?;
            if state.refdata.instruments.id(isin).is_none() {
                return Err(Rejection::UnknownInstrument(*isin));
            }
            if state.controls.compliance.restriction_of(isin).is_some() {
                return Ok(Vec::new());
            }
            event(ControlEvent::RestrictionAdded(RestrictedEntry {
                id: state.controls.compliance.next_entry_id(),
                isin: *isin,
                reason: reason.clone(),
                added_by: actor,
                from: envelope.business_date,
                lifted: None,
            }))
        }
        ControlCommand::LiftRestriction { id, reason } => {
            text("reason", reason)?;
            match state.controls.compliance.restricted.get(id) {
                Some(e) if e.lifted.is_none() => event(ControlEvent::RestrictionLifted {
                    id: *id,
                    reason: reason.clone(),
                }),
                _ => Err(refuse(ControlError::UnknownRestriction(*id))),
            }
        }
        ControlCommand::SetSurveillance(settings) => {
            let fraction = |d: rust_decimal::Decimal| {
                d >= rust_decimal::Decimal::ZERO && d <= rust_decimal::Decimal::ONE
            };
            if settings.wash_window_seconds == 0 || settings.wash_window_seconds > 86_400 {
                return Err(refuse(ControlError::BadSetting(
                    "the wash-trade window is 1 to 86,400 seconds",
                )));
            }
            if !fraction(settings.wash_quantity_band) || !fraction(settings.price_deviation) {
                return Err(refuse(ControlError::BadSetting(
                    "the quantity band and the price deviation are fractions from 0 to 1",
                )));
            }
            event(ControlEvent::SurveillanceSet(*settings))
        }
        ControlCommand::WorkAlert { id, action } => {
            let alert = state
                .controls
                .compliance
                .alerts
                .get(id)
                .ok_or(refuse(ControlError::UnknownAlert(*id)))?;
            if alert.closed.is_some() {
                return Err(refuse(ControlError::AlertClosed(*id)));
            }
            match action {
                AlertAction::Assign(to) => {
                    user(to)?;
                }
                AlertAction::Comment(t) | AlertAction::Close(t) => text("text", t)?,
            }
            event(ControlEvent::AlertWorked {
                id: *id,
                by: actor,
                action: action.clone(),
            })
        }
    }
}

/// The command a request carries, as the acting person's own: no one changes their own
/// roles by a request, nor by approving one.
fn carried(envelope: &CommandEnvelope, command: &Command) -> Result<CommandEnvelope, Rejection> {
    if let (
        Actor::Person(me),
        Command::Control(
            ControlCommand::SetUserRoles { username, .. }
            | ControlCommand::CreateUser { username, .. },
        ),
    ) = (&envelope.actor, command)
        && me == username
    {
        return Err(refuse(ControlError::OwnRoles(username.clone())));
    }
    Ok(CommandEnvelope::new(
        envelope.actor.clone(),
        envelope.wall_time,
        envelope.business_date,
        command.clone(),
    ))
}

fn pending<'a>(
    state: &'a State,
    id: u64,
    envelope: &CommandEnvelope,
) -> Result<&'a ApprovalRequest, Rejection> {
    let request = state
        .controls
        .approvals
        .requests
        .get(&id)
        .ok_or(refuse(ControlError::UnknownRequest(id)))?;
    match request.status_name(envelope.wall_time) {
        "pending" => Ok(request),
        status => Err(refuse(ControlError::RequestNotPending { id, status })),
    }
}

impl State {
    /// Applies an event of internal control.
    pub(super) fn apply_control(&mut self, event: &ControlEvent) -> Result<(), ApplyError> {
        let kind = event.kind();
        let missing = |what: &'static str| ApplyError::Missing { event: kind, what };
        let controls = &mut self.controls;
        let directory = &mut controls.directory;
        match event {
            ControlEvent::EmployeeHired(e) => {
                directory.employees.insert(e.id.clone(), e.clone());
            }
            ControlEvent::EmployeeMoved {
                id,
                department,
                title,
                manager,
            } => {
                let e = directory
                    .employees
                    .get_mut(id)
                    .ok_or(missing("an employee"))?;
                e.department = *department;
                e.title = title.clone();
                e.manager = manager.clone();
            }
            ControlEvent::EmployeeLeft { id, last_day } => {
                let e = directory
                    .employees
                    .get_mut(id)
                    .ok_or(missing("an employee"))?;
                e.end = Some(*last_day);
            }
            ControlEvent::UserCreated(u) => {
                directory.users.insert(u.username.clone(), u.clone());
            }
            ControlEvent::PasswordSet {
                username,
                password_hash,
            } => {
                directory
                    .users
                    .get_mut(username)
                    .ok_or(missing("a user"))?
                    .password_hash = password_hash.clone();
            }
            ControlEvent::UserRolesSet { username, roles } => {
                directory
                    .users
                    .get_mut(username)
                    .ok_or(missing("a user"))?
                    .roles = roles.clone();
            }
            ControlEvent::ApiTokenIssued(t) => directory.insert_token(t.clone()),
            ControlEvent::ApiTokenRevoked { id } => {
                directory
                    .tokens
                    .get_mut(id)
                    .ok_or(missing("a token"))?
                    .revoked = true;
            }
            ControlEvent::ApprovalRequested(r) => {
                controls.approvals.requests.insert(r.id, r.clone());
            }
            ControlEvent::RequestApproved { id, checker, at } => {
                controls
                    .approvals
                    .requests
                    .get_mut(id)
                    .ok_or(missing("a request"))?
                    .status = RequestStatus::Approved {
                    checker: checker.clone(),
                    at: *at,
                };
            }
            ControlEvent::RequestRejected {
                id,
                checker,
                at,
                reason,
            } => {
                controls
                    .approvals
                    .requests
                    .get_mut(id)
                    .ok_or(missing("a request"))?
                    .status = RequestStatus::Rejected {
                    checker: checker.clone(),
                    at: *at,
                    reason: reason.clone(),
                };
            }
            ControlEvent::ApprovalPolicySet { kinds } => {
                controls.approvals.policy = kinds.clone();
            }
            ControlEvent::RestrictionAdded(e) => {
                controls.compliance.restricted.insert(e.id, e.clone());
            }
            ControlEvent::RestrictionLifted { id, reason } => {
                controls
                    .compliance
                    .restricted
                    .get_mut(id)
                    .ok_or(missing("a restricted-list entry"))?
                    .lifted = Some(reason.clone());
            }
            ControlEvent::SurveillanceSet(s) => controls.compliance.settings = *s,
            ControlEvent::AlertRaised(a) => {
                controls.compliance.alerts.insert(a.id, a.clone());
            }
            ControlEvent::AlertWorked { id, by, action } => {
                let alert = controls
                    .compliance
                    .alerts
                    .get_mut(id)
                    .ok_or(missing("an alert"))?;
                match action {
                    AlertAction::Assign(to) => alert.assignee = Some(to.clone()),
                    AlertAction::Comment(t) => alert.comments.push((by.clone(), t.clone())),
                    AlertAction::Close(t) => alert.closed = Some(t.clone()),
                }
            }
        }
        Ok(())
    }
}
