//! [`GroupCommit`]: a writer thread with a bounded queue in front. Callers on any thread
//! submit a command and block until the batch it joined is committed; the thread drains up to
//! [`MAX_BATCH`] queued commands per transaction, so durability costs one commit per batch.
//! Reads ([`GroupCommit::query`]) queue behind the commands before them and run on the
//! writer thread between batches, on the committed state.

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

use kulissi_core::engine::{CommandEnvelope, State};
use kulissi_store::EventStore;

use crate::{Answer, AppError, Writer};

/// The most commands committed in one transaction.
pub const MAX_BATCH: usize = 10_000;

/// How many commands may wait in the queue before submitters block.
const QUEUE_CAPACITY: usize = 4 * MAX_BATCH;

/// A read of the committed state and the store, run on the writer thread between batches.
type Query = Box<dyn FnOnce(&State, &dyn EventStore) + Send>;

/// Where a command's answer goes: a waiting thread, or a callback (an async door).
enum Reply {
    Channel(SyncSender<Result<Answer, String>>),
    Callback(Box<dyn FnOnce(Result<Answer, String>) + Send>),
}

impl Reply {
    fn send(self, answer: Result<Answer, String>) {
        match self {
            Reply::Channel(channel) => {
                let _ = channel.send(answer);
            }
            Reply::Callback(callback) => callback(answer),
        }
    }
}

// Commands are the hot path and queries rare: boxing the command would allocate per command.
#[allow(clippy::large_enum_variant)]
enum Request {
    Command(CommandEnvelope, Reply),
    Query(Query),
    Atomic(Vec<CommandEnvelope>, AtomicReply),
}

/// Where the outcome of an all-or-nothing batch goes.
type AtomicReply = Box<dyn FnOnce(Result<AtomicOutcome, AppError>) + Send>;

/// The outcome of an all-or-nothing batch: every receipt, or the first rejection and the
/// index of its command (nothing committed).
pub type AtomicOutcome = Result<Vec<crate::Receipt>, (usize, kulissi_core::engine::Rejection)>;

/// Work the writer does between streamed batches, on committed state.
enum Work {
    Query(Query),
    Atomic(Vec<CommandEnvelope>, AtomicReply),
}

/// A handle to the writer thread. Cloneable; the thread stops when every handle is dropped.
#[derive(Debug, Clone)]
pub struct GroupCommit {
    queue: SyncSender<Request>,
}

impl GroupCommit {
    /// Starts the writer thread. The join handle gives the writer back when it stops.
    pub fn spawn<S: EventStore + Send + 'static>(
        writer: Writer<S>,
    ) -> Result<(GroupCommit, JoinHandle<Writer<S>>), AppError> {
        let (queue, requests) = sync_channel::<Request>(QUEUE_CAPACITY);
        let thread = std::thread::Builder::new()
            .name("kulissi-writer".into())
            .spawn(move || run(writer, requests))
            .map_err(|e| AppError::WriterStopped(format!("cannot start the writer thread: {e}")))?;
        Ok((GroupCommit { queue }, thread))
    }

    /// Submits one command and waits for its answer, given after the commit.
    pub fn submit(&self, command: CommandEnvelope) -> Result<Answer, AppError> {
        self.submit_async(command)?.wait()
    }

    /// Queues one command and returns at once with a ticket to wait on, so that a caller
    /// (a FIX session, an import) can keep many commands in flight.
    pub fn submit_async(&self, command: CommandEnvelope) -> Result<Ticket, AppError> {
        let (reply, answer) = sync_channel(1);
        self.queue
            .send(Request::Command(command, Reply::Channel(reply)))
            .map_err(|_| AppError::WriterStopped("the queue is closed".into()))?;
        Ok(Ticket(answer))
    }
}

impl GroupCommit {
    /// Queues one command without blocking; `then` receives its answer after the commit, on
    /// the writer's commit thread (so it must be quick: hand the answer on). A full queue is
    /// [`AppError::Busy`], for the door to answer "try again".
    pub fn submit_then(
        &self,
        command: CommandEnvelope,
        then: impl FnOnce(Result<Answer, AppError>) + Send + 'static,
    ) -> Result<(), AppError> {
        let callback = Box::new(move |answer: Result<Answer, String>| {
            then(answer.map_err(AppError::WriterStopped));
        });
        self.queue
            .try_send(Request::Command(command, Reply::Callback(callback)))
            .map_err(|e| match e {
                std::sync::mpsc::TrySendError::Full(_) => AppError::Busy,
                std::sync::mpsc::TrySendError::Disconnected(_) => {
                    AppError::WriterStopped("the queue is closed".into())
                }
            })
    }

    /// Queues commands to execute all or nothing (an import), after those queued before
    /// them; `then` receives the outcome after the commit. Without blocking.
    pub fn submit_atomic_then(
        &self,
        commands: Vec<CommandEnvelope>,
        then: impl FnOnce(Result<AtomicOutcome, AppError>) + Send + 'static,
    ) -> Result<(), AppError> {
        self.queue
            .try_send(Request::Atomic(commands, Box::new(then)))
            .map_err(|e| match e {
                std::sync::mpsc::TrySendError::Full(_) => AppError::Busy,
                std::sync::mpsc::TrySendError::Disconnected(_) => {
                    AppError::WriterStopped("the queue is closed".into())
                }
            })
    }

    /// Queues a read without blocking (see [`GroupCommit::query`]); the read hands its
    /// result on itself.
    pub fn query_then(
        &self,
        read: impl FnOnce(&State, &dyn EventStore) + Send + 'static,
    ) -> Result<(), AppError> {
        self.queue
            .try_send(Request::Query(Box::new(read)))
            .map_err(|e| match e {
                std::sync::mpsc::TrySendError::Full(_) => AppError::Busy,
                std::sync::mpsc::TrySendError::Disconnected(_) => {
                    AppError::WriterStopped("the queue is closed".into())
                }
            })
    }

    /// Reads the committed state (and the store) on the writer thread, after the commands
    /// queued before it are committed: every read sees a state that is in the log. The
    /// writer runs nothing else meanwhile, so a read should be quick.
    pub fn query<R: Send + 'static>(
        &self,
        read: impl FnOnce(&State, &dyn EventStore) -> R + Send + 'static,
    ) -> Result<R, AppError> {
        let (reply, answer) = sync_channel(1);
        let job: Query = Box::new(move |state, store| {
            let _ = reply.send(read(state, store));
        });
        self.queue
            .send(Request::Query(job))
            .map_err(|_| AppError::WriterStopped("the queue is closed".into()))?;
        answer
            .recv()
            .map_err(|_| AppError::WriterStopped("no answer".into()))
    }
}

/// The answer to a queued command, available after its batch commits.
#[derive(Debug)]
pub struct Ticket(Receiver<Result<Answer, String>>);

impl Ticket {
    /// Waits for the commit of the command's batch.
    pub fn wait(self) -> Result<Answer, AppError> {
        self.0
            .recv()
            .map_err(|_| AppError::WriterStopped("no answer".into()))?
            .map_err(AppError::WriterStopped)
    }
}

fn run<S: EventStore + Send>(mut writer: Writer<S>, requests: Receiver<Request>) -> Writer<S> {
    let mut closed = false;
    let mut query: Option<Work> = None;
    while !closed {
        match query.take() {
            Some(Work::Query(q)) => q(writer.state(), writer.store()),
            Some(Work::Atomic(commands, reply)) => reply(writer.execute_atomic(&commands)),
            None => {}
        }
        let batches = std::iter::from_fn(|| {
            if query.is_some() {
                return None;
            }
            let (command, reply) = match requests.recv() {
                Ok(Request::Command(command, reply)) => (command, reply),
                Ok(Request::Query(q)) => {
                    query = Some(Work::Query(q));
                    return None;
                }
                Ok(Request::Atomic(commands, reply)) => {
                    query = Some(Work::Atomic(commands, reply));
                    return None;
                }
                Err(_) => {
                    closed = true;
                    return None;
                }
            };
            let mut commands = Vec::with_capacity(MAX_BATCH);
            let mut replies = Vec::with_capacity(MAX_BATCH);
            commands.push(command);
            replies.push(reply);
            while commands.len() < MAX_BATCH {
                match requests.try_recv() {
                    Ok(Request::Command(command, reply)) => {
                        commands.push(command);
                        replies.push(reply);
                    }
                    Ok(Request::Query(q)) => {
                        // Answered once the batches before it are committed.
                        query = Some(Work::Query(q));
                        break;
                    }
                    Ok(Request::Atomic(commands, reply)) => {
                        query = Some(Work::Atomic(commands, reply));
                        break;
                    }
                    Err(_) => break,
                }
            }
            Some((commands, replies))
        });
        let answered =
            writer.execute_stream(batches, |replies: Vec<Reply>, outcome| match outcome {
                Ok(answers) => {
                    for (reply, answer) in replies.into_iter().zip(answers) {
                        reply.send(Ok(answer));
                    }
                }
                Err(e) => {
                    let message = e.to_string();
                    for reply in replies {
                        reply.send(Err(message.clone()));
                    }
                }
            });
        if let Err(e) = answered {
            // Every caller of the failed batches has been told; the writer reloaded its
            // state from the log and carries on with the next requests.
            let _ = e;
        }
    }
    writer
}
