//! `kulissi recon run|breaks|assign|move|comment|resolve|write-off|approve-write-off`: a
//! statement (CSV, `kulissi_formats::statement`; or ISO 20022 semt.002 and camt.053,
//! `kulissi_iso20022::statements`) reconciled through the engine, the break
//! workbench (`kulissi_app::reports::recon_breaks`), and people working the breaks.
//! (`recon files`, the file mode, is in `settle.rs` beside `settle net-file`.)

use std::io::Write;
use std::path::Path;

use jiff::civil::Date;
use kulissi_core::engine::{Command, Event};
use kulissi_core::reconciliation::views::ReconDefinition;

use super::context::{Context, legal_entity};

fn definition_named(name: &str) -> anyhow::Result<ReconDefinition> {
    ReconDefinition::parse(name).ok_or_else(|| {
        let names: Vec<&str> = ReconDefinition::ALL.iter().map(|d| d.name()).collect();
        anyhow::anyhow!("--definition {name}: expected one of {}", names.join(", "))
    })
}

/// `recon mapping`.
pub(crate) fn mapping(
    ctx: &Context,
    source: &str,
    definition: &str,
    maps: &[String],
    out: &mut impl Write,
) -> anyhow::Result<u8> {
    let definition = definition_named(definition)?;
    let columns = maps
        .iter()
        .map(|m| {
            m.split_once('=')
                .map(|(o, t)| (o.trim().to_owned(), t.trim().to_owned()))
                .ok_or_else(|| anyhow::anyhow!("--map {m}: expected OUR_COLUMN=THEIR_COLUMN"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let events = ctx.execute(|_| {
        Ok(Command::DefineStatementMapping {
            source: source.to_owned(),
            definition,
            columns,
        })
    })?;
    writeln!(
        out,
        "{source}: {} statements mapped{}",
        definition.name(),
        if events.is_empty() {
            " (already so)"
        } else {
            ""
        }
    )?;
    Ok(0)
}

/// `recon tolerance`.
pub(crate) fn tolerance(
    ctx: &Context,
    definition: &str,
    absolute: rust_decimal::Decimal,
    relative: rust_decimal::Decimal,
    out: &mut impl Write,
) -> anyhow::Result<u8> {
    let definition = definition_named(definition)?;
    let events = ctx.execute(|_| {
        Ok(Command::SetReconTolerance {
            definition,
            absolute,
            relative,
        })
    })?;
    writeln!(
        out,
        "{}: tolerance {absolute} absolute or {relative} relative{}",
        definition.name(),
        if events.is_empty() {
            " (already so)"
        } else {
            ""
        }
    )?;
    Ok(0)
}

/// `recon run`.
pub(crate) fn run(
    ctx: &Context,
    definition: &str,
    statement: &Path,
    as_of: Date,
    lei: Option<&str>,
    source: Option<&str>,
    out: &mut impl Write,
) -> anyhow::Result<u8> {
    let definition = definition_named(definition)?;
    let name = statement.display().to_string();
    let bytes = std::fs::read(statement).map_err(|e| anyhow::anyhow!("cannot open {name}: {e}"))?;
    let digest = kulissi_formats::statement::statement_digest(&bytes);
    let (events, open) = ctx.execute_and(
        |state| {
            let mapping = kulissi_iso20022::statements::mapping_of(
                &state.reconciliations,
                source,
                definition,
            )?;
            let lines = kulissi_iso20022::statements::statement_lines(
                &bytes, &name, definition, &mapping, as_of,
            )
            .map_err(|e| anyhow::anyhow!("{e}\nnothing was reconciled"))?;
            Ok(Command::RunReconciliation {
                definition,
                legal_entity: legal_entity(state, lei)?,
                as_of,
                statement: name.clone(),
                digest,
                lines,
            })
        },
        |state| {
            state
                .reconciliations
                .breaks
                .iter()
                .filter(|b| b.status.is_open() && b.definition == definition)
                .count()
        },
    )?;
    for event in &events {
        if let Event::ReconciliationRan {
            run,
            opened,
            updated,
            closed,
            ..
        } = event
        {
            writeln!(
                out,
                "{} on {}: {} of {} items matched; {} breaks opened, {} still open, {} closed; {open} open in all (kulissi recon breaks --open)",
                definition.name(),
                run.as_of,
                run.matched,
                run.items,
                opened.len(),
                updated.len(),
                closed.len()
            )?;
            writeln!(out, "  result digest {:016x}", run.result_digest)?;
        }
    }
    Ok(0)
}

/// `recon confirmations`: a day's trades affirmed against a counterparty confirmation file.
pub(crate) fn confirmations(
    ctx: &Context,
    file: &Path,
    as_of: Date,
    lei: Option<&str>,
    out: &mut impl Write,
) -> anyhow::Result<u8> {
    let name = file.display().to_string();
    let bytes = std::fs::read(file).map_err(|e| anyhow::anyhow!("cannot open {name}: {e}"))?;
    let confirmations = kulissi_formats::statement::read_confirmations_csv(&bytes, &name)
        .map_err(|errors| anyhow::anyhow!("{errors}\nnothing was affirmed"))?;
    let digest = kulissi_formats::statement::statement_digest(&bytes);
    let events = ctx.execute(|state| {
        Ok(Command::AffirmTrades {
            legal_entity: legal_entity(state, lei)?,
            as_of,
            statement: name.clone(),
            digest,
            confirmations,
        })
    })?;
    for event in &events {
        if let Event::ReconciliationRan {
            run,
            opened,
            updated,
            closed,
            affirmed,
        } = event
        {
            writeln!(
                out,
                "confirmations of {}: {} trades affirmed; {} confirmation breaks opened, {} still open, {} closed (kulissi recon breaks --open)",
                run.as_of,
                affirmed.len(),
                opened.len(),
                updated.len(),
                closed.len()
            )?;
        }
    }
    Ok(0)
}

/// `recon block-unconfirmed`.
pub(crate) fn block_unconfirmed(
    ctx: &Context,
    block: bool,
    out: &mut impl Write,
) -> anyhow::Result<u8> {
    ctx.execute(|_| Ok(Command::SetConfirmationBlocking { block }))?;
    writeln!(
        out,
        "trades with an open confirmation break {} before they are instructed",
        if block { "wait" } else { "do not wait" }
    )?;
    Ok(0)
}

/// `recon breaks`.
pub(crate) fn breaks(
    ctx: &Context,
    open: bool,
    as_of: Option<Date>,
    format: kulissi_app::reports::Format,
    out: &mut impl Write,
) -> anyhow::Result<u8> {
    let writer = ctx.writer()?;
    let report = kulissi_app::reports::recon_breaks(
        writer.state(),
        open,
        as_of.unwrap_or(ctx.business_date),
    );
    kulissi_app::reports::render(&report, format, out)?;
    Ok(0)
}

/// A person's action on a break.
pub(crate) fn act(ctx: &Context, command: Command, out: &mut impl Write) -> anyhow::Result<u8> {
    let what = match &command {
        Command::MoveBreak { id, to, .. } => format!("break {id} {}", to.name()),
        Command::CommentBreak { id, .. } => format!("break {id}: comment added"),
        Command::ResolveBreak { id, code, .. } => format!("break {id} resolved ({code})"),
        Command::RequestWriteOff { id, .. } => {
            format!("break {id}: write-off asked; another person approves it")
        }
        Command::ApproveWriteOff { id } => format!("break {id} written off"),
        _ => String::from("done"),
    };
    ctx.execute(|_| Ok(command))?;
    writeln!(out, "{what}")?;
    Ok(0)
}
