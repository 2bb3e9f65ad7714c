//! Snapshots at start-up: load the newest snapshot that matches the log, replay the tail.
//!
//! A snapshot is used only if the log's record at its sequence number has the hash the
//! snapshot was tied to, its bytes have the digest stored with them, and it decodes in this
//! build's format. One that fails any of these is refused by name ([`Startup::refused`]),
//! deleted, and the state is rebuilt from an older snapshot or from the first event; a fresh
//! snapshot is then written at the head. `verify` never reads snapshots: it replays from the
//! first event, and checks the newest snapshot against that replay.

use kulissi_core::engine::{State, snapshot};
use kulissi_store::{ChainHead, EventStore, Snapshot};

use crate::AppError;
use crate::replay::replay_from;

/// When the writer snapshots its state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SnapshotPolicy {
    /// Take a snapshot once this many events were written since the last one (0: never).
    pub every: u64,
    /// How many snapshots to keep.
    pub keep: usize,
}

impl SnapshotPolicy {
    /// Every million events, keeping two.
    pub const DEFAULT: SnapshotPolicy = SnapshotPolicy {
        every: 1_000_000,
        keep: 2,
    };
    /// Never (the log alone).
    pub const NEVER: SnapshotPolicy = SnapshotPolicy { every: 0, keep: 2 };
}

impl Default for SnapshotPolicy {
    fn default() -> Self {
        SnapshotPolicy::DEFAULT
    }
}

/// How a writer's state was rebuilt at start-up.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Startup {
    /// The snapshot loaded, by sequence number, if any.
    pub snapshot: Option<u64>,
    /// Events replayed after it (or from the first event).
    pub replayed: u64,
    /// Snapshots refused, with why; each was deleted and rebuilt.
    pub refused: Vec<(u64, String)>,
}

/// Rebuilds the state from the newest usable snapshot and the log after it.
pub fn load<S: EventStore>(store: &mut S) -> Result<(State, Option<ChainHead>, Startup), AppError> {
    let mut startup = Startup::default();
    for seq in store.snapshot_seqs()? {
        match usable(store, seq) {
            Ok((state, head)) => {
                let from = head.seq;
                let (state, head) = replay_from(store, state, Some(head), None)?;
                startup.snapshot = Some(seq);
                startup.replayed = head.map_or(0, |h| h.seq) - from;
                return Ok((state, head, startup));
            }
            Err(why) => {
                startup.refused.push((seq, why));
                store.delete_snapshot(seq)?;
            }
        }
    }
    let (state, head) = replay_from(store, State::default(), None, None)?;
    startup.replayed = head.map_or(0, |h| h.seq);
    Ok((state, head, startup))
}

/// The state of the snapshot at `seq` and the head it follows, or why it cannot be used.
fn usable<S: EventStore>(store: &S, seq: u64) -> Result<(State, ChainHead), String> {
    let snapshot = match store.load_snapshot(seq) {
        Ok(Some(s)) => s,
        Ok(None) => return Err("it disappeared while being read".to_owned()),
        Err(e) => return Err(e.to_string()),
    };
    let record = store
        .record(seq)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("the log has no record {seq}"))?;
    if record.hash != snapshot.hash {
        return Err(format!(
            "it was taken of another log (record {seq} has another hash)"
        ));
    }
    if snapshot.format != snapshot::FORMAT {
        return Err(format!(
            "it is in format {}, this build reads format {}",
            snapshot.format,
            snapshot::FORMAT
        ));
    }
    let state = decode(&snapshot.payload).map_err(|e| e.to_string())?;
    Ok((
        state,
        ChainHead {
            seq,
            hash: snapshot.hash,
        },
    ))
}

/// Decodes a snapshot's payload, its two halves on two threads.
pub fn decode(payload: &[u8]) -> Result<State, kulissi_core::engine::codec::DecodeError> {
    snapshot::decode_with(payload, &Threads)
}

/// Runs the two halves of a snapshot's decoding on two threads.
struct Threads;

impl snapshot::Join for Threads {
    fn join<A, B, RA, RB>(&self, a: A, b: B) -> (RA, RB)
    where
        A: FnOnce() -> RA + Send,
        B: FnOnce() -> RB + Send,
        RA: Send,
        RB: Send,
    {
        std::thread::scope(|scope| {
            let first = scope.spawn(a);
            let second = b();
            match first.join() {
                Ok(first) => (first, second),
                // A panic in the first half is not input's doing: pass it on.
                Err(payload) => std::panic::resume_unwind(payload),
            }
        })
    }
}

/// Writes a snapshot of `state`, which must be the state after `head`.
pub fn take<S: EventStore>(
    store: &mut S,
    state: &State,
    head: ChainHead,
    keep: usize,
) -> Result<u64, AppError> {
    let payload = snapshot::encode(state);
    let size = payload.len() as u64;
    store.save_snapshot(
        &Snapshot {
            seq: head.seq,
            hash: head.hash,
            format: snapshot::FORMAT,
            payload,
        },
        keep,
    )?;
    Ok(size)
}
