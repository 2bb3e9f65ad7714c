//! The log layout of internal control: one event tag (58) and a sub-tag per
//! [`ControlEvent`] (0 hired, 1 moved, 2 left, 3 user created, 4 password set, 5 roles set,
//! 6 token issued, 7 token revoked, 8 approval requested, 9 approved, 10 rejected,
//! 11 policy set, 12 restriction added, 13 lifted, 14 surveillance set, 15 alert raised,
//! 16 alert worked). The rules of `mod.rs` hold: a layout never changes once written. The
//! item writers are shared with the snapshot.

use std::collections::BTreeSet;

use super::DecodeError;
use super::wire::{Reader, Writer};
use crate::controls::approvals::{ApprovalKind, ApprovalRequest, RequestStatus};
use crate::controls::commands::ControlEvent;
use crate::controls::compliance::{
    Alert, AlertAction, AlertKind, RecentExecution, RestrictedEntry, SurveillanceSettings,
};
use crate::controls::roles::Role;
use crate::controls::staff::{ApiToken, Department, Employee, User};
use crate::ids::TradeId;
use crate::trade::Side;

/// The event tag of every control event.
pub(super) const TAG: u8 = 58;

fn opt_str(w: &mut Writer<'_>, s: Option<&str>) {
    match s {
        None => w.u8(0),
        Some(s) => {
            w.u8(1);
            w.str(s);
        }
    }
}

fn read_opt_str(r: &mut Reader<'_>) -> Result<Option<String>, DecodeError> {
    Ok(match r.u8()? {
        0 => None,
        1 => Some(r.string()?),
        b => return Err(r.error(format!("unknown option tag {b}"))),
    })
}

pub(crate) fn roles(w: &mut Writer<'_>, roles: &BTreeSet<Role>) {
    w.u64(roles.len() as u64);
    for r in roles {
        w.u8(r.code());
    }
}

pub(crate) fn read_roles(r: &mut Reader<'_>) -> Result<BTreeSet<Role>, DecodeError> {
    let n = r.u64()?;
    let mut out = BTreeSet::new();
    for _ in 0..n {
        let code = r.u8()?;
        out.insert(Role::from_code(code).ok_or_else(|| r.error(format!("unknown role {code}")))?);
    }
    Ok(out)
}

fn kinds(w: &mut Writer<'_>, kinds: &BTreeSet<ApprovalKind>) {
    w.u64(kinds.len() as u64);
    for k in kinds {
        w.u8(k.code());
    }
}

pub(crate) fn read_kinds(r: &mut Reader<'_>) -> Result<BTreeSet<ApprovalKind>, DecodeError> {
    let n = r.u64()?;
    let mut out = BTreeSet::new();
    for _ in 0..n {
        let code = r.u8()?;
        out.insert(
            ApprovalKind::from_code(code)
                .ok_or_else(|| r.error(format!("unknown approval kind {code}")))?,
        );
    }
    Ok(out)
}

pub(crate) fn write_kinds(w: &mut Writer<'_>, k: &BTreeSet<ApprovalKind>) {
    kinds(w, k);
}

fn department(r: &mut Reader<'_>) -> Result<Department, DecodeError> {
    let code = r.u8()?;
    Department::from_code(code).ok_or_else(|| r.error(format!("unknown department {code}")))
}

pub(crate) fn employee(w: &mut Writer<'_>, e: &Employee) {
    w.str(&e.id);
    w.str(&e.name);
    w.u8(e.department.code());
    w.str(&e.title);
    opt_str(w, e.manager.as_deref());
    w.date(e.start);
    match e.end {
        None => w.u8(0),
        Some(d) => {
            w.u8(1);
            w.date(d);
        }
    }
}

pub(crate) fn read_employee(r: &mut Reader<'_>) -> Result<Employee, DecodeError> {
    Ok(Employee {
        id: r.string()?,
        name: r.string()?,
        department: department(r)?,
        title: r.string()?,
        manager: read_opt_str(r)?,
        start: r.date()?,
        end: match r.u8()? {
            0 => None,
            1 => Some(r.date()?),
            b => return Err(r.error(format!("unknown option tag {b}"))),
        },
    })
}

pub(crate) fn user(w: &mut Writer<'_>, u: &User) {
    w.str(&u.username);
    w.str(&u.employee);
    roles(w, &u.roles);
    w.str(&u.password_hash);
}

pub(crate) fn read_user(r: &mut Reader<'_>) -> Result<User, DecodeError> {
    Ok(User {
        username: r.string()?,
        employee: r.string()?,
        roles: read_roles(r)?,
        password_hash: r.string()?,
    })
}

pub(crate) fn token(w: &mut Writer<'_>, t: &ApiToken) {
    w.u64(t.id);
    w.str(&t.username);
    w.str(&t.name);
    w.str(&t.hash);
    roles(w, &t.roles);
    w.timestamp(t.expires_at);
    w.u8(u8::from(t.revoked));
}

pub(crate) fn read_token(r: &mut Reader<'_>) -> Result<ApiToken, DecodeError> {
    Ok(ApiToken {
        id: r.u64()?,
        username: r.string()?,
        name: r.string()?,
        hash: r.string()?,
        roles: read_roles(r)?,
        expires_at: r.timestamp()?,
        revoked: r.bool()?,
    })
}

pub(crate) fn request(w: &mut Writer<'_>, q: &ApprovalRequest) {
    w.u64(q.id);
    w.u8(q.kind.code());
    w.str(&q.maker);
    w.str(&q.payload);
    w.fixed64(q.digest);
    w.timestamp(q.requested_at);
    w.timestamp(q.expires_at);
    match &q.status {
        RequestStatus::Pending => w.u8(0),
        RequestStatus::Approved { checker, at } => {
            w.u8(1);
            w.str(checker);
            w.timestamp(*at);
        }
        RequestStatus::Rejected {
            checker,
            at,
            reason,
        } => {
            w.u8(2);
            w.str(checker);
            w.timestamp(*at);
            w.str(reason);
        }
    }
}

pub(crate) fn read_request(r: &mut Reader<'_>) -> Result<ApprovalRequest, DecodeError> {
    let id = r.u64()?;
    let code = r.u8()?;
    let kind =
        ApprovalKind::from_code(code).ok_or_else(|| r.error(format!("unknown kind {code}")))?;
    Ok(ApprovalRequest {
        id,
        kind,
        maker: r.string()?,
        payload: r.string()?,
        digest: r.fixed64()?,
        requested_at: r.timestamp()?,
        expires_at: r.timestamp()?,
        status: match r.u8()? {
            0 => RequestStatus::Pending,
            1 => RequestStatus::Approved {
                checker: r.string()?,
                at: r.timestamp()?,
            },
            2 => RequestStatus::Rejected {
                checker: r.string()?,
                at: r.timestamp()?,
                reason: r.string()?,
            },
            b => return Err(r.error(format!("unknown request status {b}"))),
        },
    })
}

pub(crate) fn entry(w: &mut Writer<'_>, e: &RestrictedEntry) {
    w.u64(e.id);
    w.str(e.isin.as_str());
    w.str(&e.reason);
    w.str(&e.added_by);
    w.date(e.from);
    opt_str(w, e.lifted.as_deref());
}

pub(crate) fn read_entry(r: &mut Reader<'_>) -> Result<RestrictedEntry, DecodeError> {
    Ok(RestrictedEntry {
        id: r.u64()?,
        isin: r.isin()?,
        reason: r.string()?,
        added_by: r.string()?,
        from: r.date()?,
        lifted: read_opt_str(r)?,
    })
}

fn action(w: &mut Writer<'_>, a: &AlertAction) {
    match a {
        AlertAction::Assign(t) => {
            w.u8(0);
            w.str(t);
        }
        AlertAction::Comment(t) => {
            w.u8(1);
            w.str(t);
        }
        AlertAction::Close(t) => {
            w.u8(2);
            w.str(t);
        }
    }
}

fn read_action(r: &mut Reader<'_>) -> Result<AlertAction, DecodeError> {
    Ok(match r.u8()? {
        0 => AlertAction::Assign(r.string()?),
        1 => AlertAction::Comment(r.string()?),
        2 => AlertAction::Close(r.string()?),
        b => return Err(r.error(format!("unknown alert action {b}"))),
    })
}

pub(crate) fn alert(w: &mut Writer<'_>, a: &Alert) {
    w.u64(a.id);
    w.u8(a.kind.code());
    w.u64(a.trade.0);
    w.u64(a.related.map_or(0, |t| t.0));
    w.str(&a.detail);
    w.date(a.raised_on);
    opt_str(w, a.assignee.as_deref());
    w.u64(a.comments.len() as u64);
    for (by, text) in &a.comments {
        w.str(by);
        w.str(text);
    }
    opt_str(w, a.closed.as_deref());
}

pub(crate) fn read_alert(r: &mut Reader<'_>) -> Result<Alert, DecodeError> {
    let id = r.u64()?;
    let code = r.u8()?;
    let kind =
        AlertKind::from_code(code).ok_or_else(|| r.error(format!("unknown alert {code}")))?;
    let trade = TradeId(r.u64()?);
    let related = Some(r.u64()?).filter(|t| *t != 0).map(TradeId);
    let detail = r.string()?;
    let raised_on = r.date()?;
    let assignee = read_opt_str(r)?;
    let n = r.u64()?;
    let mut comments = Vec::new();
    for _ in 0..n {
        comments.push((r.string()?, r.string()?));
    }
    Ok(Alert {
        id,
        kind,
        trade,
        related,
        detail,
        raised_on,
        assignee,
        comments,
        closed: read_opt_str(r)?,
    })
}

pub(crate) fn settings(w: &mut Writer<'_>, s: &SurveillanceSettings) {
    w.u32(s.wash_window_seconds);
    w.decimal(s.wash_quantity_band);
    w.decimal(s.price_deviation);
}

pub(crate) fn read_settings(r: &mut Reader<'_>) -> Result<SurveillanceSettings, DecodeError> {
    Ok(SurveillanceSettings {
        wash_window_seconds: r.u32()?,
        wash_quantity_band: r.decimal()?,
        price_deviation: r.decimal()?,
    })
}

pub(crate) fn execution(w: &mut Writer<'_>, e: &RecentExecution) {
    w.u64(e.trade.0);
    w.u8(match e.side {
        Side::Buy => 0,
        Side::Sell => 1,
    });
    w.decimal(e.quantity);
    w.timestamp(e.time);
}

pub(crate) fn read_execution(r: &mut Reader<'_>) -> Result<RecentExecution, DecodeError> {
    Ok(RecentExecution {
        trade: TradeId(r.u64()?),
        side: match r.u8()? {
            0 => Side::Buy,
            1 => Side::Sell,
            b => return Err(r.error(format!("unknown side {b}"))),
        },
        quantity: r.decimal()?,
        time: r.timestamp()?,
    })
}

/// Writes a control event (after its tag).
pub(super) fn encode(event: &ControlEvent, w: &mut Writer<'_>) {
    w.u8(TAG);
    match event {
        ControlEvent::EmployeeHired(e) => {
            w.u8(0);
            employee(w, e);
        }
        ControlEvent::EmployeeMoved {
            id,
            department,
            title,
            manager,
        } => {
            w.u8(1);
            w.str(id);
            w.u8(department.code());
            w.str(title);
            opt_str(w, manager.as_deref());
        }
        ControlEvent::EmployeeLeft { id, last_day } => {
            w.u8(2);
            w.str(id);
            w.date(*last_day);
        }
        ControlEvent::UserCreated(u) => {
            w.u8(3);
            user(w, u);
        }
        ControlEvent::PasswordSet {
            username,
            password_hash,
        } => {
            w.u8(4);
            w.str(username);
            w.str(password_hash);
        }
        ControlEvent::UserRolesSet { username, roles: r } => {
            w.u8(5);
            w.str(username);
            roles(w, r);
        }
        ControlEvent::ApiTokenIssued(t) => {
            w.u8(6);
            token(w, t);
        }
        ControlEvent::ApiTokenRevoked { id } => {
            w.u8(7);
            w.u64(*id);
        }
        ControlEvent::ApprovalRequested(q) => {
            w.u8(8);
            request(w, q);
        }
        ControlEvent::RequestApproved { id, checker, at } => {
            w.u8(9);
            w.u64(*id);
            w.str(checker);
            w.timestamp(*at);
        }
        ControlEvent::RequestRejected {
            id,
            checker,
            at,
            reason,
        } => {
            w.u8(10);
            w.u64(*id);
            w.str(checker);
            w.timestamp(*at);
            w.str(reason);
        }
        ControlEvent::ApprovalPolicySet { kinds: k } => {
            w.u8(11);
            kinds(w, k);
        }
        ControlEvent::RestrictionAdded(e) => {
            w.u8(12);
            entry(w, e);
        }
        ControlEvent::RestrictionLifted { id, reason } => {
            w.u8(13);
            w.u64(*id);
            w.str(reason);
        }
        ControlEvent::SurveillanceSet(s) => {
            w.u8(14);
            settings(w, s);
        }
        ControlEvent::AlertRaised(a) => {
            w.u8(15);
            alert(w, a);
        }
        ControlEvent::AlertWorked { id, by, action: a } => {
            w.u8(16);
            w.u64(*id);
            w.str(by);
            action(w, a);
        }
    }
}

/// Reads a control event (after its tag).
pub(super) fn decode(r: &mut Reader<'_>) -> Result<ControlEvent, DecodeError> {
    Ok(match r.u8()? {
        0 => ControlEvent::EmployeeHired(read_employee(r)?),
        1 => ControlEvent::EmployeeMoved {
            id: r.string()?,
            department: department(r)?,
            title: r.string()?,
            manager: read_opt_str(r)?,
        },
        2 => ControlEvent::EmployeeLeft {
            id: r.string()?,
            last_day: r.date()?,
        },
        3 => ControlEvent::UserCreated(read_user(r)?),
        4 => ControlEvent::PasswordSet {
            username: r.string()?,
            password_hash: r.string()?,
        },
        5 => ControlEvent::UserRolesSet {
            username: r.string()?,
            roles: read_roles(r)?,
        },
        6 => ControlEvent::ApiTokenIssued(read_token(r)?),
        7 => ControlEvent::ApiTokenRevoked { id: r.u64()? },
        8 => ControlEvent::ApprovalRequested(read_request(r)?),
        9 => ControlEvent::RequestApproved {
            id: r.u64()?,
            checker: r.string()?,
            at: r.timestamp()?,
        },
        10 => ControlEvent::RequestRejected {
            id: r.u64()?,
            checker: r.string()?,
            at: r.timestamp()?,
            reason: r.string()?,
        },
        11 => ControlEvent::ApprovalPolicySet {
            kinds: read_kinds(r)?,
        },
        12 => ControlEvent::RestrictionAdded(read_entry(r)?),
        13 => ControlEvent::RestrictionLifted {
            id: r.u64()?,
            reason: r.string()?,
        },
        14 => ControlEvent::SurveillanceSet(read_settings(r)?),
        15 => ControlEvent::AlertRaised(read_alert(r)?),
        16 => ControlEvent::AlertWorked {
            id: r.u64()?,
            by: r.string()?,
            action: read_action(r)?,
        },
        b => return Err(r.error(format!("unknown control event {b}"))),
    })
}
