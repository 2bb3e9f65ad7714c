//! Replay: rebuilding the engine state from the log, checking the chain as it goes.

use kulissi_core::engine::{Event, State, apply, codec};
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

/// Rebuilds the state from the whole log (up to `until_seq` if given), verifying the chain.
/// Returns the state and the head it reached.
pub fn replay<S: EventStore>(
    store: &S,
    until_seq: Option<u64>,
) -> Result<(State, Option<ChainHead>), AppError> {
    let mut state = State::default();
    let mut head: Option<ChainHead> = None;
    let mut failure: Option<AppError> = None;
    store.read_log(1, until_seq, &mut |record| {
        let previous = head.map_or(GENESIS_HASH, |h| h.hash);
        let expected = head.map_or(1, |h| h.seq + 1);
        match check_record(&previous, expected, &record) {
            Ok(event) => {
                apply(&mut state, &event);
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
