//! What every database command needs: the store, the actor and the business date, and a
//! progress bar that shows only on a terminal.

use std::io::IsTerminal;
use std::path::Path;

use crate::store::AnyStore;
use jiff::Timestamp;
use jiff::civil::Date;
use kulissi_app::Writer;
use kulissi_core::engine::{Actor, Command, CommandEnvelope, Event, State, codec};
use kulissi_core::identifiers::Lei;
use kulissi_store::EventStore;

/// The context of one CLI invocation.
#[derive(Debug, Clone)]
pub(crate) struct Context {
    pub(crate) db: std::path::PathBuf,
    pub(crate) actor: Actor,
    pub(crate) business_date: Date,
    pub(crate) snapshots: kulissi_app::SnapshotPolicy,
    /// The sender's idempotency key for the one command this invocation runs.
    pub(crate) message_id: Option<String>,
}

impl Context {
    pub(crate) fn new(
        db: &Path,
        actor: Option<&str>,
        business_date: Option<Date>,
    ) -> anyhow::Result<Context> {
        let actor = match actor {
            Some(a) => a.parse::<Actor>().map_err(|e| anyhow::anyhow!(e))?,
            None => Actor::Person(std::env::var("USER").unwrap_or_else(|_| "unknown".into())),
        };
        let business_date = business_date
            .unwrap_or_else(|| jiff::tz::Offset::UTC.to_datetime(Timestamp::now()).date());
        Ok(Context {
            db: db.to_owned(),
            actor,
            business_date,
            snapshots: kulissi_app::SnapshotPolicy::DEFAULT,
            message_id: None,
        })
    }

    /// Opens the writer on the store, from its newest snapshot, under the snapshot policy.
    pub(crate) fn writer(&self) -> anyhow::Result<Writer<AnyStore>> {
        let writer = Writer::open_with(self.open()?, self.snapshots)?;
        for (seq, why) in &writer.startup().refused {
            eprintln!("snapshot at sequence {seq} refused and rebuilt: {why}");
        }
        Ok(writer)
    }

    /// Opens the store, which must be initialised.
    pub(crate) fn open(&self) -> anyhow::Result<AnyStore> {
        Ok(AnyStore::open(&self.db)?)
    }

    /// Creates the store, or brings its schema up to date.
    pub(crate) fn create(&self) -> anyhow::Result<AnyStore> {
        Ok(AnyStore::create(&self.db)?)
    }

    /// The database location for messages, without any password.
    pub(crate) fn location(&self) -> String {
        kulissi_store_postgres::redact(&self.db.display().to_string())
    }

    /// Executes one command through the engine, built from the state the writer rebuilt on
    /// opening (one replay of the log); returns the events it caused (none for an
    /// acknowledged repeat), or the rejection as the error.
    pub(crate) fn execute(
        &self,
        build: impl FnOnce(&State) -> anyhow::Result<Command>,
    ) -> anyhow::Result<Vec<Event>> {
        Ok(self.execute_and(build, |_| ())?.0)
    }

    /// As [`Context::execute`], and reads what `after` wants of the state the command left.
    pub(crate) fn execute_and<T>(
        &self,
        build: impl FnOnce(&State) -> anyhow::Result<Command>,
        after: impl FnOnce(&State) -> T,
    ) -> anyhow::Result<(Vec<Event>, T)> {
        self.execute_all_and(|state| Ok(vec![build(state)?]), after)
    }

    /// Executes several commands as one atomic batch (all or none), each decided on the
    /// state the ones before it left; returns every event, and what `after` reads of the
    /// state at the end.
    pub(crate) fn execute_all_and<T>(
        &self,
        build: impl FnOnce(&State) -> anyhow::Result<Vec<Command>>,
        after: impl FnOnce(&State) -> T,
    ) -> anyhow::Result<(Vec<Event>, T)> {
        let mut writer = self.writer()?;
        let envelopes: Vec<CommandEnvelope> = build(writer.state())?
            .into_iter()
            .map(|c| self.envelope(c))
            .collect();
        match writer.execute_atomic(&envelopes)? {
            Err((_, rejection)) => Err(anyhow::anyhow!("{rejection}")),
            Ok(receipts) => {
                let mut events = Vec::new();
                for seqs in receipts.iter().map(|r| r.seqs.clone()) {
                    if seqs.is_empty() {
                        continue;
                    }
                    writer
                        .store()
                        .read_log(seqs.start, Some(seqs.end - 1), &mut |record| {
                            let event = codec::decode(&record.payload).map_err(|e| {
                                kulissi_store::StoreError::Corrupt {
                                    seq: record.seq,
                                    what: e.to_string(),
                                }
                            })?;
                            events.push(event);
                            Ok(true)
                        })?;
                }
                Ok((events, after(writer.state())))
            }
        }
    }

    /// Wraps a command with who, when and which business date.
    pub(crate) fn envelope(&self, command: Command) -> CommandEnvelope {
        CommandEnvelope {
            actor: self.actor.clone(),
            wall_time: Timestamp::now(),
            business_date: self.business_date,
            command,
            message_id: self
                .message_id
                .as_deref()
                .map(kulissi_core::engine::MessageId::new),
        }
    }
}

/// A progress bar on stderr when it is a terminal; hidden otherwise (scripts, CI).
pub(crate) fn progress(total: u64, what: &str) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(total);
    let style = indicatif::ProgressStyle::with_template(&format!(
        "{what} [{{bar:40}}] {{pos}}/{{len}} ({{per_sec}}, {{eta}} left)"
    ))
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style.progress_chars("=> "));
    bar
}

/// The legal entity named by `lei`, or the only one defined.
pub(crate) fn legal_entity(state: &State, lei: Option<&str>) -> anyhow::Result<Lei> {
    if let Some(text) = lei {
        return Lei::parse(text).map_err(|e| anyhow::anyhow!("--legal-entity: {e}"));
    }
    let mut entities = state.refdata.legal_entities.iter().map(|(_, e)| e.lei);
    match (entities.next(), entities.next()) {
        (Some(lei), None) => Ok(lei),
        (None, _) => anyhow::bail!("no legal entity is defined"),
        (Some(_), Some(_)) => {
            anyhow::bail!("there are several legal entities: name one with --legal-entity")
        }
    }
}
