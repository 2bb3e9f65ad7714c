//! The general ledger's journal, read back from the log: the log is replayed (its chain
//! checked as it goes) with a journal attached to the engine, so every entry comes with the
//! sequence number of the event that caused it. Nothing of the journal is stored twice.

use kulissi_core::engine::{State, apply_with_journal};
use kulissi_core::identifiers::Currency;
use kulissi_core::ledger::EntryHeader;
use kulissi_store::{EventStore, GENESIS_HASH};
use rust_decimal::Decimal;

use crate::AppError;
use crate::replay::{check_record, misfit};

/// One derived journal entry with its source event.
#[derive(Debug, Clone, Copy)]
pub struct JournalEntryRef<'a> {
    /// Sequence number of the event that caused it.
    pub seq: u64,
    /// Kind, dates and trade.
    pub header: &'a EntryHeader,
    /// Lines: account, currency, amount (debit positive).
    pub lines: &'a [(u16, Currency, Decimal)],
}

/// Replays the log up to `until_seq` (all of it when `None`) and hands every journal entry
/// to `visit`, in log order. Returns the state reached. An error of `visit` stops the
/// replay and is returned.
pub fn read_journal<S: EventStore, E: From<AppError>>(
    store: &S,
    until_seq: Option<u64>,
    visit: impl FnMut(JournalEntryRef<'_>) -> Result<(), E>,
) -> Result<State, E> {
    let mut reader = JournalReader::default();
    reader.read(store, until_seq, visit)?;
    Ok(reader.state)
}

/// A replay that can be continued: it remembers the state, the hash and the sequence number
/// it reached, so a reader that keeps it (the workbench's journal) reads only the events
/// appended since, with the chain still checked from the first event.
#[derive(Debug)]
pub struct JournalReader {
    state: State,
    previous: [u8; 32],
    expected: u64,
}

impl Default for JournalReader {
    fn default() -> JournalReader {
        JournalReader {
            state: State::default(),
            previous: GENESIS_HASH,
            expected: 1,
        }
    }
}

impl JournalReader {
    /// The state replayed so far.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// The sequence number of the next event to read.
    pub fn next_seq(&self) -> u64 {
        self.expected
    }

    /// Reads on from where it stopped, up to `until_seq` (the end when `None`), handing
    /// every journal entry to `visit`. After an error it stays at the last event applied.
    pub fn read<S: EventStore, E: From<AppError>>(
        &mut self,
        store: &S,
        until_seq: Option<u64>,
        mut visit: impl FnMut(JournalEntryRef<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut failure: Option<E> = None;
        let read = store.read_log(self.expected, until_seq, &mut |record| {
            let event = match check_record(&self.previous, self.expected, &record) {
                Ok(event) => event,
                Err(e) => {
                    failure = Some(e.into());
                    return Ok(false);
                }
            };
            let seq = record.seq;
            let mut visit_error = None;
            let applied =
                apply_with_journal(&mut self.state, &event, &mut |header: &EntryHeader,
                                                                  lines: &[(
                    u16,
                    Currency,
                    Decimal,
                )]| {
                    if visit_error.is_none()
                        && let Err(e) = visit(JournalEntryRef { seq, header, lines })
                    {
                        visit_error = Some(e);
                    }
                });
            if let Err(e) = applied {
                failure = Some(misfit(seq, e).into());
                return Ok(false);
            }
            self.previous = record.hash;
            self.expected = seq + 1;
            match visit_error {
                Some(e) => {
                    failure = Some(e);
                    Ok(false)
                }
                None => Ok(true),
            }
        });
        if let Err(e) = read {
            return Err(AppError::from(e).into());
        }
        match failure {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}
