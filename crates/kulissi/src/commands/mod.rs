//! What each command does. Commands write to the `out` they are given (stdout in
//! production, a buffer in tests) and return the process exit status.

mod bench;
mod bench_http;
mod bench_pages;
mod calendar;
mod cash;
mod context;
mod database;
mod demo;
mod demo_people;
mod id;
mod ledger;
mod recon;
mod server;
mod settle;
mod startup;

use std::io::Write;

use crate::cli::{
    Cli, Command, ImportCommand, LedgerCommand, SettleArgs, SettleCommand, TradesCommand,
};

/// Runs the command line; `Ok(status)` is the exit status, `Err` a failure reported with
/// status 2.
pub(crate) fn run(cli: Cli, out: &mut impl Write) -> anyhow::Result<u8> {
    let ctx = || {
        context::Context::new(&cli.db, cli.actor.as_deref(), cli.business_date).map(|c| {
            context::Context {
                snapshots: kulissi_app::SnapshotPolicy {
                    every: cli.snapshot_every,
                    ..kulissi_app::SnapshotPolicy::DEFAULT
                },
                message_id: cli.message_id.clone(),
                ..c
            }
        })
    };
    match cli.command {
        Command::Demo {
            trades,
            no_serve,
            listen,
        } => {
            let mut ctx = ctx()?;
            if cli.db == std::path::Path::new("kulissi.db") {
                ctx.db = "kulissi-demo.db".into();
            }
            demo::run(&ctx, trades, (!no_serve).then_some(listen), out)
        }
        Command::Init => {
            let ctx = ctx()?;
            let status = database::init(&ctx, out)?;
            server::first_administrator(&ctx, out)?;
            Ok(status)
        }
        Command::Serve { listen, config } => server::serve(&ctx()?, listen, config, out),
        Command::User(command) => server::user(&ctx()?, command, out),
        Command::Token(command) => server::token(&ctx()?, command, out),
        Command::Docs(command) => server::docs(command, out),
        Command::Import(ImportCommand::Refdata { file }) => {
            database::import(&ctx()?, &file, database::ImportKind::Refdata, out)
        }
        Command::Import(ImportCommand::Trades { file }) => {
            database::import(&ctx()?, &file, database::ImportKind::Trades, out)
        }
        Command::Import(ImportCommand::SettlementStatus { file }) => {
            database::import(&ctx()?, &file, database::ImportKind::SettlementStatus, out)
        }
        Command::Generate {
            trades,
            seed,
            back_office,
            to,
        } => database::generate(&ctx()?, trades, seed, back_office, to.as_deref(), out),
        Command::Trades(TradesCommand::List {
            after,
            limit,
            format,
        }) => database::trades_list(&ctx()?, after, limit, format, out),
        Command::Trades(TradesCommand::Show { trade, format }) => {
            database::trades_show(&ctx()?, &trade, format, out)
        }
        Command::Positions {
            as_of,
            as_of_seq,
            format,
        } => database::positions(&ctx()?, as_of, as_of_seq, format, out),
        Command::Verify => database::verify_command(&ctx()?, out),
        Command::Eod { date, legal_entity } => {
            cash::end_of_day(&ctx()?, date, legal_entity.as_deref(), out)
        }
        Command::Cash(cmd) => cash::run(&ctx()?, cmd, out),
        Command::CorporateActions(cmd) => cash::corporate_actions(&ctx()?, cmd, out),
        Command::Ledger(LedgerCommand::TrialBalance {
            as_of,
            by,
            legal_entity,
            format,
        }) => ledger::trial_balance(&ctx()?, as_of, by, legal_entity.as_deref(), format, out),
        Command::Ledger(LedgerCommand::Statement {
            account,
            from,
            to,
            by,
            legal_entity,
            format,
        }) => ledger::statement(
            &ctx()?,
            account,
            (from, to),
            by,
            legal_entity.as_deref(),
            format,
            out,
        ),
        Command::Ledger(LedgerCommand::Export { format, to }) => {
            ledger::export(&ctx()?, &format, to.as_deref(), out)
        }
        Command::Ledger(LedgerCommand::BalanceSheet {
            as_of,
            by,
            legal_entity,
            format,
        }) => ledger::statements(
            &ctx()?,
            (None, as_of),
            by,
            legal_entity.as_deref(),
            format,
            out,
        ),
        Command::Ledger(LedgerCommand::IncomeStatement {
            from,
            to,
            by,
            legal_entity,
            format,
        }) => ledger::statements(
            &ctx()?,
            (Some(from), Some(to)),
            by,
            legal_entity.as_deref(),
            format,
            out,
        ),
        Command::Ledger(cmd) => ledger::accounting(&ctx()?, cmd, out),
        Command::Settle(SettleArgs {
            command: Some(SettleCommand::NetFile { trades, out: to }),
            ..
        }) => settle::net_file(&trades, &to, out),
        Command::Recon(crate::cli::ReconCommand::Run {
            definition,
            statement,
            as_of,
            legal_entity,
            source,
        }) => recon::run(
            &ctx()?,
            &definition,
            &statement,
            as_of,
            legal_entity.as_deref(),
            source.as_deref(),
            out,
        ),
        Command::Recon(crate::cli::ReconCommand::Mapping {
            source,
            definition,
            maps,
        }) => recon::mapping(&ctx()?, &source, &definition, &maps, out),
        Command::Recon(crate::cli::ReconCommand::Breaks {
            open,
            as_of,
            format,
        }) => recon::breaks(&ctx()?, open, as_of, format, out),
        Command::Recon(crate::cli::ReconCommand::Confirmations {
            file,
            as_of,
            legal_entity,
        }) => recon::confirmations(&ctx()?, &file, as_of, legal_entity.as_deref(), out),
        Command::Recon(crate::cli::ReconCommand::BlockUnconfirmed { block }) => {
            recon::block_unconfirmed(&ctx()?, block, out)
        }
        Command::Recon(crate::cli::ReconCommand::Tolerance {
            definition,
            absolute,
            relative,
        }) => recon::tolerance(&ctx()?, &definition, absolute, relative, out),
        Command::Recon(crate::cli::ReconCommand::Assign { id, to }) => recon::act(
            &ctx()?,
            kulissi_core::engine::Command::MoveBreak {
                id,
                to: kulissi_core::reconciliation::breaks::BreakStatus::Assigned,
                assignee: Some(to),
            },
            out,
        ),
        Command::Recon(crate::cli::ReconCommand::Move { id, status }) => {
            let to = kulissi_core::reconciliation::breaks::BreakStatus::parse(&status)
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "--status {status}: expected investigating, pending_internal or pending_counterparty"
                    )
                })?;
            recon::act(
                &ctx()?,
                kulissi_core::engine::Command::MoveBreak {
                    id,
                    to,
                    assignee: None,
                },
                out,
            )
        }
        Command::Recon(crate::cli::ReconCommand::Comment { id, text }) => recon::act(
            &ctx()?,
            kulissi_core::engine::Command::CommentBreak { id, text },
            out,
        ),
        Command::Recon(crate::cli::ReconCommand::Resolve { id, code, comment }) => recon::act(
            &ctx()?,
            kulissi_core::engine::Command::ResolveBreak { id, code, comment },
            out,
        ),
        Command::Recon(crate::cli::ReconCommand::WriteOff { id, reason }) => recon::act(
            &ctx()?,
            kulissi_core::engine::Command::RequestWriteOff { id, reason },
            out,
        ),
        Command::Recon(crate::cli::ReconCommand::ApproveWriteOff { id }) => recon::act(
            &ctx()?,
            kulissi_core::engine::Command::ApproveWriteOff { id },
            out,
        ),
        Command::Recon(crate::cli::ReconCommand::Files {
            ours,
            theirs,
            key,
            compare,
            out: to,
        }) => settle::recon_files(&ours, &theirs, &key, &compare, &to, out),
        Command::Settle(SettleArgs {
            command: Some(SettleCommand::Net { date, format }),
            ..
        }) => settle::net(&ctx()?, date, format, out),
        Command::Settle(SettleArgs {
            command: Some(SettleCommand::Fails { as_of, format }),
            ..
        }) => settle::fails(&ctx()?, as_of, format, out),
        Command::Settle(SettleArgs {
            command: Some(SettleCommand::Penalties { month, format }),
            ..
        }) => settle::penalties(&ctx()?, &month, format, out),
        Command::Settle(SettleArgs {
            command:
                Some(SettleCommand::Instructions {
                    date,
                    format,
                    out: dir,
                }),
            ..
        }) => settle::instructions(&ctx()?, date, &format, dir.as_deref(), out),
        Command::Settle(SettleArgs {
            command:
                Some(SettleCommand::Queue {
                    status,
                    date,
                    counterparty,
                    format,
                }),
            ..
        }) => {
            let filter = kulissi_app::reports::QueueFilter {
                status,
                date,
                counterparty,
            };
            settle::queue(&ctx()?, &filter, format, out)
        }
        Command::Settle(SettleArgs {
            command: Some(SettleCommand::Exceptions { open, format }),
            ..
        }) => settle::exceptions(&ctx()?, open, format, out),
        Command::Settle(SettleArgs {
            command: Some(SettleCommand::Resolve { id, resolution }),
            ..
        }) => settle::act(
            &ctx()?,
            kulissi_core::engine::Command::ResolveSettlementException { id, resolution },
            out,
        ),
        Command::Settle(SettleArgs {
            command: Some(SettleCommand::Resend { reference }),
            ..
        }) => settle::act(
            &ctx()?,
            kulissi_core::engine::Command::ResendInstruction { reference },
            out,
        ),
        Command::Settle(SettleArgs {
            command: Some(SettleCommand::Hold { reference }),
            ..
        }) => settle::act(
            &ctx()?,
            kulissi_core::engine::Command::HoldInstruction {
                reference,
                hold: true,
            },
            out,
        ),
        Command::Settle(SettleArgs {
            command: Some(SettleCommand::Release { reference }),
            ..
        }) => settle::act(
            &ctx()?,
            kulissi_core::engine::Command::HoldInstruction {
                reference,
                hold: false,
            },
            out,
        ),
        Command::Settle(SettleArgs {
            confirm: Some(c), ..
        }) => database::settle(&ctx()?, &c.trade, &c.quantity, c.date, &c.reference, out),
        Command::Settle(SettleArgs { .. }) => {
            anyhow::bail!(
                "settle needs a confirmation (TRADE --quantity Q --date D --reference R) or a subcommand (instructions, queue, exceptions, resolve, resend, hold, release, net, fails, penalties, net-file)"
            )
        }
        Command::Bench(crate::cli::BenchCommand::CrashChild { start, count, seed }) => {
            bench::crash_child(&ctx()?, start, count, seed, out)
        }
        Command::Id(cmd) => id::run(cmd, out),
        Command::Calendar(cmd) => calendar::run(cmd, out),
        Command::Bench(crate::cli::BenchCommand::Startup { runs }) => {
            startup::bench(&ctx()?, runs, out)
        }
        Command::Snapshot(crate::cli::SnapshotCommand::Take) => startup::take(&ctx()?, out),
        Command::Snapshot(crate::cli::SnapshotCommand::List) => startup::list(&ctx()?, out),
        Command::Bench(crate::cli::BenchCommand::Http {
            trades,
            connections,
            seconds,
            seed,
            dir,
        }) => bench_http::http(trades, connections, seconds, seed, dir.as_deref(), out),
        Command::Bench(crate::cli::BenchCommand::Pages {
            trades,
            rounds,
            target_ms,
            dir,
        }) => bench_pages::pages(&ctx()?, trades, rounds, target_ms, dir.as_deref(), out),
        Command::Bench(crate::cli::BenchCommand::Booking { trades, seed, dir }) => {
            bench::booking(trades, seed, dir.as_deref(), &cli.db, out)
        }
    }
}
