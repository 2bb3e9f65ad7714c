//! `kulissi serve`, the first administrator of `kulissi init`, and the operators' user and
//! token commands. Operators act from a shell on the database, as themselves or a system
//! (`--actor`); the people of the firm use the API, where four eyes are enforced.

use std::collections::BTreeSet;
use std::io::Write;
use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use kulissi_api::auth::{Passwords, new_token, random_hex, sha256_hex};
use kulissi_core::controls::commands::ControlCommand;
use kulissi_core::controls::roles::{Role, parse_roles, roles_text};
use kulissi_core::controls::staff::{Department, Employee};
use kulissi_core::engine::{Actor, Command};

use super::context::Context;
use crate::cli::{DocsCommand, TokenCommand, UserCommand};
use crate::store::AnyStore;

fn passwords() -> anyhow::Result<Passwords> {
    let config = kulissi_api::Config::load(None)?;
    Ok(Passwords::new(
        config.argon2_memory_kib,
        config.argon2_passes,
    )?)
}

/// The password KULISSI_PASSWORD (or `variable`) gives, or a generated one to print.
fn password_from(variable: &str) -> anyhow::Result<(String, bool)> {
    match std::env::var(variable) {
        Ok(p) if !p.is_empty() => Ok((p, false)),
        _ => Ok((random_hex(12)?, true)),
    }
}

fn control(c: ControlCommand) -> Command {
    Command::Control(c)
}

/// After `kulissi init`: the first administrator, `admin` (employee ADMIN of IT, role
/// system_administrator), if the directory has no user yet. The password comes from
/// KULISSI_ADMIN_PASSWORD or is generated and printed once.
pub(crate) fn first_administrator(ctx: &Context, out: &mut impl Write) -> anyhow::Result<()> {
    let has_users = !ctx.writer()?.state().controls.directory.users.is_empty();
    if has_users {
        return Ok(());
    }
    let (password, generated) = password_from("KULISSI_ADMIN_PASSWORD")?;
    let password_hash = passwords()?.hash(&password)?;
    let start = ctx.business_date;
    let system = Context {
        actor: Actor::System("init".into()),
        ..ctx.clone()
    };
    system.execute_all_and(
        |_| {
            Ok(vec![
                control(ControlCommand::HireEmployee(Employee {
                    id: "ADMIN".into(),
                    name: "Kulissi administrator".into(),
                    department: Department::It,
                    title: "System administrator".into(),
                    manager: None,
                    start,
                    end: None,
                })),
                control(ControlCommand::CreateUser {
                    username: "admin".into(),
                    employee: "ADMIN".into(),
                    password_hash,
                    roles: BTreeSet::from([Role::SystemAdministrator]),
                }),
            ])
        },
        |_| (),
    )?;
    if generated {
        writeln!(
            out,
            "created the first administrator 'admin' with the password {password} (shown once: change it)"
        )?;
    } else {
        writeln!(
            out,
            "created the first administrator 'admin' with the password from KULISSI_ADMIN_PASSWORD"
        )?;
    }
    Ok(())
}

pub(crate) fn user(
    ctx: &Context,
    command: UserCommand,
    out: &mut impl Write,
) -> anyhow::Result<u8> {
    match command {
        UserCommand::Add {
            username,
            employee,
            name,
            department,
            title,
            roles,
        } => {
            let roles = parse_roles(&roles)?;
            let employee = employee.unwrap_or_else(|| username.to_uppercase());
            let (password, generated) = password_from("KULISSI_PASSWORD")?;
            let password_hash = passwords()?.hash(&password)?;
            let start = ctx.business_date;
            ctx.execute_all_and(
                |state| {
                    let mut commands = Vec::new();
                    if !state.controls.directory.employees.contains_key(&employee) {
                        let department = department.as_deref().ok_or_else(|| {
                            anyhow::anyhow!(
                                "employee {employee} is new: give --name and --department"
                            )
                        })?;
                        commands.push(control(ControlCommand::HireEmployee(Employee {
                            id: employee.clone(),
                            name: name.clone().unwrap_or_else(|| username.clone()),
                            department: Department::parse(department)?,
                            title: title.clone(),
                            manager: None,
                            start,
                            end: None,
                        })));
                    }
                    commands.push(control(ControlCommand::CreateUser {
                        username: username.clone(),
                        employee: employee.clone(),
                        password_hash,
                        roles: roles.clone(),
                    }));
                    Ok(commands)
                },
                |_| (),
            )?;
            write!(
                out,
                "user {username} ({employee}) with roles [{}]",
                roles_text(&roles)
            )?;
            if generated {
                writeln!(out, "; password {password} (shown once)")?;
            } else {
                writeln!(out, "; password from KULISSI_PASSWORD")?;
            }
        }
        UserCommand::Roles { username, roles } => {
            let roles = parse_roles(&roles)?;
            ctx.execute(|_| {
                Ok(control(ControlCommand::SetUserRoles {
                    username: username.clone(),
                    roles: roles.clone(),
                }))
            })?;
            writeln!(out, "{username}: roles [{}]", roles_text(&roles))?;
        }
        UserCommand::Password { username } => {
            let (password, generated) = password_from("KULISSI_PASSWORD")?;
            let password_hash = passwords()?.hash(&password)?;
            ctx.execute(|_| {
                Ok(control(ControlCommand::SetPassword {
                    username: username.clone(),
                    password_hash,
                }))
            })?;
            if generated {
                writeln!(out, "{username}: password {password} (shown once)")?;
            } else {
                writeln!(out, "{username}: password from KULISSI_PASSWORD")?;
            }
        }
        UserCommand::Leave { employee, date } => {
            ctx.execute(|_| {
                Ok(control(ControlCommand::RecordLeaver {
                    id: employee.clone(),
                    last_day: date,
                }))
            })?;
            writeln!(
                out,
                "{employee} left on {date}: their sessions and tokens stop"
            )?;
        }
        UserCommand::List => {
            let writer = ctx.writer()?;
            let directory = &writer.state().controls.directory;
            writeln!(
                out,
                "{:<16} {:<10} {:<14} {:<7} roles",
                "user", "employee", "department", "active"
            )?;
            for u in directory.users.values() {
                let department = directory
                    .employees
                    .get(&u.employee)
                    .map_or("", |e| e.department.name());
                let active = directory.active_user(&u.username).is_some();
                writeln!(
                    out,
                    "{:<16} {:<10} {:<14} {:<7} {}",
                    u.username,
                    u.employee,
                    department,
                    if active { "yes" } else { "no" },
                    roles_text(&u.roles)
                )?;
            }
        }
    }
    Ok(0)
}

pub(crate) fn token(
    ctx: &Context,
    command: TokenCommand,
    out: &mut impl Write,
) -> anyhow::Result<u8> {
    match command {
        TokenCommand::Issue {
            username,
            name,
            roles,
            days,
        } => {
            let token = new_token()?;
            let hash = sha256_hex(&token);
            let expires_at =
                Timestamp::now().checked_add(SignedDuration::from_hours(i64::from(days) * 24))?;
            let (_, id) = ctx.execute_and(
                |state| {
                    let user = state
                        .controls
                        .directory
                        .users
                        .get(&username)
                        .ok_or_else(|| anyhow::anyhow!("no user {username}"))?;
                    let roles = match &roles {
                        Some(list) => parse_roles(list)?,
                        None => user.roles.clone(),
                    };
                    Ok(control(ControlCommand::IssueApiToken {
                        username: username.clone(),
                        name: name.clone(),
                        hash: hash.clone(),
                        roles,
                        expires_at,
                    }))
                },
                |state| {
                    state
                        .controls
                        .directory
                        .tokens
                        .values()
                        .find(|t| t.hash == hash)
                        .map_or(0, |t| t.id)
                },
            )?;
            writeln!(out, "token {id} for {username}, expires {expires_at}:")?;
            writeln!(out, "{token}")?;
        }
        TokenCommand::Revoke { id } => {
            ctx.execute(|_| Ok(control(ControlCommand::RevokeApiToken { id })))?;
            writeln!(out, "token {id} revoked")?;
        }
        TokenCommand::List => {
            let writer = ctx.writer()?;
            for t in writer.state().controls.directory.tokens.values() {
                writeln!(
                    out,
                    "{:>4} {:<16} {:<24} {:<40} expires {} {}",
                    t.id,
                    t.username,
                    t.name,
                    roles_text(&t.roles),
                    t.expires_at,
                    if t.revoked { "revoked" } else { "" }
                )?;
            }
        }
    }
    Ok(0)
}

pub(crate) fn docs(command: DocsCommand, out: &mut impl Write) -> anyhow::Result<u8> {
    match command {
        DocsCommand::Permissions => {
            write!(out, "{}", kulissi_api::endpoints::permissions_markdown())?
        }
        DocsCommand::Openapi => writeln!(out, "{}", kulissi_api::openapi::json())?,
        DocsCommand::Config => write!(out, "{}", kulissi_api::Config::markdown())?,
    }
    Ok(0)
}

/// `kulissi serve`: the writer on its thread, the API and the workbench on a Tokio runtime,
/// until Ctrl-C or SIGTERM; then requests in flight finish, the writer commits what it was
/// given and stops.
pub(crate) fn serve(
    ctx: &Context,
    listen: Option<std::net::SocketAddr>,
    config: Option<std::path::PathBuf>,
    out: &mut impl Write,
) -> anyhow::Result<u8> {
    let mut config = kulissi_api::Config::load(config.as_deref())?;
    if let Some(listen) = listen {
        config.listen = listen;
    }
    serve_with(ctx, config, out, |_, _| Ok(()))
}

/// Serves the database of `ctx` with `config`; `on_bound` is told the address once the
/// server listens (the demo prints its users there).
pub(crate) fn serve_with<W: Write>(
    ctx: &Context,
    config: kulissi_api::Config,
    out: &mut W,
    on_bound: impl FnOnce(std::net::SocketAddr, &mut W) -> anyhow::Result<()>,
) -> anyhow::Result<u8> {
    let level: tracing::Level = config.log_level.parse().unwrap_or(tracing::Level::INFO);
    let logs = tracing_subscriber::fmt()
        .with_target(false)
        .with_max_level(level)
        .with_writer(std::io::stderr);
    if config.log_format == "json" {
        logs.json().try_init().ok();
    } else {
        logs.try_init().ok();
    }
    let writer = ctx.writer()?;
    let (engine, thread) = kulissi_app::GroupCommit::spawn(writer)?;
    let db = ctx.db.clone();
    let readers: kulissi_api::app::ReaderFactory = Arc::new(move || {
        AnyStore::open(&db).map(|s| Box::new(s) as Box<dyn kulissi_store::EventStore + Send>)
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let listen = config.listen;
    let printer = &mut *out;
    let result = runtime.block_on(async move {
        let state = kulissi_api::app_state(engine, readers, config).await?;
        let listener = tokio::net::TcpListener::bind(listen).await?;
        let bound = listener.local_addr()?;
        tracing::info!(address = %bound, "serving");
        on_bound(bound, printer)?;
        let grace = std::time::Duration::from_secs(u64::from(state.config.shutdown_grace_seconds));
        kulissi_api::serve_router(listener, kulissi_ui::app(state), grace, shutdown_signal())
            .await?;
        anyhow::Ok(bound)
    });
    runtime.shutdown_timeout(std::time::Duration::from_secs(5));
    let bound = result?;
    let _ = thread.join();
    writeln!(out, "stopped serving on {bound}")?;
    Ok(0)
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
    tracing::info!("stopping: finishing requests in flight");
}
