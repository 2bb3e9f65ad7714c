//! Exactly once at every door: the messages the engine has taken, by idempotency key.
//!
//! Every command from outside may carry a [`MessageId`]: the sender's message id (a file's
//! `message_id` column, later the FIX ExecID or the NATS message id) or, when the sender has
//! none, a key the door derives from the source, the external id, the action and the line's
//! content. The first time a message changes anything, the engine logs
//! [`Event::MessageAccepted`](super::Event::MessageAccepted) after the command's own events,
//! with the fingerprint of the command's content and the trade it answered with. From then on
//! the same message is acknowledged as a duplicate (no event, the original trade in the
//! receipt) whatever the state has become since: an amendment of a trade cancelled later, a
//! confirmation of a trade settled since. The same id with different content is refused with
//! [`Rejection::MessageIdReused`](super::Rejection::MessageIdReused).
//!
//! A derived key holds the line's content, so a *legitimate* repeat of an earlier line (an
//! amendment 100 → 200 → 100 → 200, where the second "100" line is word for word the first)
//! derives the same key and is taken as a duplicate, not applied. A sender that means a
//! repeat must give each message its own `message_id`: an explicit id always wins over a
//! derived key.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use super::Command;

/// The longest message id accepted.
pub const MAX_MESSAGE_ID_LEN: usize = 128;

/// An idempotency key: a message id from the sender, or one derived by the door.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MessageId {
    id: Arc<str>,
    derived: bool,
}

impl MessageId {
    /// A message id as the sender gave it (checked for length and emptiness by the engine).
    pub fn new(id: impl Into<Arc<str>>) -> MessageId {
        MessageId {
            id: id.into(),
            derived: false,
        }
    }

    /// The key of a message that came without an id: what it is (`book`, `amend`,
    /// `cancel`, `settle`, `cash`, `price`, ...), the key it names (source and external id,
    /// reference, ISIN and date) and the fingerprint of its content, e.g.
    /// `amend:OMS:T-1:6d3c6b0f34a85a1b`. The same line sent twice derives the same key;
    /// so does a word-for-word repeat of an earlier line (see the module documentation).
    pub fn derived(command: &Command) -> MessageId {
        let digest = command_digest(command);
        let (action, key) = match command {
            Command::BookTrade(t) => ("book", format!("{}:{}", t.source, t.external_id)),
            Command::AmendTrade(t) => ("amend", format!("{}:{}", t.source, t.external_id)),
            Command::CancelTrade {
                source,
                external_id,
                ..
            } => ("cancel", format!("{source}:{external_id}")),
            Command::ConfirmSettlement { reference, .. } => ("settle", reference.clone()),
            Command::RecordCashMovement { reference, .. } => ("cash", reference.clone()),
            Command::PostCashMovement { reference } => ("cash-post", reference.clone()),
            Command::VoidCashMovement { reference, .. } => ("cash-void", reference.clone()),
            Command::RecordPrice {
                instrument, date, ..
            } => ("price", format!("{instrument}:{date}")),
            Command::RecordFxRate {
                base, quote, date, ..
            } => ("fx-rate", format!("{base}{quote}:{date}")),
            Command::RunEndOfDay { legal_entity, date } => {
                ("end-of-day", format!("{legal_entity}:{date}"))
            }
            Command::ProposeJournalEntry { reference, .. } => ("journal", reference.clone()),
            Command::DefineLegalEntity(e) => ("legal-entity", e.lei.to_string()),
            Command::DefineCounterparty(c) => ("counterparty", c.lei.to_string()),
            Command::DefineInstrument(i) => ("instrument", i.isin.to_string()),
            Command::DefineBook { code, .. } => ("book-definition", code.clone()),
            Command::DefineAccount { code, .. } => ("account", code.clone()),
            _ => ("command", String::new()),
        };
        let text = format!("{action}:{key}:{digest:016x}");
        let id = if text.len() <= MAX_MESSAGE_ID_LEN {
            text
        } else {
            format!("{action}:{digest:016x}")
        };
        MessageId {
            id: id.into(),
            derived: true,
        }
    }

    /// Whether the door derived it (the sender gave none).
    pub fn is_derived(&self) -> bool {
        self.derived
    }

    /// The id's text.
    pub fn as_str(&self) -> &str {
        &self.id
    }

    pub(crate) fn shared(&self) -> Arc<str> {
        self.id.clone()
    }
}

impl std::fmt::Display for MessageId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.id)
    }
}

/// What the engine remembers of a message it took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeenMessage {
    /// Fingerprint of the command's content ([`command_digest`]).
    pub digest: u64,
    /// The trade the command answered with, if it was about one.
    pub trade_id: Option<crate::ids::TradeId>,
}

/// The messages taken so far, by id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Messages {
    pub(super) seen: HashMap<Arc<str>, SeenMessage>,
}

impl Messages {
    /// What was taken under `id`, if anything.
    pub fn get(&self, id: &str) -> Option<&SeenMessage> {
        self.seen.get(id)
    }

    /// How many messages were taken.
    pub fn len(&self) -> usize {
        self.seen.len()
    }

    /// Whether none was.
    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }

    pub(super) fn insert(&mut self, id: Arc<str>, seen: SeenMessage) {
        self.seen.insert(id, seen);
    }
}

/// A stable 64-bit fingerprint of a command's content: its fields in declaration order,
/// hashed with FNV-1a over little-endian bytes, so it is the same on every platform and every
/// run (decimals enter normalised: `1.50` and `1.5` are the same quantity). It depends on the
/// command's type definitions: a change to a command's fields is a change to the log format
/// and gets a new schema version.
pub fn command_digest(command: &Command) -> u64 {
    let mut hasher = StableHasher::default();
    command.hash(&mut hasher);
    hasher.finish()
}

/// FNV-1a, 64 bits, with every integer written little-endian and lengths as u64.
struct StableHasher(u64);

impl Default for StableHasher {
    fn default() -> Self {
        StableHasher(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for StableHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    fn write_u16(&mut self, n: u16) {
        self.write(&n.to_le_bytes());
    }
    fn write_u32(&mut self, n: u32) {
        self.write(&n.to_le_bytes());
    }
    fn write_u64(&mut self, n: u64) {
        self.write(&n.to_le_bytes());
    }
    fn write_u128(&mut self, n: u128) {
        self.write(&n.to_le_bytes());
    }
    fn write_usize(&mut self, n: usize) {
        self.write(&(n as u64).to_le_bytes());
    }
    fn write_i16(&mut self, n: i16) {
        self.write(&n.to_le_bytes());
    }
    fn write_i32(&mut self, n: i32) {
        self.write(&n.to_le_bytes());
    }
    fn write_i64(&mut self, n: i64) {
        self.write(&n.to_le_bytes());
    }
    fn write_i128(&mut self, n: i128) {
        self.write(&n.to_le_bytes());
    }
    fn write_isize(&mut self, n: isize) {
        self.write(&(n as i64).to_le_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_is_fixed_by_the_content() {
        let a = Command::ExpireCashMovements {
            date: jiff::civil::date(2026, 7, 1),
        };
        let b = Command::ExpireCashMovements {
            date: jiff::civil::date(2026, 7, 2),
        };
        assert_eq!(command_digest(&a), command_digest(&a.clone()));
        assert_ne!(command_digest(&a), command_digest(&b));
        // Pinned: the digest is in the log, so it must not drift between builds.
        assert_eq!(command_digest(&a), 0xd1b1_adfd_37b1_052e_u64);
    }
}
