//! Replay: rebuilding the engine state from the log, checking the chain as it goes.

use kulissi_core::engine::{ApplyError, Event, State, apply, codec};
use kulissi_store::{ChainHead, EventStore, GENESIS_HASH, LogRecord, record_hash};

use crate::AppError;

/// Checks one record against the previous hash and decodes its event.
pub(crate) fn check_record(
    previous: &[u8; 32],
    expected_seq: u64,
    record: &LogRecord,
) -> Result<Event, AppError> {
    let fail = |what: String| AppError::Log {
        seq: record.seq,
        what,
    };
    if record.seq != expected_seq {
        return Err(fail(format!(
            "expected sequence {expected_seq}, found {}",
            record.seq
        )));
    }
    if record_hash(previous, record) != record.hash {
        return Err(fail(
            "the hash does not match the record's content and the previous hash".to_owned(),
        ));
    }
    codec::decode(&record.payload).map_err(|e| fail(e.to_string()))
}

/// An event of the log that does not fit the state replayed before it: a corrupt log, named
/// by the record's sequence number.
pub(crate) fn misfit(seq: u64, error: ApplyError) -> AppError {
    AppError::Log {
        seq,
        what: error.to_string(),
    }
}

/// Rebuilds the state from the whole log (up to `until_seq` if given), verifying the chain.
/// Returns the state and the head it reached.
pub fn replay<S: EventStore>(
    store: &S,
    until_seq: Option<u64>,
) -> Result<(State, Option<ChainHead>), AppError> {
    replay_from(store, State::default(), None, until_seq)
}

/// Continues `state`, the state after `head` (`None`: before the first event), with the log
/// after it, verifying the chain from `head`'s hash.
pub(crate) fn replay_from<S: EventStore>(
    store: &S,
    mut state: State,
    mut head: Option<ChainHead>,
    until_seq: Option<u64>,
) -> Result<(State, Option<ChainHead>), AppError> {
    let mut failure: Option<AppError> = None;
    let from = head.map_or(1, |h| h.seq + 1);
    store.read_log(from, until_seq, &mut |record| {
        let previous = head.map_or(GENESIS_HASH, |h| h.hash);
        let expected = head.map_or(1, |h| h.seq + 1);
        match check_record(&previous, expected, &record) {
            Ok(event) => {
                if let Err(e) = apply(&mut state, &event) {
                    failure = Some(misfit(record.seq, e));
                    return Ok(false);
                }
                head = Some(ChainHead {
                    seq: record.seq,
                    hash: record.hash,
                });
                Ok(true)
            }
            Err(e) => {
                failure = Some(e);
                Ok(false)
            }
        }
    })?;
    match failure {
        Some(e) => Err(e),
        None => Ok((state, head)),
    }
}
