//! [`Writer`]: the single writer of a partition.
//!
//! For a batch of commands it decides each against the state so far, applies its events,
//! encodes and chains them, projects the read-model rows, and commits everything in one
//! transaction. A rejected command leaves no trace: it yields no events and no rows. If the
//! commit fails, the in-memory state has run ahead of the store, so the writer rebuilds it
//! from the log before it answers.

use kulissi_core::engine::{
    Command, CommandEnvelope, EVENT_SCHEMA_VERSION, Rejection, State, apply, codec, decide,
};
use kulissi_store::{ChainHead, CommitBatch, EventStore, GENESIS_HASH, LogRecord, record_hash};

use crate::AppError;
use crate::projection::Projector;
use crate::replay::replay;

/// What an accepted command did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// Sequence numbers of the events it caused (empty for an acknowledged duplicate).
    pub seqs: std::ops::Range<u64>,
    /// The trade it booked, amended or cancelled (also for a duplicate).
    pub trade_id: Option<u64>,
}

impl Receipt {
    /// Whether the command was acknowledged without effect (a resubmission).
    pub fn is_duplicate(&self) -> bool {
        self.seqs.is_empty()
    }
}

/// The answer to one command.
pub type Answer = Result<Receipt, Rejection>;

/// The single writer of one partition.
#[derive(Debug)]
pub struct Writer<S> {
    store: S,
    state: State,
    head: Option<ChainHead>,
    partition: u32,
}

impl<S: EventStore> Writer<S> {
    /// Opens the writer on `store`, rebuilding the state from its log.
    pub fn open(store: S) -> Result<Writer<S>, AppError> {
        let (state, head) = replay(&store, None)?;
        Ok(Writer {
            store,
            state,
            head,
            partition: 0,
        })
    }

    /// The current state.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The head of the log.
    pub fn head(&self) -> Option<ChainHead> {
        self.head
    }

    /// Executes `commands` in order and commits their events in one transaction; each
    /// command is answered on its own (a rejection does not affect the others).
    pub fn execute(&mut self, commands: &[CommandEnvelope]) -> Result<Vec<Answer>, AppError> {
        let mut batch = CommitBatch::default();
        let mut projector = Projector::default();
        let mut head = self.head;
        let mut answers = Vec::with_capacity(commands.len());
        for envelope in commands {
            answers.push(self.run_one(envelope, &mut head, &mut batch, &mut projector));
        }
        self.commit(batch, projector, head)?;
        Ok(answers)
    }

    /// Executes `commands` all or nothing: if any is rejected, nothing is committed and the
    /// rejection is returned with the command's index.
    pub fn execute_atomic(
        &mut self,
        commands: &[CommandEnvelope],
    ) -> Result<Result<Vec<Receipt>, (usize, Rejection)>, AppError> {
        let mut batch = CommitBatch::default();
        let mut projector = Projector::default();
        let mut head = self.head;
        let mut receipts = Vec::with_capacity(commands.len());
        for (i, envelope) in commands.iter().enumerate() {
            match self.run_one(envelope, &mut head, &mut batch, &mut projector) {
                Ok(receipt) => receipts.push(receipt),
                Err(rejection) => {
                    if !batch.records.is_empty() {
                        // Earlier commands of the batch changed the state; go back to the log.
                        self.reload()?;
                    }
                    return Ok(Err((i, rejection)));
                }
            }
        }
        self.commit(batch, projector, head)?;
        Ok(Ok(receipts))
    }

    fn run_one(
        &mut self,
        envelope: &CommandEnvelope,
        head: &mut Option<ChainHead>,
        batch: &mut CommitBatch,
        projector: &mut Projector,
    ) -> Answer {
        let events = decide(&self.state, envelope)?;
        let first = head.map_or(1, |h| h.seq + 1);
        let actor = envelope.actor.to_string();
        let wall_time_us = i64::try_from(envelope.wall_time.as_microsecond()).unwrap_or(i64::MAX);
        for event in &events {
            let seq = head.map_or(1, |h| h.seq + 1);
            projector.before(&self.state, seq, event);
            apply(&mut self.state, event);
            projector.after(&self.state, seq, event, batch);
            let mut record = LogRecord {
                seq,
                partition: self.partition,
                business_date: envelope.business_date,
                wall_time_us,
                actor: actor.clone(),
                kind: event.kind().to_owned(),
                trade_id: event.trade_id(),
                schema_version: EVENT_SCHEMA_VERSION,
                payload: codec::encode(event),
                hash: [0; 32],
            };
            record.hash = record_hash(&head.map_or(GENESIS_HASH, |h| h.hash), &record);
            *head = Some(ChainHead {
                seq,
                hash: record.hash,
            });
            batch.records.push(record);
        }
        let last = head.map_or(0, |h| h.seq);
        let trade_id = match &envelope.command {
            Command::BookTrade(t) | Command::AmendTrade(t) => self
                .state
                .trades
                .by_external_id(&t.source, &t.external_id)
                .map(|s| s.record.trade_id),
            Command::CancelTrade {
                source,
                external_id,
                ..
            } => self
                .state
                .trades
                .by_external_id(source, external_id)
                .map(|s| s.record.trade_id),
            _ => None,
        };
        Ok(Receipt {
            seqs: first..last + 1,
            trade_id,
        })
    }

    fn commit(
        &mut self,
        mut batch: CommitBatch,
        projector: Projector,
        head: Option<ChainHead>,
    ) -> Result<(), AppError> {
        if batch.records.is_empty() {
            return Ok(());
        }
        projector.finish(&self.state, &mut batch);
        match self.store.append(&batch) {
            Ok(()) => {
                self.head = head;
                Ok(())
            }
            Err(e) => {
                // The state ran ahead of the store; rebuild it from what is durable.
                self.reload()?;
                Err(e.into())
            }
        }
    }

    fn reload(&mut self) -> Result<(), AppError> {
        let (state, head) = replay(&self.store, None)?;
        self.state = state;
        self.head = head;
        Ok(())
    }
}
