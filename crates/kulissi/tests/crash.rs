//! Crash test: a child process books trades through group commit and is killed with SIGKILL
//! at random moments, twenty times over more than 200,000 trades. After every kill, every
//! trade the child acknowledged is in the database exactly once, the chain verifies and
//! `kulissi verify` passes. Each round resubmits part of the previous round's range, so
//! acknowledged resubmissions are exercised too.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use kulissi_store::EventStore;
use kulissi_store_sqlite::SqliteStore;

const ROUNDS: u64 = 20;
const PER_ROUND: u64 = 14_000;
const OVERLAP: u64 = 2_000;
const TRADES: i64 = 200_000;

fn kulissi() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kulissi"))
}

#[test]
fn killed_writers_lose_no_acknowledged_trade_and_double_none() {
    let dir = std::env::temp_dir().join(format!("kulissi-crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("crash.db");
    let mut acknowledged: HashSet<String> = HashSet::new();
    let mut rng = 0x5eed_u64;
    let mut killed = 0;
    let mut round = 0;
    let mut next_start = 0;
    // On until at least 20 children were killed mid-run and 200,000 trades are booked.
    while killed < ROUNDS || booked_count(&db) < TRADES {
        round += 1;
        assert!(
            round < 200,
            "the child books too slowly to reach {TRADES} trades"
        );
        let start = next_start;
        let mut child = kulissi()
            .args(["--db", db.to_str().unwrap(), "bench", "crash-child"])
            .args([
                "--start",
                &start.to_string(),
                "--count",
                &PER_ROUND.to_string(),
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (sender, acks) = std::sync::mpsc::channel::<String>();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(id) = line.strip_prefix("ack ") {
                    let _ = sender.send(id.to_owned());
                }
            }
        });
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
        let store = SqliteStore::open(&db).unwrap();
        let mut booked: HashSet<String> = HashSet::new();
        let mut stmt = store
            .connection()
            .prepare("SELECT external_id FROM trade_versions WHERE version = 1")
            .unwrap();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            let id: String = row.get(0).unwrap();
            assert!(
                booked.insert(id.clone()),
                "round {round}: trade {id} is booked twice"
            );
        }
        let missing: Vec<&String> = acknowledged
            .iter()
            .filter(|id| !booked.contains(*id))
            .take(5)
            .collect();
        assert!(
            missing.is_empty(),
            "round {round}: acknowledged but lost: {missing:?}"
        );
        assert!(store.head().unwrap().is_some());
    }
    let verify = kulissi()
        .args(["--db", db.to_str().unwrap(), "verify"])
        .output()
        .unwrap();
    assert!(
        verify.status.success(),
        "kulissi verify failed: {}",
        String::from_utf8_lossy(&verify.stdout)
    );
    assert!(
        killed >= ROUNDS,
        "only {killed} children were killed mid-run"
    );
    let total = booked_count(&db);
    assert!(total >= TRADES, "only {total} trades booked");
    eprintln!(
        "crash test: {killed} kills, {} acknowledged, {total} booked",
        acknowledged.len()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

fn booked_count(db: &std::path::Path) -> i64 {
    if !db.exists() {
        return 0;
    }
    SqliteStore::open(db)
        .unwrap()
        .connection()
        .query_row(
            "SELECT count(*) FROM trade_versions WHERE version = 1",
            [],
            |r| r.get(0),
        )
        .unwrap()
}
