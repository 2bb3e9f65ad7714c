//! The trade book the engine keeps: every trade's current version by trade id and by source
//! and external id, the sources and traders they share, and the settlement confirmations
//! taken, by the custodian's reference.

use std::collections::HashMap;
use std::sync::Arc;

use crate::ids::TradeId;
use crate::position::IdHasher;
use crate::trade::TradeRecord;
use jiff::civil::Date;
use rust_decimal::Decimal;

/// A trade record with the fingerprint of its original booking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredTrade {
    /// The current version.
    pub record: TradeRecord,
    /// Fingerprint of the booking as first received.
    pub input_digest: u64,
}

/// Every trade's current version, by trade id and by source + external id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trades {
    /// Index `trade_id - 1`.
    pub(super) trades: Vec<StoredTrade>,
    /// Source → external id → trade id (two levels, so a lookup allocates nothing).
    pub(super) by_external: HashMap<Arc<str>, HashMap<Arc<str>, TradeId, IdHasher>, IdHasher>,
    /// Sources and traders, shared by every trade that names them.
    pub(super) names: std::collections::HashSet<Arc<str>>,
    /// Settlement confirmation references → what each confirmed.
    pub(super) settlement_references: HashMap<Arc<str>, Confirmation>,
}

/// What a settlement confirmation confirmed, kept under its reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Confirmation {
    /// The trade.
    pub trade_id: TradeId,
    /// The quantity it settled.
    pub quantity: Decimal,
    /// The effective settlement date.
    pub settlement_date: Date,
}

impl Trades {
    /// The id the next booking gets.
    pub fn next_trade_id(&self) -> TradeId {
        TradeId(self.trades.len() as u64 + 1)
    }

    /// The trade with `trade_id`.
    pub fn get(&self, trade_id: TradeId) -> Option<&StoredTrade> {
        trade_id
            .0
            .checked_sub(1)
            .and_then(|i| self.trades.get(usize::try_from(i).ok()?))
    }

    /// The trade booked from `source` under `external_id`.
    pub fn by_external_id(&self, source: &str, external_id: &str) -> Option<&StoredTrade> {
        self.by_external
            .get(source)
            .and_then(|ids| ids.get(external_id))
            .and_then(|id| self.get(*id))
    }

    /// What the settlement confirmation with `reference` confirmed, if it was seen.
    pub fn confirmation(&self, reference: &str) -> Option<&Confirmation> {
        self.settlement_references.get(reference)
    }

    /// Every settlement confirmation seen, in no particular order.
    pub fn confirmations(&self) -> impl Iterator<Item = &Confirmation> {
        self.settlement_references.values()
    }

    /// A shared copy of a source or trader name (allocated once per distinct name).
    pub fn shared_name(&self, name: &str) -> Arc<str> {
        self.names
            .get(name)
            .cloned()
            .unwrap_or_else(|| Arc::from(name))
    }

    /// Every trade, by id.
    pub fn iter(&self) -> impl Iterator<Item = &StoredTrade> {
        self.trades.iter()
    }

    /// Number of trades ever booked.
    pub fn len(&self) -> usize {
        self.trades.len()
    }

    /// Whether no trade was ever booked.
    pub fn is_empty(&self) -> bool {
        self.trades.is_empty()
    }

    pub(super) fn get_mut(&mut self, trade_id: TradeId) -> Option<&mut StoredTrade> {
        trade_id
            .0
            .checked_sub(1)
            .and_then(|i| self.trades.get_mut(usize::try_from(i).ok()?))
    }
}
