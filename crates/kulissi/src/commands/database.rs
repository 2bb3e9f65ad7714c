//! The database commands: `init`, `import`, `generate`, `trades`, `positions` (reports of
//! `kulissi_app::reports`), `verify`, `settle`.

use std::io::Write;
use std::path::Path;

use jiff::civil::Date;
use kulissi_app::generator::DemoFirm;
use kulissi_app::reports::{self, Format, TradeRef};
use kulissi_app::verify::verify;
use kulissi_core::engine::{Command, CommandEnvelope};
use kulissi_formats::Located;
use kulissi_store::EventStore;

use super::context::{Context, progress};

/// Exit status of a negative verdict (`verify` found a problem).
const EXIT_FAILED: u8 = 1;

pub(crate) fn init(ctx: &Context, out: &mut impl Write) -> anyhow::Result<u8> {
    let mut store = ctx.create()?;
    let head = store.head()?.map_or(0, |h| h.seq);
    writeln!(
        out,
        "initialised {} (schema version {}, {head} events)",
        ctx.location(),
        store.schema_version()?
    )?;
    Ok(0)
}

/// What an import reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ImportKind {
    /// Reference data and messages (JSON lines).
    Refdata,
    /// Trades (CSV or JSON lines).
    Trades,
    /// A custodian's settlement statuses (sese.024, sese.025 or CSV).
    SettlementStatus,
}

/// Reads a settlement status file: an ISO 20022 message when it starts with `<`, else the
/// CSV status file. An XML message is one located command per status, all on line 1.
fn read_settlement_status(
    path: &Path,
    name: &str,
    business_date: Date,
) -> anyhow::Result<Vec<Located<Command>>> {
    let bytes = std::fs::read(path).map_err(|e| anyhow::anyhow!("cannot open {name}: {e}"))?;
    let text = String::from_utf8_lossy(&bytes);
    let body = text.trim_start_matches('\u{feff}').trim_start();
    if body.starts_with('<') {
        let message = kulissi_iso20022::status::read(body, name)
            .map_err(|e| anyhow::anyhow!("{e}\nnothing was imported"))?;
        return Ok(kulissi_iso20022::status::commands(&message, business_date)
            .into_iter()
            .map(|c| Located {
                line: 1,
                message_id: kulissi_core::engine::MessageId::derived(&c),
                item: c,
            })
            .collect());
    }
    kulissi_formats::read_settlement_status_csv(bytes.as_slice(), name, business_date)
        .map_err(|errors| anyhow::anyhow!("{errors}\nnothing was imported"))
}

/// Reads an import file into located commands.
fn read_file(
    path: &Path,
    kind: ImportKind,
    business_date: Date,
) -> anyhow::Result<Vec<Located<Command>>> {
    let name = path.display().to_string();
    if kind == ImportKind::SettlementStatus {
        return read_settlement_status(path, &name, business_date);
    }
    let trades = kind == ImportKind::Trades;
    let file = std::fs::File::open(path).map_err(|e| anyhow::anyhow!("cannot open {name}: {e}"))?;
    let reader = std::io::BufReader::with_capacity(1 << 20, file);
    let jsonl = matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("jsonl" | "ndjson" | "json")
    );
    let result = match (trades, jsonl) {
        (true, true) => kulissi_formats::read_trades_jsonl(reader, &name),
        (true, false) => kulissi_formats::read_trades_csv(reader, &name),
        (false, _) => kulissi_formats::read_refdata_jsonl(reader, &name),
    };
    result.map_err(|errors| anyhow::anyhow!("{errors}\nnothing was imported"))
}

pub(crate) fn import(
    ctx: &Context,
    path: &Path,
    kind: ImportKind,
    out: &mut impl Write,
) -> anyhow::Result<u8> {
    let items = read_file(path, kind, ctx.business_date)?;
    let lines: Vec<u64> = items.iter().map(|l| l.line).collect();
    let commands: Vec<CommandEnvelope> = items
        .into_iter()
        .map(|l| ctx.envelope(l.item).with_message_id(l.message_id))
        .collect();
    let mut writer = ctx.writer()?;
    let exceptions_before = writer.state().settlement.exceptions.len();
    let bar = progress(commands.len() as u64, "importing");
    let outcome =
        writer.execute_atomic_with_progress(&commands, |done| bar.set_position(done as u64))?;
    bar.finish_and_clear();
    match outcome {
        Err((i, rejection)) => Err(anyhow::anyhow!(
            "{} line {}: {rejection}\nnothing was imported",
            path.display(),
            lines.get(i).copied().unwrap_or(0)
        )),
        Ok(receipts) => {
            let duplicates = receipts.iter().filter(|r| r.is_duplicate()).count();
            let applied = receipts.len() - duplicates;
            let seqs = receipts
                .iter()
                .filter(|r| !r.is_duplicate())
                .map(|r| r.seqs.clone());
            let (first, last) = seqs.fold((u64::MAX, 0), |(a, b), r| {
                (a.min(r.start), b.max(r.end.saturating_sub(1)))
            });
            write!(
                out,
                "imported {}: {} lines, {applied} applied, {duplicates} already known",
                path.display(),
                // An end_of_day line is two commands (asset servicing, then the day).
                {
                    let mut distinct = lines.clone();
                    distinct.dedup();
                    distinct.len()
                }
            )?;
            if applied > 0 {
                write!(out, ", events {first}..{last}")?;
            }
            writeln!(out)?;
            // What the engine could not fit waits for a person, and says so.
            for e in writer
                .state()
                .settlement
                .exceptions
                .iter()
                .skip(exceptions_before)
            {
                writeln!(
                    out,
                    "  exception {}: {}: {} (see kulissi settle exceptions)",
                    e.id, e.reference, e.detail
                )?;
            }
            Ok(0)
        }
    }
}

/// Where `generate --to` writes the commands it runs.
struct Recorder(Option<std::io::BufWriter<std::fs::File>>);

impl Recorder {
    fn record(&mut self, envelopes: &[CommandEnvelope]) -> anyhow::Result<()> {
        if let Some(file) = &mut self.0 {
            for e in envelopes {
                kulissi_formats::messages::write_command(&e.command, file)?;
            }
        }
        Ok(())
    }
}

pub(crate) fn generate(
    ctx: &Context,
    trades: u64,
    seed: u64,
    back_office: bool,
    to: Option<&std::path::Path>,
    out: &mut impl Write,
) -> anyhow::Result<u8> {
    let firm = DemoFirm::generate(seed)?;
    let mut recorder = Recorder(match to {
        Some(path) => Some(std::io::BufWriter::new(
            std::fs::File::create(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?,
        )),
        None => None,
    });
    let mut writer = ctx.writer()?;
    recorder.record(&firm.reference_data)?;
    if let Err((i, rejection)) = writer.execute_atomic(&firm.reference_data)? {
        anyhow::bail!("generated reference data command {i} was rejected: {rejection}");
    }
    let bar = progress(trades, "booking");
    if back_office {
        let mut record = |commands: &[CommandEnvelope]| -> std::io::Result<()> {
            recorder.record(commands).map_err(std::io::Error::other)
        };
        let run = kulissi_app::back_office::run_back_office(
            &mut writer,
            &firm,
            seed,
            trades,
            &mut record,
            &mut |booked| bar.set_position(booked),
        )?;
        bar.finish_and_clear();
        let state = writer.state();
        writeln!(
            out,
            "generated Kulissi Securities Oyj (seed {seed}): {} instruments, {} counterparties, {} accounts; \
             {} trades booked, {} already booked, {} settlement confirmations, {} ends of day (the last {}), \
             {} corporate actions",
            state.refdata.instruments.len(),
            state.refdata.counterparties.len(),
            state.refdata.accounts.len(),
            run.booked,
            run.already_booked,
            run.confirmations,
            run.ends_of_day,
            run.last_end_of_day
                .map(|d| d.to_string())
                .unwrap_or_default(),
            state.corporate_actions.actions.len(),
        )?;
    } else {
        let mut booked = 0u64;
        let mut duplicates = 0u64;
        let mut failure: Option<String> = None;
        let mut stream = firm.trades(seed, trades);
        let mut record_failure = None;
        let batches = std::iter::from_fn(|| {
            let chunk: Vec<CommandEnvelope> =
                stream.by_ref().take(kulissi_app::MAX_BATCH).collect();
            if let Err(e) = recorder.record(&chunk) {
                record_failure = Some(e);
            }
            (!chunk.is_empty()).then_some((chunk, ()))
        });
        writer.execute_stream(batches, |(), outcome| match outcome {
            Ok(answers) => {
                for answer in answers {
                    match answer {
                        Ok(r) if r.is_duplicate() => duplicates += 1,
                        Ok(_) => booked += 1,
                        Err(rejection) => failure = Some(rejection.to_string()),
                    }
                }
                bar.set_position(booked + duplicates);
            }
            Err(e) => failure = Some(e.to_string()),
        })?;
        bar.finish_and_clear();
        if let Some(e) = record_failure {
            return Err(e);
        }
        if let Some(reason) = failure {
            anyhow::bail!("a generated trade was not booked: {reason}");
        }
        let state = writer.state();
        writeln!(
            out,
            "generated Kulissi Securities Oyj (seed {seed}): {} instruments, {} counterparties, {} accounts; \
             {booked} trades booked, {duplicates} already booked",
            state.refdata.instruments.len(),
            state.refdata.counterparties.len(),
            state.refdata.accounts.len(),
        )?;
    }
    if let Some(mut file) = recorder.0 {
        use std::io::Write as _;
        file.flush()?;
        if let Some(path) = to {
            writeln!(out, "every command written to {}", path.display())?;
        }
    }
    Ok(0)
}

/// `trades list`.
pub(crate) fn trades_list(
    ctx: &Context,
    after: u64,
    limit: usize,
    format: Format,
    out: &mut impl Write,
) -> anyhow::Result<u8> {
    let report = reports::trade_list(&ctx.open()?, after, limit)?;
    reports::render(&report, format, out)?;
    Ok(0)
}

/// `trades show`.
pub(crate) fn trades_show(
    ctx: &Context,
    trade: &str,
    format: Format,
    out: &mut impl Write,
) -> anyhow::Result<u8> {
    let trade: TradeRef = trade.parse().map_err(|e: String| anyhow::anyhow!(e))?;
    let report = reports::trade_history(&ctx.open()?, &trade)?;
    reports::render(&report, format, out)?;
    Ok(0)
}

/// `positions`: as of a business date (default: the business date), or after an event.
pub(crate) fn positions(
    ctx: &Context,
    as_of: Option<Date>,
    as_of_seq: Option<u64>,
    format: Format,
    out: &mut impl Write,
) -> anyhow::Result<u8> {
    let store = ctx.open()?;
    match as_of_seq {
        Some(seq) => reports::render(&reports::positions_after_event(&store, seq)?, format, out)?,
        None => {
            let date = as_of.unwrap_or(ctx.business_date);
            reports::render(&reports::positions_as_of(&store, date)?, format, out)?
        }
    }
    Ok(0)
}

pub(crate) fn verify_command(ctx: &Context, out: &mut impl Write) -> anyhow::Result<u8> {
    let store = ctx.open()?;
    let total = store.head()?.map_or(0, |h| h.seq);
    let bar = progress(total, "verifying");
    let report = verify(&store, |n| bar.set_position(n))?;
    bar.finish_and_clear();
    match report.first_problem {
        None => {
            writeln!(
                out,
                "verified {} events and {} trades: the chain holds, the invariants hold, the read models agree",
                report.records, report.trades
            )?;
            Ok(0)
        }
        Some((seq, what)) => {
            writeln!(out, "verify failed at sequence {seq}: {what}")?;
            Ok(EXIT_FAILED)
        }
    }
}

pub(crate) fn settle(
    ctx: &Context,
    trade: &str,
    quantity: &str,
    date: Date,
    reference: &str,
    out: &mut impl Write,
) -> anyhow::Result<u8> {
    let (source, external_id) = trade.split_once(':').ok_or_else(|| {
        anyhow::anyhow!("expected the trade as SOURCE:EXTERNAL_ID, found '{trade}'")
    })?;
    let quantity: kulissi_core::money::Quantity = quantity
        .parse()
        .map_err(|e| anyhow::anyhow!("--quantity: {e}"))?;
    let command = ctx.envelope(Command::ConfirmSettlement {
        source: source.to_owned(),
        external_id: external_id.to_owned(),
        quantity,
        settlement_date: date,
        reference: reference.to_owned(),
    });
    let mut writer = ctx.writer()?;
    match writer.execute_atomic(std::slice::from_ref(&command))? {
        Err((_, rejection)) => Err(anyhow::anyhow!("{rejection}")),
        Ok(receipts) => {
            let receipt = receipts
                .first()
                .ok_or_else(|| anyhow::anyhow!("no receipt"))?;
            let record = receipt
                .trade_id
                .and_then(|id| writer.state().trades.get(id))
                .map(|t| &t.record)
                .ok_or_else(|| anyhow::anyhow!("trade {trade} not found after settling"))?;
            if receipt.is_duplicate() {
                writeln!(
                    out,
                    "confirmation {reference} was already recorded; nothing changed"
                )?;
            } else {
                writeln!(
                    out,
                    "trade {}: {} of {} settled (event {})",
                    record.trade_id,
                    record.settled_quantity,
                    record.terms.quantity,
                    receipt.seqs.start
                )?;
            }
            Ok(0)
        }
    }
}
