//! Typed ids: the dense numbers the engine gives reference data and trades, one type per
//! kind, so that an account's id cannot be passed where
//! an instrument's is expected. The number inside is what the log and the read models store.
//!
//! ```compile_fail
//! use kulissi_core::ids::{AccountId, InstrumentId};
//! fn position(account: AccountId, instrument: InstrumentId) -> (AccountId, InstrumentId) {
//!     (account, instrument)
//! }
//! // Swapped: does not compile.
//! position(InstrumentId(7), AccountId(3));
//! ```

/// A dense id: the index of its row in a reference-data table, assigned in definition order.
pub trait DenseId: Copy + Eq + std::hash::Hash + std::fmt::Debug {
    /// The id of the row at `index`.
    fn from_index(index: u32) -> Self;
    /// The row's index.
    fn index(self) -> u32;
}

macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident($int:ty)) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
        pub struct $name(pub $int);

        impl From<$name> for $int {
            fn from(id: $name) -> $int {
                id.0
            }
        }

        impl From<$int> for $name {
            fn from(n: $int) -> $name {
                $name(n)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

macro_rules! dense_id {
    ($(#[$doc:meta])* $name:ident) => {
        typed_id!($(#[$doc])* $name(u32));

        impl From<$name> for u64 {
            fn from(id: $name) -> u64 {
                u64::from(id.0)
            }
        }

        impl DenseId for $name {
            fn from_index(index: u32) -> Self {
                $name(index)
            }
            fn index(self) -> u32 {
                self.0
            }
        }
    };
}

dense_id!(
    /// One of our legal entities.
    LegalEntityId
);
dense_id!(
    /// A counterparty (broker, custodian, client, CCP).
    CounterpartyId
);
dense_id!(
    /// An instrument.
    InstrumentId
);
dense_id!(
    /// A book.
    BookId
);
dense_id!(
    /// An account (house or client) at a custodian.
    AccountId
);
dense_id!(
    /// A standing settlement instruction.
    SsiId
);
dense_id!(
    /// A fee schedule version.
    FeeScheduleId
);
typed_id!(
    /// A trade: 1 for the first booked, counting up.
    TradeId(u64)
);
