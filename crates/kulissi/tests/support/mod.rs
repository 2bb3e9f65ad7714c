//! What the crash and restart tests share: a `kulissi bench crash-child` process whose
//! acknowledgements arrive on a channel, and the set of trades a store has booked.

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::Receiver;
use std::thread::JoinHandle;

use kulissi_store::EventStore;

/// A child booking trades `start..start + count` into `db`, one `ack EXTERNAL-ID` line per
/// acknowledged trade.
pub(crate) struct CrashChild {
    /// The process.
    pub(crate) process: Child,
    /// External ids, in the order the child acknowledged them; closes when the child exits.
    pub(crate) acks: Receiver<String>,
    /// The thread reading the child's stdout.
    pub(crate) reader: JoinHandle<()>,
}

impl CrashChild {
    /// Starts the child; `stderr` says what becomes of its error output.
    pub(crate) fn spawn(db: &str, start: u64, count: u64, stderr: Stdio) -> CrashChild {
        let mut process = Command::new(env!("CARGO_BIN_EXE_kulissi"))
            .args(["--db", db, "bench", "crash-child"])
            .args(["--start", &start.to_string(), "--count", &count.to_string()])
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .unwrap();
        let stdout = process.stdout.take().unwrap();
        let (sender, acks) = std::sync::mpsc::channel::<String>();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(id) = line.strip_prefix("ack ") {
                    let _ = sender.send(id.to_owned());
                }
            }
        });
        CrashChild {
            process,
            acks,
            reader,
        }
    }
}

/// Every booked trade's external id; fails if one is booked under two trade ids.
pub(crate) fn booked_external_ids(store: &dyn EventStore) -> HashSet<String> {
    let mut ids = HashSet::new();
    let mut after = 0;
    loop {
        let page = store.current_trades(after, 50_000).unwrap();
        let Some(last) = page.last() else { break };
        after = last.trade_id;
        for v in page {
            assert!(
                ids.insert(v.external_id.to_string()),
                "trade {} is booked twice",
                v.external_id
            );
        }
    }
    ids
}
