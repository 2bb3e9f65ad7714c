//! `kulissi settle instructions|queue|exceptions|resolve|resend|hold|release|net|fails|penalties`
//! (instructing a day through the engine and writing its instructions as sese.023, CSV or
//! JSON; the instructions by status; the exception queue and its resolution; resending a
//! repaired instruction; holds; a day's netting; the fails report; a month's CSDR
//! penalties) and `kulissi settle net-file` (a
//! trade file netted per (counterparty, isin, settle_date, currency); see
//! `kulissi_formats::net_file`). (`kulissi settle TRADE ...`, a custodian's confirmation, is
//! in `database.rs`.)

use std::io::Write;
use std::path::Path;
use std::time::Instant;

/// Nets `trades` into `to` and prints one line: trades, groups, seconds.
pub(crate) fn net_file(trades: &Path, to: &Path, out: &mut impl Write) -> anyhow::Result<u8> {
    let started = Instant::now();
    let summary = kulissi_formats::net_file::net_file(trades, to)?;
    let seconds = started.elapsed().as_secs_f64();
    writeln!(
        out,
        "netted {} trades into {} groups in {seconds:.2} s: {}",
        summary.trades,
        summary.groups,
        to.display()
    )?;
    Ok(0)
}

/// `recon files`: reconciles two position files and prints one line: rows, breaks by kind,
/// seconds.
pub(crate) fn recon_files(
    ours: &Path,
    theirs: &Path,
    key: &str,
    compare: &str,
    to: &Path,
    out: &mut impl Write,
) -> anyhow::Result<u8> {
    let started = Instant::now();
    let (column, tolerance) = match compare.split_once(':') {
        Some((c, t)) => (c.to_owned(), Some(t.to_owned())),
        None => (compare.to_owned(), None),
    };
    let spec = kulissi_formats::recon_file::ReconSpec {
        key: key
            .split(',')
            .map(|k| k.trim().to_owned())
            .filter(|k| !k.is_empty())
            .collect(),
        compare: column,
        tolerance,
    };
    let s = kulissi_formats::recon_file::recon_files(ours, theirs, &spec, to)?;
    let seconds = started.elapsed().as_secs_f64();
    writeln!(
        out,
        "reconciled {} rows against {} in {seconds:.2} s: {} breaks ({} missing at the custodian, {} extra at the custodian, {} quantity differences): {}",
        s.internal,
        s.custodian,
        s.breaks(),
        s.missing_at_custodian,
        s.extra_at_custodian,
        s.qty_diff,
        to.display()
    )?;
    Ok(0)
}

/// `settle net --date`.
pub(crate) fn net(
    ctx: &super::context::Context,
    date: jiff::civil::Date,
    format: kulissi_app::reports::Format,
    out: &mut impl Write,
) -> anyhow::Result<u8> {
    let writer = ctx.writer()?;
    kulissi_app::reports::render(
        &kulissi_app::reports::netting(writer.state(), date),
        format,
        out,
    )?;
    Ok(0)
}

/// `settle fails --as-of`.
pub(crate) fn fails(
    ctx: &super::context::Context,
    as_of: jiff::civil::Date,
    format: kulissi_app::reports::Format,
    out: &mut impl Write,
) -> anyhow::Result<u8> {
    let writer = ctx.writer()?;
    kulissi_app::reports::render(
        &kulissi_app::reports::fails(writer.state(), as_of),
        format,
        out,
    )?;
    Ok(0)
}

/// `settle penalties --month YYYY-MM`.
pub(crate) fn penalties(
    ctx: &super::context::Context,
    month: &str,
    format: kulissi_app::reports::Format,
    out: &mut impl Write,
) -> anyhow::Result<u8> {
    let first: jiff::civil::Date = format!("{month}-01")
        .parse()
        .map_err(|_| anyhow::anyhow!("--month: expected YYYY-MM, found '{month}'"))?;
    let last = first.last_of_month();
    let writer = ctx.writer()?;
    let report = kulissi_app::reports::penalties(writer.state(), first, last);
    kulissi_app::reports::render(&report, format, out)?;
    Ok(0)
}

/// `settle instructions --date [--format sese.023|csv|json] [--out DIR]`: instructs, through
/// the engine, every live trade traded on or before the date that is neither settled nor
/// instructed (netted by the netting sets), then writes the instructions issued on that
/// date that were not cancelled.
pub(crate) fn instructions(
    ctx: &super::context::Context,
    date: jiff::civil::Date,
    format: &str,
    dir: Option<&Path>,
    out: &mut impl Write,
) -> anyhow::Result<u8> {
    use kulissi_core::settlement::instruction::message_of;
    let (_, messages) = ctx.execute_and(
        |_| Ok(kulissi_core::engine::Command::InstructSettlement { date }),
        |state| -> anyhow::Result<Vec<_>> {
            let mut messages = Vec::new();
            for i in state.settlement.iter() {
                if i.issued != date
                    || i.status()
                        == kulissi_core::settlement::lifecycle::InstructionStatus::Cancelled
                {
                    continue;
                }
                let members: Vec<&kulissi_core::trade::TradeRecord> = i
                    .terms
                    .members
                    .iter()
                    .filter_map(|id| state.trades.get(*id).map(|s| &s.record))
                    .collect();
                messages.push(message_of(i, &members, &state.refdata)?);
            }
            Ok(messages)
        },
    )?;
    let instructions = messages?;
    match format {
        "sese.023" | "sese023" => {
            let dir = dir.ok_or_else(|| anyhow::anyhow!("--format sese.023 needs --out DIR"))?;
            std::fs::create_dir_all(dir).map_err(|e| anyhow::anyhow!("{}: {e}", dir.display()))?;
            for i in &instructions {
                let path = dir.join(format!("{}.xml", i.reference));
                std::fs::write(&path, kulissi_iso20022::sese023::write(i))
                    .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            }
            writeln!(
                out,
                "{} sese.023 instructions issued on {date} written to {}",
                instructions.len(),
                dir.display()
            )?;
        }
        "csv" | "json" => {
            let report = InstructionList(instructions);
            let format = format.parse().map_err(|e: String| anyhow::anyhow!(e))?;
            kulissi_app::reports::render(&report, format, out)?;
        }
        other => anyhow::bail!("--format {other}: expected sese.023, csv or json"),
    }
    Ok(0)
}

/// `settle queue [--status S] [--date D] [--counterparty LEI]`: instructions by status.
pub(crate) fn queue(
    ctx: &super::context::Context,
    filter: &kulissi_app::reports::QueueFilter,
    format: kulissi_app::reports::Format,
    out: &mut impl Write,
) -> anyhow::Result<u8> {
    let writer = ctx.writer()?;
    let report = kulissi_app::reports::settlement_queue(writer.state(), filter);
    kulissi_app::reports::render(&report, format, out)?;
    Ok(0)
}

/// `settle exceptions [--open]`: the settlement exception queue.
pub(crate) fn exceptions(
    ctx: &super::context::Context,
    open: bool,
    format: kulissi_app::reports::Format,
    out: &mut impl Write,
) -> anyhow::Result<u8> {
    let writer = ctx.writer()?;
    let report = kulissi_app::reports::settlement_exceptions(writer.state(), open);
    kulissi_app::reports::render(&report, format, out)?;
    Ok(0)
}

/// `settle resolve ID --resolution TEXT`, `settle resend REF`, `settle hold|release REF`.
pub(crate) fn act(
    ctx: &super::context::Context,
    command: kulissi_core::engine::Command,
    out: &mut impl Write,
) -> anyhow::Result<u8> {
    let what = match &command {
        kulissi_core::engine::Command::ResolveSettlementException { id, .. } => {
            format!("exception {id} resolved")
        }
        kulissi_core::engine::Command::ResendInstruction { reference } => {
            format!("instruction {reference} resent")
        }
        kulissi_core::engine::Command::HoldInstruction { reference, hold } => format!(
            "instruction {reference} {}",
            if *hold { "on hold" } else { "released" }
        ),
        _ => String::from("done"),
    };
    let events = ctx.execute(|_| Ok(command))?;
    if events.is_empty() {
        writeln!(out, "already so: nothing changed")?;
    } else {
        writeln!(out, "{what}")?;
    }
    Ok(0)
}

/// Instructions as rows.
struct InstructionList(Vec<kulissi_core::settlement::instruction::SettlementInstruction>);

impl kulissi_app::reports::Report for InstructionList {
    fn columns(&self) -> &'static [&'static str] {
        &[
            "reference",
            "trades",
            "movement",
            "payment",
            "trade_date",
            "settlement_date",
            "isin",
            "quantity",
            "amount",
            "currency",
            "place_of_settlement",
            "our_agent",
            "their_agent",
            "counterparty",
        ]
    }

    fn rows(&self) -> Vec<Vec<kulissi_app::reports::Cell>> {
        use kulissi_app::reports::Cell;
        self.0
            .iter()
            .map(|i| {
                let trades: Vec<String> = i.trades.iter().map(|t| t.to_string()).collect();
                vec![
                    i.reference.as_str().into(),
                    trades.join(" ").into(),
                    i.movement.code().into(),
                    i.payment.code().into(),
                    i.trade_date.into(),
                    i.settlement_date.into(),
                    i.isin.to_string().into(),
                    i.quantity.into(),
                    i.amount.map_or(Cell::Empty, |(a, _)| a.into()),
                    i.amount.map_or(Cell::Empty, |(_, c)| c.code().into()),
                    i.ours.place_of_settlement.to_string().into(),
                    i.ours.agent.to_string().into(),
                    i.theirs.agent.to_string().into(),
                    i.counterparty.to_string().into(),
                ]
            })
            .collect()
    }

    fn write_table(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        kulissi_app::reports::render(self, kulissi_app::reports::Format::Csv, out)
    }
}
