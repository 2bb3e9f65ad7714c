//! A restart of the PostgreSQL server while a writer is committing loses no acknowledged
//! trade: the writer reconnects, finds out whether the batch in flight committed, and either
//! acknowledges it or writes it again. Runs when `KULISSI_TEST_POSTGRES` is set, in its own
//! test binary so that no other test uses the server while it restarts.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::collections::HashSet;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use kulissi_store_postgres::PostgresStore;
use kulissi_store_postgres::testing::TempDatabase;

fn cluster_version() -> String {
    std::fs::read_dir("/etc/postgresql")
        .expect("the PostgreSQL cluster configuration in /etc/postgresql")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .max()
        .unwrap()
}

fn restart_server() {
    let status = Command::new("pg_ctlcluster")
        .args([
            "--skip-systemctl-redirect",
            &cluster_version(),
            "main",
            "restart",
            "-m",
            "fast",
        ])
        .status()
        .unwrap();
    assert!(status.success(), "pg_ctlcluster restart failed");
}

#[test]
fn a_server_restart_during_booking_loses_no_acknowledged_trade() {
    let Some(database) = TempDatabase::create("restart") else {
        eprintln!("KULISSI_TEST_POSTGRES is not set: skipping");
        return;
    };
    let database = database.unwrap();
    let url = database.url().to_owned();
    let support::CrashChild {
        process: mut child,
        acks,
        reader,
    } = support::CrashChild::spawn(&url, 0, 60_000, Stdio::piped());
    let mut acknowledged: HashSet<String> = HashSet::new();
    // Let it book a while, restart the server under it, and let it carry on.
    while acknowledged.len() < 8_000 {
        acknowledged.insert(
            acks.recv_timeout(Duration::from_secs(120))
                .expect("the child stopped acknowledging"),
        );
    }
    let before_restart = acknowledged.len();
    restart_server();
    let started = Instant::now();
    loop {
        match acks.recv_timeout(Duration::from_millis(200)) {
            Ok(id) => {
                acknowledged.insert(id);
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                assert!(
                    started.elapsed() < Duration::from_secs(180),
                    "the child neither finished nor failed"
                );
            }
        }
    }
    let status = child.wait().unwrap();
    reader.join().unwrap();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    eprintln!(
        "restart test: {before_restart} acknowledged before the restart, {} in all; child {status}{}",
        acknowledged.len(),
        if stderr.is_empty() {
            String::new()
        } else {
            format!(", said: {}", stderr.trim())
        }
    );

    // Every acknowledged trade is there exactly once.
    let store = PostgresStore::open(&url).unwrap();
    let booked = support::booked_external_ids(&store);
    let lost: Vec<&String> = acknowledged
        .iter()
        .filter(|id| !booked.contains(*id))
        .take(5)
        .collect();
    assert!(lost.is_empty(), "acknowledged but lost: {lost:?}");
    assert!(
        acknowledged.len() > before_restart,
        "nothing was booked after the restart"
    );
    let verify = Command::new(env!("CARGO_BIN_EXE_kulissi"))
        .args(["--db", &url, "verify"])
        .output()
        .unwrap();
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
}
