//! [`GroupCommit`]: a writer thread with a bounded queue in front. Callers on any thread
//! submit a command and block until the batch it joined is committed; the thread drains up to
//! [`MAX_BATCH`] queued commands per transaction, so durability costs one commit per batch.

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

use kulissi_core::engine::CommandEnvelope;
use kulissi_store::EventStore;

use crate::{Answer, AppError, Writer};

/// The most commands committed in one transaction.
pub const MAX_BATCH: usize = 10_000;

/// How many commands may wait in the queue before submitters block.
const QUEUE_CAPACITY: usize = 4 * MAX_BATCH;

type Request = (CommandEnvelope, SyncSender<Result<Answer, String>>);

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
            .send((command, reply))
            .map_err(|_| AppError::WriterStopped("the queue is closed".into()))?;
        Ok(Ticket(answer))
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
    while !closed {
        let batches = std::iter::from_fn(|| {
            let Ok((command, reply)) = requests.recv() else {
                closed = true;
                return None;
            };
            let mut commands = Vec::with_capacity(MAX_BATCH);
            let mut replies = Vec::with_capacity(MAX_BATCH);
            commands.push(command);
            replies.push(reply);
            while commands.len() < MAX_BATCH {
                match requests.try_recv() {
                    Ok((command, reply)) => {
                        commands.push(command);
                        replies.push(reply);
                    }
                    Err(_) => break,
                }
            }
            Some((commands, replies))
        });
        let answered = writer.execute_stream(
            batches,
            |replies: Vec<SyncSender<Result<Answer, String>>>, outcome| match outcome {
                Ok(answers) => {
                    for (reply, answer) in replies.into_iter().zip(answers) {
                        let _ = reply.send(Ok(answer));
                    }
                }
                Err(e) => {
                    let message = e.to_string();
                    for reply in replies {
                        let _ = reply.send(Err(message.clone()));
                    }
                }
            },
        );
        if let Err(e) = answered {
            // Every caller of the failed batches has been told; the writer reloaded its
            // state from the log and carries on with the next requests.
            let _ = e;
        }
    }
    writer
}
