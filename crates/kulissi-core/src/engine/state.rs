//! The engine's state: reference data, trades (current versions) and holdings.

use std::collections::HashMap;
use std::sync::Arc;

use super::Event;
use crate::ledger::{self, EntryHeader, EntryKind};
use crate::position::Holdings;
use crate::refdata::RefData;
use crate::trade::{TradeRecord, TradeStatus};

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
    trades: Vec<StoredTrade>,
    /// Source → external id → trade id (two levels, so a lookup allocates nothing).
    by_external: HashMap<Arc<str>, HashMap<Arc<str>, u64>>,
    /// Sources and traders, shared by every trade that names them.
    names: std::collections::HashSet<Arc<str>>,
    /// Settlement confirmation references → the trade each confirmed.
    settlement_references: HashMap<Arc<str>, u64>,
}

impl Trades {
    /// The id the next booking gets.
    pub fn next_trade_id(&self) -> u64 {
        self.trades.len() as u64 + 1
    }

    /// The trade with `trade_id`.
    pub fn get(&self, trade_id: u64) -> Option<&StoredTrade> {
        trade_id
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

    /// The trade a settlement confirmation reference confirmed, if it was seen.
    pub fn settled_by(&self, reference: &str) -> Option<u64> {
        self.settlement_references.get(reference).copied()
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

    fn get_mut(&mut self, trade_id: u64) -> Option<&mut StoredTrade> {
        trade_id
            .checked_sub(1)
            .and_then(|i| self.trades.get_mut(usize::try_from(i).ok()?))
    }
}

/// Everything the engine knows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct State {
    /// Reference data.
    pub refdata: RefData,
    /// Trades.
    pub trades: Trades,
    /// Positions and projected cash.
    pub holdings: Holdings,
    /// General-ledger balances, derived from the events by the posting rules.
    pub ledger: ledger::LedgerBalances,
}

impl State {
    pub(super) fn apply<J: ledger::Journal>(&mut self, event: &Event, journal: &mut J) {
        let refdata = &mut self.refdata;
        match event {
            Event::LegalEntityDefined { id, entity } => {
                refdata.legal_entities.put(*id, entity.lei, entity.clone())
            }
            Event::CounterpartyDefined { id, counterparty } => {
                refdata
                    .counterparties
                    .put(*id, counterparty.lei, counterparty.clone())
            }
            Event::InstrumentDefined { id, instrument } => {
                refdata
                    .instruments
                    .put(*id, instrument.isin, instrument.clone())
            }
            Event::BookDefined { id, book } => {
                refdata.books.put(*id, book.code.clone(), book.clone())
            }
            Event::AccountDefined { id, account } => {
                refdata
                    .accounts
                    .put(*id, account.code.clone(), account.clone())
            }
            Event::SsiDefined { id, ssi } => refdata.ssis.put(*id, ssi.key, ssi.clone()),
            Event::FeeScheduleDefined { id, schedule } => refdata.fee_schedules.put(
                *id,
                (schedule.market, schedule.instrument_type),
                schedule.clone(),
            ),
            Event::TradeBooked {
                trade_id,
                source,
                external_id,
                input_digest,
                terms,
                economics,
            } => {
                let record = TradeRecord {
                    trade_id: *trade_id,
                    version: 1,
                    status: TradeStatus::Live,
                    source: source.clone(),
                    external_id: external_id.clone(),
                    terms: terms.clone(),
                    economics: *economics,
                    settled_quantity: rust_decimal::Decimal::ZERO,
                };
                let change = [(record.terms.currency, self.holdings.add(&record))];
                let header = entry_header(EntryKind::TradeBooked, &record, record.terms.trade_date);
                self.ledger.apply(&header, journal, |sink| {
                    ledger::trade_event(None, Some(&record), &change, sink)
                });
                self.trades.names.insert(source.clone());
                self.trades.names.insert(terms.trader.clone());
                let by_source = &mut self.trades.by_external;
                let ids = match by_source.get_mut(&**source) {
                    Some(ids) => ids,
                    None => by_source.entry(source.clone()).or_default(),
                };
                ids.insert(external_id.clone(), *trade_id);
                self.trades.trades.push(StoredTrade {
                    record,
                    input_digest: *input_digest,
                });
            }
            Event::TradeAmended {
                trade_id,
                version,
                terms,
                economics,
            } => {
                let Some(old) = self.trades.get(*trade_id).map(|t| t.record.clone()) else {
                    return;
                };
                let mut new = old.clone();
                new.version = *version;
                new.terms = terms.clone();
                new.economics = *economics;
                self.trades.names.insert(new.terms.trader.clone());
                let old_key = (old.terms.account, old.terms.instrument);
                let new_key = (new.terms.account, new.terms.instrument);
                let (old_before, new_before) = (
                    self.holdings.cost_of(old_key),
                    self.holdings.cost_of(new_key),
                );
                self.holdings.remove(&old);
                self.holdings.add(&new);
                let mut changes = vec![(
                    old.terms.currency,
                    self.holdings.cost_of(old_key) - old_before,
                )];
                if new_key != old_key {
                    changes.push((
                        new.terms.currency,
                        self.holdings.cost_of(new_key) - new_before,
                    ));
                }
                let header = entry_header(EntryKind::TradeAmended, &new, new.terms.trade_date);
                self.ledger.apply(&header, journal, |sink| {
                    ledger::trade_event(Some(&old), Some(&new), &changes, sink)
                });
                if let Some(stored) = self.trades.get_mut(*trade_id) {
                    stored.record = new;
                }
            }
            Event::TradeCancelled {
                trade_id, version, ..
            } => {
                let Some(old) = self.trades.get(*trade_id).map(|t| t.record.clone()) else {
                    return;
                };
                if let Some(stored) = self.trades.get_mut(*trade_id) {
                    stored.record.version = *version;
                    stored.record.status = TradeStatus::Cancelled;
                }
                let key = (old.terms.account, old.terms.instrument);
                let before = self.holdings.cost_of(key);
                self.holdings.remove(&old);
                let change = [(old.terms.currency, self.holdings.cost_of(key) - before)];
                let header = entry_header(EntryKind::TradeCancelled, &old, old.terms.trade_date);
                self.ledger.apply(&header, journal, |sink| {
                    ledger::trade_event(Some(&old), None, &change, sink)
                });
            }
            Event::SettlementConfirmed {
                trade_id,
                quantity,
                reference,
                settlement_date,
                ..
            } => {
                let Some(stored) = self.trades.get_mut(*trade_id) else {
                    return;
                };
                let settled_before = stored.record.settled_quantity;
                stored.record.settled_quantity += *quantity;
                let record = stored.record.clone();
                let header = entry_header(EntryKind::Settlement, &record, *settlement_date);
                self.ledger.apply(&header, journal, |sink| {
                    ledger::settlement_part(&record, settled_before, record.settled_quantity, sink)
                });
                self.trades
                    .settlement_references
                    .insert(reference.clone(), *trade_id);
                self.holdings.settle(&record, *quantity);
            }
        }
    }
}

/// The header of the entry a trade event derives, effective on `date`.
fn entry_header(kind: EntryKind, record: &TradeRecord, date: jiff::civil::Date) -> EntryHeader {
    EntryHeader {
        kind,
        effective_date: date,
        posting_date: date,
        trade_id: Some(record.trade_id),
    }
}
