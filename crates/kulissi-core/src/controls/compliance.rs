//! Compliance (docs/domain.md §10): the restricted list checked before booking, and the
//! post-trade surveillance alerts raised as trades are booked: wash trades (a buy and a sell
//! of the same instrument in the same book within a window, quantities within a band),
//! trading in another trader's book, and prices far from the last recorded price. Alerts
//! are worked (assigned, commented, closed) as commands in the log.

use std::collections::{BTreeMap, HashMap, VecDeque};

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use rust_decimal::Decimal;

use crate::identifiers::Isin;
use crate::ids::{BookId, InstrumentId, TradeId};
use crate::position::IdHasher;
use crate::trade::Side;

/// An entry of the restricted list: trading in the instrument is blocked while it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestrictedEntry {
    /// Its id.
    pub id: u64,
    /// The instrument.
    pub isin: Isin,
    /// Why (a mandate, inside information: what compliance may say).
    pub reason: String,
    /// Who added it.
    pub added_by: String,
    /// The business date from which it blocks.
    pub from: Date,
    /// Lifted, with the reason.
    pub lifted: Option<String>,
}

/// What a surveillance alert is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AlertKind {
    /// A buy and a sell of the same instrument in the same book within the window.
    WashTrade,
    /// A trade booked by a trader in a book that is not theirs.
    OutsideBooks,
    /// A price further from the last recorded price than the threshold.
    PriceDeviation,
}

impl AlertKind {
    /// Its wire name.
    pub fn name(self) -> &'static str {
        match self {
            AlertKind::WashTrade => "wash_trade",
            AlertKind::OutsideBooks => "outside_books",
            AlertKind::PriceDeviation => "price_deviation",
        }
    }

    pub(crate) fn code(self) -> u8 {
        match self {
            AlertKind::WashTrade => 0,
            AlertKind::OutsideBooks => 1,
            AlertKind::PriceDeviation => 2,
        }
    }

    pub(crate) fn from_code(code: u8) -> Option<AlertKind> {
        [
            AlertKind::WashTrade,
            AlertKind::OutsideBooks,
            AlertKind::PriceDeviation,
        ]
        .get(usize::from(code))
        .copied()
    }
}

/// A step of an alert's workflow.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AlertAction {
    /// Give it to someone.
    Assign(String),
    /// Add a comment.
    Comment(String),
    /// Close it with a conclusion.
    Close(String),
}

/// A surveillance alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    /// Its id.
    pub id: u64,
    /// What it is about.
    pub kind: AlertKind,
    /// The trade that raised it.
    pub trade: TradeId,
    /// The other trade (the wash trade's other leg).
    pub related: Option<TradeId>,
    /// What was seen, in words.
    pub detail: String,
    /// The business date it was raised.
    pub raised_on: Date,
    /// Who has it.
    pub assignee: Option<String>,
    /// Comments, oldest first: (who, text).
    pub comments: Vec<(String, String)>,
    /// The conclusion once closed.
    pub closed: Option<String>,
}

/// The thresholds of the surveillance rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SurveillanceSettings {
    /// How close in time a buy and a sell must be to look like a wash trade (seconds).
    pub wash_window_seconds: u32,
    /// How close their quantities must be, as a fraction of the larger (0.10 = ±10%).
    pub wash_quantity_band: Decimal,
    /// How far from the last price a price raises an alert, as a fraction (0.10 = 10%).
    pub price_deviation: Decimal,
}

impl Default for SurveillanceSettings {
    fn default() -> Self {
        SurveillanceSettings {
            wash_window_seconds: 60,
            wash_quantity_band: Decimal::new(10, 2),
            price_deviation: Decimal::new(10, 2),
        }
    }
}

/// A booked execution, as the wash-trade rule remembers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecentExecution {
    /// The trade.
    pub trade: TradeId,
    /// Buy or sell.
    pub side: Side,
    /// Quantity.
    pub quantity: Decimal,
    /// Execution time.
    pub time: Timestamp,
}

/// The restricted list, alerts, thresholds and the recent executions per book and
/// instrument (at most one window's worth each).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Compliance {
    /// Restricted-list entries by id.
    pub restricted: BTreeMap<u64, RestrictedEntry>,
    /// Alerts by id.
    pub alerts: BTreeMap<u64, Alert>,
    /// Thresholds.
    pub settings: SurveillanceSettings,
    /// Recent executions by book and instrument.
    pub recent: HashMap<(BookId, InstrumentId), VecDeque<RecentExecution>, IdHasher>,
}

impl Compliance {
    /// The standing entry that blocks an instrument, if any.
    pub fn restriction_of(&self, isin: &Isin) -> Option<&RestrictedEntry> {
        self.restricted
            .values()
            .find(|e| e.lifted.is_none() && e.isin == *isin)
    }

    /// The next entry id.
    pub fn next_entry_id(&self) -> u64 {
        self.restricted.keys().next_back().map_or(1, |id| id + 1)
    }

    /// The next alert id.
    pub fn next_alert_id(&self) -> u64 {
        self.alerts.keys().next_back().map_or(1, |id| id + 1)
    }

    /// The earlier execution of the other side, in the same book and instrument, within the
    /// window and the quantity band, that makes `new` look like a wash trade.
    pub fn wash_partner(
        &self,
        key: (BookId, InstrumentId),
        new: &RecentExecution,
    ) -> Option<&RecentExecution> {
        let window = SignedDuration::from_secs(i64::from(self.settings.wash_window_seconds));
        self.recent.get(&key)?.iter().rev().find(|e| {
            let apart = new.time.duration_since(e.time).abs();
            let larger = e.quantity.max(new.quantity);
            e.side != new.side
                && apart <= window
                && larger > Decimal::ZERO
                && (e.quantity - new.quantity).abs() <= larger * self.settings.wash_quantity_band
        })
    }

    /// Remembers an execution, forgetting those a window older than the newest.
    pub(crate) fn remember(&mut self, key: (BookId, InstrumentId), execution: RecentExecution) {
        let window = SignedDuration::from_secs(i64::from(self.settings.wash_window_seconds));
        let list = self.recent.entry(key).or_default();
        list.push_back(execution);
        let newest = list.iter().map(|e| e.time).max().unwrap_or(execution.time);
        list.retain(|e| newest.duration_since(e.time) <= window);
    }
}

/// Whether `price` is further than `threshold` (a fraction) from `last`.
pub fn deviates(price: Decimal, last: Decimal, threshold: Decimal) -> bool {
    last > Decimal::ZERO && (price - last).abs() > last * threshold
}
