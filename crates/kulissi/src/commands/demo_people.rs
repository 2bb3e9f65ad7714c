//! The demo firm's people: one user per role (and a second settlements person, so that a
//! settlements change has someone to check it), each with a fresh password printed once,
//! and the requests waiting for a second person when the workbench opens.

use std::collections::BTreeSet;

use jiff::{SignedDuration, Timestamp};
use kulissi_api::auth::{Passwords, random_hex};
use kulissi_core::controls::commands::ControlCommand;
use kulissi_core::controls::roles::Role;
use kulissi_core::controls::staff::{Department, Employee};
use kulissi_core::engine::{Actor, Command};

use super::context::Context;

/// A demo user.
#[derive(Debug, Clone)]
pub(crate) struct DemoUser {
    pub(crate) username: &'static str,
    pub(crate) password: String,
    pub(crate) role: &'static str,
    pub(crate) name: &'static str,
}

/// User name, name, department, title, role.
const PEOPLE: [(&str, &str, Department, &str, Role); 10] = [
    (
        "tuomas",
        "Tuomas Virtanen",
        Department::FrontOffice,
        "Equity trader",
        Role::Trader,
    ),
    (
        "riikka",
        "Riikka Korhonen",
        Department::MiddleOffice,
        "Risk manager",
        Role::Risk,
    ),
    (
        "sanna",
        "Sanna Mäkinen",
        Department::Operations,
        "Settlements analyst",
        Role::Settlements,
    ),
    (
        "olli",
        "Olli Nieminen",
        Department::Operations,
        "Settlements team lead",
        Role::Settlements,
    ),
    (
        "reijo",
        "Reijo Hämäläinen",
        Department::Operations,
        "Reconciliations analyst",
        Role::Reconciliations,
    ),
    (
        "aino",
        "Aino Laine",
        Department::Finance,
        "Financial accountant",
        Role::Accountant,
    ),
    (
        "kalle",
        "Kalle Heikkinen",
        Department::Compliance,
        "Compliance officer",
        Role::ComplianceOfficer,
    ),
    (
        "helmi",
        "Helmi Koskinen",
        Department::Hr,
        "HR administrator",
        Role::HrAdministrator,
    ),
    (
        "ilkka",
        "Ilkka Järvinen",
        Department::It,
        "System administrator",
        Role::SystemAdministrator,
    ),
    (
        "auli",
        "Auli Lehtonen",
        Department::Compliance,
        "Internal auditor",
        Role::Auditor,
    ),
];

/// Hires the demo people and gives each a user with a new password (shown once). Run again
/// on the same database, it hires no one twice and gives each user a new password.
pub(crate) fn people(ctx: &Context) -> anyhow::Result<Vec<DemoUser>> {
    let config = kulissi_api::Config::load(None)?;
    let passwords = Passwords::new(config.argon2_memory_kib, config.argon2_passes)?;
    let (employees, existing): (BTreeSet<String>, BTreeSet<String>) = {
        let writer = ctx.writer()?;
        let d = &writer.state().controls.directory;
        (
            d.employees.keys().cloned().collect(),
            d.users.keys().cloned().collect(),
        )
    };
    let mut users = Vec::new();
    let mut commands = Vec::new();
    let start = ctx.business_date;
    for (username, name, department, title, role) in PEOPLE {
        let password = format!("demo-{}", random_hex(8)?);
        if existing.contains(username) {
            commands.push(Command::Control(ControlCommand::SetPassword {
                username: username.to_owned(),
                password_hash: passwords.hash(&password)?,
            }));
            users.push(DemoUser {
                username,
                password,
                role: role.name(),
                name,
            });
            continue;
        }
        if !employees.contains(&username.to_uppercase()) {
            commands.push(Command::Control(ControlCommand::HireEmployee(Employee {
                id: username.to_uppercase(),
                name: name.to_owned(),
                department,
                title: title.to_owned(),
                manager: None,
                start,
                end: None,
            })));
        }
        commands.push(Command::Control(ControlCommand::CreateUser {
            username: username.to_owned(),
            employee: username.to_uppercase(),
            password_hash: passwords.hash(&password)?,
            roles: BTreeSet::from([role]),
        }));
        users.push(DemoUser {
            username,
            password,
            role: role.name(),
            name,
        });
    }
    let hr = Context {
        actor: Actor::System("demo".into()),
        ..ctx.clone()
    };
    hr.execute_all_and(|_| Ok(commands), |_| ())?;
    Ok(users)
}

/// Files the requests that wait for a checker when the workbench opens: a counterparty's
/// new cash account for its SSI (made by sanna, for olli to check) and a role for reijo
/// (made by helmi, for ilkka to check). Run again, it files them only when nothing waits.
/// Returns how many wait.
pub(crate) fn requests(ctx: &Context) -> anyhow::Result<usize> {
    let waiting = {
        let writer = ctx.writer()?;
        let now = Timestamp::now();
        writer
            .state()
            .controls
            .approvals
            .requests
            .values()
            .filter(|r| r.status_name(now) == "pending")
            .count()
    };
    if waiting > 0 {
        return Ok(waiting);
    }
    let expires_at = Timestamp::now()
        .checked_add(SignedDuration::from_hours(24 * 30))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let ssi_change = {
        let writer = ctx.writer()?;
        let state = writer.state();
        let r = &state.refdata;
        r.ssis.iter().find_map(|(_, s)| {
            let counterparty = r.counterparties.get(s.key.counterparty?)?.lei;
            Some(Command::DefineSsi {
                counterparty: Some(counterparty),
                market: s.key.market,
                currency: s.key.currency,
                instrument_type: s.key.instrument_type,
                place_of_settlement: s.place_of_settlement,
                agent: s.agent,
                safekeeping_account: s.safekeeping_account.clone(),
                cash_account: format!("{}-2", s.cash_account),
                valid_from: ctx.business_date,
            })
        })
    };
    let role_change = Command::Control(ControlCommand::SetUserRoles {
        username: "reijo".into(),
        roles: BTreeSet::from([Role::Reconciliations, Role::Settlements]),
    });
    let mut filed = 0;
    for (maker, command) in [("sanna", ssi_change), ("helmi", Some(role_change))] {
        let Some(command) = command else { continue };
        let payload = kulissi_formats::messages::command_object(&command)
            .map(|o| o.to_string())
            .ok_or_else(|| anyhow::anyhow!("the demo's request has no message line"))?;
        let person = Context {
            actor: Actor::Person(maker.into()),
            ..ctx.clone()
        };
        person.execute_all_and(
            |_| {
                Ok(vec![Command::Control(ControlCommand::RequestApproval {
                    command: Box::new(command),
                    payload,
                    expires_at,
                })])
            },
            |_| (),
        )?;
        filed += 1;
    }
    Ok(filed)
}
