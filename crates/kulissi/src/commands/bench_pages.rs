//! `kulissi bench pages`: the demo firm in a scratch SQLite file, served on loopback with the
//! workbench, and every page asked for ROUNDS times in one browser session (a user holding
//! every role), one request at a time: the time from request to the last byte of the
//! answer, p50, p99 and max per page, beside `/health` (the baseline) in the same run, and
//! whether each p99 is within the target.

// Milliseconds are measurements, not money: floating point is right here.
#![allow(clippy::float_arithmetic)]

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use kulissi_api::auth::Passwords;
use kulissi_api::load::{Request, run};
use kulissi_core::controls::commands::ControlCommand;
use kulissi_core::controls::roles::Role;
use kulissi_core::controls::staff::{Department, Employee};
use kulissi_core::engine::{Actor, Command};
use kulissi_store::EventStore;

use super::context::Context;
use crate::store::AnyStore;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1_000.0
}

pub(crate) fn pages(
    ctx: &Context,
    trades: u64,
    rounds: usize,
    target_ms: u64,
    dir: Option<&Path>,
    out: &mut impl Write,
) -> anyhow::Result<u8> {
    let scratch = super::bench::scratch_dir(dir)?;
    let ctx = Context {
        db: scratch.join("pages.db"),
        actor: Actor::System("bench".into()),
        ..ctx.clone()
    };
    let mut quiet = Vec::new();
    super::database::init(&ctx, &mut quiet)?;
    super::database::generate(&ctx, trades, 1, true, None, &mut quiet)?;
    super::demo_people::people(&ctx)?;
    super::demo_people::requests(&ctx)?;
    ctx.execute_all_and(
        |_| {
            Ok(vec![
                Command::Control(ControlCommand::HireEmployee(Employee {
                    id: "BENCH".into(),
                    name: "Page benchmark".into(),
                    department: Department::It,
                    title: "Benchmark".into(),
                    manager: None,
                    start: ctx.business_date,
                    end: None,
                })),
                Command::Control(ControlCommand::CreateUser {
                    username: "bench".into(),
                    employee: "BENCH".into(),
                    password_hash: Passwords::new(64, 1)?.hash("not used by the benchmark")?,
                    roles: Role::ALL.into_iter().collect::<BTreeSet<_>>(),
                }),
            ])
        },
        |_| (),
    )?;
    let (middle, business_date) = {
        let writer = ctx.writer()?;
        let state = writer.state();
        (
            (state.trades.next_trade_id().0 / 2).max(1),
            state.valuations.last_end_of_day.values().max().copied(),
        )
    };
    let event = AnyStore::open(&ctx.db)?
        .trade_versions(middle)?
        .first()
        .map_or(1, |v| v.seq);
    let writer = ctx.writer()?;
    let (engine, thread) = kulissi_app::GroupCommit::spawn(writer)?;
    let db = ctx.db.clone();
    let readers: kulissi_api::app::ReaderFactory =
        Arc::new(move || AnyStore::open(&db).map(|s| Box::new(s) as Box<dyn EventStore + Send>));
    let server = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("server")
        .enable_all()
        .build()?;
    let mut config = kulissi_api::Config::default();
    if let Some(date) = business_date {
        config.business_date = date.to_string();
    }
    let state = server.block_on(kulissi_api::app_state(engine, readers, config))?;
    let (cookie, _) = state.sessions.open("bench")?;
    let listener = server.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let address = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let app = kulissi_ui::app(state);
    server.spawn(kulissi_api::serve_router(
        listener,
        app,
        Duration::from_secs(5),
        async move {
            let _ = stopped.await;
        },
    ));
    let client = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let paths: Vec<String> = vec![
        "/health".into(),
        "/".into(),
        "/trades".into(),
        "/trades?sort=-net".into(),
        "/trades?q=sell&f_currency=EUR&offset=100".into(),
        "/trades?format=csv".into(),
        "/trades/new".into(),
        format!("/trades/{middle}"),
        "/positions".into(),
        "/settlement".into(),
        "/settlement?f_status=failing&sort=settlement_date".into(),
        "/settlement/fails".into(),
        "/settlement/exceptions".into(),
        "/settlement/netting".into(),
        "/breaks".into(),
        "/breaks?show=all".into(),
        "/ledger/trial-balance".into(),
        "/ledger/balance-sheet".into(),
        "/ledger/income-statement".into(),
        "/ledger/accounts/1100".into(),
        "/ledger/accounts/4100".into(),
        format!("/events/{event}"),
        "/approvals".into(),
        "/staff".into(),
        "/alerts".into(),
        "/audit".into(),
        "/audit?kind=TradeAmended".into(),
        "/reference?kind=ssis".into(),
        "/reference?kind=instruments".into(),
        "/corporate-actions".into(),
        "/messages".into(),
        "/jobs".into(),
        "/jobs/list".into(),
        "/assets/app.css".into(),
    ];
    writeln!(
        out,
        "Workbench pages on the demo firm ({trades} trades), one browser session, one request at a time, {rounds} requests per page after 3 warm-ups; server and client share this machine"
    )?;
    writeln!(
        out,
        "{:<52} {:>9} {:>9} {:>9} {:>10} {:>8}",
        "page", "p50 ms", "p99 ms", "max ms", "x health", "target"
    )?;
    let mut health_p50 = 0.0;
    let mut worst = (String::new(), 0.0f64);
    let mut over = 0;
    for path in &paths {
        let warm: Vec<Request> = (0..3)
            .map(|_| Request::with_cookie(path, &cookie))
            .collect();
        client.block_on(run(
            address,
            Arc::new(warm),
            1,
            Duration::from_secs(120),
            &[200],
        ))?;
        let requests: Vec<Request> = (0..rounds)
            .map(|_| Request::with_cookie(path, &cookie))
            .collect();
        let r = client.block_on(run(
            address,
            Arc::new(requests),
            1,
            Duration::from_secs(300),
            &[200],
        ))?;
        if r.errors > 0 {
            anyhow::bail!(
                "{path}: {} errors, the first: {}",
                r.errors,
                r.first_error.unwrap_or_default()
            );
        }
        let (p50, p99, max) = (ms(r.p50), ms(r.p99), ms(r.max));
        if path == "/health" {
            health_p50 = p50.max(0.001);
        }
        let within = p99 <= target_ms as f64;
        if !within {
            over += 1;
        }
        if p99 > worst.1 {
            worst = (path.clone(), p99);
        }
        writeln!(
            out,
            "{path:<52} {p50:>9.2} {p99:>9.2} {max:>9.2} {:>10.1} {:>8}",
            p50 / health_p50,
            if within { "ok" } else { "OVER" }
        )?;
    }
    let _ = stop.send(());
    server.shutdown_timeout(Duration::from_secs(5));
    let _ = thread.join();
    let _ = std::fs::remove_dir_all(&scratch);
    writeln!(
        out,
        "{{\"bench\":\"pages\",\"trades\":{trades},\"rounds\":{rounds},\"pages\":{},\"target_ms\":{target_ms},\"over\":{over},\"worst_page\":\"{}\",\"worst_p99_ms\":{:.2}}}",
        paths.len() - 1,
        worst.0,
        worst.1
    )?;
    Ok(u8::from(over > 0))
}
