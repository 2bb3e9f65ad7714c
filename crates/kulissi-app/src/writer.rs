//! [`Writer`]: the single writer of a partition.
//!
//! For a batch of commands it decides each against the state so far, applies its events,
//! encodes and chains them, projects the read-model rows, and commits everything in one
//! transaction. A rejected command leaves no trace: it yields no events and no rows. If the
//! commit fails, the in-memory state has run ahead of the store, so the writer rebuilds it
//! from the log before it answers. If an event the engine decided does not fit the state (an
//! [`ApplyError`]: a bug, never input), the state may hold part of its command: the writer
//! rebuilds it from the log, and the command is answered with [`Rejection::Internal`] and
//! leaves no trace (see [`Writer::execute`]).

use kulissi_core::engine::{
    ApplyError, Command, CommandEnvelope, EVENT_SCHEMA_VERSION, Rejection, State, apply, codec,
    decide,
};
use kulissi_store::{ChainHead, CommitBatch, EventStore, GENESIS_HASH, LogRecord, record_hash};

use crate::AppError;
use crate::projection::Projector;
use crate::snapshots::{SnapshotPolicy, Startup};

/// What an accepted command did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// Sequence numbers of the events it caused (empty for an acknowledged duplicate).
    pub seqs: std::ops::Range<u64>,
    /// The trade it booked, amended or cancelled (also for a duplicate).
    pub trade_id: Option<kulissi_core::ids::TradeId>,
}

impl Receipt {
    /// Whether the command was acknowledged without effect (a resubmission).
    pub fn is_duplicate(&self) -> bool {
        self.seqs.is_empty()
    }
}

/// The answer to one command.
pub type Answer = Result<Receipt, Rejection>;

/// A decided batch on its way to the committer.
struct Pending<T> {
    batch: CommitBatch,
    answers: Vec<Answer>,
    tag: T,
    head: Option<ChainHead>,
    /// The batch's commands, dropped on the commit thread so that freeing them does not
    /// take time from the engine thread.
    commands: Vec<CommandEnvelope>,
}

/// The single writer of one partition.
#[derive(Debug)]
pub struct Writer<S> {
    store: S,
    state: State,
    head: Option<ChainHead>,
    partition: u32,
    timings: Timings,
    snapshots: SnapshotPolicy,
    /// The sequence number of the newest snapshot (0: none).
    last_snapshot: u64,
    startup: Startup,
    snapshot_failure: Option<String>,
}

/// Where a writer's time went, cumulatively (for benchmarks and monitoring).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Timings {
    /// Deciding, applying, encoding, chaining and projecting.
    pub engine: std::time::Duration,
    /// Writing and committing to the store.
    pub commit: std::time::Duration,
}

impl<S: EventStore> Writer<S> {
    /// Opens the writer on `store`, rebuilding the state from its newest snapshot and the
    /// log after it, and snapshotting every million events.
    pub fn open(store: S) -> Result<Writer<S>, AppError> {
        Writer::open_with(store, SnapshotPolicy::DEFAULT)
    }

    /// Opens the writer with a snapshot policy. A snapshot that was refused at start-up is
    /// rebuilt at once (unless the policy is never to snapshot).
    pub fn open_with(mut store: S, snapshots: SnapshotPolicy) -> Result<Writer<S>, AppError> {
        let (state, head, startup) = crate::snapshots::load(&mut store)?;
        let mut writer = Writer {
            store,
            state,
            head,
            partition: 0,
            timings: Timings::default(),
            snapshots,
            last_snapshot: startup.snapshot.unwrap_or(0),
            startup,
            snapshot_failure: None,
        };
        if !writer.startup.refused.is_empty() && snapshots.every > 0 {
            writer.snapshot()?;
        }
        Ok(writer)
    }

    /// How the state was rebuilt when the writer opened.
    pub fn startup(&self) -> &Startup {
        &self.startup
    }

    /// Snapshots the state at the head now (nothing for an empty log); returns its size.
    pub fn snapshot(&mut self) -> Result<Option<u64>, AppError> {
        let Some(head) = self.head else {
            return Ok(None);
        };
        let size = crate::snapshots::take(&mut self.store, &self.state, head, self.snapshots.keep)?;
        self.last_snapshot = head.seq;
        Ok(Some(size))
    }

    /// Why the last periodic snapshot failed, if it did (the commands it followed are
    /// committed all the same: a snapshot only saves start-up time).
    pub fn snapshot_failure(&self) -> Option<&str> {
        self.snapshot_failure.as_deref()
    }

    /// Takes a snapshot if the policy says one is due. A failure is kept, not returned: the
    /// batch before it is committed, and the next due snapshot tries again.
    fn snapshot_if_due(&mut self) -> Result<(), AppError> {
        let every = self.snapshots.every;
        if every > 0
            && self
                .head
                .is_some_and(|h| h.seq - self.last_snapshot >= every)
        {
            self.snapshot_failure = self.snapshot().err().map(|e| e.to_string());
        }
        Ok(())
    }

    /// The current state.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// Cumulative time spent in the engine and in commits.
    pub fn timings(&self) -> Timings {
        self.timings
    }

    /// The head of the log.
    pub fn head(&self) -> Option<ChainHead> {
        self.head
    }

    /// Executes `commands` in order and commits their events in one transaction; each
    /// command is answered on its own (a rejection does not affect the others).
    ///
    /// A command one of whose events does not fit the state (a bug) is answered with
    /// [`Rejection::Internal`] and leaves no trace: the state, which may hold part of it, is
    /// rebuilt from the log, and the batch is run again without it (the commands after it
    /// were decided against that state).
    pub fn execute(&mut self, commands: &[CommandEnvelope]) -> Result<Vec<Answer>, AppError> {
        let started = std::time::Instant::now();
        let mut skipped: Vec<usize> = Vec::new();
        'batch: loop {
            let mut batch = CommitBatch::with_capacity(commands.len());
            let mut projector = Projector::default();
            let mut head = self.head;
            let mut answers = Vec::with_capacity(commands.len());
            for (i, envelope) in commands.iter().enumerate() {
                if skipped.contains(&i) {
                    answers.push(Err(MISFIT));
                    continue;
                }
                match run_one(
                    &mut self.state,
                    self.partition,
                    envelope,
                    &mut head,
                    &mut batch,
                    &mut projector,
                ) {
                    Ok(answer) => answers.push(answer),
                    Err(_) => {
                        self.reload()?;
                        skipped.push(i);
                        continue 'batch;
                    }
                }
            }
            self.timings.engine += started.elapsed();
            self.commit(batch, projector, head)?;
            return Ok(answers);
        }
    }

    /// Executes a stream of batches with the engine and the store on two threads: while
    /// batch *k* is being committed, batch *k + 1* is being decided. Each batch commits in
    /// one transaction, and `committed` is called with the batch's tag and answers only
    /// after its commit (or with the error that failed it, for that batch and every later
    /// one). On a failed commit the state is rebuilt from the log before this returns.
    pub fn execute_stream<T: Send>(
        &mut self,
        batches: impl Iterator<Item = (Vec<CommandEnvelope>, T)>,
        committed: impl FnMut(T, Result<Vec<Answer>, &AppError>) + Send,
    ) -> Result<(), AppError>
    where
        S: Send,
    {
        let committed = std::sync::Mutex::new(committed);
        let report = |tag: T, outcome: Result<Vec<Answer>, &AppError>| {
            if let Ok(mut f) = committed.lock() {
                f(tag, outcome);
            }
        };
        let Writer {
            store,
            state,
            head,
            partition,
            timings,
            ..
        } = self;
        let (to_committer, from_engine) = std::sync::mpsc::sync_channel::<Pending<T>>(1);
        let outcome = std::thread::scope(|scope| {
            let report = &report;
            let committer = std::thread::Builder::new()
                .name("kulissi-commit".into())
                .spawn_scoped(
                    scope,
                    move || -> Result<(Option<ChainHead>, std::time::Duration), AppError> {
                        let mut last = None;
                        let mut spent = std::time::Duration::ZERO;
                        while let Ok(pending) = from_engine.recv() {
                            let started = std::time::Instant::now();
                            let result = if pending.batch.records.is_empty() {
                                Ok(())
                            } else {
                                store.append(&pending.batch)
                            };
                            spent += started.elapsed();
                            match result {
                                Ok(()) => {
                                    if pending.head.is_some() {
                                        last = pending.head;
                                    }
                                    report(pending.tag, Ok(pending.answers));
                                    drop(pending.commands);
                                }
                                Err(e) => {
                                    let e = AppError::from(e);
                                    report(pending.tag, Err(&e));
                                    while let Ok(later) = from_engine.recv() {
                                        report(later.tag, Err(&e));
                                    }
                                    return Err(e);
                                }
                            }
                        }
                        Ok((last, spent))
                    },
                );
            let committer = match committer {
                Ok(handle) => handle,
                Err(e) => {
                    return Err(AppError::WriterStopped(format!(
                        "cannot start the commit thread: {e}"
                    )));
                }
            };
            let mut local_head = *head;
            let mut misfit = None;
            for (commands, tag) in batches {
                let started = std::time::Instant::now();
                let mut batch = CommitBatch::with_capacity(commands.len());
                let mut projector = Projector::default();
                let answers: Result<Vec<Answer>, (u64, ApplyError)> = commands
                    .iter()
                    .map(|c| {
                        run_one(
                            state,
                            *partition,
                            c,
                            &mut local_head,
                            &mut batch,
                            &mut projector,
                        )
                    })
                    .collect();
                let answers = match answers {
                    Ok(answers) => answers,
                    Err((seq, error)) => {
                        // The state may hold part of a command: this batch is not committed,
                        // the stream stops, and the state is rebuilt once the batches before
                        // it are committed.
                        let e = AppError::Apply { seq, error };
                        report(tag, Err(&e));
                        misfit = Some(e);
                        break;
                    }
                };
                projector.finish(state, &mut batch);
                timings.engine += started.elapsed();
                let pending = Pending {
                    batch,
                    answers,
                    tag,
                    commands,
                    head: local_head,
                };
                if let Err(std::sync::mpsc::SendError(refused)) = to_committer.send(pending) {
                    // The committer failed and stopped; this batch fails with it.
                    let e =
                        AppError::WriterStopped("an earlier commit of this stream failed".into());
                    report(refused.tag, Err(&e));
                    break;
                }
            }
            drop(to_committer);
            let committed = committer.join().unwrap_or_else(|_| {
                Err(AppError::WriterStopped("the commit thread panicked".into()))
            });
            match (committed, misfit) {
                (Ok(_), Some(e)) => Err(e),
                (committed, _) => committed,
            }
        });
        match outcome {
            Ok((last, spent)) => {
                timings.commit += spent;
                if last.is_some() {
                    self.head = last;
                }
                self.snapshot_if_due()
            }
            Err(e) => {
                self.reload()?;
                Err(e)
            }
        }
    }

    /// Executes `commands` all or nothing: if any is rejected, nothing is committed and the
    /// rejection is returned with the command's index.
    pub fn execute_atomic(
        &mut self,
        commands: &[CommandEnvelope],
    ) -> Result<Result<Vec<Receipt>, (usize, Rejection)>, AppError> {
        self.execute_atomic_with_progress(commands, |_| {})
    }

    /// [`Writer::execute_atomic`], calling `progress` with the number of commands decided so
    /// far every 10,000 commands (long imports show a progress bar).
    pub fn execute_atomic_with_progress(
        &mut self,
        commands: &[CommandEnvelope],
        mut progress: impl FnMut(usize),
    ) -> Result<Result<Vec<Receipt>, (usize, Rejection)>, AppError> {
        let mut batch = CommitBatch::with_capacity(commands.len());
        let mut projector = Projector::default();
        let mut head = self.head;
        let mut receipts = Vec::with_capacity(commands.len());
        for (i, envelope) in commands.iter().enumerate() {
            match run_one(
                &mut self.state,
                self.partition,
                envelope,
                &mut head,
                &mut batch,
                &mut projector,
            ) {
                Ok(Ok(receipt)) => {
                    receipts.push(receipt);
                    if (i + 1) % 10_000 == 0 {
                        progress(i + 1);
                    }
                }
                Ok(Err(rejection)) => {
                    if !batch.records.is_empty() {
                        // Earlier commands of the batch changed the state; go back to the log.
                        self.reload()?;
                    }
                    return Ok(Err((i, rejection)));
                }
                Err(_) => {
                    // The state may hold part of this command: go back to the log.
                    self.reload()?;
                    return Ok(Err((i, MISFIT)));
                }
            }
        }
        self.commit(batch, projector, head)?;
        Ok(Ok(receipts))
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
        let started = std::time::Instant::now();
        let result = self.store.append(&batch);
        self.timings.commit += started.elapsed();
        match result {
            Ok(()) => {
                self.head = head;
                self.snapshot_if_due()
            }
            Err(e) => {
                // The state ran ahead of the store; rebuild it from what is durable.
                self.reload()?;
                Err(e.into())
            }
        }
    }

    fn reload(&mut self) -> Result<(), AppError> {
        let (state, head, _) = crate::snapshots::load(&mut self.store)?;
        self.state = state;
        self.head = head;
        Ok(())
    }
}

/// The answer to a command one of whose events did not fit the state.
const MISFIT: Rejection = Rejection::Internal {
    what: "an event the engine decided did not fit its state; the command was not committed \
           and the state was rebuilt from the log",
};

/// Decides one command, applies its events and adds their records and rows to `batch`.
/// `Err` names the sequence number of an event that did not fit the state: the state may then
/// hold part of the command, and the batch must not be committed.
fn run_one(
    state: &mut State,
    partition: u32,
    envelope: &CommandEnvelope,
    head: &mut Option<ChainHead>,
    batch: &mut CommitBatch,
    projector: &mut Projector,
) -> Result<Answer, (u64, ApplyError)> {
    let events = match decide(state, envelope) {
        Ok(events) => events,
        Err(rejection) => return Ok(Err(rejection)),
    };
    let first = head.map_or(1, |h| h.seq + 1);
    let actor = shared_actor(&envelope.actor);
    let wall_time_us = envelope.wall_time.as_microsecond();
    for event in &events {
        let seq = head.map_or(1, |h| h.seq + 1);
        projector.before(state, seq, event);
        apply(state, event).map_err(|e| (seq, e))?;
        projector.after(state, seq, event, batch);
        let mut record = LogRecord {
            seq,
            partition,
            business_date: envelope.business_date,
            wall_time_us,
            actor: actor.clone(),
            kind: event.kind().into(),
            trade_id: event.trade_id().map(u64::from),
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
        Command::BookTrade(t) | Command::AmendTrade(t) => state
            .trades
            .by_external_id(&t.source, &t.external_id)
            .map(|s| s.record.trade_id),
        Command::CancelTrade {
            source,
            external_id,
            ..
        }
        | Command::ConfirmSettlement {
            source,
            external_id,
            ..
        } => state
            .trades
            .by_external_id(source, external_id)
            .map(|s| s.record.trade_id),
        _ => None,
    };
    Ok(Ok(Receipt {
        seqs: first..last + 1,
        trade_id,
    }))
}

/// The actor's text, shared by the records of consecutive commands of the same actor (most
/// batches have one), so it is formatted and allocated once.
fn shared_actor(actor: &kulissi_core::engine::Actor) -> std::sync::Arc<str> {
    thread_local! {
        static LAST: std::cell::RefCell<Option<(kulissi_core::engine::Actor, std::sync::Arc<str>)>> =
            const { std::cell::RefCell::new(None) };
    }
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        match &*last {
            Some((a, text)) if a == actor => text.clone(),
            _ => {
                let text: std::sync::Arc<str> = actor.to_string().into();
                *last = Some((actor.clone(), text.clone()));
                text
            }
        }
    })
}
