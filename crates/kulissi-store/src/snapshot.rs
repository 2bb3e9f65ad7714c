//! Snapshots: the engine state written beside the log every so many events, so that start-up
//! loads the newest one and replays only the tail.
//!
//! A snapshot is tied to the chain: it records the sequence number and hash of the last
//! record it includes, and a SHA-256 digest of its own bytes. Start-up uses it only if the
//! log's record at that sequence has that hash and the bytes have that digest; anything else
//! is refused by name and rebuilt from the log. The log stays the truth: `kulissi verify`
//! replays from the first event whatever snapshots exist.

use sha2::{Digest, Sha256};

/// The largest piece a snapshot is stored in (SQLite and PostgreSQL both cap a value at 1 GB).
pub const SNAPSHOT_CHUNK: usize = 32 << 20;

/// The engine state after the record `seq` whose hash is `hash`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// The last sequence number the state includes.
    pub seq: u64,
    /// That record's hash.
    pub hash: [u8; 32],
    /// The state's encoding version (`kulissi_core::engine::snapshot::FORMAT`).
    pub format: u32,
    /// The encoded state.
    pub payload: Vec<u8>,
}

impl Snapshot {
    /// The SHA-256 digest of the payload, kept beside it to catch a damaged snapshot.
    pub fn digest(&self) -> [u8; 32] {
        Sha256::digest(&self.payload).into()
    }
}

/// A snapshot read back from a store, checked against the digest stored with it.
pub fn checked(
    seq: u64,
    hash: &[u8],
    format: u32,
    digest: &[u8],
    payload: Vec<u8>,
) -> Result<Snapshot, crate::StoreError> {
    let corrupt = |what: &str| crate::StoreError::Corrupt {
        seq,
        what: format!("snapshot {what}"),
    };
    let hash: [u8; 32] = hash
        .try_into()
        .map_err(|_| corrupt("chain hash is not 32 bytes"))?;
    let snapshot = Snapshot {
        seq,
        hash,
        format,
        payload,
    };
    if snapshot.digest()[..] != *digest {
        return Err(corrupt("bytes do not match their digest"));
    }
    Ok(snapshot)
}
