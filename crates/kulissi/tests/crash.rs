//! Crash test: a child process books trades through group commit and is killed with SIGKILL
//! at random moments, twenty times over more than 200,000 trades. After every kill, every
//! trade the child acknowledged is in the database exactly once, the chain verifies and
//! `kulissi verify` passes. Each round resubmits part of the previous round's range, so
//! acknowledged resubmissions are exercised too.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::collections::HashSet;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use kulissi_store::EventStore;
use kulissi_store_postgres::PostgresStore;
use kulissi_store_postgres::testing::TempDatabase;
use kulissi_store_sqlite::SqliteStore;

const ROUNDS: u64 = 20;
const PER_ROUND: u64 = 14_000;
const OVERLAP: u64 = 2_000;
const TRADES: i64 = 200_000;

fn kulissi() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kulissi"))
}

#[test]
fn killed_writers_lose_no_acknowledged_trade_and_double_none_on_sqlite() {
    let dir = std::env::temp_dir().join(format!("kulissi-crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("crash.db");
    crash_test(db.to_str().unwrap());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn killed_writers_lose_no_acknowledged_trade_and_double_none_on_postgres() {
    let Some(database) = TempDatabase::create("crash") else {
        eprintln!("KULISSI_TEST_POSTGRES is not set: skipping");
        return;
    };
    let database = database.unwrap();
    crash_test(database.url());
}

/// Opens the store at `db` (a SQLite path or a PostgreSQL URL).
fn open_store(db: &str) -> Option<Box<dyn EventStore>> {
    if db.starts_with("postgres") {
        PostgresStore::open(db)
            .ok()
            .map(|s| Box::new(s) as Box<dyn EventStore>)
    } else if std::path::Path::new(db).exists() {
        SqliteStore::open(std::path::Path::new(db))
            .ok()
            .map(|s| Box::new(s) as Box<dyn EventStore>)
    } else {
        None
    }
}

/// Every booked trade's external id; fails if one is booked under two trade ids.
fn booked_ids(db: &str) -> HashSet<String> {
    open_store(db).map_or_else(HashSet::new, |store| {
        support::booked_external_ids(store.as_ref())
    })
}

fn crash_test(db: &str) {
    let mut acknowledged: HashSet<String> = HashSet::new();
    let mut rng = 0x5eed_u64;
    let mut killed = 0;
    let mut round = 0;
    let mut next_start = 0;
    // On until at least 20 children were killed mid-run and 200,000 trades are booked.
    while killed < ROUNDS || booked_count(db) < TRADES {
        round += 1;
        assert!(
            round < 200,
            "the child books too slowly to reach {TRADES} trades"
        );
        let start = next_start;
        let support::CrashChild {
            process: mut child,
            acks,
            reader,
        } = support::CrashChild::spawn(db, start, PER_ROUND, Stdio::null());
        // Wait until the child books (it first replays the log), then kill it at a random
        // moment of its booking.
        let first = acks
            .recv_timeout(Duration::from_secs(120))
            .expect("the child never acknowledged a trade");
        acknowledged.insert(first);
        rng = rng
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let delay = Duration::from_millis(10 + (rng >> 33) % 250);
        let started = Instant::now();
        while started.elapsed() < delay {
            if let Ok(id) = acks.recv_timeout(Duration::from_millis(1)) {
                acknowledged.insert(id);
            }
        }
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL
            killed += 1;
        }
        child.wait().unwrap();
        reader.join().unwrap();
        acknowledged.extend(acks.try_iter());

        // The next round starts a little before the highest acknowledged trade, so it both
        // resubmits trades already booked and books new ones.
        let highest = acknowledged
            .iter()
            .filter_map(|id| id.rsplit('-').next()?.parse::<u64>().ok())
            .max()
            .unwrap_or(0);
        next_start = (highest + 1).saturating_sub(OVERLAP);

        // Every acknowledged trade is there exactly once.
        let booked = booked_ids(db);
        let missing: Vec<&String> = acknowledged
            .iter()
            .filter(|id| !booked.contains(*id))
            .take(5)
            .collect();
        assert!(
            missing.is_empty(),
            "round {round}: acknowledged but lost: {missing:?}"
        );
    }
    let verify = kulissi().args(["--db", db, "verify"]).output().unwrap();
    assert!(
        verify.status.success(),
        "kulissi verify failed: {}",
        String::from_utf8_lossy(&verify.stdout)
    );
    assert!(
        killed >= ROUNDS,
        "only {killed} children were killed mid-run"
    );
    let total = booked_count(db);
    assert!(total >= TRADES, "only {total} trades booked");
    eprintln!(
        "crash test on {db}: {killed} kills, {} acknowledged, {total} booked",
        acknowledged.len()
    );
}

fn booked_count(db: &str) -> i64 {
    open_store(db)
        .and_then(|s| s.head().unwrap())
        .map_or(0, |_| booked_ids(db).len() as i64)
}
