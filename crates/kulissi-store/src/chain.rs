//! The hash chain: each record's hash covers the previous record's hash and all of its own
//! fields, so changing any byte of any stored record breaks every hash from there on, and
//! `verify` names the first record that no longer matches.

use sha2::{Digest, Sha256};

use crate::LogRecord;

/// The "previous hash" of the first record.
pub const GENESIS_HASH: [u8; 32] = [0; 32];

/// The end of the log: last sequence number and its hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainHead {
    /// Sequence number of the last record.
    pub seq: u64,
    /// Its hash.
    pub hash: [u8; 32],
}

/// SHA-256 over the previous hash and the record's fields in a fixed, length-prefixed layout.
pub fn record_hash(previous: &[u8; 32], record: &LogRecord) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(previous);
    h.update(record.seq.to_le_bytes());
    h.update(record.partition.to_le_bytes());
    h.update(record.business_date.year().to_le_bytes());
    h.update([
        record.business_date.month() as u8,
        record.business_date.day() as u8,
    ]);
    h.update(record.wall_time_us.to_le_bytes());
    h.update((record.actor.len() as u32).to_le_bytes());
    h.update(record.actor.as_bytes());
    h.update([record.schema_version]);
    h.update((record.payload.len() as u32).to_le_bytes());
    h.update(&record.payload);
    h.finalize().into()
}

/// Hex of a hash, for messages.
pub fn hex(hash: &[u8; 32]) -> String {
    hash.iter().map(|b| format!("{b:02x}")).collect()
}
