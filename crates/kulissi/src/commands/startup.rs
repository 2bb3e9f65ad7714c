//! `kulissi snapshot` and `kulissi bench startup`: snapshots of the engine state taken on
//! demand, listed, and the start-up they buy measured.

// Seconds are measurements, not money: floating point is right here.
#![allow(clippy::float_arithmetic)]

use std::io::Write;
use std::time::Instant;

use kulissi_app::{SnapshotPolicy, Writer, replay};
use kulissi_store::EventStore;

use super::context::Context;

/// `kulissi snapshot take`: snapshot the state at the head of the log now.
pub(crate) fn take(ctx: &Context, out: &mut impl Write) -> anyhow::Result<u8> {
    let mut writer = ctx.writer()?;
    let started = Instant::now();
    match writer.snapshot()? {
        None => writeln!(out, "the log is empty: nothing to snapshot")?,
        Some(bytes) => writeln!(
            out,
            "snapshot at sequence {} ({bytes} bytes) in {:.2} s",
            writer.head().map_or(0, |h| h.seq),
            started.elapsed().as_secs_f64()
        )?,
    }
    Ok(0)
}

/// `kulissi snapshot list`: the stored snapshots, newest first.
pub(crate) fn list(ctx: &Context, out: &mut impl Write) -> anyhow::Result<u8> {
    let store = ctx.open()?;
    let head = store.head()?.map_or(0, |h| h.seq);
    for seq in store.snapshot_seqs()? {
        writeln!(
            out,
            "sequence {seq} ({} events behind the head)",
            head - seq
        )?;
    }
    Ok(0)
}

/// `kulissi bench startup`: on the database as it is, the time to open the writer by
/// replaying the whole log, to write a snapshot, and to open it from that snapshot; the
/// median of `runs` each. Ends with one JSON line.
pub(crate) fn bench(ctx: &Context, runs: usize, out: &mut impl Write) -> anyhow::Result<u8> {
    let runs = runs.max(1);
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let mut replays = Vec::new();
    let mut events = 0;
    for _ in 0..runs {
        let store = ctx.open()?;
        let started = Instant::now();
        let (state, head) = replay(&store, None)?;
        replays.push(started.elapsed().as_secs_f64());
        events = head.map_or(0, |h| h.seq);
        drop(state);
    }
    writeln!(
        out,
        "{events} events: replay from the first {:.2} s",
        median(replays.clone())
    )?;

    let mut writer = Writer::open_with(ctx.open()?, SnapshotPolicy::NEVER)?;
    let started = Instant::now();
    let bytes = writer.snapshot()?.unwrap_or(0);
    let write_seconds = started.elapsed().as_secs_f64();
    drop(writer);
    writeln!(
        out,
        "snapshot written: {bytes} bytes in {write_seconds:.2} s"
    )?;

    let mut opens = Vec::new();
    for _ in 0..runs {
        let store = ctx.open()?;
        let started = Instant::now();
        let writer = Writer::open_with(store, SnapshotPolicy::NEVER)?;
        opens.push(started.elapsed().as_secs_f64());
        if writer.startup().snapshot.is_none() {
            anyhow::bail!(
                "the writer did not start from the snapshot: {:?}",
                writer.startup()
            );
        }
    }
    // Where an open from the snapshot goes: reading it (with its digest check), decoding it.
    let (mut reads, mut decodes) = (Vec::new(), Vec::new());
    let store = ctx.open()?;
    let seq = store.snapshot_seqs()?.first().copied().unwrap_or(0);
    for _ in 0..runs {
        let started = Instant::now();
        let snapshot = store
            .load_snapshot(seq)?
            .ok_or_else(|| anyhow::anyhow!("no snapshot at {seq}"))?;
        reads.push(started.elapsed().as_secs_f64());
        let started = Instant::now();
        let state = kulissi_app::snapshots::decode(&snapshot.payload)?;
        decodes.push(started.elapsed().as_secs_f64());
        drop(state);
    }
    let (replay_s, open_s) = (median(replays), median(opens));
    let (read_s, decode_s) = (median(reads), median(decodes));
    writeln!(
        out,
        "open from the snapshot: {open_s:.2} s (reading it {read_s:.2} s, decoding it {decode_s:.2} s)"
    )?;
    writeln!(
        out,
        "{{\"bench\":\"startup\",\"events\":{events},\"runs\":{runs},\"replay_seconds\":{replay_s:.3},\"snapshot_bytes\":{bytes},\"snapshot_write_seconds\":{write_seconds:.3},\"open_with_snapshot_seconds\":{open_s:.3},\"snapshot_read_seconds\":{read_s:.3},\"snapshot_decode_seconds\":{decode_s:.3}}}"
    )?;
    Ok(0)
}
