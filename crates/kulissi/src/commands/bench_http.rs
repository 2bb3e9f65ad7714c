//! `kulissi bench http`: the server on a scratch SQLite file with the demo firm's reference
//! data, and in the same run two loads on loopback with one API token: a trivial
//! authenticated GET (`/api/v1/me`, the baseline), then booking generated trades
//! (`POST /api/v1/trades`). Reports throughput, p50 and p99 of each and their ratio; checks
//! that every trade answered 201 is booked once. Bounded: at most `--seconds` per load.

// Rates and milliseconds are measurements, not money: floating point is right here.
#![allow(clippy::float_arithmetic)]

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use kulissi_api::auth::{Passwords, new_token, sha256_hex};
use kulissi_api::load::{LoadResult, Request, run};
use kulissi_app::generator::DemoFirm;
use kulissi_app::{GroupCommit, SnapshotPolicy, Writer};
use kulissi_core::controls::commands::ControlCommand;
use kulissi_core::controls::roles::Role;
use kulissi_core::controls::staff::{Department, Employee};
use kulissi_core::engine::{Actor, Command, CommandEnvelope};
use kulissi_store_sqlite::SqliteStore;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1_000.0
}

fn line(name: &str, r: &LoadResult) -> String {
    format!(
        "{name:<28} {:>9} ok {:>6} errors {:>8.2} s {:>9}/s   p50 {:>7.2} ms   p99 {:>7.2} ms   max {:>7.2} ms",
        r.ok,
        r.errors,
        r.elapsed.as_secs_f64(),
        r.per_second(),
        ms(r.p50),
        ms(r.p99),
        ms(r.max)
    )
}

pub(crate) fn http(
    trades: u64,
    connections: usize,
    seconds: u64,
    seed: u64,
    dir: Option<&Path>,
    out: &mut impl Write,
) -> anyhow::Result<u8> {
    let scratch = super::bench::scratch_dir(dir)?;
    let file = scratch.join("http.db");
    let mut writer = Writer::open_with(SqliteStore::create(&file)?, SnapshotPolicy::NEVER)?;
    let firm = DemoFirm::generate(seed)?;
    for answer in writer.execute(&firm.reference_data)? {
        answer.map_err(|r| anyhow::anyhow!("{r}"))?;
    }
    let token = new_token()?;
    let now = Timestamp::now();
    let system = |c: ControlCommand| {
        CommandEnvelope::new(
            Actor::System("bench".into()),
            now,
            jiff::civil::date(2026, 1, 2),
            Command::Control(c),
        )
    };
    let seeded = writer.execute(&[
        system(ControlCommand::HireEmployee(Employee {
            id: "BENCH".into(),
            name: "Load generator".into(),
            department: Department::FrontOffice,
            title: "OMS".into(),
            manager: None,
            start: jiff::civil::date(2026, 1, 1),
            end: None,
        })),
        system(ControlCommand::CreateUser {
            username: "oms".into(),
            employee: "BENCH".into(),
            password_hash: Passwords::new(64, 1)?.hash("not used by the benchmark")?,
            roles: BTreeSet::from([Role::Trader]),
        }),
        system(ControlCommand::IssueApiToken {
            username: "oms".into(),
            name: "bench".into(),
            hash: sha256_hex(&token),
            roles: BTreeSet::from([Role::Trader]),
            expires_at: now.checked_add(SignedDuration::from_hours(1))?,
        }),
    ])?;
    for answer in seeded {
        answer.map_err(|r| anyhow::anyhow!("{r}"))?;
    }
    writeln!(
        out,
        "HTTP on loopback, {connections} keep-alive connections, at most {seconds} s per load; server and load generator share this machine"
    )?;
    let bookings: Vec<Request> = (0..trades)
        .filter_map(|i| {
            let envelope = firm.trade(seed, i, trades);
            let body = kulissi_formats::messages::command_object(&envelope.command)?;
            Some(Request::new(
                "POST",
                "/api/v1/trades",
                &token,
                body.to_string(),
            ))
        })
        .collect();
    let gets: Vec<Request> = (0..trades.max(10_000) * 2)
        .map(|_| Request::new("GET", "/api/v1/me", &token, String::new()))
        .collect();
    let (engine, thread) = GroupCommit::spawn(writer)?;
    let db = file.clone();
    let readers: kulissi_api::app::ReaderFactory = Arc::new(move || {
        SqliteStore::open(&db).map(|s| Box::new(s) as Box<dyn kulissi_store::EventStore + Send>)
    });
    let server_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("server")
        .enable_all()
        .build()?;
    let config = kulissi_api::Config {
        business_date: "2026-12-31".into(),
        ..kulissi_api::Config::default()
    };
    let state = server_runtime.block_on(kulissi_api::app_state(engine.clone(), readers, config))?;
    let listener = server_runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let address = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    server_runtime.spawn(kulissi_api::serve(listener, state, async move {
        let _ = stopped.await;
    }));
    let client = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("load")
        .enable_all()
        .build()?;
    let limit = Duration::from_secs(seconds);
    let gets = Arc::new(gets);
    // Warm up the connections and the allocator, then measure.
    let warm: Arc<Vec<Request>> = Arc::new(gets.iter().take(5_000).cloned().collect());
    client.block_on(run(address, warm, connections, limit, &[200]))?;
    let get = client.block_on(run(address, gets, connections, limit, &[200]))?;
    writeln!(out, "{}", line("GET /api/v1/me", &get))?;
    let book = client.block_on(run(address, Arc::new(bookings), connections, limit, &[201]))?;
    writeln!(out, "{}", line("POST /api/v1/trades (book)", &book))?;
    if let Some(e) = book.first_error.as_ref().or(get.first_error.as_ref()) {
        writeln!(out, "first unexpected answer: {e}")?;
    }
    let booked = engine.query(|s, _| s.trades.len() as u64)?;
    let ratio = book.per_second() as f64 / get.per_second().max(1) as f64;
    writeln!(
        out,
        "booked {booked} trades for {} answers 201; booking runs at {ratio:.3} of the trivial GET's rate",
        book.ok
    )?;
    writeln!(
        out,
        "{{\"bench\":\"http\",\"connections\":{connections},\"get_per_s\":{},\"get_p50_ms\":{:.3},\"get_p99_ms\":{:.3},\"book_per_s\":{},\"book_p50_ms\":{:.3},\"book_p99_ms\":{:.3},\"booked\":{booked},\"ratio\":{ratio:.3}}}",
        get.per_second(),
        ms(get.p50),
        ms(get.p99),
        book.per_second(),
        ms(book.p50),
        ms(book.p99)
    )?;
    let _ = stop.send(());
    drop(client);
    server_runtime.shutdown_timeout(Duration::from_secs(5));
    drop(engine);
    let _ = thread.join();
    let _ = std::fs::remove_dir_all(&scratch);
    if booked != book.ok {
        anyhow::bail!("{} trades answered 201 but {booked} are booked", book.ok);
    }
    Ok(0)
}
