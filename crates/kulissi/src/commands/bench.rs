//! `kulissi bench booking`: books generated trades end to end, durably, and in the same run
//! times the raw baseline of writing as many rows of the same byte size: prepared inserts in
//! batches into a fresh SQLite file, or binary COPY in batches into a fresh PostgreSQL table.
//! Ends with one JSON line. The writer takes no periodic snapshot here (`SnapshotPolicy::NEVER`):
//! this measures booking; what a snapshot costs is `kulissi bench startup`'s to say.

// Seconds and rates are measurements, not money: floating point is right here.
#![allow(clippy::float_arithmetic)]

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use kulissi_app::generator::DemoFirm;
use kulissi_app::{SnapshotPolicy, Writer};
use kulissi_core::engine::CommandEnvelope;
use kulissi_store::EventStore;
use kulissi_store_sqlite::SqliteStore;

/// Trades per commit, for Kulissi and the baseline alike.
const BATCH: usize = 50_000;

/// What one booking run measured.
struct Booked {
    trades: u64,
    seconds: f64,
    generate_seconds: f64,
    row_bytes: usize,
}

/// `kulissi bench booking`: on SQLite (a scratch file) by default, or on PostgreSQL when
/// `--db` is a `postgres://` URL (a scratch database on that server, dropped afterwards).
pub(crate) fn booking(
    trades: u64,
    seed: u64,
    dir: Option<&Path>,
    db: &Path,
    out: &mut impl Write,
) -> anyhow::Result<u8> {
    let (backend, baseline, booked, baseline_seconds) = match crate::store::postgres_url(db) {
        Some(admin_url) => {
            let database =
                kulissi_store_postgres::testing::TempDatabase::create_on(admin_url, "bench")?;
            writeln!(
                out,
                "booking {trades} generated trades (seed {seed}) into a scratch PostgreSQL database"
            )?;
            let store = kulissi_store_postgres::PostgresStore::create(database.url())?;
            let booked = book(
                Writer::open_with(store, SnapshotPolicy::NEVER)?,
                trades,
                seed,
                out,
            )?;
            let seconds = postgres_baseline(database.url(), booked.trades, booked.row_bytes)?;
            ("postgres", "postgres-binary-copy", booked, seconds)
        }
        None => {
            let scratch = scratch_dir(dir)?;
            let file = scratch.join("bench.db");
            writeln!(
                out,
                "booking {trades} generated trades (seed {seed}) into {}",
                file.display()
            )?;
            let booked = book(
                Writer::open_with(SqliteStore::create(&file)?, SnapshotPolicy::NEVER)?,
                trades,
                seed,
                out,
            )?;
            let seconds = raw_baseline(
                &scratch.join("baseline.db"),
                booked.trades,
                booked.row_bytes,
            )?;
            let _ = std::fs::remove_dir_all(&scratch);
            ("sqlite", "sqlite-raw-insert", booked, seconds)
        }
    };
    let per_second = booked.trades as f64 / booked.seconds;
    let baseline_per_second = booked.trades as f64 / baseline_seconds;
    writeln!(
        out,
        "baseline ({baseline}): {} rows of {} bytes in {baseline_seconds:.2} s ({baseline_per_second:.0}/s)",
        booked.trades, booked.row_bytes
    )?;
    writeln!(
        out,
        "{{\"bench\":\"booking\",\"backend\":\"{backend}\",\"n\":{},\"seconds\":{:.3},\"per_second\":{per_second:.0},\
         \"generate_seconds\":{:.3},\"baseline\":\"{baseline}\",\"baseline_row_bytes\":{},\
         \"baseline_per_second\":{baseline_per_second:.0},\"ratio\":{:.3},\"peak_rss_bytes\":{}}}",
        booked.trades,
        booked.seconds,
        booked.generate_seconds,
        booked.row_bytes,
        per_second / baseline_per_second,
        peak_rss_bytes(),
    )?;
    Ok(0)
}

/// Books `trades` generated trades through `writer`'s pipelined stream.
fn book<S: EventStore + Send>(
    mut writer: Writer<S>,
    trades: u64,
    seed: u64,
    out: &mut impl Write,
) -> anyhow::Result<Booked> {
    let firm = DemoFirm::generate(seed)?;
    if let Err((i, rejection)) = writer.execute_atomic(&firm.reference_data)? {
        anyhow::bail!("reference data command {i} rejected: {rejection}");
    }
    let first_trade_seq = writer.head().map_or(1, |h| h.seq + 1);
    // A generator thread feeds batches through a short queue, so a million trades never sit
    // in memory at once; its time is reported apart.
    let (to_engine, batches) = std::sync::mpsc::sync_channel::<Vec<CommandEnvelope>>(2);
    let generator_firm = firm.clone();
    let generator = std::thread::Builder::new()
        .name("generator".into())
        .spawn(move || {
            let started = Instant::now();
            let mut stream = generator_firm.trades(seed, trades);
            loop {
                let chunk: Vec<CommandEnvelope> = stream.by_ref().take(BATCH).collect();
                if chunk.is_empty() || to_engine.send(chunk).is_err() {
                    break;
                }
            }
            started.elapsed()
        })?;
    let started = Instant::now();
    let mut booked = 0u64;
    let mut rejected: Option<String> = None;
    writer.execute_stream(
        batches.into_iter().map(|c| (c, ())),
        |(), outcome| match outcome {
            Ok(answers) => {
                for answer in answers {
                    match answer {
                        Ok(_) => booked += 1,
                        Err(r) => rejected = Some(r.to_string()),
                    }
                }
            }
            Err(e) => rejected = Some(e.to_string()),
        },
    )?;
    let seconds = started.elapsed().as_secs_f64();
    let generate_seconds = generator
        .join()
        .map_err(|_| anyhow::anyhow!("the generator thread panicked"))?
        .as_secs_f64();
    if let Some(reason) = rejected {
        anyhow::bail!("a generated trade was not booked: {reason}");
    }
    // The log rows' size (payload and hash), from a sample of the trades' records.
    let (mut bytes, mut rows) = (0usize, 0usize);
    writer
        .store()
        .read_log(first_trade_seq, Some(first_trade_seq + 9_999), &mut |r| {
            bytes += r.payload.len() + r.hash.len();
            rows += 1;
            Ok(true)
        })?;
    let row_bytes = bytes / rows.max(1);
    let timings = writer.timings();
    writeln!(
        out,
        "  of which engine (decide, apply, encode, chain, project) {:.2} s, commit {:.2} s",
        timings.engine.as_secs_f64(),
        timings.commit.as_secs_f64()
    )?;
    writeln!(
        out,
        "kulissi: {booked} trades in {seconds:.2} s ({:.0}/s), generation {generate_seconds:.2} s",
        booked as f64 / seconds
    )?;
    Ok(Booked {
        trades: booked,
        seconds,
        generate_seconds,
        row_bytes,
    })
}

/// Binary COPY of `rows` rows of (bigint, `bytes` bytes) into a fresh table, one COPY and
/// commit per batch: the PostgreSQL raw baseline.
fn postgres_baseline(url: &str, rows: u64, bytes: usize) -> anyhow::Result<f64> {
    use postgres::binary_copy::BinaryCopyInWriter;
    use postgres::types::Type;
    let mut client = postgres::Client::connect(url, postgres::NoTls)?;
    client.batch_execute("CREATE TABLE raw (id BIGINT PRIMARY KEY, payload BYTEA NOT NULL)")?;
    let payload: Vec<u8> = (0..bytes).map(|i| (i * 131 % 251) as u8).collect();
    let started = Instant::now();
    let mut id = 0i64;
    while (id as u64) < rows {
        let mut tx = client.transaction()?;
        let sink = tx.copy_in("COPY raw (id, payload) FROM STDIN BINARY")?;
        let mut writer = BinaryCopyInWriter::new(sink, &[Type::INT8, Type::BYTEA]);
        for _ in 0..BATCH {
            if id as u64 >= rows {
                break;
            }
            id += 1;
            writer.write(&[&id, &payload])?;
        }
        writer.finish()?;
        tx.commit()?;
    }
    Ok(started.elapsed().as_secs_f64())
}

/// Inserts `rows` rows of `bytes` bytes into a fresh file with the store's durability
/// settings, a cached prepared statement, and one transaction per batch.
fn raw_baseline(path: &Path, rows: u64, bytes: usize) -> anyhow::Result<f64> {
    let mut conn = rusqlite::Connection::open(path)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA cache_size = -65536;
         PRAGMA wal_autocheckpoint = 16384;
         CREATE TABLE raw (id INTEGER PRIMARY KEY, payload BLOB NOT NULL);",
    )?;
    let payload: Vec<u8> = (0..bytes).map(|i| (i * 131 % 251) as u8).collect();
    let started = Instant::now();
    let mut id = 0i64;
    while (id as u64) < rows {
        let tx = conn.transaction()?;
        {
            let mut insert = tx.prepare_cached("INSERT INTO raw (id, payload) VALUES (?1, ?2)")?;
            for _ in 0..BATCH {
                if id as u64 >= rows {
                    break;
                }
                id += 1;
                insert.execute(rusqlite::params![id, payload])?;
            }
        }
        tx.commit()?;
    }
    Ok(started.elapsed().as_secs_f64())
}

pub(crate) fn scratch_dir(dir: Option<&Path>) -> anyhow::Result<std::path::PathBuf> {
    let base = dir.map_or_else(std::env::temp_dir, Path::to_path_buf);
    let scratch = base.join(format!("kulissi-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch)?;
    Ok(scratch)
}

/// Peak resident set size of this process (Linux `VmHWM`), 0 where unknown.
pub(crate) fn peak_rss_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}

/// Threads submitting trades in the crash-test child.
const CRASH_CLIENTS: u64 = 4;

/// Commands each crash-test client keeps in flight.
const CRASH_IN_FLIGHT: usize = 2_000;

/// The crash-test child: books trades `start..start + count` (of a run of 10 million, so
/// trade dates spread the same way whatever the range) through group commit from several
/// threads, printing `ack EXTERNAL_ID` after each commit, until done or killed.
pub(crate) fn crash_child(
    ctx: &super::context::Context,
    start: u64,
    count: u64,
    seed: u64,
    out: &mut impl Write,
) -> anyhow::Result<u8> {
    let mut writer = Writer::open(ctx.create()?)?;
    let firm = DemoFirm::generate(seed)?;
    if let Err((i, rejection)) = writer.execute_atomic(&firm.reference_data)? {
        anyhow::bail!("reference data command {i} rejected: {rejection}");
    }
    let (handle, thread) = kulissi_app::GroupCommit::spawn(writer)?;
    // Clients hand acknowledged ids to this thread, which owns stdout.
    let (acks, acknowledged) = std::sync::mpsc::channel::<String>();
    std::thread::scope(|scope| -> anyhow::Result<()> {
        let mut clients = Vec::new();
        for k in 0..CRASH_CLIENTS {
            let (handle, firm, acks) = (handle.clone(), &firm, acks.clone());
            clients.push(scope.spawn(move || -> anyhow::Result<()> {
                let mut in_flight = std::collections::VecDeque::new();
                let settle =
                    |(external_id, ticket): (String, kulissi_app::Ticket)| -> anyhow::Result<()> {
                        match ticket.wait()? {
                            Ok(_) => acks
                                .send(external_id)
                                .map_err(|_| anyhow::anyhow!("the printer stopped")),
                            Err(rejection) => {
                                anyhow::bail!("trade {external_id} rejected: {rejection}")
                            }
                        }
                    };
                for i in (start..start + count).filter(|i| i % CRASH_CLIENTS == k) {
                    let command = firm.trade(seed, i, 10_000_000);
                    let kulissi_core::engine::Command::BookTrade(input) = &command.command else {
                        continue;
                    };
                    let external_id = input.external_id.clone();
                    in_flight.push_back((external_id, handle.submit_async(command)?));
                    if in_flight.len() >= CRASH_IN_FLIGHT
                        && let Some(oldest) = in_flight.pop_front()
                    {
                        settle(oldest)?;
                    }
                }
                in_flight.into_iter().try_for_each(settle)
            }));
        }
        drop(acks);
        for id in acknowledged {
            writeln!(out, "ack {id}")?;
            out.flush()?;
        }
        for client in clients {
            client
                .join()
                .map_err(|_| anyhow::anyhow!("a client thread panicked"))??;
        }
        Ok(())
    })?;
    drop(handle);
    thread
        .join()
        .map_err(|_| anyhow::anyhow!("the writer thread panicked"))?;
    Ok(0)
}
