//! The staff directory, the HR part of the back office: employees (department, title,
//! manager, start and end), the users linked to them with their roles and password hash, and
//! the API tokens issued to users. A user may act only while their employee is in service:
//! a leaver loses every session and token at once, because every door asks
//! [`Directory::active_user`] on every request.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use jiff::Timestamp;
use jiff::civil::Date;

use super::ControlError;
use super::roles::Role;

/// A department of the firm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Department {
    /// Sales and trading.
    FrontOffice,
    /// Risk, P&L, product control.
    MiddleOffice,
    /// Settlements and reconciliations.
    Operations,
    /// Accounting and finance.
    Finance,
    /// Compliance.
    Compliance,
    /// Information technology.
    It,
    /// Human resources.
    Hr,
}

impl Department {
    /// Every department.
    pub const ALL: [Department; 7] = [
        Department::FrontOffice,
        Department::MiddleOffice,
        Department::Operations,
        Department::Finance,
        Department::Compliance,
        Department::It,
        Department::Hr,
    ];

    /// Its wire name.
    pub fn name(self) -> &'static str {
        match self {
            Department::FrontOffice => "front_office",
            Department::MiddleOffice => "middle_office",
            Department::Operations => "operations",
            Department::Finance => "finance",
            Department::Compliance => "compliance",
            Department::It => "it",
            Department::Hr => "hr",
        }
    }

    /// The department of a wire name.
    pub fn parse(name: &str) -> Result<Department, ControlError> {
        Department::ALL
            .into_iter()
            .find(|d| d.name() == name)
            .ok_or_else(|| ControlError::UnknownDepartment(name.to_owned()))
    }

    pub(crate) fn code(self) -> u8 {
        Department::ALL.iter().position(|d| *d == self).unwrap_or(0) as u8
    }

    pub(crate) fn from_code(code: u8) -> Option<Department> {
        Department::ALL.get(usize::from(code)).copied()
    }
}

/// An employee: who works here, where, under whom, since when.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Employee {
    /// The HR number (`E0001`).
    pub id: String,
    /// Full name.
    pub name: String,
    /// Department.
    pub department: Department,
    /// Job title.
    pub title: String,
    /// Their manager's HR number.
    pub manager: Option<String>,
    /// First day.
    pub start: Date,
    /// Last day, once they have left.
    pub end: Option<Date>,
}

/// A login of an employee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The login name.
    pub username: String,
    /// The employee it belongs to.
    pub employee: String,
    /// The roles it holds.
    pub roles: BTreeSet<Role>,
    /// The Argon2id hash of the password, as a PHC string (never the password).
    pub password_hash: String,
}

/// An API token for a system: shown once when issued, kept as its SHA-256 hash, scoped to
/// some of its user's roles, expiring, revocable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    /// Its id.
    pub id: u64,
    /// The user it acts as.
    pub username: String,
    /// What it is for.
    pub name: String,
    /// SHA-256 of the token, lower-case hex.
    pub hash: String,
    /// The roles it may use (a subset of its user's, checked on every request).
    pub roles: BTreeSet<Role>,
    /// When it stops working.
    pub expires_at: Timestamp,
    /// Revoked.
    pub revoked: bool,
}

/// Who is acting, once authenticated: the user, their department and the roles in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The login name.
    pub username: String,
    /// Their employee's department.
    pub department: Department,
    /// The roles in force (a token's scope narrows them).
    pub roles: BTreeSet<Role>,
}

/// Employees, users and tokens.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Directory {
    /// Employees by HR number.
    pub employees: BTreeMap<String, Employee>,
    /// Users by login name.
    pub users: BTreeMap<String, User>,
    /// Tokens by id.
    pub tokens: BTreeMap<u64, ApiToken>,
    token_by_hash: HashMap<String, u64>,
}

impl Directory {
    /// The user of a login name if their employee is in service.
    pub fn active_user(&self, username: &str) -> Option<(&User, &Employee)> {
        let user = self.users.get(username)?;
        let employee = self.employees.get(&user.employee)?;
        employee.end.is_none().then_some((user, employee))
    }

    /// The person a login name acts as, with all their roles.
    pub fn principal(&self, username: &str) -> Option<Principal> {
        let (user, employee) = self.active_user(username)?;
        Some(Principal {
            username: user.username.clone(),
            department: employee.department,
            roles: user.roles.clone(),
        })
    }

    /// The person a token acts as, if the token is known, live at `now`, and its user is in
    /// service: their roles narrowed to the token's scope.
    pub fn principal_of_token(&self, hash: &str, now: Timestamp) -> Option<Principal> {
        let token = self.tokens.get(self.token_by_hash.get(hash)?)?;
        if token.revoked || now >= token.expires_at {
            return None;
        }
        let mut principal = self.principal(&token.username)?;
        principal.roles.retain(|r| token.roles.contains(r));
        Some(principal)
    }

    /// The next token id.
    pub fn next_token_id(&self) -> u64 {
        self.tokens.keys().next_back().map_or(1, |id| id + 1)
    }

    /// Whether a token with this hash exists.
    pub fn has_token_hash(&self, hash: &str) -> bool {
        self.token_by_hash.contains_key(hash)
    }

    pub(crate) fn insert_token(&mut self, token: ApiToken) {
        self.token_by_hash.insert(token.hash.clone(), token.id);
        self.tokens.insert(token.id, token);
    }

    /// Whether `manager` is `employee` or above them in the reporting line.
    pub fn manages(&self, manager: &str, employee: &str) -> bool {
        let mut current = Some(employee.to_owned());
        for _ in 0..=self.employees.len() {
            match current {
                Some(ref id) if id == manager => return true,
                Some(ref id) => current = self.employees.get(id).and_then(|e| e.manager.clone()),
                None => return false,
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn directory() -> Directory {
        let mut d = Directory::default();
        d.employees.insert(
            "E1".into(),
            Employee {
                id: "E1".into(),
                name: "Maija".into(),
                department: Department::Finance,
                title: "Accountant".into(),
                manager: None,
                start: date(2025, 1, 1),
                end: None,
            },
        );
        d.users.insert(
            "maija".into(),
            User {
                username: "maija".into(),
                employee: "E1".into(),
                roles: BTreeSet::from([Role::Accountant, Role::Auditor]),
                password_hash: "$argon2id$...".into(),
            },
        );
        d.insert_token(ApiToken {
            id: 1,
            username: "maija".into(),
            name: "feed".into(),
            hash: "ab".repeat(32),
            roles: BTreeSet::from([Role::Auditor]),
            expires_at: Timestamp::from_second(2_000).unwrap_or(Timestamp::UNIX_EPOCH),
            revoked: false,
        });
        d
    }

    #[test]
    fn a_token_acts_within_its_scope_until_it_expires_is_revoked_or_its_user_leaves() {
        let d = directory();
        let before = Timestamp::from_second(1_999).unwrap_or(Timestamp::UNIX_EPOCH);
        let at_expiry = Timestamp::from_second(2_000).unwrap_or(Timestamp::UNIX_EPOCH);
        let p = d.principal_of_token(&"ab".repeat(32), before);
        assert_eq!(
            p.map(|p| (p.username, p.department, p.roles)),
            Some((
                "maija".into(),
                Department::Finance,
                BTreeSet::from([Role::Auditor])
            )),
            "the token's scope narrows its user's roles"
        );
        assert!(
            d.principal_of_token(&"ab".repeat(32), at_expiry).is_none(),
            "expired"
        );
        assert!(
            d.principal_of_token(&"cd".repeat(32), before).is_none(),
            "unknown"
        );
        let mut revoked = d.clone();
        if let Some(t) = revoked.tokens.get_mut(&1) {
            t.revoked = true;
        }
        assert!(
            revoked
                .principal_of_token(&"ab".repeat(32), before)
                .is_none()
        );
        let mut left = d.clone();
        if let Some(e) = left.employees.get_mut("E1") {
            e.end = Some(date(2026, 3, 2));
        }
        assert!(left.principal_of_token(&"ab".repeat(32), before).is_none());
        assert!(left.principal("maija").is_none());
        assert_eq!(d.principal("maija").map(|p| p.roles.len()), Some(2));
    }

    #[test]
    fn the_reporting_line_is_followed_upwards() {
        let mut d = directory();
        let mut boss = d.employees["E1"].clone();
        boss.id = "E0".into();
        d.employees.insert("E0".into(), boss);
        if let Some(e) = d.employees.get_mut("E1") {
            e.manager = Some("E0".into());
        }
        assert!(d.manages("E0", "E1"));
        assert!(!d.manages("E1", "E0"));
    }
}
